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
		v.Proposes = !s.db.ReviewRule().ClaimantChangeGoesLive(cl.Estimates > 0, u.Role, u.ID)
		// A proposal is work in progress: readers never see it.
		if v.Proposal, err = s.db.FindClaimantProposal(ctx, cl.ID); err != nil {
			return err
		}
		if p := v.Proposal; p != nil {
			v.Changes = p.Changes(cl)
			err := conflict.CheckClaimantDecision(u.Role, u.ID, *p)
			v.CanDecide = err == nil
			if p.ProposedBy == u.ID {
				v.DecideNote = "You proposed this change, so another reviewer accepts or rejects it. Saving the form below replaces your proposal."
			} else if !v.CanDecide {
				v.DecideNote = "A reviewer or an admin accepts or rejects it."
			}
		}
	}
	if typed != nil {
		v.Form = *typed
	} else {
		// The proposer's form starts from their proposal, which saving it
		// replaces; anyone else's from the claimant as it is.
		from, summary := cl, ""
		if p := v.Proposal; p != nil && currentUser(c) != nil && p.ProposedBy == currentUser(c).ID {
			from, summary = p.Proposed, p.Summary
		}
		v.Form = pages.ClaimantForm{Type: string(from.Type), Description: from.Description, Summary: summary, Version: cl.Version}
		if from.Affiliation != nil {
			v.Form.Affiliation = from.Affiliation.Name
		}
	}
	return s.render(c, status, pages.Claimant(v))
}

// claimantUpdate saves a change to a claimant: its kind, the actor it
// belongs to, a description. A change to a claimant readers see is stored
// as a proposal for a second person (conflict.ClaimantChangeGoesLive). A
// bad field re-renders the page with the message beside it and what was
// typed; nothing is stored.
func (s *Server) claimantUpdate(c echo.Context) error {
	ctx := c.Request().Context()
	cl, err := s.claimantByParam(c)
	if err != nil {
		return err
	}
	typed := pages.ClaimantForm{Type: strings.TrimSpace(c.FormValue("type")), Affiliation: strings.TrimSpace(c.FormValue("affiliation")),
		Description: c.FormValue("description"), Summary: c.FormValue("summary"), Errors: conflict.FieldErrors{}}
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
	if len([]rune(strings.TrimSpace(typed.Summary))) > 500 {
		typed.Errors.Add("summary", "Why this change is at most 500 characters.")
	}
	if len(typed.Errors) > 0 {
		return s.renderClaimant(c, http.StatusUnprocessableEntity, cl, &typed, "The claimant was not saved: check the fields marked below.")
	}
	u := currentUser(c)
	// Another person's open proposal is named before anything is tried,
	// with what was typed kept; the store checks again as it writes.
	if open, err := s.db.FindClaimantProposal(ctx, cl.ID); err != nil {
		return err
	} else if cl.Estimates > 0 && !s.db.ReviewRule().ClaimantChangeGoesLive(true, u.Role, u.ID) {
		if err := conflict.CheckClaimantProposer(open, cl, u.ID); err != nil {
			return s.renderClaimant(c, http.StatusConflict, cl, &typed, conflict.ErrorMessage(err))
		}
	}
	proposed, err := s.db.ChangeClaimant(ctx, &edit, typed.Version, typed.Summary, u.Role, u.ID)
	switch conflict.ErrorCode(err) {
	case "":
		if proposed {
			s.log.Info("claimant change proposed", "claimant_id", int64(edit.ID), "by", int64(u.ID))
			s.flash(c, "Your change is proposed. Readers see the claimant as it was until another reviewer accepts it.")
		} else {
			s.log.Info("claimant saved", "claimant_id", int64(edit.ID), "by", int64(u.ID))
			s.flash(c, "The claimant is saved.")
		}
		return c.Redirect(http.StatusSeeOther, components.ClaimantPath(edit.ID))
	case conflict.Invalid:
		for k, m := range conflict.ErrorFields(err) {
			typed.Errors.Add(k, m)
		}
		return s.renderClaimant(c, http.StatusUnprocessableEntity, cl, &typed, "The claimant was not saved: check the fields marked below.")
	case conflict.Conflict:
		return s.renderClaimant(c, http.StatusConflict, cl, nil, conflict.ErrorMessage(err))
	case conflict.Forbidden:
		return s.renderClaimant(c, http.StatusForbidden, cl, &typed, conflict.ErrorMessage(err))
	}
	return err
}

// claimantDecide accepts or rejects a claimant's open proposal, as a
// reviewer or admin who did not propose it. The form names the proposal
// it was shown, so a proposal replaced meanwhile is never decided unseen.
// A refusal is shown on the claimant's page.
func (s *Server) claimantDecide(accept bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		cl, err := s.claimantByParam(c)
		if err != nil {
			return err
		}
		pid, _ := strconv.ParseInt(c.FormValue("proposal"), 10, 64)
		u := currentUser(c)
		if accept {
			_, err = s.db.AcceptClaimantProposal(ctx, cl.ID, conflict.ClaimantProposalID(pid), u.Role, u.ID)
		} else {
			err = s.db.RejectClaimantProposal(ctx, cl.ID, conflict.ClaimantProposalID(pid), u.Role, u.ID)
		}
		status := http.StatusConflict
		switch conflict.ErrorCode(err) {
		case "":
			verb := "rejected; the claimant is unchanged"
			if accept {
				verb = "accepted; readers now see it"
			}
			s.log.Info("claimant proposal decided", "claimant_id", int64(cl.ID), "proposal", pid, "accepted", accept, "by", int64(u.ID))
			s.flash(c, "The proposed change is "+verb+".")
			return c.Redirect(http.StatusSeeOther, components.ClaimantPath(cl.ID))
		case conflict.Forbidden:
			status = http.StatusForbidden
		case conflict.NotFound, conflict.Conflict, conflict.Invalid:
		default:
			return err
		}
		fresh, ferr := s.db.FindClaimantByID(ctx, cl.ID)
		if ferr != nil {
			return ferr
		}
		return s.renderClaimant(c, status, fresh, nil, conflict.ErrorMessage(err))
	}
}

// claimantProposalRows are the open proposed changes for the review queue.
func (s *Server) claimantProposalRows(c echo.Context) ([]pages.ClaimantProposalRow, error) {
	items, err := s.db.FindClaimantProposals(c.Request().Context(), 200)
	if err != nil {
		return nil, err
	}
	rows := make([]pages.ClaimantProposalRow, len(items))
	for i, it := range items {
		rows[i] = pages.ClaimantProposalRow{ClaimantID: it.Current.ID, Name: it.Current.Name, Proposer: it.Proposal.ProposerName,
			Changes: it.Proposal.Describe(it.Current), At: it.Proposal.CreatedAt}
	}
	return rows, nil
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
