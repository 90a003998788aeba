package server

import "github.com/labstack/echo/v4"

// routes lists every route in one place.
func (s *Server) routes(e *echo.Echo) {
	e.GET("/", s.home)
	e.GET("/healthz", s.health)
	e.GET("/static/*", s.staticFile)
	e.GET("/favicon.ico", s.favicon)
}
