package server

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/chart"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/form"
	"github.com/sitrep/sitrep/internal/markdown"
	"github.com/sitrep/sitrep/static"
	"github.com/sitrep/sitrep/web/components"
	"github.com/sitrep/sitrep/web/embed"
)

// Embed limits: how many entries an embed shows unless asked, and at most.
const (
	embedDefaultLimit = 50
	embedMaxLimit     = 200
	// embedExcerptLen is shorter than the full pages' excerpt: an embed
	// sits inside someone else's article.
	embedExcerptLen = 180
)

// embedOptions are the presentation options every embed takes on top of
// its page's filters.
type embedOptions struct {
	Theme   string
	Limit   int
	Order   string // "oldest" or "newest"
	Compact bool
	// Asof pins the embed to a moment (embed_asof.go); "" follows the
	// record as it changes. Only the Embed panel sets it, from its "pin"
	// option: an embed reads its own asof= itself.
	Asof string
}

// parseEmbedOptions reads the options from q, each key prefixed with
// prefix: "" on the embed itself, "embed_" in a page's embed panel, whose
// form shares the query with the page's own filters. Values it cannot
// read fall back to the defaults: an embed always answers.
func parseEmbedOptions(q url.Values, prefix, defaultOrder string) embedOptions {
	o := embedOptions{Theme: embed.ThemeAuto, Limit: embedDefaultLimit, Order: defaultOrder}
	switch t := q.Get(prefix + "theme"); t {
	case embed.ThemeLight, embed.ThemeDark:
		o.Theme = t
	}
	if n, err := strconv.Atoi(q.Get(prefix + "limit")); err == nil && n > 0 {
		o.Limit = min(n, embedMaxLimit)
	}
	switch v := q.Get(prefix + "order"); v {
	case "oldest", "newest":
		o.Order = v
	}
	if o.Order != "newest" {
		o.Order = "oldest"
	}
	switch q.Get(prefix + "compact") {
	case "1", "true", "on", "yes":
		o.Compact = true
	}
	return o
}

// pairs returns the options that differ from the defaults as key, value
// pairs in a fixed order, so that snippets and cache keys are stable.
func (o embedOptions) pairs() [][2]string {
	var out [][2]string
	if o.Theme != embed.ThemeAuto {
		out = append(out, [2]string{"theme", o.Theme})
	}
	if o.Limit != embedDefaultLimit {
		out = append(out, [2]string{"limit", strconv.Itoa(o.Limit)})
	}
	if o.Order == "newest" {
		out = append(out, [2]string{"order", "newest"})
	}
	if o.Compact {
		out = append(out, [2]string{"compact", "1"})
	}
	if o.Asof != "" {
		out = append(out, [2]string{"asof", o.Asof})
	}
	return out
}

// query returns the options as a query string, "" when all are defaults.
func (o embedOptions) query() string {
	var parts []string
	for _, p := range o.pairs() {
		parts = append(parts, p[0]+"="+url.QueryEscape(p[1]))
	}
	return strings.Join(parts, "&")
}

// embedBase fills in the embed shell's fields.
func (s *Server) embedBase(c echo.Context, title, fullPath string, o embedOptions) embed.Base {
	return embed.Base{
		Title:    title,
		Theme:    o.Theme,
		Compact:  o.Compact,
		Asset:    s.cfg.Assets.URL,
		FullURL:  s.absURL(c, fullPath),
		SiteURL:  s.absURL(c, "/"),
		SiteName: s.settings(c.Request().Context()).Name,
	}
}

// withQuery appends a query string to a path when there is one.
func withQuery(path, query string) string {
	if query == "" {
		return path
	}
	return path + "?" + query
}

// embedTimeline is /embed/timelines/{slug}: the first events of a published
// timeline, with the full page's filters and the embed options. With
// asof= it shows the timeline and its entries as published at that moment
// (embed_asof.go).
func (s *Server) embedTimeline(c echo.Context) error {
	ctx := c.Request().Context()
	q := c.QueryParams()
	o := parseEmbedOptions(q, "", "oldest")
	p, pin, done, err := s.readPin(c, o)
	if done {
		return err
	}
	t, err := s.db.FindTimelineBySlug(ctx, c.Param("slug"))
	if err == nil && !pin && !t.Status.Public() {
		err = conflict.Errorf(conflict.NotFound, "No such timeline.")
	}
	if err != nil {
		return s.embedProblem(c, o, err)
	}
	f, err := form.ParseEventFilter(ctx, q, s.db)
	if err != nil {
		return s.embedProblem(c, o, err)
	}
	o = parseEmbedOptions(q, "", f.Order)
	f.Order = o.Order
	path := components.TimelinePath(t.Slug)
	full := withQuery(path, f.Values().Encode())
	today, next, err := s.timelineEntries(ctx, t, f, o, nil)
	if err != nil {
		return err
	}
	v := embed.TimelineView{Base: s.embedBase(c, t.Title, full, o), Entries: today}
	if !pin {
		switch {
		case len(today) > o.Limit:
			// Estimates interleaved among the events count towards the
			// limit; the rest is on the full timeline.
			v.Entries = today[:o.Limit]
			v.MoreURL = s.absURL(c, full)
		case next != "":
			v.MoreURL = s.absURL(c, path+"?"+f.Values("after", next).Encode())
		}
		return s.render(c, http.StatusOK, embed.Timeline(v))
	}
	then, err := s.db.TimelineAt(ctx, t.ID, p.At)
	if conflict.ErrorCode(err) == conflict.NotFound {
		err = conflict.Errorf(conflict.NotFound, "This timeline was not yet published on %s.", p.words())
	}
	if err != nil {
		return s.embedProblem(c, o, err)
	}
	shown, next, err := s.timelineEntries(ctx, then, f, o, &p.At)
	if err != nil {
		return s.embedProblem(c, o, err)
	}
	if len(shown) > o.Limit || next != "" {
		v.MoreURL = s.absURL(c, full)
	}
	shown, today = shown[:min(len(shown), o.Limit)], today[:min(len(today), o.Limit)]
	v.Title, v.Entries = then.Title, shown
	todayURL := withQuery("/embed/timelines/"+url.PathEscape(t.Slug), withoutAsof(q).Encode())
	if v.Pin, err = s.pinNotice(c, p, todayURL, shown, today); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, embed.Timeline(v))
}

// timelineEntries reads the first entries of timeline t under the reader's
// filter f: its events and, when it interleaves them, its estimates. With
// at set, t is the timeline as it was then and the entries are read as
// published at that moment. next is set when more events follow.
func (s *Server) timelineEntries(ctx context.Context, t conflict.Timeline, f form.EventFilter, o embedOptions, at *time.Time) ([]components.Entry, string, error) {
	filter := f.Filter
	filter.Timeline = &t
	filter.NewestFirst = o.Order == "newest"
	filter.Limit = o.Limit
	// An embed shows the start of its list; the rest is on the full page.
	filter.After, filter.Before = "", ""
	var (
		page conflict.EventPage
		err  error
	)
	if at == nil {
		page, err = s.db.ListEvents(ctx, filter)
	} else {
		page, err = s.db.FindEventsAt(ctx, filter, *at)
	}
	if err != nil {
		return nil, "", err
	}
	entries := make([]components.Entry, 0, len(page.Events))
	for i := range page.Events {
		e := &page.Events[i]
		entry := components.Entry{Event: e, Citations: page.Citations[e.ID]}
		if !o.Compact {
			entry.Excerpt = markdown.Excerpt(e.Body, embedExcerptLen)
		}
		entries = append(entries, entry)
	}
	if !t.WithEstimates {
		return entries, page.Next, nil
	}
	if at == nil {
		entries, err = s.interleaveEstimates(ctx, entries, narrowToPage(filter, page), page)
		return entries, page.Next, err
	}
	entries, err = s.interleaveEstimatesAt(ctx, entries, narrowToPage(filter, page), page, *at)
	return entries, page.Next, err
}

// interleaveEstimatesAt is interleaveEstimates for a timeline pinned to a
// moment: the estimates within the page's span, as published then.
func (s *Server) interleaveEstimatesAt(ctx context.Context, entries []components.Entry, f conflict.EventFilter, page conflict.EventPage, at time.Time) ([]components.Entry, error) {
	lo, hi := "", "9999-12-31"
	if len(entries) > 0 && page.Next != "" {
		// The first page of a pinned list: it starts at the beginning
		// and ends at its last event when more follow.
		last := entries[len(entries)-1].Event.Date.LowerKey()
		if f.NewestFirst {
			lo = last
		} else {
			hi = last
		}
	}
	ef := timelineEstimates(f, f.Timeline)
	ef.Limit = 200
	ef = withinSpan(ef, lo, hi)
	xs, err := s.db.FindEstimatesAt(ctx, ef, at)
	if err != nil {
		return nil, err
	}
	var inSpan []components.Entry
	for i := range xs {
		if k := xs[i].AsOf.LowerKey(); k >= lo && k <= hi {
			inSpan = append(inSpan, components.Entry{Estimate: &xs[i]})
		}
	}
	return components.MergeEntries(entries, inSpan, f.NewestFirst), nil
}

// withoutAsof is an embed's query less its moment: today's version.
func withoutAsof(q url.Values) url.Values {
	out := url.Values{}
	for k, vs := range q {
		if k != "asof" && k != "changes" {
			out[k] = vs
		}
	}
	return out
}

// embedEstimates is /embed/estimates: the explorer's chart for a force and
// place (actor= is taken for force=), and the table unless compact. The
// limit keeps the most recent estimates. With asof= the estimates are
// those published at that moment, as they were.
func (s *Server) embedEstimates(c echo.Context) error {
	ctx := c.Request().Context()
	q := c.QueryParams()
	o := parseEmbedOptions(q, "", "oldest")
	p, pin, done, err := s.readPin(c, o)
	if done {
		return err
	}
	f, err := form.ParseEstimateFilter(ctx, q, s.db)
	if err != nil {
		return s.embedProblem(c, o, err)
	}
	title := "Estimates"
	if f.ResolvedForce != nil {
		force, place := f.ResolvedForce.Name, ""
		if len(f.ResolvedPlaces) > 0 {
			place = f.ResolvedPlaces[0].Name
		}
		if pin {
			// Named as they were at the moment.
			var places []conflict.PlaceID
			if len(f.ResolvedPlaces) > 0 {
				places = append(places, f.ResolvedPlaces[0].ID)
			}
			actorNames, placeNames, err := s.db.NamesAt(ctx, p.At, []conflict.ActorID{f.ResolvedForce.ID}, places)
			if err != nil {
				return err
			}
			force = cmp.Or(actorNames[f.ResolvedForce.ID], force)
			if len(places) > 0 {
				place = cmp.Or(placeNames[places[0]], place)
			}
		}
		title = "Estimates of " + force
		if place != "" {
			title += " in " + place
		}
	}
	v := embed.EstimatesView{Base: s.embedBase(c, title, withQuery("/estimates", estimateValues(f).Encode()), o),
		NewestFirst: o.Order == "newest"}
	if f.Unknown() {
		// A name nobody has today may be given to someone tomorrow: the
		// answer is not fixed, pinned or not, and gets the short caching.
		c.Response().Header().Del("Cache-Control")
		c.Response().Header().Del("ETag")
		v.Empty = "Nothing to show: " + strings.TrimSpace(f.Errors["force"]+" "+f.Errors["place"])
		return s.render(c, http.StatusOK, embed.Estimates(v))
	}
	filter := f.Filter
	filter.NewestFirst = true
	filter.Limit = o.Limit
	xs, err := s.db.FindEstimates(ctx, filter)
	if err != nil {
		return err
	}
	if pin {
		today := xs
		if xs, err = s.db.FindEstimatesAt(ctx, filter, p.At); err != nil {
			return s.embedProblem(c, o, err)
		}
		todayURL := withQuery("/embed/estimates", withoutAsof(q).Encode())
		if v.Pin, err = s.pinNotice(c, p, todayURL, estimateEntries(xs), estimateEntries(today)); err != nil {
			return err
		}
	}
	// The chart scales to the frame's width: a compact embed, meant for a
	// narrow column, draws on a smaller view box so its text stays legible,
	// and a frame under 640 px shows the figure drawn for phones.
	w, h := 640, 340
	if o.Compact {
		w, h = 440, 300
	}
	claims, err := s.chartClaims(ctx, xs)
	if err != nil {
		return err
	}
	v.Chart = chart.NewClaims(claims, chart.Options{ID: "embed-chart", Width: w, Height: h,
		Force: f.Filter.Force, From: f.Filter.From, To: f.Filter.To,
		EstimateURL: components.EstimatePath, LinkTarget: "_blank"})
	if !o.Compact {
		if o.Order != "newest" {
			slices.Reverse(xs)
		}
		v.Estimates = xs
	}
	return s.render(c, http.StatusOK, embed.Estimates(v))
}

// estimateValues is the explorer's filter as typed, as query values.
func estimateValues(f form.EstimateFilter) url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"force": f.Force, "place": f.Place, "claimant": f.Claimant, "claimant_type": f.ClaimantType, "from": f.From, "to": f.To} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// embedEvent is /embed/events/{id}: one published event as a card, what an
// oEmbed consumer gets for an event's address. With asof= it is the event
// as published at that moment.
func (s *Server) embedEvent(c echo.Context) error {
	q := c.QueryParams()
	o := parseEmbedOptions(q, "", "oldest")
	p, pin, done, err := s.readPin(c, o)
	if done {
		return err
	}
	id, _, err := parseIDSlug(c.Param("id"))
	if err != nil {
		return s.embedProblem(c, o, err)
	}
	var e conflict.Event
	if pin {
		e, err = s.db.EventAt(c.Request().Context(), id, p.At)
		if conflict.ErrorCode(err) == conflict.NotFound {
			err = conflict.Errorf(conflict.NotFound, "This event was not yet published on %s.", p.words())
		}
	} else {
		e, err = s.publicEvent(c, id)
	}
	if err != nil {
		return s.embedProblem(c, o, err)
	}
	v := embed.EventView{Base: s.embedBase(c, e.Title, components.EventPath(e.ID, e.Slug), o), Event: e,
		Citations: len(e.Citations), Excerpt: markdown.Excerpt(e.Body, 400)}
	if pin {
		var today []components.Entry
		if now, err := s.publicEvent(c, id); err == nil && now.Status == conflict.Published {
			today = []components.Entry{{Event: &now}}
		}
		todayURL := withQuery(fmt.Sprintf("/embed/events/%d", e.ID), withoutAsof(q).Encode())
		if v.Pin, err = s.pinNotice(c, p, todayURL, []components.Entry{{Event: &e}}, today); err != nil {
			return err
		}
	}
	return s.render(c, http.StatusOK, embed.Event(v))
}

// embedScript is /embed.js, the loader embedders paste. Its address cannot
// carry a content hash, since it is pasted into other sites, so it is
// cached briefly and revalidated by its ETag.
func (s *Server) embedScript(c echo.Context) error {
	hashed := strings.TrimPrefix(s.cfg.Assets.URL("js/embed.js"), static.Prefix)
	body, _, ok := s.cfg.Assets.Open(hashed)
	if !ok {
		return echo.ErrNotFound
	}
	h := c.Response().Header()
	etag := `"` + hashed + `"`
	h.Set("Cache-Control", "public, max-age=600, stale-while-revalidate=86400")
	h.Set("ETag", etag)
	// Any page may load the script, including with crossorigin and
	// Subresource Integrity, or under Cross-Origin-Embedder-Policy.
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	if etagMatch(c.Request().Header.Get("If-None-Match"), etag) {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, "text/javascript; charset=utf-8", body)
}

// narrowToPage bounds f's dates by the page's first and last events on
// each side where more pages follow, so that the estimates to interleave
// are looked up near the page rather than from the start of the record:
// on a large record that is most of an embed's cost. The bounds only ever
// narrow; interleaveEstimates still keeps exactly the estimates within the
// page's span.
func narrowToPage(f conflict.EventFilter, page conflict.EventPage) conflict.EventFilter {
	if len(page.Events) == 0 {
		return f
	}
	first, last := page.Events[0].Date, page.Events[len(page.Events)-1].Date
	// The page's earliest and latest dates, and whether more events lie
	// before the one and after the other.
	early, late, moreEarly, moreLate := first, last, page.Prev != "", page.Next != ""
	if f.NewestFirst {
		early, late, moreEarly, moreLate = last, first, page.Next != "", page.Prev != ""
	}
	if moreEarly && (f.From.IsZero() || early.LowerKey() > f.From.LowerKey()) {
		f.From = early
	}
	// The span ends where the late event starts: an event known only to
	// the year ends the span on the 1st of January, not the 31st of
	// December.
	if end, err := edtf.Parse(late.LowerKey()); moreLate && err == nil && (f.To.IsZero() || end.UpperKey() < f.To.UpperKey()) {
		f.To = end
	}
	return f
}
