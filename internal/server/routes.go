package server

import "github.com/labstack/echo/v4"

// routes lists every route in one place.
func (s *Server) routes(e *echo.Echo) {
	e.GET("/", s.home)
	e.GET("/events", s.eventList)
	e.GET("/events/:id", s.eventShow)
	e.GET("/events/:id/rev/:n", s.eventRevision)
	e.GET("/events/:id/rev/:n/:format", s.eventCite)
	e.GET("/timelines/:slug", s.timelineShow)
	e.GET("/estimates", s.estimateList)
	e.GET("/estimates/:id", s.estimateShow)
	e.GET("/actors/:slug", s.actorShow)
	e.GET("/places/:slug", s.placeShow)
	e.GET("/sources/:id", s.sourceShow)
	e.GET("/search", s.search)
	e.GET("/healthz", s.health)
	e.GET("/static/*", s.staticFile)
	e.GET("/favicon.ico", s.favicon)
}
