package snapshot

import (
	"fmt"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// The wire structs: the format itself. Their json tags are the stored
// names and must never change; a field of the domain that snapshots should
// keep needs a field here too, which TestEncodeKeepsEveryField enforces.
// Dates are stored as their EDTF text, times as RFC 3339 with nanoseconds,
// ids as numbers, and nil lists as null (an empty list stays []), so that a
// record reads back exactly as it was written.

type event struct {
	V  int   `json:"v,omitempty"`
	ID int64 `json:"ID"`
	// Slug is left out when it is the title's (version 5); any other,
	// even none, is written.
	Slug       *string      `json:"Slug,omitempty"`
	Title      string       `json:"Title"`
	Date       string       `json:"Date"`
	Place      *placeRef    `json:"Place"`
	Actors     []eventActor `json:"Actors"`
	Tags       []string     `json:"Tags"`
	Body       string       `json:"Body"`
	Citations  []citation   `json:"Citations"`
	Relations  []relation   `json:"Relations"`
	Status     string       `json:"Status"`
	StatusNote string       `json:"StatusNote"`
	ExternalID string       `json:"ExternalID"`
	Version    int          `json:"Version"`
	CreatedAt  time.Time    `json:"CreatedAt"`
	UpdatedAt  time.Time    `json:"UpdatedAt"`
}

type eventActor struct {
	Actor actorRef `json:"Actor"`
	Role  string   `json:"Role"`
}

type estimate struct {
	V             int       `json:"v,omitempty"`
	ID            int64     `json:"ID"`
	Force         actorRef  `json:"Force"`
	Place         *placeRef `json:"Place"`
	AsOf          string    `json:"AsOf"`
	Unit          string    `json:"Unit"`
	Qualifier     string    `json:"Qualifier"`
	Low           bound     `json:"Low"`
	High          bound     `json:"High"`
	Claimant      string    `json:"Claimant"`
	ClaimantActor *actorRef `json:"ClaimantActor"`
	// ClaimantRecord is the claimant record the name matched when the
	// snapshot was written (version 4).
	ClaimantRecord *claimantRef `json:"ClaimantRecord,omitempty"`
	Notes          string       `json:"Notes"`
	Citations      []citation   `json:"Citations"`
	Relations      []relation   `json:"Relations"`
	Status         string       `json:"Status"`
	StatusNote     string       `json:"StatusNote"`
	ExternalID     string       `json:"ExternalID"`
	Version        int          `json:"Version"`
	CreatedAt      time.Time    `json:"CreatedAt"`
	UpdatedAt      time.Time    `json:"UpdatedAt"`
}

type claimantRef struct {
	ID   int64  `json:"ID"`
	Name string `json:"Name"`
	Type string `json:"Type"`
}

// relation is a link to another record of the same kind (version 4).
type relation struct {
	Kind             string `json:"Kind"`
	Target           int64  `json:"Target"`
	TargetExternalID string `json:"TargetExternalID,omitempty"`
	Source           int64  `json:"Source"`
	SourceCitation   int    `json:"SourceCitation,omitempty"`
	TargetTitle      string `json:"TargetTitle,omitempty"`
	SourceTitle      string `json:"SourceTitle,omitempty"`
}

type bound struct {
	Value int64 `json:"Value"`
	Set   bool  `json:"Set"`
}

// citation is a citation as the citing record's snapshot keeps it, with
// the whole source as it stood then.
type citation struct {
	ID          int64  `json:"ID"`
	Source      source `json:"Source"`
	Quote       string `json:"Quote"`
	Locator     string `json:"Locator"`
	Credibility int    `json:"Credibility"`
}

// source is a source's fields, alone in a source's own snapshot
// (sourceRecord) and inside every citation.
type source struct {
	ID          int64     `json:"ID"`
	URL         string    `json:"URL"`
	Publisher   string    `json:"Publisher"`
	Title       string    `json:"Title"`
	Published   string    `json:"Published"`
	Authors     []string  `json:"Authors"`
	Language    string    `json:"Language"`
	ArchivedURL string    `json:"ArchivedURL"`
	Reliability string    `json:"Reliability"`
	Notes       string    `json:"Notes"`
	Status      string    `json:"Status"`
	StatusNote  string    `json:"StatusNote"`
	Version     int       `json:"Version"`
	CreatedAt   time.Time `json:"CreatedAt"`
	UpdatedAt   time.Time `json:"UpdatedAt"`
}

type sourceRecord struct {
	V int `json:"v,omitempty"`
	source
}

type actor struct {
	V           int       `json:"v,omitempty"`
	ID          int64     `json:"ID"`
	Slug        string    `json:"Slug"`
	Name        string    `json:"Name"`
	Aliases     []string  `json:"Aliases"`
	Kind        string    `json:"Kind"`
	Parent      *actorRef `json:"Parent"`
	Colour      string    `json:"Colour"`
	Description string    `json:"Description"`
	Status      string    `json:"Status"`
	StatusNote  string    `json:"StatusNote"`
	Version     int       `json:"Version"`
	CreatedAt   time.Time `json:"CreatedAt"`
	UpdatedAt   time.Time `json:"UpdatedAt"`
}

type actorRef struct {
	ID     int64  `json:"ID"`
	Slug   string `json:"Slug"`
	Name   string `json:"Name"`
	Colour string `json:"Colour"`
}

type place struct {
	V           int       `json:"v,omitempty"`
	ID          int64     `json:"ID"`
	Slug        string    `json:"Slug"`
	Name        string    `json:"Name"`
	AltNames    []altName `json:"AltNames"`
	Kind        string    `json:"Kind"`
	Parent      *placeRef `json:"Parent"`
	Coordinates *latLon   `json:"Coordinates"`
	Description string    `json:"Description"`
	Status      string    `json:"Status"`
	StatusNote  string    `json:"StatusNote"`
	Version     int       `json:"Version"`
	CreatedAt   time.Time `json:"CreatedAt"`
	UpdatedAt   time.Time `json:"UpdatedAt"`
}

type altName struct {
	Name string `json:"Name"`
	Lang string `json:"Lang"`
}

type placeRef struct {
	ID          int64   `json:"ID"`
	Slug        string  `json:"Slug"`
	Name        string  `json:"Name"`
	Coordinates *latLon `json:"Coordinates"`
}

type latLon struct {
	Lat float64 `json:"Lat"`
	Lon float64 `json:"Lon"`
}

type timeline struct {
	V             int            `json:"v,omitempty"`
	ID            int64          `json:"ID"`
	Slug          string         `json:"Slug"`
	Title         string         `json:"Title"`
	Description   string         `json:"Description"`
	Filter        timelineFilter `json:"Filter"`
	Pinned        []int64        `json:"Pinned"`
	Excluded      []int64        `json:"Excluded"`
	WithEstimates bool           `json:"WithEstimates"`
	// Published is version 1 and 2's flag, which Status replaced in 3.
	Published  bool      `json:"Published,omitempty"`
	Status     string    `json:"Status"`
	StatusNote string    `json:"StatusNote"`
	Version    int       `json:"Version"`
	CreatedAt  time.Time `json:"CreatedAt"`
	UpdatedAt  time.Time `json:"UpdatedAt"`
}

type timelineFilter struct {
	Actors []int64  `json:"Actors"`
	Places []int64  `json:"Places"`
	Tags   []string `json:"Tags"`
	From   string   `json:"From"`
	To     string   `json:"To"`
}

// From the domain to the wire.

func fromEvent(e *conflict.Event) event {
	w := event{V: Version, ID: int64(e.ID), Title: e.Title, Date: e.Date.String(),
		Place: fromPlaceRef(e.Place), Tags: e.Tags, Body: e.Body, Citations: fromCitations(e.Citations),
		Relations: fromRelations(e.Relations), Status: string(e.Status), StatusNote: e.StatusNote, ExternalID: e.ExternalID,
		Version: e.Version, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt}
	if e.Slug != conflict.EventSlug(e.Title) {
		w.Slug = &e.Slug
	}
	if e.Actors != nil {
		w.Actors = make([]eventActor, len(e.Actors))
		for i, a := range e.Actors {
			w.Actors[i] = eventActor{Actor: fromActorRef(a.Actor), Role: a.Role}
		}
	}
	return w
}

func fromEstimate(x *conflict.Estimate) estimate {
	w := estimate{V: Version, ID: int64(x.ID), Force: fromActorRef(x.Force), Place: fromPlaceRef(x.Place),
		AsOf: x.AsOf.String(), Unit: x.Unit, Qualifier: string(x.Qualifier),
		Low: bound(x.Low), High: bound(x.High), Claimant: x.Claimant, Notes: x.Notes,
		Citations: fromCitations(x.Citations), Relations: fromRelations(x.Relations), Status: string(x.Status), StatusNote: x.StatusNote,
		ExternalID: x.ExternalID, Version: x.Version, CreatedAt: x.CreatedAt, UpdatedAt: x.UpdatedAt}
	if x.ClaimantActor != nil {
		r := fromActorRef(*x.ClaimantActor)
		w.ClaimantActor = &r
	}
	if c := x.ClaimantRecord; c != nil {
		w.ClaimantRecord = &claimantRef{ID: int64(c.ID), Name: c.Name, Type: string(c.Type)}
	}
	return w
}

func fromRelations(rs []conflict.Relation) []relation {
	if rs == nil {
		return nil
	}
	out := make([]relation, len(rs))
	for i, r := range rs {
		out[i] = relation{Kind: string(r.Kind), Target: r.Target, TargetExternalID: r.TargetExternalID,
			Source: int64(r.Source), SourceCitation: r.SourceCitation, TargetTitle: r.TargetTitle, SourceTitle: r.SourceTitle}
	}
	return out
}

func toRelations(ws []relation) []conflict.Relation {
	if ws == nil {
		return nil
	}
	out := make([]conflict.Relation, len(ws))
	for i, w := range ws {
		out[i] = conflict.Relation{Kind: conflict.RelationKind(w.Kind), Target: w.Target, TargetExternalID: w.TargetExternalID,
			Source: conflict.SourceID(w.Source), SourceCitation: w.SourceCitation, TargetTitle: w.TargetTitle, SourceTitle: w.SourceTitle}
	}
	return out
}

func fromCitations(cs []conflict.Citation) []citation {
	if cs == nil {
		return nil
	}
	out := make([]citation, len(cs))
	for i, c := range cs {
		out[i] = citation{ID: int64(c.ID), Source: fromSource(&c.Source), Quote: c.Quote,
			Locator: c.Locator, Credibility: c.Credibility}
	}
	return out
}

func fromSource(s *conflict.Source) source {
	return source{ID: int64(s.ID), URL: s.URL, Publisher: s.Publisher, Title: s.Title,
		Published: s.Published.String(), Authors: s.Authors, Language: s.Language,
		ArchivedURL: s.ArchivedURL, Reliability: string(s.Reliability), Notes: s.Notes,
		Status: string(s.Status), StatusNote: s.StatusNote,
		Version: s.Version, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt}
}

func fromSourceRecord(s *conflict.Source) sourceRecord {
	return sourceRecord{V: Version, source: fromSource(s)}
}

func fromActor(a *conflict.Actor) actor {
	w := actor{V: Version, ID: int64(a.ID), Slug: a.Slug, Name: a.Name, Aliases: a.Aliases, Kind: a.Kind,
		Colour: a.Colour, Description: a.Description, Status: string(a.Status), StatusNote: a.StatusNote,
		Version: a.Version, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
	if a.Parent != nil {
		r := fromActorRef(*a.Parent)
		w.Parent = &r
	}
	return w
}

func fromActorRef(r conflict.ActorRef) actorRef {
	return actorRef{ID: int64(r.ID), Slug: r.Slug, Name: r.Name, Colour: r.Colour}
}

func fromPlace(p *conflict.Place) place {
	w := place{V: Version, ID: int64(p.ID), Slug: p.Slug, Name: p.Name, Kind: p.Kind,
		Parent: fromPlaceRef(p.Parent), Coordinates: fromLatLon(p.Coordinates), Description: p.Description,
		Status: string(p.Status), StatusNote: p.StatusNote, Version: p.Version, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
	if p.AltNames != nil {
		w.AltNames = make([]altName, len(p.AltNames))
		for i, n := range p.AltNames {
			w.AltNames[i] = altName{Name: n.Name, Lang: n.Lang}
		}
	}
	return w
}

func fromPlaceRef(r *conflict.PlaceRef) *placeRef {
	if r == nil {
		return nil
	}
	return &placeRef{ID: int64(r.ID), Slug: r.Slug, Name: r.Name, Coordinates: fromLatLon(r.Coordinates)}
}

func fromLatLon(c *conflict.LatLon) *latLon {
	if c == nil {
		return nil
	}
	return &latLon{Lat: c.Lat, Lon: c.Lon}
}

func fromTimeline(t *conflict.Timeline) timeline {
	return timeline{V: Version, ID: int64(t.ID), Slug: t.Slug, Title: t.Title, Description: t.Description,
		Filter: timelineFilter{Actors: toInts(t.Filter.Actors), Places: toInts(t.Filter.Places),
			Tags: t.Filter.Tags, From: t.Filter.From.String(), To: t.Filter.To.String()},
		Pinned: toInts(t.Pinned), Excluded: toInts(t.Excluded), WithEstimates: t.WithEstimates,
		Status: string(t.Status), StatusNote: t.StatusNote, Version: t.Version, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
}

// From the wire to the domain.

func (w *event) record() (conflict.Event, error) {
	e := conflict.Event{ID: conflict.EventID(w.ID), Title: w.Title,
		Place: w.Place.record(), Tags: w.Tags, Body: w.Body, Relations: toRelations(w.Relations),
		Status: conflict.Status(w.Status), StatusNote: w.StatusNote, ExternalID: w.ExternalID,
		Version: w.Version, CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt}
	switch {
	case w.Slug != nil:
		e.Slug = *w.Slug
	case w.V >= 5:
		e.Slug = conflict.EventSlug(w.Title)
	}
	var err error
	if e.Date, err = date("Date", w.Date); err != nil {
		return conflict.Event{}, err
	}
	if w.Actors != nil {
		e.Actors = make([]conflict.EventActor, len(w.Actors))
		for i, a := range w.Actors {
			e.Actors[i] = conflict.EventActor{Actor: a.Actor.record(), Role: a.Role}
		}
	}
	if e.Citations, err = citations(w.Citations); err != nil {
		return conflict.Event{}, err
	}
	return e, nil
}

func (w *estimate) record() (conflict.Estimate, error) {
	x := conflict.Estimate{ID: conflict.EstimateID(w.ID), Force: w.Force.record(), Place: w.Place.record(),
		Unit: w.Unit, Qualifier: conflict.Qualifier(w.Qualifier),
		Low: conflict.Bound(w.Low), High: conflict.Bound(w.High), Claimant: w.Claimant, Notes: w.Notes,
		Status: conflict.Status(w.Status), StatusNote: w.StatusNote, ExternalID: w.ExternalID,
		Version: w.Version, CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt}
	if w.ClaimantActor != nil {
		r := w.ClaimantActor.record()
		x.ClaimantActor = &r
	}
	if c := w.ClaimantRecord; c != nil {
		x.ClaimantRecord = &conflict.ClaimantRef{ID: conflict.ClaimantID(c.ID), Name: c.Name, Type: conflict.ClaimantType(c.Type)}
	}
	x.Relations = toRelations(w.Relations)
	var err error
	if x.AsOf, err = date("AsOf", w.AsOf); err != nil {
		return conflict.Estimate{}, err
	}
	if x.Citations, err = citations(w.Citations); err != nil {
		return conflict.Estimate{}, err
	}
	return x, nil
}

func citations(ws []citation) ([]conflict.Citation, error) {
	if ws == nil {
		return nil, nil
	}
	out := make([]conflict.Citation, len(ws))
	for i := range ws {
		s, err := ws[i].Source.record()
		if err != nil {
			return nil, err
		}
		out[i] = conflict.Citation{ID: conflict.CitationID(ws[i].ID), Source: s, Quote: ws[i].Quote,
			Locator: ws[i].Locator, Credibility: ws[i].Credibility}
	}
	return out, nil
}

func (w *source) record() (conflict.Source, error) {
	published, err := date("Published", w.Published)
	if err != nil {
		return conflict.Source{}, err
	}
	return conflict.Source{ID: conflict.SourceID(w.ID), URL: w.URL, Publisher: w.Publisher, Title: w.Title,
		Published: published, Authors: w.Authors, Language: w.Language, ArchivedURL: w.ArchivedURL,
		Reliability: conflict.Reliability(w.Reliability), Notes: w.Notes,
		Status: conflict.Status(w.Status), StatusNote: w.StatusNote, Version: w.Version, CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt}, nil
}

func (w *actor) record() conflict.Actor {
	a := conflict.Actor{ID: conflict.ActorID(w.ID), Slug: w.Slug, Name: w.Name, Aliases: w.Aliases, Kind: w.Kind,
		Colour: w.Colour, Description: w.Description, Status: conflict.Status(w.Status), StatusNote: w.StatusNote,
		Version: w.Version, CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt}
	if w.Parent != nil {
		r := w.Parent.record()
		a.Parent = &r
	}
	return a
}

func (w actorRef) record() conflict.ActorRef {
	return conflict.ActorRef{ID: conflict.ActorID(w.ID), Slug: w.Slug, Name: w.Name, Colour: w.Colour}
}

func (w *place) record() conflict.Place {
	p := conflict.Place{ID: conflict.PlaceID(w.ID), Slug: w.Slug, Name: w.Name, Kind: w.Kind,
		Parent: w.Parent.record(), Coordinates: w.Coordinates.record(), Description: w.Description,
		Status: conflict.Status(w.Status), StatusNote: w.StatusNote, Version: w.Version, CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt}
	if w.AltNames != nil {
		p.AltNames = make([]conflict.AltName, len(w.AltNames))
		for i, n := range w.AltNames {
			p.AltNames[i] = conflict.AltName{Name: n.Name, Lang: n.Lang}
		}
	}
	return p
}

func (w *placeRef) record() *conflict.PlaceRef {
	if w == nil {
		return nil
	}
	return &conflict.PlaceRef{ID: conflict.PlaceID(w.ID), Slug: w.Slug, Name: w.Name, Coordinates: w.Coordinates.record()}
}

func (w *latLon) record() *conflict.LatLon {
	if w == nil {
		return nil
	}
	return &conflict.LatLon{Lat: w.Lat, Lon: w.Lon}
}

func (w *timeline) record() (conflict.Timeline, error) {
	t := conflict.Timeline{ID: conflict.TimelineID(w.ID), Slug: w.Slug, Title: w.Title, Description: w.Description,
		Filter: conflict.TimelineFilter{Actors: fromInts[conflict.ActorID](w.Filter.Actors),
			Places: fromInts[conflict.PlaceID](w.Filter.Places), Tags: w.Filter.Tags},
		Pinned: fromInts[conflict.EventID](w.Pinned), Excluded: fromInts[conflict.EventID](w.Excluded),
		WithEstimates: w.WithEstimates, Status: conflict.Status(w.Status), StatusNote: w.StatusNote,
		Version: w.Version, CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt}
	var err error
	if t.Filter.From, err = date("Filter.From", w.Filter.From); err != nil {
		return conflict.Timeline{}, err
	}
	if t.Filter.To, err = date("Filter.To", w.Filter.To); err != nil {
		return conflict.Timeline{}, err
	}
	return t, nil
}

// Versions 1 and 2 to 3. Actors, places, sources and timelines had no
// review status before version 3: the first three were public as soon as
// they were saved, and a timeline was public when its Published flag was
// set, a draft otherwise. An older snapshot reads as the status its record
// had then, as migration 0009 gave the records themselves.

func (w *event) upgrade() {
	for i := range w.Citations {
		w.Citations[i].Source.upgrade()
	}
}

func (w *estimate) upgrade() {
	for i := range w.Citations {
		w.Citations[i].Source.upgrade()
	}
}

func (w *source) upgrade() { w.Status = string(conflict.Published) }
func (w *actor) upgrade()  { w.Status = string(conflict.Published) }
func (w *place) upgrade()  { w.Status = string(conflict.Published) }

func (w *timeline) upgrade() {
	w.Status = string(conflict.Draft)
	if w.Published {
		w.Status = string(conflict.Published)
	}
}

// date reads a stored EDTF date; "" is no date.
func date(field, s string) (edtf.Date, error) {
	if s == "" {
		return edtf.Date{}, nil
	}
	d, err := edtf.Parse(s)
	if err != nil {
		return edtf.Date{}, fmt.Errorf("snapshot: %s: %w", field, err)
	}
	return d, nil
}

func toInts[T ~int64](ids []T) []int64 {
	if ids == nil {
		return nil
	}
	out := make([]int64, len(ids))
	for i, id := range ids {
		out[i] = int64(id)
	}
	return out
}

func fromInts[T ~int64](ids []int64) []T {
	if ids == nil {
		return nil
	}
	out := make([]T, len(ids))
	for i, id := range ids {
		out[i] = T(id)
	}
	return out
}
