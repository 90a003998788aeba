// Package synth generates a large, realistic-looking record for
// benchmarks and load tests: events over several years among many actors
// and places, each cited, and estimates with every qualifier.
package synth

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/sqlite"
)

// Options size the generated record.
type Options struct {
	Events, Estimates, Actors, Places, Sources int
	// Force receives every estimate when set, so one force's chart can be
	// measured with thousands of estimates; otherwise estimates spread over
	// the first few actors.
	Force string
	Seed  uint64
	// Progress, when set, is called after each batch.
	Progress func(done, total int)
}

// batch is how many records one transaction writes.
const batch = 1000

var change = conflict.Change{AuthorName: "synthetic data", Import: true}

// Generate writes the record into db.
func Generate(ctx context.Context, db *sqlite.DB, o Options) error {
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	g := generator{db: db, rng: rng}
	if err := g.makeActors(ctx, max(o.Actors, 2), o.Force); err != nil {
		return err
	}
	if err := g.makePlaces(ctx, max(o.Places, 3)); err != nil {
		return err
	}
	if err := g.makeSources(ctx, max(o.Sources, 1)); err != nil {
		return err
	}
	total := o.Events + o.Estimates
	done := 0
	for done < o.Events {
		n := min(batch, o.Events-done)
		events := make([]*conflict.Event, n)
		for i := range events {
			events[i] = g.event(done + i)
		}
		if err := db.CreateEvents(ctx, events, change); err != nil {
			return fmt.Errorf("synthetic events: %w", err)
		}
		done += n
		if o.Progress != nil {
			o.Progress(done, total)
		}
	}
	for i := 0; i < o.Estimates; {
		n := min(batch, o.Estimates-i)
		xs := make([]*conflict.Estimate, n)
		for j := range xs {
			xs[j] = g.estimate(i+j, o.Force != "")
		}
		if err := db.CreateEstimates(ctx, xs, change); err != nil {
			return fmt.Errorf("synthetic estimates: %w", err)
		}
		i += n
		if o.Progress != nil {
			o.Progress(o.Events+i, total)
		}
	}
	return db.Checkpoint(ctx)
}

type generator struct {
	db      *sqlite.DB
	rng     *rand.Rand
	actors  []conflict.ActorRef
	places  []conflict.PlaceRef
	sources []conflict.Source
}

var (
	actorWords = []string{"Northern", "Southern", "Eastern", "Western", "Free", "United", "Popular", "Revolutionary", "National", "Islamic", "Democratic", "Republican"}
	actorKinds = []string{"Brigade", "Front", "Army", "Forces", "Movement", "Battalion", "Guard", "Militia", "Council", "Division"}
	placeParts = []string{"al", "Tal", "Ras", "Deir", "Kafr", "Ain", "Jisr", "Bab", "Qasr", "Khan", "Abu", "Umm"}
	placeRoots = []string{"Hamra", "Zor", "Nasr", "Salam", "Karam", "Hadid", "Sultan", "Bayda", "Jabal", "Nahr", "Sahl", "Wadi", "Qamar", "Tin", "Rum"}
	verbs      = []string{"attack", "shell", "capture", "withdraw from", "reinforce", "besiege", "negotiate over", "clear", "train near", "patrol"}
	tags       = []string{"airstrike", "shelling", "ground-assault", "withdrawal", "ceasefire", "displacement", "training", "reinforcement", "negotiation", "ied", "ambush", "siege"}
	sentences  = []string{
		"Local sources reported heavy fighting on the outskirts through the night.",
		"Residents described convoys moving along the main road before dawn.",
		"Officials gave no figures for casualties, and independent confirmation was not possible.",
		"The move followed weeks of skirmishes along the front line.",
		"Aid groups said hundreds of families had left the area.",
		"Satellite imagery published later showed damage to several buildings.",
		"Commanders described the operation as a success; opponents disputed the claim.",
	}
	claimants = []string{"Coalition officials", "Ministry of Defence", "Local council", "Independent monitor", "Opposition spokesman", "Intelligence estimate", "UN panel of experts", "Think-tank analysis"}
	units     = []string{"fighters", "fighters", "fighters", "troops", "vehicles"}
)

func (g *generator) pick(words []string) string { return words[g.rng.IntN(len(words))] }

func (g *generator) makeActors(ctx context.Context, n int, force string) error {
	for i := 0; i < n; i++ {
		a := conflict.Actor{
			Name:   fmt.Sprintf("%s %s %d", g.pick(actorWords), g.pick(actorKinds), i+1),
			Kind:   "armed group",
			Colour: fmt.Sprintf("#%02x%02x%02x", 40+g.rng.IntN(180), 40+g.rng.IntN(180), 40+g.rng.IntN(180)),
		}
		if i == 0 && force != "" {
			a.Name = force
		}
		a.Aliases = []string{strings.ToUpper(conflict.Slugify(a.Name)[:3]) + fmt.Sprint(i+1)}
		if i > 3 && g.rng.IntN(4) == 0 {
			p := g.actors[g.rng.IntN(len(g.actors))]
			a.Parent = &p
		}
		if err := g.db.CreateActor(ctx, &a, change); err != nil {
			return fmt.Errorf("synthetic actor: %w", err)
		}
		g.actors = append(g.actors, a.Ref())
	}
	return nil
}

func (g *generator) makePlaces(ctx context.Context, n int) error {
	countries := max(1, n/50)
	for i := 0; i < n; i++ {
		p := conflict.Place{Name: fmt.Sprintf("%s %s %d", g.pick(placeParts), g.pick(placeRoots), i+1)}
		switch {
		case i < countries:
			p.Kind = "country"
		default:
			parent := g.places[g.rng.IntN(min(len(g.places), countries+i/4))]
			p.Parent = &parent
			p.Kind = "town"
			p.Coordinates = &conflict.LatLon{Lat: 30 + g.rng.Float64()*8, Lon: 36 + g.rng.Float64()*10}
		}
		if err := g.db.CreatePlace(ctx, &p, change); err != nil {
			return fmt.Errorf("synthetic place: %w", err)
		}
		g.places = append(g.places, p.Ref())
	}
	return nil
}

func (g *generator) makeSources(ctx context.Context, n int) error {
	publishers := []string{"Wire Service", "Daily Monitor", "Regional Times", "Field Report", "Radio Free"}
	for i := 0; i < n; i++ {
		s := conflict.Source{
			URL:         fmt.Sprintf("https://news.example.org/%d/report-%d", 2014+i%7, i+1),
			Publisher:   g.pick(publishers),
			Title:       fmt.Sprintf("Report %d on the fighting", i+1),
			Published:   g.day(),
			Reliability: conflict.Reliability("ABCDEF"[g.rng.IntN(6)]),
		}
		if err := g.db.CreateSource(ctx, &s, change); err != nil {
			return fmt.Errorf("synthetic source: %w", err)
		}
		g.sources = append(g.sources, s)
	}
	return nil
}

// start and span bound the generated dates: 2014 to the end of 2020.
var start = time.Date(2014, 1, 1, 0, 0, 0, 0, time.UTC)

const spanDays = 7 * 365

func (g *generator) day() edtf.Date {
	t := start.AddDate(0, 0, g.rng.IntN(spanDays))
	return edtf.MustParse(t.Format("2006-01-02"))
}

// date gives mostly exact days, some months, approximate dates and
// intervals, as real reporting does.
func (g *generator) date() edtf.Date {
	t := start.AddDate(0, 0, g.rng.IntN(spanDays))
	switch r := g.rng.IntN(100); {
	case r < 75:
		return edtf.MustParse(t.Format("2006-01-02"))
	case r < 85:
		return edtf.MustParse(t.Format("2006-01"))
	case r < 92:
		return edtf.MustParse(t.Format("2006-01-02") + "~")
	default:
		end := t.AddDate(0, 1+g.rng.IntN(3), 0)
		return edtf.MustParse(t.Format("2006-01") + "/" + end.Format("2006-01"))
	}
}

func (g *generator) event(i int) *conflict.Event {
	a := g.actors[g.rng.IntN(len(g.actors))]
	place := g.places[g.rng.IntN(len(g.places))]
	e := &conflict.Event{
		Title:      fmt.Sprintf("%s %s positions near %s", a.Name, g.pick(verbs), place.Name),
		Date:       g.date(),
		Place:      &place,
		Actors:     []conflict.EventActor{{Actor: a, Role: "actor"}},
		Tags:       []string{g.pick(tags)},
		Status:     conflict.Published,
		ExternalID: fmt.Sprintf("synth:event:%d", i),
	}
	if b := g.actors[g.rng.IntN(len(g.actors))]; b.ID != a.ID {
		e.Actors = append(e.Actors, conflict.EventActor{Actor: b, Role: "target"})
	}
	var body strings.Builder
	for range 2 + g.rng.IntN(3) {
		body.WriteString(g.pick(sentences) + " ")
	}
	e.Body = body.String()
	src := g.sources[g.rng.IntN(len(g.sources))]
	e.Citations = []conflict.Citation{{Source: src, Quote: g.pick(sentences), Locator: fmt.Sprintf("paragraph %d", 1+g.rng.IntN(9))}}
	return e
}

func (g *generator) estimate(i int, oneForce bool) *conflict.Estimate {
	force := g.actors[0]
	if !oneForce {
		force = g.actors[g.rng.IntN(min(5, len(g.actors)))]
	}
	place := g.places[g.rng.IntN(len(g.places))]
	base := int64(500 + g.rng.IntN(20000))
	x := &conflict.Estimate{
		Force: force, Place: &place, AsOf: g.date(), Unit: g.pick(units), Claimant: g.pick(claimants),
		Status: conflict.Published, ExternalID: fmt.Sprintf("synth:estimate:%d", i),
	}
	switch x.Qualifier = conflict.Qualifiers[g.rng.IntN(len(conflict.Qualifiers))]; x.Qualifier {
	case conflict.Exact, conflict.About:
		x.Low, x.High = conflict.Count(base), conflict.Count(base)
	case conflict.Range:
		x.Low, x.High = conflict.Count(base), conflict.Count(base+int64(100+g.rng.IntN(5000)))
	case conflict.AtLeast:
		x.Low = conflict.Count(base)
	case conflict.AtMost:
		x.High = conflict.Count(base)
	}
	src := g.sources[g.rng.IntN(len(g.sources))]
	x.Citations = []conflict.Citation{{Source: src, Quote: "Officials put the number at " + x.ValueText() + "."}}
	return x
}
