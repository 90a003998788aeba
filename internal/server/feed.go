package server

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/form"
	"github.com/sitrep/sitrep/internal/markdown"
	"github.com/sitrep/sitrep/web/components"
	"github.com/sitrep/sitrep/web/layout"
)

// Atom feeds (RFC 4287). The feed of a list is the list's address under
// /feeds, with the same query: /events?actor=ISIS has its feed at
// /feeds/events?actor=ISIS, /timelines/mosul-2016 at
// /feeds/timelines/mosul-2016, /estimates?force=ISIS at
// /feeds/estimates?force=ISIS. The filter is read by the same code as the
// page's and the records come from the same queries, newest first. A
// retracted record stays in its feed, updated, saying it was retracted and
// why, so that a subscriber hears of it; drafts never reach a feed. Feeds
// are public GETs like the pages, so conditionalGet and the response cache
// give them ETags and answer If-None-Match with 304.

// feedSize is how many entries a feed holds.
const feedSize = 50

const (
	atomNS          = "http://www.w3.org/2005/Atom"
	atomContentType = "application/atom+xml; charset=utf-8"
	feedsPrefix     = "/feeds"
)

// atomFeed is an Atom feed document.
type atomFeed struct {
	XMLName  xml.Name    `xml:"feed"`
	NS       string      `xml:"xmlns,attr"`
	ID       string      `xml:"id"`
	Title    string      `xml:"title"`
	Subtitle string      `xml:"subtitle,omitempty"`
	Updated  string      `xml:"updated"`
	Links    []atomLink  `xml:"link"`
	Author   atomPerson  `xml:"author"`
	Entries  []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      string         `xml:"title"`
	Updated    string         `xml:"updated"`
	Link       atomLink       `xml:"link"`
	Categories []atomCategory `xml:"category"`
	Summary    string         `xml:"summary,omitempty"`
	Content    atomContent    `xml:"content"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomContent struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

// atomTime writes a time as RFC 3339 in UTC, as Atom requires.
func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// feedStatuses are what a feed lists: the published records and the
// retracted ones, which a subscriber must hear of.
var feedStatuses = []conflict.Status{conflict.Published, conflict.Retracted}

// feedAlternate is the <link rel="alternate"> by which readers and feed
// readers find a page's feed.
func (s *Server) feedAlternate(c echo.Context, path string, q url.Values, title string) layout.Alternate {
	return layout.Alternate{Type: "application/atom+xml", Href: s.absURL(c, feedURL(path, q)), Title: title}
}

// feedURL is the feed of the list at path with the query q, without the
// paging and order, which a feed does not take.
func feedURL(path string, q url.Values) string {
	v := url.Values{}
	for k, vs := range q {
		switch k {
		case "after", "before", "order":
			continue
		}
		v[k] = vs
	}
	u := feedsPrefix + path
	if len(v) > 0 {
		u += "?" + v.Encode()
	}
	return u
}

// eventsFeed is /feeds/events: the events page's feed.
func (s *Server) eventsFeed(c echo.Context) error {
	return s.eventFeed(c, "/events", "Events", nil)
}

// timelineFeed is /feeds/timelines/:slug: a published timeline's events.
func (s *Server) timelineFeed(c echo.Context) error {
	t, err := s.db.FindTimelineBySlug(c.Request().Context(), c.Param("slug"))
	if err != nil {
		return err
	}
	if !t.Status.Public() {
		// A feed is for readers, whoever asks.
		return conflict.Errorf(conflict.NotFound, "No such timeline.")
	}
	return s.eventFeed(c, components.TimelinePath(t.Slug), t.Title, &t)
}

// eventFeed writes the feed of the events the query's filter matches,
// within timeline t when it is not nil.
func (s *Server) eventFeed(c echo.Context, page, heading string, t *conflict.Timeline) error {
	ctx := c.Request().Context()
	f, err := form.ParseEventFilter(ctx, c.QueryParams(), s.db)
	if err != nil {
		return err
	}
	filter := f.Filter
	filter.Timeline, filter.Limit, filter.NewestFirst = t, feedSize, true
	filter.After, filter.Before = "", ""
	filter.Statuses = feedStatuses
	events, err := s.db.ListEvents(ctx, filter)
	if err != nil {
		return err
	}
	q := f.Values()
	feed := s.newFeed(c, page, q, heading+eventFilterWords(f))
	if t != nil {
		feed.Subtitle = markdown.Excerpt(t.Description, 300)
		// An edit of the timeline's own filter changes the list too.
		feed.touch(t.UpdatedAt)
	}
	base := s.absURL(c, "")
	for _, e := range events.Events {
		entry := atomEntry{
			ID:      s.feedID(c, fmt.Sprintf("/events/%d", e.ID)),
			Title:   e.Title,
			Updated: atomTime(e.UpdatedAt),
			Link:    atomLink{Rel: "alternate", Type: "text/html", Href: s.absURL(c, components.EventPath(e.ID, e.Slug))},
		}
		for _, tag := range e.Tags {
			entry.Categories = append(entry.Categories, atomCategory{Term: tag})
		}
		facts := e.Date.Display()
		if e.Place != nil {
			facts += " · " + e.Place.Name
		}
		var body strings.Builder
		if e.Status == conflict.Retracted {
			entry.Title = "Retracted: " + e.Title
			entry.Summary = retractedSummary("event", e.StatusNote) + " " + facts
			body.WriteString(retractedHTML("event", e.StatusNote))
		} else {
			entry.Summary = facts
		}
		body.WriteString("<p>" + html.EscapeString(facts) + "</p>\n")
		body.WriteString(string(s.md.RenderAbsolute(e.Body, base)))
		entry.Content = atomContent{Type: "html", Body: body.String()}
		feed.add(entry, e.UpdatedAt)
	}
	return writeFeed(c, feed)
}

// estimatesFeed is /feeds/estimates: the explorer's feed.
func (s *Server) estimatesFeed(c echo.Context) error {
	ctx := c.Request().Context()
	f, err := form.ParseEstimateFilter(ctx, c.QueryParams(), s.db)
	if err != nil {
		return err
	}
	heading := "Estimates"
	if f.ResolvedForce != nil {
		heading = "Estimates of " + f.ResolvedForce.Name
	}
	feed := s.newFeed(c, "/estimates", f.Values(), heading+estimateFilterWords(f))
	if f.Unknown() {
		// A force or place that matches nothing matches no estimate: the
		// page says so, and the feed is empty.
		return writeFeed(c, feed)
	}
	filter := f.Filter
	filter.Limit, filter.NewestFirst, filter.After = feedSize, true, ""
	filter.Statuses = feedStatuses
	xs, err := s.db.FindEstimates(ctx, filter)
	if err != nil {
		return err
	}
	for _, x := range xs {
		title := x.Title() + ", as of " + x.AsOf.Display()
		facts := "Claimed by " + x.Claimant
		if x.Place != nil {
			facts = "In " + x.Place.Name + ". " + facts
		}
		entry := atomEntry{
			ID:      s.feedID(c, components.EstimatePath(x.ID)),
			Title:   title,
			Updated: atomTime(x.UpdatedAt),
			Link:    atomLink{Rel: "alternate", Type: "text/html", Href: s.absURL(c, components.EstimatePath(x.ID))},
			Summary: facts,
		}
		var body strings.Builder
		if x.Status == conflict.Retracted {
			entry.Title = "Retracted: " + title
			entry.Summary = retractedSummary("estimate", x.StatusNote) + " " + facts
			body.WriteString(retractedHTML("estimate", x.StatusNote))
		}
		body.WriteString("<p>" + html.EscapeString(facts) + "</p>\n")
		if x.Notes != "" {
			// Notes are plain text, as the estimate's page shows them.
			body.WriteString("<p>" + html.EscapeString(x.Notes) + "</p>\n")
		}
		entry.Content = atomContent{Type: "html", Body: body.String()}
		feed.add(entry, x.UpdatedAt)
	}
	return writeFeed(c, feed)
}

// newFeed starts the feed of the list at page with the filter q. Its id is
// the list's own address, which names the same filter for good.
func (s *Server) newFeed(c echo.Context, page string, q url.Values, heading string) *atomFeed {
	st := s.settings(c.Request().Context())
	name := st.Name
	if name == "" {
		name = conflict.DefaultSiteName
	}
	pageURL := page
	if enc := q.Encode(); enc != "" {
		pageURL += "?" + enc
	}
	return &atomFeed{
		NS:       atomNS,
		ID:       s.feedID(c, pageURL),
		Title:    heading + " · " + name,
		Subtitle: st.Description,
		// The Unix epoch until an entry says when the list last changed.
		Updated: atomTime(time.Unix(0, 0)),
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: s.absURL(c, feedURL(page, q))},
			{Rel: "alternate", Type: "text/html", Href: s.absURL(c, pageURL)},
		},
		Author: atomPerson{Name: st.CitedAs()},
	}
}

// add appends an entry; the feed's updated time is its newest entry's.
func (f *atomFeed) add(e atomEntry, updated time.Time) {
	f.Entries = append(f.Entries, e)
	f.touch(updated)
}

// touch moves the feed's updated time on to t, if t is later.
func (f *atomFeed) touch(t time.Time) {
	if s := atomTime(t); s > f.Updated {
		f.Updated = s
	}
}

// feedID is the permanent id of what lives at path: its absolute address.
// Without a known origin (no base URL, and a Host not on the allowed
// list), a tag URI that names no host stands in, so that the feed is
// still valid Atom.
func (s *Server) feedID(c echo.Context, path string) string {
	if u := s.absURL(c, path); strings.HasPrefix(u, "http") {
		return u
	}
	return "tag:sitrep.invalid,2016:" + path
}

// retractedSummary and retractedHTML say that a record was retracted and
// why, as its page does.
func retractedSummary(kind, note string) string {
	s := "Retracted: this " + kind + " is kept for the record but is no longer considered accurate."
	if note != "" {
		s += " Reason: " + note
	}
	return s
}

func retractedHTML(kind, note string) string {
	s := "<p><strong>Retracted.</strong> This " + kind + " is kept for the record but is no longer considered accurate.</p>\n"
	if note != "" {
		s += "<p>Reason: " + html.EscapeString(note) + "</p>\n"
	}
	return s
}

// eventFilterWords names an events filter in a feed's title: " — Islamic
// State, Mosul, #airstrike, from 2016".
func eventFilterWords(f form.EventFilter) string {
	var parts []string
	for _, a := range f.ResolvedActors {
		parts = append(parts, a.Name)
	}
	for _, p := range f.ResolvedPlaces {
		parts = append(parts, p.Name)
	}
	for _, t := range f.Filter.Tags {
		parts = append(parts, "#"+t)
	}
	if f.Query != "" {
		parts = append(parts, strconv.Quote(f.Query))
	}
	parts = append(parts, dateWords(f.Filter.From.Display(), f.Filter.To.Display(), !f.Filter.From.IsZero(), !f.Filter.To.IsZero())...)
	return filterWords(parts)
}

// estimateFilterWords names an estimates filter, the force aside (it is
// in the heading).
func estimateFilterWords(f form.EstimateFilter) string {
	var parts []string
	for _, p := range f.ResolvedPlaces {
		parts = append(parts, p.Name)
	}
	if f.Claimant != "" {
		parts = append(parts, "claimed by "+f.Claimant)
	}
	if t := f.Filter.ClaimantType; t != "" {
		parts = append(parts, "claimed by "+t.Label()+" claimants")
	}
	parts = append(parts, dateWords(f.Filter.From.Display(), f.Filter.To.Display(), !f.Filter.From.IsZero(), !f.Filter.To.IsZero())...)
	return filterWords(parts)
}

func dateWords(from, to string, hasFrom, hasTo bool) []string {
	var out []string
	if hasFrom {
		out = append(out, "from "+from)
	}
	if hasTo {
		out = append(out, "to "+to)
	}
	return out
}

func filterWords(parts []string) string {
	if len(parts) == 0 {
		return ""
	}
	return " — " + strings.Join(parts, ", ")
}

// writeFeed sends a feed, rendered first so that a failure becomes a
// clean error.
func writeFeed(c echo.Context, f *atomFeed) error {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(f); err != nil {
		return err
	}
	buf.WriteByte('\n')
	return c.Blob(http.StatusOK, atomContentType, buf.Bytes())
}
