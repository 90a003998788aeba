package server_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/server"
)

// upload posts a file to /admin/import as the browser's form would.
func upload(t *testing.T, c *userAgent, name, content string) *httptest.ResponseRecorder {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("_csrf", c.csrf())
	w.WriteField("status", "published")
	fw, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write([]byte(content))
	w.Close()
	req := httptest.NewRequest(http.MethodPost, "/admin/import", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, req)
	return rec
}

const acledHeader = "event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,assoc_actor_1,actor2,assoc_actor_2,country,admin1,admin2,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities\n"

func TestImportForm(t *testing.T) {
	a := accountsApp(t, server.AccountsConfig{})
	addAccount(t, a, "admin@example.org", conflict.RoleAdmin)
	c := newUserAgent(t, a.Handler())
	c.signIn("admin@example.org")
	if rec := c.do(http.MethodGet, "/admin/import", nil); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `data-testid="import-form"`) {
		t.Fatalf("GET /admin/import = %d", rec.Code)
	}

	bad := acledHeader +
		"IRQ1,2016-09-27,1,Battles,Armed clash,Islamic State,,,,Iraq,Ninewa,Mosul,Mosul,36.34,43.13,1,Reuters,National,Clashes.,0\n" +
		"IRQ2,2016-13-01,1,Battles,Armed clash,Islamic State,,,,Iraq,Ninewa,Mosul,Mosul,96,43.13,1,Reuters,National,Clashes.,0\n"
	rec := upload(t, c, "bad.csv", bad)
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("a bad file = %d, want 422", rec.Code)
	}
	body := rec.Body.String()
	for _, want := range []string{`data-testid="import-problems"`, "event_date", "latitude", "The file has 2 problems"} {
		if !strings.Contains(body, want) {
			t.Errorf("the report of a bad file lacks %q", want)
		}
	}
	if strings.Contains(body, `data-testid="import-commit-form"`) {
		t.Error("a file with problems may be imported")
	}
	if n, _ := a.DB.LastChange(t.Context()); n != 0 {
		t.Errorf("checking a bad file wrote %d revisions", n)
	}

	good := acledHeader + "IRQ1,2016-09-27,1,Battles,Armed clash,Islamic State,,,,Iraq,Ninewa,Mosul,Mosul,36.34,43.13,1,Reuters,National,Clashes.,0\n"
	rec = upload(t, c, "good.csv", good)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `data-testid="import-commit-form"`) {
		t.Fatalf("a good file = %d, want the report with the import button:\n%s", rec.Code, rec.Body)
	}
	if n, _ := a.DB.LastChange(t.Context()); n != 0 {
		t.Errorf("the check wrote %d revisions", n)
	}
	token := regexp.MustCompile(`name="token" value="([0-9a-f]{32})"`).FindStringSubmatch(rec.Body.String())
	if token == nil {
		t.Fatal("no token in the report")
	}
	rec = c.post("/admin/import/commit", url.Values{"token": {token[1]}, "name": {"good.csv"}, "status": {"published"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("commit = %d, want 303:\n%s", rec.Code, rec.Body)
	}
	e, err := a.DB.FindEventByExternalID(t.Context(), "acled:IRQ1")
	if err != nil {
		t.Fatalf("the imported event: %v", err)
	}
	revs, _ := a.DB.FindRevisions(t.Context(), conflict.EventRecord, int64(e.ID))
	if len(revs) != 1 || revs[0].AuthorName != "import: good.csv" || revs[0].Author == nil {
		t.Errorf("revisions = %+v, want one by the import, with the admin", revs)
	}
	if rec := c.do(http.MethodGet, "/admin/import", nil); !strings.Contains(rec.Body.String(), "Imported good.csv") {
		t.Error("no message says what was imported")
	}
	// The token is spent.
	rec = c.post("/admin/import/commit", url.Values{"token": {token[1]}, "name": {"good.csv"}})
	if rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("committing twice = %d, want 422", rec.Code)
	}
}

// TestImportJSONPaths shows each problem of a JSON file on the report by
// its JSON path, down to the item of a nested list.
func TestImportJSONPaths(t *testing.T) {
	a := accountsApp(t, server.AccountsConfig{})
	addAccount(t, a, "admin@example.org", conflict.RoleAdmin)
	c := newUserAgent(t, a.Handler())
	c.signIn("admin@example.org")
	file := `{"kind":"events","data":[{"external_id":"e0","title":"Clashes","date":{"edtf":"2016-09-27"},"status":"published",` +
		`"citations":[{"source":{"url":"https://example.org/1","publisher":"Reuters","title":"Clashes"}},` +
		`{"sorce":"x","source":{"url":"https://example.org/2","publisher":"Reuters","title":"More"},"credibility":"high"}]}]}`
	rec := upload(t, c, "bad.json", file)
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("a bad file = %d, want 422", rec.Code)
	}
	body := rec.Body.String()
	for _, want := range []string{"The file has 2 problems",
		"<code>events[0].citations[1].credibility</code>", "Expected a whole number, not text",
		"<code>events[0].citations[1].sorce</code>", "unknown field &#34;sorce&#34;."} {
		if !strings.Contains(body, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if n, _ := a.DB.LastChange(t.Context()); n != 0 {
		t.Errorf("checking a bad file wrote %d revisions", n)
	}
}

// A file with more problems than the importer lists still counts them all.
func TestImportCountsUnlistedProblems(t *testing.T) {
	a := accountsApp(t, server.AccountsConfig{})
	addAccount(t, a, "admin@example.org", conflict.RoleAdmin)
	c := newUserAgent(t, a.Handler())
	c.signIn("admin@example.org")
	var b strings.Builder
	b.WriteString(`{"kind":"events","data":[`)
	const bad = 1205
	for i := range bad {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"external_id":"e%d","title":"Clashes","date":{"edtf":"2016-09-27"},"sorce":"x"}`, i)
	}
	b.WriteString(`]}`)
	body := upload(t, c, "many.json", b.String()).Body.String()
	if !strings.Contains(body, fmt.Sprintf("The file has %d problems", bad)) {
		t.Errorf("the report does not count all %d problems:\n%.400s", bad, pageText(body))
	}
}
