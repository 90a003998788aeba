package server

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
)

// TestWrittenRowsKeptOutOfTheHeap: with a spill store, the explorer's
// written rows are kept there and read back as written; a newer data
// version lets the older rows go, and a page writing one it read before
// still writes it whole. Without a store they are kept in the heap.
func TestWrittenRowsKeptOutOfTheHeap(t *testing.T) {
	w := newWrittenRows(t.TempDir())
	if w.store == nil {
		t.Fatal("no spill store in a folder files can be made in")
	}
	row := func(id int) []byte {
		return []byte(fmt.Sprintf(`<tr id="e%d"><td>Mosul</td><td>3,000–4,500</td><td>مقاتل %d</td></tr>`, id, id))
	}
	for id := 1; id <= 200; id++ {
		w.keep(7, conflict.EstimateID(id), row(id))
	}
	w.kept.CleanUp()
	if live, _ := w.store.Stats(); live == 0 {
		t.Fatal("rows were not kept in the store")
	}
	b, view, ok := w.read(7, 42)
	if !ok || !bytes.Equal(b, row(42)) {
		t.Fatalf("row 42 read %q, %v; want %q", b, ok, row(42))
	}
	if _, _, ok := w.read(6, 42); ok {
		t.Error("a row was read at a version it was not written at")
	}

	// A write moves the version on: the old rows go, and their space with
	// them, but the page that read row 42 writes it as it was.
	w.keep(8, 1, row(1))
	if _, _, ok := w.read(7, 43); ok {
		t.Error("a row of an older version is still kept")
	}
	deadline := time.Now().Add(5 * time.Second)
	for live, _ := w.store.Stats(); live > len(row(1)) && time.Now().Before(deadline); live, _ = w.store.Stats() {
		time.Sleep(10 * time.Millisecond)
	}
	if live, _ := w.store.Stats(); live > len(row(1)) {
		t.Errorf("the store holds %d bytes after the old rows went, want %d", live, len(row(1)))
	}
	if !bytes.Equal(b, row(42)) {
		t.Error("a row being written changed when it was let go")
	}
	view.Release()
	// A row made for an older version than the newest kept is not kept.
	w.keep(7, 99, row(99))
	if _, _, ok := w.read(7, 99); ok {
		t.Error("a row of an older version was kept")
	}

	heap := newWrittenRows("")
	heap.keep(1, 5, row(5))
	if b, _, ok := heap.read(1, 5); !ok || !bytes.Equal(b, row(5)) || heap.store != nil {
		t.Error("without a store, rows are not kept in the heap")
	}
}

// TestWrittenRowsTheStoreCannotHoldAreNotKept: a row the store refuses is
// not kept in the heap instead, where nothing would bound it.
func TestWrittenRowsTheStoreCannotHoldAreNotKept(t *testing.T) {
	w := newWrittenRows(t.TempDir())
	big := bytes.Repeat([]byte("<td>x</td>"), rowSegmentBytes/10+1)
	w.keep(3, 1, big)
	if _, _, ok := w.read(3, 1); ok {
		t.Error("a row larger than a segment was kept")
	}
}
