package server

import (
	"context"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/export"
	"github.com/sitrep/sitrep/internal/form"
	"github.com/sitrep/sitrep/internal/sqlite"
	"github.com/sitrep/sitrep/web/components"
)

// tablePageSize is how many rows a page of the table view shows.
const tablePageSize = 100

// browseSorted is the table view sorted by place or by number of
// sources: the first events of the list in date order, sorted, paged by
// number.
func (s *Server) browseSorted(c echo.Context, action string, f form.EventFilter, filter conflict.EventFilter) (components.BrowserView, error) {
	ctx := c.Request().Context()
	page := max(f.Page, 1)
	sorted, err := s.db.FindEventsSorted(ctx, filter, f.Sort, page, tablePageSize)
	if err != nil {
		return components.BrowserView{}, err
	}
	tags, err := s.db.FindTags(ctx, tagSuggestions)
	if err != nil {
		return components.BrowserView{}, err
	}
	// The count is the list's own, whatever the sort.
	v := components.BrowserView{Action: action, Filter: f, Tags: tags, Total: sorted.Count, More: sorted.More, Fragment: isFragment(c)}
	v.Table = &components.TableView{Rows: components.NewTableRows(sorted.Events, sorted.Citations), Capped: sorted.Capped,
		SortLimit: sqlite.TableSortLimit}
	if page > 1 {
		prev := ""
		if page > 2 {
			prev = strconv.Itoa(page - 1)
		}
		v.PrevURL = withQuery(action, f.PageValues("page", prev).Encode())
	}
	if page*tablePageSize < sorted.Total {
		v.NextURL = withQuery(action, f.PageValues("page", strconv.Itoa(page+1)).Encode())
	}
	return v, s.finishBrowse(ctx, action, f, filter, &v)
}

// finishBrowse adds what every view of a list has: the counts over time,
// the switch between cards and table, and the table's sortable headings.
func (s *Server) finishBrowse(ctx context.Context, action string, f form.EventFilter, filter conflict.EventFilter, v *components.BrowserView) error {
	h, err := s.eventHistogram(ctx, action, f, filter, v.More)
	if err != nil {
		return err
	}
	v.Histogram = h
	v.CardsURL = withQuery(action, f.PageValues("view", "", "sort", "", "page", "").Encode())
	v.TableURL = withQuery(action, f.PageValues("view", "table", "after", "", "before", "").Encode())
	if v.Table != nil {
		v.Table.Headers = tableHeaders(action, f)
		v.Table.CSVURL = v.TableCSVURL()
	}
	return nil
}

// tableHeaders are the table's column headings: date, place and sources
// link to the table sorted by them, or reversed when it already is.
func tableHeaders(action string, f form.EventFilter) []components.TableHeader {
	out := make([]components.TableHeader, len(export.TableHeader))
	for i, label := range export.TableHeader {
		out[i].Label = label
	}
	sorted := func(sort string) string {
		return withQuery(action, f.PageValues("sort", sort, "page", "").Encode())
	}
	// Date: the list's own order, oldest or newest first.
	date := &out[0]
	if f.Sort == "" {
		date.Sort = "ascending"
		date.URL = withQuery(action, f.PageValues("order", "newest").Encode())
		if f.Order == "newest" {
			date.Sort = "descending"
			date.URL = withQuery(action, f.PageValues("order", "").Encode())
		}
	} else {
		date.URL = withQuery(action, f.PageValues("sort", "", "order", "", "page", "").Encode())
	}
	place, sources := &out[2], &out[5]
	place.URL = sorted("place")
	switch f.Sort {
	case "place":
		place.Sort, place.URL = "ascending", sorted("-place")
	case "-place":
		place.Sort = "descending"
	}
	// Most sources first is what a reader sorting by them looks for.
	sources.URL = sorted("-sources")
	switch f.Sort {
	case "-sources":
		sources.Sort, sources.URL = "descending", sorted("sources")
	case "sources":
		sources.Sort = "ascending"
	}
	return out
}
