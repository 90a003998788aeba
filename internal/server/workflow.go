package server

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/form"
	"github.com/sitrep/sitrep/web/components"
	"github.com/sitrep/sitrep/web/pages"
)

// The review workflow's buttons post here: editors submit under /edit;
// reviewers publish, reject and retract under /review, where an admin may
// also publish a draft directly (conflict.Transition decides). Each form
// carries the version it was shown, so nobody publishes what they have not
// read. A missing comment or reason, or a record without a citation, shows
// the page the button was on again with the message (422).

func (s *Server) eventWorkflow(c echo.Context, e conflict.Event, from string) components.WorkflowView {
	v := components.WorkflowView{
		Kind: "event", RecordID: int64(e.ID), Status: e.Status, StatusNote: e.StatusNote, Version: e.Version,
		Citations: len(e.Citations), CSRF: csrfToken(c), From: from,
		EditBase:   fmt.Sprintf("/edit/events/%d", e.ID),
		ReviewBase: fmt.Sprintf("/review/events/%d", e.ID),
		EditURL:    editEventPath(e.ID),
		HistoryURL: components.EventHistoryPath(e.ID),
	}
	if u := currentUser(c); u != nil {
		v.Role = u.Role
	}
	return v
}

func (s *Server) estimateWorkflow(c echo.Context, x conflict.Estimate, from string) components.WorkflowView {
	v := components.WorkflowView{
		Kind: "estimate", RecordID: int64(x.ID), Status: x.Status, StatusNote: x.StatusNote, Version: x.Version,
		Citations: len(x.Citations), CSRF: csrfToken(c), From: from,
		EditBase:   fmt.Sprintf("/edit/estimates/%d", x.ID),
		ReviewBase: fmt.Sprintf("/review/estimates/%d", x.ID),
		EditURL:    editEstimatePath(x.ID),
		HistoryURL: components.EstimateHistoryPath(x.ID),
	}
	if u := currentUser(c); u != nil {
		v.Role = u.Role
	}
	return v
}

// workflowForm is what a workflow button posts.
type workflowForm struct {
	version int
	note    string
	from    string
	// withoutReview is an admin's explicit "publish without review".
	withoutReview bool
	// saved is set when the action follows a save of the edit form in the
	// same request ("Save and submit for review").
	saved bool
}

func readWorkflowForm(c echo.Context) (workflowForm, error) {
	vals, err := formValues(c)
	if err != nil {
		return workflowForm{}, err
	}
	f := workflowForm{note: strings.ReplaceAll(vals.Get("note"), "\r\n", "\n"), from: vals.Get("from"),
		withoutReview: vals.Get("without_review") != ""}
	if f.version, err = strconv.Atoi(vals.Get("version")); err != nil {
		return f, &conflict.Error{Code: conflict.Invalid, Message: "This form is damaged (it has no version): reload the page and try again."}
	}
	return f, nil
}

// actionDone words the flash after a review action.
func actionDone(a conflict.Action, kind string) string {
	switch a {
	case conflict.ActionSubmit:
		return "Submitted for review. A reviewer will publish it or send it back with a comment."
	case conflict.ActionPublish:
		return "Published: the " + kind + " is public now."
	case conflict.ActionReject:
		return "Returned to its author, who will see your comment on their desk."
	case conflict.ActionRetract:
		return "Retracted: the " + kind + " stays readable, labelled with your reason, and leaves the timelines."
	}
	return "Done."
}

// workflowErrors turns a refused review action into the messages the
// panel shows, or returns the error for the error page when it is not one
// the panel can explain (no such record, no account). A refusal by the
// two-person rule or by role is shown by the button, with its reason.
func workflowErrors(a conflict.Action, kind string, err error) (map[string]string, int, error) {
	if _, ok := editConflict[conflict.Event](err); ok {
		return map[string]string{"action": "This " + kind + " changed since you opened the page. Read the current version below, then try again."}, http.StatusConflict, nil
	}
	if _, ok := editConflict[conflict.Estimate](err); ok {
		return map[string]string{"action": "This " + kind + " changed since you opened the page. Read the current version below, then try again."}, http.StatusConflict, nil
	}
	if conflict.ErrorCode(err) == conflict.Forbidden {
		msg := "Nothing was changed: " + conflict.ErrorMessage(err)
		if a == conflict.ActionPublish && !strings.Contains(msg, "without review") {
			msg += " Only an admin may instead choose \"Publish without review\", which the history records."
		}
		return map[string]string{"action": msg}, http.StatusForbidden, nil
	}
	if conflict.ErrorCode(err) != conflict.Invalid {
		return nil, 0, err
	}
	fields := conflict.ErrorFields(err)
	if msg, ok := fields["note"]; ok {
		return map[string]string{string(a) + ".note": msg, "action": "Nothing was changed: see the message below."}, http.StatusUnprocessableEntity, nil
	}
	msg := conflict.ErrorMessage(err)
	if cite, ok := fields["citations"]; ok {
		msg += " " + cite
	}
	return map[string]string{"action": msg}, http.StatusUnprocessableEntity, nil
}

// eventStatus takes review action a on the event of the path.
func (s *Server) eventStatus(a conflict.Action) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c, "event")
		if err != nil {
			return err
		}
		f, err := readWorkflowForm(c)
		if err != nil {
			return err
		}
		return s.eventStatusChange(c, id, a, f)
	}
}

// eventStatusChange takes review action a on event id and answers: on to
// the next page, or the page the button was on with the reason it was
// refused.
func (s *Server) eventStatusChange(c echo.Context, id int64, a conflict.Action, f workflowForm) error {
	ctx := c.Request().Context()
	u := currentUser(c)
	ch := change(c, "")
	ch.WithoutReview = f.withoutReview
	e, err := s.db.SetEventStatus(ctx, conflict.EventID(id), a, f.note, f.version, u.Role, ch)
	if err != nil {
		errs, status, err := workflowErrors(a, "event", err)
		if err != nil {
			return err
		}
		if f.from == "review" {
			return s.renderReview(c, status, map[string]map[string]string{reviewKey("event", id): errs})
		}
		cur, err := s.db.FindEventByID(ctx, conflict.EventID(id))
		if err != nil {
			return err
		}
		v, err := s.eventEditView(c, &cur, form.EventFormOf(cur), "", nil)
		if err != nil {
			return err
		}
		refused(&v.EditPage, errs, f.saved)
		return s.render(c, status, pages.EventEdit(v))
	}
	s.log.Info("event status", "event_id", id, "action", string(a), "status", string(e.Status), "by", int64(u.ID))
	s.flash(c, doneText(a, "event", f.saved))
	return c.Redirect(http.StatusSeeOther, afterAction(f.from, e.Status, editEventPath(e.ID), components.EventPath(e.ID, e.Slug)))
}

// estimateStatus takes review action a on the estimate of the path.
func (s *Server) estimateStatus(a conflict.Action) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c, "estimate")
		if err != nil {
			return err
		}
		f, err := readWorkflowForm(c)
		if err != nil {
			return err
		}
		return s.estimateStatusChange(c, id, a, f)
	}
}

// estimateStatusChange is eventStatusChange for estimate id.
func (s *Server) estimateStatusChange(c echo.Context, id int64, a conflict.Action, f workflowForm) error {
	ctx := c.Request().Context()
	u := currentUser(c)
	ch := change(c, "")
	ch.WithoutReview = f.withoutReview
	x, err := s.db.SetEstimateStatus(ctx, conflict.EstimateID(id), a, f.note, f.version, u.Role, ch)
	if err != nil {
		errs, status, err := workflowErrors(a, "estimate", err)
		if err != nil {
			return err
		}
		if f.from == "review" {
			return s.renderReview(c, status, map[string]map[string]string{reviewKey("estimate", id): errs})
		}
		cur, err := s.db.FindEstimateByID(ctx, conflict.EstimateID(id))
		if err != nil {
			return err
		}
		v, err := s.estimateEditView(c, &cur, form.EstimateFormOf(cur), "", nil)
		if err != nil {
			return err
		}
		refused(&v.EditPage, errs, f.saved)
		return s.render(c, status, pages.EstimateEdit(v))
	}
	s.log.Info("estimate status", "estimate_id", id, "action", string(a), "status", string(x.Status), "by", int64(u.ID))
	s.flash(c, doneText(a, "estimate", f.saved))
	return c.Redirect(http.StatusSeeOther, afterAction(f.from, x.Status, editEstimatePath(x.ID), components.EstimatePath(x.ID)))
}

// doneText words the flash after a review action; saved says the edit
// form was saved first, in the same request.
func doneText(a conflict.Action, kind string, saved bool) string {
	if saved && a == conflict.ActionSubmit {
		return "Your changes are saved and submitted for review. A reviewer will publish them or send them back with a comment."
	}
	return actionDone(a, kind)
}

// refused puts the reason a review action was refused on the edit page:
// by the panel's button, or, when the edit form was saved first ("Save
// and submit for review"), by the form's buttons, saying that the changes
// themselves are kept.
func refused(p *pages.EditPage, errs map[string]string, saved bool) {
	if saved {
		p.SubmitProblem = "Your changes are saved, but they were not submitted for review. " + errs["action"]
		return
	}
	p.Workflow.Errors = errs
}

// afterAction is where a review action leads: back to the queue it came
// from, to the public page of a public record, else to its edit page.
func afterAction(from string, st conflict.Status, edit, record string) string {
	switch {
	case from == "review":
		return "/review"
	case st.Public():
		return record
	}
	return edit
}
