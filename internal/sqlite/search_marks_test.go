package sqlite

import (
	"slices"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/markdown"
)

// markTexts are titles and bodies in the shapes that test where search
// marks a match: word forms the stemmer joins, phrases, prefixes, words
// left out, Arabic spellings the folding joins, Latin diacritics and
// transliteration marks, apostrophes inside words, Markdown, numbers, a
// word too long to stem, and a body longer than a snippet.
var markTexts = [][2]string{
	{"Airstrikes hit the northern outskirts", "Heavy fighting was reported near the bridge; fighters withdrew after heavy shelling. Residents said the fighting continued overnight."},
	{"قصف جوي على الموصل", "اشتباكات في إدلب والموصل، وقصف على أطراف المدينة"},
	{"Fighters of the Jāmiʿ an-Nūrī brigade", "The Ba'ath party's offices; a Łódź-born reporter's account of the fighting."},
	{"**Bold** claims of _victory_ at `the bridge`", "Officials claimed __victory__ while fighters fought on: **heavy fighting** near the bridge."},
	{"Running runners ran", "Connection connected connecting connections, and the runner's run."},
	{"2016 offensive: 3,000 displaced", "About 3,000 people displaced in 2016; 30,000 more by 2017."},
	{"al-Nusra's fighters and ‘Ayn al-Arab’", "Jabhat al-Nusra’s statement named Ayn al-Arab (کوبانی, Kobanî)."},
	{"Supercalifragilisticexpialidociousantidisestablishmentarianismsfloccinaucinihilipilifications", "a word too long to stem, then fighting"},
	{"A long report", strings.Repeat("Nothing of note happened on the road that day, residents said. ", 6) +
		"Then heavy fighting broke out near the bridge, and fighters of both sides fought until dawn. " +
		strings.Repeat("Shops stayed closed and the road was quiet afterwards. ", 4)},
}

// TestSearchMarksAsTheIndexDoes compares the marks search puts in an
// event's title and text with those FTS5 puts there (its highlight
// function) for every event each query matches: sitrep marks them
// itself, and must mark what the index matched, no more and no less.
func TestSearchMarksAsTheIndexDoes(t *testing.T) {
	db := openTemp(t, "marks.db")
	ch := conflict.Change{AuthorName: "Test Editor", Summary: "written by a test"}
	src := conflict.Source{URL: "https://news.example.org/1", Publisher: "Example News", Title: "Report"}
	if err := db.CreateSource(t.Context(), &src, ch); err != nil {
		t.Fatal(err)
	}
	for _, tb := range markTexts {
		e := conflict.Event{Title: tb[0], Body: tb[1], Date: edtf.MustParse("2016-10-17"), Status: conflict.Published,
			Citations: []conflict.Citation{{Source: src}}}
		if err := db.CreateEvent(t.Context(), &e, ch); err != nil {
			t.Fatal(err)
		}
	}
	queries := []string{
		"airstrike", "fighting", "fight", `"heavy fighting"`, "heavy fighting", "fight*", "figh*", "fighting -shelling",
		`"fighting continued"`, "residents said", "الموصل", "موصل", "قصف", "jami", "nuri", "an-Nuri", "Jāmiʿ", "baath",
		"lodz", "victory", "bridge", "connect", "connecting", "conn*", "run", "runner", "2016", "3,000", "nusra's",
		"nusra", "al-Nusra", "ayn", "کوبانی", "kobani", "party", "claims", `"the bridge"`,
		"supercalifragilisticexpialidociousantidisestablishmentarianismsfloccinaucinihilipilifications",
		"fighters fought", "dawn*", "statement",
	}
	// The events' index keeps no text to highlight (content=''): a copy
	// of it that reads its text from the events, as FTS5's highlight
	// needs, is made here from the index's own definition, and filled as
	// the index is, with the folded text. It is a table of the test's
	// own database: FTS5 finds its content table in its own schema.
	var def string
	if err := db.read.QueryRowContext(t.Context(), `SELECT sql FROM sqlite_schema WHERE name = 'events_date_fts'`).Scan(&def); err != nil {
		t.Fatal(err)
	}
	marked := strings.Replace(strings.Replace(def, "events_date_fts", "marked_fts", 1),
		"content = '', contentless_delete = 1", "content = 'events', content_rowid = 'id'", 1)
	if marked == def || !strings.Contains(marked, "content = 'events'") {
		t.Fatalf("the events' index is defined as %s, which this test cannot copy", def)
	}
	conn, err := db.write.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, stmt := range []string{marked, `INSERT INTO marked_fts (rowid, title, body) SELECT id, search_fold(title), search_fold(body) FROM events`} {
		if _, err := conn.ExecContext(t.Context(), stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	matched := 0
	for _, query := range queries {
		q := parseQuery(query)
		rows, err := conn.QueryContext(t.Context(), `SELECT e.title, e.body,
			highlight(marked_fts, 0, ?2, ?3), highlight(marked_fts, 1, ?2, ?3)
			FROM marked_fts JOIN events e ON e.id = marked_fts.rowid WHERE marked_fts MATCH ?1`, q.match, markStart, markEnd)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var title, body, wantTitle, wantBody string
			if err := rows.Scan(&title, &body, &wantTitle, &wantBody); err != nil {
				t.Fatal(err)
			}
			matched++
			if got, want := q.marks.Whole(markdown.Plain(title)), fragments(wantTitle); !slices.Equal(got, want) {
				t.Errorf("%s: title marked %+v; the index marks %+v", query, got, want)
			}
			if got, want := q.marks.Whole(markdown.Plain(body)), fragments(wantBody); !slices.Equal(got, want) {
				t.Errorf("%s: text marked %+v; the index marks %+v", query, got, want)
			}
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if matched < len(queries) {
		t.Fatalf("the queries matched %d events in all; each should match one or more", matched)
	}
}

// TestSearchShowsTextNotMarkdown: an event's text is shown in search as a
// reader sees it on its page, links as their words, with the matches
// marked, and the passage that holds them.
func TestSearchShowsTextNotMarkdown(t *testing.T) {
	db := openTemp(t, "snippets.db")
	ch := conflict.Change{AuthorName: "Test Editor", Summary: "written by a test"}
	src := conflict.Source{URL: "https://news.example.org/1", Publisher: "Example News", Title: "Report"}
	if err := db.CreateSource(t.Context(), &src, ch); err != nil {
		t.Fatal(err)
	}
	body := strings.Repeat("Nothing of note happened on the road. ", 6) +
		"Families had left **Mosul** for the group's stronghold of [Raqqa](/places/raqqa), officials said. " +
		strings.Repeat("Shops stayed closed. ", 6)
	e := conflict.Event{Title: "Officials leave [Mosul](/places/mosul)", Body: body, Date: edtf.MustParse("2016-10-17"),
		Status: conflict.Published, Citations: []conflict.Citation{{Source: src}}}
	if err := db.CreateEvent(t.Context(), &e, ch); err != nil {
		t.Fatal(err)
	}
	res, err := db.Search(t.Context(), "raqqa mosul", 20)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Events) != 1 {
		t.Fatalf("raqqa mosul found %d events, want 1", len(res.Events))
	}
	h := res.Events[0]
	if want := []conflict.Fragment{{Text: "Officials leave "}, {Text: "Mosul", Match: true}}; !slices.Equal(h.Title, want) {
		t.Errorf("title shown as %+v, want %+v", h.Title, want)
	}
	want := []conflict.Fragment{{Text: "…Families had left "}, {Text: "Mosul", Match: true}, {Text: " for the group's stronghold of "},
		{Text: "Raqqa", Match: true}, {Text: ", officials said. Shops stayed closed. Shops stayed closed. Shops stayed closed. Shops stayed closed…"}}
	if !slices.Equal(h.Snippet, want) {
		t.Errorf("snippet shown as\n%+v, want\n%+v", h.Snippet, want)
	}
}

// Markers FTS5 is asked to put around matched words, to compare with the
// marks search makes; control characters, so they cannot occur in
// stored text.
const (
	markStart = "\x02"
	markEnd   = "\x03"
)

// fragments splits FTS5 output at the markers, as search shows it.
func fragments(s string) []conflict.Fragment {
	s = markdown.Plain(s)
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
