package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/export"
	"github.com/sitrep/sitrep/internal/snapshot"
)

// An archive is imported in one transaction, all of it or nothing. Each
// record is matched to a stored one by its natural key — an actor's,
// place's or timeline's slug, a source's address key (url_key), an event's
// or estimate's external id — or, for an event or estimate without an
// external id, by its id (see match); a record matched and
// unchanged is left alone, one matched and different is updated to what
// the file says (and published), and the rest are created under their own
// ids where those are free. So an archive imported into an empty database
// puts back the same rows, ids, versions and timestamps included, and
// importing it again changes nothing.
//
// Links in the file are ids of the file's own records; they are followed
// to whatever stored record each of those became.

// ArchiveRecordError is a problem with the record at Index of the list
// being imported; Err's fields name the record's fields.
type ArchiveRecordError struct {
	Section string
	Index   int
	Err     error
}

func (e *ArchiveRecordError) Error() string {
	return fmt.Sprintf("%s[%d]: %v", e.Section, e.Index, e.Err)
}

func (e *ArchiveRecordError) Unwrap() error { return e.Err }

// txStatements runs a transaction's statements prepared once each: an
// archive repeats the same few statements for every record, and preparing
// one costs as much as running it. It is a querier, so the store's readers
// run through it too. Texts that vary (a list of placeholders) are few
// here; past maxStatements they are run unprepared.
type txStatements struct {
	tx  *sql.Tx
	byQ map[string]*sql.Stmt
}

func (s *txStatements) stmt(ctx context.Context, query string) *sql.Stmt {
	if st, ok := s.byQ[query]; ok {
		return st
	}
	if len(s.byQ) >= maxStatements {
		return nil
	}
	st, err := s.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil // run as text, to report its own error
	}
	s.byQ[query] = st
	return st
}

func (s *txStatements) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := s.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return s.tx.ExecContext(ctx, query, args...)
}

func (s *txStatements) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := s.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return s.tx.QueryContext(ctx, query, args...)
}

func (s *txStatements) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := s.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.tx.QueryRowContext(ctx, query, args...)
}

func (s *txStatements) close() {
	for _, st := range s.byQ {
		st.Close()
	}
}

// errArchiveDryRun rolls a dry run's transaction back.
var errArchiveDryRun = errors.New("dry run")

// ArchiveImport writes an archive's records, a list at a time, in the
// order of export.ArchiveSections; EndSection closes each list.
type ArchiveImport struct {
	ctx context.Context
	db  *DB
	tx  *txStatements
	ch  conflict.Change
	now string
	res conflict.ImportResult
	// dry is set for a dry run, which writes no revisions: they cannot
	// fail, and it is rolled back.
	dry bool

	// ids maps each list's file ids to the stored ids they became;
	// claimed the stored ids some file record already matched.
	ids     map[string]map[int64]int64
	claimed map[string]map[int64]int

	// Actors and places are written when their list ends, because a
	// parent may come after its child; so are the links between events,
	// and between estimates, which may point further down their list.
	actors []*export.ArchiveActor
	places []*export.ArchivePlace
	links  []archiveLinks

	// The revisions a created record brings are history in bulk, stored
	// as a Loader stores it: their snapshots in shared blocks
	// (snapshot.go).
	blocks *blockPacker
}

// archiveLinks are one record's relations as the file gives them, to be
// written when its list ends.
type archiveLinks struct {
	section string
	index   int
	id      int64 // the stored record
	rels    []export.ArchiveRelation
}

// ImportArchive runs fn with an ArchiveImport inside one write
// transaction, and commits what fn wrote when it returns nil and dryRun
// is not set. A dry run writes everything and rolls it back, so that it
// finds every problem the import would.
func (db *DB) ImportArchive(ctx context.Context, ch conflict.Change, dryRun bool, fn func(*ArchiveImport) error) (conflict.ImportResult, error) {
	var res conflict.ImportResult
	err := db.bulkTx(ctx, func(tx *sql.Tx) error {
		// Into an empty database (a restore, a new mirror) every record
		// is new: the triggers that index and post each row are set
		// aside and their work done once at the end, in this
		// transaction, as a Loader does (load.go). A rollback puts them
		// back.
		var triggers importTriggers
		var err error
		if triggers.first, err = readLastIDs(ctx, tx); err != nil {
			return err
		}
		if triggers.first == (lastIDs{}) {
			if triggers.setAside, err = setAsideTriggers(ctx, tx); err != nil {
				return err
			}
		}
		stmts := &txStatements{tx: tx, byQ: map[string]*sql.Stmt{}}
		defer stmts.close()
		im := &ArchiveImport{ctx: ctx, db: db, tx: stmts, ch: ch, now: db.stamp(), dry: dryRun,
			ids: map[string]map[int64]int64{}, claimed: map[string]map[int64]int{}}
		for _, s := range export.ArchiveSections {
			im.ids[s], im.claimed[s] = map[int64]int64{}, map[int64]int{}
		}
		if im.blocks, err = newBlockPacker(ctx, tx); err != nil {
			return err
		}
		if err := fn(im); err != nil {
			return err
		}
		if err := im.endBlock(); err != nil {
			return err
		}
		res = im.res
		if dryRun {
			return errArchiveDryRun
		}
		// As an import does: the fills sort within the import's memory.
		return triggers.restore(ctx, tx)
	})
	if errors.Is(err, errArchiveDryRun) {
		return res, nil
	}
	if err != nil {
		return res, err
	}
	res.Committed = true
	return res, nil
}

// problem wraps err as a problem with the current record of section.
func (im *ArchiveImport) problem(section string, index int, err error) error {
	if err == nil {
		return nil
	}
	var re *ArchiveRecordError
	if errors.As(err, &re) {
		return err
	}
	return &ArchiveRecordError{Section: section, Index: index, Err: mapError(err)}
}

// archiveField puts a broken rule of the data (a taken slug, a missing
// link) next to the field that broke it.
func archiveField(err error, field, msg string) error {
	switch conflict.ErrorCode(mapError(err)) {
	case conflict.Invalid, conflict.Conflict:
		return fieldProblem(field, msg)
	}
	return err
}

func fieldProblem(field, msg string) error {
	return &conflict.Error{Code: conflict.Invalid, Message: msg, Fields: conflict.FieldErrors{field: msg}}
}

// ref returns the stored id the file's record id of section became.
func (im *ArchiveImport) ref(section string, id int64, field string) (int64, error) {
	got, ok := im.ids[section][id]
	if !ok {
		return 0, fieldProblem(field, fmt.Sprintf("There is no record %d in the file's %s.", id, section))
	}
	return got, nil
}

func (im *ArchiveImport) refPtr(section string, id *int64, field string) (any, error) {
	if id == nil {
		return nil, nil
	}
	return im.ref(section, *id, field)
}

// match finds the stored record of table a file record is: by its natural
// key (keyQuery) when it has one, else by its id (idQuery). An id means
// something only in the database that wrote it, so it is the last resort:
// for an event or estimate without an external id, matched only to a
// stored one without one either, as in a copy of the same database.
// Actors, places, timelines and sources always have their key, so a
// record of another sitrep that happens to have a stored record's id is
// never taken for it. match claims what it finds, so that two of the
// file's records never become one.
func (im *ArchiveImport) match(section, keyQuery, key, idQuery string, id int64, index int) (int64, bool, error) {
	var found int64
	query, arg := keyQuery, any(key)
	if key == "" {
		query, arg = idQuery, id
	}
	if query != "" {
		err := im.tx.QueryRowContext(im.ctx, query, arg).Scan(&found)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return 0, false, err
		}
	}
	if found == 0 {
		return 0, false, nil
	}
	if other, ok := im.claimed[section][found]; ok {
		return 0, false, fmt.Errorf("it is the same stored record as %s[%d]", section, other)
	}
	im.claimed[section][found] = index
	return found, true, nil
}

// newID is the file's id when no stored record has it, else nil, for
// SQLite to choose one.
func (im *ArchiveImport) newID(table string, id int64) (any, error) {
	var n int
	if err := im.tx.QueryRowContext(im.ctx, `SELECT count(*) FROM `+table+` WHERE id = ?`, id).Scan(&n); err != nil {
		return nil, err
	}
	if n > 0 || id <= 0 {
		return nil, nil
	}
	return id, nil
}

// created notes a created record's stored id.
func (im *ArchiveImport) created(section string, fileID int64, res sql.Result, index int) int64 {
	id, _ := res.LastInsertId()
	im.ids[section][fileID] = id
	im.claimed[section][id] = index
	return id
}

// stamps are a new record's version and timestamps: the file's, or a
// first version made now.
func (im *ArchiveImport) stamps(m export.ArchiveMeta) (int, string, string) {
	v, c, u := m.Version, m.CreatedAt, m.UpdatedAt
	if v < 1 {
		v = 1
	}
	if c == "" {
		c = im.now
	}
	if u == "" {
		u = c
	}
	return v, c, u
}

// same reports whether a stored record (read as the archive reads it)
// holds what the file's does, its version, timestamps and history aside.
func same(stored, file any) bool {
	a, err1 := json.Marshal(stored)
	b, err2 := json.Marshal(file)
	return err1 == nil && err2 == nil && bytes.Equal(a, b)
}

// readOne reads one stored record as an archive holds it.
func (im *ArchiveImport) readOne(section string, id int64) (any, error) {
	var got any
	r := archiveReader{ctx: im.ctx, q: im.tx, record: func(v any) error { got = v; return nil }}
	ids := []any{id}
	var err error
	switch section {
	case "actors":
		err = r.actors(ids)
	case "places":
		err = r.places(ids)
	case "sources":
		err = r.sources(ids)
	case "events":
		err = r.events(ids)
	case "estimates":
		err = r.estimates(ids)
	case "timelines":
		err = r.timelines(ids)
	}
	return got, err
}

// history writes a created record's revisions: the file's published
// revisions when it has them, else one saying it was imported, of the
// record as stored returns it.
func (im *ArchiveImport) history(rt conflict.RecordType, id int64, revs []export.ArchiveRevision, stored func() (any, error)) error {
	if im.dry {
		return nil
	}
	if len(revs) > 0 {
		for _, r := range revs {
			if im.blocks.add(r.Snapshot, rt, id, r.Number, r.Action, nil, r.Author, r.Summary, r.CreatedAt, r.Unreviewed) {
				if err := im.endBlock(); err != nil {
					return err
				}
			}
		}
		return nil
	}
	v, err := stored()
	if err != nil {
		return err
	}
	js, err := snapshot.Encode(v)
	if err != nil {
		return fmt.Errorf("snapshot %s %d: %w", rt, id, err)
	}
	var author any
	if im.ch.Author != nil {
		author = int64(*im.ch.Author)
	}
	if im.blocks.add(js, rt, id, 1, string(conflict.ActionImport), author, im.ch.AuthorName, im.ch.Summary, im.now, im.ch.WithoutReview) {
		return im.endBlock()
	}
	return nil
}

// endBlock writes the current snapshot block, and then its revisions.
// Nothing reads a created record's revisions before the import ends,
// when the last block is written.
func (im *ArchiveImport) endBlock() error {
	block, revisions := im.blocks.take()
	if block == nil {
		return nil
	}
	if _, err := im.tx.ExecContext(im.ctx, insertBlockSQL, block...); err != nil {
		return err
	}
	for _, r := range revisions {
		if _, err := im.tx.ExecContext(im.ctx, insertBlockedRevisionSQL, r...); err != nil {
			return err
		}
	}
	return nil
}

// revision writes the revision of an import that created or changed a
// record.
func (im *ArchiveImport) revision(rt conflict.RecordType, id int64, snapshot func() (any, error)) error {
	if im.dry {
		return nil
	}
	v, err := snapshot()
	if err != nil {
		return err
	}
	// As writeRevision, through the prepared statements.
	enc, body, err := encodeSnapshot(v)
	if err != nil {
		return fmt.Errorf("snapshot %s %d: %w", rt, id, err)
	}
	var n int
	if err := im.tx.QueryRowContext(im.ctx, `SELECT coalesce(max(number), 0) + 1 FROM revisions WHERE record_type = ? AND record_id = ?`,
		string(rt), id).Scan(&n); err != nil {
		return err
	}
	var author any
	if im.ch.Author != nil {
		author = int64(*im.ch.Author)
	}
	_, err = im.tx.ExecContext(im.ctx, `INSERT INTO revisions
		(record_type, record_id, number, action, encoding, snapshot, author_id, author_name, summary, created_at, unreviewed)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		string(rt), id, n, string(conflict.ActionImport), enc, body, author, im.ch.AuthorName, im.ch.Summary, im.now, im.ch.WithoutReview)
	return err
}

func count(c *conflict.ImportCounts, created, changed bool) {
	switch {
	case created:
		c.Created++
	case changed:
		c.Updated++
	default:
		c.Matched++
	}
}

// Actor takes the next actor of the file; actors are written at the end
// of their list.
func (im *ArchiveImport) Actor(a *export.ArchiveActor) { im.actors = append(im.actors, a) }

// Place takes the next place of the file; places are written at the end
// of their list.
func (im *ArchiveImport) Place(p *export.ArchivePlace) { im.places = append(im.places, p) }

// EndSection ends a list: the actors and places taken are written, and
// the links between the list's events or estimates.
func (im *ArchiveImport) EndSection(section string) error {
	switch section {
	case "actors":
		return im.writeActors()
	case "places":
		return im.writePlaces()
	case "events", "estimates":
		return im.writeLinks(section)
	}
	return nil
}

// holdLinks keeps a record's relations for writeLinks.
func (im *ArchiveImport) holdLinks(section string, index int, id int64, rels []export.ArchiveRelation) {
	im.links = append(im.links, archiveLinks{section: section, index: index, id: id, rels: rels})
}

// writeLinks replaces the relations of each event or estimate of the list
// with the file's, its targets and sources mapped to the stored records
// they became, by the store's rules (writeRelations).
func (im *ArchiveImport) writeLinks(section string) error {
	rt := conflict.EventRecord
	if section == "estimates" {
		rt = conflict.EstimateRecord
	}
	held := im.links
	im.links = nil
	for _, l := range held {
		rels := make([]conflict.Relation, len(l.rels))
		for j, r := range l.rels {
			target, err := im.ref(section, r.Target, fmt.Sprintf("relations.%d.target", j))
			if err != nil {
				return im.problem(section, l.index, err)
			}
			source, err := im.ref("sources", r.SourceID, fmt.Sprintf("relations.%d.source_id", j))
			if err != nil {
				return im.problem(section, l.index, err)
			}
			rels[j] = conflict.Relation{Kind: conflict.RelationKind(r.Kind), Target: target, Source: conflict.SourceID(source)}
		}
		var claimant string
		if rt == conflict.EstimateRecord {
			if err := im.tx.QueryRowContext(im.ctx, `SELECT claimant FROM estimates WHERE id = ?`, l.id).Scan(&claimant); err != nil {
				return err
			}
		}
		if err := writeRelations(im.ctx, im.tx, rt, l.id, claimant, rels, nil); err != nil {
			return im.problem(section, l.index, err)
		}
	}
	return nil
}

func (im *ArchiveImport) writeActors() error {
	type state struct {
		id      int64
		created bool
	}
	states := make([]state, len(im.actors))
	// First every actor is found or created without its parent, so that
	// parents can then be linked in any order.
	for i, a := range im.actors {
		id, ok, err := im.match("actors", `SELECT id FROM actors WHERE slug = ?`, a.Slug, "", a.ID, i)
		if err != nil {
			return im.problem("actors", i, fieldProblem("id", "This actor "+err.Error()+"."))
		}
		if ok {
			im.ids["actors"][a.ID] = id
			states[i] = state{id: id}
			continue
		}
		newID, err := im.newID("actors", a.ID)
		if err != nil {
			return err
		}
		v, c, u := im.stamps(a.ArchiveMeta)
		res, err := im.tx.ExecContext(im.ctx, `INSERT INTO actors (id, slug, name, kind, parent_id, colour, description, status, status_note,
			version, created_at, updated_at) VALUES (?, ?, ?, ?, NULL, ?, ?, 'published', ?, ?, ?, ?)`,
			newID, a.Slug, a.Name, a.Kind, a.Colour, a.Description, a.StatusNote, v, c, u)
		if err != nil {
			return im.problem("actors", i, archiveField(err, "slug", "Another actor has this slug."))
		}
		id = im.created("actors", a.ID, res, i)
		if err := im.aliases(id, a.Aliases); err != nil {
			return im.problem("actors", i, err)
		}
		states[i] = state{id: id, created: true}
	}
	for i, a := range im.actors {
		st := states[i]
		parent, err := im.refPtr("actors", a.ParentID, "parent_id")
		if err != nil {
			return im.problem("actors", i, err)
		}
		if st.created {
			if parent != nil {
				if _, err := im.tx.ExecContext(im.ctx, `UPDATE actors SET parent_id = ? WHERE id = ?`, parent, st.id); err != nil {
					return im.problem("actors", i, archiveField(err, "parent_id", "An actor cannot be inside itself."))
				}
			}
			count(&im.res.Actors, true, false)
			snap := func() (any, error) { return findActor(im.ctx, im.tx, `a.id = ?`, st.id) }
			if err := im.history(conflict.ActorRecord, st.id, a.Revisions, snap); err != nil {
				return im.problem("actors", i, err)
			}
			continue
		}
		want := *a
		want.ID, want.ParentID, want.ArchiveMeta = st.id, nil, export.ArchiveMeta{StatusNote: a.StatusNote}
		if parent != nil {
			p := parent.(int64)
			want.ParentID = &p
		}
		changed, err := im.changed("actors", st.id, &want, `SELECT status FROM actors WHERE id = ?`)
		if err != nil {
			return im.problem("actors", i, err)
		}
		count(&im.res.Actors, false, changed)
		if !changed {
			continue
		}
		if _, err := im.tx.ExecContext(im.ctx, `UPDATE actors SET slug = ?, name = ?, kind = ?, parent_id = ?, colour = ?, description = ?,
			status = 'published', status_note = ?, version = version + 1, updated_at = ? WHERE id = ?`,
			a.Slug, a.Name, a.Kind, parent, a.Colour, a.Description, a.StatusNote, im.now, st.id); err != nil {
			return im.problem("actors", i, archiveField(err, "slug", "Another actor has this slug."))
		}
		if _, err := im.tx.ExecContext(im.ctx, `DELETE FROM actor_aliases WHERE actor_id = ?`, st.id); err != nil {
			return err
		}
		if err := im.aliases(st.id, a.Aliases); err != nil {
			return im.problem("actors", i, err)
		}
		if err := im.revision(conflict.ActorRecord, st.id, func() (any, error) { return findActor(im.ctx, im.tx, `a.id = ?`, st.id) }); err != nil {
			return err
		}
	}
	im.actors = nil
	return nil
}

func (im *ArchiveImport) aliases(id int64, aliases []string) error {
	for _, al := range aliases {
		if _, err := im.tx.ExecContext(im.ctx, `INSERT OR IGNORE INTO actor_aliases (actor_id, alias) VALUES (?, ?)`, id, al); err != nil {
			return archiveField(err, "aliases", "An alias is not one sitrep stores.")
		}
	}
	return nil
}

// changed reads a matched record and reports whether the file's version
// of it (want, its meta cleared but for its status note) differs, or the
// stored one is not public.
func (im *ArchiveImport) changed(section string, id int64, want any, statusQuery string) (bool, error) {
	var status string
	if err := im.tx.QueryRowContext(im.ctx, statusQuery, id).Scan(&status); err != nil {
		return false, err
	}
	got, err := im.readOne(section, id)
	if err != nil {
		return false, err
	}
	switch g := got.(type) {
	case *export.ArchiveActor:
		g.ArchiveMeta = export.ArchiveMeta{StatusNote: g.StatusNote}
	case *export.ArchivePlace:
		g.ArchiveMeta = export.ArchiveMeta{StatusNote: g.StatusNote}
	case *export.ArchiveSource:
		g.ArchiveMeta = export.ArchiveMeta{StatusNote: g.StatusNote}
	case *export.ArchiveEvent:
		// Links are compared and written when the list ends.
		g.ArchiveMeta, g.Relations = export.ArchiveMeta{StatusNote: g.StatusNote}, nil
	case *export.ArchiveEstimate:
		g.ArchiveMeta, g.Relations = export.ArchiveMeta{StatusNote: g.StatusNote}, nil
	case *export.ArchiveTimeline:
		g.ArchiveMeta = export.ArchiveMeta{StatusNote: g.StatusNote}
	}
	public := status == string(conflict.Published) || (status == string(conflict.Retracted) && (section == "events" || section == "estimates"))
	return !public || !same(got, want), nil
}

func (im *ArchiveImport) writePlaces() error {
	type state struct {
		id      int64
		created bool
	}
	states := make([]state, len(im.places))
	for i, p := range im.places {
		id, ok, err := im.match("places", `SELECT id FROM places WHERE slug = ?`, p.Slug, "", p.ID, i)
		if err != nil {
			return im.problem("places", i, fieldProblem("id", "This place "+err.Error()+"."))
		}
		if ok {
			im.ids["places"][p.ID] = id
			states[i] = state{id: id}
			continue
		}
		newID, err := im.newID("places", p.ID)
		if err != nil {
			return err
		}
		lat, lon := coordinates(p.Coordinates)
		v, c, u := im.stamps(p.ArchiveMeta)
		res, err := im.tx.ExecContext(im.ctx, `INSERT INTO places (id, slug, name, kind, parent_id, latitude, longitude, description, status,
			status_note, version, created_at, updated_at) VALUES (?, ?, ?, ?, NULL, ?, ?, ?, 'published', ?, ?, ?, ?)`,
			newID, p.Slug, p.Name, p.Kind, lat, lon, p.Description, p.StatusNote, v, c, u)
		if err != nil {
			return im.problem("places", i, archiveField(err, "slug", "Another place has this slug."))
		}
		id = im.created("places", p.ID, res, i)
		if err := im.placeNames(id, p.Names); err != nil {
			return im.problem("places", i, err)
		}
		states[i] = state{id: id, created: true}
	}
	for i, p := range im.places {
		st := states[i]
		parent, err := im.refPtr("places", p.ParentID, "parent_id")
		if err != nil {
			return im.problem("places", i, err)
		}
		if st.created {
			if parent != nil {
				if _, err := im.tx.ExecContext(im.ctx, `UPDATE places SET parent_id = ? WHERE id = ?`, parent, st.id); err != nil {
					return im.problem("places", i, archiveField(err, "parent_id", "A place cannot be inside itself."))
				}
			}
			count(&im.res.Places, true, false)
			snap := func() (any, error) { return findPlace(im.ctx, im.tx, `p.id = ?`, st.id) }
			if err := im.history(conflict.PlaceRecord, st.id, p.Revisions, snap); err != nil {
				return im.problem("places", i, err)
			}
			continue
		}
		want := *p
		want.ID, want.ParentID, want.ArchiveMeta = st.id, nil, export.ArchiveMeta{StatusNote: p.StatusNote}
		if parent != nil {
			pid := parent.(int64)
			want.ParentID = &pid
		}
		changed, err := im.changed("places", st.id, &want, `SELECT status FROM places WHERE id = ?`)
		if err != nil {
			return im.problem("places", i, err)
		}
		count(&im.res.Places, false, changed)
		if !changed {
			continue
		}
		lat, lon := coordinates(p.Coordinates)
		if _, err := im.tx.ExecContext(im.ctx, `UPDATE places SET slug = ?, name = ?, kind = ?, parent_id = ?, latitude = ?, longitude = ?,
			description = ?, status = 'published', status_note = ?, version = version + 1, updated_at = ? WHERE id = ?`,
			p.Slug, p.Name, p.Kind, parent, lat, lon, p.Description, p.StatusNote, im.now, st.id); err != nil {
			return im.problem("places", i, archiveField(err, "slug", "Another place has this slug."))
		}
		if _, err := im.tx.ExecContext(im.ctx, `DELETE FROM place_names WHERE place_id = ?`, st.id); err != nil {
			return err
		}
		if err := im.placeNames(st.id, p.Names); err != nil {
			return im.problem("places", i, err)
		}
		if err := im.revision(conflict.PlaceRecord, st.id, func() (any, error) { return findPlace(im.ctx, im.tx, `p.id = ?`, st.id) }); err != nil {
			return err
		}
	}
	im.places = nil
	return nil
}

func coordinates(c *export.ArchiveCoordinates) (any, any) {
	if c == nil {
		return nil, nil
	}
	return c.Lat, c.Lon
}

func (im *ArchiveImport) placeNames(id int64, names []export.ArchiveName) error {
	for j, n := range names {
		if _, err := im.tx.ExecContext(im.ctx, `INSERT INTO place_names (place_id, name, lang) VALUES (?, ?, ?)`, id, n.Name, n.Lang); err != nil {
			return archiveField(err, fmt.Sprintf("names.%d.name", j), "This name is given twice.")
		}
	}
	return nil
}

// sourceKey is the key (url_key) that finds the source stored under
// another spelling of its address, or, without one, by its publisher,
// title and date.
func sourceKey(s *export.ArchiveSource) string {
	published, _ := edtf.Parse(s.Published)
	key, _ := conflict.Source{URL: s.URL, Publisher: s.Publisher, Title: s.Title, Published: published}.Key()
	return key
}

// Source writes the next source of the file.
func (im *ArchiveImport) Source(s *export.ArchiveSource, i int) error {
	const section = "sources"
	key := sourceKey(s)
	id, ok, err := im.match(section, `SELECT id FROM sources WHERE url_key = ?`, key, "", s.ID, i)
	if err != nil {
		return im.problem(section, i, fieldProblem("url", "This source "+err.Error()+"."))
	}
	authors, err := json.Marshal(s.Authors)
	if err != nil {
		return err
	}
	if s.Authors == nil {
		authors = []byte("[]")
	}
	published, _ := edtf.Parse(s.Published) // checked by the reader
	if !ok {
		newID, err := im.newID("sources", s.ID)
		if err != nil {
			return err
		}
		v, c, u := im.stamps(s.ArchiveMeta)
		res, err := im.tx.ExecContext(im.ctx, `INSERT INTO sources (id, url, url_key, publisher, title, published, published_lo, authors, language,
			archived_url, reliability, notes, status, status_note, version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'published', ?, ?, ?, ?)`,
			newID, s.URL, nullString(key), s.Publisher, s.Title, published.String(), published.LowerKey(), string(authors), s.Language,
			s.ArchivedURL, s.Reliability, s.Notes, s.StatusNote, v, c, u)
		if err != nil {
			return im.problem(section, i, archiveField(err, "url", "Another source has this address."))
		}
		id = im.created(section, s.ID, res, i)
		count(&im.res.Sources, true, false)
		snap := func() (any, error) { return findSource(im.ctx, im.tx, `s.id = ?`, id) }
		return im.problem(section, i, im.history(conflict.SourceRecord, id, s.Revisions, snap))
	}
	im.ids[section][s.ID] = id
	want := *s
	want.ID, want.ArchiveMeta = id, export.ArchiveMeta{StatusNote: s.StatusNote}
	if want.Authors == nil {
		want.Authors = []string{}
	}
	changed, err := im.changed(section, id, &want, `SELECT status FROM sources WHERE id = ?`)
	if err != nil {
		return im.problem(section, i, err)
	}
	count(&im.res.Sources, false, changed)
	if !changed {
		return nil
	}
	if _, err := im.tx.ExecContext(im.ctx, `UPDATE sources SET url = ?, url_key = ?, publisher = ?, title = ?, published = ?, published_lo = ?,
		authors = ?, language = ?, archived_url = ?, reliability = ?, notes = ?, status = 'published', status_note = ?,
		version = version + 1, updated_at = ? WHERE id = ?`,
		s.URL, nullString(key), s.Publisher, s.Title, published.String(), published.LowerKey(), string(authors), s.Language,
		s.ArchivedURL, s.Reliability, s.Notes, s.StatusNote, im.now, id); err != nil {
		return im.problem(section, i, archiveField(err, "url", "Another source has this address."))
	}
	return im.problem(section, i, im.revision(conflict.SourceRecord, id, func() (any, error) { return findSource(im.ctx, im.tx, `s.id = ?`, id) }))
}

// citations writes a record's citations (column is event_id or
// estimate_id) in the file's order.
func (im *ArchiveImport) citations(column string, id int64, cs []export.ArchiveCitation) error {
	for j, c := range cs {
		src, err := im.ref("sources", c.SourceID, fmt.Sprintf("citations.%d.source_id", j))
		if err != nil {
			return err
		}
		var cred any
		if c.Credibility != 0 {
			cred = c.Credibility
		}
		if _, err := im.tx.ExecContext(im.ctx, `INSERT INTO citations (source_id, `+column+`, quote, locator, credibility, position)
			VALUES (?, ?, ?, ?, ?, ?)`, src, id, c.Quote, c.Locator, cred, j); err != nil {
			return archiveField(err, fmt.Sprintf("citations.%d", j), "This citation breaks a rule of the data.")
		}
	}
	return nil
}

// mapCitations returns cs with their sources' stored ids.
func (im *ArchiveImport) mapCitations(cs []export.ArchiveCitation) ([]export.ArchiveCitation, error) {
	out := make([]export.ArchiveCitation, len(cs))
	for j, c := range cs {
		src, err := im.ref("sources", c.SourceID, fmt.Sprintf("citations.%d.source_id", j))
		if err != nil {
			return nil, err
		}
		c.SourceID = src
		out[j] = c
	}
	return out, nil
}

func ptr(v any) *int64 {
	if v == nil {
		return nil
	}
	id := v.(int64)
	return &id
}

// Claimant writes the next claimant of the file: matched by its name
// (conflict.ClaimantKey) to a stored claimant, whose kind, affiliation
// and description it then takes, or made with the file's id when that is
// free. The file's estimates, which name their claimant by name, come
// after and find it.
func (im *ArchiveImport) Claimant(c *export.ArchiveClaimant, i int) error {
	const section = "claimants"
	actor, err := im.refPtr("actors", c.ActorID, "actor_id")
	if err != nil {
		return im.problem(section, i, err)
	}
	id, ok, err := im.match(section, `SELECT id FROM claimants WHERE key = `+claimantKeySQL, conflict.CleanClaimantName(c.Name), "", c.ID, i)
	if err != nil {
		return im.problem(section, i, fieldProblem("name", "This claimant "+err.Error()+"."))
	}
	if ok {
		im.ids[section][c.ID] = id
		_, err := im.tx.ExecContext(im.ctx, `UPDATE claimants SET type = ?, actor_id = ?, description = ?, version = version + 1, updated_at = ?
			WHERE id = ? AND (type IS NOT ? OR actor_id IS NOT ? OR description IS NOT ?)`,
			c.Type, actor, c.Description, im.now, id, c.Type, actor, c.Description)
		return im.problem(section, i, err)
	}
	newID, err := im.newID("claimants", c.ID)
	if err != nil {
		return err
	}
	v, created, updated := im.stamps(export.ArchiveMeta{Version: c.Version, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt})
	res, err := im.tx.ExecContext(im.ctx, `INSERT INTO claimants (id, name, type, actor_id, description, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, newID, conflict.CleanClaimantName(c.Name), c.Type, actor, c.Description, v, created, updated)
	if err != nil {
		return im.problem(section, i, archiveField(err, "name", "This claimant's name breaks a rule of the data."))
	}
	im.created(section, c.ID, res, i)
	return nil
}

// Event writes the next event of the file.
func (im *ArchiveImport) Event(e *export.ArchiveEvent, i int) error {
	const section = "events"
	id, ok, err := im.match(section, `SELECT id FROM events WHERE external_id = ?`, e.ExternalID,
		`SELECT id FROM events WHERE id = ? AND external_id IS NULL`, e.ID, i)
	if err != nil {
		return im.problem(section, i, fieldProblem("id", "This event "+err.Error()+"."))
	}
	place, err := im.refPtr("places", e.PlaceID, "place_id")
	if err != nil {
		return im.problem(section, i, err)
	}
	actors := make([]export.ArchiveEventActor, len(e.Actors))
	for j, a := range e.Actors {
		aid, err := im.ref("actors", a.ActorID, fmt.Sprintf("actors.%d.actor_id", j))
		if err != nil {
			return im.problem(section, i, err)
		}
		actors[j] = export.ArchiveEventActor{ActorID: aid, Role: a.Role}
	}
	cites, err := im.mapCitations(e.Citations)
	if err != nil {
		return im.problem(section, i, err)
	}
	date, _ := edtf.Parse(e.Date) // checked by the reader
	if ok {
		im.ids[section][e.ID] = id
		im.holdLinks(section, i, id, e.Relations)
		want := *e
		want.ID, want.PlaceID, want.Actors, want.Citations, want.Relations = id, ptr(place), actors, cites, nil
		// The slug follows the title here as everywhere: the file's is
		// not stored.
		want.Slug = conflict.EventSlug(e.Title)
		want.ArchiveMeta = export.ArchiveMeta{StatusNote: e.StatusNote}
		changed, err := im.changed(section, id, &want, `SELECT status FROM events WHERE id = ?`)
		if err != nil {
			return im.problem(section, i, err)
		}
		count(&im.res.Events, false, changed)
		if !changed {
			return nil
		}
		if _, err := im.tx.ExecContext(im.ctx, `UPDATE events SET external_id = ?, title = ?, date = ?, date_lo = ?, date_hi = ?,
			place_id = ?, body = ?, status = ?, status_note = ?, version = version + 1, updated_at = ? WHERE id = ?`,
			nullString(e.ExternalID), e.Title, date.String(), date.LowerKey(), date.UpperKey(), place, e.Body, e.Status, e.StatusNote,
			im.now, id); err != nil {
			return im.problem(section, i, archiveField(err, "external_id", "Another event has this external id."))
		}
		for _, q := range []string{`DELETE FROM event_actors WHERE event_id = ?`, `DELETE FROM event_tags WHERE event_id = ?`,
			`DELETE FROM citations WHERE event_id = ?`} {
			if _, err := im.tx.ExecContext(im.ctx, q, id); err != nil {
				return err
			}
		}
		if err := im.eventLinks(id, actors, e.Tags, e.Citations); err != nil {
			return im.problem(section, i, err)
		}
		return im.problem(section, i, im.revision(conflict.EventRecord, id, func() (any, error) { return findEvent(im.ctx, im.tx, conflict.EventID(id)) }))
	}
	newID, err := im.newID("events", e.ID)
	if err != nil {
		return err
	}
	v, c, u := im.stamps(e.ArchiveMeta)
	res, err := im.tx.ExecContext(im.ctx, `INSERT INTO events (id, title, date, date_lo, date_hi, place_id, body, status, status_note,
		external_id, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		newID, e.Title, date.String(), date.LowerKey(), date.UpperKey(), place, e.Body, e.Status, e.StatusNote,
		nullString(e.ExternalID), v, c, u)
	if err != nil {
		return im.problem(section, i, archiveField(err, "external_id", "Another event has this external id."))
	}
	id = im.created(section, e.ID, res, i)
	im.holdLinks(section, i, id, e.Relations)
	count(&im.res.Events, true, false)
	if err := im.eventLinks(id, actors, e.Tags, e.Citations); err != nil {
		return im.problem(section, i, err)
	}
	snap := func() (any, error) { return findEvent(im.ctx, im.tx, conflict.EventID(id)) }
	return im.problem(section, i, im.history(conflict.EventRecord, id, e.Revisions, snap))
}

func (im *ArchiveImport) eventLinks(id int64, actors []export.ArchiveEventActor, tags []string, cs []export.ArchiveCitation) error {
	for j, a := range actors {
		if _, err := im.tx.ExecContext(im.ctx, `INSERT INTO event_actors (event_id, actor_id, role, position) VALUES (?, ?, ?, ?)`,
			id, a.ActorID, a.Role, j); err != nil {
			return archiveField(err, fmt.Sprintf("actors.%d", j), "This actor is given twice in the same role.")
		}
	}
	for j, t := range tags {
		if _, err := im.tx.ExecContext(im.ctx, `INSERT INTO event_tags (event_id, tag) VALUES (?, ?)`, id, t); err != nil {
			return archiveField(err, fmt.Sprintf("tags.%d", j), "This tag is given twice.")
		}
	}
	return im.citations("event_id", id, cs)
}

// Estimate writes the next estimate of the file.
func (im *ArchiveImport) Estimate(x *export.ArchiveEstimate, i int) error {
	const section = "estimates"
	id, ok, err := im.match(section, `SELECT id FROM estimates WHERE external_id = ?`, x.ExternalID,
		`SELECT id FROM estimates WHERE id = ? AND external_id IS NULL`, x.ID, i)
	if err != nil {
		return im.problem(section, i, fieldProblem("id", "This estimate "+err.Error()+"."))
	}
	force, err := im.ref("actors", x.ForceID, "force_id")
	if err != nil {
		return im.problem(section, i, err)
	}
	place, err := im.refPtr("places", x.PlaceID, "place_id")
	if err != nil {
		return im.problem(section, i, err)
	}
	claimant, err := im.refPtr("actors", x.ClaimantActorID, "claimant_actor_id")
	if err != nil {
		return im.problem(section, i, err)
	}
	cites, err := im.mapCitations(x.Citations)
	if err != nil {
		return im.problem(section, i, err)
	}
	asOf, _ := edtf.Parse(x.AsOf) // checked by the reader
	var low, high any
	if x.Low != nil {
		low = *x.Low
	}
	if x.High != nil {
		high = *x.High
	}
	if ok {
		im.ids[section][x.ID] = id
		im.holdLinks(section, i, id, x.Relations)
		want := *x
		want.ID, want.ForceID, want.PlaceID, want.ClaimantActorID, want.Citations = id, force, ptr(place), ptr(claimant), cites
		want.Relations = nil
		want.ArchiveMeta = export.ArchiveMeta{StatusNote: x.StatusNote}
		changed, err := im.changed(section, id, &want, `SELECT status FROM estimates WHERE id = ?`)
		if err != nil {
			return im.problem(section, i, err)
		}
		count(&im.res.Estimates, false, changed)
		if !changed {
			return nil
		}
		if _, err := im.tx.ExecContext(im.ctx, `UPDATE estimates SET external_id = ?, actor_id = ?, place_id = ?, as_of = ?, as_of_lo = ?,
			as_of_hi = ?, unit = ?, qualifier = ?, low = ?, high = ?, claimant = ?, claimant_actor_id = ?, notes = ?, status = ?,
			status_note = ?, version = version + 1, updated_at = ? WHERE id = ?`,
			nullString(x.ExternalID), force, place, asOf.String(), asOf.LowerKey(), asOf.UpperKey(), x.Unit, x.Qualifier, low, high,
			x.Claimant, claimant, x.Notes, x.Status, x.StatusNote, im.now, id); err != nil {
			return im.problem(section, i, archiveField(err, "external_id", "Another estimate has this external id."))
		}
		if _, err := im.tx.ExecContext(im.ctx, `DELETE FROM citations WHERE estimate_id = ?`, id); err != nil {
			return err
		}
		if err := im.citations("estimate_id", id, x.Citations); err != nil {
			return im.problem(section, i, err)
		}
		return im.problem(section, i, im.revision(conflict.EstimateRecord, id, func() (any, error) {
			return findEstimate(im.ctx, im.tx, conflict.EstimateID(id))
		}))
	}
	newID, err := im.newID("estimates", x.ID)
	if err != nil {
		return err
	}
	v, c, u := im.stamps(x.ArchiveMeta)
	res, err := im.tx.ExecContext(im.ctx, `INSERT INTO estimates (id, actor_id, place_id, as_of, as_of_lo, as_of_hi, unit, qualifier, low, high,
		claimant, claimant_actor_id, notes, external_id, status, status_note, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		newID, force, place, asOf.String(), asOf.LowerKey(), asOf.UpperKey(), x.Unit, x.Qualifier, low, high,
		x.Claimant, claimant, x.Notes, nullString(x.ExternalID), x.Status, x.StatusNote, v, c, u)
	if err != nil {
		return im.problem(section, i, archiveField(err, "external_id", "Another estimate has this external id."))
	}
	id = im.created(section, x.ID, res, i)
	im.holdLinks(section, i, id, x.Relations)
	count(&im.res.Estimates, true, false)
	if err := im.citations("estimate_id", id, x.Citations); err != nil {
		return im.problem(section, i, err)
	}
	snap := func() (any, error) { return findEstimate(im.ctx, im.tx, conflict.EstimateID(id)) }
	return im.problem(section, i, im.history(conflict.EstimateRecord, id, x.Revisions, snap))
}

// Timeline writes the next timeline of the file.
func (im *ArchiveImport) Timeline(t *export.ArchiveTimeline, i int) error {
	const section = "timelines"
	id, ok, err := im.match(section, `SELECT id FROM timelines WHERE slug = ?`, t.Slug, "", t.ID, i)
	if err != nil {
		return im.problem(section, i, fieldProblem("id", "This timeline "+err.Error()+"."))
	}
	want := *t
	want.Filter.ActorIDs, want.Filter.PlaceIDs = make([]int64, len(t.Filter.ActorIDs)), make([]int64, len(t.Filter.PlaceIDs))
	want.Pinned, want.Excluded = make([]int64, len(t.Pinned)), make([]int64, len(t.Excluded))
	for _, l := range []struct {
		section, field string
		from, to       []int64
	}{
		{"actors", "filter.actor_ids", t.Filter.ActorIDs, want.Filter.ActorIDs},
		{"places", "filter.place_ids", t.Filter.PlaceIDs, want.Filter.PlaceIDs},
		{"events", "pinned_event_ids", t.Pinned, want.Pinned},
		{"events", "excluded_event_ids", t.Excluded, want.Excluded},
	} {
		for j, ref := range l.from {
			got, err := im.ref(l.section, ref, fmt.Sprintf("%s.%d", l.field, j))
			if err != nil {
				return im.problem(section, i, err)
			}
			l.to[j] = got
		}
		// Stored, they are sets, read back in id order.
		slices.Sort(l.to)
	}
	write := func(id int64) error {
		for _, q := range []string{`DELETE FROM timeline_actors WHERE timeline_id = ?`, `DELETE FROM timeline_places WHERE timeline_id = ?`,
			`DELETE FROM timeline_tags WHERE timeline_id = ?`, `DELETE FROM timeline_events WHERE timeline_id = ?`} {
			if _, err := im.tx.ExecContext(im.ctx, q, id); err != nil {
				return err
			}
		}
		links := []struct {
			query string
			ids   []int64
		}{
			{`INSERT OR IGNORE INTO timeline_actors (timeline_id, actor_id) VALUES (?, ?)`, want.Filter.ActorIDs},
			{`INSERT OR IGNORE INTO timeline_places (timeline_id, place_id) VALUES (?, ?)`, want.Filter.PlaceIDs},
			{`INSERT OR IGNORE INTO timeline_events (timeline_id, event_id, excluded) VALUES (?, ?, 0)`, want.Pinned},
			{`INSERT OR IGNORE INTO timeline_events (timeline_id, event_id, excluded) VALUES (?, ?, 1)`, want.Excluded},
		}
		for _, l := range links {
			for _, ref := range l.ids {
				if _, err := im.tx.ExecContext(im.ctx, l.query, id, ref); err != nil {
					return err
				}
			}
		}
		for _, tag := range t.Filter.Tags {
			if _, err := im.tx.ExecContext(im.ctx, `INSERT OR IGNORE INTO timeline_tags (timeline_id, tag) VALUES (?, ?)`, id, tag); err != nil {
				return err
			}
		}
		return nil
	}
	if ok {
		im.ids[section][t.ID] = id
		want.ID, want.ArchiveMeta = id, export.ArchiveMeta{StatusNote: t.StatusNote}
		changed, err := im.changed(section, id, &want, `SELECT status FROM timelines WHERE id = ?`)
		if err != nil {
			return im.problem(section, i, err)
		}
		if !changed {
			return nil
		}
		if _, err := im.tx.ExecContext(im.ctx, `UPDATE timelines SET slug = ?, title = ?, description = ?, date_from = ?, date_to = ?,
			with_estimates = ?, status = 'published', status_note = ?, version = version + 1, updated_at = ? WHERE id = ?`,
			t.Slug, t.Title, t.Description, t.Filter.From, t.Filter.To, t.WithEstimates, t.StatusNote, im.now, id); err != nil {
			return im.problem(section, i, archiveField(err, "slug", "Another timeline has this slug."))
		}
		if err := write(id); err != nil {
			return im.problem(section, i, err)
		}
		return im.problem(section, i, im.revision(conflict.TimelineRecord, id, func() (any, error) {
			return findTimeline(im.ctx, im.tx, `t.id = ?`, id)
		}))
	}
	newID, err := im.newID("timelines", t.ID)
	if err != nil {
		return err
	}
	v, c, u := im.stamps(t.ArchiveMeta)
	res, err := im.tx.ExecContext(im.ctx, `INSERT INTO timelines (id, slug, title, description, date_from, date_to, with_estimates, status,
		status_note, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'published', ?, ?, ?, ?)`,
		newID, t.Slug, t.Title, t.Description, t.Filter.From, t.Filter.To, t.WithEstimates, t.StatusNote, v, c, u)
	if err != nil {
		return im.problem(section, i, archiveField(err, "slug", "Another timeline has this slug."))
	}
	id = im.created(section, t.ID, res, i)
	if err := write(id); err != nil {
		return im.problem(section, i, err)
	}
	snap := func() (any, error) { return findTimeline(im.ctx, im.tx, `t.id = ?`, id) }
	return im.problem(section, i, im.history(conflict.TimelineRecord, id, t.Revisions, snap))
}
