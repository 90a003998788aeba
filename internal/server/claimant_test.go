package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
)

// estimateForm is a complete estimate form of the worked example.
func (w *editorWorld) estimateForm(kv ...string) url.Values {
	v := url.Values{"version": {"0"}, "force": {"ISIS"}, "place": {"Mosul"}, "as_of": {"2016-09-29"}, "unit": {"fighters"},
		"qualifier": {"range"}, "low": {"3,000"}, "high": {"4,500"}, "claimant": {"U.S. military officials"},
		"citations.0.source": {fmt.Sprintf("x #%d", w.source.ID)}, "citations.0.quote": {"3,000 to 4,500"}}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			v.Del(kv[i])
			continue
		}
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// publishedEstimate creates an estimate as an editor and has a reviewer
// publish it.
func (w *editorWorld) publishedEstimate(kv ...string) conflict.Estimate {
	w.t.Helper()
	rec := w.editor.post("/edit/estimates/new", w.estimateForm(kv...))
	loc := rec.Header().Get("Location")
	if rec.Code != http.StatusSeeOther {
		w.t.Fatalf("new estimate = %d\n%s", rec.Code, pageText(rec.Body.String()))
	}
	var id int64
	fmt.Sscanf(strings.TrimPrefix(loc, "/edit/estimates/"), "%d", &id)
	for _, step := range []struct {
		c    *userAgent
		path string
	}{{w.editor, "/edit/estimates/%d/submit"}, {w.reviewer, "/review/estimates/%d/publish"}} {
		x, _ := w.a.DB.FindEstimateByID(w.t.Context(), conflict.EstimateID(id))
		if rec := step.c.post(fmt.Sprintf(step.path, id), url.Values{"version": {fmt.Sprint(x.Version)}}); rec.Code != http.StatusSeeOther {
			w.t.Fatalf("%s = %d\n%s", step.path, rec.Code, pageText(rec.Body.String()))
		}
	}
	x, err := w.a.DB.FindEstimateByID(w.t.Context(), conflict.EstimateID(id))
	if err != nil || x.Status != conflict.Published {
		w.t.Fatalf("estimate %d: %s, %v", id, x.Status, err)
	}
	return x
}

// TestReviewShowsTheClaimantsKind: an editor may describe a claimant no
// reader sees yet; the reviewer who publishes its first estimate reads its
// kind in the preview, as it stands then.
func TestReviewShowsTheClaimantsKind(t *testing.T) {
	w := newEditorWorld(t)
	rec := w.editor.post("/edit/estimates/new", w.estimateForm("claimant", "Nineveh Operations Command"))
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("new estimate = %d\n%s", rec.Code, pageText(rec.Body.String()))
	}
	var id int64
	fmt.Sscanf(strings.TrimPrefix(rec.Header().Get("Location"), "/edit/estimates/"), "%d", &id)
	cl, err := w.a.DB.FindClaimantByName(t.Context(), "Nineveh Operations Command")
	if err != nil {
		t.Fatal(err)
	}
	cl.Type = conflict.Military
	if err := w.a.DB.UpdateClaimant(t.Context(), &cl, cl.Version, conflict.RoleEditor, 0); err != nil {
		t.Fatalf("describing a claimant no reader sees: %v", err)
	}
	x, _ := w.a.DB.FindEstimateByID(t.Context(), conflict.EstimateID(id))
	if rec := w.editor.post(fmt.Sprintf("/edit/estimates/%d/submit", id), url.Values{"version": {fmt.Sprint(x.Version)}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("submit = %d", rec.Code)
	}
	queue := pageText(w.reviewer.do(http.MethodGet, "/review", nil).Body.String())
	if !strings.Contains(queue, "Kind of claimant") || !strings.Contains(queue, conflict.Military.Label()) {
		t.Errorf("the reviewer's preview does not give the claimant's kind:\n%s", queue)
	}
}

// A claimant typed in any spelling is one claimant; the explorer and the
// API filter by it and by its kind ("what did governments say").
func TestClaimantFilters(t *testing.T) {
	w := newEditorWorld(t)
	a := w.publishedEstimate()
	b := w.publishedEstimate("claimant", "US military officials", "as_of", "2016-10-15")
	w.publishedEstimate("claimant", "Iraqi Ministry of Defence", "as_of", "2016-10-20")
	if a.ClaimantRecord == nil || b.ClaimantRecord == nil || a.ClaimantRecord.ID != b.ClaimantRecord.ID {
		t.Fatalf("two spellings made claimants %+v and %+v, want one", a.ClaimantRecord, b.ClaimantRecord)
	}
	// The form wrote the claimant as recorded, whatever was typed.
	if b.Claimant != "U.S. military officials" {
		t.Errorf("the second estimate's claimant is %q, want the recorded name", b.Claimant)
	}
	ministry, err := w.a.DB.FindClaimantByName(t.Context(), "Iraqi Ministry of Defence")
	if err != nil {
		t.Fatal(err)
	}
	// Retyping a claimant readers see is proposed and accepted by someone else.
	w.proposeAndAccept(ministry, "government")
	h := w.a.Handler()
	page := wantStatus(t, do(t, h, http.MethodGet, "/estimates?claimant_type=government"), http.StatusOK, "governments' estimates")
	if !strings.Contains(page, "Iraqi Ministry of Defence") || strings.Contains(page, "U.S. military officials") {
		t.Errorf("/estimates?claimant_type=government does not list only the government's estimates:\n%s", pageText(page))
	}
	page = wantStatus(t, do(t, h, http.MethodGet, "/estimates?claimant=us+military+officials"), http.StatusOK, "one claimant's estimates")
	if strings.Count(page, fmt.Sprintf(`href="/estimates/%d"`, a.ID)) == 0 || strings.Count(page, fmt.Sprintf(`href="/estimates/%d"`, b.ID)) == 0 ||
		strings.Contains(page, "Iraqi Ministry") {
		t.Errorf("/estimates?claimant= does not list every spelling of the claimant and only it:\n%s", pageText(page))
	}
	api := wantStatus(t, do(t, h, http.MethodGet, "/api/v1/estimates?claimant_type=government"), http.StatusOK, "API by claimant type")
	if !strings.Contains(api, `"claimant_type":"government"`) || strings.Contains(api, "U.S. military") {
		t.Errorf("the API's claimant_type filter: %s", api)
	}
	wantStatus(t, do(t, h, http.MethodGet, "/api/v1/estimates?claimant_type=pundit"), http.StatusBadRequest, "an unknown claimant type")
	// The claimant's page names its kind.
	page = wantStatus(t, do(t, h, http.MethodGet, fmt.Sprintf("/claimants/%d", ministry.ID)), http.StatusOK, "the claimant's page")
	if !strings.Contains(page, `data-testid="claimant-kind">government<`) {
		t.Errorf("the claimant's page does not say it is a government:\n%s", pageText(page))
	}
	list := wantStatus(t, do(t, h, http.MethodGet, "/claimants"), http.StatusOK, "the claimants")
	if !strings.Contains(list, `data-testid="claimants-government"`) {
		t.Errorf("/claimants does not group the government")
	}
}

// TestTablesSayTheirOrder: a claimant's page lists its latest estimates
// newest first, an estimate's page the force's others near its date oldest
// first, and each table's caption says which.
func TestTablesSayTheirOrder(t *testing.T) {
	w := newEditorWorld(t)
	older := w.publishedEstimate("as_of", "2016-09-29")
	newer := w.publishedEstimate("as_of", "2016-10-15")
	h := w.a.Handler()
	for _, tt := range []struct {
		path, caption string
		first, second conflict.Estimate
	}{
		{fmt.Sprintf("/claimants/%d", older.ClaimantRecord.ID), "Estimates, newest first", newer, older},
		{fmt.Sprintf("/estimates/%d", w.publishedEstimate("as_of", "2016-10-01").ID), "Estimates, oldest first", older, newer},
	} {
		page := wantStatus(t, do(t, h, http.MethodGet, tt.path), http.StatusOK, tt.path)
		if got := strings.Count(page, "<caption>"+tt.caption+"</caption>"); got != 1 {
			t.Errorf("%s: %d tables captioned %q, want 1", tt.path, got, tt.caption)
		}
		first := strings.Index(page, fmt.Sprintf(`href="/estimates/%d"`, tt.first.ID))
		second := strings.Index(page, fmt.Sprintf(`href="/estimates/%d"`, tt.second.ID))
		if first < 0 || second < 0 || first > second {
			t.Errorf("%s lists the estimate of %s at %d and that of %s at %d, want the first before the second",
				tt.path, tt.first.AsOf, first, tt.second.AsOf, second)
		}
	}
}

// A bad claimant edit is explained beside its field, keeps what was typed
// and stores nothing.
func TestClaimantFormBadInput(t *testing.T) {
	w := newEditorWorld(t)
	x := w.publishedEstimate()
	c, _ := w.a.DB.FindClaimantByID(t.Context(), x.ClaimantRecord.ID)
	path := fmt.Sprintf("/edit/claimants/%d", c.ID)
	form := url.Values{"version": {fmt.Sprint(c.Version)}, "type": {"military"}, "affiliation": {"Nobody Known"}, "description": {"Kept words."}}
	body := wantStatus(t, w.reviewer.post(path, form), http.StatusUnprocessableEntity, "an unknown affiliation")
	if !strings.Contains(body, "No actor is called “Nobody Known”") || !strings.Contains(body, `value="Nobody Known"`) || !strings.Contains(body, "Kept words.") {
		t.Errorf("the refused claimant form does not explain and keep its input:\n%s", pageText(body))
	}
	if got, _ := w.a.DB.FindClaimantByID(t.Context(), c.ID); got.Type != conflict.OtherClaimant || got.Version != c.Version {
		t.Errorf("a refused claimant edit stored %s v%d", got.Type, got.Version)
	}
	// The same for a proposal's own field, its summary.
	form.Set("affiliation", "")
	form.Set("summary", strings.Repeat("why ", 130))
	body = wantStatus(t, w.reviewer.post(path, form), http.StatusUnprocessableEntity, "an overlong summary")
	if !strings.Contains(body, `data-testid="error-summary"`) || !strings.Contains(pageText(body), "at most 500 characters") {
		t.Errorf("the overlong summary is not explained beside its field:\n%s", pageText(body))
	}
	if !strings.Contains(body, "why why why") {
		t.Errorf("the refused proposal does not keep the summary typed")
	}
	if p, _ := w.a.DB.FindClaimantProposal(t.Context(), c.ID); p != nil {
		t.Errorf("a refused proposal was stored: %+v", p)
	}
}

// proposeAndAccept has the reviewer propose a new type for the public
// claimant c and the admin accept it.
func (w *editorWorld) proposeAndAccept(c conflict.Claimant, typ string) {
	w.t.Helper()
	form := url.Values{"version": {fmt.Sprint(c.Version)}, "type": {typ}, "affiliation": {""}, "description": {""}}
	if rec := w.reviewer.post(fmt.Sprintf("/edit/claimants/%d", c.ID), form); rec.Code != http.StatusSeeOther {
		w.t.Fatalf("proposing a type = %d\n%s", rec.Code, pageText(rec.Body.String()))
	}
	p, err := w.a.DB.FindClaimantProposal(w.t.Context(), c.ID)
	if err != nil || p == nil {
		w.t.Fatalf("no proposal after a reviewer's change: %v", err)
	}
	if rec := w.admin.post(fmt.Sprintf("/review/claimants/%d/accept", c.ID), url.Values{"proposal": {fmt.Sprint(p.ID)}}); rec.Code != http.StatusSeeOther {
		w.t.Fatalf("accepting = %d\n%s", rec.Code, pageText(rec.Body.String()))
	}
}

// A change to a claimant readers see reaches them only once a second
// person accepts it: until then /claimants/{id} and the claimant-type
// filter show it as it was; the proposer cannot accept it; a rejection
// leaves it as it was; under the one-person rule a reviewer's change
// applies at once.
func TestClaimantProposalWaitsForSecondReviewer(t *testing.T) {
	w := newEditorWorld(t)
	reviewer2 := w.client("rev2@example.org", conflict.RoleReviewer)
	x := w.publishedEstimate("claimant", "Iraqi Ministry of Defence")
	c, err := w.a.DB.FindClaimantByID(t.Context(), x.ClaimantRecord.ID)
	if err != nil {
		t.Fatal(err)
	}
	h := w.a.Handler()
	page := fmt.Sprintf("/claimants/%d", c.ID)
	edit := fmt.Sprintf("/edit/claimants/%d", c.ID)
	readersSee := func(want string) {
		t.Helper()
		body := wantStatus(t, do(t, h, http.MethodGet, page), http.StatusOK, "the claimant's page")
		if !strings.Contains(body, `data-testid="claimant-kind">`+want+`<`) {
			t.Errorf("readers see the claimant's kind as %q, want %q:\n%s", between(body, `data-testid="claimant-kind">`, "<"), want, pageText(body))
		}
		if strings.Contains(body, "claimant-proposal") {
			t.Errorf("readers are shown the proposal")
		}
		gov := wantStatus(t, do(t, h, http.MethodGet, "/estimates?claimant_type=government"), http.StatusOK, "governments' estimates")
		if listed := strings.Contains(gov, "Iraqi Ministry of Defence"); listed != (want == "government") {
			t.Errorf("/estimates?claimant_type=government lists the ministry: %v, while its kind is %s", listed, want)
		}
	}
	form := url.Values{"version": {fmt.Sprint(c.Version)}, "type": {"government"}, "affiliation": {""}, "description": {""},
		"summary": {"It is the ministry"}}
	if rec := w.reviewer.post(edit, form); rec.Code != http.StatusSeeOther {
		t.Fatalf("a reviewer's change = %d\n%s", rec.Code, pageText(rec.Body.String()))
	}
	readersSee("other")

	// Editors see it before and after; a second person's proposal is refused, naming who proposed what.
	ed := wantStatus(t, w.editor.do(http.MethodGet, page, nil), http.StatusOK, "the claimant's page for an editor")
	if !strings.Contains(ed, `data-testid="claimant-proposal"`) || !strings.Contains(ed, `data-testid="proposal-old">other`) ||
		!strings.Contains(ed, `data-testid="proposal-new">government`) || strings.Contains(ed, `data-testid="accept"`) {
		t.Errorf("an editor does not see the proposal before and after, without the decision:\n%s", pageText(ed))
	}
	if year := time.Now().UTC().Format(" Jan 2006 "); !strings.Contains(pageText(ed), "Proposed by") || !strings.Contains(pageText(ed), year) {
		t.Errorf("the proposal does not say it was made this month (%s):\n%s", year, pageText(ed))
	}
	other := url.Values{"version": {fmt.Sprint(c.Version)}, "type": {"media"}, "affiliation": {""}, "description": {""}}
	body := wantStatus(t, w.editor.post(edit, other), http.StatusConflict, "a second person's proposal")
	if txt := pageText(body); !strings.Contains(txt, "proposed a change to this claimant") || !strings.Contains(txt, "other → government") {
		t.Errorf("the refusal does not name who proposed what:\n%s", txt)
	}

	// The proposer cannot decide it, and is not offered to.
	p, _ := w.a.DB.FindClaimantProposal(t.Context(), c.ID)
	if own := w.reviewer.do(http.MethodGet, page, nil).Body.String(); strings.Contains(own, `data-testid="accept"`) {
		t.Errorf("the proposer is offered to accept their own proposal")
	}
	body = wantStatus(t, w.reviewer.post(fmt.Sprintf("/review/claimants/%d/accept", c.ID), url.Values{"proposal": {fmt.Sprint(p.ID)}}),
		http.StatusForbidden, "the proposer accepting")
	if !strings.Contains(pageText(body), "another reviewer must accept or reject it") {
		t.Errorf("the refusal does not say why:\n%s", pageText(body))
	}
	readersSee("other")

	// The review queue lists it, linked to the claimant.
	queue := wantStatus(t, reviewer2.do(http.MethodGet, "/review", nil), http.StatusOK, "the review queue")
	if !strings.Contains(queue, `data-testid="claimant-proposal-row"`) || !strings.Contains(queue, fmt.Sprintf(`href="/claimants/%d#claimant-proposal-h"`, c.ID)) {
		t.Errorf("the review queue does not list the proposal:\n%s", pageText(queue))
	}
	// A second reviewer is offered the decision, and accepting it reaches readers.
	if r2 := reviewer2.do(http.MethodGet, page, nil).Body.String(); !strings.Contains(r2, `data-testid="accept"`) ||
		!strings.Contains(between(r2, `data-testid="proposal-decision"`, "</form>"), `name="_csrf"`) {
		t.Errorf("a second reviewer is not offered the decision:\n%s", pageText(r2))
	}
	if rec := reviewer2.post(fmt.Sprintf("/review/claimants/%d/accept", c.ID), url.Values{"proposal": {fmt.Sprint(p.ID)}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("a second reviewer accepting = %d\n%s", rec.Code, pageText(rec.Body.String()))
	}
	readersSee("government")
	if q := reviewer2.do(http.MethodGet, "/review", nil).Body.String(); strings.Contains(q, `data-testid="claimant-proposal-row"`) {
		t.Errorf("an accepted proposal is still listed in the queue")
	}

	// A rejected proposal leaves the claimant as it is.
	c, _ = w.a.DB.FindClaimantByID(t.Context(), c.ID)
	form.Set("version", fmt.Sprint(c.Version))
	form.Set("type", "military")
	if rec := w.editor.post(edit, form); rec.Code != http.StatusSeeOther {
		t.Fatalf("an editor's proposal = %d\n%s", rec.Code, pageText(rec.Body.String()))
	}
	p, _ = w.a.DB.FindClaimantProposal(t.Context(), c.ID)
	if p == nil {
		t.Fatal("an editor's change to a public claimant was not proposed")
	}
	if rec := w.reviewer.post(fmt.Sprintf("/review/claimants/%d/reject", c.ID), url.Values{"proposal": {fmt.Sprint(p.ID)}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("rejecting = %d\n%s", rec.Code, pageText(rec.Body.String()))
	}
	readersSee("government")
	if p, _ := w.a.DB.FindClaimantProposal(t.Context(), c.ID); p != nil {
		t.Errorf("a rejected proposal is still open")
	}

	// Under the one-person rule a reviewer's change applies at once.
	w.a.DB.SetReviewRule(conflict.OnePerson)
	form.Set("type", "media")
	if rec := w.reviewer.post(edit, form); rec.Code != http.StatusSeeOther {
		t.Fatalf("a reviewer's change under the one-person rule = %d\n%s", rec.Code, pageText(rec.Body.String()))
	}
	readersSee("media")
}

// between is the text of s after start up to end.
func between(s, start, end string) string {
	i := strings.Index(s, start)
	if i < 0 {
		return ""
	}
	s = s[i+len(start):]
	if j := strings.Index(s, end); j >= 0 {
		return s[:j]
	}
	return s
}

// Links between estimates: a bad one is explained beside its row with the
// form kept; a good one waits for review on a published estimate, and
// once accepted both pages show it, worded from each side.
func TestEstimateRelations(t *testing.T) {
	w := newEditorWorld(t)
	earlier := w.publishedEstimate("as_of", "2016-07", "qualifier", "at_most", "low", "", "high", "10,000")
	other := w.publishedEstimate("claimant", "Kurdish intelligence", "as_of", "2016-08")
	// Strict bounds typed as said: "fewer than 9,000".
	later := w.publishedEstimate("as_of", "2016-09-29", "qualifier", "range", "low", "", "high", "fewer than 9,000")
	if later.Qualifier != conflict.FewerThan || later.ValueText() != "fewer than 9,000" {
		t.Errorf("\"fewer than 9,000\" was stored as %s %q", later.Qualifier, later.ValueText())
	}
	path := fmt.Sprintf("/edit/estimates/%d", later.ID)
	form := func(kv ...string) url.Values {
		return w.estimateForm(append([]string{"version", fmt.Sprint(later.Version), "qualifier", "fewer_than", "low", "", "high", "9000",
			"summary", "Revises the July figure"}, kv...)...)
	}
	// Another claimant's claim is disputed, never revised.
	bad := form("relations.0.kind", "supersedes", "relations.0.target", fmt.Sprint(other.ID))
	body := wantStatus(t, w.editor.post(path, bad), http.StatusUnprocessableEntity, "revising another claimant's claim")
	if !strings.Contains(body, `data-testid="error-relations.0"`) || !strings.Contains(pageText(body), "disputes it rather than revising it") ||
		!strings.Contains(body, fmt.Sprintf(`value="%d"`, other.ID)) {
		t.Errorf("the refused link is not explained beside its row with the input kept:\n%s", pageText(body))
	}
	for _, bad := range []url.Values{
		form("relations.0.kind", "disputes", "relations.0.target", "the other one"),
		form("relations.0.kind", "disputes", "relations.0.target", fmt.Sprint(later.ID)),
		form("relations.0.kind", "conflicting_dates", "relations.0.target", fmt.Sprint(other.ID)),
	} {
		wantStatus(t, w.editor.post(path, bad), http.StatusUnprocessableEntity, "a bad link: "+bad.Get("relations.0.target"))
	}
	if n := len(w.waiting(conflict.EstimateRecord, int64(later.ID))); n != 0 {
		t.Fatalf("refused links left %d pending edits", n)
	}
	// A good link, by the earlier estimate's address, waits for review.
	good := form("relations.0.kind", "supersedes", "relations.0.target", fmt.Sprintf("https://example.org/estimates/%d", earlier.ID))
	if rec := w.editor.post(path, good); rec.Code != http.StatusSeeOther {
		t.Fatalf("a good link = %d\n%s", rec.Code, pageText(rec.Body.String()))
	}
	h := w.a.Handler()
	if page := do(t, h, http.MethodGet, fmt.Sprintf("/estimates/%d", earlier.ID)).Body.String(); strings.Contains(page, "Revised by") {
		t.Error("a link waiting for review is shown to readers")
	}
	pending := w.waiting(conflict.EstimateRecord, int64(later.ID))
	if len(pending) != 1 {
		t.Fatalf("pending edits = %d, want the link waiting", len(pending))
	}
	if rec := w.reviewer.post(fmt.Sprintf("/review/pending/%d/accept", pending[0].ID), url.Values{"version": {fmt.Sprint(later.Version)}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("accept = %d\n%s", rec.Code, pageText(rec.Body.String()))
	}
	page := wantStatus(t, do(t, h, http.MethodGet, fmt.Sprintf("/estimates/%d", earlier.ID)), http.StatusOK, "the revised estimate")
	if !strings.Contains(page, `data-testid="revised-notice"`) || !strings.Contains(pageText(page), "Revised by") ||
		!strings.Contains(page, fmt.Sprintf(`href="/estimates/%d"`, later.ID)) {
		t.Errorf("the revised estimate does not say what revised it:\n%s", pageText(page))
	}
	page = wantStatus(t, do(t, h, http.MethodGet, fmt.Sprintf("/estimates/%d", later.ID)), http.StatusOK, "the revising estimate")
	if !strings.Contains(pageText(page), "Revises") || !strings.Contains(pageText(page), "fewer than 9,000") {
		t.Errorf("the revising estimate does not say what it revises:\n%s", pageText(page))
	}
	var rec struct {
		Relations []struct {
			Kind   string `json:"kind"`
			Target int64  `json:"target"`
			Source int64  `json:"source"`
		} `json:"relations"`
	}
	getJSON(t, h, fmt.Sprintf("/api/v1/estimates/%d", later.ID), http.StatusOK, &rec)
	if len(rec.Relations) != 1 || rec.Relations[0].Kind != "supersedes" || rec.Relations[0].Target != int64(earlier.ID) ||
		rec.Relations[0].Source != int64(w.source.ID) {
		t.Errorf("the API's relations = %+v, want the link with its source", rec.Relations)
	}
}

// Events are linked as estimates are, and also as the same event with
// conflicting dates; both pages say so once the link is published.
func TestEventRelations(t *testing.T) {
	w := newEditorWorld(t)
	first := w.publishedEvent("Badr fighters train in Diyala")
	id := w.create(w.editor, w.eventForm("title", "Badr fighters train north of Baqubah", "date", "2016-09-29",
		"relations.0.kind", "conflicting_dates", "relations.0.target", fmt.Sprintf("/events/%d-%s", first.ID, first.Slug)))
	if rec := w.status(w.editor, id, "submit"); rec.Code != http.StatusSeeOther {
		t.Fatalf("submit = %d", rec.Code)
	}
	h := w.a.Handler()
	if page := do(t, h, http.MethodGet, fmt.Sprintf("/events/%d-%s", first.ID, first.Slug)).Body.String(); strings.Contains(page, "conflicting dates") {
		t.Error("a link from an event waiting for review is shown to readers")
	}
	if rec := w.status(w.reviewer, id, "publish"); rec.Code != http.StatusSeeOther {
		t.Fatalf("publish = %d\n%s", rec.Code, pageText(rec.Body.String()))
	}
	second := w.event(id)
	for _, e := range []conflict.Event{first, second} {
		page := wantStatus(t, do(t, h, http.MethodGet, fmt.Sprintf("/events/%d-%s", e.ID, e.Slug)), http.StatusOK, "an event's page")
		if !strings.Contains(page, `data-testid="relation-conflicting_dates"`) || !strings.Contains(pageText(page), "Same event, conflicting dates:") {
			t.Errorf("event %d's page does not show the link:\n%s", e.ID, pageText(page))
		}
	}
	// The same kind is refused between estimates, beside its row.
	x := w.publishedEstimate()
	bad := w.estimateForm("relations.0.kind", "conflicting_dates", "relations.0.target", fmt.Sprint(x.ID))
	body := wantStatus(t, w.editor.post("/edit/estimates/new", bad), http.StatusUnprocessableEntity, "an estimate with an events-only link")
	if !strings.Contains(body, `data-testid="error-relations.0"`) || !strings.Contains(pageText(body), "links events only") {
		t.Errorf("the events-only link is not explained beside its row:\n%s", pageText(body))
	}
}
