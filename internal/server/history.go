package server

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/diff"
	"github.com/sitrep/sitrep/internal/snapshot"
	"github.com/sitrep/sitrep/web/components"
	"github.com/sitrep/sitrep/web/pages"
)

// Revision history is public for public records: an anonymous reader may
// list the revisions of a published or retracted record, read each public
// revision and compare any two of them. A revision whose state was never
// public (a draft, a submission, a rejection) is listed to them only as
// "unpublished revision"; signed-in users see everything.

// historyRecord is what the history and diff pages need of one record.
type historyRecord struct {
	rt      conflict.RecordType
	id      int64
	kind    string
	heading string
	status  conflict.Status
	// page is the record's current page.
	page    string
	history string
	// compare is the diff page's address, without its query.
	compare  string
	revision func(n int) string
	diff     func(from, to int) string
	// version is the record's current version, and revert where a
	// reviewer's "Revert to this revision" button posts (review.go).
	version int
	revert  string
}

func (s *Server) eventHistoryRecord(c echo.Context) (historyRecord, error) {
	id, _, err := parseIDSlug(c.Param("id"))
	if err != nil {
		return historyRecord{}, err
	}
	e, err := s.db.FindEventByID(c.Request().Context(), id)
	if err != nil {
		return historyRecord{}, err
	}
	return historyRecord{
		rt: conflict.EventRecord, id: int64(e.ID), kind: "event", heading: e.Title, status: e.Status,
		page:     components.EventPath(e.ID, e.Slug),
		history:  components.EventHistoryPath(e.ID),
		compare:  fmt.Sprintf("/events/%d/diff", e.ID),
		revision: func(n int) string { return components.EventRevisionPath(e.ID, n) },
		diff:     func(from, to int) string { return components.EventDiffPath(e.ID, from, to) },
		version:  e.Version,
		revert:   fmt.Sprintf("/review/events/%d/revert", e.ID),
	}, nil
}

func (s *Server) estimateHistoryRecord(c echo.Context) (historyRecord, error) {
	id, err := parseEstimateID(c.Param("id"))
	if err != nil {
		return historyRecord{}, err
	}
	x, err := s.db.FindEstimateByID(c.Request().Context(), id)
	if err != nil {
		return historyRecord{}, err
	}
	return historyRecord{
		rt: conflict.EstimateRecord, id: int64(x.ID), kind: "estimate", heading: x.Title(), status: x.Status,
		page:     components.EstimatePath(x.ID),
		history:  components.EstimateHistoryPath(x.ID),
		compare:  fmt.Sprintf("/estimates/%d/diff", x.ID),
		revision: func(n int) string { return components.EstimateRevisionPath(x.ID, n) },
		diff:     func(from, to int) string { return components.EstimateDiffPath(x.ID, from, to) },
		version:  x.Version,
		revert:   fmt.Sprintf("/review/estimates/%d/revert", x.ID),
	}, nil
}

func parseEstimateID(s string) (conflict.EstimateID, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, conflict.Errorf(conflict.NotFound, "No such estimate.")
	}
	return conflict.EstimateID(id), nil
}

// eventHistory lists an event's revisions.
func (s *Server) eventHistory(c echo.Context) error {
	rec, err := s.eventHistoryRecord(c)
	if err != nil {
		return err
	}
	return s.history(c, rec)
}

// estimateHistory lists an estimate's revisions.
func (s *Server) estimateHistory(c echo.Context) error {
	rec, err := s.estimateHistoryRecord(c)
	if err != nil {
		return err
	}
	return s.history(c, rec)
}

// eventDiff compares two revisions of an event.
func (s *Server) eventDiff(c echo.Context) error {
	rec, err := s.eventHistoryRecord(c)
	if err != nil {
		return err
	}
	return s.diff(c, rec)
}

// estimateDiff compares two revisions of an estimate.
func (s *Server) estimateDiff(c echo.Context) error {
	rec, err := s.estimateHistoryRecord(c)
	if err != nil {
		return err
	}
	return s.diff(c, rec)
}

// revisionEntry is a revision with what its snapshot says of its status.
type revisionEntry struct {
	conflict.Revision
	public bool
	// visible is whether this reader may see the revision's content.
	visible bool
}

// visibleRevisions loads the record's revisions, newest first, and marks
// which this reader may see. An anonymous reader gets NotFound for a
// record that is not public now.
func (s *Server) visibleRevisions(c echo.Context, rec historyRecord) ([]revisionEntry, error) {
	signedIn := currentUser(c) != nil
	if !signedIn && !rec.status.Public() {
		return nil, conflict.Errorf(conflict.NotFound, "No such %s.", rec.kind)
	}
	revs, err := s.db.FindRevisions(c.Request().Context(), rec.rt, rec.id)
	if err != nil {
		return nil, err
	}
	out := make([]revisionEntry, len(revs))
	for i, r := range revs {
		public := snapshotStatus(r.RecordType, r.Snapshot).Public()
		out[i] = revisionEntry{Revision: r, public: public, visible: public || signedIn}
	}
	return out, nil
}

// snapshotStatus reads the status a snapshot of a record of type rt
// records. A snapshot it cannot read counts as never published, so that
// it is shown to nobody who may not see drafts; its page says what is
// wrong.
func snapshotStatus(rt conflict.RecordType, data []byte) conflict.Status {
	s, _ := snapshot.Status(rt, data)
	return s
}

func (s *Server) history(c echo.Context, rec historyRecord) error {
	revs, err := s.visibleRevisions(c, rec)
	if err != nil {
		return err
	}
	v := pages.HistoryView{
		Base: s.base(c, "History of "+rec.heading, rec.kind+"s"), Kind: rec.kind, Heading: rec.heading,
		DiffAction: rec.compare,
	}
	if rec.status.Public() {
		v.RecordURL = rec.page
	}
	if u := currentUser(c); u != nil && u.Role.AtLeast(conflict.RoleReviewer) {
		v.RevertAction, v.Version = rec.revert, rec.version
	}
	if u := currentUser(c); u != nil {
		if v.Pending, err = s.pendingRows(c, rec); err != nil {
			return err
		}
	}
	for i, r := range revs {
		row := pages.HistoryRow{Number: r.Number, At: r.CreatedAt, Current: i == 0, Hidden: !r.visible}
		if r.visible {
			row.Action, row.Author, row.Summary, row.Unreviewed = r.Action, r.AuthorName, r.Summary, r.Unreviewed
			v.Choices = append(v.Choices, r.Number)
			// The previous revision this reader may see is what this one
			// is compared with.
			for _, p := range revs[i+1:] {
				if p.visible {
					row.CompareURL = rec.diff(p.Number, r.Number)
					break
				}
			}
		}
		if r.public {
			row.ViewURL = rec.revision(r.Number)
		}
		v.Revisions = append(v.Revisions, row)
	}
	return s.render(c, http.StatusOK, pages.History(v))
}

// pendingRows lists the record's edits that waited for review, newest
// first: those waiting, returned, withdrawn or accepted. Only signed-in
// users see them: readers never see what was not published.
func (s *Server) pendingRows(c echo.Context, rec historyRecord) ([]pages.PendingRow, error) {
	edits, err := s.db.FindPendingEdits(c.Request().Context(), conflict.PendingFilter{RecordType: rec.rt, RecordID: rec.id, Limit: 100})
	if err != nil {
		return nil, err
	}
	rows := make([]pages.PendingRow, 0, len(edits))
	for _, p := range edits {
		title := p.Title
		if t, err := recordTitle(p.RecordType, p.Snapshot); err == nil && t != "" {
			title = t
		}
		row := pages.PendingRow{ID: int64(p.ID), URL: fmt.Sprintf("/edit/pending/%d", p.ID), State: p.State, Author: p.AuthorName, At: p.CreatedAt,
			Summary: p.Summary, Title: title, DecidedBy: p.DeciderName, DecidedAt: p.DecidedAt, Note: p.Note, Revision: p.Revision}
		if p.State == conflict.EditPending && currentUser(c).Role.AtLeast(conflict.RoleReviewer) {
			row.ReviewURL = "/review?kind=" + string(p.RecordType)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func (s *Server) diff(c echo.Context, rec historyRecord) error {
	revs, err := s.visibleRevisions(c, rec)
	if err != nil {
		return err
	}
	byNumber := make(map[int]revisionEntry, len(revs))
	for _, r := range revs {
		byNumber[r.Number] = r
	}
	to, err := revisionParam(c, "to")
	if err != nil {
		return err
	}
	if to == 0 {
		// No choice: the newest revision this reader may see.
		for _, r := range revs {
			if r.visible {
				to = r.Number
				break
			}
		}
	}
	target, ok := byNumber[to]
	if !ok || !target.visible {
		return conflict.Errorf(conflict.NotFound, "No such revision.")
	}
	from, err := revisionParam(c, "from")
	if err != nil {
		return err
	}
	if c.QueryParam("from") == "" {
		// No choice: the visible revision before it, or nothing.
		for _, r := range revs {
			if r.Number < to && r.visible {
				from = r.Number
				break
			}
		}
	}
	var base revisionEntry
	if from != 0 {
		if base, ok = byNumber[from]; !ok || !base.visible {
			return conflict.Errorf(conflict.NotFound, "No such revision.")
		}
	}
	changes, err := diff.Snapshots(rec.rt, base.Snapshot, target.Snapshot)
	if err != nil {
		return fmt.Errorf("%s %d: %w", rec.rt, rec.id, err)
	}
	v := pages.DiffView{
		Base: s.base(c, "Changes to "+rec.heading, rec.kind+"s"), Kind: rec.kind, Heading: rec.heading,
		HistoryURL: rec.history, From: side(rec, base), To: side(rec, target), Changes: changes,
	}
	if rec.status.Public() {
		v.RecordURL = rec.page
	}
	return s.render(c, http.StatusOK, pages.Diff(v))
}

// revisionParam reads a revision number from the query: 0 when absent,
// Invalid when it is not a number.
func revisionParam(c echo.Context, name string) (int, error) {
	raw := c.QueryParam(name)
	if raw == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 0 {
		return 0, &conflict.Error{Code: conflict.Invalid, Message: "Choose two revisions to compare by their numbers.",
			Fields: conflict.FieldErrors{name: "A revision is a number such as 3."}}
	}
	return n, nil
}

func side(rec historyRecord, r revisionEntry) pages.RevisionSide {
	if r.Number == 0 {
		return pages.RevisionSide{}
	}
	out := pages.RevisionSide{Number: r.Number, Action: r.Action, Author: r.AuthorName, Summary: r.Summary, At: r.CreatedAt}
	if r.public {
		out.URL = rec.revision(r.Number)
	}
	return out
}

// estimateRevision shows an estimate as it stood at one revision: the
// permalink a citation points at, as eventRevision is for events.
func (s *Server) estimateRevision(c echo.Context) error {
	id, err := parseEstimateID(c.Param("id"))
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(c.Param("n"))
	if err != nil || n < 1 {
		return conflict.Errorf(conflict.NotFound, "No such revision.")
	}
	ctx := c.Request().Context()
	current, err := s.db.FindEstimateByID(ctx, id)
	if err != nil {
		return err
	}
	if !current.Status.Public() {
		return conflict.Errorf(conflict.NotFound, "No such estimate.")
	}
	rev, err := s.db.FindRevision(ctx, conflict.EstimateRecord, int64(id), n)
	if err != nil {
		return err
	}
	x, err := snapshot.Estimate(rev.Snapshot)
	if err != nil {
		return fmt.Errorf("estimate %d revision %d: %w", id, n, err)
	}
	if !x.Status.Public() {
		return conflict.Errorf(conflict.NotFound, "This revision was never published.")
	}
	latest, err := s.db.LatestRevisionHead(ctx, conflict.EstimateRecord, int64(id))
	if err != nil {
		return err
	}
	nearby, err := s.nearbyEstimates(c, x)
	if err != nil {
		return err
	}
	v := pages.EstimateView{Base: s.base(c, x.Title(), "estimates"),
		Estimate: x, Notes: x.Notes, Nearby: nearby, Revision: rev, Old: rev.Number != latest.Number}
	v.Base.Canonical = s.absURL(c, components.EstimatePath(x.ID))
	return s.render(c, http.StatusOK, pages.Estimate(v))
}
