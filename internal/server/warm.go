package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/geo"
	"github.com/sitrep/sitrep/internal/sqlite"
)

// The pages whose first request after a write builds what later requests
// read (besides the day tallies' series, which Warm reads directly): the
// map's places and grids for every event and for each tag, a force's
// claim tallies, bands and chart, a timeline's first keys and parts. At a
// million events that first request takes 20–100 ms where later ones take
// 1–8, and a burst of readers arriving together (an embed going live) all
// wait behind it. Warm asks for them once, through the router, so that
// what a reader meets first is what is already kept.

// warmForces and warmTags bound how many forces' estimates pages and
// tags' map data are warmed, the ones with the most records first: past
// them a first request builds what it needs, as before.
const (
	warmForces = 200
	warmTags   = 40
)

// warmingKey marks a warming request's context: it is not logged, and
// passes the check of the Host header, which it has none of its own for.
type warmingKey struct{}

func warming(ctx context.Context) bool { return ctx.Value(warmingKey{}) != nil }

// Warm requests, through h, the pages that build the record's kept
// aggregates on their first request, and returns how many it requested.
// It stops at ctx's end. A page that fails is left for its first reader,
// who meets the same failure and its message.
func Warm(ctx context.Context, h http.Handler, db *sqlite.DB) (int, error) {
	// Every list's counts over time are cuts of a series the day tallies
	// hold: all of them are read now, or, after writes, those the writes
	// changed. Series left unread are read by their first readers, as a
	// page that fails is made by its, so the pages are warmed regardless.
	_, seriesErr := db.WarmDaySeries(ctx)
	addresses, err := warmAddresses(ctx, db)
	if err != nil {
		return 0, errors.Join(seriesErr, err)
	}
	ctx = context.WithValue(ctx, warmingKey{}, true)
	for i, a := range addresses {
		if err := ctx.Err(); err != nil {
			return i, err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, a, nil)
		if err != nil {
			return i, err
		}
		req.RequestURI = a
		req.Header.Set(echo.HeaderAcceptEncoding, "gzip")
		h.ServeHTTP(&discardResponse{}, req)
	}
	return len(addresses), seriesErr
}

// discardResponse is where a warming request's page goes: what building
// it kept is what warming is for, and the response cache decides for
// itself whether to keep the page too (cacheResponses).
type discardResponse struct{ header http.Header }

func (d *discardResponse) Header() http.Header {
	if d.header == nil {
		d.header = http.Header{}
	}
	return d.header
}

func (d *discardResponse) Write(b []byte) (int, error) { return len(b), nil }

func (d *discardResponse) WriteHeader(int) {}

// warmAddresses lists what Warm requests: the front pages, the map of
// every event at each zoom, each published timeline and its embed, the
// estimates of the most estimated forces, and the map's data and counts
// over time of the most used tags.
func warmAddresses(ctx context.Context, db *sqlite.DB) ([]string, error) {
	out := []string{"/", "/events", "/estimates", "/map", "/api/v1/events/map", "/api/v1/events/histogram"}
	// The map of every event clusters its places anew at each zoom level
	// the first time a reader zooms to it, and every reader of that zoom
	// meanwhile waits for it: under load, the slowest answers the map
	// gives. So every zoom level is clustered now.
	for z := range geo.MaxZoom + 1 {
		out = append(out, "/api/v1/events/map?z="+strconv.Itoa(z))
	}
	timelines, err := db.FindTimelines(ctx, false)
	if err != nil {
		return nil, err
	}
	for _, t := range timelines {
		out = append(out, "/timelines/"+url.PathEscape(t.Slug), "/embed/timelines/"+url.PathEscape(t.Slug))
	}
	forces, _, err := db.FindMostEstimatedForces(ctx, warmForces)
	if err != nil {
		return nil, err
	}
	for _, f := range forces {
		out = append(out, "/estimates?"+url.Values{"force": {f.Force.Name}}.Encode())
	}
	tags, err := db.FindTags(ctx, warmTags)
	if err != nil {
		return nil, err
	}
	for _, t := range tags {
		q := url.Values{"tag": {t}}.Encode()
		out = append(out, "/api/v1/events/map?"+q, "/api/v1/events/histogram?"+q)
	}
	return out, nil
}

// WarmQuiet is how long the record must go unchanged before the pages
// are warmed again: an import or a reviewer's burst of publishing writes
// many versions, and warming each would cost a core for nothing.
const WarmQuiet = 2 * time.Second

// SearchWarmQuiet is how long the record must go unchanged before the
// search indexes are merged (sqlite.DB.MergeSearchIndexes, some six
// seconds of a core for the events' index at a million events) and
// search's sets of common words are made again (sqlite.DB.WarmSearch).
// A search brings the sets it uses up to date with the writes since they
// were read; warming brings the rest, and chooses the common words
// afresh. After a bulk load, which leaves every set to be read again,
// that costs some seven seconds of a core for each index at a million
// events, so it waits for a desk to pause rather than following every
// edit.
const SearchWarmQuiet = 30 * time.Second

// Warming says how KeepWarm keeps the pages and search warm.
type Warming struct {
	// Quiet and SearchQuiet are how long the record must go unchanged
	// before the pages, and search's sets, are warmed again (WarmQuiet,
	// SearchWarmQuiet).
	Quiet, SearchQuiet time.Duration
	// Pages and Search, when set, are told after each warming what it
	// did: how many pages it requested, or words' sets it made, and how
	// long it took.
	Pages, Search func(n int, took time.Duration, err error)
	// MakeSets makes search's sets of common words again, returning how
	// many; when nil, sqlite.DB.MergeSearchIndexes, then
	// sqlite.DB.WarmSearch.
	MakeSets func(context.Context) (int, error)
}

// KeepWarm warms the pages (Warm) now, and the pages and search's sets
// again after each change to the record once it has gone quiet, until
// ctx ends. Search's sets are made at start by whoever opened the
// database, so KeepWarm makes them only after a change.
func KeepWarm(ctx context.Context, h http.Handler, db *sqlite.DB, w Warming) {
	makeSets := w.MakeSets
	if makeSets == nil {
		makeSets = func(ctx context.Context) (int, error) {
			// The desk's writes leave the search indexes in small
			// segments, which every search seeks in.
			if _, err := db.MergeSearchIndexes(ctx); err != nil {
				return 0, fmt.Errorf("merging the search indexes: %w", err)
			}
			return db.WarmSearch(ctx)
		}
	}
	// seen is the version at the last tick: a version seen twice has
	// gone a tick unchanged. changed is when it was first seen.
	warmed, seen, searched := int64(-1), int64(-1), int64(-1)
	var changed time.Time
	tick := time.NewTicker(w.Quiet)
	defer tick.Stop()
	report := func(to func(int, time.Duration, error), n int, start time.Time, err error) {
		if to != nil {
			to(n, time.Since(start), err)
		}
	}
	// Making the sets takes seconds of a core at a million events, so it
	// runs beside this loop, which goes on warming pages after the writes
	// that come meanwhile; sets is its answer, nil when none is running.
	type madeSets struct {
		version int64
		n       int
		err     error
		start   time.Time
	}
	var sets chan madeSets
	defer func() {
		if sets != nil {
			<-sets // WarmSearch stops waiting once ctx ends
		}
	}()
	for {
		last, err := db.LastChange(ctx)
		if err == nil {
			if last != seen {
				changed = time.Now()
			}
			if last != warmed && (warmed < 0 || last == seen) {
				start := time.Now()
				n, err := Warm(ctx, h, db)
				if ctx.Err() != nil {
					return
				}
				report(w.Pages, n, start, err)
				if warmed < 0 {
					searched = last
				}
				warmed = last
			}
			if sets == nil && last != searched && time.Since(changed) >= w.SearchQuiet {
				sets = make(chan madeSets, 1)
				go func(version int64, start time.Time) {
					n, err := makeSets(ctx)
					sets <- madeSets{version, n, err, start}
				}(last, time.Now())
			}
			seen = last
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case made := <-sets:
			sets = nil
			if ctx.Err() != nil || errors.Is(made.err, context.Canceled) {
				return
			}
			report(w.Search, made.n, made.start, made.err)
			searched = made.version
		}
	}
}
