package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/sqlite"
	"github.com/sitrep/sitrep/internal/synth"
)

// publish adds a published event to the database every interval, through
// the call an import makes, until it is stopped (SIGINT or SIGTERM), and
// then says how many it added: a desk writing while readers read, for
// scripts/bench's PUBLISH. Every write moves the data version on and
// changes the search indexes, as a reviewer's publish does. The events
// cite the database's first source. It refuses a database that sitrep
// synth did not make.
func publish(path string, every time.Duration) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	// Its events reach readers unreviewed, as an import's do: only into
	// a database sitrep synth made.
	if _, err := db.FindTimelineBySlug(ctx, synth.MarkTimeline); err != nil {
		return fmt.Errorf("publish: %s has no timeline %s, so sitrep synth did not make it: publish writes only into benchmark databases (%w)", path, synth.MarkTimeline, err)
	}
	src, err := db.FindSourceByID(ctx, 1)
	if err != nil {
		return fmt.Errorf("publish: the database's first source: %w", err)
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	n := 0
	for {
		select {
		case <-ctx.Done():
			fmt.Fprintf(os.Stderr, "benchtool publish: %d events published\n", n)
			return nil
		case <-tick.C:
		}
		e := &conflict.Event{
			Title:  fmt.Sprintf("Convoy attacked near the bridge (%d)", n+1),
			Body:   "Fighting was reported after a convoy was attacked at dawn; casualties unknown.",
			Date:   edtf.MustParse("2016-10-20"),
			Status: conflict.Published,
			Tags:   []string{"ambush"},
			Citations: []conflict.Citation{{Source: src, Quote: "A convoy was attacked near the bridge.",
				Locator: fmt.Sprint("paragraph ", n+1)}},
		}
		if err := db.CreateEvents(ctx, []*conflict.Event{e}, conflict.Change{AuthorName: "benchtool", Role: conflict.RoleReviewer}); err != nil {
			if ctx.Err() != nil {
				continue
			}
			return fmt.Errorf("publish: %w", err)
		}
		n++
	}
}
