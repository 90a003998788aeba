package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
)

// TestBackupWhileWriting backs up a database while another goroutine keeps
// adding events: the copy is a whole database, as of one moment.
func TestBackupWhileWriting(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	ctx := t.Context()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			e := conflict.Event{Title: fmt.Sprintf("Event %d", i), Date: edtf.MustParse("2016-10-01"), Status: conflict.Draft}
			if err := db.CreateEvent(context.Background(), &e, conflict.Change{AuthorName: "test"}); err != nil {
				t.Errorf("CreateEvent: %v", err)
				return
			}
		}
	}()
	path := filepath.Join(t.TempDir(), "backup.db")
	err := db.Backup(ctx, path)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("Backup: %v", err)
	}
	backup := sqlitetest.Open(t, path)
	page, err := backup.FindEvents(ctx, conflict.EventFilter{})
	if err != nil || len(page.Events) != 3 {
		t.Errorf("the backup's published events = %d, %v; want the demo's 3", len(page.Events), err)
	}
	if err := db.Backup(ctx, path); conflict.ErrorCode(err) != conflict.Conflict {
		t.Errorf("Backup over an existing file = %v, want Conflict", err)
	}
}

// TestEachEventPage reads every page of a list in one snapshot, with the
// same events and citations that FindEventPage gives page by page.
func TestEachEventPage(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	ctx := t.Context()
	var got []conflict.Event
	err := db.EachEventPage(ctx, conflict.EventFilter{Limit: 2}, func(p conflict.EventPage) error {
		if len(p.Events) > 2 {
			t.Errorf("a page of %d events, want at most 2", len(p.Events))
		}
		got = append(got, p.Events...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want, err := db.FindEventPage(ctx, conflict.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want.Events) {
		t.Fatalf("EachEventPage gave %d events, FindEventPage %d", len(got), len(want.Events))
	}
	for i := range got {
		g, w := got[i], want.Events[i]
		if g.ID != w.ID || len(g.Citations) != len(w.Citations) || len(g.Actors) != len(w.Actors) || len(g.Tags) != len(w.Tags) {
			t.Errorf("event %d: %+v, want %+v", i, g, w)
		}
		for j := range g.Citations {
			if g.Citations[j].Source.URL != w.Citations[j].Source.URL || g.Citations[j].Quote != w.Citations[j].Quote {
				t.Errorf("event %d citation %d differs", i, j)
			}
		}
		for j := range g.Actors {
			if g.Actors[j] != w.Actors[j] {
				t.Errorf("event %d actor %d = %+v, want %+v", i, j, g.Actors[j], w.Actors[j])
			}
		}
	}
	var n int
	err = db.EachEstimatePage(ctx, conflict.EstimateFilter{Limit: 1}, func(xs []conflict.Estimate) error {
		for _, x := range xs {
			n++
			if len(x.Citations) == 0 || x.Place == nil || x.Place.Coordinates == nil {
				t.Errorf("estimate %d lacks citations or its place's coordinates: %+v", x.ID, x)
			}
		}
		return nil
	})
	if err != nil || n != 2 {
		t.Errorf("EachEstimatePage gave %d estimates, %v; want the demo's 2", n, err)
	}
}
