package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/app"
	"github.com/sitrep/sitrep/internal/auth"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/server"
)

// settingsApp is the demo with accounts, answering for example.com.
func settingsApp(t *testing.T) *app.App {
	t.Helper()
	return openApp(t, app.Config{Demo: true, Accounts: server.AccountsConfig{Password: auth.TestParams},
		AllowedHosts: []string{"example.com"}})
}

func signedIn(t *testing.T, a *app.App, email string, role conflict.Role) *userAgent {
	t.Helper()
	addAccount(t, a, email, role)
	c := newUserAgent(t, a.Handler())
	c.signIn(email)
	c.do(http.MethodGet, "/", nil)
	return c
}

var namedSite = url.Values{
	"name":        {"Mosul Monitor"},
	"description": {"Who did what in the battle for Mosul, sourced."},
	"publisher":   {"Example Research Group"},
	"contact":     {"desk@example.org"},
	"about":       {"We are **Example Research Group**. See [the events](/events) and <script>alert(1)</script>."},
	"methodology": {"Every fact cites its source."},
}

func clone(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// An admin names the deployment; every page, citation and oEmbed answer
// then uses the name, and cached pages are made again.
func TestSiteSettingsName(t *testing.T) {
	a := settingsApp(t)
	h := a.Handler()
	admin := signedIn(t, a, "admin@example.org", conflict.RoleAdmin)

	// Unnamed, the site is sitrep, with no about or methodology page.
	body := get(t, h, "/events", http.StatusOK, "<title>Events · sitrep</title>")
	if strings.Contains(body, `href="/about"`) || strings.Contains(body, "mailto:") {
		t.Errorf("an unnamed site's footer links to pages nobody wrote")
	}
	get(t, h, "/about", http.StatusNotFound)
	get(t, h, "/methodology", http.StatusNotFound)

	page := wantStatus(t, admin.do(http.MethodGet, "/admin/settings", nil), http.StatusOK, "the settings form")
	for _, want := range []string{`name="_csrf"`, `name="name"`, `value="sitrep"`, `name="about"`, `name="contact"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the settings form lacks %s", want)
		}
	}
	rec := admin.post("/admin/settings", clone(namedSite))
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/admin/settings" {
		t.Fatalf("saving the settings = %d to %q, want 303 back to the form", rec.Code, rec.Header().Get("Location"))
	}
	page = wantStatus(t, admin.do(http.MethodGet, "/admin/settings", nil), http.StatusOK, "the settings form after saving")
	if !strings.Contains(page, "Settings saved.") || !strings.Contains(page, `value="Mosul Monitor"`) {
		t.Errorf("after saving, the form does not say so or show the new name")
	}

	// The events page, cached under the old name, is made again.
	body = get(t, h, "/events", http.StatusOK, "<title>Events · Mosul Monitor</title>", `href="/about"`,
		`href="/methodology"`, `href="mailto:desk@example.org"`, "Mosul Monitor keeps a sourced record")
	if strings.Contains(body, "· sitrep<") {
		t.Errorf("the events page still names sitrep")
	}
	about := get(t, h, "/about", http.StatusOK, "<title>About · Mosul Monitor</title>",
		`<meta name="description" content="Who did what in the battle for Mosul, sourced.">`,
		"<strong>Example Research Group</strong>", `<a href="/events"`, "the events</a>")
	if strings.Contains(about, "<script>alert") {
		t.Errorf("the about page runs the script its Markdown held")
	}
	get(t, h, "/methodology", http.StatusOK, "Every fact cites its source.")

	// Citations name the publisher as author and the site.
	event := get(t, h, do(t, h, http.MethodGet, "/events/1").Header().Get("Location"), http.StatusOK, "Example Research Group. \u201c", "Event record, Mosul Monitor, revision")
	if strings.Contains(event, "\u201d ,") || !strings.Contains(event, "Offensive\u201d</a>, ") {
		t.Errorf("a cited source's title and date are not \"Offensive”, 29 Sep 2016\"")
	}
	get(t, h, "/events/1/rev/1/cite.bib", http.StatusOK, "author = {{Example Research Group}}", "organization = {Mosul Monitor}")
	get(t, h, "/events/1/rev/1/cite.json", http.StatusOK, `"container-title": "Mosul Monitor"`)
	var oe struct {
		ProviderName string `json:"provider_name"`
	}
	rec = do(t, h, http.MethodGet, "/oembed?url="+url.QueryEscape("http://example.com/events/1"))
	if err := json.Unmarshal(rec.Body.Bytes(), &oe); err != nil || oe.ProviderName != "Mosul Monitor" {
		t.Errorf("oEmbed = %d %s, want provider_name Mosul Monitor", rec.Code, rec.Body.String())
	}
	// Embeds in a newsroom's article credit the deployment, not the
	// software it runs.
	embed := get(t, h, "/embed/timelines/mosul-2016", http.StatusOK, "<title>Mosul, 2016 · Mosul Monitor</title>", `</span>Mosul Monitor</a>`)
	if strings.Contains(embed, "sitrep</a>") {
		t.Error("the embed's attribution still names sitrep")
	}
	rec = do(t, h, http.MethodGet, "/oembed?url="+url.QueryEscape("http://example.com/timelines/mosul-2016"))
	if !strings.Contains(rec.Body.String(), "timeline on Mosul Monitor") {
		t.Errorf("oEmbed of a timeline = %s, want its title to name Mosul Monitor", rec.Body.String())
	}
	get(t, h, "/timelines/mosul-2016", http.StatusOK, "Mosul, 2016 — timeline on Mosul Monitor")
}

// A settings form with mistakes is shown again with what was typed and a
// message at each field at fault, and nothing is saved.
func TestSiteSettingsRefused(t *testing.T) {
	a := settingsApp(t)
	admin := signedIn(t, a, "admin@example.org", conflict.RoleAdmin)
	form := clone(namedSite)
	form.Set("name", "   ")
	form.Set("contact", "the desk")
	form.Set("description", strings.Repeat("long ", 61))
	form.Set("about", "Kept **as typed**.")
	page := wantStatus(t, admin.post("/admin/settings", form), http.StatusUnprocessableEntity, "a settings form with mistakes")
	for _, want := range []string{
		"The settings were not saved", `data-testid="error-name"`, "Site name is required.",
		`data-testid="error-contact"`, "Enter an email address such as desk@example.org, or leave it empty.",
		`data-testid="error-description"`, "Description is too long: at most 300 characters.",
		`value="the desk"`, "Kept **as typed**.", `href="#f-name"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the refused form lacks %q", want)
		}
	}
	if st, err := a.DB.Settings(t.Context()); err != nil || st.Name != "sitrep" {
		t.Errorf("after a refused save the settings are %+v, %v; want them unchanged", st, err)
	}
}

// Only admins may see or change the settings, and only with the form's
// CSRF token.
func TestSiteSettingsAdminsOnly(t *testing.T) {
	a := settingsApp(t)
	h := a.Handler()
	for _, role := range []conflict.Role{conflict.RoleEditor, conflict.RoleReviewer} {
		c := signedIn(t, a, string(role)+"@example.org", role)
		if rec := c.do(http.MethodGet, "/admin/settings", nil); rec.Code != http.StatusForbidden {
			t.Errorf("GET /admin/settings as %s = %d, want 403", role, rec.Code)
		}
		if rec := c.post("/admin/settings", clone(namedSite)); rec.Code != http.StatusForbidden {
			t.Errorf("POST /admin/settings as %s = %d, want 403", role, rec.Code)
		}
	}
	if rec := do(t, h, http.MethodGet, "/admin/settings"); rec.Code == http.StatusOK {
		t.Errorf("GET /admin/settings signed out = 200")
	}
	admin := signedIn(t, a, "admin@example.org", conflict.RoleAdmin)
	if rec := admin.do(http.MethodPost, "/admin/settings", clone(namedSite)); rec.Code != http.StatusForbidden {
		t.Errorf("POST /admin/settings without a CSRF token = %d, want 403", rec.Code)
	}
	if st, err := a.DB.Settings(t.Context()); err != nil || st.Name != "sitrep" {
		t.Errorf("the settings are %+v, %v; want them unchanged", st, err)
	}
}

// A link into the site in an event's body still leads there from an
// export read elsewhere: TimelineJS's text names the site's address.
func TestExportLinksAbsolute(t *testing.T) {
	a := settingsApp(t)
	ctx := t.Context()
	src, err := a.DB.FindSourceByURL(ctx, demoSourceURL(t, a))
	if err != nil {
		t.Fatal(err)
	}
	e := &conflict.Event{
		Title: "Bridge reported closed", Date: edtf.MustParse("2016-10-02"), Tags: []string{"bridges"},
		Body:      "Closed, as [the earlier strike](/events/1) had warned. See [VOA](https://www.voanews.com/a/1.html).",
		Status:    conflict.Published,
		Citations: []conflict.Citation{{Source: src, Quote: "the bridge was closed", Locator: "paragraph 2"}},
	}
	if err := a.DB.CreateEvents(ctx, []*conflict.Event{e}, conflict.Change{AuthorName: "test"}); err != nil {
		t.Fatal(err)
	}
	body := get(t, a.Handler(), "/api/v1/export/events?q=bridge&format=timelinejs", http.StatusOK)
	if !strings.Contains(body, `href=\"http://example.com/events/1\"`) {
		t.Errorf("the TimelineJS export lacks the absolute link: %.600s", body)
	}
	if !strings.Contains(body, `https://www.voanews.com/a/1.html`) {
		t.Errorf("the TimelineJS export lost the link elsewhere")
	}
	// Every export is read off the site: a spreadsheet or another database
	// has no /events/1, so the Markdown bodies carry absolute links too.
	for _, format := range []string{"csv", "json"} {
		body := get(t, a.Handler(), "/api/v1/export/events?q=bridge&format="+format, http.StatusOK)
		if !strings.Contains(body, "[the earlier strike](http://example.com/events/1)") {
			t.Errorf("the %s export's body keeps a link that leads nowhere off the site: %.600s", format, body)
		}
		if !strings.Contains(body, "[VOA](https://www.voanews.com/a/1.html)") {
			t.Errorf("the %s export changed a link to elsewhere", format)
		}
	}
}
