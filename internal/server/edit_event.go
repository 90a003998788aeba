package server

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/diff"
	"github.com/sitrep/sitrep/internal/form"
	"github.com/sitrep/sitrep/web/components"
	"github.com/sitrep/sitrep/web/pages"
)

// editEventPath is an event's edit page.
func editEventPath(id conflict.EventID) string { return fmt.Sprintf("/edit/events/%d", id) }

// eventNew shows the empty event form.
func (s *Server) eventNew(c echo.Context) error {
	f := form.ReadEvent(nil, form.Action{})
	return s.renderEventEdit(c, http.StatusOK, nil, f, "", nil)
}

// eventEdit shows the form of a stored event.
func (s *Server) eventEdit(c echo.Context) error {
	e, err := s.editedEvent(c)
	if err != nil {
		return err
	}
	return s.renderEventEdit(c, http.StatusOK, &e, form.EventFormOf(e), "", nil)
}

// editedEvent loads the event of the path, in any status.
func (s *Server) editedEvent(c echo.Context) (conflict.Event, error) {
	id, err := pathID(c, "event")
	if err != nil {
		return conflict.Event{}, err
	}
	return s.db.FindEventByID(c.Request().Context(), conflict.EventID(id))
}

// eventCreate saves a new event as a draft.
func (s *Server) eventCreate(c echo.Context) error {
	return s.eventSave(c, nil)
}

// eventUpdate saves an edit of a stored event.
func (s *Server) eventUpdate(c echo.Context) error {
	cur, err := s.editedEvent(c)
	if err != nil {
		return err
	}
	return s.eventSave(c, &cur)
}

func (s *Server) eventSave(c echo.Context, cur *conflict.Event) error {
	ctx := c.Request().Context()
	vals, err := formValues(c)
	if err != nil {
		return err
	}
	if a := form.ActionOf(vals); !a.Save() {
		f := form.ReadEvent(vals, a)
		v, err := s.eventEditView(c, cur, f, "", nil)
		if err != nil {
			return err
		}
		if a.Name == "preview" {
			v.ShowPreview, v.Preview = true, s.md.Render(f.Body)
		}
		return s.render(c, http.StatusOK, pages.EventEdit(v))
	}
	f, err := form.ParseEvent(ctx, vals, s.db)
	if err != nil {
		return err
	}
	if cur != nil {
		if err := conflict.RequireSummary(cur.Status, f.Summary); err != nil {
			_ = saveFailed(err, f.Errors)
		}
	}
	if len(f.Errors) > 0 {
		return s.renderEventEdit(c, http.StatusUnprocessableEntity, cur, f, problemText, nil)
	}
	e := f.Event
	ch := change(c, f.Summary)
	var pending *conflict.PendingEdit
	if cur == nil {
		e.Status = conflict.Draft
		err = s.db.CreateEvent(ctx, &e, ch)
	} else {
		e.ID = cur.ID
		pending, err = s.db.UpdateEvent(ctx, &e, f.Version, ch)
	}
	if err != nil {
		if ec, ok := editConflict[conflict.Event](err); ok {
			mine := f.Event
			mine.ID, mine.Status, mine.StatusNote = ec.Current.ID, ec.Current.Status, ec.Current.StatusNote
			f.Version = ec.Current.Version
			return s.renderEventEdit(c, http.StatusConflict, &ec.Current, f, "", conflictView(ec.Latest, diff.Events(ec.Current, mine)))
		}
		if err := saveFailed(err, f.Errors); err != nil {
			return err
		}
		return s.renderEventEdit(c, http.StatusUnprocessableEntity, cur, f, problemText, nil)
	}
	if pending != nil {
		return s.pendingSaved(c)
	}
	s.log.Info("event saved", "event_id", int64(e.ID), "version", e.Version, "by", int64(currentUser(c).ID))
	if cur == nil {
		s.flash(c, "Saved as a draft. Submit it for review when it is ready.")
		return c.Redirect(http.StatusSeeOther, editEventPath(e.ID))
	}
	s.flash(c, "Your changes are saved.")
	if e.Status.Public() {
		return c.Redirect(http.StatusSeeOther, components.EventPath(e.ID, e.Slug))
	}
	return c.Redirect(http.StatusSeeOther, editEventPath(e.ID))
}

func (s *Server) renderEventEdit(c echo.Context, status int, cur *conflict.Event, f form.EventForm, problem string, cv *pages.ConflictView) error {
	v, err := s.eventEditView(c, cur, f, problem, cv)
	if err != nil {
		return err
	}
	return s.render(c, status, pages.EventEdit(v))
}

// eventEditView builds the event form's page: cur is the stored event, nil
// for a new one.
func (s *Server) eventEditView(c echo.Context, cur *conflict.Event, f form.EventForm, problem string, cv *pages.ConflictView) (pages.EventEditView, error) {
	title, action := "New event", "/edit/events/new"
	if cur != nil {
		title, action = "Edit: "+cur.Title, editEventPath(cur.ID)
	}
	p, err := s.editPage(c, "event", title, action, cur == nil)
	if err != nil {
		return pages.EventEditView{}, err
	}
	p.Problem, p.Conflict = problem, cv
	if cur != nil {
		p.SummaryRequired = cur.Status.Public()
		p.HistoryURL = components.EventHistoryPath(cur.ID)
		if cur.Status.Public() {
			p.RecordURL = components.EventPath(cur.ID, cur.Slug)
		}
		wf := s.eventWorkflow(c, *cur, "edit")
		wf.EditURL = ""
		p.Workflow = &wf
	}
	return pages.EventEditView{EditPage: p, Form: f}, nil
}
