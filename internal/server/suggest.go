package server

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/web/components"
)

// suggestLimit is how many options a filter box shows under it.
const suggestLimit = 10

// filterSuggest answers /suggest/{actors,places,tags}: the options under an
// event filter's box for what the reader has typed so far. Actors, places
// and tags of published events are public, so anyone may ask; drafts are
// never offered here (editors' forms ask /edit/suggest).
func (s *Server) filterSuggest(c echo.Context) error {
	q := strings.TrimSpace(queryText(c.QueryParams()))
	if len([]rune(q)) > 200 {
		q = string([]rune(q)[:200])
	}
	ctx := c.Request().Context()
	var field string
	var opts []components.Suggestion
	switch c.Param("kind") {
	case "actors", "places":
		field = "actor"
		find := s.db.SuggestPublicActors
		if c.Param("kind") == "places" {
			field, find = "place", s.db.SuggestPublicPlaces
		}
		found, err := find(ctx, q, suggestLimit)
		if err != nil {
			return err
		}
		for _, f := range found {
			opts = append(opts, components.Suggestion{Value: f.Name, Also: f.Matched})
		}
	case "tags":
		field = "tag"
		found, err := s.db.SuggestTags(ctx, q, suggestLimit)
		if err != nil {
			return err
		}
		for _, t := range found {
			opts = append(opts, components.Suggestion{Value: t})
		}
	default:
		return conflict.Errorf(conflict.NotFound, "Nothing to suggest here.")
	}
	return s.render(c, http.StatusOK, components.FilterSuggestions(field, opts))
}
