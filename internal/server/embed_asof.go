package server

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/web/components"
	"github.com/sitrep/sitrep/web/embed"
)

// Embeds pinned to a moment: every embed takes asof=, and then shows the
// record as published at that moment (internal/sqlite/asof.go), says so,
// and names what has changed since. The moment is written either as an
// RFC 3339 date and time in UTC or with an offset (asof=2016-09-29T14:02:00Z)
// or as a date (asof=2016-09-29), which means the end of that day, UTC.
// The Embed panel pins to the moment of the newest revision, to the
// microsecond, so that the snippet shows exactly what the page showed.

// pinnedCacheControl lets any cache keep a pinned embed for good: what
// was published at a past moment never changes.
const pinnedCacheControl = "public, max-age=31536000, immutable"

// pinned is a moment an embed is pinned to.
type pinned struct {
	// At is the moment: revisions written at or before it count.
	At time.Time
	// Text is the moment as addresses carry it.
	Text string
	// DateOnly is set for a date, which pins to the end of that day.
	DateOnly bool
	// Settled is set when no write can change what the moment shows any
	// more: the newest revision was written at or after it.
	Settled bool
}

// asofHelp says how to write a moment, for the error an unreadable one gets.
const asofHelp = "asof= takes a date and time such as 2016-09-29T14:02:00Z, or a date such as 2016-09-29."

// parseAsof reads an asof= value; ok is false when there is none.
func parseAsof(raw string) (p pinned, ok bool, err error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return p, false, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, raw); err == nil {
		p.At = t.UTC()
		p.Text = p.At.Format(time.RFC3339Nano)
		return p, true, nil
	}
	if d, err := time.Parse(time.DateOnly, raw); err == nil {
		p.At = d.Add(24*time.Hour - time.Microsecond)
		p.Text, p.DateOnly = d.Format(time.DateOnly), true
		return p, true, nil
	}
	msg := fmt.Sprintf("%q is not a moment this embed can read. %s", raw, asofHelp)
	return p, true, &conflict.Error{Code: conflict.Invalid, Message: msg, Fields: conflict.FieldErrors{"asof": msg}}
}

// words is the moment as the notice says it.
func (p pinned) words() string {
	if p.DateOnly {
		return p.At.Format("2 Jan 2006")
	}
	return p.At.Format("2 Jan 2006 15:04 UTC")
}

// pinFor reads asof= and checks it against the record: a moment yet to
// come is Invalid, one before anything was published NotFound.
func (s *Server) pinFor(c echo.Context, raw string) (pinned, bool, error) {
	p, ok, err := parseAsof(raw)
	if !ok || err != nil {
		return p, ok, err
	}
	first, newest, err := s.db.RevisionSpan(c.Request().Context())
	if err != nil {
		return p, true, err
	}
	now := time.Now()
	switch {
	case p.At.After(now) && !(p.DateOnly && p.At.Add(-24*time.Hour).Before(now)):
		return p, true, &conflict.Error{Code: conflict.Invalid, Message: "That moment has not come yet: an embed can be pinned to the past only.",
			Fields: conflict.FieldErrors{"asof": "That moment has not come yet."}}
	case first.IsZero() || p.At.Before(first):
		return p, true, conflict.Errorf(conflict.NotFound, "Nothing had been published here yet on %s.", p.words())
	}
	p.Settled = !p.At.After(newest)
	return p, true, nil
}

// readPin reads an embed's asof=. done is set when the answer is already
// given: a problem page for a moment the embed cannot show, or 304 for a
// settled pin the client holds.
func (s *Server) readPin(c echo.Context, o embedOptions) (p pinned, pin, done bool, err error) {
	p, pin, err = s.pinFor(c, c.QueryParam("asof"))
	if err != nil {
		return p, pin, true, s.embedProblem(c, o, err)
	}
	if pin && s.pinnedCache(c, p) {
		return p, pin, true, c.NoContent(http.StatusNotModified)
	}
	return p, pin, false, nil
}

// pinnedETag is a pinned embed's validator: the address alone, since what
// it shows cannot change.
func (s *Server) pinnedETag(c echo.Context) string {
	sum := sha256.Sum256([]byte(s.absURL(c, c.Request().URL.RequestURI())))
	return `W/"pin-` + hex.EncodeToString(sum[:12]) + `"`
}

// pinnedCache gives a settled pinned response its lasting headers, and
// reports whether the client's copy is current, to answer 304 before any
// work.
func (s *Server) pinnedCache(c echo.Context, p pinned) (notModified bool) {
	if !p.Settled {
		// A moment after the newest write may yet gain a revision stamped
		// before it: the ordinary short caching applies.
		return false
	}
	if c.QueryParam("changes") != "" {
		// What changed since the moment grows with every publication.
		return false
	}
	etag := s.pinnedETag(c)
	h := c.Response().Header()
	h.Set("Cache-Control", pinnedCacheControl)
	h.Set("ETag", etag)
	return etagMatch(c.Request().Header.Get("If-None-Match"), etag)
}

// embedProblem answers what an embed cannot show in the embed's own style:
// 400 for an address it cannot read, 404 for a record absent at the
// moment, 429 when rebuilding the moment is refused. Anything else is the
// server's own failure, left to the error handler.
func (s *Server) embedProblem(c echo.Context, o embedOptions, err error) error {
	var status int
	title := "Not available"
	switch conflict.ErrorCode(err) {
	case conflict.Invalid:
		status, title = http.StatusBadRequest, "This embed’s address is not valid"
	case conflict.NotFound:
		status, title = http.StatusNotFound, "Nothing to show"
	case conflict.Busy:
		status = http.StatusTooManyRequests
	default:
		return err
	}
	h := c.Response().Header()
	h.Del("ETag")
	h.Set("Cache-Control", "no-store")
	msg := conflict.ErrorMessage(err)
	if status == http.StatusNotFound && !strings.Contains(msg, "moment") && !strings.Contains(msg, "published") {
		msg = "There is nothing at this address. It may have been mistyped, or the record may not be published."
	}
	v := embed.ProblemView{Base: s.embedBase(c, title, "/", o), Status: status, Message: msg}
	return s.render(c, status, embed.Problem(v))
}

// pinNotice is the notice of an embed pinned at p: today's version at
// todayURL, and the changes between the entries shown and today's. A
// settled pin only links to those changes (changes=1, cached as briefly as
// any live page), so that the pinned page itself never changes.
func (s *Server) pinNotice(c echo.Context, p pinned, todayURL string, shown, today []components.Entry) (*embed.Pin, error) {
	n := &embed.Pin{When: p.words(), Datetime: p.Text, TodayURL: s.absURL(c, todayURL)}
	if p.DateOnly {
		n.Datetime = p.At.Format(time.DateOnly)
	}
	q := c.QueryParams()
	if p.Settled && q.Get("changes") == "" {
		q.Set("changes", "1")
		n.ChangesURL = s.absURL(c, c.Request().URL.Path+"?"+q.Encode())
		return n, nil
	}
	n.Open = q.Get("changes") != ""
	todayKeys := map[string]components.Entry{}
	for _, e := range today {
		todayKeys[entryKey(e)] = e
	}
	shownKeys := map[string]bool{}
	var events, estimates []int64
	for _, e := range shown {
		shownKeys[entryKey(e)] = true
		if e.Event != nil {
			events = append(events, int64(e.Event.ID))
		} else {
			estimates = append(estimates, int64(e.Estimate.ID))
		}
	}
	ctx := c.Request().Context()
	revisedEvents, err := s.db.RevisedSince(ctx, conflict.EventRecord, events, p.At)
	if err != nil {
		return nil, err
	}
	revisedEstimates, err := s.db.RevisedSince(ctx, conflict.EstimateRecord, estimates, p.At)
	if err != nil {
		return nil, err
	}
	for _, e := range shown {
		revised := (e.Event != nil && revisedEvents[int64(e.Event.ID)]) || (e.Estimate != nil && revisedEstimates[int64(e.Estimate.ID)])
		_, inToday := todayKeys[entryKey(e)]
		switch {
		case !inToday:
			ch := s.entryChange(c, e)
			if revised {
				ch.Note = s.nowNote(c, e)
			}
			n.Removed = append(n.Removed, ch)
		case revised:
			n.Changed = append(n.Changed, s.entryChange(c, todayKeys[entryKey(e)]))
		}
	}
	for _, e := range today {
		if !shownKeys[entryKey(e)] {
			n.Added = append(n.Added, s.entryChange(c, e))
		}
	}
	return n, nil
}

// nowNote says what became of a record shown at the moment and gone from
// today's version: retracted, or "" when it is only no longer chosen.
func (s *Server) nowNote(c echo.Context, e components.Entry) string {
	ctx := c.Request().Context()
	var st conflict.Status
	if e.Event != nil {
		now, err := s.db.FindEventByID(ctx, e.Event.ID)
		if err != nil {
			return ""
		}
		st = now.Status
	} else {
		now, err := s.db.FindEstimateByID(ctx, e.Estimate.ID)
		if err != nil {
			return ""
		}
		st = now.Status
	}
	if st == conflict.Retracted {
		return "retracted"
	}
	return ""
}

func entryKey(e components.Entry) string {
	if e.Event != nil {
		return fmt.Sprintf("e%d", e.Event.ID)
	}
	return fmt.Sprintf("x%d", e.Estimate.ID)
}

// entryChange names an entry and links its history.
func (s *Server) entryChange(c echo.Context, e components.Entry) embed.PinChange {
	if e.Event != nil {
		return embed.PinChange{Title: e.Event.Title, HistoryURL: s.absURL(c, fmt.Sprintf("/events/%d/history", e.Event.ID))}
	}
	return embed.PinChange{Title: e.Estimate.Title(), HistoryURL: s.absURL(c, fmt.Sprintf("/estimates/%d/history", e.Estimate.ID))}
}

// estimateEntries wraps estimates as entries, for the notice's comparison.
func estimateEntries(xs []conflict.Estimate) []components.Entry {
	out := make([]components.Entry, len(xs))
	for i := range xs {
		out[i] = components.Entry{Estimate: &xs[i]}
	}
	return out
}
