package server

import (
	"context"
	"html"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/form"
	"github.com/sitrep/sitrep/web/components"
)

// embedPanelPrefix prefixes the panel's own fields in a page's query, so
// they never mix with the page's filters.
const embedPanelPrefix = "embed_"

// The height a pasted iframe starts at; the script variant resizes it.
const snippetHeight = 600

// timelineEmbedPanel builds a timeline page's Embed panel: the page's
// filters carry into the embed, and the options come from embed_* values.
func (s *Server) timelineEmbedPanel(c echo.Context, t conflict.Timeline, f form.EventFilter) *components.EmbedPanelView {
	q := c.QueryParams()
	filter := f.Values()
	o := parseEmbedOptions(q, embedPanelPrefix, f.Order)
	filter.Del("order")
	filter.Del("asof")
	base := withQuery("/embed/timelines/"+url.PathEscape(t.Slug), filter.Encode())
	// The script snippet carries one value per filter, as data attributes;
	// the page's form has one field per filter, so nothing is lost.
	open := `<div data-sitrep-timeline="` + html.EscapeString(t.Slug) + `"`
	for _, k := range timelineEmbedKeys {
		if v := filter.Get(k); v != "" {
			open += ` data-` + k + `="` + html.EscapeString(v) + `"`
		}
	}
	fullPage := s.absURL(c, withQuery(components.TimelinePath(t.Slug), f.Values().Encode()))
	v := s.embedPanel(c, o, base, open, fullPage, t.Title+" — timeline on "+s.settings(c.Request().Context()).Name, f.Values())
	v.Action = components.TimelinePath(t.Slug)
	v.What = "timeline"
	v.LimitLabel = "Entries shown"
	return v
}

// estimatesEmbedPanel builds the explorer's Embed panel for the chosen
// force, place, claimant and dates.
func (s *Server) estimatesEmbedPanel(c echo.Context, f form.EstimateFilter, title string) *components.EmbedPanelView {
	filter := estimateValues(f)
	o := parseEmbedOptions(c.QueryParams(), embedPanelPrefix, "oldest")
	base := withQuery("/embed/estimates", filter.Encode())
	open := `<div data-sitrep-estimates="` + html.EscapeString(filter.Encode()) + `"`
	fullPage := s.absURL(c, withQuery("/estimates", filter.Encode()))
	v := s.embedPanel(c, o, base, open, fullPage, title+" — chart on "+s.settings(c.Request().Context()).Name, filter)
	v.Action = "/estimates"
	v.What = "chart"
	v.LimitLabel = "Estimates charted"
	return v
}

// embedPanel fills in what both panels share. The snippets are built here
// and, the same way, by embed-panel.js as the options change; the browser
// tests check that the two agree.
func (s *Server) embedPanel(c echo.Context, o embedOptions, base, open, fullPage, title string, keep url.Values) *components.EmbedPanelView {
	// "Pin to today's version" pins to the newest revision's moment: the
	// record exactly as this page shows it, and a moment no later write
	// can change, so the embed is cacheable for good at once.
	pin := ""
	if newest, err := s.newestRevision(c.Request().Context()); err == nil && !newest.IsZero() {
		pin = newest.UTC().Format(time.RFC3339Nano)
	}
	pinAsked := pinChecked(c.QueryParams())
	if pinAsked {
		o.Asof = pin
	}
	absBase := s.absURL(c, base)
	embedURL := absBase
	if q := o.query(); q != "" {
		sep := "?"
		if strings.Contains(absBase, "?") {
			sep = "&"
		}
		embedURL += sep + q
	}
	closing := `><a href="` + html.EscapeString(fullPage) + `">` + html.EscapeString(title) + `</a></div>` + "\n" +
		`<script async src="` + html.EscapeString(s.absURL(c, "/embed.js")) + `"></script>`
	attrs := ""
	for _, p := range o.pairs() {
		attrs += ` data-` + p[0] + `="` + html.EscapeString(p[1]) + `"`
	}
	v := &components.EmbedPanelView{
		Open:          panelAsked(c.QueryParams()),
		Theme:         o.Theme,
		Limit:         o.Limit,
		Order:         o.Order,
		Compact:       o.Compact,
		Base:          absBase,
		EmbedURL:      embedURL,
		Title:         title,
		ScriptOpen:    open,
		ScriptClose:   closing,
		IframeSnippet: iframeSnippet(embedURL, title, "100%", snippetHeight),
		ScriptSnippet: open + attrs + closing,
		Script:        s.cfg.Assets.URL("js/embed-panel.js"),
		Pin:           pinAsked && pin != "",
		PinAsof:       pin,
		PageURL:       fullPage,
		OEmbedBase:    s.absURL(c, "/oembed?format=json&url="),
	}
	if pin != "" {
		p, _, _ := parseAsof(pin)
		v.PinWhen = p.words()
	}
	v.OEmbedURL = v.OEmbedBase + url.QueryEscape(withAsof(fullPage, o.Asof))
	for _, k := range slices.Sorted(maps.Keys(keep)) {
		for _, val := range keep[k] {
			v.Keep = append(v.Keep, components.Param{Name: k, Value: val})
		}
	}
	return v
}

// pinChecked reports whether the panel's "pin to today's version" is on.
func pinChecked(q url.Values) bool {
	switch q.Get(embedPanelPrefix + "pin") {
	case "1", "true", "on", "yes":
		return true
	}
	return false
}

// withAsof adds a moment to an absolute address, when there is one.
func withAsof(addr, asof string) string {
	if asof == "" {
		return addr
	}
	sep := "?"
	if strings.Contains(addr, "?") {
		sep = "&"
	}
	return addr + sep + "asof=" + url.QueryEscape(asof)
}

// panelAsked reports whether the panel's form was submitted, so the page
// shows the panel open.
func panelAsked(q url.Values) bool {
	for k := range q {
		if strings.HasPrefix(k, embedPanelPrefix) {
			return true
		}
	}
	return false
}

// newestRevision is when the newest revision was written, kept per data
// version: every page with an Embed panel asks, and a new revision is a
// new version.
func (s *Server) newestRevision(ctx context.Context) (time.Time, error) {
	version, err := s.db.LastChange(ctx)
	if err != nil {
		return time.Time{}, err
	}
	return s.newest.Get(version, struct{}{}, 1, nil, func() (time.Time, error) {
		_, newest, err := s.db.RevisionSpan(ctx)
		return newest, err
	})
}
