package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/api"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// changeRecord is a change as a consumer reads it, the record kept raw.
type changeRecord struct {
	Cursor   string          `json:"cursor"`
	Type     string          `json:"type"`
	ID       int64           `json:"id"`
	Change   string          `json:"change"`
	At       string          `json:"at"`
	Revision int             `json:"revision"`
	Record   json.RawMessage `json:"record"`
}

type changeList struct {
	Kind   string         `json:"kind"`
	Data   []changeRecord `json:"data"`
	Cursor string         `json:"cursor"`
	Next   string         `json:"next"`
	More   bool           `json:"more"`
}

// TestChangesReplayRebuildsThePublicRecord is a mirror's first day: on
// the demo, an editor drafts an actor, an event citing a new source and
// an estimate; a reviewer publishes the event (and what it cites) and the
// estimate; an edit of a published event is held and accepted, an edit of
// an estimate is held and returned, an estimate and an event are
// retracted, and a draft is left a draft. A consumer replaying
// /api/v1/changes from the start, a few at a time, keeping the latest
// state of each record by kind and id and deleting nothing, then holds
// exactly what the API's list and record endpoints answer.
func TestChangesReplayRebuildsThePublicRecord(t *testing.T) {
	a := newApp(t)
	h := a.Handler()
	ctx := t.Context()
	person := func(email string, role conflict.Role) conflict.Change {
		u := addAccount(t, a, email, role)
		return conflict.Change{Author: &u.ID, AuthorName: u.Name, Role: u.Role, Summary: "Checked against the report"}
	}
	ed, rev := person("ed@example.org", conflict.RoleEditor), person("rev@example.org", conflict.RoleReviewer)

	badr := conflict.Actor{Name: "Hashd Brigade Nine"}
	if err := a.DB.CreateActor(ctx, &badr, ed); err != nil {
		t.Fatal(err)
	}
	draft := conflict.Actor{Name: "Vexlorn Front"}
	if err := a.DB.CreateActor(ctx, &draft, ed); err != nil {
		t.Fatal(err)
	}
	e := conflict.Event{Title: "Brigade Nine trains near Baqubah", Date: edtf.MustParse("2016-09-26"), Body: "Seen in [the record](/events).",
		Actors:    []conflict.EventActor{{Actor: badr.Ref(), Role: "trainee"}},
		Citations: []conflict.Citation{{Source: conflict.Source{URL: "https://news.example.org/baqubah", Publisher: "Example News", Title: "Training"}, Quote: "They trained."}}}
	if err := a.DB.CreateEvent(ctx, &e, ed); err != nil {
		t.Fatal(err)
	}
	e, err := a.DB.SetEventStatus(ctx, e.ID, conflict.ActionSubmit, "", e.Version, conflict.RoleEditor, ed)
	if err != nil {
		t.Fatal(err)
	}
	if e, err = a.DB.SetEventStatus(ctx, e.ID, conflict.ActionPublish, "", e.Version, conflict.RoleReviewer, rev); err != nil {
		t.Fatal(err)
	}
	xs, err := a.DB.FindEstimates(ctx, conflict.EstimateFilter{Limit: 10})
	if err != nil || len(xs) < 2 {
		t.Fatalf("demo estimates = %d, %v; want two", len(xs), err)
	}

	// An edit of a published event, held and accepted.
	page, err := a.DB.FindEvents(ctx, conflict.EventFilter{Limit: 10})
	if err != nil || len(page.Events) < 2 {
		t.Fatalf("demo events = %v", err)
	}
	held, err := a.DB.FindEventByID(ctx, page.Events[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	held.Title = "Accepted wording of the demo event"
	p, err := a.DB.UpdateEvent(ctx, &held, held.Version, ed)
	if err != nil || p == nil {
		t.Fatalf("UpdateEvent = %v, %v; want a held edit", p, err)
	}
	if _, err := a.DB.AcceptPendingEdit(ctx, p.ID, rev); err != nil {
		t.Fatal(err)
	}
	// An edit of an estimate, held and returned: readers never see it.
	x, err := a.DB.FindEstimateByID(ctx, xs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	x.Notes = "Returned wording nobody published"
	if p, err = a.DB.UpdateEstimate(ctx, &x, x.Version, ed); err != nil || p == nil {
		t.Fatalf("UpdateEstimate = %v, %v; want a held edit", p, err)
	}
	if _, err := a.DB.ReturnPendingEdit(ctx, p.ID, "Not what the source says.", rev); err != nil {
		t.Fatal(err)
	}
	// Retractions of an estimate and of an event.
	if _, err := a.DB.SetEstimateStatus(ctx, xs[1].ID, conflict.ActionRetract, "The claim was withdrawn.", xs[1].Version, conflict.RoleReviewer, rev); err != nil {
		t.Fatal(err)
	}
	if _, err := a.DB.SetEventStatus(ctx, page.Events[1].ID, conflict.ActionRetract, "Two reports of one event.", page.Events[1].Version, conflict.RoleReviewer, rev); err != nil {
		t.Fatal(err)
	}

	// The replay, three changes at a time.
	mirror := map[string]json.RawMessage{}
	seen := map[string]int{}
	target := "/api/v1/changes?limit=3"
	for range 100 {
		var list changeList
		getJSON(t, h, target, http.StatusOK, &list)
		if list.Kind != api.KindChanges || list.Next == "" || list.Cursor == "" {
			t.Fatalf("GET %s = kind %q, next %q, cursor %q", target, list.Kind, list.Next, list.Cursor)
		}
		for _, c := range list.Data {
			if c.At == "" || c.Revision < 1 || c.Cursor == "" || len(c.Record) == 0 {
				t.Errorf("change %+v lacks its time, revision, cursor or record", c)
			}
			body := string(c.Record)
			for _, word := range []string{"Returned wording", "Vexlorn"} {
				if strings.Contains(body, word) {
					t.Errorf("a change shows %q, which readers never saw: %s", word, body)
				}
			}
			mirror[c.Type+" "+fmt.Sprint(c.ID)] = c.Record
			seen[c.Change]++
		}
		u, err := url.Parse(list.Next)
		if err != nil {
			t.Fatal(err)
		}
		target = u.RequestURI()
		if !list.More {
			break
		}
	}
	if seen[api.ChangeRetracted] != 2 || seen[api.ChangeUpdated] < 1 || seen[api.ChangePublished] < 10 {
		t.Errorf("changes by what they did = %v; want two retractions, the accepted edit and every publication", seen)
	}
	// Caught up: the last cursor lists nothing more.
	var rest changeList
	getJSON(t, h, target, http.StatusOK, &rest)
	if len(rest.Data) != 0 || rest.More {
		t.Errorf("after the last page: %d changes, more %v", len(rest.Data), rest.More)
	}

	// Every record the lists hold is in the mirror, as the list has it…
	want := map[string]json.RawMessage{}
	for _, kind := range []string{"events?retracted=1&limit=1000", "estimates?limit=1000", "sources?limit=1000", "actors?limit=1000",
		"places?limit=1000", "timelines"} {
		var list struct {
			Kind string            `json:"kind"`
			Data []json.RawMessage `json:"data"`
		}
		getJSON(t, h, "/api/v1/"+kind, http.StatusOK, &list)
		for _, r := range list.Data {
			var id struct {
				ID int64 `json:"id"`
			}
			if err := json.Unmarshal(r, &id); err != nil {
				t.Fatal(err)
			}
			want[strings.TrimSuffix(list.Kind, "s")+" "+fmt.Sprint(id.ID)] = r
		}
	}
	// …and the retracted estimate, which the estimates list leaves out,
	// is as its own endpoint has it.
	var retracted json.RawMessage
	getJSON(t, h, fmt.Sprintf("/api/v1/estimates/%d", xs[1].ID), http.StatusOK, &retracted)
	want[fmt.Sprintf("estimate %d", xs[1].ID)] = retracted

	for k, w := range want {
		got, ok := mirror[k]
		if !ok {
			t.Errorf("the API lists %s; the replay never saw it", k)
			continue
		}
		if !sameJSON(t, got, w) {
			t.Errorf("%s replayed:\n%s\nthe API:\n%s", k, got, w)
		}
	}
	for k := range mirror {
		if _, ok := want[k]; !ok {
			t.Errorf("the replay holds %s, which the API does not list", k)
		}
	}
	if r := mirror[fmt.Sprintf("event %d", page.Events[1].ID)]; !strings.Contains(string(r), `"status": "retracted"`) &&
		!strings.Contains(string(r), `"status":"retracted"`) {
		t.Errorf("the retracted event replayed as %s, want it marked retracted", r)
	}
}

// sameJSON reports whether two JSON documents hold the same values.
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(x, y)
}

// TestChangesRefusesBadParameters: a made-up cursor or limit is named.
func TestChangesRefusesBadParameters(t *testing.T) {
	h := newHandler(t)
	for _, tc := range []struct{ target, param string }{
		{"/api/v1/changes?since=yesterday", "since"},
		{"/api/v1/changes?limit=1001", "limit"},
		{"/api/v1/changes?limit=0", "limit"},
		{"/api/v1/changes?after=1", "after"},
	} {
		var body api.ErrorBody
		getJSON(t, h, tc.target, http.StatusBadRequest, &body)
		if body.Error.Parameter != tc.param {
			t.Errorf("GET %s names %q, want %q", tc.target, body.Error.Parameter, tc.param)
		}
	}
	var list changeList
	getJSON(t, h, "/api/v1/changes", http.StatusOK, &list)
	if len(list.Data) == 0 || len(list.Data) > 100 || list.Data[0].Change != api.ChangePublished {
		t.Errorf("the first page = %d changes, the first %+v; want the demo's publications", len(list.Data), list.Data)
	}
}

// TestChangesInOpenAPI: the schemas of a change and of a page of them
// name exactly the fields the API writes.
func TestChangesInOpenAPI(t *testing.T) {
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(api.OpenAPI, &doc); err != nil {
		t.Fatal(err)
	}
	for name, record := range map[string]any{"Change": api.Change{}, "ChangeList": api.ChangeList{}} {
		var props []string
		for p := range doc.Components.Schemas[name].Properties {
			props = append(props, p)
		}
		sort.Strings(props)
		if fields := jsonFields(t, record, nil); strings.Join(props, " ") != strings.Join(fields, " ") {
			t.Errorf("schema %s has %v, the record has %v", name, props, fields)
		}
	}
}
