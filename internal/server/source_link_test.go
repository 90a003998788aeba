package server_test

import (
	"fmt"
	"html"
	"net/http"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// A source's address is linked exactly as it was given: a bare query
// parameter gains no "=" and a trailing slash stays, on the source's page
// and in an event's citations.
func TestSourceLinkedExactly(t *testing.T) {
	a := newApp(t)
	ctx := t.Context()
	const given = "https://www.Example.ru/news/?41658-title&page=2"
	ch := conflict.Change{AuthorName: "test"}
	e := conflict.Event{Title: "Report with an exact address", Date: edtf.MustParse("2016-10-01"), Status: conflict.Published,
		Citations: []conflict.Citation{{Source: conflict.Source{URL: given, Publisher: "Example", Title: "Exact report"}}}}
	if err := a.DB.CreateEvent(ctx, &e, ch); err != nil {
		t.Fatal(err)
	}
	src := e.Citations[0].Source
	if src.URL != given {
		t.Fatalf("stored address %q, want %q", src.URL, given)
	}
	href := `href="` + html.EscapeString(given) + `"`
	eventPage := fmt.Sprintf("/events/%d", e.ID)
	if rec := do(t, a.Handler(), http.MethodGet, eventPage); rec.Code == http.StatusMovedPermanently {
		eventPage = rec.Header().Get("Location") // the page under its slug
	}
	for _, page := range []string{fmt.Sprintf("/sources/%d", src.ID), eventPage} {
		body := get(t, a.Handler(), page, http.StatusOK, "Exact report")
		if !strings.Contains(body, href) {
			t.Errorf("GET %s lacks %s", page, href)
		}
		if strings.Contains(body, "41658-title=") {
			t.Errorf("GET %s links the address with a rewritten query", page)
		}
	}
}

// A source without a title is named by its publisher, date and
// "untitled", and its link in a citation is never empty.
func TestUntitledSourceShown(t *testing.T) {
	a := newApp(t)
	ctx := t.Context()
	const addr = "https://wire.example.org/item/77"
	e := conflict.Event{Title: "Report from the wire", Date: edtf.MustParse("2016-10-01"), Status: conflict.Published,
		Citations: []conflict.Citation{{Source: conflict.Source{URL: addr, Publisher: "Example Wire", Published: edtf.MustParse("2016-10-02")}}}}
	if err := a.DB.CreateEvent(ctx, &e, conflict.Change{AuthorName: "test"}); err != nil {
		t.Fatal(err)
	}
	src := e.Citations[0].Source
	body := get(t, a.Handler(), fmt.Sprintf("/sources/%d", src.ID), http.StatusOK,
		`<h1 dir="auto">Example Wire, 2016-10-02, untitled</h1>`, `href="`+addr+`"`)
	if strings.Contains(body, "<title> ") || strings.Contains(body, "<h1 dir=\"auto\"></h1>") {
		t.Errorf("the untitled source's page has an empty title")
	}
	eventPage := fmt.Sprintf("/events/%d", e.ID)
	if rec := do(t, a.Handler(), http.MethodGet, eventPage); rec.Code == http.StatusMovedPermanently {
		eventPage = rec.Header().Get("Location")
	}
	body = get(t, a.Handler(), eventPage, http.StatusOK, "Example Wire")
	i := strings.Index(body, `href="`+addr+`"`)
	if i < 0 {
		t.Fatalf("the event's citation does not link %s", addr)
	}
	link := body[i:]
	link = link[strings.Index(link, ">")+1 : strings.Index(link, "</a>")]
	if !strings.Contains(link, "untitled") {
		t.Errorf("the citation's link text is %q, want \"untitled\"", link)
	}
}
