package sqlite

import (
	"context"
	"strings"
	"unicode"

	"github.com/sitrep/sitrep/internal/conflict"
)

// maxQueryTerms bounds the work one search can ask of FTS5.
const maxQueryTerms = 16

// ftsQuery turns what a person typed into a safe FTS5 query. Every term is
// quoted, so FTS5 operators typed by accident (AND, NEAR, a lone quote,
// a colon) are searched as words rather than failing the query. Still
// honoured: "quoted phrases", a trailing * for a prefix, and a leading - to
// leave a word out. It returns "" when nothing searchable remains.
func ftsQuery(input string) string {
	var (
		include, exclude []string
		rest             = strings.TrimSpace(input)
	)
	for rest != "" && len(include)+len(exclude) < maxQueryTerms {
		negate := false
		if rest[0] == '-' {
			negate = true
			rest = rest[1:]
		}
		var term string
		phrase := false
		if strings.HasPrefix(rest, `"`) {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				term, rest = rest[1:], ""
			} else {
				term, rest = rest[1:end+1], rest[end+2:]
			}
			phrase = true
		} else {
			end := strings.IndexFunc(rest, unicode.IsSpace)
			if end < 0 {
				end = len(rest)
			}
			term, rest = rest[:end], rest[end:]
		}
		rest = strings.TrimSpace(rest)
		prefix := !phrase && strings.HasSuffix(term, "*")
		words := strings.FieldsFunc(term, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.Is(unicode.Mn, r) })
		if len(words) == 0 {
			continue
		}
		q := `"` + strings.Join(words, " ") + `"`
		if prefix {
			q += "*"
		}
		if negate {
			exclude = append(exclude, q)
		} else {
			include = append(include, q)
		}
	}
	if len(include) == 0 {
		return ""
	}
	q := strings.Join(include, " ")
	for _, x := range exclude {
		q += " NOT " + x
	}
	return q
}

// Markers FTS5 puts around matched words; control characters, so they
// cannot occur in stored text.
const (
	markStart = "\x02"
	markEnd   = "\x03"
)

// markup is the Markdown emphasis a snippet would otherwise show raw.
var markup = strings.NewReplacer("**", "", "__", "", "`", "")

// fragments splits FTS5 output at the markers.
func fragments(s string) []conflict.Fragment {
	s = markup.Replace(s)
	var out []conflict.Fragment
	for s != "" {
		i := strings.Index(s, markStart)
		if i < 0 {
			out = append(out, conflict.Fragment{Text: s})
			break
		}
		if i > 0 {
			out = append(out, conflict.Fragment{Text: s[:i]})
		}
		s = s[i+len(markStart):]
		j := strings.Index(s, markEnd)
		if j < 0 {
			j = len(s)
		}
		out = append(out, conflict.Fragment{Text: s[:j], Match: true})
		s = strings.TrimPrefix(s[j:], markEnd)
	}
	return out
}

// rankLimit is the most matches ranked by relevance. Ranking scores every
// match, and even counting a common word's matches that far costs a
// millisecond or more a thousand at a million events, so a query as broad
// as one common word lists its newest matches instead, and says so.
const rankLimit = 500

// Search finds published events, actors, places, sources and quotes
// matching what a person typed, best matches first. Any input is safe: it
// is turned into quoted FTS5 terms first.
func (db *DB) Search(ctx context.Context, input string, limit int) (conflict.SearchResults, error) {
	res := conflict.SearchResults{Query: input}
	match := ftsQuery(input)
	if match == "" {
		return res, nil
	}
	limit = clampLimit(limit)
	// Past rankLimit, events are listed newest first by their dates: the
	// date-ordered index gives a word's matches in that order.
	events, broad, err := db.rankedIDs(ctx, "events_fts", match, limit,
		`SELECT f.rowid FROM events_fts f JOIN events e ON e.id = f.rowid
		 WHERE events_fts MATCH ? AND e.status = 'published' ORDER BY {order} LIMIT ?`, "bm25(events_fts, 4.0, 1.0)", "",
		`SELECT f.rowid % 4294967296 FROM events_date_fts f JOIN events e ON e.id = f.rowid % 4294967296
		 WHERE events_date_fts MATCH ? AND e.status = 'published' ORDER BY f.rowid DESC LIMIT ?`)
	if err != nil {
		return res, err
	}
	res.Broad = broad
	if len(events) > 0 {
		rows, err := db.read.QueryContext(ctx, `SELECT e.id, e.slug, e.date,
			highlight(events_fts, 0, ?2, ?3), snippet(events_fts, 1, ?2, ?3, '…', 24)
			FROM events_fts JOIN events e ON e.id = events_fts.rowid
			WHERE events_fts MATCH ?1 AND events_fts.rowid IN (`+placeholders(len(events))+`)`,
			append([]any{match, markStart, markEnd}, args(events)...)...)
		if err != nil {
			return res, err
		}
		hits := map[int64]conflict.SearchHit{}
		for rows.Next() {
			h := conflict.SearchHit{Kind: "event"}
			var title, snip string
			if err := rows.Scan(&h.ID, &h.Slug, &h.Date, &title, &snip); err != nil {
				rows.Close()
				return res, err
			}
			h.Title, h.Snippet = fragments(title), fragments(snip)
			hits[h.ID] = h
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return res, err
		}
		for _, id := range events {
			res.Events = append(res.Events, hits[id])
		}
	}
	others, broadOthers, err := db.rankedIDs(ctx, "records_fts", match, limit,
		`SELECT r.rowid FROM records_fts r
		 LEFT JOIN citations c ON r.rowid % 8 = 4 AND c.id = r.rowid / 8
		 LEFT JOIN events ev ON ev.id = c.event_id
		 LEFT JOIN estimates x ON x.id = c.estimate_id
		 LEFT JOIN actors a ON r.rowid % 8 = 1 AND a.id = r.rowid / 8
		 LEFT JOIN places p ON r.rowid % 8 = 2 AND p.id = r.rowid / 8
		 LEFT JOIN sources s ON r.rowid % 8 = 3 AND s.id = r.rowid / 8
		 WHERE records_fts MATCH ? AND coalesce(ev.status, x.status, a.status, p.status, s.status) = 'published'
		 ORDER BY {order} LIMIT ?`, "bm25(records_fts, 4.0, 1.0)", "r.rowid DESC", "")
	if err != nil || len(others) == 0 {
		return res, err
	}
	res.Broad = res.Broad || broadOthers
	rows, err := db.read.QueryContext(ctx, `SELECT r.rowid, highlight(records_fts, 0, ?2, ?3), snippet(records_fts, 1, ?2, ?3, '…', 20),
		CASE r.rowid % 8
			WHEN 1 THEN (SELECT slug FROM actors WHERE id = r.rowid / 8)
			WHEN 2 THEN (SELECT slug FROM places WHERE id = r.rowid / 8)
			ELSE '' END,
		CASE r.rowid % 8 WHEN 4 THEN coalesce(c.event_id, c.estimate_id, 0) ELSE 0 END,
		CASE r.rowid % 8 WHEN 4 THEN CASE WHEN c.event_id IS NOT NULL THEN 'event' ELSE 'estimate' END ELSE '' END,
		coalesce(ev.slug, ''), coalesce(ev.title, f.name || ' (' || x.claimant || ')', '')
		FROM records_fts r
		LEFT JOIN citations c ON r.rowid % 8 = 4 AND c.id = r.rowid / 8
		LEFT JOIN events ev ON ev.id = c.event_id
		LEFT JOIN estimates x ON x.id = c.estimate_id
		LEFT JOIN actors f ON f.id = x.actor_id
		WHERE records_fts MATCH ?1 AND r.rowid IN (`+placeholders(len(others))+`)`,
		append([]any{match, markStart, markEnd}, args(others)...)...)
	if err != nil {
		return res, err
	}
	defer rows.Close()
	kinds := map[int64]string{1: "actor", 2: "place", 3: "source", 4: "quote"}
	hits := map[int64]conflict.SearchHit{}
	for rows.Next() {
		var (
			rowid       int64
			title, snip string
			h           conflict.SearchHit
		)
		if err := rows.Scan(&rowid, &title, &snip, &h.Slug, &h.InID, &h.InKind, &h.InSlug, &h.InTitle); err != nil {
			return res, err
		}
		h.Kind, h.ID = kinds[rowid%8], rowid/8
		h.Title, h.Snippet = fragments(title), fragments(snip)
		hits[rowid] = h
	}
	if err := rows.Err(); err != nil {
		return res, err
	}
	for _, id := range others {
		res.Others = append(res.Others, hits[id])
	}
	return res, nil
}

// rankedIDs returns the rowids of the best matches in an FTS5 table, by
// relevance, or, past rankLimit matches, newest first (broad is then set):
// by newestQuery when given, or else by query in the order newest.
// The snippets are made afterwards for these rows alone: made inside the
// ranking query, they would be computed for every match.
func (db *DB) rankedIDs(ctx context.Context, table, match string, limit int, query, rank, newest, newestQuery string) (ids []int64, broad bool, err error) {
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM `+table+` WHERE `+table+` MATCH ? LIMIT ?)`,
		match, rankLimit+1).Scan(&n); err != nil {
		return nil, false, err
	}
	if n == 0 {
		// Words that are each common but never meet in one record walk
		// their whole lists to say so (8 ms for three common words at a
		// million events): once is enough.
		return nil, false, nil
	}
	run := strings.Replace(query, "{order}", rank, 1)
	if n > rankLimit {
		broad, run = true, newestQuery
		if run == "" {
			run = strings.Replace(query, "{order}", newest, 1)
		}
	}
	rows, err := db.read.QueryContext(ctx, run, match, limit)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, false, err
		}
		ids = append(ids, id)
	}
	return ids, broad, rows.Err()
}
