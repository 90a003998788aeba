package server

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/web/pages"
)

// handleError is the one place errors become responses. Domain codes pick
// the status; internal errors are logged with the request id and shown
// only as a generic message.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if clientGone(c) {
		// Whatever failed failed because the client left: a database
		// read cancelled with it, a body cut short. Not a server error.
		s.log.Info("client went away", "request_id", c.Response().Header().Get(echo.HeaderXRequestID),
			"method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
		c.Response().WriteHeader(statusClientGone)
		return
	}
	if isAPI(c.Request().URL.Path) && !wantsPage(c, err) {
		// The JSON API answers errors in JSON (api_errors.go).
		s.apiError(c, err)
		return
	}
	status, heading, message := s.describe(err)
	reqID := c.Response().Header().Get(echo.HeaderXRequestID)
	if status >= 500 {
		s.log.Error("request failed", "request_id", reqID, "method", c.Request().Method,
			"path", c.Request().URL.Path, "err", err)
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	v := pages.ErrorView{Base: s.base(c, heading, ""), Status: status, Heading: heading, Message: message}
	v.Canonical = ""
	if rerr := s.render(c, status, pages.Error(v)); rerr != nil {
		s.log.Error("render error page", "request_id", reqID, "err", rerr)
		_ = c.String(status, message)
	}
}

// tooLargeMessage says what a 413 means, on a page and in the API.
var tooLargeMessage = fmt.Sprintf("What was sent is larger than sitrep accepts: %d MB at most.", maxBodyBytes>>20)

// describe maps an error to a status and words for the reader.
func (s *Server) describe(err error) (int, string, string) {
	var he *echo.HTTPError
	if errors.As(err, &he) {
		switch he.Code {
		case http.StatusNotFound:
			return notFound()
		case http.StatusMethodNotAllowed:
			return he.Code, "Not allowed", "This address does not accept that kind of request."
		case http.StatusForbidden:
			return he.Code, "Not allowed", "Your request could not be checked. Reload the page and try again."
		case http.StatusBadRequest:
			return he.Code, "Bad request", "The request could not be understood."
		case http.StatusMisdirectedRequest:
			return he.Code, "Wrong address", "This server does not answer for that host name."
		case http.StatusRequestEntityTooLarge:
			return he.Code, "Too large", tooLargeMessage + " Nothing was saved: go back, make the text shorter or the file smaller, and send it again."
		}
		if he.Code < 500 {
			return he.Code, http.StatusText(he.Code), http.StatusText(he.Code) + "."
		}
	}
	switch conflict.ErrorCode(err) {
	case conflict.NotFound:
		return notFound()
	case conflict.Invalid:
		return http.StatusUnprocessableEntity, "Check the request", conflict.ErrorMessage(err)
	case conflict.Conflict:
		return http.StatusConflict, "Conflict", conflict.ErrorMessage(err)
	case conflict.Unauthorized:
		return http.StatusUnauthorized, "Sign in needed", conflict.ErrorMessage(err)
	case conflict.Forbidden:
		return http.StatusForbidden, "Not allowed", conflict.ErrorMessage(err)
	case conflict.Busy:
		return http.StatusTooManyRequests, "Busy", conflict.ErrorMessage(err)
	}
	return http.StatusInternalServerError, "Something went wrong", "sitrep could not answer this request. The problem has been logged."
}

func notFound() (int, string, string) {
	return http.StatusNotFound, "Page not found", "There is nothing at this address. It may have been mistyped, or the record may not be published."
}
