package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/sitrep/sitrep/internal/conflict"
)

// Actors, places, sources and timelines are reviewed as events and
// estimates are: one an editor creates is a draft, and readers see it
// only once a reviewer has published it, alone (SetActorStatus and its
// kin) or with a submission that cites it (publishCitedDrafts). They are
// never retracted: they are what claims point at, and a retracted actor
// would leave published events naming someone readers cannot look up.
// A wrong one is corrected by an edit instead.

// SetActorStatus takes review action a on the actor; see setRecordStatus.
func (db *DB) SetActorStatus(ctx context.Context, id conflict.ActorID, a conflict.Action, note string, baseVersion int, role conflict.Role, ch conflict.Change) (conflict.Actor, error) {
	return setStatusOf[conflict.Actor](ctx, db, conflict.ActorRecord, int64(id), a, note, baseVersion, role, ch)
}

// SetPlaceStatus takes review action a on the place; see setRecordStatus.
func (db *DB) SetPlaceStatus(ctx context.Context, id conflict.PlaceID, a conflict.Action, note string, baseVersion int, role conflict.Role, ch conflict.Change) (conflict.Place, error) {
	return setStatusOf[conflict.Place](ctx, db, conflict.PlaceRecord, int64(id), a, note, baseVersion, role, ch)
}

// SetSourceStatus takes review action a on the source; see setRecordStatus.
func (db *DB) SetSourceStatus(ctx context.Context, id conflict.SourceID, a conflict.Action, note string, baseVersion int, role conflict.Role, ch conflict.Change) (conflict.Source, error) {
	return setStatusOf[conflict.Source](ctx, db, conflict.SourceRecord, int64(id), a, note, baseVersion, role, ch)
}

// SetTimelineStatus takes review action a on the timeline; see
// setRecordStatus. Publishing a timeline publishes the draft actors and
// places its filter names, as publishing an event publishes what it
// cites: the reviewer checked them with it.
func (db *DB) SetTimelineStatus(ctx context.Context, id conflict.TimelineID, a conflict.Action, note string, baseVersion int, role conflict.Role, ch conflict.Change) (conflict.Timeline, error) {
	return setStatusOf[conflict.Timeline](ctx, db, conflict.TimelineRecord, int64(id), a, note, baseVersion, role, ch)
}

func setStatusOf[T any](ctx context.Context, db *DB, rt conflict.RecordType, id int64, a conflict.Action, note string, baseVersion int, role conflict.Role, ch conflict.Change) (T, error) {
	var out T
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		stored, err := db.setRecordStatus(ctx, tx, rt, id, a, note, baseVersion, role, ch)
		if err != nil {
			return err
		}
		out = stored.(T)
		return nil
	})
	return out, err
}

// setRecordStatus moves the actor, place, source or timeline (rt, id) as
// review action a says (conflict.Transition: editors submit, reviewers
// publish and reject, an admin may publish a draft without review), with
// a revision, and returns the record as stored. Publishing follows the
// two-person rule (publishingChange) and publishes the draft records this
// one refers to (a parent, a timeline's actors and places).
//
// Errors: Unauthorized, Forbidden and Invalid as conflict.Transition
// gives them; Invalid for a retraction; NotFound; and the kind's
// *conflict.EditConflict when the record changed since baseVersion, so
// that nobody publishes what they have not read.
func (db *DB) setRecordStatus(ctx context.Context, tx *sql.Tx, rt conflict.RecordType, id int64, a conflict.Action, note string, baseVersion int, role conflict.Role, ch conflict.Change) (any, error) {
	if rt == conflict.EventRecord || rt == conflict.EstimateRecord || recordReaders[rt] == nil {
		return nil, fmt.Errorf("no review status of this kind for record type %q", rt)
	}
	if a == conflict.ActionRetract {
		return nil, conflict.Errorf(conflict.Invalid, "Only events and estimates are retracted. Correct a %s with an edit instead.", rt)
	}
	cur, err := readRecord(ctx, tx, rt, id)
	if err != nil {
		return nil, err
	}
	from, version := statusOf(cur)
	if version != baseVersion {
		return nil, staleRecord(ctx, tx, rt, id, baseVersion, cur)
	}
	to, err := conflict.Transition(from, a, role, note)
	if err != nil {
		return nil, err
	}
	if ch, err = db.publishingChange(ctx, tx, rt, id, from, to, ch); err != nil {
		return nil, err
	}
	res, err := tx.ExecContext(ctx, `UPDATE `+recordTables[rt]+` SET status = ?, status_note = ?, version = version + 1, updated_at = ?
		WHERE id = ? AND version = ?`, to, statusNote(a, note), db.stamp(), id, version)
	if err != nil {
		return nil, err
	}
	if err := lostRace(res, rt, id); err != nil {
		return nil, err
	}
	stored, err := readRecord(ctx, tx, rt, id)
	if err != nil {
		return nil, err
	}
	if _, err := db.writeRevision(ctx, tx, rt, id, a, stored, statusChange(ch, note)); err != nil {
		return nil, err
	}
	if to == conflict.Published {
		if err := db.publishCitedDrafts(ctx, tx, rt, id, ch); err != nil {
			return nil, err
		}
	}
	return stored, nil
}

// statusOf is the status and version of an actor, place, source or
// timeline.
func statusOf(rec any) (conflict.Status, int) {
	switch r := rec.(type) {
	case conflict.Actor:
		return r.Status, r.Version
	case conflict.Place:
		return r.Status, r.Version
	case conflict.Source:
		return r.Status, r.Version
	case conflict.Timeline:
		return r.Status, r.Version
	}
	panic(fmt.Sprintf("statusOf(%T)", rec))
}

// staleRecord is staleEdit for a record of any of the four kinds, so that
// the error is the kind's own *conflict.EditConflict.
func staleRecord(ctx context.Context, q querier, rt conflict.RecordType, id int64, base int, cur any) error {
	switch r := cur.(type) {
	case conflict.Actor:
		return staleEdit(ctx, q, rt, id, base, r)
	case conflict.Place:
		return staleEdit(ctx, q, rt, id, base, r)
	case conflict.Source:
		return staleEdit(ctx, q, rt, id, base, r)
	case conflict.Timeline:
		return staleEdit(ctx, q, rt, id, base, r)
	}
	return fmt.Errorf("staleRecord(%T)", cur)
}

// citedRecords select, for a record of each kind, the actors ('a'),
// places ('p') and sources ('s') it refers to, by ?1, its id.
var citedRecords = map[conflict.RecordType]string{
	conflict.EventRecord: `SELECT 'a', actor_id FROM event_actors WHERE event_id = ?1
		UNION SELECT 'p', place_id FROM events WHERE id = ?1 AND place_id IS NOT NULL
		UNION SELECT 's', source_id FROM citations WHERE event_id = ?1`,
	conflict.EstimateRecord: `SELECT 'a', actor_id FROM estimates WHERE id = ?1
		UNION SELECT 'a', claimant_actor_id FROM estimates WHERE id = ?1 AND claimant_actor_id IS NOT NULL
		UNION SELECT 'p', place_id FROM estimates WHERE id = ?1 AND place_id IS NOT NULL
		UNION SELECT 's', source_id FROM citations WHERE estimate_id = ?1`,
	conflict.ActorRecord: `SELECT 'a', parent_id FROM actors WHERE id = ?1 AND parent_id IS NOT NULL`,
	conflict.PlaceRecord: `SELECT 'p', parent_id FROM places WHERE id = ?1 AND parent_id IS NOT NULL`,
	conflict.TimelineRecord: `SELECT 'a', actor_id FROM timeline_actors WHERE timeline_id = ?1
		UNION SELECT 'p', place_id FROM timeline_places WHERE timeline_id = ?1`,
}

// publishCitedDrafts publishes, in the transaction that made the record
// (rt, id) public, every actor, place and source it refers to that is not
// published yet — a draft, a submission or a rejected one — and the
// parents of those actors and places, since a public actor or place must
// not name a private parent. A draft cited by a submission is reviewed
// with it: whoever published the submission (ch) publishes them, each
// with a revision of its own. A draft that ch wrote is marked unreviewed,
// as nobody else checked it.
//
// Readers' lists of events read only what public events cite; this is
// what keeps those lists free of private records without a join.
func (db *DB) publishCitedDrafts(ctx context.Context, tx *sql.Tx, rt conflict.RecordType, id int64, ch conflict.Change) error {
	cited, ok := citedRecords[rt]
	if !ok {
		return nil
	}
	drafts, err := draftRefs(ctx, tx, `WITH RECURSIVE refs(kind, id) AS (`+cited+`),
		up_a(id) AS (SELECT id FROM refs WHERE kind = 'a'
			UNION SELECT a.parent_id FROM actors a JOIN up_a ON a.id = up_a.id WHERE a.parent_id IS NOT NULL),
		up_p(id) AS (SELECT id FROM refs WHERE kind = 'p'
			UNION SELECT p.parent_id FROM places p JOIN up_p ON p.id = up_p.id WHERE p.parent_id IS NOT NULL)
		SELECT 'actor', id FROM actors WHERE id IN (SELECT id FROM up_a) AND status <> 'published'
		UNION ALL SELECT 'place', id FROM places WHERE id IN (SELECT id FROM up_p) AND status <> 'published'
		UNION ALL SELECT 'source', id FROM sources WHERE id IN (SELECT id FROM refs WHERE kind = 's') AND status <> 'published'
		ORDER BY 1, 2`, id)
	if err != nil {
		return err
	}
	return db.publishDrafts(ctx, tx, drafts, ch, fmt.Sprintf("Published with %s %d, which refers to it.", rt, id))
}

// draftRef names a record by type and id.
type draftRef struct {
	rt conflict.RecordType
	id int64
}

// draftRefs runs a query of (record type, id) rows.
func draftRefs(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]draftRef, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []draftRef
	for rows.Next() {
		var r draftRef
		if err := rows.Scan(&r.rt, &r.id); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// publishDrafts publishes the records drafts, each with a publish revision
// by ch saying why (summary). A draft that ch wrote is marked unreviewed,
// as nobody else checked it.
func (db *DB) publishDrafts(ctx context.Context, tx *sql.Tx, drafts []draftRef, ch conflict.Change, summary string) error {
	now := db.stamp()
	for _, d := range drafts {
		if _, err := tx.ExecContext(ctx, `UPDATE `+recordTables[d.rt]+` SET status = 'published', status_note = '',
			version = version + 1, updated_at = ? WHERE id = ?`, now, d.id); err != nil {
			return err
		}
		stored, err := readRecord(ctx, tx, d.rt, d.id)
		if err != nil {
			return err
		}
		authors, err := submissionAuthors(ctx, tx, d.rt, d.id)
		if err != nil {
			return err
		}
		by := ch
		by.Summary = summary
		if ch.Author != nil && slices.Contains(authors, *ch.Author) {
			by.WithoutReview = true
		}
		if _, err := db.writeRevision(ctx, tx, d.rt, d.id, conflict.ActionPublish, stored, by); err != nil {
			return err
		}
	}
	return nil
}

// publicStatuses are the statuses of claims readers see.
const publicStatuses = `('published', 'retracted')`

// unpublishedCitedByPublic finds the actors, places and sources not yet
// published that a public event, estimate or timeline refers to. It starts
// from the unpublished records, which are few, and asks the indexes about
// each, so it costs the same however many events there are.
const unpublishedCitedByPublic = `
	SELECT 'source', s.id FROM sources s WHERE s.status <> 'published' AND (
		EXISTS (SELECT 1 FROM citations c JOIN events e ON e.id = c.event_id WHERE c.source_id = s.id AND e.status IN ` + publicStatuses + `)
		OR EXISTS (SELECT 1 FROM citations c JOIN estimates x ON x.id = c.estimate_id WHERE c.source_id = s.id AND x.status IN ` + publicStatuses + `))
	UNION ALL
	SELECT 'actor', a.id FROM actors a WHERE a.status <> 'published' AND (
		EXISTS (SELECT 1 FROM event_actors ea JOIN events e ON e.id = ea.event_id WHERE ea.actor_id = a.id AND e.status IN ` + publicStatuses + `)
		OR EXISTS (SELECT 1 FROM estimates x WHERE x.actor_id = a.id AND x.status IN ` + publicStatuses + `)
		OR EXISTS (SELECT 1 FROM estimates x WHERE x.claimant_actor_id = a.id AND x.status IN ` + publicStatuses + `)
		OR EXISTS (SELECT 1 FROM timeline_actors ta JOIN timelines t ON t.id = ta.timeline_id WHERE ta.actor_id = a.id AND t.status = 'published'))
	UNION ALL
	SELECT 'place', p.id FROM places p WHERE p.status <> 'published' AND (
		EXISTS (SELECT 1 FROM events e WHERE e.place_id = p.id AND e.status IN ` + publicStatuses + `)
		OR EXISTS (SELECT 1 FROM estimates x WHERE x.place_id = p.id AND x.status IN ` + publicStatuses + `)
		OR EXISTS (SELECT 1 FROM timeline_places tp JOIN timelines t ON t.id = tp.timeline_id WHERE tp.place_id = p.id AND t.status = 'published'))
	ORDER BY 1, 2`

// publishDraftsCitedByPublic publishes every actor, place and source that
// a public record refers to but that is not published yet, with its draft
// parents. Writes that make many records public at once (an import, a bulk
// create) end with it rather than checking record by record: it matters
// only when they cite a user's draft, which is rare. No reviewer saw such
// a draft, so its publication is recorded as without review.
func (db *DB) publishDraftsCitedByPublic(ctx context.Context, tx *sql.Tx, ch conflict.Change) error {
	drafts, err := draftRefs(ctx, tx, unpublishedCitedByPublic)
	if err != nil || len(drafts) == 0 {
		return err
	}
	// Nobody looked at these drafts before they went public: their
	// revisions, history and the activity log say so.
	ch.WithoutReview = true
	if err := db.publishDrafts(ctx, tx, drafts, ch, "Published with the public records that refer to it."); err != nil {
		return err
	}
	for _, d := range drafts {
		if d.rt == conflict.ActorRecord || d.rt == conflict.PlaceRecord {
			if err := db.publishCitedDrafts(ctx, tx, d.rt, d.id, ch); err != nil {
				return err
			}
		}
	}
	return nil
}
