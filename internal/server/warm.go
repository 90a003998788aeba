package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/sqlite"
)

// The pages whose first request after a write builds what later requests
// read: the map's places and grids for every event and for each tag, a
// force's claim tallies, bands and chart, a timeline's first keys and
// parts. At a million events that first request takes 20–100 ms where
// later ones take 1–8, and a burst of readers arriving together (an embed
// going live) all wait behind it. Warm asks for them once, through the
// router, so that what a reader meets first is what is already kept.

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
	addresses, err := warmAddresses(ctx, db)
	if err != nil {
		return 0, err
	}
	ctx = context.WithValue(ctx, warmingKey{}, true)
	for i, a := range addresses {
		if err := ctx.Err(); err != nil {
			return i, err
		}
		req := httptest.NewRequestWithContext(ctx, http.MethodGet, a, nil)
		req.Header.Set(echo.HeaderAcceptEncoding, "gzip")
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	return len(addresses), nil
}

// warmAddresses lists what Warm requests: the front pages, each published
// timeline and its embed, the estimates of the most estimated forces, and
// the map's data and counts over time of the most used tags.
func warmAddresses(ctx context.Context, db *sqlite.DB) ([]string, error) {
	out := []string{"/", "/events", "/estimates", "/map", "/api/v1/events/map", "/api/v1/events/histogram"}
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

// WarmQuiet is how long the record must go unchanged before it is warmed
// again: an import or a reviewer's burst of publishing writes many
// versions, and warming each would cost a core for nothing.
const WarmQuiet = 2 * time.Second

// KeepWarm warms the pages (Warm) now and again after each change to the
// record, once it has gone quiet (WarmQuiet) without another, until ctx
// ends. done, when set, is told after each warming how many pages it
// requested and how long it took.
func KeepWarm(ctx context.Context, h http.Handler, db *sqlite.DB, quiet time.Duration, done func(pages int, took time.Duration, err error)) {
	// seen is the version at the last tick: a version seen twice has
	// gone a tick unchanged.
	warmed, seen := int64(-1), int64(-1)
	tick := time.NewTicker(quiet)
	defer tick.Stop()
	for {
		last, err := db.LastChange(ctx)
		if err == nil && last != warmed && (warmed < 0 || last == seen) {
			start := time.Now()
			n, err := Warm(ctx, h, db)
			if ctx.Err() != nil {
				return
			}
			warmed = last
			if done != nil {
				done(n, time.Since(start), err)
			}
		}
		seen = last
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
