package server

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/form"
	"github.com/sitrep/sitrep/web/components"
	"github.com/sitrep/sitrep/web/pages"
)

// Actors, places, sources and timelines are reviewed as events are: an
// editor submits one under /edit/{kind}s/{id}/submit, a reviewer publishes
// or rejects it under /review/{kind}s/{id}/…, where an admin may also
// publish a draft directly. They are never retracted (see
// sqlite.setRecordStatus). The panel sits on each one's edit page.

// workflowRefusal holds a refused action's messages while the edit page
// is drawn again, for recordWorkflow to show.
const workflowRefusal = "workflow.refusal"

type refusal struct {
	errs map[string]string
	// saved is set when the form was saved first ("Save and submit").
	saved bool
}

// recordWorkflow puts the review panel of an actor, place, source or
// timeline (kind) on its edit page. A draft's form saves and submits in one
// action, as an event's does, so the panel then offers no submit of its own.
func (s *Server) recordWorkflow(c echo.Context, p *pages.EditPage, kind string, id int64, st conflict.Status, note string, version int) {
	v := &components.WorkflowView{
		Kind: kind, RecordID: id, Status: st, StatusNote: note, Version: version, Reference: true,
		CSRF: csrfToken(c), From: "edit",
		EditBase:   fmt.Sprintf("/edit/%ss/%d", kind, id),
		ReviewBase: fmt.Sprintf("/review/%ss/%d", kind, id),
	}
	if u := currentUser(c); u != nil {
		v.Role = u.Role
	}
	v.SubmitInForm = v.CanSubmit()
	p.Workflow, p.SaveAndSubmit = v, v.SubmitInForm
	if r, ok := c.Get(workflowRefusal).(refusal); ok {
		refused(p, r.errs, r.saved)
	}
}

// recordKind is one kind's part in its review actions: take the action,
// say where the record is now, and draw its edit page again.
type recordKind struct {
	kind string
	set  func(c echo.Context, id int64, a conflict.Action, f workflowForm, ch conflict.Change) (st conflict.Status, edit, page string, err error)
	// stale reports the kind's edit conflict.
	stale  func(err error) bool
	redraw func(c echo.Context, id int64, status int) error
}

func (s *Server) actorKind() recordKind {
	return recordKind{kind: "actor",
		set: func(c echo.Context, id int64, a conflict.Action, f workflowForm, ch conflict.Change) (conflict.Status, string, string, error) {
			r, err := s.db.SetActorStatus(c.Request().Context(), conflict.ActorID(id), a, f.note, f.version, ch.Role, ch)
			return r.Status, editActorPath(r.ID), components.ActorPath(r.Slug), err
		},
		stale: func(err error) bool { _, ok := editConflict[conflict.Actor](err); return ok },
		redraw: func(c echo.Context, id int64, status int) error {
			r, err := s.db.FindActorByID(c.Request().Context(), conflict.ActorID(id))
			if err != nil {
				return err
			}
			return s.renderActorEdit(c, status, &r, form.ActorFormOf(r), "", nil)
		},
	}
}

func (s *Server) placeKind() recordKind {
	return recordKind{kind: "place",
		set: func(c echo.Context, id int64, a conflict.Action, f workflowForm, ch conflict.Change) (conflict.Status, string, string, error) {
			r, err := s.db.SetPlaceStatus(c.Request().Context(), conflict.PlaceID(id), a, f.note, f.version, ch.Role, ch)
			return r.Status, editPlacePath(r.ID), components.PlacePath(r.Slug), err
		},
		stale: func(err error) bool { _, ok := editConflict[conflict.Place](err); return ok },
		redraw: func(c echo.Context, id int64, status int) error {
			r, err := s.db.FindPlaceByID(c.Request().Context(), conflict.PlaceID(id))
			if err != nil {
				return err
			}
			return s.renderPlaceEdit(c, status, &r, form.PlaceFormOf(r), "", nil)
		},
	}
}

func (s *Server) sourceKind() recordKind {
	return recordKind{kind: "source",
		set: func(c echo.Context, id int64, a conflict.Action, f workflowForm, ch conflict.Change) (conflict.Status, string, string, error) {
			r, err := s.db.SetSourceStatus(c.Request().Context(), conflict.SourceID(id), a, f.note, f.version, ch.Role, ch)
			return r.Status, editSourcePath(r.ID), components.SourcePath(r.ID), err
		},
		stale: func(err error) bool { _, ok := editConflict[conflict.Source](err); return ok },
		redraw: func(c echo.Context, id int64, status int) error {
			r, err := s.db.FindSourceByID(c.Request().Context(), conflict.SourceID(id))
			if err != nil {
				return err
			}
			return s.renderSourceEdit(c, status, &r, form.SourceFormOf(r), "", nil)
		},
	}
}

func (s *Server) timelineKind() recordKind {
	return recordKind{kind: "timeline",
		set: func(c echo.Context, id int64, a conflict.Action, f workflowForm, ch conflict.Change) (conflict.Status, string, string, error) {
			r, err := s.db.SetTimelineStatus(c.Request().Context(), conflict.TimelineID(id), a, f.note, f.version, ch.Role, ch)
			return r.Status, editTimelinePath(r.ID), components.TimelinePath(r.Slug), err
		},
		stale: func(err error) bool { _, ok := editConflict[conflict.Timeline](err); return ok },
		redraw: func(c echo.Context, id int64, status int) error {
			r, err := s.db.FindTimelineByID(c.Request().Context(), conflict.TimelineID(id))
			if err != nil {
				return err
			}
			f, err := s.timelineForm(c, r)
			if err != nil {
				return err
			}
			return s.renderTimelineEdit(c, status, &r, f, "", nil)
		},
	}
}

func (s *Server) actorStatus(a conflict.Action) echo.HandlerFunc {
	return s.recordStatus(a, s.actorKind())
}
func (s *Server) placeStatus(a conflict.Action) echo.HandlerFunc {
	return s.recordStatus(a, s.placeKind())
}
func (s *Server) sourceStatus(a conflict.Action) echo.HandlerFunc {
	return s.recordStatus(a, s.sourceKind())
}
func (s *Server) timelineStatus(a conflict.Action) echo.HandlerFunc {
	return s.recordStatus(a, s.timelineKind())
}

// recordStatus takes review action a on the record of the path, as
// eventStatus does for events.
func (s *Server) recordStatus(a conflict.Action, k recordKind) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c, k.kind)
		if err != nil {
			return err
		}
		f, err := readWorkflowForm(c)
		if err != nil {
			return err
		}
		return s.recordStatusChange(c, k, id, a, f)
	}
}

// recordSubmitSaved submits the record its form has just saved ("Save and
// submit for review").
func (s *Server) recordSubmitSaved(c echo.Context, k recordKind, id int64, version int) error {
	return s.recordStatusChange(c, k, id, conflict.ActionSubmit, workflowForm{version: version, from: "edit", saved: true})
}

// recordStatusChange takes review action a on record id of kind k and
// answers: on to the next page, or the page the button was on with the
// reason it was refused.
func (s *Server) recordStatusChange(c echo.Context, k recordKind, id int64, a conflict.Action, f workflowForm) error {
	ch := change(c, "")
	// An admin's explicit "publish without review", recorded as such.
	ch.WithoutReview = f.withoutReview
	st, edit, page, err := k.set(c, id, a, f, ch)
	if err != nil {
		var errs map[string]string
		status := http.StatusConflict
		if k.stale(err) {
			errs = map[string]string{"action": "This " + k.kind + " changed since you opened the page. Read the current version below, then try again."}
		} else if errs, status, err = workflowErrors(a, k.kind, err); err != nil {
			return err
		}
		if f.from == "review" {
			return s.renderReview(c, status, map[string]map[string]string{reviewKey(k.kind, id): errs})
		}
		c.Set(workflowRefusal, refusal{errs: errs, saved: f.saved})
		return k.redraw(c, id, status)
	}
	s.log.Info(k.kind+" status", "id", id, "action", string(a), "status", string(st), "by", int64(currentUser(c).ID))
	s.flash(c, doneText(a, k.kind, f.saved))
	return c.Redirect(http.StatusSeeOther, afterAction(f.from, st, edit, page))
}

// hiddenFromReader reports whether a record in status st is kept from
// this request: one not published yet is for signed-in users only, who
// see it labelled (recordTools). Such a page is never cached: requests
// with a cookie bypass the caches (cacheSkipper).
func hiddenFromReader(c echo.Context, st conflict.Status) bool {
	return !st.Public() && currentUser(c) == nil
}

// recordTools is editTools with, on a record readers do not see yet, its
// status and a word on who sees it.
func (s *Server) recordTools(c echo.Context, st conflict.Status, url, label string) templ.Component {
	tools := s.editTools(c, url, label)
	if st.Public() || tools == nil {
		return tools
	}
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		if _, err := io.WriteString(w, `<p class="notice" role="note" data-testid="draft-notice">`); err != nil {
			return err
		}
		if err := components.StatusBadge(st).Render(ctx, w); err != nil {
			return err
		}
		if _, err := io.WriteString(w, ` Only signed-in users see this page until a reviewer publishes it.</p>`); err != nil {
			return err
		}
		return tools.Render(ctx, w)
	})
}
