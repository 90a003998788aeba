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
