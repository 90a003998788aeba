package server

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/cite"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/snapshot"
	"github.com/sitrep/sitrep/web/components"
	"github.com/sitrep/sitrep/web/pages"
)

// eventShow is an event's page, /events/{id}-{slug}. A wrong or missing
// slug redirects to the right one, so old links keep working after a
// title changes.
func (s *Server) eventShow(c echo.Context) error {
	id, slug, err := parseIDSlug(c.Param("id"))
	if err != nil {
		return err
	}
	e, err := s.publicEvent(c, id)
	if err != nil {
		return err
	}
	if slug != e.Slug {
		return c.Redirect(http.StatusMovedPermanently, components.EventPath(e.ID, e.Slug))
	}
	rev, err := s.db.LatestRevisionHead(c.Request().Context(), conflict.EventRecord, int64(e.ID))
	if err != nil {
		return err
	}
	return s.renderEvent(c, e, rev, false)
}

// eventRevision shows an event as it stood at one revision: the permalink
// a citation points at.
func (s *Server) eventRevision(c echo.Context) error {
	id, _, err := parseIDSlug(c.Param("id"))
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(c.Param("n"))
	if err != nil || n < 1 {
		return conflict.Errorf(conflict.NotFound, "No such revision.")
	}
	current, err := s.publicEvent(c, id)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	rev, err := s.db.FindRevision(ctx, conflict.EventRecord, int64(id), n)
	if err != nil {
		return err
	}
	e, err := snapshot.Event(rev.Snapshot)
	if err != nil {
		return fmt.Errorf("event %d revision %d: %w", id, n, err)
	}
	if !e.Status.Public() {
		return conflict.Errorf(conflict.NotFound, "This revision was never published.")
	}
	latest, err := s.db.LatestRevisionHead(ctx, conflict.EventRecord, int64(id))
	if err != nil {
		return err
	}
	e.Slug = current.Slug
	return s.renderEvent(c, e, rev, rev.Number != latest.Number)
}

func (s *Server) renderEvent(c echo.Context, e conflict.Event, rev conflict.Revision, old bool) error {
	rec := s.eventCitation(c, e, rev)
	v := pages.EventView{
		Base:      s.base(c, e.Title, "events"),
		Event:     e,
		Body:      s.md.Render(e.Body),
		Revision:  rev,
		Old:       old,
		Permalink: rec.URL,
		CiteText:  rec.Text(),
		BibURL:    fmt.Sprintf("/events/%d/rev/%d/cite.bib", e.ID, rev.Number),
		CSLURL:    fmt.Sprintf("/events/%d/rev/%d/cite.json", e.ID, rev.Number),
	}
	v.Base.Canonical = s.absURL(c, components.EventPath(e.ID, e.Slug))
	if !old {
		v.RecordTools = s.eventTools(c, e)
		// Links are read as they stand now, from readers' side: only to
		// and from events readers see.
		links, err := s.db.FindRelationLinks(c.Request().Context(), conflict.EventRecord, int64(e.ID), true)
		if err != nil {
			return err
		}
		v.Links = links
	}
	v.Base.Alternates = s.oembedAlternates(c, v.Base.Canonical, e.Title)
	return s.render(c, http.StatusOK, pages.Event(v))
}

func (s *Server) eventCitation(c echo.Context, e conflict.Event, rev conflict.Revision) cite.Record {
	st := s.settings(c.Request().Context())
	return cite.Record{
		Key:       fmt.Sprintf("sitrep-event-%d-r%d", e.ID, rev.Number),
		Title:     e.Title,
		Kind:      "Event record",
		Site:      st.Name,
		Publisher: st.Publisher,
		URL:       s.absURL(c, fmt.Sprintf("/events/%d/rev/%d", e.ID, rev.Number)),
		Revision:  rev.Number,
		Revised:   rev.CreatedAt,
		Accessed:  time.Now(),
	}
}

// eventCite downloads a reference to one revision as BibTeX or CSL-JSON.
func (s *Server) eventCite(c echo.Context) error {
	id, _, err := parseIDSlug(c.Param("id"))
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(c.Param("n"))
	if err != nil {
		return conflict.Errorf(conflict.NotFound, "No such revision.")
	}
	e, err := s.publicEvent(c, id)
	if err != nil {
		return err
	}
	rev, err := s.db.FindRevision(c.Request().Context(), conflict.EventRecord, int64(id), n)
	if err != nil {
		return err
	}
	rec := s.eventCitation(c, e, rev)
	h := c.Response().Header()
	switch c.Param("format") {
	case "cite.bib":
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.bib"`, rec.Key))
		return c.Blob(http.StatusOK, "application/x-bibtex; charset=utf-8", []byte(rec.BibTeX()))
	case "cite.json":
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.json"`, rec.Key))
		return c.Blob(http.StatusOK, "application/vnd.citationstyles.csl+json", rec.CSLJSON())
	}
	return echo.ErrNotFound
}

// publicEvent loads an event an anonymous reader may see.
func (s *Server) publicEvent(c echo.Context, id conflict.EventID) (conflict.Event, error) {
	e, err := s.db.FindEventByID(c.Request().Context(), id)
	if err != nil {
		return e, err
	}
	if !e.Status.Public() {
		return e, conflict.Errorf(conflict.NotFound, "No such event.")
	}
	return e, nil
}

// parseIDSlug splits "12-some-title" into 12 and "some-title".
func parseIDSlug(s string) (conflict.EventID, string, error) {
	idText, slug, _ := strings.Cut(s, "-")
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 {
		return 0, "", conflict.Errorf(conflict.NotFound, "No such event.")
	}
	return conflict.EventID(id), slug, nil
}
