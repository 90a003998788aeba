package pages

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/sitrep/sitrep/internal/api"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/web/layout"
)

// APIDocsView is the human guide to the JSON API.
type APIDocsView struct {
	layout.Base
	// Origin is the site's address, to write example requests in full.
	Origin    string
	Endpoints []APIEndpoint
	Exports   []APIEndpoint
}

// APIEndpoint is one address of the API, with an example.
type APIEndpoint struct {
	Path    string
	Summary string
	Params  []APIParam
	// Example is a request, a path with its query; Answer what it gets,
	// shortened.
	Example string
	Answer  string
}

// APIParam is one query parameter an endpoint takes.
type APIParam struct {
	Name, Meaning string
}

// ExampleJSON writes v as the API would, indented, with lists cut to
// their first item: example answers are made by the same code as real
// ones, so they cannot drift from them.
func ExampleJSON(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err.Error()
	}
	return buf.String()
}

// The shapes of a list and of an error, as the guide writes them.
const (
	listShape  = `{"kind": …, "data": […], "next": …}`
	errorShape = `{"error": {"message": …, "parameter": …}}`
)

var exampleTime = time.Date(2016, 10, 1, 9, 30, 0, 0, time.UTC)

// ExampleSource is a source as the demo data has it.
var ExampleSource = conflict.Source{ID: 1, URL: "https://www.voanews.com/a/islamic-state-struggling-to-reinforce-mosul-ahead-of-iraqi-offensive",
	Publisher: "Voice of America", Title: "Islamic State Struggling to Reinforce Mosul Ahead of Iraqi Offensive",
	Published: edtf.MustParse("2016-09-29"), Language: "en", Reliability: "B", Version: 1, CreatedAt: exampleTime, UpdatedAt: exampleTime}

// ExampleEvent is an event as the demo data has it.
var ExampleEvent = conflict.Event{ID: 1, Slug: "badr-organization-fighters-train-in-diyala", Title: "Badr Organization fighters train in Diyala",
	Date:   edtf.MustParse("2016-09-27"),
	Place:  &conflict.PlaceRef{ID: 5, Slug: "diyala-province", Name: "Diyala province", Coordinates: &conflict.LatLon{Lat: 33.7733, Lon: 45.1494}},
	Actors: []conflict.EventActor{{Actor: conflict.ActorRef{ID: 4, Slug: "badr-organization", Name: "Badr Organization", Colour: "#16a085"}, Role: "trainer"}},
	Tags:   []string{"training"}, Body: "Badr Organization fighters trained in Diyala province ahead of the battle for Mosul.",
	Citations: []conflict.Citation{{Source: ExampleSource, Quote: "…", Locator: "para. 7", Credibility: 2}},
	Status:    conflict.Published, ExternalID: "demo:badr-training-diyala", Version: 1, CreatedAt: exampleTime, UpdatedAt: exampleTime}

// ExampleEstimate is an estimate as the demo data has it.
var ExampleEstimate = conflict.Estimate{ID: 1, Force: conflict.ActorRef{ID: 1, Slug: "islamic-state", Name: "Islamic State", Colour: "#c0392b"},
	Place: &conflict.PlaceRef{ID: 4, Slug: "mosul", Name: "Mosul", Coordinates: &conflict.LatLon{Lat: 36.34, Lon: 43.13}},
	AsOf:  edtf.MustParse("2016-09-29"), Unit: "fighters", Qualifier: conflict.Range, Low: conflict.Count(3000), High: conflict.Count(4500),
	Claimant:  "U.S. military officials",
	Citations: []conflict.Citation{{Source: ExampleSource, Locator: "para. 3"}},
	Status:    conflict.Published, ExternalID: "demo:is-mosul-2016-09-29", Version: 1, CreatedAt: exampleTime, UpdatedAt: exampleTime}

// ExampleList is a list answer holding one record.
func ExampleList[T any](kind string, record T, next string) string {
	l := api.List[T]{Kind: kind, Data: []T{record}}
	if next != "" {
		l.Next = &next
	}
	return ExampleJSON(l)
}
