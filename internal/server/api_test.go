package server_test

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/api"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/server"
)

func getJSON(t *testing.T, h http.Handler, target string, want int, into any) *http.Response {
	t.Helper()
	rec := do(t, h, http.MethodGet, target)
	if rec.Code != want {
		t.Fatalf("GET %s = %d, want %d:\n%s", target, rec.Code, want, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("GET %s: Content-Type %q, want JSON", target, ct)
	}
	if into != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), into); err != nil {
			t.Fatalf("GET %s: %v\n%s", target, err, rec.Body)
		}
	}
	return rec.Result()
}

func TestAPIEvents(t *testing.T) {
	h := newHandler(t)
	var list api.List[api.Event]
	res := getJSON(t, h, "/api/v1/events", http.StatusOK, &list)
	if list.Kind != "events" || len(list.Data) != 3 || list.Next != nil {
		t.Fatalf("events = %s, %d records, next %v; want the demo's 3 on one page", list.Kind, len(list.Data), list.Next)
	}
	if got := res.Header.Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("Access-Control-Allow-Origin = %q, want *", got)
	}
	if res.Header.Get("Set-Cookie") != "" || res.Header.Get("Access-Control-Allow-Credentials") != "" {
		t.Errorf("the API set a cookie or allowed credentials: %v", res.Header)
	}
	e := list.Data[0]
	if e.ID == 0 || e.Date == nil || e.Date.EDTF != "2016-07/2016-09" || e.Date.Lower != "2016-07-01" || e.Date.Upper != "2016-09-30" {
		t.Errorf("first event = %+v %+v, want the July–September interval with its bounds", e, e.Date)
	}
	if len(e.Citations) == 0 || e.Citations[0].Source.URL == "" || e.Page == "" {
		t.Errorf("first event lacks citations or its page: %+v", e)
	}

	// Pages' filters and paging.
	var page1 api.List[api.Event]
	getJSON(t, h, "/api/v1/events?limit=2&from=2016", http.StatusOK, &page1)
	if len(page1.Data) != 2 || page1.Next == nil {
		t.Fatalf("limit=2: %d records, next %v", len(page1.Data), page1.Next)
	}
	next, _ := url.Parse(*page1.Next)
	if next.Query().Get("from") != "2016" || next.Query().Get("limit") != "2" {
		t.Errorf("next = %s, want the filter kept", *page1.Next)
	}
	var page2 api.List[api.Event]
	getJSON(t, h, next.RequestURI(), http.StatusOK, &page2)
	if len(page2.Data) == 0 || page2.Data[0].ID == page1.Data[1].ID || page2.Prev == nil {
		t.Errorf("page 2 = %+v", page2)
	}

	var one api.Event
	getJSON(t, h, "/api/v1/events/"+itoa(int(e.ID)), http.StatusOK, &one)
	if one.ID != e.ID || one.Title != e.Title {
		t.Errorf("event by id = %+v, want %+v", one, e)
	}
	var tl api.List[api.Event]
	getJSON(t, h, "/api/v1/timelines/mosul-2016/events?tag=training", http.StatusOK, &tl)
	if len(tl.Data) != 1 {
		t.Errorf("timeline events with tag=training = %d, want 1", len(tl.Data))
	}
}

func TestAPIRecords(t *testing.T) {
	h := newHandler(t)
	var xs api.List[api.Estimate]
	getJSON(t, h, "/api/v1/estimates?force=ISIS", http.StatusOK, &xs)
	if len(xs.Data) != 2 {
		t.Fatalf("estimates of ISIS = %d, want 2", len(xs.Data))
	}
	for _, x := range xs.Data {
		if x.Qualifier == "at_most" && (x.Low != nil || x.High == nil || *x.High != 10000) {
			t.Errorf("as-many-as estimate = low %v high %v, want null and 10000", x.Low, x.High)
		}
	}
	var actor api.Actor
	getJSON(t, h, "/api/v1/actors/islamic-state", http.StatusOK, &actor)
	if actor.Name != "Islamic State" || len(actor.Aliases) == 0 {
		t.Errorf("actor = %+v", actor)
	}
	var byID api.Actor
	getJSON(t, h, "/api/v1/actors/"+itoa(int(actor.ID)), http.StatusOK, &byID)
	if byID.Slug != actor.Slug {
		t.Errorf("actor by id = %+v", byID)
	}
	var place api.Place
	getJSON(t, h, "/api/v1/places/mosul", http.StatusOK, &place)
	if place.Coordinates == nil || place.Parent == nil || len(place.AltNames) == 0 {
		t.Errorf("place = %+v", place)
	}
	for _, list := range []string{"/api/v1/sources", "/api/v1/actors", "/api/v1/places", "/api/v1/timelines"} {
		var l api.List[json.RawMessage]
		getJSON(t, h, list, http.StatusOK, &l)
		if len(l.Data) == 0 {
			t.Errorf("%s is empty", list)
		}
	}
	var actors api.List[api.Actor]
	getJSON(t, h, "/api/v1/actors?limit=2", http.StatusOK, &actors)
	if actors.Next == nil {
		t.Fatal("actors?limit=2 has no next page")
	}
	var tl api.Timeline
	getJSON(t, h, "/api/v1/timelines/mosul-2016", http.StatusOK, &tl)
	if tl.Title == "" || !strings.HasSuffix(tl.Events, "/api/v1/timelines/mosul-2016/events") {
		t.Errorf("timeline = %+v", tl)
	}
}

func TestAPIErrors(t *testing.T) {
	h := newHandler(t)
	tests := []struct {
		target    string
		status    int
		parameter string
	}{
		{"/api/v1/events?actor=Nobody+At+All", 400, "actor"},
		{"/api/v1/events?from=not-a-date", 400, "from"},
		{"/api/v1/events?after=garbage", 400, "after"},
		{"/api/v1/events?limit=5000", 400, "limit"},
		{"/api/v1/events?actr=ISIS", 400, "actr"},
		{"/api/v1/estimates?force=Nobody", 400, "force"},
		{"/api/v1/estimates?actor=Nobody", 400, "actor"},
		{"/api/v1/sources?after=x", 400, "after"},
		{"/api/v1/export/events", 400, "format"},
		{"/api/v1/export/events?format=xls", 400, "format"},
		{"/api/v1/events/999999", 404, ""},
		{"/api/v1/events/abc", 404, ""},
		{"/api/v1/actors/nobody", 404, ""},
		{"/api/v1/timelines/nope", 404, ""},
		{"/api/v1/nothing-here", 404, ""},
	}
	for _, tt := range tests {
		var body api.ErrorBody
		res := getJSON(t, h, tt.target, tt.status, &body)
		if body.Error.Message == "" || body.Error.Parameter != tt.parameter {
			t.Errorf("GET %s = %+v, want a message and parameter %q", tt.target, body, tt.parameter)
		}
		if res.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("GET %s: error without CORS", tt.target)
		}
	}
	rec := do(t, h, http.MethodPost, "/api/v1/events")
	// Echo answers 404 rather than 405 under a group with middleware.
	if (rec.Code != http.StatusMethodNotAllowed && rec.Code != http.StatusNotFound) || !strings.Contains(rec.Body.String(), `"error"`) {
		t.Errorf("POST /api/v1/events = %d %s, want 405 or 404 in JSON", rec.Code, rec.Body)
	}
}

// TestOpenAPI checks the OpenAPI document against the routes and the
// records: every API route is described and every described path is
// served; each record's schema names exactly the record's JSON fields.
func TestOpenAPI(t *testing.T) {
	h := newHandler(t)
	var doc struct {
		OpenAPI    string                     `json:"openapi"`
		Paths      map[string]json.RawMessage `json:"paths"`
		Components struct {
			Schemas map[string]struct {
				Properties map[string]json.RawMessage `json:"properties"`
				AllOf      []json.RawMessage          `json:"allOf"`
			} `json:"schemas"`
		} `json:"components"`
	}
	getJSON(t, h, "/api/v1/openapi.json", http.StatusOK, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi = %q", doc.OpenAPI)
	}
	e := h.(*server.Handler)
	param := regexp.MustCompile(`:([a-z]+)`)
	served := map[string]bool{}
	for _, r := range e.Routes() {
		if r.Method != http.MethodGet || !strings.HasPrefix(r.Path, "/api/v1/") {
			continue
		}
		served[param.ReplaceAllString(r.Path, "{$1}")] = true
	}
	for p := range served {
		if _, ok := doc.Paths[p]; !ok {
			t.Errorf("route %s is not in openapi.json", p)
		}
	}
	for p := range doc.Paths {
		if !served[p] {
			t.Errorf("openapi.json describes %s, which is not served", p)
		}
	}
	for name, v := range map[string]struct {
		record   any
		optional []string
	}{
		"Event":          {api.Event{}, []string{"id", "external_id", "status_note", "page", "version", "created_at", "updated_at"}},
		"Estimate":       {api.Estimate{}, []string{"id", "external_id", "claimant_type", "status_note", "page", "version", "created_at", "updated_at"}},
		"Source":         {api.Source{}, []string{"id", "published", "language", "archived_url", "reliability", "notes", "page", "version", "created_at", "updated_at"}},
		"Actor":          {api.Actor{}, []string{"page", "version", "created_at", "updated_at"}},
		"Place":          {api.Place{}, []string{"page", "version", "created_at", "updated_at"}},
		"Timeline":       {api.Timeline{}, []string{"page", "version", "created_at", "updated_at"}},
		"Citation":       {api.Citation{}, []string{"quote", "locator", "credibility"}},
		"ActorRef":       {api.ActorRef{}, []string{"id", "colour"}},
		"PlaceRef":       {api.PlaceRef{}, []string{"id", "coordinates"}},
		"AltName":        {api.AltName{}, []string{"lang"}},
		"Date":           {api.Date{}, nil},
		"Coordinates":    {api.Coordinates{}, nil},
		"TimelineFilter": {api.TimelineFilter{}, nil},
		"EventList":      {api.List[api.Event]{}, []string{"prev"}},
		"Error":          {api.ErrorBody{}, nil},
	} {
		fields := jsonFields(t, v.record, v.optional)
		var props []string
		for p := range doc.Components.Schemas[name].Properties {
			props = append(props, p)
		}
		sort.Strings(props)
		if strings.Join(props, " ") != strings.Join(fields, " ") {
			t.Errorf("schema %s has %v, the record has %v", name, props, fields)
		}
	}
}

// jsonFields lists the JSON names of a record's fields: those a zero
// record marshals, and the optional ones it leaves out.
func jsonFields(t *testing.T, v any, optional []string) []string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for k := range m {
		names[k] = true
	}
	for _, k := range optional {
		names[k] = true
	}
	out := make([]string, 0, len(names))
	for k := range names {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestAPIDocsPage(t *testing.T) {
	h := newHandler(t)
	rec := do(t, h, http.MethodGet, "/api/v1")
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("GET /api/v1 = %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	// Every example on the page is a request the API answers.
	examples := regexp.MustCompile(`data-testid="api-example"[^>]*>|href="(/api/v1/[^"]+)" data-testid="api-example"`).FindAllStringSubmatch(rec.Body.String(), -1)
	n := 0
	for _, m := range examples {
		if m[1] == "" {
			continue
		}
		n++
		target := strings.ReplaceAll(m[1], "&amp;", "&")
		if r := do(t, h, http.MethodGet, target); r.Code != http.StatusOK {
			t.Errorf("example %s = %d:\n%s", target, r.Code, r.Body)
		}
	}
	if n < 10 {
		t.Errorf("found %d examples on the page, want one per endpoint", n)
	}
}

func TestExports(t *testing.T) {
	h := newHandler(t)
	rec := do(t, h, http.MethodGet, "/api/v1/export/events?format=csv&actor=ISIS")
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") ||
		!strings.Contains(rec.Header().Get("Content-Disposition"), `filename="sitrep-events.csv"`) {
		t.Fatalf("CSV export = %d %v", rec.Code, rec.Header())
	}
	rows, err := csv.NewReader(rec.Body).ReadAll()
	if err != nil {
		t.Fatalf("CSV: %v", err)
	}
	if len(rows) != 3 || rows[0][0] != "id" {
		t.Errorf("CSV rows = %d (%v), want a header and the 2 events with ISIS", len(rows), rows[0])
	}
	rec = do(t, h, http.MethodGet, "/api/v1/export/timelines/mosul-2016?format=timelinejs")
	var tl struct {
		Title struct {
			Text struct{ Headline string } `json:"text"`
		} `json:"title"`
		Events []struct {
			StartDate map[string]int `json:"start_date"`
			EndDate   map[string]int `json:"end_date"`
			Group     string         `json:"group"`
			UniqueID  string         `json:"unique_id"`
		} `json:"events"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &tl); err != nil {
		t.Fatalf("TimelineJS: %v\n%s", err, rec.Body)
	}
	// The demo timeline shows its estimates among its events: 3 and 2.
	if tl.Title.Text.Headline == "" || len(tl.Events) != 5 {
		t.Fatalf("TimelineJS = %+v, want a title and 5 slides", tl)
	}
	first := tl.Events[0]
	if first.StartDate["year"] != 2016 || first.StartDate["month"] != 7 || first.StartDate["day"] != 0 || first.EndDate["month"] != 9 {
		t.Errorf("interval July–September 2016 = start %v end %v, want months without days", first.StartDate, first.EndDate)
	}
	rec = do(t, h, http.MethodGet, "/api/v1/export/events?format=geojson")
	var geo struct {
		Type     string `json:"type"`
		Features []struct {
			Geometry struct {
				Coordinates []float64 `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &geo); err != nil || geo.Type != "FeatureCollection" || len(geo.Features) == 0 {
		t.Fatalf("GeoJSON = %v %+v", err, geo)
	}
	rec = do(t, h, http.MethodGet, "/api/v1/export/estimates?format=json&force=ISIS")
	var xs api.List[api.Estimate]
	if err := json.Unmarshal(rec.Body.Bytes(), &xs); err != nil || len(xs.Data) != 2 || xs.Data[0].ID != 0 || xs.Data[0].ExternalID == "" {
		t.Errorf("JSON export of estimates = %v %+v; want 2 portable records", err, xs)
	}
}

// TestCSVFormulaEscape checks that text a spreadsheet would run is
// escaped, and numbers are not.
func TestCSVFormulaEscape(t *testing.T) {
	a := newApp(t)
	ctx := t.Context()
	src, err := a.DB.FindSourceByURL(ctx, demoSourceURL(t, a))
	if err != nil {
		t.Fatal(err)
	}
	e := conflict.Event{Title: "=HYPERLINK(\"http://evil.example\",\"click\")", Date: edtf.MustParse("2016-10-01"),
		Body: "-2+3", Tags: []string{"@tag"}, Status: conflict.Published,
		Citations: []conflict.Citation{{Source: src}}}
	if err := a.DB.CreateEvent(ctx, &e, conflict.Change{AuthorName: "test"}); err != nil {
		t.Fatal(err)
	}
	rec := do(t, a.Handler(), http.MethodGet, "/api/v1/export/events?format=csv&from=2016-10")
	rows, err := csv.NewReader(rec.Body).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("CSV = %v, %d rows:\n%s", err, len(rows), rec.Body)
	}
	col := map[string]string{}
	for i, h := range rows[0] {
		col[h] = rows[1][i]
	}
	for k, want := range map[string]string{"title": "'=HYPERLINK", "body": "'-2+3", "tags": "'@tag"} {
		if !strings.HasPrefix(col[k], want) {
			t.Errorf("%s = %q, want it to start %q", k, col[k], want)
		}
	}
}
