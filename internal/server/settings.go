package server

import (
	"context"
	"net/http"
	"sync/atomic"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/web/layout"
	"github.com/sitrep/sitrep/web/pages"
)

const settingsPath = "/admin/settings"

// siteSettings keeps the deployment's settings in memory: every page shows
// them, and only this server changes them (the admin's form), so it reads
// them once and replaces them as it saves.
type siteSettings struct {
	v atomic.Pointer[conflict.Settings]
}

// settings returns the deployment's settings. Should the database fail to
// answer, pages still render, under the default name.
func (s *Server) settings(ctx context.Context) conflict.Settings {
	if p := s.site.v.Load(); p != nil {
		return *p
	}
	st, err := s.db.Settings(ctx)
	if err != nil {
		s.log.Warn("site settings unreadable; using the defaults", "err", err)
		return conflict.DefaultSettings()
	}
	s.site.v.Store(&st)
	return st
}

// layoutSite is what the page shell shows of the settings.
func layoutSite(st conflict.Settings) layout.Site {
	return layout.Site{Name: st.Name, Description: st.Description, Contact: st.Contact,
		About: st.About != "", Methodology: st.Methodology != ""}
}

// settingsForm is /admin/settings.
func (s *Server) settingsForm(c echo.Context) error {
	return s.render(c, http.StatusOK, pages.Settings(pages.SettingsView{
		Base: s.base(c, "Site settings", ""), Form: s.settings(c.Request().Context()),
	}))
}

// settingsSave stores the settings an admin sent. Saving moves the data
// version on, so cached pages are made again with the new name.
func (s *Server) settingsSave(c echo.Context) error {
	st := conflict.Settings{
		Name:        c.FormValue("name"),
		Description: c.FormValue("description"),
		Publisher:   c.FormValue("publisher"),
		About:       c.FormValue("about"),
		Methodology: c.FormValue("methodology"),
		Contact:     c.FormValue("contact"),
	}
	err := s.db.SaveSettings(c.Request().Context(), &st, currentUser(c).ID)
	if err == nil {
		s.site.v.Store(&st)
		s.log.Info("site settings saved", "by", int64(currentUser(c).ID))
		s.flash(c, "Settings saved.")
		return c.Redirect(http.StatusSeeOther, settingsPath)
	}
	errs := conflict.ErrorFields(err)
	if len(errs) == 0 {
		return err
	}
	return s.render(c, http.StatusUnprocessableEntity, pages.Settings(pages.SettingsView{
		Base: s.base(c, "Site settings", ""), Form: st, Errors: errs,
		Problem: "The settings were not saved: check the fields marked below.",
	}))
}

// aboutPage is /about, when an admin has written one.
func (s *Server) aboutPage(c echo.Context) error {
	return s.siteDoc(c, "About", s.settings(c.Request().Context()).About)
}

// methodologyPage is /methodology, when an admin has written one.
func (s *Server) methodologyPage(c echo.Context) error {
	return s.siteDoc(c, "Methodology", s.settings(c.Request().Context()).Methodology)
}

func (s *Server) siteDoc(c echo.Context, title, body string) error {
	if body == "" {
		return conflict.Errorf(conflict.NotFound, "This site has no %s page yet.", title)
	}
	return s.render(c, http.StatusOK, pages.SiteDoc(pages.SiteDocView{
		Base: s.base(c, title, ""), Body: s.md.Render(body),
	}))
}
