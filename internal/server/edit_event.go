package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

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
	f := form.EventFormOf(e)
	p, err := s.redoEdit(c, conflict.EventRecord, int64(e.ID))
	if err != nil {
		return err
	}
	if mine, ok, err := redoRecord[conflict.Event](p); err != nil {
		return err
	} else if ok {
		f = form.EventFormOf(mine)
		f.Edit = redoForm(p, e.Version)
	}
	return s.renderEventEdit(c, http.StatusOK, &e, f, "", nil)
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
	sp := recordSpec[conflict.Event, form.EventForm]{
		cur: cur,
		reshow: func(vals url.Values, a form.Action) error {
			f := form.ReadEvent(vals, a)
			v, err := s.eventEditView(c, cur, f, "", nil)
			if err != nil {
				return err
			}
			if a.Name == "preview" {
				v.ShowPreview, v.Preview = true, s.md.Render(f.Body)
			}
			return s.render(c, http.StatusOK, pages.EventEdit(v))
		},
		parse: func(ctx context.Context, vals url.Values) (form.EventForm, error) {
			return form.ParseEvent(ctx, vals, s.db)
		},
		parts: func(f *form.EventForm) (conflict.Event, *form.Edit, conflict.FieldErrors) {
			return f.Event, &f.Edit, f.Errors
		},
		create: func(ctx context.Context, e *conflict.Event, ch conflict.Change) error {
			e.Status = conflict.Draft
			return s.db.CreateEvent(ctx, e, ch)
		},
		update: func(ctx context.Context, e *conflict.Event, base int, ch conflict.Change) (*conflict.PendingEdit, error) {
			e.ID = cur.ID
			return s.db.UpdateEvent(ctx, e, base, ch)
		},
		render: func(status int, cur *conflict.Event, f form.EventForm, problem string, cv *pages.ConflictView) error {
			return s.renderEventEdit(c, status, cur, f, problem, cv)
		},
		version: func(e conflict.Event) int { return e.Version },
		changes: func(stored, mine conflict.Event) []diff.FieldChange {
			// The form does not change the status: compare what it does.
			mine.ID, mine.Status, mine.StatusNote = stored.ID, stored.Status, stored.StatusNote
			return diff.Events(stored, mine)
		},
		saved: func(e conflict.Event, created bool) (string, string) {
			s.log.Info("event saved", "event_id", int64(e.ID), "version", e.Version, "by", int64(currentUser(c).ID))
			switch {
			case created:
				return "Saved as a draft. Submit it for review when it is ready.", editEventPath(e.ID)
			case e.Status.Public():
				return "Your changes are saved.", components.EventPath(e.ID, e.Slug)
			}
			return "Your changes are saved.", editEventPath(e.ID)
		},
		submit: func(e conflict.Event) error {
			s.log.Info("event saved", "event_id", int64(e.ID), "version", e.Version, "by", int64(currentUser(c).ID))
			return s.eventStatusChange(c, int64(e.ID), conflict.ActionSubmit, workflowForm{version: e.Version, from: "edit", saved: true})
		},
	}
	if cur != nil {
		sp.status = cur.Status
	}
	return saveRecord(s, c, sp)
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
	p.Problem, p.Conflict, p.WithoutReview = problem, cv, f.WithoutReview
	if cur != nil {
		p.SummaryRequired = cur.Status.Public()
		p.HistoryURL = components.EventHistoryPath(cur.ID)
		if cur.Status.Public() {
			p.RecordURL = components.EventPath(cur.ID, cur.Slug)
		}
		wf := s.eventWorkflow(c, *cur, "edit")
		wf.EditURL = ""
		// A draft's form saves and submits in one action.
		wf.SubmitInForm = wf.CanSubmit()
		p.Workflow = &wf
		p.SaveAndSubmit = wf.SubmitInForm
		p.OfferWithoutReview = s.offerWithoutReview(c, cur.Status)
		if err := s.redoNotice(c, &p, conflict.EventRecord, int64(cur.ID), cur.Version); err != nil {
			return pages.EventEditView{}, err
		}
	}
	return pages.EventEditView{EditPage: p, Form: f}, nil
}
