package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

const estimateColumns = `x.id, x.as_of, x.unit, x.qualifier, x.low, x.high, x.claimant, x.notes,
	x.status, x.status_note, coalesce(x.external_id, ''), x.version, x.created_at, x.updated_at,
	f.id, f.slug, f.name, f.colour,
	pl.id, pl.slug, pl.name,
	ca.id, ca.slug, ca.name, ca.colour,
	cl.id, cl.name, cl.type`

const estimateFrom = ` FROM estimates x
	JOIN actors f ON f.id = x.actor_id
	LEFT JOIN places pl ON pl.id = x.place_id
	LEFT JOIN actors ca ON ca.id = x.claimant_actor_id
	LEFT JOIN claimants cl ON cl.id = x.claimant_id`

func scanEstimate(sc interface{ Scan(...any) error }) (conflict.Estimate, error) {
	var (
		x                  conflict.Estimate
		low, high          sql.NullInt64
		created, updated   string
		pid, cid           sql.NullInt64
		pslug, pname       sql.NullString
		cslug, cname, ccol sql.NullString
		clid               sql.NullInt64
		clname, cltype     sql.NullString
	)
	err := sc.Scan(&x.ID, &x.AsOf, &x.Unit, &x.Qualifier, &low, &high, &x.Claimant, &x.Notes,
		&x.Status, &x.StatusNote, &x.ExternalID, &x.Version, &created, &updated,
		&x.Force.ID, &x.Force.Slug, &x.Force.Name, &x.Force.Colour,
		&pid, &pslug, &pname, &cid, &cslug, &cname, &ccol, &clid, &clname, &cltype)
	if err != nil {
		return x, mapError(err)
	}
	x.Low = conflict.Bound{Value: low.Int64, Set: low.Valid}
	x.High = conflict.Bound{Value: high.Int64, Set: high.Valid}
	if pid.Valid {
		x.Place = &conflict.PlaceRef{ID: conflict.PlaceID(pid.Int64), Slug: pslug.String, Name: pname.String}
	}
	if cid.Valid {
		x.ClaimantActor = &conflict.ActorRef{ID: conflict.ActorID(cid.Int64), Slug: cslug.String, Name: cname.String, Colour: ccol.String}
	}
	if clid.Valid {
		x.ClaimantRecord = &conflict.ClaimantRef{ID: conflict.ClaimantID(clid.Int64), Name: clname.String, Type: conflict.ClaimantType(cltype.String)}
	}
	x.CreatedAt, x.UpdatedAt = parseTime(created), parseTime(updated)
	return x, nil
}

// FindEstimateByID returns the estimate with its citations, in any status,
// or NotFound.
func (db *DB) FindEstimateByID(ctx context.Context, id conflict.EstimateID) (conflict.Estimate, error) {
	return findEstimate(ctx, db.read, id)
}

// FindEstimateByExternalID returns the estimate imported under an external
// id, or NotFound.
func (db *DB) FindEstimateByExternalID(ctx context.Context, extID string) (conflict.Estimate, error) {
	var id int64
	if err := db.read.QueryRowContext(ctx, `SELECT id FROM estimates WHERE external_id = ?`, extID).Scan(&id); err != nil {
		if conflict.ErrorCode(mapError(err)) == conflict.NotFound {
			return conflict.Estimate{}, conflict.Errorf(conflict.NotFound, "No such estimate.")
		}
		return conflict.Estimate{}, err
	}
	return findEstimate(ctx, db.read, conflict.EstimateID(id))
}

func findEstimate(ctx context.Context, q querier, id conflict.EstimateID) (conflict.Estimate, error) {
	x, err := scanEstimate(q.QueryRowContext(ctx, `SELECT `+estimateColumns+estimateFrom+` WHERE x.id = ?`, int64(id)))
	if conflict.ErrorCode(err) == conflict.NotFound {
		return x, conflict.Errorf(conflict.NotFound, "No such estimate.")
	}
	if err != nil {
		return x, err
	}
	if x.Citations, err = findCitations(ctx, q, "estimate_id", int64(id)); err != nil {
		return x, err
	}
	x.Relations, err = findRelations(ctx, q, conflict.EstimateRecord, int64(id))
	return x, err
}

// CreateEstimate normalises, validates and stores a new estimate with its citations and
// writes its first revision. Publishing needs a citation.
func (db *DB) CreateEstimate(ctx context.Context, x *conflict.Estimate, ch conflict.Change) error {
	return db.CreateEstimates(ctx, []*conflict.Estimate{x}, ch)
}

// CreateEstimates stores many estimates in one transaction: all, or none.
func (db *DB) CreateEstimates(ctx context.Context, xs []*conflict.Estimate, ch conflict.Change) error {
	for _, x := range xs {
		x.Normalize()
		if err := x.Validate(); err != nil {
			return err
		}
		if x.Status == conflict.Published {
			if err := x.CanPublish(); err != nil {
				return err
			}
		}
	}
	reload := len(xs) == 1
	saved := make([]conflict.Estimate, len(xs))
	for i, x := range xs {
		saved[i] = *x
		saved[i].Citations = slices.Clone(x.Citations)
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		public := false
		for _, x := range xs {
			if err := db.createEstimate(ctx, tx, x, ch, reload); err != nil {
				return err
			}
			public = public || x.Status.Public()
		}
		if !public {
			return nil
		}
		// A public estimate makes public what it cites.
		return db.publishDraftsCitedByPublic(ctx, tx, ch)
	})
	if err != nil {
		for i, x := range xs {
			*x = saved[i]
		}
	}
	return err
}

func (db *DB) createEstimate(ctx context.Context, tx *sql.Tx, x *conflict.Estimate, ch conflict.Change, reload bool) error {
	now := db.stamp()
	var place, claimant, low, high any
	if x.Place != nil {
		place = int64(x.Place.ID)
	}
	if x.ClaimantActor != nil {
		claimant = int64(x.ClaimantActor.ID)
	}
	if x.Low.Set {
		low = x.Low.Value
	}
	if x.High.Set {
		high = x.High.Value
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO estimates
		(actor_id, place_id, as_of, as_of_lo, as_of_hi, unit, qualifier, low, high, claimant, claimant_actor_id,
		 notes, status, status_note, external_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		int64(x.Force.ID), place, x.AsOf.String(), x.AsOf.LowerKey(), x.AsOf.UpperKey(), x.Unit, x.Qualifier,
		low, high, x.Claimant, claimant, x.Notes, x.Status, x.StatusNote, nullString(x.ExternalID), now, now)
	if err != nil {
		return fieldError(err, "force", "The force, place or claimant does not exist.")
	}
	id, _ := res.LastInsertId()
	if err := db.writeCitations(ctx, tx, "estimate_id", id, x.Citations, ch); err != nil {
		return err
	}
	if err := writeRelations(ctx, tx, conflict.EstimateRecord, id, x.Claimant, x.Relations, x.Citations); err != nil {
		return err
	}
	x.ID, x.Version, x.CreatedAt, x.UpdatedAt = conflict.EstimateID(id), 1, parseTime(now), parseTime(now)
	if reload {
		stored, err := findEstimate(ctx, tx, x.ID)
		if err != nil {
			return err
		}
		*x = stored
	}
	return db.writeFirstRevision(ctx, tx, conflict.EstimateRecord, id, actionFor(ch), x, ch)
}

// FindEstimates returns the estimates matching f in as-of order, oldest
// first. The first citation of each is loaded, as the explorer's table
// shows the reporting source and its quote (see FindFirstCitations for
// what of it).
func (db *DB) FindEstimates(ctx context.Context, f conflict.EstimateFilter) ([]conflict.Estimate, error) {
	query, params, err := estimateListQuery(ctx, db.read, f)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, query, params...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []conflict.Estimate
	for rows.Next() {
		x, err := scanEstimate(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, db.loadFirstCitations(ctx, out)
}

// estimateListQuery builds the explorer's query from a filter.
func estimateListQuery(ctx context.Context, q querier, f conflict.EstimateFilter) (string, []any, error) {
	where, params, err := estimateWhere(ctx, q, f)
	if err != nil {
		return "", nil, err
	}
	if f.After != "" {
		lo, id, ok := parseCursor(f.After)
		if !ok {
			return "", nil, &conflict.Error{Code: conflict.Invalid, Message: "That page link is not valid.",
				Fields: conflict.FieldErrors{"cursor": "That page link is not valid; start again from the first page."}}
		}
		op := ">"
		if f.NewestFirst {
			op = "<"
		}
		where = append(where, "(x.as_of_lo, x.id) "+op+" (?, ?)")
		params = append(params, lo, id)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 1000
	}
	params = append(params, limit)
	order := "x.as_of_lo, x.id"
	if f.NewestFirst {
		order = "x.as_of_lo DESC, x.id DESC"
	}
	// The page's ids are found in an index alone, then its rows read: the
	// estimates passed over (those before a "from" date that end before
	// it) are never read from the table. A force's list names the chart's
	// index, which holds as_of_hi; the planner would otherwise take
	// estimates_actor_idx, which lacks it.
	index := ""
	if f.Force != 0 {
		index = " INDEXED BY estimates_points_idx"
	}
	return `SELECT ` + estimateColumns + estimateFrom + `
		WHERE x.id IN (SELECT x.id FROM estimates x` + index + ` WHERE ` + strings.Join(where, " AND ") + `
			ORDER BY ` + order + ` LIMIT ?)
		ORDER BY ` + order, params, nil
}

// loadFirstCitations attaches each estimate's first citation, in one
// query (see FindFirstCitations).
func (db *DB) loadFirstCitations(ctx context.Context, xs []conflict.Estimate) error {
	if len(xs) == 0 {
		return nil
	}
	ids := make([]conflict.EstimateID, len(xs))
	for i, x := range xs {
		ids[i] = x.ID
	}
	first, err := db.FindFirstCitations(ctx, ids)
	if err != nil {
		return err
	}
	for i := range xs {
		if c, ok := first[xs[i].ID]; ok {
			xs[i].Citations = []conflict.Citation{c}
		}
	}
	return nil
}

// FindFirstCitations returns the first citation of each of the estimates
// ids that has one, in one query: its quote, locator and credibility, and
// its source's id, publisher, title and address, which is what lists show
// of it. The source's other columns are left unread: reading and decoding
// them cost more than the rest of a page's table.
func (db *DB) FindFirstCitations(ctx context.Context, ids []conflict.EstimateID) (map[conflict.EstimateID]conflict.Citation, error) {
	out := make(map[conflict.EstimateID]conflict.Citation, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := db.read.QueryContext(ctx, `SELECT c.estimate_id, c.id, c.quote, c.locator, coalesce(c.credibility, 0),
		s.id, s.url, s.publisher, s.title
		FROM citations c JOIN sources s ON s.id = c.source_id
		WHERE c.id IN (SELECT (SELECT c2.id FROM citations c2 WHERE c2.estimate_id = e.value ORDER BY c2.position, c2.id LIMIT 1)
		               FROM json_each(?) e)`, jsonIDs(args(ids)))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			eid conflict.EstimateID
			c   conflict.Citation
		)
		if err := rows.Scan(&eid, &c.ID, &c.Quote, &c.Locator, &c.Credibility,
			&c.Source.ID, &c.Source.URL, &c.Source.Publisher, &c.Source.Title); err != nil {
			return nil, err
		}
		out[eid] = c
	}
	return out, rows.Err()
}

// FindEstimatesCitingSource returns the published estimates that cite a
// source.
func (db *DB) FindEstimatesCitingSource(ctx context.Context, id conflict.SourceID) ([]conflict.Estimate, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+estimateColumns+estimateFrom+`
		WHERE x.status IN ('published', 'retracted') AND x.id IN (SELECT estimate_id FROM citations WHERE source_id = ?)
		ORDER BY x.as_of_lo, x.id LIMIT 500`, int64(id))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []conflict.Estimate
	for rows.Next() {
		x, err := scanEstimate(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// FindEstimatePoints returns what a chart draws of each estimate matching f
// (id, as-of date, qualifier, bounds, unit, place, claimant and the
// claimant's actor), read from one covering index, so ten thousand
// estimates of a force cost one index range scan; the few places, actors
// and claimants in view are named with one query each. Citations and notes
// are not loaded.
func (db *DB) FindEstimatePoints(ctx context.Context, f conflict.EstimateFilter) ([]conflict.Estimate, error) {
	where, params, err := estimateWhere(ctx, db.read, f)
	if err != nil {
		return nil, err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 10_000
	}
	params = append(params, limit)
	rows, err := db.read.QueryContext(ctx, `SELECT x.id, x.actor_id, x.as_of, x.qualifier, x.low, x.high, x.unit, x.claimant,
		coalesce(x.claimant_actor_id, 0), x.status, x.as_of_lo, coalesce(x.claimant_id, 0), coalesce(x.place_id, 0)
		FROM estimates x INDEXED BY estimates_points_idx
		WHERE `+strings.Join(where, " AND ")+` ORDER BY x.actor_id, x.as_of_lo, x.id LIMIT ?`, params...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var (
		out    = make([]conflict.Estimate, 0, min(limit, 1024))
		keys   = make([]string, 0, min(limit, 1024))
		actors = map[conflict.ActorID]bool{}
		// claimants are the few claimant records in view.
		claimants = map[conflict.ClaimantID]bool{}
		// places are the few places in view: a chart names each claim's.
		places = map[conflict.PlaceID]bool{}
		// Many estimates share an as-of date: each text is parsed once.
		dates = map[string]edtf.Date{}
	)
	for rows.Next() {
		var (
			x         conflict.Estimate
			asOf      string
			low, high sql.NullInt64
			claimant  conflict.ActorID
			key       string
			record    conflict.ClaimantID
			place     conflict.PlaceID
		)
		if err := rows.Scan(&x.ID, &x.Force.ID, &asOf, &x.Qualifier, &low, &high, &x.Unit, &x.Claimant, &claimant, &x.Status, &key, &record, &place); err != nil {
			return nil, err
		}
		if place != 0 {
			x.Place = &conflict.PlaceRef{ID: place}
			places[place] = true
		}
		if record != 0 {
			x.ClaimantRecord = &conflict.ClaimantRef{ID: record}
			claimants[record] = true
		}
		d, ok := dates[asOf]
		if !ok {
			var err error
			if d, err = edtf.Parse(asOf); err != nil {
				return nil, fmt.Errorf("estimate %d: as-of date %q: %w", x.ID, asOf, err)
			}
			dates[asOf] = d
		}
		x.AsOf = d
		keys = append(keys, key)
		x.Low = conflict.Bound{Value: low.Int64, Set: low.Valid}
		x.High = conflict.Bound{Value: high.Int64, Set: high.Valid}
		actors[x.Force.ID] = true
		if claimant != 0 {
			x.ClaimantActor = &conflict.ActorRef{ID: claimant}
			actors[claimant] = true
		}
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Name the forces and claimant actors with one query for the few
	// distinct actors, not one join per estimate.
	refs, err := db.actorRefs(ctx, actors)
	if err != nil {
		return nil, err
	}
	types, err := db.claimantTypes(ctx, claimants)
	if err != nil {
		return nil, err
	}
	names, err := db.placeRefs(ctx, places)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if p := out[i].Place; p != nil {
			r := names[p.ID]
			out[i].Place = &r
		}
		out[i].Force = refs[out[i].Force.ID]
		if c := out[i].ClaimantActor; c != nil {
			r := refs[c.ID]
			out[i].ClaimantActor = &r
		}
		if c := out[i].ClaimantRecord; c != nil {
			r := types[c.ID]
			out[i].ClaimantRecord = &r
		}
	}
	// The index returns each force's estimates in date order; forces with
	// sub-actors need one merged order.
	if !slices.IsSortedFunc(keys, strings.Compare) {
		order := make([]int, len(out))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int {
			return cmp.Or(strings.Compare(keys[a], keys[b]), cmp.Compare(out[a].ID, out[b].ID))
		})
		sorted := make([]conflict.Estimate, len(out))
		for i, j := range order {
			sorted[i] = out[j]
		}
		out = sorted
	}
	return out, nil
}

// placeRefs loads the named places' references.
func (db *DB) placeRefs(ctx context.Context, ids map[conflict.PlaceID]bool) (map[conflict.PlaceID]conflict.PlaceRef, error) {
	out := make(map[conflict.PlaceID]conflict.PlaceRef, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	list := make([]any, 0, len(ids))
	for id := range ids {
		list = append(list, int64(id))
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, slug, name FROM places WHERE id IN (SELECT value FROM json_each(?))`, jsonIDs(list))
	if err != nil {
		return nil, err
	}
	refs, err := scanPlaceRefs(rows)
	if err != nil {
		return nil, err
	}
	for _, r := range refs {
		out[r.ID] = r
	}
	return out, nil
}

// actorRefs loads the named actors' references.
func (db *DB) actorRefs(ctx context.Context, ids map[conflict.ActorID]bool) (map[conflict.ActorID]conflict.ActorRef, error) {
	list := make([]conflict.ActorID, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	out := make(map[conflict.ActorID]conflict.ActorRef, len(list))
	if len(list) == 0 {
		return out, nil
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, slug, name, colour FROM actors WHERE id IN (`+placeholders(len(list))+`)`, args(list)...)
	if err != nil {
		return nil, err
	}
	refs, err := scanActorRefs(rows)
	if err != nil {
		return nil, err
	}
	for _, r := range refs {
		out[r.ID] = r
	}
	return out, nil
}

// EstimateCursor is the keyset cursor after x in as-of order.
func EstimateCursor(x conflict.Estimate) string {
	return makeCursor(x.AsOf.LowerKey(), conflict.EventID(x.ID))
}

// longestEstimateSpan returns, in whole days rounded up, how long the
// longest published as-of date lasts, read from the end of an index.
func longestEstimateSpan(ctx context.Context, q querier) (int, error) {
	var days float64
	err := q.QueryRowContext(ctx, `SELECT julianday(as_of_hi) - julianday(as_of_lo) FROM estimates INDEXED BY estimates_public_span_idx
		WHERE status = 'published' ORDER BY julianday(as_of_hi) - julianday(as_of_lo) DESC LIMIT 1`).Scan(&days)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("longest estimate: %w", err)
	}
	return int(math.Ceil(days)), nil
}

// forceSubtree returns force and every actor inside it, read from the
// closure table kept by triggers. The ids are listed in the query rather
// than joined, so that a force without sub-actors is one index range in
// date order.
func forceSubtree(ctx context.Context, q querier, force conflict.ActorID) ([]conflict.ActorID, error) {
	rows, err := q.QueryContext(ctx, `SELECT descendant_id FROM actor_tree WHERE ancestor_id = ?`, int64(force))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := []conflict.ActorID{force}
	for rows.Next() {
		var id conflict.ActorID
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		if id != force {
			ids = append(ids, id)
		}
	}
	return ids, rows.Err()
}

// estimateWhere turns an estimate filter into SQL conditions on the
// estimates table (as x), expanding the force and the places to everything
// inside them.
func estimateWhere(ctx context.Context, q querier, f conflict.EstimateFilter) ([]string, []any, error) {
	statuses := f.Statuses
	if len(statuses) == 0 {
		statuses = []conflict.Status{conflict.Published}
	}
	where := []string{"x.status IN (" + placeholders(len(statuses)) + ")"}
	params := args(statusStrings(statuses))
	if f.Force != 0 {
		ids, err := forceSubtree(ctx, q, f.Force)
		if err != nil {
			return nil, nil, err
		}
		where = append(where, "x.actor_id IN ("+placeholders(len(ids))+")")
		params = append(params, args(ids)...)
	}
	if len(f.Places) > 0 {
		ids, err := subtree(ctx, q, "places", f.Places)
		if err != nil {
			return nil, nil, err
		}
		where = append(where, "x.place_id IN ("+placeholders(len(ids))+")")
		params = append(params, args(ids)...)
	}
	if f.Claimant != "" {
		where = append(where, "x.claimant = ? COLLATE NOCASE")
		params = append(params, f.Claimant)
	}
	if f.ClaimantID != 0 {
		where = append(where, "x.claimant_id = ?")
		params = append(params, int64(f.ClaimantID))
	}
	if f.ClaimantType != "" {
		ids, err := claimantsOfType(ctx, q, f.ClaimantType)
		if err != nil {
			return nil, nil, err
		}
		where = append(where, "x.claimant_id IN (SELECT value FROM json_each(?))")
		params = append(params, jsonIDs(args(ids)))
	}
	// The beginnings of the estimates matched are bounded below once, by
	// the tightest bound known: given two, SQLite reads the date index
	// from whichever it picks, and reading it from the looser one read
	// years of estimates to count a month's.
	begins := ""
	if !f.From.IsZero() {
		where = append(where, "x.as_of_hi >= ?")
		params = append(params, f.From.LowerKey())
		// An estimate matching "from" begins at most the longest as-of
		// span before it: saying so lets the date index be read as a
		// range rather than from its start.
		if slices.Equal(statuses, []conflict.Status{conflict.Published}) {
			days, err := longestEstimateSpan(ctx, q)
			if err != nil {
				return nil, nil, err
			}
			if lo := f.From.Lower().AddDate(0, 0, -days-1); lo.Year() >= 1 {
				begins = lo.Format(time.DateOnly)
			}
		}
	}
	if !f.BeginsFrom.IsZero() {
		begins = max(begins, f.BeginsFrom.LowerKey())
	}
	if begins != "" {
		where = append(where, "x.as_of_lo >= ?")
		params = append(params, begins)
	}
	if !f.To.IsZero() {
		where = append(where, "x.as_of_lo <= ?")
		params = append(params, f.To.UpperKey())
	}
	return where, params, nil
}
