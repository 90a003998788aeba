package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
)

// An address is stored exactly as given, bare parameter and trailing slash
// included, while another spelling of it still finds the stored source.
func TestSourceAddressKeptExactly(t *testing.T) {
	db := sqlitetest.New(t)
	ctx := t.Context()
	const given = "https://www.Example.ru/news/?41658-title"
	s := conflict.Source{URL: "  " + given + " ", Publisher: "Example", Title: "Report", Published: edtf.MustParse("2016-10-01")}
	if err := db.CreateSource(ctx, &s, editor); err != nil {
		t.Fatal(err)
	}
	stored, err := db.FindSourceByID(ctx, s.ID)
	if err != nil || stored.URL != given {
		t.Fatalf("stored URL = %q, %v; want %q", stored.URL, err, given)
	}
	for _, other := range []string{"https://www.example.ru/news?41658-title&utm_source=x", "HTTPS://WWW.EXAMPLE.RU:443/news/?41658-title#top"} {
		found, err := db.FindSourceByURL(ctx, other)
		if err != nil || found.ID != s.ID || found.URL != given {
			t.Errorf("FindSourceByURL(%q) = %d %q, %v; want source %d with %q", other, found.ID, found.URL, err, s.ID, given)
		}
		dup := conflict.Source{URL: other, Publisher: "Example", Title: "Again"}
		if err := db.CreateSource(ctx, &dup, editor); conflict.ErrorCode(err) != conflict.Conflict {
			t.Errorf("CreateSource(%q) = %v, want a Conflict", other, err)
		}
	}
	// A bare parameter and an empty one are different addresses.
	if _, err := db.FindSourceByURL(ctx, "https://www.example.ru/news/?41658-title="); conflict.ErrorCode(err) != conflict.NotFound {
		t.Errorf("FindSourceByURL(with \"=\") = %v, want NotFound", err)
	}

	// An inline citation of another spelling cites the stored source and
	// leaves its address alone.
	e := conflict.Event{Title: "Report cited", Date: edtf.MustParse("2016-10-01"),
		Citations: []conflict.Citation{{Source: conflict.Source{URL: "https://www.example.ru/news/?41658-title&fbclid=y", Publisher: "Example", Title: "Other"}}}}
	if err := db.CreateEvent(ctx, &e, editor); err != nil {
		t.Fatal(err)
	}
	if got := e.Citations[0].Source; got.ID != s.ID || got.URL != given {
		t.Errorf("inline citation source = %d %q, want %d %q", got.ID, got.URL, s.ID, given)
	}

	// Editing the address keeps the new one exactly, and another source's
	// spelling is refused.
	other := newSource(2)
	if err := db.CreateSource(ctx, &other, editor); err != nil {
		t.Fatal(err)
	}
	edit := other
	edit.URL = "https://news.example.org/report-2/?a&b=1"
	if _, err := db.UpdateSource(ctx, &edit, other.Version, editor); err != nil || edit.URL != "https://news.example.org/report-2/?a&b=1" {
		t.Errorf("UpdateSource = %q, %v; want the address as given", edit.URL, err)
	}
	clash := edit
	clash.URL = "https://WWW.example.ru/news?41658-title"
	if _, err := db.UpdateSource(ctx, &clash, edit.Version, editor); conflict.ErrorCode(err) != conflict.Conflict {
		t.Errorf("UpdateSource to another source's address = %v, want a Conflict", err)
	}
}

// Sources stored before addresses had keys get them when the database is
// migrated, so they are still found under other spellings.
func TestMigrateFillsSourceKeys(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "old.db")
	raw := sqlitetest.MigratedTo(t, path, 11)
	if _, err := raw.ExecContext(ctx, `INSERT INTO events (id, slug, title, date, date_lo, date_hi, status, created_at, updated_at)
		VALUES (1, 'cited', 'Cited', '2016-10-01', '2016-10-01', '2016-10-01', 'published', 'x', 'x')`); err != nil {
		t.Fatal(err)
	}
	// As the old rules stored them: no trailing slash, parameters sorted.
	for i, url := range []string{"https://news.example.org/report-1", "https://news.example.org/list?id=3&page=2"} {
		if _, err := raw.ExecContext(ctx, `INSERT INTO sources (id, url, publisher, title, created_at, updated_at)
			VALUES (?, ?, 'Example News', 'Old report', 'x', 'x')`, i+1, url); err != nil {
			t.Fatal(err)
		}
		if _, err := raw.ExecContext(ctx, `INSERT INTO citations (source_id, event_id, quote) VALUES (?, 1, 'quoted')`, i+1); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()

	db := sqlitetest.Open(t, path)
	for url, id := range map[string]conflict.SourceID{
		"https://News.Example.org/report-1/?utm_source=x": 1,
		"https://news.example.org/list?id=3&page=2":       2,
	} {
		if found, err := db.FindSourceByURL(ctx, url); err != nil || found.ID != id {
			t.Errorf("FindSourceByURL(%q) after migrating = %d, %v; want source %d", url, found.ID, err, id)
		}
	}
	dup := conflict.Source{URL: "https://news.example.org/report-1/", Publisher: "Example News", Title: "Again"}
	if err := db.CreateSource(ctx, &dup, editor); conflict.ErrorCode(err) != conflict.Conflict {
		t.Errorf("CreateSource of an old source's address = %v, want a Conflict", err)
	}
	// The rebuilt table keeps the citations' sources and their search
	// entries, and takes a source without a title.
	e, err := db.FindEventByID(ctx, 1)
	if err != nil || len(e.Citations) != 2 || e.Citations[0].Source.ID != 1 || e.Citations[1].Source.Title != "Old report" {
		t.Errorf("event after migrating = %+v, %v; want its two citations of the old sources", e.Citations, err)
	}
	untitled := conflict.Source{URL: "https://news.example.org/wire/77", Publisher: "Example Wire"}
	if err := db.CreateSource(ctx, &untitled, editor); err != nil || untitled.Title != "" {
		t.Errorf("CreateSource(untitled) after migrating = %q, %v; want it stored untitled", untitled.Title, err)
	}
	page, err := db.FindActivity(ctx, conflict.ActivityFilter{RecordType: conflict.SourceRecord})
	if err != nil || len(page.Items) == 0 || page.Items[0].Title != "Example Wire, untitled" {
		t.Errorf("activity log for the untitled source = %+v, %v; want it named \"Example Wire, untitled\"", page.Items, err)
	}
}
