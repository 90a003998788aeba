package server

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/web/pages"
)

// searchLimit bounds each kind of result: the best matches, each with its
// snippet; every matching event is a page away, on /events?q=, in date
// order and with the list's filters.
const searchLimit = 20

// search answers any query a person can type with results or an empty
// state.
func (s *Server) search(c echo.Context) error {
	q := strings.TrimSpace(strings.ToValidUTF8(c.QueryParam("q"), ""))
	if r := []rune(q); len(r) > 200 {
		q = string(r[:200])
	}
	var res conflict.SearchResults
	if q != "" {
		var err error
		if res, err = s.db.Search(c.Request().Context(), q, searchLimit); err != nil {
			return err
		}
	}
	title := "Search"
	if q != "" {
		title = "Search: " + q
	}
	v := pages.SearchView{Base: s.base(c, title, "search"), Query: q, Results: res, Limit: searchLimit}
	return s.render(c, http.StatusOK, pages.Search(v))
}
