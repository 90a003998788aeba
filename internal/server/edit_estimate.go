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
	return s.renderEstimateEdit(c, http.StatusOK, &x, form.EstimateFormOf(x), "", nil)
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
	ctx := c.Request().Context()
	vals, err := formValues(c)
	if err != nil {
		return err
	}
	if a := form.ActionOf(vals); !a.Save() {
		return s.renderEstimateEdit(c, http.StatusOK, cur, form.ReadEstimate(vals, a), "", nil)
	}
	f, err := form.ParseEstimate(ctx, vals, s.db)
	if err != nil {
		return err
	}
	if cur != nil {
		if err := conflict.RequireSummary(cur.Status, f.Summary); err != nil {
			_ = saveFailed(err, f.Errors)
		}
	}
	if len(f.Errors) > 0 {
		return s.renderEstimateEdit(c, http.StatusUnprocessableEntity, cur, f, problemText, nil)
	}
	x := f.Estimate
	ch := change(c, f.Summary)
	var pending *conflict.PendingEdit
	if cur == nil {
		x.Status = conflict.Draft
		err = s.db.CreateEstimate(ctx, &x, ch)
	} else {
		x.ID = cur.ID
		pending, err = s.db.UpdateEstimate(ctx, &x, f.Version, ch)
	}
	if err != nil {
		if ec, ok := editConflict[conflict.Estimate](err); ok {
			mine := f.Estimate
			mine.ID, mine.Status, mine.StatusNote = ec.Current.ID, ec.Current.Status, ec.Current.StatusNote
			f.Version = ec.Current.Version
			return s.renderEstimateEdit(c, http.StatusConflict, &ec.Current, f, "", conflictView(ec.Latest, diff.Estimates(ec.Current, mine)))
		}
		if err := saveFailed(err, f.Errors); err != nil {
			return err
		}
		return s.renderEstimateEdit(c, http.StatusUnprocessableEntity, cur, f, problemText, nil)
	}
	if pending != nil {
		return s.pendingSaved(c)
	}
	s.log.Info("estimate saved", "estimate_id", int64(x.ID), "version", x.Version, "by", int64(currentUser(c).ID))
	if cur == nil {
		s.flash(c, "Saved as a draft. Submit it for review when it is ready.")
		return c.Redirect(http.StatusSeeOther, editEstimatePath(x.ID))
	}
	s.flash(c, "Your changes are saved.")
	if x.Status.Public() {
		return c.Redirect(http.StatusSeeOther, components.EstimatePath(x.ID))
	}
	return c.Redirect(http.StatusSeeOther, editEstimatePath(x.ID))
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
	p.Problem, p.Conflict = problem, cv
	if cur != nil {
		p.SummaryRequired = cur.Status.Public()
		p.HistoryURL = components.EstimateHistoryPath(cur.ID)
		if cur.Status.Public() {
			p.RecordURL = components.EstimatePath(cur.ID)
		}
		wf := s.estimateWorkflow(c, *cur, "edit")
		wf.EditURL = ""
		p.Workflow = &wf
	}
	return pages.EstimateEditView{EditPage: p, Form: f}, nil
}
