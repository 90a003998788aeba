package server

import (
	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/conflict"
)

// routes lists every route in one place.
func (s *Server) routes(e *echo.Echo) {
	e.GET("/", s.home)
	e.GET("/events", s.eventList)
	e.GET("/events/:id", s.eventShow)
	e.GET("/events/:id/rev/:n", s.eventRevision)
	e.GET("/events/:id/rev/:n/:format", s.eventCite)
	e.GET("/events/:id/history", s.eventHistory)
	e.GET("/events/:id/diff", s.eventDiff)
	e.GET("/timelines/:slug", s.timelineShow)
	e.GET("/estimates", s.estimateList)
	e.GET("/estimates/:id", s.estimateShow)
	e.GET("/estimates/:id/rev/:n", s.estimateRevision)
	e.GET("/estimates/:id/history", s.estimateHistory)
	e.GET("/estimates/:id/diff", s.estimateDiff)
	e.GET("/actors/:slug", s.actorShow)
	e.GET("/places/:slug", s.placeShow)
	e.GET("/sources/:id", s.sourceShow)
	e.GET("/search", s.search)
	e.GET("/embed/timelines/:slug", s.embedTimeline)
	e.GET("/embed/estimates", s.embedEstimates)
	e.GET("/embed/events/:id", s.embedEvent)
	e.GET("/embed.js", s.embedScript)
	e.GET("/oembed", s.oembed)
	e.GET("/healthz", s.health)
	e.GET("/static/*", s.staticFile)
	e.GET("/favicon.ico", s.favicon)

	// Accounts. Every route below needs a role, given by its group's prefix:
	// /edit editors, /review reviewers, /admin admins (and each role above).
	// A route outside these groups is public; authz_test.go walks every
	// registered route and fails for one that is neither protected nor on its
	// list of public routes.
	e.GET("/signin", s.signinForm)
	e.POST("/signin", s.signin)
	e.POST("/signout", s.signout)

	edit := e.Group("/edit", s.requireRole(conflict.RoleEditor))
	review := e.Group("/review", s.requireRole(conflict.RoleReviewer))
	admin := e.Group("/admin", s.requireRole(conflict.RoleAdmin))
	_, _ = edit, review

	admin.GET("/users", s.adminUsers)
	admin.POST("/users", s.adminUserCreate)
	admin.POST("/users/:id/role", s.adminUserRole)
	admin.POST("/users/:id/disable", s.adminUserDisable)
	admin.POST("/users/:id/enable", s.adminUserEnable)
	admin.POST("/users/:id/password", s.adminUserPassword)
}
