package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/web/components"
	"github.com/sitrep/sitrep/web/pages"
)

// claimantList is /claimants: every claimant readers see, by kind (with
// those no reader sees yet for signed-in editors).
func (s *Server) claimantList(c echo.Context) error {
	cs, err := s.db.FindClaimants(c.Request().Context(), "", currentUser(c) == nil, 1000)
	if err != nil {
		return err
	}
	v := pages.ClaimantsView{Base: s.base(c, "Claimants", "estimates"), Claimants: cs}
	return s.render(c, http.StatusOK, pages.Claimants(v))
}

// claimantByParam loads the claimant of the :id parameter. Readers see
// only claimants with a published estimate.
func (s *Server) claimantByParam(c echo.Context) (conflict.Claimant, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return conflict.Claimant{}, conflict.Errorf(conflict.NotFound, "No such claimant.")
	}
	cl, err := s.db.FindClaimantByID(c.Request().Context(), conflict.ClaimantID(id))
	if err != nil {
		return cl, err
	}
	if currentUser(c) != nil {
		return cl, nil
	}
	if cl.Estimates == 0 {
		return cl, conflict.Errorf(conflict.NotFound, "No such claimant.")
	}
	// An affiliation to an actor readers cannot see yet is left out.
	if a := cl.Affiliation; a != nil {
		actor, err := s.db.FindActorBySlug(c.Request().Context(), a.Slug)
		if err != nil && conflict.ErrorCode(err) != conflict.NotFound {
			return cl, err
		}
		if err != nil || actor.Status != conflict.Published {
			cl.Affiliation = nil
		}
	}
	return cl, nil
}

// claimantShow is /claimants/{id}.
func (s *Server) claimantShow(c echo.Context) error {
	cl, err := s.claimantByParam(c)
	if err != nil {
		return err
	}
	return s.renderClaimant(c, http.StatusOK, cl, nil, "")
}

func (s *Server) renderClaimant(c echo.Context, status int, cl conflict.Claimant, typed *pages.ClaimantForm, problem string) error {
	ctx := c.Request().Context()
	xs, err := s.db.FindEstimates(ctx, conflict.EstimateFilter{ClaimantID: cl.ID, NewestFirst: true, Limit: 20})
	if err != nil {
		return err
	}
	v := pages.ClaimantView{Base: s.base(c, cl.Name, "estimates"), Claimant: cl, Estimates: xs,
		Explorer: "/estimates?" + url.Values{"claimant": {cl.Name}}.Encode(), Problem: problem}
	if u := currentUser(c); u != nil {
		v.CanEdit = conflict.CanEditClaimant(u.Role) == nil
	}
	if typed != nil {
		v.Form = *typed
	} else {
		v.Form = pages.ClaimantForm{Type: string(cl.Type), Description: cl.Description, Version: cl.Version}
		if cl.Affiliation != nil {
			v.Form.Affiliation = cl.Affiliation.Name
		}
	}
	return s.render(c, status, pages.Claimant(v))
}

// claimantUpdate saves an editor's description of a claimant: its kind,
// the actor it belongs to, a description. A bad field re-renders the page
// with the message beside it and what was typed; nothing is stored.
func (s *Server) claimantUpdate(c echo.Context) error {
	ctx := c.Request().Context()
	cl, err := s.claimantByParam(c)
	if err != nil {
		return err
	}
	typed := pages.ClaimantForm{Type: strings.TrimSpace(c.FormValue("type")), Affiliation: strings.TrimSpace(c.FormValue("affiliation")),
		Description: c.FormValue("description"), Errors: conflict.FieldErrors{}}
	typed.Version, _ = strconv.Atoi(c.FormValue("version"))
	edit := cl
	edit.Type, edit.Description, edit.Affiliation = conflict.ClaimantType(typed.Type), typed.Description, nil
	if typed.Affiliation != "" {
		refs, err := s.db.FindActorsByName(ctx, typed.Affiliation)
		if err != nil {
			return err
		}
		if len(refs) == 0 {
			typed.Errors.Add("affiliation", "No actor is called “"+typed.Affiliation+"”; choose one from the list, or leave this empty.")
		} else {
			edit.Affiliation = &refs[0]
		}
	}
	if err := edit.Validate(); err != nil {
		for k, m := range conflict.ErrorFields(err) {
			typed.Errors.Add(k, m)
		}
	}
	if len(typed.Errors) > 0 {
		return s.renderClaimant(c, http.StatusUnprocessableEntity, cl, &typed, "The claimant was not saved: check the fields marked below.")
	}
	u := currentUser(c)
	err = s.db.UpdateClaimant(ctx, &edit, typed.Version, u.Role, u.ID)
	switch conflict.ErrorCode(err) {
	case "":
		s.log.Info("claimant saved", "claimant_id", int64(edit.ID), "by", int64(u.ID))
		s.flash(c, "The claimant is saved.")
		return c.Redirect(http.StatusSeeOther, components.ClaimantPath(edit.ID))
	case conflict.Invalid:
		for k, m := range conflict.ErrorFields(err) {
			typed.Errors.Add(k, m)
		}
		return s.renderClaimant(c, http.StatusUnprocessableEntity, cl, &typed, "The claimant was not saved: check the fields marked below.")
	case conflict.Conflict:
		return s.renderClaimant(c, http.StatusConflict, cl, nil, conflict.ErrorMessage(err))
	}
	return err
}

// relationLines words a record's links for a reviewer: "Revises #12
// Islamic State: as many as 10,000 fighters…".
func relationLines(rs []conflict.Relation) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		target := r.TargetTitle
		if target == "" {
			target = r.TargetExternalID
		}
		if r.Target != 0 {
			target = strings.TrimSpace("#" + strconv.FormatInt(r.Target, 10) + " " + target)
		}
		out[i] = r.Kind.Phrase(false) + " " + target
	}
	return out
}
