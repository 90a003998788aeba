package sqlite_test

import (
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/sqlite"
	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
)

// A broadcast has no address: publisher, title and date identify it, so
// the same triple is refused a second time and found again when cited
// inline or imported, while the same programme on another day is another
// source.
func TestSourceWithoutAddress(t *testing.T) {
	db := sqlitetest.New(t)
	ctx := t.Context()
	radio := conflict.Source{Publisher: "Radio Nawa", Title: "Evening news", Published: edtf.MustParse("2016-10-17")}
	if err := db.CreateSource(ctx, &radio, editor); err != nil {
		t.Fatal(err)
	}
	if radio.URL != "" || radio.HasAddress() {
		t.Fatalf("stored URL = %q, want none", radio.URL)
	}
	// Another without an address must not clash on the empty address.
	leaflet := conflict.Source{Publisher: "Radio Nawa", Title: "Evening news", Published: edtf.MustParse("2016-10-18")}
	if err := db.CreateSource(ctx, &leaflet, editor); err != nil {
		t.Fatalf("the next day's programme: %v", err)
	}
	dup := conflict.Source{Publisher: "radio  nawa", Title: "EVENING NEWS", Published: edtf.MustParse("2016-10-17")}
	err := db.CreateSource(ctx, &dup, editor)
	if conflict.ErrorCode(err) != conflict.Conflict || !strings.Contains(conflict.ErrorFields(err)["title"], "Evening news") {
		t.Errorf("the same publisher, title and date again = %v %v, want a Conflict on title", err, conflict.ErrorFields(err))
	}

	// Neither an address nor a title: nothing would tell it apart.
	bare := conflict.Source{Publisher: "Radio Nawa"}
	err = db.CreateSource(ctx, &bare, editor)
	if msg := conflict.ErrorFields(err)["url"]; conflict.ErrorCode(err) != conflict.Invalid || !strings.Contains(msg, "publisher and title") {
		t.Errorf("no address, no title = %v (url: %q), want Invalid asking for an address or a publisher and title", err, msg)
	}

	// An inline citation of the same triple cites the stored source.
	e := conflict.Event{Title: "Broadcast cited", Date: edtf.MustParse("2016-10-17"),
		Citations: []conflict.Citation{{Source: conflict.Source{Publisher: "Radio Nawa", Title: "Evening news", Published: edtf.MustParse("2016-10-17")}}}}
	if err := db.CreateEvent(ctx, &e, editor); err != nil {
		t.Fatal(err)
	}
	if got := e.Citations[0].Source; got.ID != radio.ID {
		t.Errorf("inline citation cites source %d, want %d", got.ID, radio.ID)
	}

	// An import matches it too, and creates a new one once.
	batch := conflict.ImportBatch{Events: []conflict.ImportEvent{{
		Event: conflict.Event{Title: "Interview", Date: edtf.MustParse("2016-10-19"), ExternalID: "t:1", Citations: []conflict.Citation{
			{Source: conflict.Source{Publisher: "Radio Nawa", Title: "Evening news", Published: edtf.MustParse("2016-10-17")}},
			{Source: conflict.Source{Publisher: "Field team", Title: "Interview with a displaced family"}},
		}},
		Source: conflict.RowRef{Row: 2},
	}}}
	for i := range 2 {
		res, err := db.ImportBatch(ctx, batch, conflict.Change{Import: true, AuthorName: "import: test"}, sqlite.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want := conflict.ImportCounts{Matched: 1, Created: 1}
		if i == 1 {
			want = conflict.ImportCounts{Matched: 2}
		}
		if res.Sources != want {
			t.Errorf("import %d: sources %+v, want %+v", i+1, res.Sources, want)
		}
	}

	// An edit that gives it the triple of another is refused; giving it
	// an address is fine.
	edit := leaflet
	edit.Published = radio.Published
	if _, err := db.UpdateSource(ctx, &edit, leaflet.Version, editor); conflict.ErrorCode(err) != conflict.Conflict {
		t.Errorf("UpdateSource to another's publisher, title and date = %v, want a Conflict", err)
	}
	edit = leaflet
	edit.URL = "https://radio.example.org/evening/2016-10-18/"
	if _, err := db.UpdateSource(ctx, &edit, leaflet.Version, editor); err != nil || edit.URL != "https://radio.example.org/evening/2016-10-18/" {
		t.Errorf("UpdateSource with an address = %q, %v", edit.URL, err)
	}
}
