package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/diff"
	"github.com/sitrep/sitrep/web/pages"
)

// A pending edit is decided from the review queue: a reviewer accepts it
// (it becomes the record's next revision) or returns it to its author with
// a comment; its author may withdraw it from their desk. A refused
// decision shows the queue again with the message beside the edit's
// buttons, never an error page: the reviewer who may not accept their own
// edit, a return without a comment (the comment kept), and an edit made
// from a version of the record that another accepted edit replaced (409,
// with what changed since).

// pendingKey names a pending edit in the queue, for its messages.
func pendingKey(id conflict.PendingEditID) string {
	return reviewKey("pending", int64(id))
}

func pendingID(c echo.Context) (conflict.PendingEditID, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, conflict.Errorf(conflict.NotFound, "No such pending edit.")
	}
	return conflict.PendingEditID(id), nil
}

// pendingAccept makes a pending edit its record's next revision.
func (s *Server) pendingAccept(c echo.Context) error {
	id, err := pendingID(c)
	if err != nil {
		return err
	}
	if _, err := formValues(c); err != nil {
		return err
	}
	ctx := c.Request().Context()
	p, err := s.db.AcceptPendingEdit(ctx, id, change(c, ""))
	if err != nil {
		prob, status, err := s.pendingProblem(ctx, id, "accept", err)
		if err != nil {
			return err
		}
		return s.renderReviewProblems(c, status, map[string]reviewProblem{pendingKey(id): prob})
	}
	s.log.Info("pending edit accepted", "pending_id", int64(id), "record_type", string(p.RecordType),
		"record_id", p.RecordID, "revision", p.Revision, "by", int64(currentUser(c).ID))
	s.flash(c, fmt.Sprintf("Accepted: readers now see the edit to “%s” (revision %d).", p.Title, p.Revision))
	return c.Redirect(http.StatusSeeOther, reviewReturnPath(c))
}

// pendingReturn sends a pending edit back to its author with a comment.
func (s *Server) pendingReturn(c echo.Context) error {
	id, err := pendingID(c)
	if err != nil {
		return err
	}
	vals, err := formValues(c)
	if err != nil {
		return err
	}
	note := strings.ReplaceAll(vals.Get("note"), "\r\n", "\n")
	ctx := c.Request().Context()
	p, err := s.db.ReturnPendingEdit(ctx, id, note, change(c, ""))
	if err != nil {
		prob, status, err := s.pendingProblem(ctx, id, "return", err)
		if err != nil {
			return err
		}
		prob.Note = note
		return s.renderReviewProblems(c, status, map[string]reviewProblem{pendingKey(id): prob})
	}
	s.log.Info("pending edit returned", "pending_id", int64(id), "by", int64(currentUser(c).ID))
	s.flash(c, fmt.Sprintf("Returned: %s will see your comment on the edit to “%s”.", authorOr(p.AuthorName), p.Title))
	return c.Redirect(http.StatusSeeOther, reviewReturnPath(c))
}

// pendingWithdraw lets an edit's author take it back from review.
func (s *Server) pendingWithdraw(c echo.Context) error {
	id, err := pendingID(c)
	if err != nil {
		return err
	}
	if _, err := formValues(c); err != nil {
		return err
	}
	p, err := s.db.WithdrawPendingEdit(c.Request().Context(), id, change(c, ""))
	if err != nil {
		return err
	}
	s.flash(c, fmt.Sprintf("Withdrawn: your edit to “%s” no longer waits for review.", p.Title))
	return c.Redirect(http.StatusSeeOther, "/edit")
}

func authorOr(name string) string {
	if name == "" {
		return "Its author"
	}
	return name
}

// reviewReturnPath is the queue as the reviewer left it: the filters and
// the page the decision's form carried.
func reviewReturnPath(c echo.Context) string {
	q := reviewFilterOf(c.FormValue("kind"), c.FormValue("editor")).query()
	if after := c.FormValue("after"); after != "" {
		q = strings.TrimPrefix(q+"&after="+url.QueryEscape(after), "&")
	}
	if q == "" {
		return "/review"
	}
	return "/review?" + q
}

// pendingProblem words a refused decision on pending edit id for the
// queue, with the response status; errors it cannot explain there (no such
// edit) are returned for the error page.
func (s *Server) pendingProblem(ctx context.Context, id conflict.PendingEditID, verb string, err error) (reviewProblem, int, error) {
	switch conflict.ErrorCode(err) {
	case conflict.Forbidden:
		return reviewProblem{Errors: map[string]string{"action": conflict.ErrorMessage(err)}}, http.StatusForbidden, nil
	case conflict.Conflict:
		prob := reviewProblem{Errors: map[string]string{"action": "This edit was made from an older version of the record: " +
			"someone else's change was published since, and accepting this edit would undo it. " +
			"Return the edit so that its author can make it again on the current version."}}
		p, ferr := s.db.FindPendingEdit(ctx, id)
		if ferr != nil {
			return prob, 0, ferr
		}
		since, sinceText, ferr := s.changedSince(ctx, p)
		if ferr != nil {
			return prob, 0, ferr
		}
		prob.Since, prob.SinceText = since, sinceText
		return prob, http.StatusConflict, nil
	case conflict.Invalid:
		errs := map[string]string{"action": conflict.ErrorMessage(err)}
		if msg, ok := conflict.ErrorFields(err)["note"]; ok {
			errs["action"] = "Nothing was changed: see the message below."
			errs[verb+".note"] = msg
		}
		return reviewProblem{Errors: errs}, http.StatusUnprocessableEntity, nil
	}
	return reviewProblem{}, 0, err
}

// changedSince compares the record as it stood when the pending edit was
// made with the record as it is: what was published in between.
func (s *Server) changedSince(ctx context.Context, p conflict.PendingEdit) ([]diff.FieldChange, string, error) {
	revs, err := s.db.FindRevisions(ctx, p.RecordType, p.RecordID)
	if err != nil || len(revs) == 0 {
		return nil, "", err
	}
	latest := revs[0]
	base, err := baseRevision(p, revs)
	if err != nil || base == nil || base.Number == latest.Number {
		return nil, "", err
	}
	changes, err := diff.Snapshots(p.RecordType, base.Snapshot, latest.Snapshot)
	if err != nil {
		return nil, "", fmt.Errorf("%s %d: %w", p.RecordType, p.RecordID, err)
	}
	text := fmt.Sprintf("What changed since the edit was made, from revision %d to revision %d (%s by %s):",
		base.Number, latest.Number, strings.ToLower(latest.Action.Label()), authorOr(latest.AuthorName))
	return changes, text, nil
}

// baseRevision finds, among the record's revisions (newest first), the
// one the pending edit was made from: the newest at or below its base
// version. nil when none is (a record older than its revisions).
func baseRevision(p conflict.PendingEdit, revs []conflict.Revision) (*conflict.Revision, error) {
	for i := range revs {
		if p.Revision != 0 && revs[i].Number >= p.Revision {
			continue // an accepted edit's own revision and later ones
		}
		st, err := readSnapshotState(p.RecordType, revs[i].Snapshot)
		if err != nil {
			return nil, err
		}
		if st.Version <= p.BaseVersion {
			return &revs[i], nil
		}
	}
	return nil, nil
}

// pendingShow is /edit/pending/{id}: one edit sent for review, as readers
// would see it and what it changes against the version it was made from,
// with where it stands and the reviewer's comment. Its author and
// reviewers may read it.
func (s *Server) pendingShow(c echo.Context) error {
	id, err := pendingID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	p, err := s.db.FindPendingEdit(ctx, id)
	if err != nil {
		return err
	}
	u := currentUser(c)
	if !u.Role.AtLeast(conflict.RoleReviewer) && (p.Author == nil || *p.Author != u.ID) {
		return conflict.Errorf(conflict.NotFound, "No such pending edit.")
	}
	item, err := s.pendingItem(c, p)
	if err != nil {
		return err
	}
	if p.State != conflict.EditPending {
		// Decided: compare with the version it was made from, not with
		// what is published now (which may be the edit itself).
		revs, err := s.db.FindRevisions(ctx, p.RecordType, p.RecordID)
		if err != nil {
			return err
		}
		base, err := baseRevision(p, revs)
		if err != nil {
			return err
		}
		if base != nil {
			if item.Changes, err = diff.Snapshots(p.RecordType, base.Snapshot, p.Snapshot); err != nil {
				return fmt.Errorf("pending edit %d: %w", p.ID, err)
			}
			item.Against = fmt.Sprintf("Compared with revision %d, the version of the %s the edit was made from.", base.Number, p.RecordType)
		}
	}
	v := pages.PendingEditView{Base: s.base(c, "Edit of "+item.Title, ""), Item: item, State: p.State,
		DecidedBy: p.DeciderName, DecidedAt: p.DecidedAt, Note: p.Note, Revision: p.Revision,
		EditURL: recordEditPath(p.RecordType, p.RecordID)}
	v.Canonical = ""
	if p.State == conflict.EditReturned || p.State == conflict.EditWithdrawn {
		v.EditURL = redoPath(p)
	}
	if p.State == conflict.EditPending && p.Author != nil && *p.Author == u.ID {
		v.WithdrawAction = fmt.Sprintf("/edit/pending/%d/withdraw", p.ID)
	}
	if p.State == conflict.EditPending && u.Role.AtLeast(conflict.RoleReviewer) {
		v.ReviewURL = "/review?kind=" + string(p.RecordType)
	}
	return s.render(c, http.StatusOK, pages.PendingEdit(v))
}
