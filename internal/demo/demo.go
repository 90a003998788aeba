// Package demo loads the worked example: the facts of one Voice of America
// report of 29 September 2016 on the Islamic State's hold on Mosul, as
// sitrep records them.
package demo

import (
	"context"
	"fmt"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/sqlite"
)

// TimelineSlug is the demo's published timeline.
const TimelineSlug = "mosul-2016"

// change attributes every demo record to the loader in its revisions.
var change = conflict.Change{AuthorName: "demo loader", Summary: "Worked example from the VOA report of 29 September 2016"}

// Load stores the worked example. Every record is looked up before it is
// created, so loading twice, or after an interrupted load, changes nothing
// that is already there.
func Load(ctx context.Context, db *sqlite.DB) error {
	l := loader{db: db, actors: map[string]conflict.Actor{}, places: map[string]conflict.Place{}}
	return l.load(ctx)
}

type loader struct {
	db     *sqlite.DB
	actors map[string]conflict.Actor
	places map[string]conflict.Place
	source conflict.Source
}

func (l *loader) load(ctx context.Context) error {
	steps := []func(context.Context) error{l.loadActors, l.loadPlaces, l.loadSource, l.loadEvents, l.loadEstimates, l.loadTimeline}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
	}
	return nil
}

func (l *loader) loadActors(ctx context.Context) error {
	actors := []conflict.Actor{
		{Name: "Islamic State", Aliases: []string{"IS", "ISIS", "ISIL", "Daesh", "الدولة الإسلامية"}, Kind: "armed group", Colour: "#c0392b",
			Description: "Jihadist armed group that held Mosul from June 2014."},
		{Name: "Iraqi security forces", Aliases: []string{"ISF", "Iraqi forces"}, Kind: "state forces", Colour: "#1f6fb4",
			Description: "The army, police and counter-terrorism forces of the Iraqi state."},
		{Name: "Popular Mobilization Forces", Aliases: []string{"PMF", "Hashd al-Shaabi", "الحشد الشعبي"}, Kind: "militia coalition", Colour: "#2e8b57",
			Description: "Umbrella of mostly Shi'ite militias formed in 2014."},
		{Name: "Badr Organization", Aliases: []string{"Badr", "منظمة بدر"}, Kind: "militia", Colour: "#16a085", Parent: &conflict.ActorRef{Name: "Popular Mobilization Forces"},
			Description: "A Shi'ite militia and political party, part of the Popular Mobilization Forces."},
		{Name: "U.S.-led coalition", Aliases: []string{"Operation Inherent Resolve", "OIR", "CJTF-OIR", "the coalition"}, Kind: "international coalition", Colour: "#7b4fa0",
			Description: "The international coalition against the Islamic State, whose military operation is Operation Inherent Resolve."},
	}
	for _, a := range actors {
		if a.Parent != nil {
			p := l.actors[a.Parent.Name].Ref()
			a.Parent = &p
		}
		stored, err := l.db.FindActorBySlug(ctx, conflict.Slugify(a.Name))
		if conflict.ErrorCode(err) == conflict.NotFound {
			stored = a
			err = l.db.CreateActor(ctx, &stored, change)
		}
		if err != nil {
			return fmt.Errorf("actor %s: %w", a.Name, err)
		}
		l.actors[a.Name] = stored
	}
	return nil
}

func (l *loader) loadPlaces(ctx context.Context) error {
	at := func(lat, lon float64) *conflict.LatLon { return &conflict.LatLon{Lat: lat, Lon: lon} }
	places := []struct {
		conflict.Place
		parent string
	}{
		{Place: conflict.Place{Name: "Iraq", Kind: "country", Coordinates: at(33.2232, 43.6793),
			AltNames: []conflict.AltName{{Name: "العراق", Lang: "ar"}, {Name: "عێراق", Lang: "ckb"}}}},
		{Place: conflict.Place{Name: "Syria", Kind: "country", Coordinates: at(34.8021, 38.9968),
			AltNames: []conflict.AltName{{Name: "سوريا", Lang: "ar"}}}},
		{Place: conflict.Place{Name: "Nineveh province", Kind: "province", Coordinates: at(36.2, 42.6),
			AltNames: []conflict.AltName{{Name: "نينوى", Lang: "ar"}, {Name: "Ninawa", Lang: "en"}}}, parent: "Iraq"},
		{Place: conflict.Place{Name: "Mosul", Kind: "city", Coordinates: at(36.3400, 43.1300),
			AltNames: []conflict.AltName{{Name: "الموصل", Lang: "ar"}, {Name: "Mûsil", Lang: "kmr"}}}, parent: "Nineveh province"},
		{Place: conflict.Place{Name: "Diyala province", Kind: "province", Coordinates: at(33.7733, 45.1494),
			AltNames: []conflict.AltName{{Name: "ديالى", Lang: "ar"}}}, parent: "Iraq"},
		{Place: conflict.Place{Name: "Raqqa", Kind: "city", Coordinates: at(35.9528, 39.0079),
			AltNames: []conflict.AltName{{Name: "الرقة", Lang: "ar"}, {Name: "Ar-Raqqah", Lang: "en"}}}, parent: "Syria"},
	}
	for _, p := range places {
		if p.parent != "" {
			ref := l.places[p.parent].Ref()
			p.Parent = &ref
		}
		stored, err := l.db.FindPlaceBySlug(ctx, conflict.Slugify(p.Name))
		if conflict.ErrorCode(err) == conflict.NotFound {
			stored = p.Place
			err = l.db.CreatePlace(ctx, &stored, change)
		}
		if err != nil {
			return fmt.Errorf("place %s: %w", p.Name, err)
		}
		l.places[p.Name] = stored
	}
	return nil
}

// sourceURL is the report's address on the publisher's site.
const sourceURL = "https://www.voanews.com/a/islamic-state-struggling-to-reinforce-mosul-ahead-of-iraqi-offensive"

func (l *loader) loadSource(ctx context.Context) error {
	s, err := l.db.FindSourceByURL(ctx, sourceURL)
	if conflict.ErrorCode(err) == conflict.NotFound {
		s = conflict.Source{
			URL:         sourceURL,
			Publisher:   "Voice of America",
			Title:       "Islamic State Struggling to Reinforce Mosul Ahead of Iraqi Offensive",
			Published:   edtf.MustParse("2016-09-29"),
			Language:    "en",
			Reliability: "B",
			Notes:       "News report on a Pentagon briefing by Col. John Dorrian, spokesman of Operation Inherent Resolve, given by video link from Baghdad.",
		}
		err = l.db.CreateSource(ctx, &s, change)
	}
	l.source = s
	return err
}

func (l *loader) cite(quote, locator string, credibility int) conflict.Citation {
	return conflict.Citation{Source: l.source, Quote: quote, Locator: locator, Credibility: credibility}
}

func (l *loader) actor(name, role string) conflict.EventActor {
	return conflict.EventActor{Actor: l.actors[name].Ref(), Role: role}
}

func (l *loader) place(name string) *conflict.PlaceRef {
	ref := l.places[name].Ref()
	return &ref
}

func (l *loader) loadEvents(ctx context.Context) error {
	events := []conflict.Event{
		{
			ExternalID: "demo:badr-training-diyala",
			Title:      "Badr Organization fighters train in Diyala ahead of the battle for Mosul",
			Date:       edtf.MustParse("2016-09-27"),
			Place:      l.place("Diyala province"),
			Actors:     []conflict.EventActor{l.actor("Badr Organization", "training")},
			Tags:       []string{"training", "mosul offensive"},
			Body: "Members of the Shi'ite **Badr Organization**, part of the Popular Mobilization Forces, " +
				"trained in Diyala province for the coming offensive to recapture Mosul from the Islamic State.",
			Citations: []conflict.Citation{l.cite("A member of the Shi'ite Badr Organization undergoes training before the upcoming battle "+
				"to recapture Mosul in Diyala province, Iraq, Sept. 27, 2016.", "photo caption", 2)},
		},
		{
			ExternalID: "demo:airstrikes-limit-reinforcement",
			Title:      "Coalition airstrikes limit Islamic State reinforcement of Mosul",
			Date:       edtf.MustParse("2016-09~"),
			Place:      l.place("Mosul"),
			Actors:     []conflict.EventActor{l.actor("U.S.-led coalition", "air strikes"), l.actor("Islamic State", "target")},
			Tags:       []string{"airstrikes", "reinforcement"},
			Body: "U.S. and coalition airstrikes kept the Islamic State from moving fighters into Mosul in numbers. " +
				"According to U.S. officials, reinforcements came in small groups, often retreating from towns to the north " +
				"that had fallen to coalition-backed ground forces.\n\n" +
				"> \"They can't move in large columns, formations and convoys.\" — Col. John Dorrian",
			Citations: []conflict.Citation{
				l.cite("Additionally, the terror group's attempt to reinforce Mosul has been \"limited\" due to U.S. and coalition airstrikes.", "paragraph 6", 2),
				l.cite("\"Kind of trickling in,\" Dorrian said. \"What you see is small formations, single digit fighters, "+
					"people with backpacks and things like that.\"", "paragraph 7", 2),
			},
		},
		{
			ExternalID: "demo:officials-leave-for-raqqa",
			Title:      "Top Islamic State officials and their families leave Mosul for Raqqa",
			Date:       edtf.MustParse("2016-07/2016-09"),
			Place:      l.place("Mosul"),
			Actors:     []conflict.EventActor{l.actor("Islamic State", "withdrawing")},
			Tags:       []string{"leadership", "withdrawal"},
			Body: "Between July and September 2016, intelligence indicated that many top Islamic State officials and their " +
				"families had left Mosul for the group's Syrian stronghold of [Raqqa](/places/raqqa). Iraqi militia leaders " +
				"also reported that many foreign fighters once based in Mosul were leaving.",
			Citations: []conflict.Citation{
				l.cite("Since then, coalition estimates have continually revised that number downwards as intelligence indicated "+
					"many top IS officials and their families had fled Mosul for the group's Syrian stronghold of Raqqa.", "paragraph 4", 3),
				l.cite("Iraqi militia leaders also told VOA there was evidence many of the foreign fighters who had once been based in Mosul were leaving.", "paragraph 5", 3),
			},
		},
	}
	for _, e := range events {
		_, err := l.db.FindEventByExternalID(ctx, e.ExternalID)
		if conflict.ErrorCode(err) == conflict.NotFound {
			e.Status = conflict.Published
			err = l.db.CreateEvent(ctx, &e, change)
		}
		if err != nil {
			return fmt.Errorf("event %q: %w", e.Title, err)
		}
	}
	return nil
}

func (l *loader) loadEstimates(ctx context.Context) error {
	coalition := l.actors["U.S.-led coalition"].Ref()
	estimates := []conflict.Estimate{
		{
			ExternalID:    "demo:is-mosul-2016-09-29",
			Force:         l.actors["Islamic State"].Ref(),
			Place:         l.place("Mosul"),
			AsOf:          edtf.MustParse("2016-09-29"),
			Unit:          conflict.DefaultUnit,
			Qualifier:     conflict.Range,
			Low:           conflict.Count(3000),
			High:          conflict.Count(4500),
			Claimant:      "U.S. military officials (Col. John Dorrian, Operation Inherent Resolve)",
			ClaimantActor: &coalition,
			Notes:         "Described as a mix of Iraqis and foreign fighters; down by as much as two-thirds since July.",
			Citations: []conflict.Citation{l.cite("U.S. military officials said Thursday IS has only 3,000 to 4,500 fighters left in Mosul, "+
				"describing the force as a mix of Iraqis and foreign fighters.", "paragraph 2", 2)},
		},
		{
			ExternalID:    "demo:is-mosul-2016-07",
			Force:         l.actors["Islamic State"].Ref(),
			Place:         l.place("Mosul"),
			AsOf:          edtf.MustParse("2016-07"),
			Unit:          conflict.DefaultUnit,
			Qualifier:     conflict.AtMost,
			High:          conflict.Count(10000),
			Claimant:      "Coalition estimates",
			ClaimantActor: &coalition,
			Notes:         "An upper bound; coalition estimates were revised downwards after July.",
			Citations:     []conflict.Citation{l.cite("As recently as July, IS was thought to have as many as 10,000 fighters in Mosul.", "paragraph 4", 3)},
		},
	}
	for _, x := range estimates {
		_, err := l.db.FindEstimateByExternalID(ctx, x.ExternalID)
		if conflict.ErrorCode(err) == conflict.NotFound {
			x.Status = conflict.Published
			err = l.db.CreateEstimate(ctx, &x, change)
		}
		if err != nil {
			return fmt.Errorf("estimate %s: %w", x.ExternalID, err)
		}
	}
	// Both claims are the U.S.-led coalition's military: its spokesman's,
	// and its estimates. A claimant someone has described already is left
	// as it is.
	for _, name := range []string{estimates[0].Claimant, estimates[1].Claimant} {
		c, err := l.db.FindClaimantByName(ctx, name)
		if err != nil {
			return fmt.Errorf("claimant %s: %w", name, err)
		}
		if c.Type != conflict.OtherClaimant {
			continue
		}
		c.Type, c.Affiliation = conflict.Military, &coalition
		if err := l.db.UpdateClaimant(ctx, &c, c.Version, conflict.RoleAdmin, 0); err != nil {
			return fmt.Errorf("claimant %s: %w", name, err)
		}
	}
	return nil
}

func (l *loader) loadTimeline(ctx context.Context) error {
	_, err := l.db.FindTimelineBySlug(ctx, TimelineSlug)
	if conflict.ErrorCode(err) != conflict.NotFound {
		return err
	}
	t := conflict.Timeline{
		Slug:  TimelineSlug,
		Title: "Mosul, 2016",
		Description: "The Islamic State's hold on Mosul in the months before the Iraqi offensive of October 2016: " +
			"who was preparing, who was leaving, and how many fighters were thought to remain.",
		Filter:        conflict.TimelineFilter{From: edtf.MustParse("2016"), To: edtf.MustParse("2016")},
		WithEstimates: true,
	}
	if err := l.db.CreateTimeline(ctx, &t, change); err != nil {
		return fmt.Errorf("timeline: %w", err)
	}
	return nil
}
