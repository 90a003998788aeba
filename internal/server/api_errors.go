package server

import (
	"errors"
	"net/http"
	"sort"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/api"
	"github.com/sitrep/sitrep/internal/conflict"
)

// apiError writes an error of the JSON API as {"error": {"message",
// "parameter"}}: 400 for a query parameter the API cannot use (named in
// "parameter"), 404 for an unknown id or address, 405 for a method other
// than GET, 429 when too many exports or large reads are running (see
// limit.go), and 500, with a generic message, for anything else, which is
// logged with the request id. handleError calls it for every /api path
// but a refused download a browser asked for (wantsPage).
func (s *Server) apiError(c echo.Context, err error) {
	corsHeaders(c)
	status, detail := describeAPI(err)
	if status >= 500 {
		s.log.Error("request failed", "request_id", c.Response().Header().Get(echo.HeaderXRequestID),
			"method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	if werr := writeJSON(c, status, api.ErrorBody{Error: detail}); werr != nil {
		s.log.Error("writing an API error", "err", werr)
	}
}

func describeAPI(err error) (int, api.ErrorDetail) {
	var he *echo.HTTPError
	if errors.As(err, &he) {
		switch he.Code {
		case http.StatusNotFound:
			return he.Code, api.ErrorDetail{Message: "There is no such API address; see /api/v1 for the endpoints."}
		case http.StatusMethodNotAllowed:
			return he.Code, api.ErrorDetail{Message: "The API is read-only: use GET."}
		case http.StatusRequestEntityTooLarge:
			return he.Code, api.ErrorDetail{Message: tooLargeMessage}
		}
		if he.Code < 500 {
			return he.Code, api.ErrorDetail{Message: http.StatusText(he.Code) + "."}
		}
	}
	switch conflict.ErrorCode(err) {
	case conflict.NotFound:
		return http.StatusNotFound, api.ErrorDetail{Message: conflict.ErrorMessage(err)}
	case conflict.Invalid:
		d := api.ErrorDetail{Message: conflict.ErrorMessage(err)}
		fields := conflict.ErrorFields(err)
		keys := make([]string, 0, len(fields))
		for k := range fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if len(keys) > 0 {
			d.Parameter, d.Message = keys[0], fields[keys[0]]
		}
		return http.StatusBadRequest, d
	case conflict.Conflict:
		return http.StatusConflict, api.ErrorDetail{Message: conflict.ErrorMessage(err)}
	case conflict.Unauthorized, conflict.Forbidden:
		return http.StatusForbidden, api.ErrorDetail{Message: conflict.ErrorMessage(err)}
	case conflict.Busy:
		return http.StatusTooManyRequests, api.ErrorDetail{Message: conflict.ErrorMessage(err)}
	}
	return http.StatusInternalServerError, api.ErrorDetail{Message: "sitrep could not answer this request. The problem has been logged."}
}
