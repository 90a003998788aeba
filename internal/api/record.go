// Package api defines the JSON records sitrep's read-only API answers
// with, which its JSON exports write and its imports read back, and the
// OpenAPI document describing them. It knows no HTTP: the server, the
// exports and the command line share it.
//
// A record as the API shows it carries its id, its page's URL, its version
// and its timestamps. An export leaves those out (see Portable), because
// they mean something only inside the database that wrote them; it keys
// each record by its external id instead, so that importing the file
// again, or into another database, matches what is already there.
package api

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// Date is a date as EDTF text with the first and last days it can mean.
type Date struct {
	EDTF string `json:"edtf"`
	// Lower and Upper are YYYY-MM-DD; an open or unknown end gives
	// 0001-01-01 or 9999-12-31.
	Lower       string `json:"lower"`
	Upper       string `json:"upper"`
	Precision   string `json:"precision"`
	Approximate bool   `json:"approximate"`
	Uncertain   bool   `json:"uncertain"`
	// Text is the date in words, as pages show it.
	Text string `json:"text"`
}

// NewDate returns d's record, or nil for the zero Date.
func NewDate(d edtf.Date) *Date {
	if d.IsZero() {
		return nil
	}
	return &Date{EDTF: d.String(), Lower: d.LowerKey(), Upper: d.UpperKey(), Precision: d.Precision().String(),
		Approximate: d.Approximate(), Uncertain: d.Uncertain(), Text: d.Display()}
}

// Coordinates are a WGS 84 position in decimal degrees.
type Coordinates struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

func newCoordinates(c *conflict.LatLon) *Coordinates {
	if c == nil {
		return nil
	}
	return &Coordinates{Lat: c.Lat, Lon: c.Lon}
}

// ActorRef is an actor a record mentions.
type ActorRef struct {
	ID     int64  `json:"id,omitempty"`
	Slug   string `json:"slug"`
	Name   string `json:"name"`
	Colour string `json:"colour,omitempty"`
}

func newActorRef(a conflict.ActorRef) ActorRef {
	return ActorRef{ID: int64(a.ID), Slug: a.Slug, Name: a.Name, Colour: a.Colour}
}

// PlaceRef is a place a record mentions, with its coordinates when known.
type PlaceRef struct {
	ID          int64        `json:"id,omitempty"`
	Slug        string       `json:"slug"`
	Name        string       `json:"name"`
	Coordinates *Coordinates `json:"coordinates,omitempty"`
}

func newPlaceRef(p *conflict.PlaceRef) *PlaceRef {
	if p == nil {
		return nil
	}
	return &PlaceRef{ID: int64(p.ID), Slug: p.Slug, Name: p.Name, Coordinates: newCoordinates(p.Coordinates)}
}

// EventActor is an actor's part in an event.
type EventActor struct {
	ActorRef
	Role string `json:"role"`
}

// Source is a published report.
type Source struct {
	ID          int64    `json:"id,omitempty"`
	URL         string   `json:"url"`
	Publisher   string   `json:"publisher"`
	Title       string   `json:"title"`
	Published   *Date    `json:"published,omitempty"`
	Authors     []string `json:"authors"`
	Language    string   `json:"language,omitempty"`
	ArchivedURL string   `json:"archived_url,omitempty"`
	Reliability string   `json:"reliability,omitempty"`
	Notes       string   `json:"notes,omitempty"`
	Local
}

// Local are the fields that mean something only in the database that
// wrote the record; exports leave them out.
type Local struct {
	// Page is the address of the record's page on the site.
	Page      string `json:"page,omitempty"`
	Version   int    `json:"version,omitempty"`
	CreatedAt string `json:"created_at,omitempty"`
	UpdatedAt string `json:"updated_at,omitempty"`
}

// Links turns site paths into the absolute URLs records carry; "" keeps
// them as paths.
type Links struct {
	Base string
}

func (l Links) page(path string) string { return l.Base + path }

const stampFormat = "2006-01-02T15:04:05Z"

func newLocal(l Links, path string, version int, created, updated interface{ Format(string) string }) Local {
	return Local{Page: l.page(path), Version: version, CreatedAt: created.Format(stampFormat), UpdatedAt: updated.Format(stampFormat)}
}

// NewSource returns the source's record.
func NewSource(s conflict.Source, l Links) Source {
	authors := s.Authors
	if authors == nil {
		authors = []string{}
	}
	return Source{ID: int64(s.ID), URL: s.URL, Publisher: s.Publisher, Title: s.Title, Published: NewDate(s.Published),
		Authors: authors, Language: s.Language, ArchivedURL: s.ArchivedURL, Reliability: string(s.Reliability), Notes: s.Notes,
		Local: newLocal(l, "/sources/"+itoa(int64(s.ID)), s.Version, s.CreatedAt.UTC(), s.UpdatedAt.UTC())}
}

// Citation ties a record to the source that reported it.
type Citation struct {
	Source  Source `json:"source"`
	Quote   string `json:"quote,omitempty"`
	Locator string `json:"locator,omitempty"`
	// Credibility is the Admiralty grade of the cited information, 1 to 6;
	// absent when ungraded.
	Credibility int `json:"credibility,omitempty"`
}

func newCitations(cs []conflict.Citation, l Links) []Citation {
	out := make([]Citation, len(cs))
	for i, c := range cs {
		out[i] = Citation{Source: NewSource(c.Source, l), Quote: c.Quote, Locator: c.Locator, Credibility: c.Credibility}
	}
	return out
}

// Event is an event with its actors, tags and citations.
type Event struct {
	ID         int64        `json:"id,omitempty"`
	ExternalID string       `json:"external_id,omitempty"`
	Slug       string       `json:"slug"`
	Title      string       `json:"title"`
	Date       *Date        `json:"date"`
	Place      *PlaceRef    `json:"place"`
	Actors     []EventActor `json:"actors"`
	Tags       []string     `json:"tags"`
	// Body is Markdown.
	Body      string     `json:"body"`
	Citations []Citation `json:"citations"`
	// Relations link the event to other events; none is an empty list.
	Relations  []Relation `json:"relations"`
	Status     string     `json:"status"`
	StatusNote string     `json:"status_note,omitempty"`
	Local
}

// NewEvent returns the event's record.
func NewEvent(e conflict.Event, l Links) Event {
	actors := make([]EventActor, len(e.Actors))
	for i, a := range e.Actors {
		actors[i] = EventActor{ActorRef: newActorRef(a.Actor), Role: a.Role}
	}
	tags := e.Tags
	if tags == nil {
		tags = []string{}
	}
	return Event{ID: int64(e.ID), ExternalID: e.ExternalID, Slug: e.Slug, Title: e.Title, Date: NewDate(e.Date),
		Place: newPlaceRef(e.Place), Actors: actors, Tags: tags, Body: e.Body, Citations: newCitations(e.Citations, l),
		Relations: newRelations(e.Relations), Status: string(e.Status), StatusNote: e.StatusNote,
		Local: newLocal(l, EventPage(int64(e.ID), e.Slug), e.Version, e.CreatedAt.UTC(), e.UpdatedAt.UTC())}
}

// Estimate is a claim about the size of a force.
type Estimate struct {
	ID         int64     `json:"id,omitempty"`
	ExternalID string    `json:"external_id,omitempty"`
	Force      ActorRef  `json:"force"`
	Place      *PlaceRef `json:"place"`
	AsOf       *Date     `json:"as_of"`
	Unit       string    `json:"unit"`
	Qualifier  string    `json:"qualifier"`
	// Low and High are null where the qualifier leaves a bound open.
	Low      *int64 `json:"low"`
	High     *int64 `json:"high"`
	Text     string `json:"text"`
	Claimant string `json:"claimant"`
	// ClaimantType is the claimant record's type: government, military,
	// armed_group, media, ngo or other. An import leaves it to the
	// claimant record.
	ClaimantType  string     `json:"claimant_type,omitempty"`
	ClaimantActor *ActorRef  `json:"claimant_actor"`
	Notes         string     `json:"notes"`
	Citations     []Citation `json:"citations"`
	// Relations link the estimate to other estimates; none is an empty
	// list.
	Relations  []Relation `json:"relations"`
	Status     string     `json:"status"`
	StatusNote string     `json:"status_note,omitempty"`
	Local
}

// NewEstimate returns the estimate's record.
func NewEstimate(x conflict.Estimate, l Links) Estimate {
	out := Estimate{ID: int64(x.ID), ExternalID: x.ExternalID, Force: newActorRef(x.Force), Place: newPlaceRef(x.Place),
		AsOf: NewDate(x.AsOf), Unit: x.Unit, Qualifier: string(x.Qualifier), Text: x.ValueText(), Claimant: x.Claimant,
		Notes: x.Notes, Citations: newCitations(x.Citations, l), Relations: newRelations(x.Relations),
		Status: string(x.Status), StatusNote: x.StatusNote,
		Local: newLocal(l, "/estimates/"+itoa(int64(x.ID)), x.Version, x.CreatedAt.UTC(), x.UpdatedAt.UTC())}
	if x.ClaimantRecord != nil {
		out.ClaimantType = string(x.ClaimantRecord.Type)
	}
	if x.Low.Set {
		v := x.Low.Value
		out.Low = &v
	}
	if x.High.Set {
		v := x.High.Value
		out.High = &v
	}
	if x.ClaimantActor != nil {
		r := newActorRef(*x.ClaimantActor)
		out.ClaimantActor = &r
	}
	return out
}

// Actor is a party to the conflict.
type Actor struct {
	ID          int64     `json:"id"`
	Slug        string    `json:"slug"`
	Name        string    `json:"name"`
	Aliases     []string  `json:"aliases"`
	Kind        string    `json:"kind"`
	Parent      *ActorRef `json:"parent"`
	Colour      string    `json:"colour"`
	Description string    `json:"description"`
	Local
}

// NewActor returns the actor's record.
func NewActor(a conflict.Actor, l Links) Actor {
	aliases := a.Aliases
	if aliases == nil {
		aliases = []string{}
	}
	out := Actor{ID: int64(a.ID), Slug: a.Slug, Name: a.Name, Aliases: aliases, Kind: a.Kind, Colour: a.Colour,
		Description: a.Description, Local: newLocal(l, "/actors/"+a.Slug, a.Version, a.CreatedAt.UTC(), a.UpdatedAt.UTC())}
	if a.Parent != nil {
		r := newActorRef(*a.Parent)
		out.Parent = &r
	}
	return out
}

// AltName is another name of a place.
type AltName struct {
	Name string `json:"name"`
	Lang string `json:"lang,omitempty"`
}

// Place is a place with its other names and coordinates.
type Place struct {
	ID          int64        `json:"id"`
	Slug        string       `json:"slug"`
	Name        string       `json:"name"`
	AltNames    []AltName    `json:"alt_names"`
	Kind        string       `json:"kind"`
	Parent      *PlaceRef    `json:"parent"`
	Coordinates *Coordinates `json:"coordinates"`
	Description string       `json:"description"`
	Local
}

// NewPlace returns the place's record.
func NewPlace(p conflict.Place, l Links) Place {
	names := make([]AltName, len(p.AltNames))
	for i, n := range p.AltNames {
		names[i] = AltName{Name: n.Name, Lang: n.Lang}
	}
	return Place{ID: int64(p.ID), Slug: p.Slug, Name: p.Name, AltNames: names, Kind: p.Kind, Parent: newPlaceRef(p.Parent),
		Coordinates: newCoordinates(p.Coordinates), Description: p.Description,
		Local: newLocal(l, "/places/"+p.Slug, p.Version, p.CreatedAt.UTC(), p.UpdatedAt.UTC())}
}

// Timeline is a curated view of events.
type Timeline struct {
	ID          int64  `json:"id"`
	Slug        string `json:"slug"`
	Title       string `json:"title"`
	Description string `json:"description"`
	// Filter chooses the timeline's events: any of its actors, at any of
	// its places, with any of its tags, within its dates.
	Filter        TimelineFilter `json:"filter"`
	Pinned        []int64        `json:"pinned"`
	Excluded      []int64        `json:"excluded"`
	WithEstimates bool           `json:"with_estimates"`
	// Events is the API address of the timeline's events.
	Events string `json:"events"`
	Local
}

// TimelineFilter is a timeline's own filter; actors and places by id.
type TimelineFilter struct {
	Actors []int64  `json:"actors"`
	Places []int64  `json:"places"`
	Tags   []string `json:"tags"`
	From   *Date    `json:"from"`
	To     *Date    `json:"to"`
}

// NewTimeline returns the timeline's record.
func NewTimeline(t conflict.Timeline, l Links) Timeline {
	tags := t.Filter.Tags
	if tags == nil {
		tags = []string{}
	}
	return Timeline{ID: int64(t.ID), Slug: t.Slug, Title: t.Title, Description: t.Description,
		Filter: TimelineFilter{Actors: ids(t.Filter.Actors), Places: ids(t.Filter.Places), Tags: tags,
			From: NewDate(t.Filter.From), To: NewDate(t.Filter.To)},
		Pinned: ids(t.Pinned), Excluded: ids(t.Excluded), WithEstimates: t.WithEstimates,
		Events: l.page("/api/v1/timelines/" + t.Slug + "/events"),
		Local:  newLocal(l, "/timelines/"+t.Slug, t.Version, t.CreatedAt.UTC(), t.UpdatedAt.UTC())}
}

func ids[T ~int64](xs []T) []int64 {
	out := make([]int64, len(xs))
	for i, x := range xs {
		out[i] = int64(x)
	}
	return out
}

// EventPage is the path of an event's page, as the site links it.
func EventPage(id int64, slug string) string { return "/events/" + itoa(id) + "-" + slug }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// List is one page of a list: the kind of its records, the records, and
// the address of the next page (null on the last). An export is a List
// of every matching record with no next page.
type List[T any] struct {
	Kind string  `json:"kind"`
	Data []T     `json:"data"`
	Next *string `json:"next"`
	// Prev is the address of the page before, where there is one.
	Prev *string `json:"prev,omitempty"`
}

// The kinds of List.
const (
	KindEvents    = "events"
	KindEstimates = "estimates"
	KindSources   = "sources"
	KindActors    = "actors"
	KindPlaces    = "places"
	KindTimelines = "timelines"
)

// ErrorBody is how the API reports an error.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail says what went wrong and, for a bad query parameter, which.
type ErrorDetail struct {
	Message   string `json:"message"`
	Parameter string `json:"parameter,omitempty"`
}

// Relation links a record to another of its kind: kind is supersedes,
// disputes, duplicates or (events) conflicting_dates. Target is the other
// record's id in this database (a number) or its external id (a string,
// as exports write it). Source is the id of the source reporting the
// link; an export, whose ids mean nothing elsewhere, gives Citation
// instead: which of the record's citations (from 1) cites that source.
type Relation struct {
	Kind     string         `json:"kind"`
	Target   RelationTarget `json:"target"`
	Source   int64          `json:"source,omitempty"`
	Citation int            `json:"citation,omitempty"`
	// Title names the target, for reading.
	Title string `json:"title,omitempty"`
}

// RelationTarget is a relation's other record: by id, or by external id.
type RelationTarget struct {
	ID         int64
	ExternalID string
}

// MarshalJSON writes the id as a number, or, without one, the external id
// as a string.
func (t RelationTarget) MarshalJSON() ([]byte, error) {
	if t.ID == 0 {
		return json.Marshal(t.ExternalID)
	}
	return json.Marshal(t.ID)
}

// UnmarshalJSON reads a number as an id and a string as an external id.
func (t *RelationTarget) UnmarshalJSON(data []byte) error {
	*t = RelationTarget{}
	if len(data) > 0 && data[0] == '"' {
		return json.Unmarshal(data, &t.ExternalID)
	}
	if err := json.Unmarshal(data, &t.ID); err != nil {
		return fmt.Errorf("a relation's target is a record's id (a number) or its external id (text)")
	}
	return nil
}

func newRelations(rs []conflict.Relation) []Relation {
	out := make([]Relation, len(rs))
	for i, r := range rs {
		out[i] = Relation{Kind: string(r.Kind), Target: RelationTarget{ID: r.Target, ExternalID: r.TargetExternalID},
			Source: int64(r.Source), Title: r.TargetTitle}
	}
	return out
}

// RelationsOf reads relations as an import gives them.
func RelationsOf(rs []Relation) []conflict.Relation {
	if len(rs) == 0 {
		return nil
	}
	out := make([]conflict.Relation, len(rs))
	for i, r := range rs {
		out[i] = conflict.Relation{Kind: conflict.RelationKind(r.Kind), Target: r.Target.ID, TargetExternalID: r.Target.ExternalID,
			Source: conflict.SourceID(r.Source), SourceCitation: r.Citation}
	}
	return out
}
