package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/sitrep/sitrep/internal/conflict"
)

// GazetteerRecords is a gazetteer file's records as a stream: it calls
// yield with each place or actor in turn, a place after the places it may
// lie in, and stops at yield's first error, which it returns.
type GazetteerRecords func(yield func(*conflict.GazetteerPlace, *conflict.GazetteerActor) error) error

// ImportGazetteer brings a gazetteer's places and actors in, in one
// transaction: all of them or, when any has a problem, none. Each record
// matches a stored one or is created; a matched one is enriched with what
// it lacks (other names or aliases, position, kind, parent) and never
// loses what it has. So importing the same file again changes nothing.
//
// A place matches a stored place of the same name (or other name) in the
// same parent, at the same position or within about ten kilometres of it,
// or one that has no position; a place in no parent yet matches too when
// both positions are that close. Each stored place is matched by one row
// at most, so that two villages of one name in one district stay two.
// An actor matches a stored actor by name or alias, or one made by an
// earlier row; its parent, named by name or alias, may come anywhere in
// the file.
//
// Memory stays small whatever the file's size: matching looks in the
// database, not in a copy of it, and only the places other rows may lie
// in (countries, provinces, districts) are held by key.
func (db *DB) ImportGazetteer(ctx context.Context, records GazetteerRecords, ch conflict.Change, opt ImportOptions) (conflict.ImportResult, error) {
	var res conflict.ImportResult
	run := func(tx *sql.Tx) error {
		triggers, err := setAsideImportTriggers(ctx, tx, opt)
		if err != nil {
			return err
		}
		g := &gazetteer{ctx: ctx, db: db, tx: tx, ch: ch, opt: opt, importProblems: newImportProblems(opt), deferred: triggers.deferred(),
			keys: map[string]conflict.PlaceRef{}, seen: map[int64]bool{}, slugNext: map[string]int{},
			actorByName: map[string]conflict.ActorRef{}, stmts: map[string]*sql.Stmt{}}
		defer g.close()
		done := 0
		err = records(func(p *conflict.GazetteerPlace, a *conflict.GazetteerActor) error {
			var err error
			if p != nil {
				err = g.place(p)
			} else if a != nil {
				err = g.actor(a)
			}
			if err != nil {
				return err
			}
			if done++; opt.Progress != nil && done%1000 == 0 {
				opt.Progress(done, 0)
			}
			return ctx.Err()
		})
		if err != nil {
			return err
		}
		if err := g.linkActors(); err != nil {
			return err
		}
		conflict.SortProblems(g.problems)
		res = conflict.ImportResult{Places: g.counts.places, Actors: g.counts.actors, Problems: g.problems, Unlisted: g.unlisted}
		if n := len(res.Problems) + res.Unlisted; n > 0 {
			return conflict.ImportProblemsError(n)
		}
		return triggers.restore(ctx, tx)
	}
	committed, err := db.importTx(ctx, opt.DryRun, false, run)
	res.Committed = committed
	return res, err
}

// gazetteer is one ImportGazetteer at work.
type gazetteer struct {
	ctx context.Context
	db  *DB
	tx  *sql.Tx
	ch  conflict.Change
	opt ImportOptions
	importProblems
	// deferred is set while the per-row triggers are set aside.
	deferred bool
	fake     int64
	// keys are the places rows may lie in, by the file's key.
	keys map[string]conflict.PlaceRef
	// seen holds the places the file has matched or made.
	seen map[int64]bool
	// slugNext is the next number to try after a slug found taken.
	slugNext map[string]int
	// actorByName finds the actors the file has made or matched, by name
	// and alias, in a dry run too.
	actorByName map[string]conflict.ActorRef
	actors      []gazActor
	// stmts are the statements prepared once for every row.
	stmts  map[string]*sql.Stmt
	counts struct{ places, actors conflict.ImportCounts }
}

// gazActor is an actor the file made or matched, waiting for its parent.
type gazActor struct {
	ref     conflict.ActorRef
	src     conflict.RowRef
	parent  string
	created bool
	changed bool
	// parentID is the stored parent, 0 for none.
	parentID conflict.ActorID
}

// query runs q as a statement prepared once for the whole import: a
// country's gazetteer runs each a million times.
func (g *gazetteer) stmt(q string) (*sql.Stmt, error) {
	if st, ok := g.stmts[q]; ok {
		return st, nil
	}
	st, err := g.tx.PrepareContext(g.ctx, q)
	if err != nil {
		return nil, err
	}
	g.stmts[q] = st
	return st, nil
}

func (g *gazetteer) query(q string, args ...any) (*sql.Rows, error) {
	st, err := g.stmt(q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(g.ctx, args...)
}

func (g *gazetteer) queryRow(q string, args ...any) *sql.Row {
	st, err := g.stmt(q)
	if err != nil {
		// A failed prepare comes back from the row's Scan.
		return g.tx.QueryRowContext(g.ctx, q, args...)
	}
	return st.QueryRowContext(g.ctx, args...)
}

func (g *gazetteer) exec(q string, args ...any) (sql.Result, error) {
	st, err := g.stmt(q)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(g.ctx, args...)
}

// firstRevision is writeFirstRevision through a prepared statement.
func (g *gazetteer) firstRevision(rt conflict.RecordType, id int64, snapshot any) error {
	enc, body, err := encodeSnapshot(snapshot)
	if err != nil {
		return fmt.Errorf("snapshot %s %d: %w", rt, id, err)
	}
	var author any
	if g.ch.Author != nil {
		author = int64(*g.ch.Author)
	}
	_, err = g.exec(`INSERT INTO revisions
		(record_type, record_id, number, action, encoding, snapshot, author_id, author_name, summary, created_at, unreviewed)
		VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)`,
		rt, id, conflict.ActionImport, enc, body, author, g.ch.AuthorName, g.ch.Summary, g.db.stamp(), g.ch.WithoutReview)
	return err
}

func (g *gazetteer) close() {
	for _, st := range g.stmts {
		st.Close()
	}
}

// slug returns a free slug for name in table: the name's own, or it with
// the first free number after it.
func (g *gazetteer) slug(table, name, fallback string) (string, error) {
	base := conflict.Slugify(name)
	if base == "" {
		base = fallback
	}
	// A dry run stores nothing, so its slugs may repeat: they are
	// never shown.
	for n := g.slugNext[base]; ; n = max(n+1, 2) {
		s := base
		if n >= 2 {
			s = base + "-" + strconv.Itoa(n)
		}
		var taken int
		if err := g.queryRow(`SELECT count(*) FROM `+table+` WHERE slug = ?`, s).Scan(&taken); err != nil {
			return "", err
		}
		if taken == 0 {
			if n >= 2 {
				g.slugNext[base] = n + 1
			}
			return s, nil
		}
	}
}

// nearby is about ten kilometres, in degrees: how far apart two positions
// of one place may be, as two gazetteers give it.
const nearby = 0.1

func near(a, b *conflict.LatLon) bool {
	return a != nil && b != nil && math.Abs(a.Lat-b.Lat) <= nearby && math.Abs(a.Lon-b.Lon) <= nearby
}

type placeCandidate struct {
	id       int64
	parent   sql.NullInt64
	lat, lon sql.NullFloat64
	kind     string
}

func (c placeCandidate) coords() *conflict.LatLon {
	if c.lat.Valid && c.lon.Valid {
		return &conflict.LatLon{Lat: c.lat.Float64, Lon: c.lon.Float64}
	}
	return nil
}

// findPlace returns the stored place row p matches, or nil.
func (g *gazetteer) findPlace(p *conflict.GazetteerPlace, parent int64) (*placeCandidate, error) {
	names := []string{p.Name}
	for _, n := range p.AltNames {
		names = append(names, n.Name)
	}
	list, err := json.Marshal(names)
	if err != nil {
		return nil, err
	}
	var parentArg any
	if parent != 0 {
		parentArg = parent
	}
	// One query for all the row's names, those of the same name first.
	rows, err := g.query(`SELECT id, parent_id, latitude, longitude, kind FROM places
		WHERE id IN (SELECT id FROM places WHERE name COLLATE NOCASE IN (SELECT value FROM json_each(?1))
		             UNION SELECT place_id FROM place_names WHERE name COLLATE NOCASE IN (SELECT value FROM json_each(?1)))
		AND (parent_id IS ?2 OR parent_id IS NULL) ORDER BY name = ?3 COLLATE NOCASE DESC, id`, string(list), parentArg, p.Name)
	if err != nil {
		return nil, err
	}
	var cands []placeCandidate
	for rows.Next() {
		var c placeCandidate
		if err := rows.Scan(&c.id, &c.parent, &c.lat, &c.lon, &c.kind); err != nil {
			rows.Close()
			return nil, err
		}
		if !g.seen[c.id] {
			cands = append(cands, c)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Best first: the same parent at the same position; the same
	// parent nearby, or without a position to compare, or a
	// province's centre, which gazetteers put where they like; no
	// parent yet, nearby.
	same := func(c placeCandidate) bool {
		if c.parent.Valid {
			return c.parent.Int64 == parent
		}
		return parent == 0
	}
	tests := []func(c placeCandidate) bool{
		func(c placeCandidate) bool {
			cc := c.coords()
			return same(c) && cc != nil && p.Coordinates != nil && *cc == *p.Coordinates
		},
		func(c placeCandidate) bool {
			return same(c) && (c.coords() == nil || p.Coordinates == nil || near(c.coords(), p.Coordinates) || p.Key != "")
		},
		func(c placeCandidate) bool { return !c.parent.Valid && near(c.coords(), p.Coordinates) },
	}
	for _, ok := range tests {
		for i := range cands {
			if ok(cands[i]) {
				return &cands[i], nil
			}
		}
	}
	return nil, nil
}

func (g *gazetteer) place(p *conflict.GazetteerPlace) error {
	src := p.Source
	var parent *conflict.PlaceRef
	for _, k := range p.Parents {
		if ref, ok := g.keys[k]; ok {
			parent = &ref
			break
		}
	}
	parentID := int64(0)
	if parent != nil {
		parentID = int64(parent.ID)
	}
	place := conflict.Place{Name: strings.TrimSpace(p.Name), Kind: p.Kind, AltNames: p.AltNames, Coordinates: p.Coordinates, Parent: parent}
	if err := place.Validate(); err != nil {
		if g.invalid(src, err) {
			return nil
		}
		return err
	}
	// A parent a dry run would create has a made-up id, which no stored
	// place has, just as no stored place has the one it gets when created.
	cand, err := g.findPlace(p, parentID)
	if err != nil {
		return err
	}
	if cand != nil {
		ref, err := g.enrichPlace(src, &place, cand, parentID)
		if err != nil || ref == nil {
			return err
		}
		g.seen[cand.id] = true
		if p.Key != "" {
			g.keys[p.Key] = *ref
		}
		return nil
	}
	slug, err := g.slug("places", place.Name, "place")
	if err != nil {
		return err
	}
	place.Slug = slug
	g.counts.places.Created++
	if !g.write {
		g.fake--
		place.ID = conflict.PlaceID(g.fake)
	} else {
		now := g.db.stamp()
		var parentArg, lat, lon any
		if parentID > 0 {
			parentArg = parentID
		}
		if place.Coordinates != nil {
			lat, lon = place.Coordinates.Lat, place.Coordinates.Lon
		}
		res, err := g.exec(`INSERT INTO places (slug, name, kind, parent_id, latitude, longitude, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, place.Slug, place.Name, place.Kind, parentArg, lat, lon, now, now)
		if err != nil {
			return err
		}
		id, _ := res.LastInsertId()
		if err := g.insertNames(id, place.AltNames); err != nil {
			return err
		}
		place.ID, place.Version, place.CreatedAt, place.UpdatedAt = conflict.PlaceID(id), 1, parseTime(now), parseTime(now)
		place.Status = conflict.Published
		if err := g.firstRevision(conflict.PlaceRecord, id, place); err != nil {
			return err
		}
		g.seen[id] = true
	}
	if p.Key != "" {
		g.keys[p.Key] = conflict.PlaceRef{ID: place.ID, Slug: place.Slug, Name: place.Name}
	}
	return nil
}

// insertNames stores a place's other names, many to a statement.
func (g *gazetteer) insertNames(id int64, names []conflict.AltName) error {
	for _, n := range names {
		if _, err := g.exec(`INSERT OR IGNORE INTO place_names (place_id, name, lang) VALUES (?, ?, ?)`, id, n.Name, n.Lang); err != nil {
			return err
		}
	}
	return nil
}

// enrichPlace gives the stored place cand what the row has and it lacks.
// It returns nil after reporting a problem.
func (g *gazetteer) enrichPlace(src conflict.RowRef, row *conflict.Place, cand *placeCandidate, parentID int64) (*conflict.PlaceRef, error) {
	cur, err := findPlace(g.ctx, g.tx, `p.id = ?`, cand.id)
	if err != nil {
		return nil, err
	}
	have := map[string]bool{strings.ToLower(cur.Name): true}
	for _, n := range cur.AltNames {
		have[strings.ToLower(n.Name)] = true
	}
	var add []conflict.AltName
	for _, n := range append([]conflict.AltName{{Name: row.Name}}, row.AltNames...) {
		if k := strings.ToLower(n.Name); !have[k] {
			have[k] = true
			add = append(add, n)
		}
	}
	next := cur
	next.AltNames = append(slices.Clone(cur.AltNames), add...)
	if next.Coordinates == nil {
		next.Coordinates = row.Coordinates
	}
	if next.Kind == "" {
		next.Kind = row.Kind
	}
	if next.Parent == nil && parentID > 0 {
		if g.write {
			if err := checkNoCycle(g.ctx, g.tx, "places", cand.id, parentID); err != nil {
				if g.invalid(src, err) {
					return nil, nil
				}
				return nil, err
			}
		}
		next.Parent = row.Parent
	}
	ref := cur.Ref()
	if len(add) == 0 && (next.Coordinates == cur.Coordinates) && next.Kind == cur.Kind && next.Parent == cur.Parent {
		g.counts.places.Matched++
		return &ref, nil
	}
	if err := next.Validate(); err != nil {
		if g.invalid(src, err) {
			return nil, nil
		}
		return nil, err
	}
	g.counts.places.Updated++
	if !g.write {
		return &ref, nil
	}
	if g.deferred {
		return nil, errChangedSinceCheck
	}
	var parentArg, lat, lon any
	if next.Parent != nil {
		parentArg = int64(next.Parent.ID)
	}
	if next.Coordinates != nil {
		lat, lon = next.Coordinates.Lat, next.Coordinates.Lon
	}
	if _, err := g.tx.ExecContext(g.ctx, `UPDATE places SET kind = ?, parent_id = ?, latitude = ?, longitude = ?,
		version = version + 1, updated_at = ? WHERE id = ?`, next.Kind, parentArg, lat, lon, g.db.stamp(), cand.id); err != nil {
		return nil, err
	}
	if err := g.insertNames(cand.id, add); err != nil {
		return nil, err
	}
	stored, err := findPlace(g.ctx, g.tx, `p.id = ?`, cand.id)
	if err != nil {
		return nil, err
	}
	if _, err := g.db.writeRevision(g.ctx, g.tx, conflict.PlaceRecord, cand.id, conflict.ActionImport, stored, g.ch); err != nil {
		return nil, err
	}
	return &ref, nil
}

// findActor returns the actor named name, by name or alias: one the file
// made or matched, or a stored one.
func (g *gazetteer) findActor(name string) (conflict.ActorRef, bool, error) {
	k := strings.ToLower(strings.TrimSpace(name))
	if ref, ok := g.actorByName[k]; ok {
		return ref, true, nil
	}
	var ref conflict.ActorRef
	err := g.queryRow(`SELECT id, slug, name, colour FROM actors
		WHERE id IN (SELECT id FROM actors WHERE name = ?1 COLLATE NOCASE
		             UNION SELECT actor_id FROM actor_aliases WHERE alias = ?1 COLLATE NOCASE)
		ORDER BY name = ?1 COLLATE NOCASE DESC, id LIMIT 1`, strings.TrimSpace(name)).Scan(&ref.ID, &ref.Slug, &ref.Name, &ref.Colour)
	if errors.Is(err, sql.ErrNoRows) {
		return ref, false, nil
	}
	return ref, err == nil, err
}

func (g *gazetteer) remember(ref conflict.ActorRef, names ...string) {
	for _, n := range names {
		if k := strings.ToLower(strings.TrimSpace(n)); k != "" {
			if _, ok := g.actorByName[k]; !ok {
				g.actorByName[k] = ref
			}
		}
	}
}

func (g *gazetteer) actor(a *conflict.GazetteerActor) error {
	src := a.Source
	actor := conflict.Actor{Name: strings.TrimSpace(a.Name), Aliases: a.Aliases, Kind: strings.TrimSpace(a.Kind)}
	actor.Normalize()
	if err := actor.Validate(); err != nil {
		if g.invalid(src, err) {
			return nil
		}
		return err
	}
	var (
		ref   conflict.ActorRef
		found bool
		err   error
	)
	for _, n := range append([]string{actor.Name}, actor.Aliases...) {
		if ref, found, err = g.findActor(n); err != nil {
			return err
		}
		if found {
			break
		}
	}
	entry := gazActor{src: src, parent: strings.TrimSpace(a.Parent)}
	if !found {
		slug, err := g.slug("actors", actor.Name, "actor")
		if err != nil {
			return err
		}
		actor.Slug = slug
		entry.created = true
		g.counts.actors.Created++
		if !g.write {
			g.fake--
			actor.ID = conflict.ActorID(g.fake)
		} else {
			now := g.db.stamp()
			res, err := g.tx.ExecContext(g.ctx, `INSERT INTO actors (slug, name, kind, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
				actor.Slug, actor.Name, actor.Kind, now, now)
			if err != nil {
				return err
			}
			id, _ := res.LastInsertId()
			actor.ID = conflict.ActorID(id)
			if err := g.insertAliases(id, actor.Aliases); err != nil {
				return err
			}
		}
		entry.ref = actor.Ref()
		g.remember(entry.ref, append([]string{actor.Name}, actor.Aliases...)...)
		g.actors = append(g.actors, entry)
		return nil
	}
	entry.ref = ref
	if i := slices.IndexFunc(g.actors, func(e gazActor) bool { return e.ref.ID == ref.ID }); i >= 0 {
		// A second row for an actor the file made or matched already.
		g.problem(src, "name", fmt.Sprintf("%s is the actor of row %d again (by its name or an alias).", actor.Name, g.actors[i].src.Row))
		return nil
	}
	g.remember(ref, append([]string{actor.Name}, actor.Aliases...)...)
	if ref.ID > 0 {
		cur, err := findActor(g.ctx, g.tx, `a.id = ?`, int64(ref.ID))
		if err != nil {
			return err
		}
		if cur.Parent != nil {
			entry.parentID = cur.Parent.ID
		}
		have := map[string]bool{strings.ToLower(cur.Name): true}
		for _, al := range cur.Aliases {
			have[strings.ToLower(al)] = true
		}
		var add []string
		for _, n := range append([]string{actor.Name}, actor.Aliases...) {
			if k := strings.ToLower(n); !have[k] {
				have[k] = true
				add = append(add, n)
			}
		}
		kind := cur.Kind
		if kind == "" {
			kind = actor.Kind
		}
		entry.changed = len(add) > 0 || kind != cur.Kind
		if entry.changed && g.write {
			if g.deferred {
				return errChangedSinceCheck
			}
			if _, err := g.tx.ExecContext(g.ctx, `UPDATE actors SET kind = ? WHERE id = ?`, kind, int64(ref.ID)); err != nil {
				return err
			}
			if err := g.insertAliases(int64(ref.ID), add); err != nil {
				return err
			}
		}
	}
	g.actors = append(g.actors, entry)
	return nil
}

func (g *gazetteer) insertAliases(id int64, aliases []string) error {
	for _, al := range aliases {
		if _, err := g.exec(`INSERT OR IGNORE INTO actor_aliases (actor_id, alias) VALUES (?, ?)`, id, al); err != nil {
			return err
		}
	}
	return nil
}

// linkActors gives each actor of the file the parent its row names, once
// every row has been read, and writes each new or changed actor's
// revision.
func (g *gazetteer) linkActors() error {
	parentOf := map[conflict.ActorID]conflict.ActorID{}
	for _, e := range g.actors {
		if e.parentID != 0 {
			parentOf[e.ref.ID] = e.parentID
		}
	}
	for i := range g.actors {
		e := &g.actors[i]
		if e.parent == "" {
			continue
		}
		p, ok, err := g.findActor(e.parent)
		if err != nil {
			return err
		}
		switch {
		case !ok:
			g.problem(e.src, "parent", fmt.Sprintf("No actor is named %q, in the file or stored.", e.parent))
			continue
		case p.ID == e.ref.ID:
			g.problem(e.src, "parent", "An actor cannot be its own parent.")
			continue
		case e.parentID != 0:
			continue // it has a parent already, which the file does not change
		}
		for up, depth := p.ID, 0; up != 0 && depth < 64; depth++ {
			if up == e.ref.ID {
				g.problem(e.src, "parent", fmt.Sprintf("%s cannot belong to %s, which belongs to it.", e.ref.Name, p.Name))
				break
			}
			next, ok := parentOf[up]
			if !ok && up > 0 {
				var pid sql.NullInt64
				if err := g.tx.QueryRowContext(g.ctx, `SELECT parent_id FROM actors WHERE id = ?`, int64(up)).Scan(&pid); err != nil {
					return err
				}
				next = conflict.ActorID(pid.Int64)
			}
			up = next
		}
		parentOf[e.ref.ID] = p.ID
		e.parentID = p.ID
		e.changed = e.changed || !e.created
		if g.write {
			if _, err := g.tx.ExecContext(g.ctx, `UPDATE actors SET parent_id = ? WHERE id = ?`, int64(p.ID), int64(e.ref.ID)); err != nil {
				return err
			}
		}
	}
	for _, e := range g.actors {
		switch {
		case e.created:
		case e.changed:
			g.counts.actors.Updated++
		default:
			g.counts.actors.Matched++
		}
		if !g.write || !(e.created || e.changed) {
			continue
		}
		if e.changed && g.deferred {
			return errChangedSinceCheck
		}
		id := int64(e.ref.ID)
		if !e.created {
			if _, err := g.tx.ExecContext(g.ctx, `UPDATE actors SET version = version + 1, updated_at = ? WHERE id = ?`, g.db.stamp(), id); err != nil {
				return err
			}
		}
		stored, err := findActor(g.ctx, g.tx, `a.id = ?`, id)
		if err != nil {
			return err
		}
		if e.created {
			err = g.db.writeFirstRevision(g.ctx, g.tx, conflict.ActorRecord, id, conflict.ActionImport, stored, g.ch)
		} else {
			_, err = g.db.writeRevision(g.ctx, g.tx, conflict.ActorRecord, id, conflict.ActionImport, stored, g.ch)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
