package sqlite

import (
	"reflect"
	"slices"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// TestEventToCompareReadsWhatSameEventCompares checks the import's short
// read of a stored event against findEvent, the full one it stands in
// for: the same title, date, body, place, actors in the same order (two
// at one position go by name), tags and citations in their order; and for
// a file's row that differs from the stored event in any one thing, or in
// nothing, sameEvent says the same of either read.
func TestEventToCompareReadsWhatSameEventCompares(t *testing.T) {
	db := openTemp(t, "compare.db")
	ctx := t.Context()
	for _, q := range []string{
		`INSERT INTO actors (id, slug, name, created_at, updated_at) VALUES (1, 'zeta', 'Zeta Brigade', '', ''), (2, 'alpha', 'Alpha Front', '', ''), (3, 'jaysh', 'جيش الفتح', '', '')`,
		`INSERT INTO places (id, slug, name, created_at, updated_at) VALUES (1, 'raqqa', 'Raqqa', '', '')`,
		`INSERT INTO sources (id, url, publisher, title, created_at, updated_at) VALUES
			(1, 'https://example.org/1', 'Enab Baladi', 'One', '', ''),
			(2, 'https://example.org/2', 'عنب بلدي', 'Two', '', '')`,
		`INSERT INTO events (id, title, date, date_lo, date_hi, place_id, body, status, created_at, updated_at) VALUES
			(1, 'Clashes near Raqqa', '2017-06', '2017-06-01', '2017-06-30', 1, 'Fighting *through* the night.', 'published', '', ''),
			(2, 'اشتباكات قرب الرقة', '2017-06-06', '2017-06-06', '2017-06-06', NULL, '', 'draft', '', '')`,
		`INSERT INTO event_actors (event_id, actor_id, role, position) VALUES (1, 1, 'actor', 0), (1, 2, 'target', 0), (1, 3, 'actor', 1)`,
		`INSERT INTO event_tags (event_id, tag) VALUES (1, 'shelling'), (1, 'airstrike')`,
		`INSERT INTO citations (id, source_id, event_id, quote, locator, credibility, position) VALUES
			(1, 2, 1, 'Heavy fighting, sources said.', 'p. 2', NULL, 1),
			(2, 1, 1, 'قال مصدر', '', 3, 0)`,
	} {
		if _, err := db.write.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	compared := func(e conflict.Event) any {
		type cite struct {
			source         conflict.SourceID
			quote, locator string
			credibility    int
		}
		out := struct {
			title, body string
			date        string
			place       conflict.PlaceID
			actors      []conflict.EventActor
			tags        []string
			cites       []cite
		}{title: e.Title, body: e.Body, date: e.Date.String(), place: placeID(e.Place), tags: slices.Sorted(slices.Values(e.Tags))}
		for _, a := range e.Actors {
			out.actors = append(out.actors, conflict.EventActor{Actor: conflict.ActorRef{ID: a.Actor.ID}, Role: a.Role})
		}
		for _, c := range e.Citations {
			out.cites = append(out.cites, cite{c.Source.ID, c.Quote, c.Locator, c.Credibility})
		}
		return out
	}
	for _, id := range []conflict.EventID{1, 2} {
		full, err := findEvent(ctx, db.read, id)
		if err != nil {
			t.Fatal(err)
		}
		short, err := eventToCompare(ctx, db.read, id)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := compared(short), compared(full); !reflect.DeepEqual(got, want) {
			t.Errorf("event %d: short read %+v, full read %+v", id, got, want)
		}
		if id == 1 && (len(full.Actors) != 3 || full.Actors[0].Actor.ID != 2 || short.Actors[0].Actor.ID != 2) {
			t.Errorf("event 1: actors at one position not by name: full %+v, short %+v", full.Actors, short.Actors)
		}
		variants := map[string]func(e *conflict.Event){
			"nothing": func(e *conflict.Event) {},
			"title":   func(e *conflict.Event) { e.Title += "!" },
			"date": func(e *conflict.Event) {
				d, err := edtf.Parse("2017-06-07")
				if err != nil {
					t.Fatal(err)
				}
				e.Date = d
			},
			"body":     func(e *conflict.Event) { e.Body += " More." },
			"place":    func(e *conflict.Event) { e.Place = &conflict.PlaceRef{ID: 2} },
			"no place": func(e *conflict.Event) { e.Place = nil },
			"actor added": func(e *conflict.Event) {
				e.Actors = append(e.Actors, conflict.EventActor{Actor: conflict.ActorRef{ID: 1}, Role: "target"})
			},
			"tag added": func(e *conflict.Event) { e.Tags = append(e.Tags, "raid") },
			"citation added": func(e *conflict.Event) {
				e.Citations = append(e.Citations, conflict.Citation{Source: conflict.Source{ID: 1}})
			},
		}
		if len(full.Actors) > 1 {
			variants["actor role"] = func(e *conflict.Event) { e.Actors[0].Role = "actor" }
			variants["actors swapped"] = func(e *conflict.Event) { e.Actors[0], e.Actors[1] = e.Actors[1], e.Actors[0] }
			variants["tags reordered"] = func(e *conflict.Event) { slices.Reverse(e.Tags) }
			variants["quote"] = func(e *conflict.Event) { e.Citations[1].Quote = "Something else." }
			variants["locator"] = func(e *conflict.Event) { e.Citations[0].Locator = "p. 9" }
			variants["credibility"] = func(e *conflict.Event) { e.Citations[1].Credibility = 2 }
			variants["source"] = func(e *conflict.Event) { e.Citations[0].Source.ID = 2 }
			variants["citations swapped"] = func(e *conflict.Event) { e.Citations[0], e.Citations[1] = e.Citations[1], e.Citations[0] }
		}
		for name, change := range variants {
			row := full
			row.Actors, row.Tags, row.Citations = slices.Clone(full.Actors), slices.Clone(full.Tags), slices.Clone(full.Citations)
			change(&row)
			same, sameShort := sameEvent(full, row), sameEvent(short, row)
			if same != sameShort {
				t.Errorf("event %d, %s: sameEvent says %v of the full read, %v of the short one", id, name, same, sameShort)
			}
			if want := name == "nothing" || name == "tags reordered" || name == "no place" && full.Place == nil; same != want {
				t.Errorf("event %d, %s: sameEvent = %v, want %v", id, name, same, want)
			}
		}
	}
	if _, err := eventToCompare(ctx, db.read, 99); conflict.ErrorCode(err) != conflict.NotFound {
		t.Errorf("a missing event: %v, want NotFound", err)
	}
}
