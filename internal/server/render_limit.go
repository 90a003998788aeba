package server

import (
	"net/http"
	"runtime"
	"strings"

	"github.com/labstack/echo/v4"
)

// renderSlots is how many page reads are answered at once: one a core
// (two at least), half the database's read connections, so a page let in
// never waits for one.
//
// Sixty-four readers at once on two cores finish no sooner for being
// started together: each holds a compressor (half a megabyte), a page
// being rendered and its rows, and the garbage collector spends a fifth of
// the machine on them. Waiting in line before any of that is allocated,
// they cost a goroutine each, and the pages come out at the same rate.
// With two a core rather than one, every page shared its core with
// another, a heavy one held its place twice as long, and the line behind
// it waited: at a million events, in two alternating runs each, the 99th
// percentile of the map, the map's data, a force's estimates and the
// table went from 223–484, 252–329, 322–370 and 210–257 ms to 107–179,
// 197–200, 233–241 and 186–216 ms, at the same rates for them (the
// cheapest pages lost some rate in a whole run: docs/speed.md).
func renderSlots() int { return max(2, runtime.NumCPU()) }

// limitRendering admits page reads a few at a time. It runs inside the
// response cache, so a page already made is sent without waiting, and it
// lets through what has a limit of its own (exports, large API reads),
// what costs nothing (static files, /healthz), and writes: a form post
// waiting for the writer must not hold a place readers need.
func limitRendering(slots int) echo.MiddlewareFunc {
	line := make(chan struct{}, slots)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if req.Method != http.MethodGet || isExport(c) || isLargeRead(c) ||
				c.Path() == "/healthz" || strings.HasPrefix(c.Path(), "/static/") || isTiles(c.Path()) {
				return next(c)
			}
			select {
			case line <- struct{}{}:
			case <-req.Context().Done():
				return req.Context().Err()
			}
			defer func() { <-line }()
			return next(c)
		}
	}
}
