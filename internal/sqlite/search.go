package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/markdown"
)

// ftsQuery turns what a person typed into a safe FTS5 query; see
// parseQuery.
func ftsQuery(input string) string {
	return parseQuery(input).match
}

// parseQuery turns what a person typed (conflict.ParseSearch) into a
// safe FTS5 query, and gives the words it looks for (not those it leaves
// out), folded, and its terms, for search's sets (plain). Every term is folded as the index is (conflict.FoldSearch)
// and quoted, so FTS5 operators typed by accident (AND, NEAR, a lone
// quote, a colon) are searched as words rather than failing the query.
// Still honoured: "quoted phrases", a trailing * for a prefix of at least
// conflict.PrefixMinLetters letters, and a leading - to leave a word out.
// The match is "" when nothing searchable remains.
func parseQuery(input string) ftsSearch {
	var (
		include, exclude []string
		words            []string
		prefix           bool
	)
	terms := conflict.ParseSearch(input)
	for _, t := range terms {
		q := `"` + strings.Join(t.Words, " ") + `"`
		if t.Prefix {
			q += "*"
		}
		prefix = prefix || t.Prefix
		if t.Negate {
			exclude = append(exclude, q)
		} else {
			include = append(include, q)
			words = append(words, t.Words...)
		}
	}
	if len(include) == 0 {
		return ftsSearch{}
	}
	q := ftsSearch{match: strings.Join(include, " "), words: words, prefix: prefix, marks: conflict.NewHighlighter(terms),
		plain: &plainTerms{include: include, exclude: exclude}}
	for _, x := range exclude {
		q.match += " NOT " + x
	}
	return q
}

// rankLimit is the most matches ranked by relevance. Ranking scores every
// match, and even counting a common word's matches that far costs a
// millisecond or more a thousand at a million events, so a query as broad
// as one common word lists its newest matches instead, and says so.
const rankLimit = conflict.SearchCountLimit

// Search finds published events, actors, places, sources and quotes
// matching what a person typed, best matches first, and the actors and
// places it names with their events and estimates. Any input is safe: it
// is turned into quoted FTS5 terms first.
func (db *DB) Search(ctx context.Context, input string, limit int) (conflict.SearchResults, error) {
	return db.search(ctx, input, limit, db.terms)
}

// search is Search, counting from sets of common words' matches when sets
// is not nil.
func (db *DB) search(ctx context.Context, input string, limit int, sets *termSets) (conflict.SearchResults, error) {
	res := conflict.SearchResults{Query: input, OtherCounts: map[string]int{}}
	q := parseQuery(input)
	if q.match == "" {
		return res, nil
	}
	q.sets = sets
	limit = clampLimit(limit)
	var err error
	if res.Named, err = db.namedRecords(ctx, input); err != nil {
		return res, err
	}
	// The events and the other records are searched at once, on two
	// connections: each walks its own index, and a reader waits for the
	// slower of the two rather than for both.
	var ev conflict.SearchResults
	done := make(chan error, 1)
	go func() { done <- db.searchEvents(ctx, &ev, q, limit) }()
	errOthers := db.searchOthers(ctx, &res, q, limit)
	if err := cmp.Or(<-done, errOthers); err != nil {
		return res, err
	}
	res.Events, res.EventCount, res.Broad = ev.Events, ev.EventCount, ev.Broad || res.Broad
	return res, nil
}

// ftsSearch is a parsed query (parseQuery) and the sets to count it from.
type ftsSearch struct {
	match string
	words []string
	plain *plainTerms
	// prefix is set when a term is a prefix: FTS5 then gathers the
	// lists of every word it begins each time it reads the index.
	prefix bool
	sets   *termSets
	// marks marks an event's matched words.
	marks *conflict.Highlighter
}

// snippetWords is how many words of an event's text its snippet shows,
// and recordSnippetWords of an actor's, place's or source's text, or a
// quote.
const (
	snippetWords       = 24
	recordSnippetWords = 20
)

// walkRanges gives the ranges of rowids in which FTS5 should look for the
// query's matches among rowids, as a JSON array of [first, last] pairs:
// each row is sought on its own, but for a query with a prefix: FTS5
// gathers the lists of the words a prefix begins at every read, a seek
// into the index, which for a prefix of three letters at a million events
// is some 60 ms. So its rows are read in one walk, from the first to the
// last.
func (q ftsSearch) walkRanges(rowids []int64) string {
	if q.prefix && len(rowids) > 0 {
		return fmt.Sprintf("[[%d,%d]]", slices.Min(rowids), slices.Max(rowids))
	}
	var b strings.Builder
	b.WriteByte('[')
	// In order, so that each seek goes forward from the last.
	for i, id := range slices.Sorted(slices.Values(rowids)) {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "[%d,%d]", id, id)
	}
	b.WriteByte(']')
	return b.String()
}

// candidates is how many of the best matches by relevance are read to
// put the exact ones first among them.
func candidates(limit int) int { return min(2*limit, rankLimit) }

// searchEvents finds the events whose words match.
func (db *DB) searchEvents(ctx context.Context, res *conflict.SearchResults, q ftsSearch, limit int) error {
	words := q.words
	// Past rankLimit, events are listed newest first by their dates: the
	// date-ordered index gives a word's matches in that order.
	events, counts, n, broad, err := db.rankedIDs(ctx, q, "events_date_fts", candidates(limit), limit,
		`SELECT id, count(*) OVER () FROM (SELECT f.rowid % 4294967296 AS id, bm25(events_date_fts, 4.0, 1.0) AS score
		 FROM events_date_fts f JOIN events e ON e.id = f.rowid % 4294967296
		 WHERE events_date_fts MATCH ? AND e.status = 'published') ORDER BY score LIMIT ?`,
		`SELECT f.rowid % 4294967296, 0 FROM events_date_fts f JOIN events e ON e.id = f.rowid % 4294967296
		 WHERE events_date_fts MATCH ? AND e.status = 'published' ORDER BY f.rowid DESC LIMIT ?`)
	if err != nil || len(events) == 0 {
		return err
	}
	// Ranked, every published match was counted; too broad to rank, the
	// count of every match stopped past rankLimit.
	res.Broad, res.EventCount = broad, n
	// One read gives what both the reordering and the marks need: the
	// candidates' titles and texts. The matches are marked here rather
	// than by FTS5, which would first find each row again by every word
	// of the query: for the newest matches of three common words that is a
	// millisecond, half of a search's work, where reading the text is a
	// tenth of one.
	rows, err := db.read.QueryContext(ctx, `SELECT id, date, title, body FROM events
		WHERE id IN (SELECT value FROM json_each(?))`, jsonIDs(args(events)))
	if err != nil {
		return err
	}
	defer rows.Close()
	type eventText struct {
		hit         conflict.SearchHit
		title, body string
	}
	read := map[int64]eventText{}
	titles := map[int64]string{}
	for rows.Next() {
		t := eventText{hit: conflict.SearchHit{Kind: "event"}}
		var title string
		if err := rows.Scan(&t.hit.ID, &t.hit.Date, &title, &t.body); err != nil {
			return err
		}
		t.hit.Slug = conflict.EventSlug(title)
		t.title = markdown.Plain(title)
		read[t.hit.ID], titles[t.hit.ID] = t, t.title
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if !broad {
		res.EventCount = counts[0]
		// The best candidates by relevance are reordered by their titles
		// and cut to the page before any match is marked: half the
		// candidates are not shown.
		events = exactFirst(events, titles, words, nil, limit)
	}
	for _, id := range events {
		// A row gone since the ranking is left out, not shown empty.
		if t, ok := read[id]; ok {
			t.hit.Title, t.hit.Snippet = q.marks.Whole(t.title), q.marks.Snippet(markdown.Plain(t.body), snippetWords)
			res.Events = append(res.Events, t.hit)
		}
	}
	return nil
}

// exactFirst returns the first limit of ids (in order of relevance)
// reordered by their titles (titles, Markdown taken out) alone, keeping
// their order otherwise: the records a query names first (named, when
// given), then those whose title is the query's words exactly, then
// those whose title holds them as a phrase, then those whose title holds
// them all. The index finds word forms (airstrike finds airstrikes); the
// form typed is the better match. A page is cut after this and before
// its matches are marked, which is most of a search's cost.
func exactFirst(ids []int64, titles map[int64]string, words []string, named func(int64) bool, limit int) []int64 {
	score := make(map[int64]int, len(ids))
	for _, id := range ids {
		if named != nil && named(id) {
			score[id] = 4
		} else {
			score[id] = exactness(conflict.SearchWords(titles[id]), words)
		}
	}
	out := slices.Clone(ids)
	sort.SliceStable(out, func(a, b int) bool { return score[out[a]] > score[out[b]] })
	return out[:min(len(out), limit)]
}

// searchOthers finds the actors, places, sources and quotes whose words
// match; the actors and places the query names come first.
func (db *DB) searchOthers(ctx context.Context, res *conflict.SearchResults, q ftsSearch, limit int) error {
	match, words := q.match, q.words
	const published = `FROM records_fts r
		LEFT JOIN citations c ON r.rowid % 8 = 4 AND c.id = r.rowid / 8
		LEFT JOIN events ev ON ev.id = c.event_id
		LEFT JOIN estimates x ON x.id = c.estimate_id
		LEFT JOIN actors a ON r.rowid % 8 = 1 AND a.id = r.rowid / 8
		LEFT JOIN places p ON r.rowid % 8 = 2 AND p.id = r.rowid / 8
		LEFT JOIN sources s ON r.rowid % 8 = 3 AND s.id = r.rowid / 8
		WHERE records_fts MATCH ? AND coalesce(ev.status, x.status, a.status, p.status, s.status) = 'published'`
	kinds := map[int64]string{1: "actor", 2: "place", 3: "source", 4: "quote"}
	// Ranked, each kind's published matches are counted as they are
	// ranked (the kinds among the best, which are the kinds listed); too
	// broad to rank, they are not counted.
	others, counts, _, broad, err := db.rankedIDs(ctx, q, "records_fts", candidates(limit), limit,
		`SELECT id, count(*) OVER (PARTITION BY id % 8) FROM (SELECT r.rowid AS id, bm25(records_fts, 4.0, 1.0) AS score `+published+`)
		 ORDER BY score LIMIT ?`,
		`SELECT r.rowid, 0 `+published+` ORDER BY r.rowid DESC LIMIT ?`)
	if err != nil {
		return err
	}
	res.Broad, res.OthersCounted = res.Broad || broad, !broad
	for i, id := range others {
		res.OtherCounts[kinds[id%8]] = counts[i]
	}
	named := map[int64]bool{}
	for _, n := range res.Named {
		code := int64(1)
		if n.Hit.Kind == "place" {
			code = 2
		}
		named[n.Hit.ID*8+code] = true
		if !slices.Contains(others, n.Hit.ID*8+code) {
			others = append(others, n.Hit.ID*8+code)
		}
	}
	if len(others) == 0 {
		return nil
	}
	// One read gives what both the reordering and the marks need, as for
	// events: the index keeps no text (0030), and the records' own rows
	// are read for it.
	texts, err := recordTexts(ctx, db.read, others)
	if err != nil {
		return err
	}
	titles := make(map[int64]string, len(texts))
	for id, t := range texts {
		titles[id] = markdown.Plain(t.title)
	}
	others = exactFirst(others, titles, words, func(id int64) bool { return named[id] }, limit+len(res.Named))
	// A named record the words do not match (names are compared whole,
	// words by their stems) is listed under its name alone, below: the
	// index says which rows match, and what a quote is of. The rows are
	// read by the ranges walkRanges gives.
	rows, err := db.read.QueryContext(ctx, `SELECT r.rowid,
		CASE r.rowid % 8
			WHEN 1 THEN (SELECT slug FROM actors WHERE id = r.rowid / 8)
			WHEN 2 THEN (SELECT slug FROM places WHERE id = r.rowid / 8)
			ELSE '' END,
		CASE r.rowid % 8 WHEN 4 THEN coalesce(c.event_id, c.estimate_id, 0) ELSE 0 END,
		CASE r.rowid % 8 WHEN 4 THEN CASE WHEN c.event_id IS NOT NULL THEN 'event' ELSE 'estimate' END ELSE '' END,
		coalesce(ev.title, f.name || ' (' || x.claimant || ')', '')
		FROM json_each(?2) w CROSS JOIN records_fts r
		LEFT JOIN citations c ON r.rowid % 8 = 4 AND c.id = r.rowid / 8
		LEFT JOIN events ev ON ev.id = c.event_id
		LEFT JOIN estimates x ON x.id = c.estimate_id
		LEFT JOIN actors f ON f.id = x.actor_id
		WHERE records_fts MATCH ?1 AND r.rowid BETWEEN w.value ->> 0 AND w.value ->> 1
		AND +r.rowid IN (SELECT value FROM json_each(?3))`,
		match, q.walkRanges(others), jsonIDs(args(others)))
	if err != nil {
		return err
	}
	defer rows.Close()
	hits := map[int64]conflict.SearchHit{}
	for rows.Next() {
		var (
			rowid int64
			h     conflict.SearchHit
		)
		if err := rows.Scan(&rowid, &h.Slug, &h.InID, &h.InKind, &h.InTitle); err != nil {
			return err
		}
		if h.InKind == conflict.EventRecord {
			h.InSlug = conflict.EventSlug(h.InTitle)
		}
		// A row whose record was gone when its text was read is left
		// out, not shown empty.
		t, ok := texts[rowid]
		if !ok {
			continue
		}
		h.Kind, h.ID = kinds[rowid%8], rowid/8
		h.Title, h.Snippet = q.marks.Whole(titles[rowid]), q.marks.Snippet(markdown.Plain(t.body), recordSnippetWords)
		hits[rowid] = h
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, n := range res.Named {
		code := int64(1)
		if n.Hit.Kind == "place" {
			code = 2
		}
		if _, ok := hits[n.Hit.ID*8+code]; !ok {
			hits[n.Hit.ID*8+code] = n.Hit
		}
	}
	for _, id := range others {
		if h, ok := hits[id]; ok {
			res.Others = append(res.Others, h)
		}
	}
	return nil
}

// exactness scores how exactly a title's folded words hold a query's:
// 3 the same words, 2 as a phrase, 1 all of them, 0 otherwise.
func exactness(title, words []string) int {
	switch {
	case len(words) == 0:
		return 0
	case slices.Equal(title, words):
		return 3
	}
	for i := 0; i+len(words) <= len(title); i++ {
		if slices.Equal(title[i:i+len(words)], words) {
			return 2
		}
	}
	for _, w := range words {
		if !slices.Contains(title, w) {
			return 0
		}
	}
	return 1
}

// rankedIDs returns the rowids of the best matches in the FTS5 index
// index: up to ranked of them by relevance, or, past rankLimit matches,
// the newest limit (broad is then set). The matches are counted, as far as
// rankLimit and one more, in n; rankQuery and newestQuery give each row
// with a count of its own, returned in counts. The snippets are made
// afterwards for these rows alone: made inside the ranking query, they
// would be computed for every match.
func (db *DB) rankedIDs(ctx context.Context, q ftsSearch, index string, ranked, limit int, rankQuery, newestQuery string) (ids []int64, counts []int, n int, broad bool, err error) {
	match := q.match
	n, counted, err := q.sets.count(ctx, db.read, index, q.plain, rankLimit+1)
	if err != nil {
		return nil, nil, 0, false, err
	}
	if !counted {
		start := time.Now()
		if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM `+index+` WHERE `+index+` MATCH ? LIMIT ?)`,
			match, rankLimit+1).Scan(&n); err != nil {
			return nil, nil, 0, false, err
		}
		q.sets.counted(index, q.plain, time.Since(start), n, rankLimit)
	}
	if n == 0 {
		// Words that are each common but never meet in one record walk
		// their whole lists to say so (8 ms for three common words at a
		// million events), unless their sets counted them: once is
		// enough.
		return nil, nil, 0, false, nil
	}
	run, max := rankQuery, ranked
	if n > rankLimit {
		broad, run, max = true, newestQuery, limit
	}
	rows, err := db.read.QueryContext(ctx, run, match, max)
	if err != nil {
		return nil, nil, 0, false, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c int
		if err := rows.Scan(&id, &c); err != nil {
			return nil, nil, 0, false, err
		}
		ids, counts = append(ids, id), append(counts, c)
	}
	return ids, counts, n, broad, rows.Err()
}

// namedLinks is how many of a named record's newest events and estimates
// a search lists; the rest are a link away.
const namedLinks = 5

// namedRecords finds the published actors and places whose name or one of
// whose aliases or names in other scripts is the whole query, as
// conflict.SearchKey compares names, with their newest events and
// estimates.
func (db *DB) namedRecords(ctx context.Context, input string) ([]conflict.NamedRecord, error) {
	// A prefix or a word left out asks for text, not a name.
	for _, f := range strings.Fields(input) {
		if strings.HasPrefix(f, "-") || strings.HasSuffix(f, "*") {
			return nil, nil
		}
	}
	key := conflict.SearchKey(input)
	if key == "" {
		return nil, nil
	}
	rows, err := db.read.QueryContext(ctx, `SELECT kind, id, slug, name FROM (
		SELECT 'actor' AS kind, id, slug, name FROM actors WHERE search_key(name) = ?1 AND status = 'published'
		UNION
		SELECT 'actor', a.id, a.slug, a.name FROM actor_aliases n JOIN actors a ON a.id = n.actor_id
		WHERE search_key(n.alias) = ?1 AND a.status = 'published'
		UNION
		SELECT 'place', id, slug, name FROM places WHERE search_key(name) = ?1 AND status = 'published'
		UNION
		SELECT 'place', p.id, p.slug, p.name FROM place_names n JOIN places p ON p.id = n.place_id
		WHERE search_key(n.name) = ?1 AND p.status = 'published')
		ORDER BY kind, id LIMIT 4`, key)
	if err != nil {
		return nil, err
	}
	var out []conflict.NamedRecord
	for rows.Next() {
		var n conflict.NamedRecord
		var name string
		if err := rows.Scan(&n.Hit.Kind, &n.Hit.ID, &n.Hit.Slug, &name); err != nil {
			rows.Close()
			return nil, err
		}
		n.Hit.Title = []conflict.Fragment{{Text: name}}
		out = append(out, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if err := db.namedLinks(ctx, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// namedLinks reads a named record's count of events and newest events
// (through the postings, which file each event under its actors and places
// and every one containing them), and its estimates.
func (db *DB) namedLinks(ctx context.Context, n *conflict.NamedRecord) error {
	key, estimates := "a:", `actor_id = ?`
	if n.Hit.Kind == "place" {
		key, estimates = "p:", `place_id = ?`
	}
	key += strconv.FormatInt(n.Hit.ID, 10)
	if err := db.read.QueryRowContext(ctx, `SELECT coalesce((SELECT n FROM event_key_counts WHERE key = ?), 0)`, key).Scan(&n.EventCount); err != nil {
		return err
	}
	if n.EventCount > 0 {
		rows, err := db.read.QueryContext(ctx, `SELECT e.id, e.title, e.date FROM (
			SELECT event_id FROM event_postings WHERE key = ? AND retracted = 0
			ORDER BY date_lo DESC, event_id DESC LIMIT ?) p JOIN events e ON e.id = p.event_id
			ORDER BY e.date_lo DESC, e.id DESC`, key, namedLinks)
		if err != nil {
			return err
		}
		for rows.Next() {
			h := conflict.SearchHit{Kind: "event"}
			var title string
			if err := rows.Scan(&h.ID, &title, &h.Date); err != nil {
				rows.Close()
				return err
			}
			h.Slug = conflict.EventSlug(title)
			h.Title = []conflict.Fragment{{Text: title}}
			n.Events = append(n.Events, h)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM estimates WHERE `+estimates+` AND status = 'published' LIMIT ?)`,
		n.Hit.ID, rankLimit+1).Scan(&n.EstimateCount); err != nil || n.EstimateCount == 0 {
		return err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT x.id, a.name, x.as_of, x.qualifier, x.low, x.high, x.unit
		FROM estimates x JOIN actors a ON a.id = x.actor_id
		WHERE x.`+estimates+` AND x.status = 'published' ORDER BY x.as_of_lo DESC, x.id DESC LIMIT ?`, n.Hit.ID, namedLinks)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			h         = conflict.SearchHit{Kind: "estimate"}
			x         conflict.Estimate
			force     string
			low, high sql.NullInt64
			unit      string
		)
		if err := rows.Scan(&h.ID, &force, &h.Date, &x.Qualifier, &low, &high, &unit); err != nil {
			return err
		}
		x.Low, x.High = conflict.Bound{Value: low.Int64, Set: low.Valid}, conflict.Bound{Value: high.Int64, Set: high.Valid}
		h.Title = []conflict.Fragment{{Text: force + ": " + x.ValueText() + " " + unit}}
		n.Estimates = append(n.Estimates, h)
	}
	return rows.Err()
}
