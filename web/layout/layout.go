// Package layout holds the page shell every full page renders in.
package layout

import (
	"encoding/json"

	"github.com/a-h/templ"

	"github.com/sitrep/sitrep/internal/conflict"
)

// Base is what every page's view model carries for the shell: its title,
// the section to mark in the navigation, and the asset URLs.
type Base struct {
	Title       string
	Description string
	// Section names the navigation entry to mark as current: "home",
	// "events", "estimates", "search".
	Section string
	// Asset returns the content-hashed URL of a static file.
	Asset func(name string) string
	// Canonical is the page's absolute URL, when known.
	Canonical string
	// Alternates are links to other formats of the page (oEmbed, feeds).
	Alternates []Alternate
	// RequestID is shown on error pages so a report can be matched to logs.
	RequestID string
	// User is the signed-in user, nil for an anonymous reader.
	User *conflict.User
	// CSRF is the token every form that posts must carry (see
	// components.CSRF); "" on pages that have none, such as anonymous
	// public pages.
	CSRF string
	// Flash is a one-time message about the last action ("Saved.").
	Flash string
	// Unreviewed is set when the site runs without the two-person rule
	// (--review-rule one-person): every page then tells readers so.
	Unreviewed bool
	// DeskCount is how many of the signed-in user's edits and submissions
	// a reviewer returned and they have not answered yet, shown beside
	// the link to their desk.
	DeskCount int
	// Tools are what a signed-in editor can do on this page (edit the
	// record, review it), shown above its content; nil for readers.
	Tools templ.Component
	// Site is how the deployment names itself (its admin's settings).
	Site Site
}

// Site is what the page shell shows of the deployment's settings.
type Site struct {
	// Name is the site's name, "sitrep" until an admin names it.
	Name        string
	Description string
	// Contact is an email address readers may write to, or "".
	Contact string
	// About and Methodology say whether those pages have been written.
	About, Methodology bool
}

// Alternate is a <link rel="alternate"> in the page head.
type Alternate struct {
	Type, Href, Title string
}

// SiteName is the deployment's name.
func (b Base) SiteName() string {
	if b.Site.Name == "" {
		return "sitrep"
	}
	return b.Site.Name
}

// FullTitle is the document title: the page's, then the site's.
func (b Base) FullTitle() string {
	if b.Title == "" {
		return b.SiteName()
	}
	return b.Title + " · " + b.SiteName()
}

// MetaDescription describes the page for search engines and link
// previews: the page's own description, or else the site's.
func (b Base) MetaDescription() string {
	if b.Description != "" {
		return b.Description
	}
	return b.Site.Description
}

// Current marks the navigation link of the page's own section with
// aria-current.
func (b Base) Current(section string) templ.Attributes {
	if b.Section == section {
		return templ.Attributes{"aria-current": "page"}
	}
	return nil
}

// IsEditor reports whether the signed-in user may edit records.
func (b Base) IsEditor() bool { return b.User != nil && b.User.Role.AtLeast(conflict.RoleEditor) }

// IsReviewer reports whether the signed-in user may publish records.
func (b Base) IsReviewer() bool { return b.User != nil && b.User.Role.AtLeast(conflict.RoleReviewer) }

// IsAdmin reports whether the signed-in user may manage users.
func (b Base) IsAdmin() bool { return b.User != nil && b.User.Role.AtLeast(conflict.RoleAdmin) }

// CSRFHeaders is the hx-headers value that makes every htmx request carry
// the CSRF token.
func (b Base) CSRFHeaders() string {
	h, _ := json.Marshal(map[string]string{"X-CSRF-Token": b.CSRF})
	return string(h)
}
