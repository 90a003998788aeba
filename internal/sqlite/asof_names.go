package sqlite

import (
	"context"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/snapshot"
)

// The names a pinned view shows are those of its moment. A record's own
// state at t comes from its revisions (asof.go), but the actors and places
// it names are separate records: a list row joins today's names, and a
// snapshot holds the names of when the record itself was last revised.
// Either way an actor renamed since would change a page promised never to
// change. namesAt resolves every actor and place a pinned view mentions to
// its name at t: today's row when it has not been revised since, its
// public state at t when it has. Slugs stay today's, so links still lead
// somewhere.

// actorAt is what a pinned view shows of an actor.
type actorAt struct{ name, colour string }

// namesAt returns the names at t of the given actors and places, each
// keyed by id; records it cannot place at t (not public then) are absent,
// and keep whatever name the caller has.
func (db *DB) namesAt(ctx context.Context, t time.Time, actors []conflict.ActorID, places []conflict.PlaceID) (map[conflict.ActorID]actorAt, map[conflict.PlaceID]string, error) {
	outA := map[conflict.ActorID]actorAt{}
	outP := map[conflict.PlaceID]string{}
	idsOf := func(n int, id func(int) int64) []int64 {
		out := make([]int64, n)
		for i := range out {
			out[i] = id(i)
		}
		return out
	}
	if len(actors) > 0 {
		ids := idsOf(len(actors), func(i int) int64 { return int64(actors[i]) })
		err := db.eachName(ctx, `SELECT id, name, colour FROM actors`, ids, func(id int64, name, colour string) {
			outA[conflict.ActorID(id)] = actorAt{name: name, colour: colour}
		})
		if err != nil {
			return nil, nil, err
		}
		then, err := revisedStatesAt(ctx, db, conflict.ActorRecord, ids, t, decodeActor)
		if err != nil {
			return nil, nil, err
		}
		for id, a := range then {
			outA[conflict.ActorID(id)] = actorAt{name: a.Name, colour: a.Colour}
		}
	}
	if len(places) > 0 {
		ids := idsOf(len(places), func(i int) int64 { return int64(places[i]) })
		err := db.eachName(ctx, `SELECT id, name, '' FROM places`, ids, func(id int64, name, _ string) {
			outP[conflict.PlaceID(id)] = name
		})
		if err != nil {
			return nil, nil, err
		}
		then, err := revisedStatesAt(ctx, db, conflict.PlaceRecord, ids, t, decodePlace)
		if err != nil {
			return nil, nil, err
		}
		for id, p := range then {
			outP[conflict.PlaceID(id)] = p.Name
		}
	}
	return outA, outP, nil
}

// eachName calls fn with today's id, name and third column of the rows of
// selectFrom (a SELECT of three columns FROM one table) with the given ids.
func (db *DB) eachName(ctx context.Context, selectFrom string, ids []int64, fn func(id int64, name, extra string)) error {
	rows, err := db.read.QueryContext(ctx, selectFrom+` WHERE id IN (SELECT value FROM json_each(?))`, jsonIDs(args(ids)))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id          int64
			name, extra string
		)
		if err := rows.Scan(&id, &name, &extra); err != nil {
			return err
		}
		fn(id, name, extra)
	}
	return rows.Err()
}

// revisedStatesAt is statesAt for those of ids revised after t: the
// others' rows are already their state at t.
func revisedStatesAt[T any](ctx context.Context, db *DB, rt conflict.RecordType, ids []int64, t time.Time,
	decode func([]byte) (T, conflict.Status, error)) (map[int64]T, error) {
	revised, err := db.revisedSince(ctx, rt, ids, t)
	if err != nil || len(revised) == 0 {
		return nil, err
	}
	some := make([]int64, 0, len(revised))
	for id := range revised {
		some = append(some, id)
	}
	return statesAt(ctx, db, rt, some, t, decode)
}

func decodeActor(js []byte) (conflict.Actor, conflict.Status, error) {
	a, err := snapshot.Actor(js)
	return a, a.Status, err
}

func decodePlace(js []byte) (conflict.Place, conflict.Status, error) {
	p, err := snapshot.Place(js)
	return p, p.Status, err
}

// eventNamesAt gives the events' actors and places their names at t.
func (db *DB) eventNamesAt(ctx context.Context, t time.Time, events []conflict.Event) error {
	var actors []conflict.ActorID
	var places []conflict.PlaceID
	for i := range events {
		for _, ea := range events[i].Actors {
			actors = append(actors, ea.Actor.ID)
		}
		if p := events[i].Place; p != nil {
			places = append(places, p.ID)
		}
	}
	byActor, byPlace, err := db.namesAt(ctx, t, actors, places)
	if err != nil {
		return err
	}
	for i := range events {
		e := &events[i]
		for j := range e.Actors {
			renameActor(&e.Actors[j].Actor, byActor)
		}
		if e.Place != nil {
			p := *e.Place
			renamePlace(&p, byPlace)
			e.Place = &p
		}
	}
	return nil
}

// estimateNamesAt gives the estimates' forces, places and claimants'
// actors their names at t.
func (db *DB) estimateNamesAt(ctx context.Context, t time.Time, xs []conflict.Estimate) error {
	var actors []conflict.ActorID
	var places []conflict.PlaceID
	for i := range xs {
		actors = append(actors, xs[i].Force.ID)
		if a := xs[i].ClaimantActor; a != nil {
			actors = append(actors, a.ID)
		}
		if p := xs[i].Place; p != nil {
			places = append(places, p.ID)
		}
	}
	byActor, byPlace, err := db.namesAt(ctx, t, actors, places)
	if err != nil {
		return err
	}
	for i := range xs {
		x := &xs[i]
		renameActor(&x.Force, byActor)
		if x.ClaimantActor != nil {
			a := *x.ClaimantActor
			renameActor(&a, byActor)
			x.ClaimantActor = &a
		}
		if x.Place != nil {
			p := *x.Place
			renamePlace(&p, byPlace)
			x.Place = &p
		}
	}
	return nil
}

func renameActor(a *conflict.ActorRef, names map[conflict.ActorID]actorAt) {
	if n, ok := names[a.ID]; ok {
		a.Name, a.Colour = n.name, n.colour
	}
}

func renamePlace(p *conflict.PlaceRef, names map[conflict.PlaceID]string) {
	if n, ok := names[p.ID]; ok {
		p.Name = n
	}
}

// NamesAt returns the names at t of the given actors and places, for a
// pinned view's headings and map: those absent keep today's.
func (db *DB) NamesAt(ctx context.Context, t time.Time, actors []conflict.ActorID, places []conflict.PlaceID) (map[conflict.ActorID]string, map[conflict.PlaceID]string, error) {
	byActor, byPlace, err := db.namesAt(ctx, t, actors, places)
	if err != nil {
		return nil, nil, err
	}
	names := make(map[conflict.ActorID]string, len(byActor))
	for id, a := range byActor {
		names[id] = a.name
	}
	return names, byPlace, nil
}
