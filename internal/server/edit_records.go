package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/diff"
	"github.com/sitrep/sitrep/internal/form"
	"github.com/sitrep/sitrep/web/components"
	"github.com/sitrep/sitrep/web/pages"
)

// The forms of sources, actors, places and timelines: records without a
// review workflow, saved as they are, each with a revision.

// prefillName is the name a "create it first" link carries to a new
// record's form.
func prefillName(c echo.Context) string {
	n := strings.TrimSpace(c.QueryParam("name"))
	if len([]rune(n)) > conflict.MaxNameLen {
		return ""
	}
	return n
}

// ---- Sources ----

func editSourcePath(id conflict.SourceID) string { return fmt.Sprintf("/edit/sources/%d", id) }

func (s *Server) sourceNew(c echo.Context) error {
	f := form.SourceForm{Errors: conflict.FieldErrors{}, Title: prefillName(c)}
	return s.renderSourceEdit(c, http.StatusOK, nil, f, "", nil)
}

func (s *Server) sourceEdit(c echo.Context) error {
	src, err := s.editedSource(c)
	if err != nil {
		return err
	}
	f := form.SourceFormOf(src)
	pe, err := s.redoEdit(c, conflict.SourceRecord, int64(src.ID))
	if err != nil {
		return err
	}
	if mine, ok, err := redoRecord[conflict.Source](pe); err != nil {
		return err
	} else if ok {
		f = form.SourceFormOf(mine)
		f.Edit = redoForm(pe, src.Version)
	}
	return s.renderSourceEdit(c, http.StatusOK, &src, f, "", nil)
}

func (s *Server) editedSource(c echo.Context) (conflict.Source, error) {
	id, err := pathID(c, "source")
	if err != nil {
		return conflict.Source{}, err
	}
	return s.db.FindSourceByID(c.Request().Context(), conflict.SourceID(id))
}

func (s *Server) sourceCreate(c echo.Context) error { return s.sourceSave(c, nil) }

func (s *Server) sourceUpdate(c echo.Context) error {
	cur, err := s.editedSource(c)
	if err != nil {
		return err
	}
	return s.sourceSave(c, &cur)
}

func (s *Server) sourceSave(c echo.Context, cur *conflict.Source) error {
	// A public record's history owes readers the reason for every change.
	var status conflict.Status
	if cur != nil {
		status = cur.Status
	}
	return saveRecord(s, c, recordSpec[conflict.Source, form.SourceForm]{
		cur:    cur,
		status: status,
		parse: func(_ context.Context, vals url.Values) (form.SourceForm, error) {
			return form.ParseSource(vals), nil
		},
		parts: func(f *form.SourceForm) (conflict.Source, *form.Edit, conflict.FieldErrors) {
			return f.Source, &f.Edit, f.Errors
		},
		create: s.db.CreateSource,
		update: func(ctx context.Context, src *conflict.Source, base int, ch conflict.Change) (*conflict.PendingEdit, error) {
			src.ID = cur.ID
			return s.db.UpdateSource(ctx, src, base, ch)
		},
		render: func(status int, cur *conflict.Source, f form.SourceForm, problem string, cv *pages.ConflictView) error {
			return s.renderSourceEdit(c, status, cur, f, problem, cv)
		},
		version: func(src conflict.Source) int { return src.Version },
		changes: diff.Sources,
		saved: func(src conflict.Source, _ bool) (string, string) {
			return "The source is saved.", components.SourcePath(src.ID)
		},
		submit: func(r conflict.Source) error {
			return s.recordSubmitSaved(c, s.sourceKind(), int64(r.ID), r.Version)
		},
	})
}

func (s *Server) renderSourceEdit(c echo.Context, status int, cur *conflict.Source, f form.SourceForm, problem string, cv *pages.ConflictView) error {
	title, action := "New source", "/edit/sources/new"
	if cur != nil {
		title, action = "Edit: "+cur.Title, editSourcePath(cur.ID)
	}
	p, err := s.editPage(c, "source", title, action, cur == nil)
	if err != nil {
		return err
	}
	p.Problem, p.Conflict, p.WithoutReview = problem, cv, f.WithoutReview
	if cur != nil {
		p.OfferWithoutReview = s.offerWithoutReview(c, cur.Status)
	}
	if cur != nil {
		p.RecordURL = components.SourcePath(cur.ID)
		s.recordWorkflow(c, &p, "source", int64(cur.ID), cur.Status, cur.StatusNote, cur.Version)
		if err := s.redoNotice(c, &p, conflict.SourceRecord, int64(cur.ID), cur.Version); err != nil {
			return err
		}
	}
	return s.render(c, status, pages.SourceEdit(pages.SourceEditView{EditPage: p, Form: f}))
}

// ---- Actors ----

func editActorPath(id conflict.ActorID) string { return fmt.Sprintf("/edit/actors/%d", id) }

func (s *Server) actorNew(c echo.Context) error {
	f := form.ActorForm{Name: prefillName(c), Errors: conflict.FieldErrors{}}
	return s.renderActorEdit(c, http.StatusOK, nil, f, "", nil)
}

func (s *Server) actorEdit(c echo.Context) error {
	a, err := s.editedActor(c)
	if err != nil {
		return err
	}
	f := form.ActorFormOf(a)
	pe, err := s.redoEdit(c, conflict.ActorRecord, int64(a.ID))
	if err != nil {
		return err
	}
	if mine, ok, err := redoRecord[conflict.Actor](pe); err != nil {
		return err
	} else if ok {
		f = form.ActorFormOf(mine)
		f.Edit = redoForm(pe, a.Version)
	}
	return s.renderActorEdit(c, http.StatusOK, &a, f, "", nil)
}

func (s *Server) editedActor(c echo.Context) (conflict.Actor, error) {
	id, err := pathID(c, "actor")
	if err != nil {
		return conflict.Actor{}, err
	}
	return s.db.FindActorByID(c.Request().Context(), conflict.ActorID(id))
}

func (s *Server) actorCreate(c echo.Context) error { return s.actorSave(c, nil) }

func (s *Server) actorUpdate(c echo.Context) error {
	cur, err := s.editedActor(c)
	if err != nil {
		return err
	}
	return s.actorSave(c, &cur)
}

func (s *Server) actorSave(c echo.Context, cur *conflict.Actor) error {
	// A public record's history owes readers the reason for every change.
	var status conflict.Status
	if cur != nil {
		status = cur.Status
	}
	return saveRecord(s, c, recordSpec[conflict.Actor, form.ActorForm]{
		cur:    cur,
		status: status,
		parse: func(ctx context.Context, vals url.Values) (form.ActorForm, error) {
			return form.ParseActor(ctx, vals, s.db)
		},
		parts: func(f *form.ActorForm) (conflict.Actor, *form.Edit, conflict.FieldErrors) {
			return f.Actor, &f.Edit, f.Errors
		},
		create: s.db.CreateActor,
		update: func(ctx context.Context, a *conflict.Actor, base int, ch conflict.Change) (*conflict.PendingEdit, error) {
			// The slug stays, so links to the actor survive a renaming.
			a.ID, a.Slug = cur.ID, cur.Slug
			return s.db.UpdateActor(ctx, a, base, ch)
		},
		render: func(status int, cur *conflict.Actor, f form.ActorForm, problem string, cv *pages.ConflictView) error {
			return s.renderActorEdit(c, status, cur, f, problem, cv)
		},
		version: func(a conflict.Actor) int { return a.Version },
		changes: diff.Actors,
		saved: func(a conflict.Actor, _ bool) (string, string) {
			return "The actor is saved.", components.ActorPath(a.Slug)
		},
		submit: func(r conflict.Actor) error {
			return s.recordSubmitSaved(c, s.actorKind(), int64(r.ID), r.Version)
		},
	})
}

func (s *Server) renderActorEdit(c echo.Context, status int, cur *conflict.Actor, f form.ActorForm, problem string, cv *pages.ConflictView) error {
	title, action := "New actor", "/edit/actors/new"
	if cur != nil {
		title, action = "Edit: "+cur.Name, editActorPath(cur.ID)
	}
	p, err := s.editPage(c, "actor", title, action, cur == nil)
	if err != nil {
		return err
	}
	p.Problem, p.Conflict, p.WithoutReview = problem, cv, f.WithoutReview
	if cur != nil {
		p.OfferWithoutReview = s.offerWithoutReview(c, cur.Status)
	}
	if cur != nil {
		p.RecordURL = components.ActorPath(cur.Slug)
		s.recordWorkflow(c, &p, "actor", int64(cur.ID), cur.Status, cur.StatusNote, cur.Version)
		if err := s.redoNotice(c, &p, conflict.ActorRecord, int64(cur.ID), cur.Version); err != nil {
			return err
		}
	}
	return s.render(c, status, pages.ActorEdit(pages.ActorEditView{EditPage: p, Form: f}))
}

// ---- Places ----

func editPlacePath(id conflict.PlaceID) string { return fmt.Sprintf("/edit/places/%d", id) }

func (s *Server) placeNew(c echo.Context) error {
	f := form.PlaceForm{Name: prefillName(c), Errors: conflict.FieldErrors{}}
	return s.renderPlaceEdit(c, http.StatusOK, nil, f, "", nil)
}

func (s *Server) placeEdit(c echo.Context) error {
	p, err := s.editedPlace(c)
	if err != nil {
		return err
	}
	f := form.PlaceFormOf(p)
	pe, err := s.redoEdit(c, conflict.PlaceRecord, int64(p.ID))
	if err != nil {
		return err
	}
	if mine, ok, err := redoRecord[conflict.Place](pe); err != nil {
		return err
	} else if ok {
		f = form.PlaceFormOf(mine)
		f.Edit = redoForm(pe, p.Version)
	}
	return s.renderPlaceEdit(c, http.StatusOK, &p, f, "", nil)
}

func (s *Server) editedPlace(c echo.Context) (conflict.Place, error) {
	id, err := pathID(c, "place")
	if err != nil {
		return conflict.Place{}, err
	}
	return s.db.FindPlaceByID(c.Request().Context(), conflict.PlaceID(id))
}

func (s *Server) placeCreate(c echo.Context) error { return s.placeSave(c, nil) }

func (s *Server) placeUpdate(c echo.Context) error {
	cur, err := s.editedPlace(c)
	if err != nil {
		return err
	}
	return s.placeSave(c, &cur)
}

func (s *Server) placeSave(c echo.Context, cur *conflict.Place) error {
	// A public record's history owes readers the reason for every change.
	var status conflict.Status
	if cur != nil {
		status = cur.Status
	}
	return saveRecord(s, c, recordSpec[conflict.Place, form.PlaceForm]{
		cur:    cur,
		status: status,
		parse: func(ctx context.Context, vals url.Values) (form.PlaceForm, error) {
			return form.ParsePlace(ctx, vals, s.db)
		},
		parts: func(f *form.PlaceForm) (conflict.Place, *form.Edit, conflict.FieldErrors) {
			return f.Place, &f.Edit, f.Errors
		},
		create: s.db.CreatePlace,
		update: func(ctx context.Context, p *conflict.Place, base int, ch conflict.Change) (*conflict.PendingEdit, error) {
			p.ID, p.Slug = cur.ID, cur.Slug
			return s.db.UpdatePlace(ctx, p, base, ch)
		},
		render: func(status int, cur *conflict.Place, f form.PlaceForm, problem string, cv *pages.ConflictView) error {
			return s.renderPlaceEdit(c, status, cur, f, problem, cv)
		},
		version: func(p conflict.Place) int { return p.Version },
		changes: diff.Places,
		saved: func(p conflict.Place, _ bool) (string, string) {
			return "The place is saved.", components.PlacePath(p.Slug)
		},
		submit: func(r conflict.Place) error {
			return s.recordSubmitSaved(c, s.placeKind(), int64(r.ID), r.Version)
		},
	})
}

func (s *Server) renderPlaceEdit(c echo.Context, status int, cur *conflict.Place, f form.PlaceForm, problem string, cv *pages.ConflictView) error {
	title, action := "New place", "/edit/places/new"
	if cur != nil {
		title, action = "Edit: "+cur.Name, editPlacePath(cur.ID)
	}
	p, err := s.editPage(c, "place", title, action, cur == nil)
	if err != nil {
		return err
	}
	p.Problem, p.Conflict, p.WithoutReview = problem, cv, f.WithoutReview
	if cur != nil {
		p.OfferWithoutReview = s.offerWithoutReview(c, cur.Status)
	}
	if cur != nil {
		p.RecordURL = components.PlacePath(cur.Slug)
		s.recordWorkflow(c, &p, "place", int64(cur.ID), cur.Status, cur.StatusNote, cur.Version)
		if err := s.redoNotice(c, &p, conflict.PlaceRecord, int64(cur.ID), cur.Version); err != nil {
			return err
		}
	}
	return s.render(c, status, pages.PlaceEdit(pages.PlaceEditView{EditPage: p, Form: f}))
}

// ---- Timelines ----

func editTimelinePath(id conflict.TimelineID) string { return fmt.Sprintf("/edit/timelines/%d", id) }

func (s *Server) timelineNew(c echo.Context) error {
	f := form.TimelineForm{Title: prefillName(c), Errors: conflict.FieldErrors{}}
	return s.renderTimelineEdit(c, http.StatusOK, nil, f, "", nil)
}

func (s *Server) timelineEdit(c echo.Context) error {
	t, err := s.editedTimeline(c)
	if err != nil {
		return err
	}
	shown := t
	pe, err := s.redoEdit(c, conflict.TimelineRecord, int64(t.ID))
	if err != nil {
		return err
	}
	mine, ok, err := redoRecord[conflict.Timeline](pe)
	if err != nil {
		return err
	}
	if ok {
		shown = mine
	}
	f, err := s.timelineForm(c, shown)
	if err != nil {
		return err
	}
	if ok {
		f.Edit = redoForm(pe, t.Version)
	}
	return s.renderTimelineEdit(c, http.StatusOK, &t, f, "", nil)
}

// timelineForm fills the form from a stored timeline, naming the actors
// and places of its filter.
func (s *Server) timelineForm(c echo.Context, t conflict.Timeline) (form.TimelineForm, error) {
	ctx := c.Request().Context()
	var actors []conflict.ActorRef
	for _, id := range t.Filter.Actors {
		a, err := s.db.FindActorByID(ctx, id)
		if err != nil {
			return form.TimelineForm{}, err
		}
		actors = append(actors, a.Ref())
	}
	var places []conflict.PlaceRef
	for _, id := range t.Filter.Places {
		p, err := s.db.FindPlaceByID(ctx, id)
		if err != nil {
			return form.TimelineForm{}, err
		}
		places = append(places, p.Ref())
	}
	return form.TimelineFormOf(t, actors, places), nil
}

func (s *Server) editedTimeline(c echo.Context) (conflict.Timeline, error) {
	id, err := pathID(c, "timeline")
	if err != nil {
		return conflict.Timeline{}, err
	}
	return s.db.FindTimelineByID(c.Request().Context(), conflict.TimelineID(id))
}

func (s *Server) timelineCreate(c echo.Context) error { return s.timelineSave(c, nil) }

func (s *Server) timelineUpdate(c echo.Context) error {
	cur, err := s.editedTimeline(c)
	if err != nil {
		return err
	}
	return s.timelineSave(c, &cur)
}

func (s *Server) timelineSave(c echo.Context, cur *conflict.Timeline) error {
	sp := recordSpec[conflict.Timeline, form.TimelineForm]{
		cur: cur,
		parse: func(ctx context.Context, vals url.Values) (form.TimelineForm, error) {
			return form.ParseTimeline(ctx, vals, s.db)
		},
		parts: func(f *form.TimelineForm) (conflict.Timeline, *form.Edit, conflict.FieldErrors) {
			return f.Timeline, &f.Edit, f.Errors
		},
		create: s.db.CreateTimeline,
		update: func(ctx context.Context, t *conflict.Timeline, base int, ch conflict.Change) (*conflict.PendingEdit, error) {
			t.ID = cur.ID
			return s.db.UpdateTimeline(ctx, t, base, ch)
		},
		render: func(status int, cur *conflict.Timeline, f form.TimelineForm, problem string, cv *pages.ConflictView) error {
			return s.renderTimelineEdit(c, status, cur, f, problem, cv)
		},
		version: func(t conflict.Timeline) int { return t.Version },
		changes: diff.Timelines,
		saved: func(t conflict.Timeline, _ bool) (string, string) {
			if t.Status.Public() {
				return "The timeline is saved.", components.TimelinePath(t.Slug)
			}
			return "The timeline is saved as a draft: readers and embeds see it once a reviewer publishes it. Submit it for review below.", editTimelinePath(t.ID)
		},
		submit: func(r conflict.Timeline) error {
			return s.recordSubmitSaved(c, s.timelineKind(), int64(r.ID), r.Version)
		},
	}
	if cur != nil {
		// A published timeline is public and embedded: every change to it
		// says why, as for a published event.
		sp.status = cur.Status
	}
	return saveRecord(s, c, sp)
}

func (s *Server) renderTimelineEdit(c echo.Context, status int, cur *conflict.Timeline, f form.TimelineForm, problem string, cv *pages.ConflictView) error {
	title, action := "New timeline", "/edit/timelines/new"
	if cur != nil {
		title, action = "Edit: "+cur.Title, editTimelinePath(cur.ID)
	}
	p, err := s.editPage(c, "timeline", title, action, cur == nil)
	if err != nil {
		return err
	}
	p.Problem, p.Conflict, p.WithoutReview = problem, cv, f.WithoutReview
	if cur != nil {
		p.OfferWithoutReview = s.offerWithoutReview(c, cur.Status)
	}
	if cur != nil {
		p.SummaryRequired = cur.Status.Public()
		p.RecordURL = components.TimelinePath(cur.Slug)
		s.recordWorkflow(c, &p, "timeline", int64(cur.ID), cur.Status, cur.StatusNote, cur.Version)
		if err := s.redoNotice(c, &p, conflict.TimelineRecord, int64(cur.ID), cur.Version); err != nil {
			return err
		}
	}
	return s.render(c, status, pages.TimelineEdit(pages.TimelineEditView{EditPage: p, Form: f}))
}
