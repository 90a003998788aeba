package server

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

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
// timeline, with the full page's filters and the embed options.
func (s *Server) embedTimeline(c echo.Context) error {
	ctx := c.Request().Context()
	t, err := s.db.FindTimelineBySlug(ctx, c.Param("slug"))
	if err != nil {
		return err
	}
	if !t.Status.Public() {
		return conflict.Errorf(conflict.NotFound, "No such timeline.")
	}
	q := c.QueryParams()
	f, err := form.ParseEventFilter(ctx, q, s.db)
	if err != nil {
		return err
	}
	o := parseEmbedOptions(q, "", f.Order)
	f.Order = o.Order
	filter := f.Filter
	filter.Timeline = &t
	filter.NewestFirst = o.Order == "newest"
	filter.Limit = o.Limit
	// An embed shows the start of its list; the rest is on the full page.
	filter.After, filter.Before = "", ""
	page, err := s.db.FindEvents(ctx, filter)
	if err != nil {
		return err
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
	if t.WithEstimates {
		if entries, err = s.interleaveEstimates(ctx, entries, narrowToPage(filter, page), page); err != nil {
			return err
		}
	}
	path := components.TimelinePath(t.Slug)
	full := withQuery(path, f.Values().Encode())
	v := embed.TimelineView{Base: s.embedBase(c, t.Title, full, o), Entries: entries}
	switch {
	case len(entries) > o.Limit:
		// Estimates interleaved among the events count towards the
		// limit; the rest is on the full timeline.
		v.Entries = entries[:o.Limit]
		v.MoreURL = s.absURL(c, full)
	case page.Next != "":
		v.MoreURL = s.absURL(c, path+"?"+f.Values("after", page.Next).Encode())
	}
	return s.render(c, http.StatusOK, embed.Timeline(v))
}

// embedEstimates is /embed/estimates: the explorer's chart for a force and
// place (actor= is taken for force=), and the table unless compact. The
// limit keeps the most recent estimates.
func (s *Server) embedEstimates(c echo.Context) error {
	ctx := c.Request().Context()
	q := c.QueryParams()
	f, err := form.ParseEstimateFilter(ctx, q, s.db)
	if err != nil {
		return err
	}
	o := parseEmbedOptions(q, "", "oldest")
	title := "Estimates"
	if f.ResolvedForce != nil {
		title = "Estimates of " + f.ResolvedForce.Name
		if len(f.ResolvedPlaces) > 0 {
			title += " in " + f.ResolvedPlaces[0].Name
		}
	}
	v := embed.EstimatesView{Base: s.embedBase(c, title, withQuery("/estimates", estimateValues(f).Encode()), o),
		NewestFirst: o.Order == "newest"}
	if f.Unknown() {
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
	// The chart scales to the frame's width: a compact embed, meant for a
	// narrow column, draws on a smaller view box so its text stays legible.
	w, h := 640, 340
	if o.Compact {
		w, h = 440, 300
	}
	v.Chart = chart.New(xs, chart.Options{ID: "embed-chart", Width: w, Height: h,
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
	for k, s := range map[string]string{"force": f.Force, "place": f.Place, "claimant": f.Claimant, "from": f.From, "to": f.To} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// embedEvent is /embed/events/{id}: one published event as a card, what an
// oEmbed consumer gets for an event's address.
func (s *Server) embedEvent(c echo.Context) error {
	id, _, err := parseIDSlug(c.Param("id"))
	if err != nil {
		return err
	}
	e, err := s.publicEvent(c, id)
	if err != nil {
		return err
	}
	o := parseEmbedOptions(c.QueryParams(), "", "oldest")
	v := embed.EventView{Base: s.embedBase(c, e.Title, components.EventPath(e.ID, e.Slug), o), Event: e,
		Citations: len(e.Citations), Excerpt: markdown.Excerpt(e.Body, 400)}
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
