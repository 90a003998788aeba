package server_test

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/export"
	"github.com/sitrep/sitrep/internal/server"
	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
)

// TestImportArchiveForm imports a whole-record archive through
// /admin/import: checked first, then imported on the admin's word, after
// which the site exports the very same file.
func TestImportArchiveForm(t *testing.T) {
	var file bytes.Buffer
	if err := export.Archive(t.Context(), &file, sqlitetest.NewWithDemo(t), false, export.Options{}); err != nil {
		t.Fatal(err)
	}
	a := accountsApp(t, server.AccountsConfig{})
	addAccount(t, a, "admin@example.org", conflict.RoleAdmin)
	c := newUserAgent(t, a.Handler())
	c.signIn("admin@example.org")

	bad := strings.Replace(file.String(), `"locator":`, `"locatr":`, 1)
	rec := upload(t, c, "bad.json", bad)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "<code>events[0].citations[0].locatr</code>") ||
		!strings.Contains(rec.Body.String(), "The file has 1 problem.") {
		t.Fatalf("a bad archive = %d, want 422 naming the field's path:\n%s", rec.Code, rec.Body)
	}

	rec = upload(t, c, "sitrep-all.json", file.String())
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `data-testid="import-commit-form"`) {
		t.Fatalf("an archive = %d, want the report with the import button:\n%s", rec.Code, rec.Body)
	}
	if n, _ := a.DB.LastChange(t.Context()); n != 0 {
		t.Errorf("the check wrote %d revisions", n)
	}
	token := regexp.MustCompile(`name="token" value="([0-9a-f]{32})"`).FindStringSubmatch(rec.Body.String())
	if token == nil {
		t.Fatal("no token in the report")
	}
	rec = c.post("/admin/import/commit", url.Values{"token": {token[1]}, "name": {"sitrep-all.json"}, "status": {"published"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("commit = %d, want 303:\n%s", rec.Code, rec.Body)
	}
	rec = c.do(http.MethodGet, "/api/v1/export/all?format=json", nil)
	if !bytes.Equal(rec.Body.Bytes(), file.Bytes()) {
		t.Errorf("the site's archive after the import differs from the file imported:\n%s\n---\n%s", rec.Body, file.Bytes())
	}
}
