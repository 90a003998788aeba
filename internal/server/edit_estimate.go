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

// editEstimatePath is an estimate's edit page.
func editEstimatePath(id conflict.EstimateID) string { return fmt.Sprintf("/edit/estimates/%d", id) }

// estimateNew shows the empty estimate form, counting fighters unless the
// editor says otherwise.
func (s *Server) estimateNew(c echo.Context) error {
	f := form.ReadEstimate(nil, form.Action{})
	f.Unit = conflict.DefaultUnit
	if force := c.QueryParam("force"); force != "" && len(force) <= 200 {
		f.Force = force
	}
	return s.renderEstimateEdit(c, http.StatusOK, nil, f, "", nil)
}

// estimateEdit shows the form of a stored estimate.
func (s *Server) estimateEdit(c echo.Context) error {
	x, err := s.editedEstimate(c)
	if err != nil {
		return err
	}
	f := form.EstimateFormOf(x)
	p, err := s.redoEdit(c, conflict.EstimateRecord, int64(x.ID))
	if err != nil {
		return err
	}
	if mine, ok, err := redoRecord[conflict.Estimate](p); err != nil {
		return err
	} else if ok {
		f = form.EstimateFormOf(mine)
		f.Edit = redoForm(p, x.Version)
	}
	return s.renderEstimateEdit(c, http.StatusOK, &x, f, "", nil)
}

func (s *Server) editedEstimate(c echo.Context) (conflict.Estimate, error) {
	id, err := pathID(c, "estimate")
	if err != nil {
		return conflict.Estimate{}, err
	}
	return s.db.FindEstimateByID(c.Request().Context(), conflict.EstimateID(id))
}

// estimateCreate saves a new estimate as a draft.
func (s *Server) estimateCreate(c echo.Context) error { return s.estimateSave(c, nil) }

// estimateUpdate saves an edit of a stored estimate.
func (s *Server) estimateUpdate(c echo.Context) error {
	cur, err := s.editedEstimate(c)
	if err != nil {
		return err
	}
	return s.estimateSave(c, &cur)
}

func (s *Server) estimateSave(c echo.Context, cur *conflict.Estimate) error {
	sp := recordSpec[conflict.Estimate, form.EstimateForm]{
		cur: cur,
		reshow: func(vals url.Values, a form.Action) error {
			return s.renderEstimateEdit(c, http.StatusOK, cur, form.ReadEstimate(vals, a), "", nil)
		},
		parse: func(ctx context.Context, vals url.Values) (form.EstimateForm, error) {
			return form.ParseEstimate(ctx, vals, s.db)
		},
		parts: func(f *form.EstimateForm) (conflict.Estimate, *form.Edit, conflict.FieldErrors) {
			return f.Estimate, &f.Edit, f.Errors
		},
		create: func(ctx context.Context, x *conflict.Estimate, ch conflict.Change) error {
			x.Status = conflict.Draft
			return s.db.CreateEstimate(ctx, x, ch)
		},
		update: func(ctx context.Context, x *conflict.Estimate, base int, ch conflict.Change) (*conflict.PendingEdit, error) {
			x.ID = cur.ID
			return s.db.UpdateEstimate(ctx, x, base, ch)
		},
		render: func(status int, cur *conflict.Estimate, f form.EstimateForm, problem string, cv *pages.ConflictView) error {
			return s.renderEstimateEdit(c, status, cur, f, problem, cv)
		},
		version: func(x conflict.Estimate) int { return x.Version },
		changes: func(stored, mine conflict.Estimate) []diff.FieldChange {
			mine.ID, mine.Status, mine.StatusNote = stored.ID, stored.Status, stored.StatusNote
			return diff.Estimates(stored, mine)
		},
		saved: func(x conflict.Estimate, created bool) (string, string) {
			s.log.Info("estimate saved", "estimate_id", int64(x.ID), "version", x.Version, "by", int64(currentUser(c).ID))
			switch {
			case created:
				return "Saved as a draft. Submit it for review when it is ready.", editEstimatePath(x.ID)
			case x.Status.Public():
				return "Your changes are saved.", components.EstimatePath(x.ID)
			}
			return "Your changes are saved.", editEstimatePath(x.ID)
		},
		submit: func(x conflict.Estimate) error {
			s.log.Info("estimate saved", "estimate_id", int64(x.ID), "version", x.Version, "by", int64(currentUser(c).ID))
			return s.estimateStatusChange(c, int64(x.ID), conflict.ActionSubmit, workflowForm{version: x.Version, from: "edit", saved: true})
		},
	}
	if cur != nil {
		sp.status = cur.Status
	}
	return saveRecord(s, c, sp)
}

func (s *Server) renderEstimateEdit(c echo.Context, status int, cur *conflict.Estimate, f form.EstimateForm, problem string, cv *pages.ConflictView) error {
	v, err := s.estimateEditView(c, cur, f, problem, cv)
	if err != nil {
		return err
	}
	return s.render(c, status, pages.EstimateEdit(v))
}

func (s *Server) estimateEditView(c echo.Context, cur *conflict.Estimate, f form.EstimateForm, problem string, cv *pages.ConflictView) (pages.EstimateEditView, error) {
	title, action := "New estimate", "/edit/estimates/new"
	if cur != nil {
		title, action = "Edit: "+cur.Title(), editEstimatePath(cur.ID)
	}
	p, err := s.editPage(c, "estimate", title, action, cur == nil)
	if err != nil {
		return pages.EstimateEditView{}, err
	}
	p.Problem, p.Conflict, p.WithoutReview = problem, cv, f.WithoutReview
	if cur != nil {
		p.SummaryRequired = cur.Status.Public()
		p.HistoryURL = components.EstimateHistoryPath(cur.ID)
		if cur.Status.Public() {
			p.RecordURL = components.EstimatePath(cur.ID)
		}
		wf := s.estimateWorkflow(c, *cur, "edit")
		wf.EditURL = ""
		// A draft's form saves and submits in one action.
		wf.SubmitInForm = wf.CanSubmit()
		p.Workflow = &wf
		p.SaveAndSubmit = wf.SubmitInForm
		p.OfferWithoutReview = s.offerWithoutReview(c, cur.Status)
		if err := s.redoNotice(c, &p, conflict.EstimateRecord, int64(cur.ID), cur.Version); err != nil {
			return pages.EstimateEditView{}, err
		}
	}
	return pages.EstimateEditView{EditPage: p, Form: f}, nil
}
