package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// relationStore names, for a record type, the table of its relations
// (migration 0017), the column of the record a relation starts from and
// the table of the records themselves. Only constants reach SQL.
type relationStore struct{ table, column, records string }

func relationsOf(rt conflict.RecordType) relationStore {
	if rt == conflict.EstimateRecord {
		return relationStore{"estimate_relations", "estimate_id", "estimates"}
	}
	return relationStore{"event_relations", "event_id", "events"}
}

// writeRelations replaces the relations of record id (of type rt) with
// rels: each target is found (by id, or by external id as imports name
// it), must be another record of the same kind and, for an estimate that
// supersedes, one by the same claimant; a link without its own source
// takes the record's first cited source, stored by then. Messages go on
// the form's relations.N fields.
func writeRelations(ctx context.Context, tx querier, rt conflict.RecordType, id int64, claimant string, rels []conflict.Relation, cites []conflict.Citation) error {
	st := relationsOf(rt)
	if _, err := tx.ExecContext(ctx, `DELETE FROM `+st.table+` WHERE `+st.column+` = ?`, id); err != nil {
		return err
	}
	for i, r := range rels {
		field := fmt.Sprintf("relations.%d", i)
		target, err := relationTarget(ctx, tx, st, r, field)
		if err != nil {
			return err
		}
		if target == id {
			return fieldMessage(field, "A record cannot be linked to itself.")
		}
		if rt == conflict.EstimateRecord && r.Kind == conflict.Supersedes {
			var other string
			if err := tx.QueryRowContext(ctx, `SELECT claimant FROM estimates WHERE id = ?`, target).Scan(&other); err != nil {
				return err
			}
			if err := conflict.CheckSupersedes(conflict.Estimate{Claimant: claimant},
				conflict.Estimate{ID: conflict.EstimateID(target), Claimant: other}, field); err != nil {
				return err
			}
		}
		source := r.Source
		if n := r.SourceCitation; source == 0 && n > 0 {
			if n > len(cites) {
				return fieldMessage(field, fmt.Sprintf("The record has no citation %d to name this link's source.", n))
			}
			source = cites[n-1].Source.ID
		}
		if source == 0 && len(cites) > 0 {
			source = cites[0].Source.ID
		}
		if source == 0 {
			return fieldMessage(field, "A link needs the source that reports it: cite a source for this record first.")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO `+st.table+` (`+st.column+`, kind, target_id, source_id, position)
			VALUES (?, ?, ?, ?, ?)`, id, string(r.Kind), target, int64(source), i); err != nil {
			switch conflict.ErrorCode(mapError(err)) {
			case conflict.Conflict:
				return fieldMessage(field, "This link is given twice.")
			case conflict.Invalid:
				return fieldMessage(field, "The source of this link does not exist.")
			}
			return err
		}
	}
	return nil
}

// relationTarget finds the id of the record a relation points at.
func relationTarget(ctx context.Context, q querier, st relationStore, r conflict.Relation, field string) (int64, error) {
	var id int64
	var err error
	if r.Target != 0 {
		err = q.QueryRowContext(ctx, `SELECT id FROM `+st.records+` WHERE id = ?`, r.Target).Scan(&id)
	} else {
		err = q.QueryRowContext(ctx, `SELECT id FROM `+st.records+` WHERE external_id = ?`, r.TargetExternalID).Scan(&id)
		// An export names a record entered here "sitrep:estimate:ID" (api
		// portable.go): back in this database, that is the record itself.
		prefix := "sitrep:" + strings.TrimSuffix(st.records, "s") + ":"
		if n, perr := strconv.ParseInt(strings.TrimPrefix(r.TargetExternalID, prefix), 10, 64); err == sql.ErrNoRows &&
			strings.HasPrefix(r.TargetExternalID, prefix) && perr == nil {
			err = q.QueryRowContext(ctx, `SELECT id FROM `+st.records+` WHERE id = ? AND external_id IS NULL`, n).Scan(&id)
		}
	}
	if err == sql.ErrNoRows {
		what := strings.TrimSuffix(st.records, "s")
		if r.Target != 0 {
			return 0, fieldMessage(field, fmt.Sprintf("There is no %s number %d.", what, r.Target))
		}
		return 0, fieldMessage(field, fmt.Sprintf("There is no %s with the external id %q.", what, r.TargetExternalID))
	}
	return id, err
}

func fieldMessage(field, msg string) error {
	return &conflict.Error{Code: conflict.Invalid, Message: msg, Fields: conflict.FieldErrors{field: msg}}
}

// findRelations returns the relations record id starts, in order, with
// the titles of their targets and sources.
func findRelations(ctx context.Context, q querier, rt conflict.RecordType, id int64) ([]conflict.Relation, error) {
	st := relationsOf(rt)
	rows, err := q.QueryContext(ctx, `SELECT r.kind, r.target_id, coalesce(t.external_id, ''), r.source_id, s.publisher, s.title
		FROM `+st.table+` r JOIN `+st.records+` t ON t.id = r.target_id JOIN sources s ON s.id = r.source_id
		WHERE r.`+st.column+` = ? ORDER BY r.position`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []conflict.Relation
	for rows.Next() {
		var r conflict.Relation
		var publisher, title string
		if err := rows.Scan(&r.Kind, &r.Target, &r.TargetExternalID, &r.Source, &publisher, &title); err != nil {
			return nil, err
		}
		r.SourceTitle = sourceName(publisher, title)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].TargetTitle, _, err = recordTitle(ctx, q, rt, out[i].Target); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func sourceName(publisher, title string) string {
	if title == "" {
		return publisher
	}
	return publisher + ", " + title
}

// recordTitle names an event or an estimate for a link to it, and says
// its status.
func recordTitle(ctx context.Context, q querier, rt conflict.RecordType, id int64) (string, conflict.Status, error) {
	var st conflict.Status
	if rt == conflict.EventRecord {
		var title, date string
		err := q.QueryRowContext(ctx, `SELECT title, date, status FROM events WHERE id = ?`, id).Scan(&title, &date, &st)
		if err != nil {
			return "", "", mapError(err)
		}
		if d, err := edtf.Parse(date); err == nil {
			date = d.Display()
		}
		// The date reads after a comma: its words may end in brackets
		// ("September 2016 (approx.)").
		return title + ", " + date, st, nil
	}
	var (
		x    conflict.Estimate
		asOf string
		low  sql.NullInt64
		high sql.NullInt64
	)
	err := q.QueryRowContext(ctx, `SELECT f.name, x.qualifier, x.low, x.high, x.unit, x.as_of, x.claimant, x.status
		FROM estimates x JOIN actors f ON f.id = x.actor_id WHERE x.id = ?`, id).
		Scan(&x.Force.Name, &x.Qualifier, &low, &high, &x.Unit, &asOf, &x.Claimant, &st)
	if err != nil {
		return "", "", mapError(err)
	}
	x.Low = conflict.Bound{Value: low.Int64, Set: low.Valid}
	x.High = conflict.Bound{Value: high.Int64, Set: high.Valid}
	if d, err := edtf.Parse(asOf); err == nil {
		asOf = d.Display()
	}
	return fmt.Sprintf("%s: %s %s as of %s, by %s", x.Force.Name, x.ValueText(), x.Unit, asOf, x.Claimant), st, nil
}

// FindRelationLinks returns the links of the event or estimate id in both
// directions: those it starts (its relations) and those other records
// start to it, worded from this record's side. With public set, only
// links whose other end readers may see are returned, and incoming links
// only from records readers see.
func (db *DB) FindRelationLinks(ctx context.Context, rt conflict.RecordType, id int64, public bool) ([]conflict.RelationLink, error) {
	st := relationsOf(rt)
	statuses := ""
	if public {
		// Both the other record and the source that reports the link.
		statuses = ` AND o.status IN ('published', 'retracted') AND s.status = 'published'`
	}
	rows, err := db.read.QueryContext(ctx, `
		SELECT 0, r.kind, r.target_id, r.source_id, s.publisher, s.title, r.position
		FROM `+st.table+` r JOIN `+st.records+` o ON o.id = r.target_id JOIN sources s ON s.id = r.source_id
		WHERE r.`+st.column+` = ?1`+statuses+`
		UNION ALL
		SELECT 1, r.kind, r.`+st.column+`, r.source_id, s.publisher, s.title, r.position
		FROM `+st.table+` r JOIN `+st.records+` o ON o.id = r.`+st.column+` JOIN sources s ON s.id = r.source_id
		WHERE r.target_id = ?1`+statuses+`
		ORDER BY 1, 7, 3 LIMIT 200`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []conflict.RelationLink
	for rows.Next() {
		var (
			l                conflict.RelationLink
			publisher, title string
			position         int
		)
		if err := rows.Scan(&l.Incoming, &l.Kind, &l.Other, &l.Source, &publisher, &title, &position); err != nil {
			return nil, err
		}
		l.SourceTitle = sourceName(publisher, title)
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].OtherTitle, out[i].OtherStatus, err = recordTitle(ctx, db.read, rt, out[i].Other); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// FindSupersededBy returns, for those of ids that a published estimate
// supersedes, the id of the (earliest) estimate that does: the chart draws
// them faded, linked to the claim that revised them.
func (db *DB) FindSupersededBy(ctx context.Context, ids []conflict.EstimateID) (map[conflict.EstimateID]conflict.EstimateID, error) {
	out := map[conflict.EstimateID]conflict.EstimateID{}
	if len(ids) == 0 {
		return out, nil
	}
	list := make([]any, len(ids))
	for i, id := range ids {
		list[i] = int64(id)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT r.target_id, min(r.estimate_id)
		FROM estimate_relations r JOIN estimates x ON x.id = r.estimate_id AND x.status = 'published'
		WHERE r.kind = 'supersedes' AND r.target_id IN (SELECT value FROM json_each(?))
		GROUP BY r.target_id`, jsonIDs(list))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var target, by conflict.EstimateID
		if err := rows.Scan(&target, &by); err != nil {
			return nil, err
		}
		out[target] = by
	}
	return out, rows.Err()
}

// pageRelationsQuery is the query for the relations of a page of records
// (its one parameter, their ids as a JSON array) to records readers see,
// reported by published sources, in order: each row the record's id, the
// kind, the target's id and external id, and the source's id.
//
// A CROSS JOIN is read in the order written: the links of the page's
// records first, found by their ids. Left to choose, and without
// statistics (as a database an import made had none until imports came to
// gather them), SQLite read every public record by its status and looked
// up its links: 8 ms for the relations of one event at 100,000 events, in
// SQLite's own build, and more than ten minutes for an archive of them
// imported again, which reads each event's.
func pageRelationsQuery(st relationStore) string {
	return `SELECT r.` + st.column + `, r.kind, r.target_id, coalesce(t.external_id, ''), r.source_id
		FROM ` + st.table + ` r CROSS JOIN ` + st.records + ` t ON t.id = r.target_id AND t.status IN ('published', 'retracted')
		CROSS JOIN sources s ON s.id = r.source_id AND s.status = 'published'
		WHERE r.` + st.column + ` IN (SELECT value FROM json_each(?)) ORDER BY r.` + st.column + `, r.position`
}

// loadRelations attaches to a page of events or estimates (rt; ids, with
// into placing each) their relations to records readers see, reported by
// published sources, in one query: the lists of the API and the exports.
// Targets are named by id and external id, not by title.
func loadRelations(ctx context.Context, q querier, rt conflict.RecordType, ids []any, into func(id int64) *[]conflict.Relation) error {
	rows, err := q.QueryContext(ctx, pageRelationsQuery(relationsOf(rt)), jsonIDs(ids))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id int64
			r  conflict.Relation
		)
		if err := rows.Scan(&id, &r.Kind, &r.Target, &r.TargetExternalID, &r.Source); err != nil {
			return err
		}
		p := into(id)
		*p = append(*p, r)
	}
	return rows.Err()
}
