package server

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/sqlite"
	"github.com/sitrep/sitrep/web/pages"
)

// editorDesk is /edit, the signed-in user's desk: what reviewers returned
// to them with their comments, their drafts, what waits for review and
// what was published lately, each with the link to go on working.
func (s *Server) editorDesk(c echo.Context) error {
	u := currentUser(c)
	d, err := s.db.FindDesk(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	v := pages.DeskView{Base: s.base(c, "Your desk", "desk")}
	v.Canonical = ""
	csrf := csrfToken(c)
	for _, p := range d.Returned {
		e := pendingEntry(p)
		e.State = "Edit returned"
		e.Comment, e.CommentBy, e.At = p.Note, p.DeciderName, p.DecidedAt
		e.Action, e.ActionLabel = recordEditPath(p.RecordType, p.RecordID), "Edit again"
		v.Returned = append(v.Returned, e)
	}
	for _, r := range d.Rejected {
		e := recordEntry(r)
		e.Comment = r.StatusNote
		e.ActionLabel = "Edit again"
		v.Returned = append(v.Returned, e)
	}
	for _, r := range d.Drafts {
		e := recordEntry(r)
		e.ActionLabel = "Go on editing"
		v.Drafts = append(v.Drafts, e)
	}
	for _, r := range d.Submitted {
		e := recordEntry(r)
		e.ActionLabel = "Open"
		v.Waiting = append(v.Waiting, e)
	}
	for _, p := range d.Pending {
		e := pendingEntry(p)
		e.State = "Edit waiting for review"
		e.WithdrawAction, e.CSRF = fmt.Sprintf("/edit/pending/%d/withdraw", p.ID), csrf
		v.Waiting = append(v.Waiting, e)
	}
	for _, p := range d.Accepted {
		e := pendingEntry(p)
		e.State = "Edit accepted"
		if p.DeciderName != "" {
			e.State += " by " + p.DeciderName
		}
		e.At = p.DecidedAt
		v.Published = append(v.Published, e)
	}
	for _, r := range d.Published {
		e := recordEntry(r)
		e.ActionLabel = "Edit"
		v.Published = append(v.Published, e)
	}
	return s.render(c, http.StatusOK, pages.Desk(v))
}

// recordEntry is one of the user's records on the desk.
func recordEntry(r sqlite.DeskRecord) pages.DeskEntry {
	return pages.DeskEntry{
		Kind: string(r.RecordType), Title: r.Title, State: r.Status.Label(), At: r.At,
		URL: recordPagePath(r.RecordType, r.RecordID, r.Status), Action: recordEditPath(r.RecordType, r.RecordID),
	}
}

// pendingEntry is one of the user's edits to a published record.
func pendingEntry(p conflict.PendingEdit) pages.DeskEntry {
	title := p.Title
	if t, err := recordTitle(p.RecordType, p.Snapshot); err == nil && t != "" {
		title = t
	}
	return pages.DeskEntry{
		Kind: string(p.RecordType), Title: title, At: p.CreatedAt, Summary: p.Summary,
		URL:     fmt.Sprintf("/edit/pending/%d", p.ID),
		History: recordHistoryPath(p.RecordType, p.RecordID),
	}
}

// recordPagePath is where the desk links a record: its public page when
// it has one readers can see, else its form.
func recordPagePath(rt conflict.RecordType, id int64, st conflict.Status) string {
	if !st.Public() {
		return recordEditPath(rt, id)
	}
	switch rt {
	case conflict.EventRecord, conflict.EstimateRecord, conflict.SourceRecord:
		return fmt.Sprintf("/%ss/%d", rt, id)
	}
	return recordEditPath(rt, id)
}

// deskCount is the number the header shows beside the desk: what was
// returned to the signed-in user and is not answered yet. A failure to
// count is logged and shows no number rather than failing the page.
func (s *Server) deskCount(c echo.Context, u *conflict.User) int {
	if u == nil || strings.HasPrefix(c.Path(), "/api/") {
		return 0
	}
	n, err := s.db.CountReturned(c.Request().Context(), u.ID)
	if err != nil {
		s.log.Warn("desk count", "err", err)
		return 0
	}
	return n
}
