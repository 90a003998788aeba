package server_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/app"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/server"
)

// editorWorld is an empty sitrep with the records of the worked example an
// event form names, and one signed-in client per role.
type editorWorld struct {
	t        *testing.T
	a        *app.App
	editor   *userAgent
	editor2  *userAgent
	reviewer *userAgent
	admin    *userAgent
	source   conflict.Source
}

func newEditorWorld(t *testing.T) *editorWorld {
	t.Helper()
	a := accountsApp(t, server.AccountsConfig{})
	ctx := t.Context()
	sys := conflict.Change{AuthorName: "setup"}
	for _, act := range []conflict.Actor{
		{Name: "Islamic State", Aliases: []string{"IS", "ISIS", "ISIL", "Daesh"}},
		{Name: "Badr Organization"},
	} {
		if err := a.DB.CreateActor(ctx, &act, sys); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []conflict.Place{{Name: "Mosul"}, {Name: "Diyala province"}} {
		if err := a.DB.CreatePlace(ctx, &p, sys); err != nil {
			t.Fatal(err)
		}
	}
	src := conflict.Source{URL: "https://www.voanews.com/a/islamic-state-mosul/3530000.html", Publisher: "Voice of America",
		Title: "Islamic State Struggling to Reinforce Mosul Ahead of Iraqi Offensive"}
	if err := a.DB.CreateSource(ctx, &src, sys); err != nil {
		t.Fatal(err)
	}
	w := &editorWorld{t: t, a: a, source: src}
	w.editor = w.client("ed@example.org", conflict.RoleEditor)
	w.editor2 = w.client("ed2@example.org", conflict.RoleEditor)
	w.reviewer = w.client("rev@example.org", conflict.RoleReviewer)
	w.admin = w.client("admin@example.org", conflict.RoleAdmin)
	return w
}

func (w *editorWorld) client(email string, role conflict.Role) *userAgent {
	addAccount(w.t, w.a, email, role)
	c := newUserAgent(w.t, w.a.Handler())
	c.signIn(email)
	c.do(http.MethodGet, "/", nil) // a CSRF token for the signed-in session
	return c
}

// eventForm is a complete event form from the worked example.
func (w *editorWorld) eventForm(kv ...string) url.Values {
	v := url.Values{
		"version":             {"0"},
		"title":               {"Badr Organization fighters train in Diyala province"},
		"date":                {"2016-09-27"},
		"place":               {"Diyala province"},
		"actors.0.name":       {"Badr Organization"},
		"actors.0.role":       {"trainer"},
		"tags":                {"training"},
		"body":                {"Fighters of the Badr Organization train ahead of the battle for Mosul."},
		"citations.0.source":  {fmt.Sprintf("%s #%d", w.source.Title, w.source.ID)},
		"citations.0.quote":   {"Badr fighters training in Diyala province"},
		"citations.0.locator": {"paragraph 9"},
	}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// create posts a new event and returns its id.
func (w *editorWorld) create(c *userAgent, form url.Values) conflict.EventID {
	w.t.Helper()
	rec := c.post("/edit/events/new", form)
	loc := rec.Header().Get("Location")
	var id int64
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/edit/events/") {
		w.t.Fatalf("POST /edit/events/new = %d to %q, want 303 to the edit page\n%s", rec.Code, loc, pageText(rec.Body.String()))
	}
	fmt.Sscanf(strings.TrimPrefix(loc, "/edit/events/"), "%d", &id)
	return conflict.EventID(id)
}

func (w *editorWorld) event(id conflict.EventID) conflict.Event {
	w.t.Helper()
	e, err := w.a.DB.FindEventByID(w.t.Context(), id)
	if err != nil {
		w.t.Fatal(err)
	}
	return e
}

func (w *editorWorld) status(c *userAgent, id conflict.EventID, action string, kv ...string) *httptest.ResponseRecorder {
	w.t.Helper()
	e := w.event(id)
	base := "/review"
	if action == "submit" {
		base = "/edit"
	}
	form := url.Values{"version": {fmt.Sprint(e.Version)}}
	for i := 0; i+1 < len(kv); i += 2 {
		form.Set(kv[i], kv[i+1])
	}
	return c.post(fmt.Sprintf("%s/events/%d/%s", base, id, action), form)
}

func wantStatus(t *testing.T, rec *httptest.ResponseRecorder, code int, what string) string {
	t.Helper()
	if rec.Code != code {
		t.Fatalf("%s = %d, want %d\n%s", what, rec.Code, code, pageText(rec.Body.String()))
	}
	return rec.Body.String()
}

func TestEventFormShowsEveryField(t *testing.T) {
	w := newEditorWorld(t)
	body := wantStatus(t, w.editor.do(http.MethodGet, "/edit/events/new", nil), http.StatusOK, "GET /edit/events/new")
	for _, want := range []string{
		`name="_csrf" value="` + w.editor.cookies["_csrf"] + `"`, `name="version" value="0"`,
		`name="title"`, `name="date"`, `hx-get="/edit/date"`, "Sep 2016", "2016-07/2016-09",
		`name="place"`, `list="place-options"`, `hx-get="/edit/suggest/places"`,
		`name="actors.0.name"`, `name="actors.0.role"`, `name="add_actor"`, `name="remove_actor"`,
		`name="tags"`, `name="body"`, `hx-post="/edit/preview"`, `name="preview"`,
		`name="citations.0.source"`, `name="citations.0.url"`, `name="citations.0.publisher"`, `name="citations.0.title"`,
		`name="citations.0.published"`, `name="citations.0.quote"`, `name="citations.0.locator"`, `name="citations.0.credibility"`,
		`<option value="Islamic State">`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the event form lacks %s", want)
		}
	}
	// Every form that posts carries the CSRF token.
	forms := regexp.MustCompile(`(?s)<form[^>]*method="post".*?</form>`).FindAllString(body, -1)
	for _, f := range forms {
		if !strings.Contains(f, `name="_csrf"`) {
			t.Errorf("a form without a CSRF token: %.120s", f)
		}
	}
	// The header offers a new event to editors.
	if !strings.Contains(body, `href="/edit/events/new"`) {
		t.Errorf("no New event link in the header")
	}
}

func TestEventCreateWithErrorsKeepsInputAndStoresNothing(t *testing.T) {
	w := newEditorWorld(t)
	hostile := `<script>alert("x")</script>`
	form := w.eventForm(
		"title", "",
		"date", "the other day",
		"place", "Atlantis",
		"actors.0.name", "Nobody",
		"body", hostile+" '; DROP TABLE events; --",
		"citations.0.source", "",
		"citations.0.url", "javascript:alert(1)",
		"citations.0.publisher", "Voice of America",
		"citations.0.title", "A report",
		"citations.0.credibility", "9",
	)
	body := wantStatus(t, w.editor.post("/edit/events/new", form), http.StatusUnprocessableEntity, "POST a bad event")
	text := pageText(body)
	for _, want := range []string{
		"Nothing was saved: check the fields marked below.",
		"Title is required.",
		"2016-09-27, 27 Sep 2016, Sep 2016",
		`No place called "Atlantis": create it first.`,
		`No actor called "Nobody": create it first.`,
		"URL must be a web address",
		"Credibility is a grade from 1 to 6",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the 422 page does not say %q", want)
		}
	}
	for _, want := range []string{
		`value="the other day"`, `value="Atlantis"`, `value="Nobody"`, `value="javascript:alert(1)"`, `value="Voice of America"`,
		`aria-invalid="true"`, `aria-describedby="f-date-hint f-date-error"`, `id="f-place-error"`,
		`href="/edit/places/new?name=Atlantis"`, `href="/edit/actors/new?name=Nobody"`,
		// The hostile body is shown back as text, escaped.
		`&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the 422 page lacks %s", want)
		}
	}
	if strings.Contains(body, hostile) {
		t.Errorf("the hostile body reached the page unescaped")
	}
	page, err := w.a.DB.FindActivity(t.Context(), conflict.ActivityFilter{RecordType: conflict.EventRecord})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 0 {
		t.Errorf("a failed form stored %d event revisions", len(page.Items))
	}
	if _, err := w.a.DB.FindSourceByURL(t.Context(), "https://example.org"); conflict.ErrorCode(err) != conflict.NotFound {
		t.Errorf("unexpected source: %v", err)
	}
}

func TestEventCreateStoresRevisionAndEscapesText(t *testing.T) {
	w := newEditorWorld(t)
	hostile := `<script>alert("x")</script>`
	id := w.create(w.editor, w.eventForm(
		"title", "Badr trains "+hostile,
		"body", "**Badr** trains. "+hostile+" <img src=x onerror=alert(1)> '; DROP TABLE events; --",
		// A new source entered inline, with a tracking parameter.
		"citations.0.source", "",
		"citations.0.url", "https://www.voanews.com/a/badr-diyala/1.html?utm_source=twitter",
		"citations.0.publisher", "Voice of America",
		"citations.0.title", "Badr trains in Diyala",
		"citations.0.published", "29 Sep 2016",
	))
	e := w.event(id)
	if e.Status != conflict.Draft || e.Title != "Badr trains "+hostile || len(e.Citations) != 1 {
		t.Fatalf("stored %+v", e)
	}
	if got := e.Citations[0].Source; got.ID == 0 || got.URL != "https://www.voanews.com/a/badr-diyala/1.html?utm_source=twitter" {
		t.Errorf("inline source stored as %+v, want a new source with the address as typed", got)
	}
	revs, err := w.a.DB.FindRevisions(t.Context(), conflict.EventRecord, int64(id))
	if err != nil || len(revs) != 1 || revs[0].AuthorName != "Test editor" {
		t.Fatalf("revisions = %+v, %v; want one by the editor", revs, err)
	}
	body := wantStatus(t, w.editor.do(http.MethodGet, fmt.Sprintf("/edit/events/%d", id), nil), http.StatusOK, "GET the edit page")
	if strings.Contains(body, hostile) || strings.Contains(body, "<img src=x") {
		t.Errorf("stored hostile text reached the edit page unescaped")
	}
	if !strings.Contains(body, `data-testid="flash"`) || !strings.Contains(body, "Saved as a draft") {
		t.Errorf("no flash after saving")
	}
	if !strings.Contains(body, `name="version" value="1"`) {
		t.Errorf("the edit form does not carry version 1")
	}
	// The preview renders Markdown through the sanitiser: no script.
	rec := w.editor.post("/edit/preview", url.Values{"body": {e.Body}})
	prev := wantStatus(t, rec, http.StatusOK, "POST /edit/preview")
	if !strings.Contains(prev, "<strong>Badr</strong>") || strings.Contains(prev, "<script") || strings.Contains(prev, "onerror") {
		t.Errorf("preview = %q", prev)
	}
}

func TestEventFormRowsAndPreviewWithoutJavaScript(t *testing.T) {
	w := newEditorWorld(t)
	form := w.eventForm("add_actor", "1")
	body := wantStatus(t, w.editor.post("/edit/events/new", form), http.StatusOK, "add an actor row")
	if n := strings.Count(body, `data-testid="actor-row"`); n != 2 {
		t.Errorf("after add_actor: %d actor rows, want 2", n)
	}
	if !regexp.MustCompile(`name="actors.0.name"[^>]*value="Badr Organization"`).MatchString(body) {
		t.Errorf("add_actor lost the typed actor")
	}
	form = w.eventForm("actors.1.name", "ISIS", "actors.1.role", "target", "remove_actor", "0")
	body = wantStatus(t, w.editor.post("/edit/events/new", form), http.StatusOK, "remove an actor row")
	if regexp.MustCompile(`name="actors.[0-9].name"[^>]*value="Badr Organization"`).MatchString(body) || !regexp.MustCompile(`name="actors.0.name"[^>]*value="ISIS"`).MatchString(body) {
		t.Errorf("remove_actor 0 did not remove the first row")
	}
	form = w.eventForm("add_citation", "1")
	body = wantStatus(t, w.editor.post("/edit/events/new", form), http.StatusOK, "add a citation row")
	if n := strings.Count(body, `data-testid="citation-row"`); n != 2 {
		t.Errorf("after add_citation: %d citation rows, want 2", n)
	}
	form = w.eventForm("body", "Some *emphasis*", "preview", "1")
	body = wantStatus(t, w.editor.post("/edit/events/new", form), http.StatusOK, "preview")
	if !strings.Contains(body, "<em>emphasis</em>") {
		t.Errorf("the Preview button shows no preview")
	}
	page, _ := w.a.DB.FindActivity(t.Context(), conflict.ActivityFilter{RecordType: conflict.EventRecord})
	if len(page.Items) != 0 {
		t.Errorf("changing the form stored %d revisions", len(page.Items))
	}
}

func TestSuggestAndDateReading(t *testing.T) {
	w := newEditorWorld(t)
	body := wantStatus(t, w.editor.do(http.MethodGet, "/edit/suggest/actors?q=daes", nil), http.StatusOK, "suggest actors")
	if !strings.Contains(body, `<option value="Islamic State">Islamic State (also Daesh)</option>`) {
		t.Errorf("suggest actors for an alias = %q", body)
	}
	// htmx sends the input's own name.
	body = wantStatus(t, w.editor.do(http.MethodGet, "/edit/suggest/places?place=mos", nil), http.StatusOK, "suggest places")
	if !strings.Contains(body, `value="Mosul"`) {
		t.Errorf("suggest places = %q", body)
	}
	body = wantStatus(t, w.editor.do(http.MethodGet, "/edit/suggest/sources?citations.0.source=voice", nil), http.StatusOK, "suggest sources")
	if !strings.Contains(body, fmt.Sprintf("#%d", w.source.ID)) {
		t.Errorf("suggest sources = %q", body)
	}
	body = wantStatus(t, w.editor.do(http.MethodGet, "/edit/suggest/sources?q=%25", nil), http.StatusOK, "suggest %")
	if strings.Contains(body, "option") {
		t.Errorf("%% matched everything: %q", body)
	}
	body = wantStatus(t, w.editor.do(http.MethodGet, "/edit/date?date=2016-09-27", nil), http.StatusOK, "date")
	if body != "Reads as: 27 Sep 2016" {
		t.Errorf("date reading = %q", body)
	}
	body = wantStatus(t, w.editor.do(http.MethodGet, "/edit/date?date="+url.QueryEscape("<b>x</b>"), nil), http.StatusOK, "bad date")
	if strings.Contains(body, "<b>") {
		t.Errorf("date reading echoes markup: %q", body)
	}
}

func TestStaleSaveGetsConflictPage(t *testing.T) {
	w := newEditorWorld(t)
	id := w.create(w.editor, w.eventForm())
	path := fmt.Sprintf("/edit/events/%d", id)
	// Both editors open version 1; the first saves.
	w.editor.do(http.MethodGet, path, nil)
	w.editor2.do(http.MethodGet, path, nil)
	first := w.eventForm("version", "1", "title", "Badr Organization trains fighters in Diyala")
	rec := w.editor.post(path, first)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("first save = %d\n%s", rec.Code, pageText(rec.Body.String()))
	}
	second := w.eventForm("version", "1", "body", "Badr fighters trained near Baqubah.")
	body := wantStatus(t, w.editor2.post(path, second), http.StatusConflict, "stale save")
	text := pageText(body)
	for _, want := range []string{"Someone else saved this event while you were editing it", "Test editor",
		"Your changes are not saved.", "Saved version (theirs)", "Your version (not saved)",
		"Badr Organization trains fighters in Diyala", "Badr fighters trained near Baqubah."} {
		if !strings.Contains(text, want) {
			t.Errorf("the conflict page does not say %q", want)
		}
	}
	if !strings.Contains(body, `data-testid="conflict-table"`) || !strings.Contains(body, `data-field="title"`) || !strings.Contains(body, `data-field="body"`) {
		t.Errorf("the conflict table does not compare title and body field by field")
	}
	// The form holds the second editor's values, now based on version 2.
	if !strings.Contains(body, `name="version" value="2"`) || !strings.Contains(body, "Badr fighters trained near Baqubah.") {
		t.Errorf("the conflict page's form is not re-based on the stored version")
	}
	if e := w.event(id); e.Title != "Badr Organization trains fighters in Diyala" || e.Version != 2 {
		t.Errorf("the stale save changed the event: %q v%d", e.Title, e.Version)
	}
	// Re-applying on the current version saves.
	rec = w.editor2.post(path, w.eventForm("version", "2", "title", "Badr Organization trains fighters in Diyala", "body", "Badr fighters trained near Baqubah."))
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("re-applied save = %d\n%s", rec.Code, pageText(rec.Body.String()))
	}
	if e := w.event(id); e.Body != "Badr fighters trained near Baqubah." || e.Version != 3 {
		t.Errorf("after re-applying: %q v%d", e.Body, e.Version)
	}
}

func TestWorkflow(t *testing.T) {
	w := newEditorWorld(t)
	id := w.create(w.editor, w.eventForm())

	// An editor submits; an editor cannot publish.
	rec := w.status(w.editor, id, "submit")
	if rec.Code != http.StatusSeeOther || w.event(id).Status != conflict.Submitted {
		t.Fatalf("submit = %d, status %s", rec.Code, w.event(id).Status)
	}
	wantStatus(t, w.status(w.editor, id, "publish"), http.StatusForbidden, "an editor publishing")

	// The queue shows the submission with its changes.
	body := wantStatus(t, w.reviewer.do(http.MethodGet, "/review", nil), http.StatusOK, "GET /review")
	if !strings.Contains(body, `data-testid="review-item"`) || !strings.Contains(body, `data-field="title"`) ||
		!strings.Contains(body, fmt.Sprintf(`action="/review/events/%d/publish"`, id)) {
		t.Errorf("the review queue does not show the submission with its diff and a Publish button")
	}

	// A reviewer publishes: it is on the timeline.
	rec = w.status(w.reviewer, id, "publish", "from", "review")
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/review" {
		t.Fatalf("publish = %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	e := w.event(id)
	if e.Status != conflict.Published {
		t.Fatalf("status after publish = %s", e.Status)
	}
	if body := do(t, w.a.Handler(), http.MethodGet, "/events").Body.String(); !strings.Contains(body, e.Title) {
		t.Errorf("the published event is not on /events")
	}

	// Editing a published event needs a summary.
	path := fmt.Sprintf("/edit/events/%d", id)
	body = wantStatus(t, w.editor.post(path, w.eventForm("version", fmt.Sprint(e.Version), "body", "Changed.")), http.StatusUnprocessableEntity, "edit without summary")
	if !strings.Contains(pageText(body), "Say what you changed and why") {
		t.Errorf("no message for the missing summary")
	}

	// Retract: a reason is required, then the event leaves the timeline,
	// labelled on its page, and comes back with the switch.
	body = wantStatus(t, w.status(w.reviewer, id, "retract"), http.StatusUnprocessableEntity, "retract without a reason")
	if !strings.Contains(pageText(body), "Give the reason for the retraction") {
		t.Errorf("no message for the missing reason")
	}
	rec = w.status(w.reviewer, id, "retract", "note", "The report was withdrawn by its publisher.")
	if rec.Code != http.StatusSeeOther || w.event(id).Status != conflict.Retracted {
		t.Fatalf("retract = %d, status %s", rec.Code, w.event(id).Status)
	}
	if body := do(t, w.a.Handler(), http.MethodGet, "/events").Body.String(); strings.Contains(body, e.Title) {
		t.Errorf("the retracted event is still on /events")
	}
	if body := do(t, w.a.Handler(), http.MethodGet, "/events?retracted=1").Body.String(); !strings.Contains(body, e.Title) {
		t.Errorf("the retracted event is not on /events?retracted=1")
	}
	body = do(t, w.a.Handler(), http.MethodGet, fmt.Sprintf("/events/%d-%s", id, e.Slug)).Body.String()
	if !strings.Contains(pageText(body), "Retracted.") || !strings.Contains(pageText(body), "The report was withdrawn by its publisher.") {
		t.Errorf("the retracted event's page does not show the label and the reason")
	}
}

func TestRejectAndPublishRules(t *testing.T) {
	w := newEditorWorld(t)
	// Nothing is published without a citation.
	bare := w.create(w.editor, w.eventForm("citations.0.source", "", "citations.0.quote", "", "citations.0.locator", ""))
	if n := len(w.event(bare).Citations); n != 0 {
		t.Fatalf("the bare event has %d citations", n)
	}
	body := wantStatus(t, w.status(w.admin, bare, "publish", "without_review", "1"), http.StatusUnprocessableEntity, "publish without a citation")
	if !strings.Contains(pageText(body), "Nothing is published without a source.") {
		t.Errorf("no clear message for publishing without a citation:\n%s", pageText(body))
	}
	// An admin publishes a draft directly only by choosing "publish
	// without review"; a reviewer may not at all. Each refusal is told on
	// the panel, by its button, not on an error page.
	direct := w.create(w.editor, w.eventForm("title", "Coalition airstrikes limit IS reinforcement of Mosul"))
	body = wantStatus(t, w.status(w.reviewer, direct, "publish"), http.StatusForbidden, "a reviewer publishing a draft")
	if !strings.Contains(body, `data-testid="workflow-problem"`) || !strings.Contains(pageText(body), "Only an admin may publish") {
		t.Errorf("a reviewer publishing a draft is not told why on the panel:\n%s", pageText(body))
	}
	body = wantStatus(t, w.status(w.admin, direct, "publish"), http.StatusForbidden, "an admin publishing a draft without choosing to skip the review")
	if !strings.Contains(body, `data-testid="workflow-problem"`) || !strings.Contains(pageText(body), "publish without review") {
		t.Errorf("an admin publishing a draft is not told to choose \"publish without review\":\n%s", pageText(body))
	}
	if st := w.event(direct).Status; st != conflict.Draft {
		t.Errorf("after the refused publish the draft is %s", st)
	}
	if rec := w.status(w.admin, direct, "publish", "without_review", "1"); rec.Code != http.StatusSeeOther || w.event(direct).Status != conflict.Published {
		t.Errorf("an admin publishing a draft without review = %d, %s", rec.Code, w.event(direct).Status)
	}

	// Reject needs a comment, which the editor then sees.
	id := w.create(w.editor, w.eventForm("title", "Top IS officials leave Mosul for Raqqa"))
	w.status(w.editor, id, "submit")
	body = wantStatus(t, w.status(w.reviewer, id, "reject", "from", "review"), http.StatusUnprocessableEntity, "reject without a comment")
	if !strings.Contains(pageText(body), "Say why you are returning the submission") {
		t.Errorf("no message for the missing comment")
	}
	rec := w.status(w.reviewer, id, "reject", "note", "Give the date as an interval: July to September 2016.")
	if rec.Code != http.StatusSeeOther || w.event(id).Status != conflict.Rejected {
		t.Fatalf("reject = %d, %s", rec.Code, w.event(id).Status)
	}
	body = wantStatus(t, w.editor.do(http.MethodGet, fmt.Sprintf("/edit/events/%d", id), nil), http.StatusOK, "the rejected event's form")
	if !strings.Contains(body, `data-testid="rejection"`) || !strings.Contains(pageText(body), "Give the date as an interval: July to September 2016.") {
		t.Errorf("the editor does not see the reviewer's comment")
	}
	// A stale workflow button answers 409 and changes nothing.
	rec = w.reviewer.post(fmt.Sprintf("/review/events/%d/publish", direct), url.Values{"version": {"1"}})
	wantStatus(t, rec, http.StatusConflict, "publish from a stale page")
}

func TestRevertRestoresEarlierText(t *testing.T) {
	w := newEditorWorld(t)
	id := w.create(w.editor, w.eventForm())
	path := fmt.Sprintf("/edit/events/%d", id)
	original := w.event(id).Body
	rec := w.editor.post(path, w.eventForm("version", "1", "body", "A careless rewrite.", "summary", "Rewrote"))
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("edit = %d", rec.Code)
	}
	history := fmt.Sprintf("/events/%d/history", id)
	body := wantStatus(t, w.reviewer.do(http.MethodGet, history, nil), http.StatusOK, "history")
	if !strings.Contains(body, `data-testid="revert"`) || !strings.Contains(body, fmt.Sprintf(`action="/review/events/%d/revert"`, id)) {
		t.Errorf("the history page offers a reviewer no revert button")
	}
	if body := w.editor.do(http.MethodGet, history, nil).Body.String(); strings.Contains(body, `data-testid="revert"`) {
		t.Errorf("the history page offers an editor a revert button")
	}
	revert := url.Values{"version": {"2"}, "revision": {"1"}}
	wantStatus(t, w.editor.post(fmt.Sprintf("/review/events/%d/revert", id), revert), http.StatusForbidden, "an editor reverting")
	rec = w.reviewer.post(fmt.Sprintf("/review/events/%d/revert", id), revert)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != history {
		t.Fatalf("revert = %d to %q\n%s", rec.Code, rec.Header().Get("Location"), pageText(rec.Body.String()))
	}
	e := w.event(id)
	if e.Body != original || e.Version != 3 {
		t.Errorf("after revert: body %q v%d, want the original text as version 3", e.Body, e.Version)
	}
	revs, _ := w.a.DB.FindRevisions(t.Context(), conflict.EventRecord, int64(id))
	if len(revs) != 3 || revs[0].Action != conflict.ActionRevert || revs[0].Summary != "Reverted to revision 1" {
		t.Errorf("revisions = %+v", revs)
	}
	// Reverting from a stale history page is refused.
	wantStatus(t, w.reviewer.post(fmt.Sprintf("/review/events/%d/revert", id), revert), http.StatusConflict, "stale revert")
}

func TestEstimateForm(t *testing.T) {
	w := newEditorWorld(t)
	body := wantStatus(t, w.editor.do(http.MethodGet, "/edit/estimates/new", nil), http.StatusOK, "GET /edit/estimates/new")
	for _, want := range []string{`value="fighters"`, `type="radio"`, `value="at_most"`, "fill in Highest only", `name="claimant_actor"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the estimate form lacks %s", want)
		}
	}
	bad := url.Values{"version": {"0"}, "force": {"ISIS"}, "as_of": {"2016-09-29"}, "unit": {"fighters"}, "qualifier": {"range"},
		"low": {"lots"}, "high": {"4,500"}, "claimant": {"U.S. military officials"}}
	body = wantStatus(t, w.editor.post("/edit/estimates/new", bad), http.StatusUnprocessableEntity, "a bad estimate")
	if !strings.Contains(pageText(body), "Type a whole number") || !strings.Contains(body, `value="lots"`) {
		t.Errorf("the estimate's bad number is not explained and kept")
	}
	good := url.Values{"version": {"0"}, "force": {"ISIS"}, "place": {"Mosul"}, "as_of": {"July 2016"}, "unit": {"fighters"},
		"qualifier": {"at_most"}, "high": {"10,000"}, "claimant": {"Coalition estimates"},
		"citations.0.source": {fmt.Sprintf("x #%d", w.source.ID)}, "citations.0.quote": {"as many as 10,000"}}
	rec := w.editor.post("/edit/estimates/new", good)
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/edit/estimates/") {
		t.Fatalf("a good estimate = %d\n%s", rec.Code, pageText(rec.Body.String()))
	}
}

func TestRecordForms(t *testing.T) {
	w := newEditorWorld(t)
	for _, page := range []struct{ path, want string }{
		{"/edit/sources/new", `name="url"`},
		{"/edit/actors/new?name=Kurdish+Peshmerga", `value="Kurdish Peshmerga"`},
		{"/edit/places/new", `name="latitude"`},
		{"/edit/timelines/new", `name="pinned"`},
		{"/edit/estimates/new?force=ISIS", `value="ISIS"`},
		{fmt.Sprintf("/edit/sources/%d", w.source.ID), `name="version" value="1"`},
		{"/edit/actors/1", `value="Islamic State"`},
		{"/edit/places/1", `value="Mosul"`},
	} {
		body := wantStatus(t, w.editor.do(http.MethodGet, page.path, nil), http.StatusOK, "GET "+page.path)
		if !strings.Contains(body, page.want) || !strings.Contains(body, `name="_csrf"`) {
			t.Errorf("GET %s lacks %s or a CSRF token", page.path, page.want)
		}
	}
	rec := w.editor.post("/edit/actors/new", url.Values{"name": {""}, "colour": {"red"}})
	body := wantStatus(t, rec, http.StatusUnprocessableEntity, "a bad actor")
	if !strings.Contains(pageText(body), "Name is required.") || !strings.Contains(body, `value="red"`) {
		t.Errorf("the actor form does not explain and keep")
	}
	rec = w.editor.post("/edit/actors/new", url.Values{"name": {"Popular Mobilization Forces"}, "aliases": {"PMF"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/actors/popular-mobilization-forces" {
		t.Fatalf("a good actor = %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	// The new actor's page offers its edit form to signed-in editors only.
	page := w.editor.do(http.MethodGet, "/actors/popular-mobilization-forces", nil).Body.String()
	if !strings.Contains(page, `data-testid="edit-link"`) {
		t.Errorf("the actor page has no edit link for an editor")
	}
	if page := do(t, w.a.Handler(), http.MethodGet, "/actors/popular-mobilization-forces").Body.String(); strings.Contains(page, `data-testid="edit-link"`) {
		t.Errorf("the actor page shows an edit link to a reader")
	}
	rec = w.editor.post("/edit/places/new", url.Values{"name": {"Raqqa"}, "latitude": {"35.95"}, "longitude": {"39.01"}, "alt_names": {"ar: الرقة"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/places/raqqa" {
		t.Fatalf("a good place = %d to %q\n%s", rec.Code, rec.Header().Get("Location"), pageText(rec.Body.String()))
	}
	// The same URL is never two sources.
	rec = w.editor.post("/edit/sources/new", url.Values{"url": {w.source.URL + "/?utm_source=x"}, "publisher": {"VOA"}, "title": {"Again"}})
	body = wantStatus(t, rec, http.StatusUnprocessableEntity, "a duplicate source")
	if !strings.Contains(pageText(body), "Already recorded as") {
		t.Errorf("the duplicate source is not explained")
	}
	// A new timeline is a draft, whatever the form says: it goes to its
	// edit page, where it is submitted for review.
	rec = w.editor.post("/edit/timelines/new", url.Values{"title": {"Battle for Mosul"}, "actors": {"ISIS"}, "published": {"1"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/edit/timelines/1" {
		t.Fatalf("a good timeline = %d to %q\n%s", rec.Code, rec.Header().Get("Location"), pageText(rec.Body.String()))
	}
	body = wantStatus(t, w.editor.do(http.MethodGet, "/edit/timelines/1", nil), http.StatusOK, "GET the timeline's form")
	if !strings.Contains(body, `value="Battle for Mosul"`) || !strings.Contains(body, ">Islamic State</textarea>") {
		t.Errorf("the timeline's form does not show its title and its actors by name")
	}
	// An editor's edit of a published source says why, like an edit of
	// any public record, and waits for review: its public page keeps the
	// published title.
	src := fmt.Sprintf("/edit/sources/%d", w.source.ID)
	form := url.Values{"version": {"1"}, "url": {w.source.URL}, "publisher": {"Voice of America"}, "title": {"First"}}
	body = wantStatus(t, w.editor.post(src, form), http.StatusUnprocessableEntity, "an edit of a published source without a summary")
	if !strings.Contains(pageText(body), "Say what you changed and why") || !strings.Contains(body, `value="First"`) {
		t.Errorf("an edit of a published source without a summary is not asked for one, with the input kept")
	}
	form.Set("summary", "Shorter title")
	if rec := w.editor.post(src, form); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/edit" {
		t.Fatalf("an editor's source edit = %d to %q, want a pending edit's 303 to the desk", rec.Code, rec.Header().Get("Location"))
	}
	public := do(t, w.a.Handler(), http.MethodGet, fmt.Sprintf("/sources/%d", w.source.ID)).Body.String()
	if !strings.Contains(public, w.source.Title) || strings.Contains(pageText(public), "First") {
		t.Errorf("the source's public page does not keep its published title while the edit waits")
	}
	// Stale edits that would go live conflict too: an admin's, without
	// review.
	form.Set("without_review", "1")
	if rec := w.admin.post(src, form); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") == "/edit" {
		t.Fatalf("an admin's source edit without review = %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	form.Set("title", "Second")
	body = wantStatus(t, w.admin.post(src, form), http.StatusConflict, "stale source edit")
	if !strings.Contains(pageText(body), "Someone else saved this source") || !strings.Contains(body, `value="Second"`) {
		t.Errorf("no conflict page for the source, with the editor's own version in the form")
	}
}

func TestActivityLog(t *testing.T) {
	w := newEditorWorld(t)
	id := w.create(w.editor, w.eventForm())
	w.status(w.editor, id, "submit")
	body := wantStatus(t, w.admin.do(http.MethodGet, "/admin/activity", nil), http.StatusOK, "activity")
	text := pageText(body)
	for _, want := range []string{"Submitted for review", "Created", "Test editor", "Badr Organization fighters train in Diyala province", "setup"} {
		if !strings.Contains(text, want) {
			t.Errorf("the activity log does not show %q", want)
		}
	}
	body = wantStatus(t, w.admin.do(http.MethodGet, "/admin/activity?type=actor", nil), http.StatusOK, "activity of actors")
	if strings.Contains(pageText(body), "Submitted for review") || !strings.Contains(pageText(body), "Islamic State") {
		t.Errorf("the type filter does not filter")
	}
	wantStatus(t, w.admin.do(http.MethodGet, "/admin/activity?type=users", nil), http.StatusUnprocessableEntity, "unknown type")
	wantStatus(t, w.reviewer.do(http.MethodGet, "/admin/activity", nil), http.StatusForbidden, "a reviewer")

	// A publication by a second person is just "Published"; an admin's
	// publication of a draft without review says so.
	w.status(w.reviewer, id, "publish")
	body = wantStatus(t, w.admin.do(http.MethodGet, "/admin/activity?type=event", nil), http.StatusOK, "activity of events")
	if strings.Contains(body, `data-testid="unreviewed"`) {
		t.Errorf("a reviewed publication is marked as without review in the activity log")
	}
	direct := w.create(w.editor, w.eventForm("title", "Published by an admin alone"))
	if rec := w.status(w.admin, direct, "publish", "without_review", "1"); rec.Code != http.StatusSeeOther {
		t.Fatalf("an admin publishing without review = %d", rec.Code)
	}
	body = wantStatus(t, w.admin.do(http.MethodGet, "/admin/activity?type=event", nil), http.StatusOK, "activity of events")
	if n := strings.Count(body, `data-testid="unreviewed"`); n != 1 {
		t.Errorf("the activity log marks %d writes as without review, want the admin's publication", n)
	}
}
