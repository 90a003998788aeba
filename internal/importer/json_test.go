package importer_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/importer"
	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
)

// jsonEvent is one good event of a JSON file, with its external id and
// citations' JSON spliced in.
func jsonEvent(ext, citations string) string {
	return fmt.Sprintf(`{"external_id":%q,"slug":"","title":"Clashes in Mosul","date":{"edtf":"2016-09-27"},`+
		`"place":{"slug":"","name":"Mosul"},"actors":[{"slug":"","name":"Islamic State","role":"attacker"}],"tags":[],"body":"",`+
		`"citations":[%s],"status":"published"}`, ext, citations)
}

func jsonCitation(url string) string {
	return fmt.Sprintf(`{"source":{"url":%q,"publisher":"Reuters","title":"Clashes","authors":[]},"quote":"q"}`, url)
}

func jsonFile(events ...string) string {
	return `{"kind":"events","data":[` + strings.Join(events, ",") + `],"next":null}`
}

func twoCitations() string {
	return jsonCitation("https://example.org/1") + "," + jsonCitation("https://example.org/2")
}

// TestJSONPaths checks that every problem of a JSON file names where it
// is, as a JSON path down to the item of a nested list, that every one is
// reported, and that nothing of the file is imported.
func TestJSONPaths(t *testing.T) {
	good := func(i int) string { return jsonEvent(fmt.Sprintf("e%d", i), twoCitations()) }
	tests := []struct {
		name string
		file string
		want []string
	}{
		{"unknown field in a nested list",
			jsonFile(good(0), good(1), jsonEvent("e2", jsonCitation("https://example.org/1")+`,{"sorce":{},"source":{"url":"https://example.org/3","publisher":"P","title":"T","authors":[]}}`)),
			[]string{`row 3, column events[2].citations[1].sorce: unknown field "sorce".`}},
		{"unknown fields everywhere",
			jsonFile(strings.Replace(good(0), `"title":"Clashes in Mosul"`, `"title":"Clashes in Mosul","titel":"x"`, 1),
				strings.Replace(good(1), `"role":"attacker"`, `"role":"attacker","rank":2`, 1)),
			[]string{`row 1, column events[0].titel: unknown field "titel".`, `row 2, column events[1].actors[0].rank: unknown field "rank".`}},
		{"unknown field of the file",
			strings.Replace(jsonFile(good(0)), `"kind"`, `"version":1,"kind"`, 1),
			[]string{`column version: unknown field "version".`}},
		{"a bad source in the third citation",
			jsonFile(jsonEvent("e0", twoCitations()+`,{"source":{"url":"https://example.org/3","publisher":"P","title":"`+strings.Repeat("t", conflict.MaxTitleLen+1)+`","authors":[],"reliability":"Z"}}`)),
			[]string{`row 1, column events[0].citations[2].source.reliability: Reliability is a grade`, `row 1, column events[0].citations[2].source.title: `}},
		{"a citation's bad credibility",
			jsonFile(jsonEvent("e0", jsonCitation("https://example.org/1")+`,{"source":{"url":"https://example.org/2","publisher":"P","title":"T","authors":[]},"credibility":9}`)),
			[]string{`row 1, column events[0].citations[1].credibility: Credibility is a grade`}},
		{"a citation's bad date",
			jsonFile(jsonEvent("e0", jsonCitation("https://example.org/1")+`,{"source":{"url":"https://example.org/2","publisher":"P","title":"T","authors":[],"published":{"edtf":"2016-13-01"}}}`)),
			[]string{`row 1, column events[0].citations[1].source.published: "2016-13-01" is not a date`}},
		{"duplicated external id",
			jsonFile(good(0), good(1), jsonEvent("e0", twoCitations())),
			[]string{`row 3, column events[2].external_id: The id "e0" is used again: events[0] has it already.`}},
		{"wrong types",
			jsonFile(strings.Replace(good(0), `"tags":[]`, `"tags":"war"`, 1), strings.Replace(good(1), `"quote":"q"`, `"quote":"q","credibility":"high"`, 1)),
			[]string{`row 1, column events[0].tags: Expected a list, not text ("war").`,
				`row 2, column events[1].citations[0].credibility: Expected a whole number, not text ("high").`}},
		{"an estimate's low given as text",
			`{"kind":"estimates","data":[{"force":{"slug":"","name":"Islamic State"},"place":null,"as_of":{"edtf":"2016"},"unit":"fighters","qualifier":"about","low":"ten","high":null,"text":"","claimant":"","claimant_actor":null,"notes":"","citations":[],"status":"draft"}]}`,
			[]string{`row 1, column estimates[0].low: Expected a whole number, not text ("ten").`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := sqlitetest.New(t)
			res, err := run(t, db, tt.file, false)
			if conflict.ErrorCode(err) != conflict.Invalid {
				t.Fatalf("err = %v, want Invalid (%v)", err, res.Problems)
			}
			assertProblems(t, res, tt.want)
			assertEmpty(t, db)
		})
	}
}

// TestJSONGood is the control of TestJSONPaths: its good records import.
func TestJSONGood(t *testing.T) {
	db := sqlitetest.New(t)
	file := jsonFile(jsonEvent("e0", twoCitations()), jsonEvent("e1", twoCitations()))
	res, err := run(t, db, file, false)
	if err != nil || !res.Committed || res.Events.Created != 2 {
		t.Fatalf("import = %+v, %v; want 2 events created", res, err)
	}
}

// TestJSONProblemCount says how many problems a file has in plain
// English, and imports none of a file with one problem among good records.
func TestJSONProblemCount(t *testing.T) {
	good := func(i int) string { return jsonEvent(fmt.Sprintf("e%d", i), twoCitations()) }
	one := jsonFile(good(0), good(1), strings.Replace(good(2), `"body":""`, `"body":"","bdy":""`, 1))
	db := sqlitetest.New(t)
	res, err := run(t, db, one, false)
	if err == nil || err.Error() != "The file has 1 problem; nothing was imported." {
		t.Errorf("one problem: err = %v", err)
	}
	if res.Committed {
		t.Errorf("a file with one problem was imported: %+v", res)
	}
	assertEmpty(t, db)
	two := jsonFile(strings.Replace(good(0), `"body":""`, `"body":"","bdy":""`, 1), good(1), strings.Replace(good(2), `"body":""`, `"body":"","bdy":""`, 1))
	if _, err := run(t, db, two, false); err == nil || err.Error() != "The file has 2 problems; nothing was imported." {
		t.Errorf("two problems: err = %v", err)
	}
	assertEmpty(t, db)
}

func TestProblemsWording(t *testing.T) {
	for n, want := range map[int]string{0: "0 problems", 1: "1 problem", 2: "2 problems", 1000: "1000 problems"} {
		if got := importer.Problems(n); got != want {
			t.Errorf("Problems(%d) = %q, want %q", n, got, want)
		}
	}
}

// Relations travel in JSON files: an event may name one further down the
// file by its external id, and names its source by its citation.
func TestJSONRelations(t *testing.T) {
	db := sqlitetest.New(t)
	linked := strings.Replace(jsonEvent("e0", twoCitations()), `"status":"published"`,
		`"relations":[{"kind":"conflicting_dates","target":"e1","citation":2}],"status":"published"`, 1)
	res, err := run(t, db, jsonFile(linked, jsonEvent("e1", twoCitations())), false)
	if err != nil || !res.Committed {
		t.Fatalf("import = %+v, %v", res, err)
	}
	page, err := db.FindEvents(t.Context(), conflict.EventFilter{})
	if err != nil || len(page.Events) != 2 {
		t.Fatalf("events: %v", err)
	}
	var e conflict.Event
	for _, ev := range page.Events {
		if ev.ExternalID == "e0" {
			e, _ = db.FindEventByID(t.Context(), ev.ID)
		}
	}
	if len(e.Relations) != 1 || e.Relations[0].Kind != conflict.ConflictingDates || e.Relations[0].Source != e.Citations[1].Source.ID {
		t.Errorf("imported relations = %+v, want one to e1 sourced by the second citation", e.Relations)
	}
	bad := strings.Replace(jsonEvent("e2", twoCitations()), `"status":"published"`,
		`"relations":[{"kind":"disputes","target":"nowhere"}],"status":"published"`, 1)
	if _, err := run(t, db, jsonFile(bad), false); err == nil {
		t.Error("a relation to a record that does not exist was imported")
	}
}

// Links travel through a JSON export and back: the file names each target
// by its external id and each source by its citation, and exporting the
// imported records gives the same file.
func TestJSONRoundTripRelations(t *testing.T) {
	src := sqlitetest.NewWithDemo(t)
	linkDemo(t, src)
	dst := sqlitetest.New(t)
	for _, what := range []string{"events", "estimates"} {
		first := exportJSON(t, src, what)
		if !strings.Contains(string(first), `"relations":[{"kind":`) || !strings.Contains(string(first), `"citation":1`) {
			t.Fatalf("the %s export carries no relation:\n%s", what, first)
		}
		if res, err := run(t, dst, string(first), false); err != nil || !res.Committed {
			t.Fatalf("import %s: %+v, %v", what, res, err)
		}
		if second := exportJSON(t, dst, what); string(second) != string(first) {
			t.Errorf("%s: export → import → export differs:\nfirst:\n%s\nsecond:\n%s", what, first, second)
		}
	}
}
