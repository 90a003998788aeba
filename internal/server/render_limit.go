package server

import (
	"net/http"
	"runtime"
	"strings"

	"github.com/labstack/echo/v4"
)

// renderSlots is how many page reads are answered at once: as many as the
// database has read connections, so a page let in never waits for one.
//
// Sixty-four readers at once on two cores finish no sooner for being
// started together: each holds a compressor (half a megabyte), a page
// being rendered and its rows, and the garbage collector spends a fifth of
// the machine on them. Waiting in line before any of that is allocated,
// they cost a goroutine each, and the pages come out at the same rate.
func renderSlots() int { return max(4, runtime.NumCPU()*2) }

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
