package sqlite

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/snapshot"
)

// An import stores its new events' snapshots in blocks, each read back as
// the event it was written of, through every way revisions are read.
func TestImportedSnapshotsAreReadFromBlocks(t *testing.T) {
	ctx := t.Context()
	db := openTemp(t, "blocks.db")
	const n = 150
	var b conflict.ImportBatch
	for i := range n {
		b.Events = append(b.Events, conflict.ImportEvent{
			Event: conflict.Event{Title: fmt.Sprintf("قصف قرب الجسر %d", i), Date: edtf.MustParse(fmt.Sprintf("2016-10-%02d", 1+i%28)),
				Body: fmt.Sprintf("Shelling was reported near the bridge, the %dth time.", i), Tags: []string{"shelling"},
				Status: conflict.Published, ExternalID: fmt.Sprintf("x:%d", i),
				Citations: []conflict.Citation{{Source: conflict.Source{URL: fmt.Sprintf("https://example.org/%d", i%3), Publisher: "Wire", Title: "Report"},
					Quote: fmt.Sprintf("Quote %d", i)}}},
			Place:  &conflict.ImportPlace{Path: []conflict.PlaceName{{Name: "Iraq"}, {Name: fmt.Sprintf("Village %d", i%4)}}},
			Actors: []conflict.ImportActor{{Name: fmt.Sprintf("Group %d", i%5), Role: "actor 1"}},
			Source: conflict.RowRef{Row: i + 2},
		})
	}
	ch := conflict.Change{AuthorName: "import", Import: true}
	for _, opt := range []ImportOptions{{NothingToUpdate: true}, {}} {
		t.Run(fmt.Sprintf("triggers set aside %v", opt.NothingToUpdate), func(t *testing.T) {
			db := db
			if !opt.NothingToUpdate {
				db = openTemp(t, "blocks-row-by-row.db")
			}
			if _, err := db.ImportBatch(ctx, b, ch, opt); err != nil {
				t.Fatal(err)
			}
			var blocks, inBlocks int
			if err := db.read.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM snapshot_blocks),
				(SELECT count(*) FROM revisions WHERE record_type = 'event' AND block_id IS NOT NULL)`).Scan(&blocks, &inBlocks); err != nil {
				t.Fatal(err)
			}
			if blocks < 2 || blocks >= n/4 || inBlocks != n {
				t.Fatalf("%d new events stored %d snapshot blocks holding %d of their revisions, want a few holding all", n, blocks, inBlocks)
			}
			checkSnapshotsDescribeRecords(t, db)
		})
	}
}

// A load stores its records' snapshots in blocks, actors, places, sources,
// events and estimates alike.
func TestLoadedSnapshotsAreReadFromBlocks(t *testing.T) {
	ctx := t.Context()
	db := openTemp(t, "loaded.db")
	l, err := db.NewLoader(ctx, conflict.Change{AuthorName: "test", Import: true}, 50)
	if err != nil {
		t.Fatal(err)
	}
	a := conflict.Actor{Name: "الحشد الشعبي", Description: "An armed group."}
	if err := l.Actor(&a); err != nil {
		t.Fatal(err)
	}
	p := conflict.Place{Name: "Mosul", Kind: "city", AltNames: []conflict.AltName{{Name: "الموصل", Lang: "ar"}}}
	if err := l.Place(&p); err != nil {
		t.Fatal(err)
	}
	s := conflict.Source{URL: "https://example.org/report", Publisher: "Wire Service", Title: "Report"}
	if err := l.Source(&s); err != nil {
		t.Fatal(err)
	}
	for i := range 70 {
		place := p.Ref()
		e := conflict.Event{Title: fmt.Sprintf("Convoy %d moves toward Mosul", i), Date: edtf.MustParse("2016-10-17"), Place: &place,
			Actors: []conflict.EventActor{{Actor: a.Ref(), Role: "actor"}}, Status: conflict.Published,
			Citations: []conflict.Citation{{Source: s, Quote: fmt.Sprintf("Quote %d.", i)}}}
		if err := l.Event(&e); err != nil {
			t.Fatal(err)
		}
	}
	x := conflict.Estimate{Force: a.Ref(), AsOf: edtf.MustParse("2016-10"), Unit: "fighters", Qualifier: conflict.About,
		Low: conflict.Count(1000), High: conflict.Count(1000), Claimant: "Officials", Status: conflict.Published,
		Citations: []conflict.Citation{{Source: s}}}
	if err := l.Estimate(&x); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	var blocks, revisions, inBlocks int
	if err := db.read.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM snapshot_blocks), (SELECT count(*) FROM revisions),
		(SELECT count(*) FROM revisions WHERE block_id IS NOT NULL)`).Scan(&blocks, &revisions, &inBlocks); err != nil {
		t.Fatal(err)
	}
	// 74 records, in a transaction of 50 and one of the rest: at least a
	// block each.
	if revisions != 74 || inBlocks != revisions || blocks < 2 || blocks > 10 {
		t.Fatalf("%d revisions, %d of them in %d blocks; want 74, all in a few blocks", revisions, inBlocks, blocks)
	}
	checkSnapshotsDescribeRecords(t, db)
}

// checkSnapshotsDescribeRecords checks that every revision in a block, of
// a database of new records each with one revision, reads back as its
// record does now: one by one, as a record's history, in the changes feed
// and in an archive.
func checkSnapshotsDescribeRecords(t *testing.T, db *DB) {
	t.Helper()
	ctx := t.Context()
	rows, err := db.read.QueryContext(ctx, `SELECT record_type, record_id FROM revisions WHERE block_id IS NOT NULL ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	type ref struct {
		rt conflict.RecordType
		id int64
	}
	var refs []ref
	for rows.Next() {
		var r ref
		if err := rows.Scan(&r.rt, &r.id); err != nil {
			t.Fatal(err)
		}
		refs = append(refs, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	feed, err := db.FindChanges(ctx, "", len(refs)+1)
	if err != nil {
		t.Fatal(err)
	}
	// The feed lists the public changes to events and estimates.
	fed := map[ref][]byte{}
	for _, c := range feed.Changes {
		fed[ref{c.RecordType, c.RecordID}] = c.Snapshot
	}
	for _, r := range refs {
		var record any
		switch r.rt {
		case conflict.EventRecord:
			record, err = db.FindEventByID(ctx, conflict.EventID(r.id))
		case conflict.EstimateRecord:
			record, err = db.FindEstimateByID(ctx, conflict.EstimateID(r.id))
		case conflict.ActorRecord:
			record, err = db.FindActorByID(ctx, conflict.ActorID(r.id))
		case conflict.PlaceRecord:
			record, err = db.FindPlaceByID(ctx, conflict.PlaceID(r.id))
		case conflict.SourceRecord:
			record, err = db.FindSourceByID(ctx, conflict.SourceID(r.id))
		}
		if err != nil {
			t.Fatalf("%s %d: %v", r.rt, r.id, err)
		}
		want, err := snapshot.Encode(record)
		if err != nil {
			t.Fatal(err)
		}
		one, err := db.FindRevision(ctx, r.rt, r.id, 1)
		if err != nil {
			t.Fatalf("%s %d revision 1: %v", r.rt, r.id, err)
		}
		history, err := db.FindRevisions(ctx, r.rt, r.id)
		if err != nil || len(history) != 1 {
			t.Fatalf("%s %d history: %d revisions, %v", r.rt, r.id, len(history), err)
		}
		read := map[string][]byte{"alone": one.Snapshot, "in its history": history[0].Snapshot}
		if r.rt == conflict.EventRecord || r.rt == conflict.EstimateRecord {
			if read["in the changes feed"] = fed[r]; fed[r] == nil {
				t.Errorf("%s %d is not in the changes feed", r.rt, r.id)
			}
		}
		for how, got := range read {
			if !sameJSON(t, got, want) {
				t.Errorf("%s %d read %s:\n%s\nwant the record as stored:\n%s", r.rt, r.id, how, got, want)
			}
		}
	}
	// The archive's events, which read their revisions a page at a time.
	var events []int64
	for _, r := range refs {
		if r.rt == conflict.EventRecord {
			events = append(events, r.id)
		}
	}
	ids := make([]any, len(events))
	for i, id := range events {
		ids[i] = id
	}
	archived, err := archiveReader{ctx: ctx, q: db.read, history: true}.revisions(conflict.EventRecord, ids)
	if err != nil {
		t.Fatal(err)
	}
	// And a moment's states, which a pinned embed shows.
	states, err := statesAt(ctx, db, conflict.EventRecord, events, time.Now(), decodeEvent)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range events {
		e, err := db.FindEventByID(ctx, conflict.EventID(id))
		if err != nil {
			t.Fatal(err)
		}
		want, _ := snapshot.Encode(e)
		if revs := archived[id]; len(revs) != 1 || !sameJSON(t, revs[0].Snapshot, want) {
			t.Errorf("event %d archived with %d revisions, want its one snapshot", id, len(revs))
		}
		if then, ok := states[id]; !ok || then.Title != e.Title || then.Body != e.Body {
			t.Errorf("event %d as it stood: %q, %q; want %q, %q", id, then.Title, then.Body, e.Title, e.Body)
		}
	}
}

// sameJSON reports whether a snapshot is of the record whose snapshot made
// now is b: the same record, with the same words, dates and links. What a
// record gains once stored (its citations' ids, its sources' statuses) is
// not compared.
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	x, y := gist(t, a), gist(t, b)
	if x == "" || x != y {
		t.Logf("snapshot says %s\nthe record %s", x, y)
		return false
	}
	return true
}

// gist is what sameJSON compares of a snapshot.
func gist(t *testing.T, js []byte) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(js, &m); err != nil {
		t.Errorf("%v: %s", err, js)
		return ""
	}
	// An empty list is written [] or null, as it came.
	for k, v := range m {
		if l, ok := v.([]any); ok && len(l) == 0 {
			m[k] = nil
		}
	}
	out := fmt.Sprint(m["ID"], m["Title"], m["Name"], m["URL"], m["Body"], m["Date"], m["AsOf"], m["Place"], m["Force"], m["Tags"], m["Actors"], m["AltNames"])
	if cs, ok := m["Citations"].([]any); ok {
		for _, c := range cs {
			c := c.(map[string]any)
			out += fmt.Sprint(" cites ", c["Source"].(map[string]any)["ID"], c["Quote"])
		}
	}
	return out
}

// A revision whose block is missing, or whose place lies outside its
// block, is an error, never another record's snapshot.
func TestBlockReaderRefusesBadPlaces(t *testing.T) {
	b := snapshotBlock{id: 7}
	first := b.add([]byte(`{"v":5,"ID":1}`))
	second := b.add([]byte(`{"v":5,"ID":2}`))
	data := b.data()
	var br blockReader
	for span, want := range map[string]string{string(first): `{"v":5,"ID":1}`, string(second): `{"v":5,"ID":2}`} {
		got, err := br.decode(storedSnapshot{encoding: snapshotDeflate, data: []byte(span), block: sql.NullInt64{Int64: 7, Valid: true}, blocked: data})
		if err != nil || string(got) != want {
			t.Errorf("decode(%x) = %s, %v; want %s", span, got, err, want)
		}
	}
	past := append([]byte(nil), second...)
	past[len(past)-1]++
	for name, s := range map[string]storedSnapshot{
		"missing block":      {encoding: snapshotDeflate, data: first, block: sql.NullInt64{Int64: 8, Valid: true}},
		"past the block end": {encoding: snapshotDeflate, data: past, block: sql.NullInt64{Int64: 7, Valid: true}, blocked: data},
		"no place":           {encoding: snapshotDeflate, data: []byte{0x80}, block: sql.NullInt64{Int64: 7, Valid: true}, blocked: data},
	} {
		var br blockReader
		if got, err := br.decode(s); err == nil || !strings.Contains(err.Error(), "block") {
			t.Errorf("%s: decode = %s, %v; want an error naming the block", name, got, err)
		}
	}
}

// Blocks come to about half a page each, so that two share a page: a row
// of more than half a page keeps a page to itself, and a small block
// compresses less well.
func TestBlocksFillHalfAPage(t *testing.T) {
	for _, page := range []int{4096, 8192, 16384} {
		z := newBlockSizer(page)
		var (
			b     snapshotBlock
			sizes []int
			words        = strings.Fields("the convoy moved north along the river road before dawn while shelling continued near the bridge and residents fled towards the camps")
			state uint32 = 1
		)
		text := func(n int) string {
			var out []string
			for j := range n {
				state = state*1664525 + 1013904223
				if out = append(out, words[state>>16%uint32(len(words))]); j%3 == 0 {
					out = append(out, fmt.Sprint(state%100000))
				}
			}
			return strings.Join(out, " ")
		}
		for i := range 3000 {
			js, _ := json.Marshal(map[string]any{"v": 5, "ID": i, "Title": text(8), "Body": text(40),
				"Citations": []any{map[string]any{"Quote": text(12), "Source": map[string]any{"ID": i % 50}}}})
			b.add(js)
			if z.full(&b) {
				n := len(z.seal(&b))
				// A block ended by its count, not its size, is smaller.
				if b.n < maxSnapshotsPerBlock {
					sizes = append(sizes, n)
				}
				b = snapshotBlock{}
			}
		}
		// The first blocks teach the sizer the data's ratio.
		if len(sizes) < 20 {
			t.Fatalf("%d-byte pages: %d blocks of 3,000 snapshots ended by their size", page, len(sizes))
		}
		sizes = sizes[4:]
		over, total := 0, 0
		for _, n := range sizes {
			total += n
			if n > z.target {
				over++
			}
		}
		mean := total / len(sizes)
		t.Logf("%d-byte pages: %d blocks, %d over %d bytes, %d on average", page, len(sizes), over, z.target, mean)
		if over > len(sizes)/10 || mean < z.target*7/10 {
			t.Errorf("%d-byte pages: %d blocks, %d of them over %d bytes, %d bytes on average; want few over, most near it",
				page, len(sizes), over, z.target, mean)
		}
	}
}
