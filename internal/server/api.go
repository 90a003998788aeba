package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/api"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/form"
)

// The read-only JSON API, /api/v1. Lists take the pages' filters (the same
// query parameters, read by the same code) and answer one page at a time,
// with the address of the next page in "next". Every answer is public,
// cacheable, readable from any origin (CORS), and sets no cookie: the
// session middleware skips /api. Errors are JSON too: handleError sends
// /api paths to apiError.

const apiPrefix = "/api/v1"

// isAPI reports whether a path belongs to the JSON API.
func isAPI(path string) bool { return path == "/api" || strings.HasPrefix(path, "/api/") }

// apiHeaders lets pages on any origin read the API with GET, without
// credentials: no cookie is read or set here, so none is needed.
func apiHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		corsHeaders(c)
		return next(c)
	}
}

func corsHeaders(c echo.Context) {
	h := c.Response().Header()
	h.Set(echo.HeaderAccessControlAllowOrigin, "*")
	h.Set(echo.HeaderAccessControlExposeHeaders, "ETag, Link")
}

// writeJSON sends v as JSON, rendered first so that a failure becomes a
// clean error. It is not indented: indenting is a second pass over every
// answer, a fifth of the CPU of a distinct page of events, and a reader
// who wants it laid out has a browser or jq to do it.
func writeJSON(c echo.Context, status int, v any) error {
	buf := getBuffer()
	defer putBuffer(buf)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	return c.Blob(status, jsonContentType, buf.Bytes())
}

// badParam is the error for a query parameter the API cannot use.
func badParam(param, msg string) error {
	return &conflict.Error{Code: conflict.Invalid, Message: msg, Fields: conflict.FieldErrors{param: msg}}
}

// checkParams refuses parameters an endpoint does not know, which would
// otherwise be ignored and give a silently wrong answer.
func checkParams(c echo.Context, known ...string) error {
	names := make([]string, 0, len(c.QueryParams()))
	for k := range c.QueryParams() {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if !slices.Contains(known, k) {
			return badParam(k, fmt.Sprintf("Unknown parameter %q; this endpoint takes %s.", k, strings.Join(known, ", ")))
		}
	}
	return nil
}

// firstFieldError turns the first (by name) message of a parsed filter
// into the API's error.
func firstFieldError(errs conflict.FieldErrors, rename map[string]string) error {
	if len(errs) == 0 {
		return nil
	}
	keys := make([]string, 0, len(errs))
	for k := range errs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	param := keys[0]
	if r := rename[param]; r != "" {
		param = r
	}
	return badParam(param, errs[keys[0]])
}

// limitParam reads ?limit=, 1 to 1000, 50 by default.
func limitParam(c echo.Context) (int, error) {
	s := c.QueryParam("limit")
	if s == "" {
		return 50, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 1000 {
		return 0, badParam("limit", "limit is a whole number from 1 to 1000.")
	}
	return n, nil
}

func (s *Server) links(c echo.Context) api.Links { return api.Links{Base: s.absURL(c, "")} }

// nextURL is the absolute address of the next page: this request's query
// with the cursor replaced.
func (s *Server) nextURL(c echo.Context, cursor string) *string {
	if cursor == "" {
		return nil
	}
	q := url.Values{}
	for k, v := range c.QueryParams() {
		if k != "after" && k != "before" {
			q[k] = v
		}
	}
	q.Set("after", cursor)
	u := s.absURL(c, c.Request().URL.Path+"?"+q.Encode())
	return &u
}

// eventFilterParams are the events page's filter; eventParams add paging.
var (
	eventFilterParams = []string{"actor", "place", "tag", "from", "to", "q", "order", "retracted"}
	eventParams       = append(append([]string{}, eventFilterParams...), "after", "before", "limit")
)

// apiEvents lists events: /api/v1/events, and a timeline's events.
func (s *Server) apiEvents(c echo.Context) error {
	return s.apiEventList(c, nil)
}

func (s *Server) apiEventList(c echo.Context, t *conflict.Timeline) error {
	if err := checkParams(c, eventParams...); err != nil {
		return err
	}
	limit, err := limitParam(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	f, err := form.ParseEventFilter(ctx, c.QueryParams(), s.db)
	if err != nil {
		return err
	}
	if err := firstFieldError(f.Errors, nil); err != nil {
		return err
	}
	f.Filter.Timeline, f.Filter.Limit = t, limit
	page, err := s.store(c).FindEventPage(ctx, f.Filter)
	if err != nil {
		return cursorError(c, err)
	}
	out := api.List[api.Event]{Kind: api.KindEvents, Data: make([]api.Event, len(page.Events)), Next: s.nextURL(c, page.Next)}
	l := s.links(c)
	for i, e := range page.Events {
		out.Data[i] = api.NewEvent(e, l)
	}
	if page.Prev != "" {
		q := c.QueryParams()
		v := url.Values{}
		for k, vs := range q {
			if k != "after" && k != "before" {
				v[k] = vs
			}
		}
		v.Set("before", page.Prev)
		prev := s.absURL(c, c.Request().URL.Path+"?"+v.Encode())
		out.Prev = &prev
	}
	return writeJSON(c, http.StatusOK, out)
}

// cursorError names the cursor parameter of a stale or mangled page link.
func cursorError(c echo.Context, err error) error {
	if _, ok := conflict.ErrorFields(err)["cursor"]; ok {
		param := "after"
		if c.QueryParam("before") != "" {
			param = "before"
		}
		return badParam(param, "That cursor is not valid; start again from the first page.")
	}
	return err
}

func idParam(c echo.Context, what string) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, conflict.Errorf(conflict.NotFound, "No %s has the id %q.", what, c.Param("id"))
	}
	return id, nil
}

// apiEvent is one published (or retracted) event.
func (s *Server) apiEvent(c echo.Context) error {
	if err := checkParams(c); err != nil {
		return err
	}
	id, err := idParam(c, "event")
	if err != nil {
		return err
	}
	e, err := s.db.FindEventByID(c.Request().Context(), conflict.EventID(id))
	if err != nil || !e.Status.Public() {
		return notFoundOr(err, "No event has the id %d.", id)
	}
	return writeJSON(c, http.StatusOK, api.NewEvent(e, s.links(c)))
}

// notFoundOr keeps a store error that is not NotFound, and otherwise
// names what was not found.
func notFoundOr(err error, format string, args ...any) error {
	if err != nil && conflict.ErrorCode(err) != conflict.NotFound {
		return err
	}
	return conflict.Errorf(conflict.NotFound, format, args...)
}

var estimateParams = []string{"force", "actor", "place", "claimant", "claimant_type", "from", "to", "after", "limit"}

// apiEstimates lists estimates, with the explorer's filter.
func (s *Server) apiEstimates(c echo.Context) error {
	if err := checkParams(c, estimateParams...); err != nil {
		return err
	}
	limit, err := limitParam(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	f, err := form.ParseEstimateFilter(ctx, c.QueryParams(), s.db)
	if err != nil {
		return err
	}
	rename := map[string]string{}
	if c.QueryParam("force") == "" {
		rename["force"] = "actor"
	}
	if err := firstFieldError(f.Errors, rename); err != nil {
		return err
	}
	f.Filter.Limit, f.Filter.After = limit, c.QueryParam("after")
	xs, next, err := s.store(c).FindEstimatePage(ctx, f.Filter)
	if err != nil {
		return cursorError(c, err)
	}
	out := api.List[api.Estimate]{Kind: api.KindEstimates, Data: make([]api.Estimate, len(xs)), Next: s.nextURL(c, next)}
	l := s.links(c)
	for i, x := range xs {
		out.Data[i] = api.NewEstimate(x, l)
	}
	return writeJSON(c, http.StatusOK, out)
}

// apiEstimate is one published (or retracted) estimate.
func (s *Server) apiEstimate(c echo.Context) error {
	if err := checkParams(c); err != nil {
		return err
	}
	id, err := idParam(c, "estimate")
	if err != nil {
		return err
	}
	x, err := s.db.FindEstimateByID(c.Request().Context(), conflict.EstimateID(id))
	if err != nil || !x.Status.Public() {
		return notFoundOr(err, "No estimate has the id %d.", id)
	}
	if err := s.placeCoordinates(c.Request().Context(), &x); err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, api.NewEstimate(x, s.links(c)))
}

// apiSources lists sources by id.
func (s *Server) apiSources(c echo.Context) error {
	if err := checkParams(c, "after", "limit"); err != nil {
		return err
	}
	limit, err := limitParam(c)
	if err != nil {
		return err
	}
	list, next, err := s.store(c).FindSourcePage(c.Request().Context(), c.QueryParam("after"), limit)
	if err != nil {
		return cursorError(c, err)
	}
	out := api.List[api.Source]{Kind: api.KindSources, Data: make([]api.Source, len(list)), Next: s.nextURL(c, next)}
	for i, src := range list {
		out.Data[i] = api.NewSource(src, s.links(c))
	}
	return writeJSON(c, http.StatusOK, out)
}

func (s *Server) apiSource(c echo.Context) error {
	if err := checkParams(c); err != nil {
		return err
	}
	id, err := idParam(c, "source")
	if err != nil {
		return err
	}
	src, err := s.db.FindSourceByID(c.Request().Context(), conflict.SourceID(id))
	if err != nil || !src.Status.Public() {
		// The API is for readers: a draft is not there.
		return notFoundOr(err, "No source has the id %d.", id)
	}
	return writeJSON(c, http.StatusOK, api.NewSource(src, s.links(c)))
}

// apiActors lists actors by id.
func (s *Server) apiActors(c echo.Context) error {
	if err := checkParams(c, "after", "limit"); err != nil {
		return err
	}
	limit, err := limitParam(c)
	if err != nil {
		return err
	}
	list, next, err := s.store(c).FindActorPage(c.Request().Context(), c.QueryParam("after"), limit)
	if err != nil {
		return cursorError(c, err)
	}
	out := api.List[api.Actor]{Kind: api.KindActors, Data: make([]api.Actor, len(list)), Next: s.nextURL(c, next)}
	for i, a := range list {
		out.Data[i] = api.NewActor(a, s.links(c))
	}
	return writeJSON(c, http.StatusOK, out)
}

// apiActor is one actor, by id or slug.
func (s *Server) apiActor(c echo.Context) error {
	if err := checkParams(c); err != nil {
		return err
	}
	ctx, ref := c.Request().Context(), c.Param("ref")
	a, err := s.db.FindActorBySlug(ctx, ref)
	if id, perr := strconv.ParseInt(ref, 10, 64); perr == nil && id > 0 && conflict.ErrorCode(err) == conflict.NotFound {
		a, err = s.db.FindActorByID(ctx, conflict.ActorID(id))
	}
	if err != nil || !a.Status.Public() {
		return notFoundOr(err, "No actor has the id or slug %q.", ref)
	}
	return writeJSON(c, http.StatusOK, api.NewActor(a, s.links(c)))
}

// apiPlaces lists places by id.
func (s *Server) apiPlaces(c echo.Context) error {
	if err := checkParams(c, "after", "limit"); err != nil {
		return err
	}
	limit, err := limitParam(c)
	if err != nil {
		return err
	}
	list, next, err := s.store(c).FindPlacePage(c.Request().Context(), c.QueryParam("after"), limit)
	if err != nil {
		return cursorError(c, err)
	}
	out := api.List[api.Place]{Kind: api.KindPlaces, Data: make([]api.Place, len(list)), Next: s.nextURL(c, next)}
	for i, p := range list {
		out.Data[i] = api.NewPlace(p, s.links(c))
	}
	return writeJSON(c, http.StatusOK, out)
}

// apiPlace is one place, by id or slug.
func (s *Server) apiPlace(c echo.Context) error {
	if err := checkParams(c); err != nil {
		return err
	}
	ctx, ref := c.Request().Context(), c.Param("ref")
	p, err := s.db.FindPlaceBySlug(ctx, ref)
	if id, perr := strconv.ParseInt(ref, 10, 64); perr == nil && id > 0 && conflict.ErrorCode(err) == conflict.NotFound {
		p, err = s.db.FindPlaceByID(ctx, conflict.PlaceID(id))
	}
	if err != nil || !p.Status.Public() {
		return notFoundOr(err, "No place has the id or slug %q.", ref)
	}
	return writeJSON(c, http.StatusOK, api.NewPlace(p, s.links(c)))
}

// apiTimelines lists the published timelines, by title. There are few;
// the list has one page.
func (s *Server) apiTimelines(c echo.Context) error {
	if err := checkParams(c); err != nil {
		return err
	}
	ctx := c.Request().Context()
	list, err := s.db.FindTimelines(ctx, false)
	if err != nil {
		return err
	}
	out := api.List[api.Timeline]{Kind: api.KindTimelines, Data: make([]api.Timeline, 0, len(list))}
	for _, t := range list {
		full, err := s.db.FindTimelineBySlug(ctx, t.Slug)
		if err != nil {
			return err
		}
		out.Data = append(out.Data, api.NewTimeline(full, s.links(c)))
	}
	return writeJSON(c, http.StatusOK, out)
}

// publishedTimeline finds a published timeline by slug or id.
func (s *Server) publishedTimeline(c echo.Context) (conflict.Timeline, error) {
	ctx, ref := c.Request().Context(), c.Param("ref")
	t, err := s.db.FindTimelineBySlug(ctx, ref)
	if id, perr := strconv.ParseInt(ref, 10, 64); perr == nil && id > 0 && conflict.ErrorCode(err) == conflict.NotFound {
		t, err = s.db.FindTimelineByID(ctx, conflict.TimelineID(id))
	}
	if err != nil || !t.Status.Public() {
		return t, notFoundOr(err, "No published timeline has the slug or id %q.", ref)
	}
	return t, nil
}

func (s *Server) apiTimeline(c echo.Context) error {
	if err := checkParams(c); err != nil {
		return err
	}
	t, err := s.publishedTimeline(c)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, api.NewTimeline(t, s.links(c)))
}

// apiTimelineEvents lists a timeline's events, with the events filter on
// top of the timeline's own.
func (s *Server) apiTimelineEvents(c echo.Context) error {
	t, err := s.publishedTimeline(c)
	if err != nil {
		return err
	}
	return s.apiEventList(c, &t)
}

// apiOpenAPI serves the OpenAPI 3 document that describes all of this.
func (s *Server) apiOpenAPI(c echo.Context) error {
	return c.Blob(http.StatusOK, jsonContentType, api.OpenAPI)
}

// jsonContentType names UTF-8 outright, as clients that guess otherwise
// have been seen to need.
const jsonContentType = echo.MIMEApplicationJSON + "; charset=UTF-8"
