package server_test

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// pinnedWorld is an editor world with a published timeline of every event,
// three events published through review, and a moment taken between the
// first two publications and what followed: an accepted edit of the
// first, a third event and the retraction of the second.
type pinnedWorld struct {
	*editorWorld
	slug                   string
	edited, retracted, new conflict.Event
	oldTitle, newTitle     string
	asof                   string
}

func newPinnedWorld(t *testing.T) *pinnedWorld {
	t.Helper()
	w := &pinnedWorld{editorWorld: newEditorWorld(t), slug: "battle-for-mosul",
		oldTitle: "Badr Organization fighters train in Diyala province",
		newTitle: "Badr Organization militiamen train in Diyala province"}
	tl := conflict.Timeline{Slug: w.slug, Title: "The battle for Mosul"}
	if err := w.a.DB.CreateTimeline(t.Context(), &tl, conflict.Change{AuthorName: "setup"}); err != nil {
		t.Fatalf("CreateTimeline: %v", err)
	}
	w.edited = w.publishedEvent(w.oldTitle)
	w.retracted = w.publishedEvent("Coalition airstrikes limit IS reinforcement of Mosul")

	// Revisions are stamped to the microsecond: a pause on each side
	// puts the moment strictly between the writes.
	time.Sleep(5 * time.Millisecond)
	w.asof = time.Now().UTC().Format(time.RFC3339Nano)
	time.Sleep(5 * time.Millisecond)

	// The editor retitles the first event; a reviewer accepts the edit.
	w.editTitle(w.editor, w.edited, w.edited.Version, w.newTitle)
	ids := pendingIDs(t, w.reviewer.do(http.MethodGet, "/review", nil).Body.String())
	if len(ids) != 1 {
		t.Fatalf("the queue offers %d pending edits, want 1", len(ids))
	}
	if rec := w.reviewer.post("/review/pending/"+ids[0]+"/accept", url.Values{}); rec.Code != http.StatusSeeOther {
		t.Fatalf("accept = %d\n%s", rec.Code, pageText(rec.Body.String()))
	}
	if got := w.event(w.edited.ID).Title; got != w.newTitle {
		t.Fatalf("after the accepted edit the title is %q", got)
	}
	w.new = w.publishedEvent("Many top IS officials leave Mosul for Raqqa")
	if rec := w.status(w.reviewer, w.retracted.ID, "retract", "note", "Two reports of one strike."); rec.Code != http.StatusSeeOther {
		t.Fatalf("retract = %d\n%s", rec.Code, pageText(rec.Body.String()))
	}
	return w
}

func (w *pinnedWorld) get(target string, header ...string) *http.Response {
	w.t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	w.a.Handler().ServeHTTP(rec, req)
	return rec.Result()
}

// changesSince follows a settled pinned embed's link to what has changed
// since its moment, and returns that page. The pinned page is cached for
// good, so the list, which grows with every publication, is not on it.
func (w *pinnedWorld) changesSince(body string) string {
	w.t.Helper()
	m := regexp.MustCompile(`href="([^"]*)" data-testid="embed-pin-changes-link"`).FindStringSubmatch(body)
	if m == nil {
		w.t.Fatalf("the pinned embed does not link to what changed since:\n%s", pinNotice(w.t, body))
	}
	u, err := url.Parse(html.UnescapeString(m[1]))
	if err != nil {
		w.t.Fatal(err)
	}
	res := w.get(u.RequestURI())
	if cc := res.Header.Get("Cache-Control"); res.StatusCode != http.StatusOK || strings.Contains(cc, "immutable") {
		w.t.Errorf("GET %s = %d, Cache-Control %q; want 200, not cached for good", u.RequestURI(), res.StatusCode, cc)
	}
	return readBody(w.t, res)
}

// pinNotice is the text of a pinned embed's notice.
func pinNotice(t *testing.T, body string) string {
	t.Helper()
	i := strings.Index(body, `data-testid="embed-pin"`)
	if i < 0 {
		t.Fatalf("the embed has no pin notice:\n%s", pageText(body))
	}
	rest := body[i:]
	return pageText(rest[:strings.Index(rest, "</aside>")])
}

func readBody(t *testing.T, res *http.Response) string {
	t.Helper()
	var r io.Reader = res.Body
	if res.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestPinnedTimelineEmbedShowsTheRecordAsPublishedThen(t *testing.T) {
	w := newPinnedWorld(t)
	pinned := "/embed/timelines/" + w.slug + "?asof=" + url.QueryEscape(w.asof)
	res := w.get(pinned)
	body := readBody(t, res)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d\n%s", pinned, res.StatusCode, pageText(body))
	}
	list := body[strings.Index(body, `data-testid="embed-timeline"`):]
	if !strings.Contains(list, w.oldTitle) {
		t.Errorf("the pinned list does not show the title as published then:\n%s", pageText(list))
	}
	if strings.Contains(list, w.newTitle) {
		t.Errorf("the pinned list shows the title accepted after the moment")
	}
	if strings.Contains(list, w.new.Title) {
		t.Errorf("the pinned list shows an event published after the moment")
	}
	if !strings.Contains(list, w.retracted.Title) || strings.Contains(list, "Retracted") {
		t.Errorf("the pinned list does not show the event retracted since as it was then")
	}
	when, _ := time.Parse(time.RFC3339Nano, w.asof)
	changesBody := w.changesSince(body)
	if !strings.Contains(changesBody, w.oldTitle) {
		t.Errorf("the page of changes does not show the pinned entries as they were")
	}
	notice := pinNotice(t, changesBody)
	for _, want := range []string{"As published on " + when.Format("2 Jan 2006 15:04 UTC"), "See today’s version",
		"Since then: 1 changed, 1 added, 1 removed", w.newTitle, w.new.Title, w.retracted.Title, "retracted"} {
		if !strings.Contains(notice, want) {
			t.Errorf("the pin notice lacks %q:\n%s", want, notice)
		}
	}
	for _, link := range []string{
		`/embed/timelines/` + w.slug + `"`,
		fmt.Sprintf(`/events/%d/history"`, w.edited.ID),
		fmt.Sprintf(`/events/%d/history"`, w.new.ID),
		fmt.Sprintf(`/events/%d/history"`, w.retracted.ID),
	} {
		if !strings.Contains(changesBody, link) {
			t.Errorf("the pin notice lacks the link %s", link)
		}
	}

	// The moment is past every write that could change it: cached for good.
	if cc := res.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
		t.Errorf("Cache-Control = %q", cc)
	}
	etag := res.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	if res := w.get(pinned, "If-None-Match", etag); res.StatusCode != http.StatusNotModified {
		t.Errorf("revalidating the pinned embed = %d, want 304", res.StatusCode)
	}
	// A later publication changes neither its ETag nor what it shows.
	w.publishedEvent("Iraqi forces reach the outskirts of Mosul")
	again := w.get(pinned)
	if again.Header.Get("ETag") != etag || readBody(t, again) != body {
		t.Errorf("the pinned embed changed after a later publication")
	}

	// Today's version is the live one.
	live := pageText(readBody(t, w.get("/embed/timelines/"+w.slug)))
	if !strings.Contains(live, w.newTitle) || !strings.Contains(live, w.new.Title) || strings.Contains(live, w.retracted.Title) ||
		strings.Contains(live, "As published on") {
		t.Errorf("the live embed is not today's version:\n%s", live)
	}
}

func TestPinnedEventEmbedAndOEmbed(t *testing.T) {
	w := newPinnedWorld(t)
	pinned := fmt.Sprintf("/embed/events/%d?asof=%s", w.edited.ID, url.QueryEscape(w.asof))
	res := w.get(pinned)
	body := readBody(t, res)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, w.oldTitle) || !strings.Contains(pinNotice(t, w.changesSince(body)), "1 changed") {
		t.Fatalf("GET %s = %d, want the old title and one change\n%s", pinned, res.StatusCode, pageText(body))
	}
	if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("Cache-Control = %q", cc)
	}
	// The event published after the moment was not there.
	res = w.get(fmt.Sprintf("/embed/events/%d?asof=%s", w.new.ID, url.QueryEscape(w.asof)))
	if body := readBody(t, res); res.StatusCode != http.StatusNotFound || !strings.Contains(body, `data-testid="embed-problem"`) ||
		!strings.Contains(pageText(body), "was not yet published on") {
		t.Errorf("an event published after the moment = %d\n%s", res.StatusCode, pageText(body))
	}

	// oEmbed of the page pinned: the pinned iframe, the title then, cached for good.
	page := fmt.Sprintf("http://example.com/events/%d?asof=%s", w.edited.ID, url.QueryEscape(w.asof))
	res = w.get("/oembed?format=json&url=" + url.QueryEscape(page))
	var o struct {
		Title    string `json:"title"`
		HTML     string `json:"html"`
		CacheAge int    `json:"cache_age"`
	}
	if err := json.Unmarshal([]byte(readBody(t, res)), &o); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("oEmbed = %d, %v", res.StatusCode, err)
	}
	if o.Title != w.oldTitle || !strings.Contains(o.HTML, "asof="+url.QueryEscape(w.asof)) || o.CacheAge != 31536000 {
		t.Errorf("oEmbed of a pinned address = %+v", o)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" || res.Header.Get("ETag") == "" {
		t.Errorf("oEmbed Cache-Control = %q, ETag %q", cc, res.Header.Get("ETag"))
	}
}

func TestPinnedEmbedRefusesMomentsItCannotShow(t *testing.T) {
	w := newPinnedWorld(t)
	for _, c := range []struct {
		target string
		status int
		want   string
	}{
		{"/embed/timelines/" + w.slug + "?asof=yesterday", http.StatusBadRequest, "asof= takes a date and time"},
		{"/embed/timelines/" + w.slug + "?asof=2016-09-31", http.StatusBadRequest, "is not a moment"},
		{"/embed/timelines/" + w.slug + "?asof=" + time.Now().AddDate(1, 0, 0).Format(time.DateOnly), http.StatusBadRequest, "has not come yet"},
		{"/embed/timelines/" + w.slug + "?asof=2001-09-11", http.StatusNotFound, "Nothing had been published here yet on 11 Sep 2001"},
		{"/embed/estimates?force=Islamic+State&asof=2016-13-01T00:00:00Z", http.StatusBadRequest, "is not a moment"},
		{fmt.Sprintf("/embed/events/%d?asof=soon", w.edited.ID), http.StatusBadRequest, "is not a moment"},
		{"/embed/timelines/no-such-timeline?asof=" + url.QueryEscape(w.asof), http.StatusNotFound, "nothing at this address"},
		{"/embed/map?asof=2001-09-11", http.StatusNotFound, "Nothing had been published here yet"},
	} {
		res := w.get(c.target)
		body := readBody(t, res)
		if res.StatusCode != c.status || !strings.Contains(body, `data-testid="embed-problem"`) || !strings.Contains(pageText(body), c.want) {
			t.Errorf("GET %s = %d, want %d in the embed's style saying %q\n%s", c.target, res.StatusCode, c.status, c.want, pageText(body))
		}
		if strings.Contains(body, "<nav") {
			t.Errorf("GET %s answers with the site's page, not the embed's", c.target)
		}
	}
	res := w.get("/oembed?url=" + url.QueryEscape("http://example.com/timelines/"+w.slug+"?asof=tomorrowish"))
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("oEmbed of an unreadable moment = %d, want 400: %s", res.StatusCode, readBody(t, res))
	}
}

func TestEmbedPanelPinsToTodaysVersion(t *testing.T) {
	w := newPinnedWorld(t)
	page := readBody(t, w.get("/timelines/"+w.slug))
	if !strings.Contains(page, `data-testid="embed-pin"`) || strings.Contains(page, `data-testid="embed-pin" checked`) {
		t.Fatalf("the panel does not offer an unchecked pin option")
	}
	if strings.Contains(panelSnippets(page), "asof") {
		t.Errorf("the unpinned snippets carry asof")
	}
	pinnedPage := readBody(t, w.get("/timelines/"+w.slug+"?embed_pin=1"))
	snippets := panelSnippets(pinnedPage)
	newest := w.event(w.new.ID).UpdatedAt
	for _, want := range []string{"asof=", "data-asof=", "oembed?format=json&amp;url=", "%2Ftimelines%2F" + w.slug + "%3Fasof%3D"} {
		if !strings.Contains(snippets, want) {
			t.Errorf("the pinned snippets lack %s:\n%s", want, snippets)
		}
	}
	// The snippet's moment is the newest write's: the pinned embed it
	// names shows what the page shows, and is cached for good at once.
	start := strings.Index(snippets, "/embed/timelines/"+w.slug+"?asof=")
	if start < 0 {
		t.Fatalf("the iframe snippet does not pin the embed:\n%s", snippets)
	}
	src := snippets[start:]
	src = src[:strings.IndexAny(src, `"&`)]
	if src == "" {
		t.Fatal("no embed address in the snippet")
	}
	asof, _ := url.QueryUnescape(strings.TrimPrefix(src[strings.Index(src, "asof="):], "asof="))
	if at, err := time.Parse(time.RFC3339Nano, asof); err != nil || at.Before(newest) {
		t.Errorf("the snippet pins to %q, before the newest write at %s", asof, newest)
	}
	res := w.get(src)
	body := readBody(t, res)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, w.newTitle) {
		t.Errorf("the snippet's embed = %d, not today's version:\n%s", res.StatusCode, pageText(body))
	}
	if changes := pageText(w.changesSince(body)); !strings.Contains(changes, "Nothing shown here has changed since") {
		t.Errorf("what changed since today's pin:\n%s", changes)
	}
	if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("the snippet's embed Cache-Control = %q", cc)
	}
}

// panelSnippets is the text of the Embed panel's snippet boxes.
func panelSnippets(page string) string {
	var out []string
	for _, id := range []string{"embed-script-snippet", "embed-iframe-snippet", "embed-oembed-url"} {
		i := strings.Index(page, `data-testid="`+id+`"`)
		if i < 0 {
			continue
		}
		rest := page[i:]
		rest = rest[:strings.Index(rest, "</textarea>")]
		out = append(out, rest)
	}
	return strings.Join(out, "\n")
}

// TestPinnedEmbedsKeepTheNamesOfTheirMoment: an actor and a place renamed
// after the moment keep their old names in every pinned embed (the
// timeline, the estimates chart and the map), and take their new ones in
// today's, so a page promised never to change does not.
func TestPinnedEmbedsKeepTheNamesOfTheirMoment(t *testing.T) {
	w := newPinnedWorld(t)
	ctx := t.Context()
	admin := conflict.Change{AuthorName: "admin", Role: conflict.RoleAdmin, WithoutReview: true}
	badr, err := w.a.DB.FindActorBySlug(ctx, "badr-organization")
	if err != nil {
		t.Fatal(err)
	}
	diyala, err := w.a.DB.FindPlaceBySlug(ctx, "diyala-province")
	if err != nil {
		t.Fatal(err)
	}
	// Before the moment: Diyala is located, and an estimate of Badr's
	// strength there is published.
	diyala.Coordinates = &conflict.LatLon{Lat: 33.75, Lon: 45.0}
	if _, err := w.a.DB.UpdatePlace(ctx, &diyala, diyala.Version, admin); err != nil {
		t.Fatalf("locate the place: %v", err)
	}
	src, err := w.a.DB.FindSourceByID(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	x := conflict.Estimate{Force: badr.Ref(), Place: &conflict.PlaceRef{ID: diyala.ID}, AsOf: edtf.MustParse("2016-09-27"), Unit: "fighters",
		Qualifier: conflict.Exact, Low: conflict.Count(5000), Claimant: "Iraqi officials", Status: conflict.Published,
		Citations: []conflict.Citation{{Source: src}}}
	if err := w.a.DB.CreateEstimates(ctx, []*conflict.Estimate{&x}, admin); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	asof := "asof=" + url.QueryEscape(time.Now().UTC().Format(time.RFC3339Nano))
	time.Sleep(5 * time.Millisecond)

	diyala, _ = w.a.DB.FindPlaceBySlug(ctx, "diyala-province")
	diyala.Name = "Diyala Governorate (renamed)"
	if _, err := w.a.DB.UpdatePlace(ctx, &diyala, diyala.Version, admin); err != nil {
		t.Fatalf("rename the place: %v", err)
	}
	badr.Name = "Badr Brigades (renamed)"
	if _, err := w.a.DB.UpdateActor(ctx, &badr, badr.Version, admin); err != nil {
		t.Fatalf("rename the actor: %v", err)
	}
	for _, c := range []struct{ path, old, renamed string }{
		{"/embed/timelines/" + w.slug, "Badr Organization", "Badr Brigades (renamed)"},
		{"/embed/timelines/" + w.slug, "Diyala province", "Diyala Governorate (renamed)"},
		{"/embed/estimates?force=badr-organization", "in Diyala province", "Diyala Governorate (renamed)"},
		{"/embed/estimates?force=badr-organization&place=diyala-province", "Estimates of Badr Organization in Diyala province", "Badr Brigades (renamed)"},
		{"/embed/map?z=6&lat=33.7&lon=45.0", "Diyala province", "Diyala Governorate (renamed)"},
	} {
		sep := "?"
		if strings.Contains(c.path, "?") {
			sep = "&"
		}
		pinned := html.UnescapeString(readBody(t, w.get(c.path+sep+asof)))
		if !strings.Contains(pinned, c.old) || strings.Contains(pinned, c.renamed) {
			t.Errorf("pinned %s: has %q %v, has %q %v; want only the name of its moment",
				c.path, c.old, strings.Contains(pinned, c.old), c.renamed, strings.Contains(pinned, c.renamed))
		}
		today := html.UnescapeString(readBody(t, w.get(c.path)))
		if !strings.Contains(today, c.renamed) {
			t.Errorf("today's %s lacks the new name %q", c.path, c.renamed)
		}
	}
	// The oEmbed answer for the pinned estimates page titles it as then.
	page := "http://example.com/estimates?force=badr-organization&" + asof
	var o struct{ Title string }
	if err := json.Unmarshal([]byte(readBody(t, w.get("/oembed?url="+url.QueryEscape(page)))), &o); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(o.Title, "Estimates of Badr Organization on ") {
		t.Errorf("pinned oEmbed title %q, want the force's name at the moment", o.Title)
	}
}
