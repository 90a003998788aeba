package server_test

import (
	"encoding/xml"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/app"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/demo"
	"github.com/sitrep/sitrep/internal/edtf"
)

// atomDoc is an Atom feed as a feed reader parses it: every element in
// the Atom namespace, so a feed in another namespace reads as empty.
type atomDoc struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"http://www.w3.org/2005/Atom id"`
	Title   string   `xml:"http://www.w3.org/2005/Atom title"`
	Updated string   `xml:"http://www.w3.org/2005/Atom updated"`
	Author  struct {
		Name string `xml:"http://www.w3.org/2005/Atom name"`
	} `xml:"http://www.w3.org/2005/Atom author"`
	Links   []atomDocLink `xml:"http://www.w3.org/2005/Atom link"`
	Entries []struct {
		ID       string        `xml:"http://www.w3.org/2005/Atom id"`
		Title    string        `xml:"http://www.w3.org/2005/Atom title"`
		Updated  string        `xml:"http://www.w3.org/2005/Atom updated"`
		Links    []atomDocLink `xml:"http://www.w3.org/2005/Atom link"`
		Summary  string        `xml:"http://www.w3.org/2005/Atom summary"`
		Content  string        `xml:"http://www.w3.org/2005/Atom content"`
		Category []struct {
			Term string `xml:"term,attr"`
		} `xml:"http://www.w3.org/2005/Atom category"`
	} `xml:"http://www.w3.org/2005/Atom entry"`
}

type atomDocLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
	Href string `xml:"href,attr"`
}

// getFeed fetches a feed and checks what RFC 4287 requires of it: the
// feed's id, title, updated and author; each entry's id, title, updated
// and link; absolute ids; every date in RFC 3339.
func getFeed(t *testing.T, h http.Handler, target string) atomDoc {
	t.Helper()
	rec := do(t, h, http.MethodGet, target)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s = %d\n%s", target, rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/atom+xml") {
		t.Errorf("GET %s: Content-Type %q, want application/atom+xml", target, ct)
	}
	var f atomDoc
	if err := xml.Unmarshal(rec.Body.Bytes(), &f); err != nil {
		t.Fatalf("GET %s: not XML: %v\n%s", target, err, rec.Body)
	}
	rfc3339 := func(what, s string) {
		t.Helper()
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			t.Errorf("GET %s: %s %q is not RFC 3339", target, what, s)
		}
	}
	absolute := func(what, s string) {
		t.Helper()
		if u, err := url.Parse(s); err != nil || u.Scheme == "" {
			t.Errorf("GET %s: %s %q is not an absolute IRI", target, what, s)
		}
	}
	if f.Title == "" || f.Author.Name == "" {
		t.Errorf("GET %s: feed title %q, author %q; want both", target, f.Title, f.Author.Name)
	}
	absolute("feed id", f.ID)
	rfc3339("feed updated", f.Updated)
	var self bool
	for _, l := range f.Links {
		self = self || (l.Rel == "self" && l.Href != "")
	}
	if !self {
		t.Errorf("GET %s: no rel=self link", target)
	}
	ids := map[string]bool{}
	for _, e := range f.Entries {
		absolute("entry id", e.ID)
		if ids[e.ID] {
			t.Errorf("GET %s: entry id %s twice", target, e.ID)
		}
		ids[e.ID] = true
		rfc3339("entry updated", e.Updated)
		if e.Title == "" || len(e.Links) == 0 || e.Links[0].Href == "" {
			t.Errorf("GET %s: entry %s lacks a title or link", target, e.ID)
		}
		if e.Updated > f.Updated {
			t.Errorf("GET %s: entry updated %s after the feed's %s", target, e.Updated, f.Updated)
		}
	}
	return f
}

// feedWorld is the demo, named, with a reviewer.
func feedWorld(t *testing.T) (*app.App, http.Handler, conflict.Change) {
	t.Helper()
	a := newApp(t)
	admin := addAccount(t, a, "admin@example.org", conflict.RoleAdmin)
	st := conflict.Settings{Name: "Mosul Monitor", Description: "Who fought where, sourced."}
	if err := a.DB.SaveSettings(t.Context(), &st, admin.ID); err != nil {
		t.Fatal(err)
	}
	rev := addAccount(t, a, "rev@example.org", conflict.RoleReviewer)
	return a, a.Handler(), conflict.Change{Author: &rev.ID, AuthorName: rev.Name, Role: rev.Role, Summary: "Reviewed"}
}

// TestFeedsAreAtom reads every kind of feed as a feed reader would.
func TestFeedsAreAtom(t *testing.T) {
	_, h, _ := feedWorld(t)
	for _, target := range []string{"/feeds/events", "/feeds/events?actor=ISIS&from=2016", "/feeds/timelines/" + demo.TimelineSlug,
		"/feeds/estimates", "/feeds/estimates?force=ISIS&place=Mosul", "/feeds/estimates?force=Nobody+at+all"} {
		f := getFeed(t, h, target)
		if !strings.HasSuffix(f.Title, "· Mosul Monitor") || f.Author.Name != "Mosul Monitor" {
			t.Errorf("GET %s: title %q, author %q; want the site's name", target, f.Title, f.Author.Name)
		}
	}
	f := getFeed(t, h, "/feeds/events")
	if len(f.Entries) != 3 || f.ID != "http://example.com/events" {
		t.Errorf("the events feed: id %s, %d entries; want the events page's address and the demo's 3", f.ID, len(f.Entries))
	}
	if e := f.Entries[0]; !strings.HasPrefix(e.ID, "http://example.com/events/") || !strings.HasPrefix(e.Links[0].Href, "http://example.com/events/") {
		t.Errorf("entry id %s, link %s; want the event's addresses", e.ID, e.Links[0].Href)
	}
	if f := getFeed(t, h, "/feeds/estimates?force=ISIS"); len(f.Entries) != 2 || !strings.Contains(f.Entries[0].Title, "Islamic State") {
		t.Errorf("the estimates feed of ISIS: %d entries %+v; want the demo's two", len(f.Entries), f.Entries)
	}
	if f := getFeed(t, h, "/feeds/estimates?force=Nobody+at+all"); len(f.Entries) != 0 {
		t.Errorf("a force nobody is: %d entries, want none", len(f.Entries))
	}
	if rec := do(t, h, http.MethodGet, "/feeds/timelines/no-such-timeline"); rec.Code != http.StatusNotFound {
		t.Errorf("the feed of no timeline = %d, want 404", rec.Code)
	}
}

// alternateFeed is the feed a page's head links to.
var alternateFeed = regexp.MustCompile(`<link rel="alternate" type="application/atom\+xml" href="([^"]+)" title="([^"]+)"`)

// TestFeedsAreLinkedWithTheirPagesFilter: every list's head links the
// feed of the same filter, and that feed holds the events the filter
// matches, newest first, as the API lists them.
func TestFeedsAreLinkedWithTheirPagesFilter(t *testing.T) {
	_, h, _ := feedWorld(t)
	for _, tc := range []struct{ page, feed, api string }{
		{"/events?actor=ISIS&order=newest&from=2016", "http://example.com/feeds/events?actor=ISIS&from=2016", "/api/v1/events?actor=ISIS&from=2016&order=newest"},
		{"/events", "http://example.com/feeds/events", "/api/v1/events?order=newest"},
		{"/timelines/" + demo.TimelineSlug + "?tag=training", "http://example.com/feeds/timelines/" + demo.TimelineSlug + "?tag=training",
			"/api/v1/timelines/" + demo.TimelineSlug + "/events?tag=training&order=newest"},
		{"/actors/islamic-state", "http://example.com/feeds/events?actor=islamic-state", "/api/v1/events?actor=islamic-state&order=newest"},
		{"/places/mosul", "http://example.com/feeds/events?place=mosul", "/api/v1/events?place=mosul&order=newest"},
		{"/estimates?force=ISIS", "http://example.com/feeds/estimates?force=ISIS", "/api/v1/estimates?force=ISIS"},
	} {
		body := get(t, h, tc.page, http.StatusOK)
		m := alternateFeed.FindStringSubmatch(body)
		if m == nil {
			t.Errorf("GET %s links no Atom feed", tc.page)
			continue
		}
		if href := html.UnescapeString(m[1]); href != tc.feed {
			t.Errorf("GET %s links the feed %s, want %s", tc.page, href, tc.feed)
			continue
		}
		u, _ := url.Parse(html.UnescapeString(m[1]))
		f := getFeed(t, h, u.RequestURI())
		var list struct {
			Data []struct {
				ID int64 `json:"id"`
			} `json:"data"`
		}
		getJSON(t, h, tc.api, http.StatusOK, &list)
		var got, want []string
		for _, e := range f.Entries {
			got = append(got, e.ID[strings.LastIndex(e.ID, "/")+1:])
		}
		for _, r := range list.Data {
			want = append(want, fmt.Sprint(r.ID))
		}
		if strings.HasPrefix(tc.api, "/api/v1/estimates") {
			// The explorer's table is oldest first; its feed newest first.
			for i, j := 0, len(want)-1; i < j; i, j = i+1, j-1 {
				want[i], want[j] = want[j], want[i]
			}
		}
		if len(want) == 0 || strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s holds %v; the page's filter lists %v", u.RequestURI(), got, want)
		}
	}
}

// TestFeedRevalidates: a feed has an ETag, and asking again with it gets
// 304 until something is published.
func TestFeedRevalidates(t *testing.T) {
	a, h, rev := feedWorld(t)
	first := do(t, h, http.MethodGet, "/feeds/events?actor=ISIS")
	etag := first.Header().Get("ETag")
	if first.Code != http.StatusOK || etag == "" || first.Header().Get("Cache-Control") == "" {
		t.Fatalf("GET feed = %d, ETag %q, Cache-Control %q", first.Code, etag, first.Header().Get("Cache-Control"))
	}
	if rec := do(t, h, http.MethodGet, "/feeds/events?actor=ISIS", "If-None-Match", etag); rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
		t.Errorf("GET feed with its ETag = %d with %d bytes, want 304 and no body", rec.Code, rec.Body.Len())
	}
	if rec := do(t, h, http.MethodGet, "/feeds/events?actor=Badr", "If-None-Match", etag); rec.Code != http.StatusOK {
		t.Errorf("another filter's feed with this ETag = %d, want 200", rec.Code)
	}
	retract(t, a, rev, 0)
	if rec := do(t, h, http.MethodGet, "/feeds/events?actor=ISIS", "If-None-Match", etag); rec.Code != http.StatusOK {
		t.Errorf("GET feed with its old ETag after a retraction = %d, want 200", rec.Code)
	}
}

// retract retracts the demo's i-th event and returns it as it was.
func retract(t *testing.T, a *app.App, rev conflict.Change, i int) conflict.Event {
	t.Helper()
	page, err := a.DB.FindEvents(t.Context(), conflict.EventFilter{Limit: 10})
	if err != nil || len(page.Events) <= i {
		t.Fatalf("demo events: %v", err)
	}
	e := page.Events[i]
	if _, err := a.DB.SetEventStatus(t.Context(), e.ID, conflict.ActionRetract, "Two reports of one event.", e.Version, conflict.RoleReviewer, rev); err != nil {
		t.Fatal(err)
	}
	return e
}

// TestFeedShowsARetractionAsAnUpdate: a retracted event stays in its
// feed, updated, titled and summarised as retracted, with the reason.
func TestFeedShowsARetractionAsAnUpdate(t *testing.T) {
	a, h, rev := feedWorld(t)
	// The retraction comes a day after the demo was written.
	later := time.Now().Add(24 * time.Hour).UTC().Truncate(time.Second)
	a.DB.SetClock(func() time.Time { return later })
	e := retract(t, a, rev, 1)
	f := getFeed(t, h, "/feeds/events")
	if len(f.Entries) != 3 {
		t.Fatalf("the feed after a retraction has %d entries, want the demo's 3, the retracted one kept", len(f.Entries))
	}
	var found bool
	for _, x := range f.Entries {
		if x.ID != fmt.Sprintf("http://example.com/events/%d", e.ID) {
			continue
		}
		found = true
		if x.Title != "Retracted: "+e.Title {
			t.Errorf("the retracted event's entry is titled %q", x.Title)
		}
		if !strings.Contains(x.Summary, "Retracted") || !strings.Contains(x.Summary, "Two reports of one event.") ||
			!strings.Contains(x.Content, "Two reports of one event.") {
			t.Errorf("the retracted event's entry does not say why: summary %q, content %q", x.Summary, x.Content)
		}
		if x.Updated != later.Format(time.RFC3339) || f.Updated != x.Updated {
			t.Errorf("the retracted event's entry was updated %s, the feed %s; want both at the retraction, %s", x.Updated, f.Updated, later.Format(time.RFC3339))
		}
	}
	if !found {
		t.Errorf("the retracted event left the feed")
	}
	// The timeline hides retracted events from its page unless asked; its
	// feed tells subscribers.
	if f := getFeed(t, h, "/feeds/timelines/"+demo.TimelineSlug); !strings.Contains(fmt.Sprint(f.Entries), "Retracted: "+e.Title) {
		t.Errorf("the timeline's feed does not carry the retraction")
	}
}

// TestFeedNeverShowsADraft, and writes Markdown's links into the site as
// absolute addresses.
func TestFeedNeverShowsADraft(t *testing.T) {
	a, h, rev := feedWorld(t)
	ctx := t.Context()
	ed := addAccount(t, a, "ed@example.org", conflict.RoleEditor)
	ch := conflict.Change{Author: &ed.ID, AuthorName: ed.Name, Role: ed.Role}
	src := conflict.Source{URL: "https://news.example.org/a", Publisher: "Example News", Title: "A report"}
	newEvent := func(title, body string) conflict.Event {
		e := conflict.Event{Title: title, Date: edtf.MustParse("2016-10-01"), Body: body, Tags: []string{"fennel"},
			Citations: []conflict.Citation{{Source: src, Quote: "Quoted."}}}
		if err := a.DB.CreateEvent(ctx, &e, ch); err != nil {
			t.Fatal(err)
		}
		return e
	}
	draft := newEvent("Tarnwick draft", "Never published.")
	public := newEvent("Published with a link", "See [the timeline](/timelines/"+demo.TimelineSlug+") and [elsewhere](https://other.example/x).")
	public, err := a.DB.SetEventStatus(ctx, public.ID, conflict.ActionSubmit, "", public.Version, conflict.RoleEditor, ch)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.DB.SetEventStatus(ctx, public.ID, conflict.ActionPublish, "", public.Version, conflict.RoleReviewer, rev); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"/feeds/events", "/feeds/events?tag=fennel", "/feeds/events?q=Tarnwick"} {
		rec := do(t, h, http.MethodGet, target)
		// The title may repeat what the reader typed; no entry may show.
		if strings.Contains(rec.Body.String(), "Never published") || strings.Contains(rec.Body.String(), fmt.Sprintf("/events/%d<", draft.ID)) {
			t.Errorf("GET %s shows the draft", target)
		}
	}
	f := getFeed(t, h, "/feeds/events?tag=fennel")
	if len(f.Entries) != 1 || f.Entries[0].Title != "Published with a link" {
		t.Fatalf("the tag's feed = %+v, want the published event alone", f.Entries)
	}
	content := f.Entries[0].Content
	for _, want := range []string{`href="http://example.com/timelines/` + demo.TimelineSlug + `"`, `href="https://other.example/x"`} {
		if !strings.Contains(content, want) {
			t.Errorf("the entry's content lacks %s:\n%s", want, content)
		}
	}
	if strings.Contains(content, "<script") || len(f.Entries[0].Category) != 1 || f.Entries[0].Category[0].Term != "fennel" {
		t.Errorf("entry content %q, categories %+v", content, f.Entries[0].Category)
	}
}
