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

// reviewQueue is /review: every submission with what it changes against
// the last revision a reviewer decided on, and the buttons to decide.
func (s *Server) reviewQueue(c echo.Context) error {
	return s.renderReview(c, http.StatusOK, nil)
}

// reviewKey names one record of the queue, for a failed action's messages.
func reviewKey(kind string, id int64) string { return kind + "-" + strconv.FormatInt(id, 10) }

// renderReview shows the queue; errs holds a failed action's messages for
// the record it was taken on.
func (s *Server) renderReview(c echo.Context, status int, errs map[string]map[string]string) error {
	subs, err := s.db.FindSubmissions(c.Request().Context())
	if err != nil {
		return err
	}
	v := pages.ReviewView{Base: s.base(c, "Review queue", "review")}
	v.Canonical = ""
	for _, sub := range subs {
		item, err := s.reviewItem(c, sub)
		if err != nil {
			return err
		}
		item.Workflow.Errors = errs[reviewKey(item.Kind, item.ID)]
		v.Items = append(v.Items, item)
	}
	return s.render(c, status, pages.Review(v))
}

// snapshotState is what the queue reads of a submission's snapshot: the
// version its buttons act on and whether it cites anything.
type snapshotState struct {
	Version    int
	Status     conflict.Status
	StatusNote string
	Citations  []conflict.Citation
}

// readSnapshotState decodes the snapshot of a record of type rt, in any
// version of the snapshot format, for the queue.
func readSnapshotState(rt conflict.RecordType, data []byte) (snapshotState, error) {
	rec, err := snapshot.Decode(rt, data)
	if err != nil {
		return snapshotState{}, err
	}
	switch r := rec.(type) {
	case conflict.Event:
		return snapshotState{Version: r.Version, Status: r.Status, StatusNote: r.StatusNote, Citations: r.Citations}, nil
	case conflict.Estimate:
		return snapshotState{Version: r.Version, Status: r.Status, StatusNote: r.StatusNote, Citations: r.Citations}, nil
	case conflict.Source:
		return snapshotState{Version: r.Version}, nil
	case conflict.Actor:
		return snapshotState{Version: r.Version}, nil
	case conflict.Place:
		return snapshotState{Version: r.Version}, nil
	case conflict.Timeline:
		return snapshotState{Version: r.Version}, nil
	}
	return snapshotState{}, fmt.Errorf("no review state for a %T", rec)
}

func (s *Server) reviewItem(c echo.Context, sub conflict.Submission) (pages.ReviewItem, error) {
	var base []byte
	against := "A new " + string(sub.RecordType) + ": nothing of it has been reviewed yet, so every field it has is shown as added."
	if sub.Reviewed != nil {
		base = sub.Reviewed.Snapshot
		against = fmt.Sprintf("Compared with revision %d (%s by %s), the last a reviewer decided on.",
			sub.Reviewed.Number, sub.Reviewed.Action.Label(), sub.Reviewed.AuthorName)
	}
	changes, err := diff.Snapshots(sub.RecordType, base, sub.Latest.Snapshot)
	if err != nil {
		return pages.ReviewItem{}, fmt.Errorf("%s %d: %w", sub.RecordType, sub.RecordID, err)
	}
	st, err := readSnapshotState(sub.RecordType, sub.Latest.Snapshot)
	if err != nil {
		return pages.ReviewItem{}, fmt.Errorf("%s %d revision %d: %w", sub.RecordType, sub.RecordID, sub.Latest.Number, err)
	}
	item := pages.ReviewItem{
		Kind: string(sub.RecordType), ID: sub.RecordID, Title: sub.Title,
		SubmittedBy: sub.Latest.AuthorName, At: sub.Latest.CreatedAt, Summary: sub.Latest.Summary,
		Against: against, Changes: changes,
	}
	switch sub.RecordType {
	case conflict.EventRecord:
		id := conflict.EventID(sub.RecordID)
		item.EditURL = editEventPath(id)
		if sub.Reviewed != nil {
			item.DiffURL = components.EventDiffPath(id, sub.Reviewed.Number, sub.Latest.Number)
		}
		item.Workflow = s.eventWorkflow(c, conflict.Event{ID: id, Status: st.Status, StatusNote: st.StatusNote,
			Version: st.Version, Citations: make([]conflict.Citation, len(st.Citations))}, "review")
	case conflict.EstimateRecord:
		id := conflict.EstimateID(sub.RecordID)
		item.EditURL = editEstimatePath(id)
		if sub.Reviewed != nil {
			item.DiffURL = components.EstimateDiffPath(id, sub.Reviewed.Number, sub.Latest.Number)
		}
		item.Workflow = s.estimateWorkflow(c, conflict.Estimate{ID: id, Status: st.Status, StatusNote: st.StatusNote,
			Version: st.Version, Citations: make([]conflict.Citation, len(st.Citations))}, "review")
	}
	item.Workflow.HistoryURL = ""
	return item, nil
}

// eventRevert restores an event's content to an earlier revision, as a new
// revision.
func (s *Server) eventRevert(c echo.Context) error {
	id, err := pathID(c, "event")
	if err != nil {
		return err
	}
	f, n, err := readRevertForm(c)
	if err != nil {
		return err
	}
	e, pending, err := s.db.RevertEvent(c.Request().Context(), conflict.EventID(id), n, f.version, change(c, f.note))
	if err != nil {
		return revertFailed(err, "event", n)
	}
	if pending != nil {
		s.flash(c, fmt.Sprintf("Restoring revision %d waits for a second reviewer: readers see the event as it is until someone else accepts it.", n))
		return c.Redirect(http.StatusSeeOther, components.EventHistoryPath(conflict.EventID(id)))
	}
	s.flash(c, fmt.Sprintf("Revision %d is restored, as a new revision.", n))
	return c.Redirect(http.StatusSeeOther, components.EventHistoryPath(e.ID))
}

// estimateRevert restores an estimate's content to an earlier revision.
func (s *Server) estimateRevert(c echo.Context) error {
	id, err := pathID(c, "estimate")
	if err != nil {
		return err
	}
	f, n, err := readRevertForm(c)
	if err != nil {
		return err
	}
	x, pending, err := s.db.RevertEstimate(c.Request().Context(), conflict.EstimateID(id), n, f.version, change(c, f.note))
	if err != nil {
		return revertFailed(err, "estimate", n)
	}
	if pending != nil {
		s.flash(c, fmt.Sprintf("Restoring revision %d waits for a second reviewer: readers see the estimate as it is until someone else accepts it.", n))
		return c.Redirect(http.StatusSeeOther, components.EstimateHistoryPath(conflict.EstimateID(id)))
	}
	s.flash(c, fmt.Sprintf("Revision %d is restored, as a new revision.", n))
	return c.Redirect(http.StatusSeeOther, components.EstimateHistoryPath(x.ID))
}

// readRevertForm reads a revert button's form: the version the history
// showed, the revision to restore and an optional summary (in note).
func readRevertForm(c echo.Context) (workflowForm, int, error) {
	f, err := readWorkflowForm(c)
	if err != nil {
		return f, 0, err
	}
	f.note = c.FormValue("summary")
	n, err := strconv.Atoi(c.FormValue("revision"))
	if err != nil || n < 1 {
		return f, 0, &conflict.Error{Code: conflict.Invalid, Message: "Choose the revision to restore by its number."}
	}
	return f, n, nil
}

// revertFailed words a refused revert for the error page.
func revertFailed(err error, kind string, n int) error {
	if conflict.ErrorCode(err) == conflict.Conflict {
		return &conflict.Error{Code: conflict.Conflict, Message: fmt.Sprintf(
			"This %s changed since you opened its history, so revision %d was not restored: reload the history, check the newest revision, and try again.", kind, n)}
	}
	if conflict.ErrorCode(err) == conflict.Invalid {
		msg := fmt.Sprintf("Revision %d cannot be restored: %s", n, conflict.ErrorMessage(err))
		if f := conflict.ErrorFields(err); len(f) > 0 {
			msg += " (" + f.String() + ")"
		}
		return &conflict.Error{Code: conflict.Invalid, Message: msg}
	}
	return err
}
