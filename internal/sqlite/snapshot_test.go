package sqlite

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/snapshot"
	"github.com/sitrep/sitrep/migrations"
)

// A database written before snapshots were compressed keeps its plain JSON
// rows; after migrating, an old row and a new compressed one of the same
// record read back alike.
func TestSnapshotsOldAndCompressedDecodeAlike(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "old.db")
	// The old row is an actor as the store wrote it then: snapshot format
	// version 1, before actors had a review status (so it reads as
	// published, as the actor was).
	plain := []byte(`{"ID":1,"Slug":"badr-organization","Name":"Badr Organization","Aliases":["Badr","منظمة بدر"],` +
		`"Kind":"militia","Parent":null,"Colour":"#2a7f3f","Description":"Shia armed group, part of the Popular Mobilization Forces.",` +
		`"Version":1,"CreatedAt":"2016-10-17T08:00:00Z","UpdatedAt":"2016-10-17T08:00:00Z"}`)
	want := conflict.Actor{ID: 1, Slug: "badr-organization", Name: "Badr Organization", Aliases: []string{"Badr", "منظمة بدر"},
		Kind: "militia", Colour: "#2a7f3f", Description: "Shia armed group, part of the Popular Mobilization Forces.",
		Status: conflict.Published, Version: 1,
		CreatedAt: time.Date(2016, 10, 17, 8, 0, 0, 0, time.UTC), UpdatedAt: time.Date(2016, 10, 17, 8, 0, 0, 0, time.UTC)}

	// The database as a store before compression left it: migrated up to
	// the version before, with one revision of plain JSON.
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, raw, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 4); err != nil {
		t.Fatalf("migrating to version 4: %v", err)
	}
	if _, err := raw.ExecContext(ctx, `INSERT INTO actors (id, slug, name, kind, colour, description, created_at, updated_at)
		VALUES (1, 'badr-organization', 'Badr Organization', 'militia', '#2a7f3f', '', 'x', 'x')`); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, `INSERT INTO revisions (record_type, record_id, number, action, snapshot, author_name, created_at)
		VALUES ('actor', 1, 1, 'create', ?, 'editor', '2016-10-17T08:00:00.000000Z')`, string(plain)); err != nil {
		t.Fatal(err)
	}
	raw.Close()

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	// A new revision goes through the store's own write path.
	if err := db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := db.writeRevision(ctx, tx, conflict.ActorRecord, 1, conflict.ActionUpdate, want, conflict.Change{AuthorName: "editor"})
		return err
	}); err != nil {
		t.Fatal(err)
	}

	rows, err := db.read.QueryContext(ctx, `SELECT number, encoding, length(snapshot) FROM revisions ORDER BY number`)
	if err != nil {
		t.Fatal(err)
	}
	stored := 0
	for rows.Next() {
		var n, enc, size int
		if err := rows.Scan(&n, &enc, &size); err != nil {
			t.Fatal(err)
		}
		stored++
		switch {
		case n == 1 && (enc != snapshotJSON || size != len(plain)):
			t.Errorf("old revision stored with encoding %d, %d bytes; want it kept as JSON, %d bytes", enc, size, len(plain))
		case n == 2 && (enc != snapshotDeflate || size >= len(plain)*2/3):
			t.Errorf("new revision stored with encoding %d, %d bytes; want it compressed from %d bytes to under two thirds", enc, size, len(plain))
		}
	}
	rows.Close()
	if stored != 2 {
		t.Fatalf("%d revisions stored, want 2", stored)
	}

	revs, err := db.FindRevisions(ctx, conflict.ActorRecord, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range revs {
		var got conflict.Actor
		if err := snapshotOf(r, &got); err != nil {
			t.Fatalf("revision %d: %v", r.Number, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("revision %d reads back as\n%+v\nwant\n%+v", r.Number, got, want)
		}
	}
	// Single revisions are read through the same decoding: the old row is
	// the version 1 JSON it was, the new one the newest format.
	for n, prefix := range map[int]string{1: `{"ID":1,`, 2: fmt.Sprintf(`{"v":%d,"ID":1,`, snapshot.Version)} {
		r, err := db.FindRevision(ctx, conflict.ActorRecord, 1, n)
		if err != nil {
			t.Fatal(err)
		}
		if n == 1 && string(r.Snapshot) != string(plain) {
			t.Errorf("FindRevision %d snapshot = %s, want %s", n, r.Snapshot, plain)
		}
		if !strings.HasPrefix(string(r.Snapshot), prefix) {
			t.Errorf("FindRevision %d snapshot = %.40s…, want it to start %s", n, r.Snapshot, prefix)
		}
	}
}

// A row compressed with dictionary 1 before the snapshot format had
// versions (testdata/event-v1.deflate: the version 1 golden event of
// package snapshot, as the store compressed it then) still reads back as
// that event.
func TestSnapshotCompressedVersion1Decodes(t *testing.T) {
	stored, err := os.ReadFile("testdata/event-v1.deflate")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../snapshot/testdata/v1/event.json")
	if err != nil {
		t.Fatal(err)
	}
	js, err := decodeSnapshot(snapshotDeflate, stored)
	if err != nil {
		t.Fatal(err)
	}
	if string(js) != string(want) {
		t.Fatalf("decodeSnapshot = %s\nwant %s", js, want)
	}
	var e conflict.Event
	if err := snapshotOf(conflict.Revision{RecordType: conflict.EventRecord, RecordID: 1042, Number: 3, Snapshot: js}, &e); err != nil {
		t.Fatal(err)
	}
	if e.Title != "Offensive to retake Mosul begins (معركة الموصل)" || e.Date.String() != "2016-10-17~" ||
		len(e.Citations) != 2 || e.Citations[1].Source.Publisher != "السومرية نيوز" || e.Citations[0].Locator != "para. 1" {
		t.Errorf("snapshotOf read %+v", e)
	}
}

// snapshotOf says which revision it could not read.
func TestSnapshotOfNamesTheRevision(t *testing.T) {
	var a conflict.Actor
	err := snapshotOf(conflict.Revision{RecordType: conflict.ActorRecord, RecordID: 4, Number: 2, Snapshot: []byte(`{"v":99}`)}, &a)
	if err == nil || !strings.Contains(err.Error(), "actor 4 revision 2") {
		t.Errorf("snapshotOf of a version 99 snapshot = %v, want an error naming actor 4 revision 2", err)
	}
}

// A snapshot the store cannot read is an error, never a record made up of
// zero values.
func TestSnapshotUnknownEncodingIsAnError(t *testing.T) {
	if _, err := decodeSnapshot(7, []byte("{}")); err == nil {
		t.Error("decodeSnapshot with encoding 7 = nil error")
	}
	if _, err := decodeSnapshot(snapshotDeflate, []byte("not deflate at all")); err == nil {
		t.Error("decodeSnapshot of a corrupt compressed snapshot = nil error")
	}
}
