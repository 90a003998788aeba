package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/export"
)

// TestExportAll downloads the whole record from the API: the same bytes
// the command line writes, no draft in them, and the schema beside it.
func TestExportAll(t *testing.T) {
	a := newApp(t)
	ctx := t.Context()
	src := conflict.Source{URL: "https://example.org/draft-report?41658-title", Publisher: "Example"}
	draft := conflict.Event{Title: "A draft nobody has checked", Date: edtf.MustParse("2016-10-02"), Status: conflict.Draft,
		Citations: []conflict.Citation{{Source: src}}}
	if err := a.DB.CreateEvent(ctx, &draft, conflict.Change{AuthorName: "editor"}); err != nil {
		t.Fatal(err)
	}
	if draft.Status != conflict.Draft {
		t.Fatalf("the event is %s, want a draft", draft.Status)
	}
	h := a.Handler()
	rec := do(t, h, http.MethodGet, "/api/v1/export/all?format=json")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Header().Get("Content-Disposition"), `filename="sitrep-all.json"`) {
		t.Fatalf("export/all = %d %v\n%s", rec.Code, rec.Header(), rec.Body)
	}
	var want bytes.Buffer
	if err := export.Archive(ctx, &want, a.DB, false, export.Options{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(rec.Body.Bytes(), want.Bytes()) {
		t.Errorf("the API's archive differs from the command line's:\n%s\n---\n%s", rec.Body, want.Bytes())
	}
	if strings.Contains(rec.Body.String(), draft.Title) {
		t.Errorf("the archive shows a draft event:\n%s", rec.Body)
	}
	if rec := do(t, h, http.MethodGet, "/api/v1/export/all?format=json&history=1"); !strings.Contains(rec.Body.String(), `"revisions":[`) {
		t.Errorf("history=1 carries no revisions:\n%s", rec.Body)
	}
	for _, target := range []string{"/api/v1/export/all?format=csv", "/api/v1/export/all", "/api/v1/export/all?format=json&history=maybe",
		"/api/v1/export/all?format=json&actor=ISIS"} {
		if rec := do(t, h, http.MethodGet, target); rec.Code != http.StatusBadRequest {
			t.Errorf("%s = %d, want 400", target, rec.Code)
		}
	}
	rec = do(t, h, http.MethodGet, "/api/v1/schema/export.json")
	var schema map[string]any
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &schema) != nil || schema["$schema"] == nil {
		t.Errorf("schema = %d:\n%s", rec.Code, rec.Body)
	}
	if rec := do(t, h, http.MethodGet, "/api/v1"); !strings.Contains(rec.Body.String(), "/api/v1/schema/export.json") {
		t.Error("the API's page does not link the archive's schema")
	}
}
