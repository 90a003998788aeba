package server

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/export"
	"github.com/sitrep/sitrep/internal/form"
	"github.com/sitrep/sitrep/internal/sqlite"
)

// Exports download a filtered view whole: /api/v1/export/events,
// /api/v1/export/timelines/:ref and /api/v1/export/estimates, each with
// ?format=csv|json|geojson|timelinejs and the page's own filter. They
// stream a page of 1,000 records at a time and flush it, so the first
// bytes leave at once and memory stays flat at any size. Each reads one
// snapshot on the export pool, within the limits of limit.go, and is cut
// off when its client stops reading (download).

// ExportPath is the address of an export of a view: what is "events",
// "estimates" or "timelines/SLUG", and q the view's filter.
func ExportPath(what string, format export.Format, q url.Values) string {
	v := url.Values{}
	for k, vs := range q {
		v[k] = vs
	}
	v.Set("format", string(format))
	return apiPrefix + "/export/" + what + "?" + v.Encode()
}

func exportFormat(c echo.Context) (export.Format, error) {
	s := c.QueryParam("format")
	if s == "" {
		return "", badParam("format", "Say which format: csv, json, geojson or timelinejs.")
	}
	f, err := export.ParseFormat(s)
	if err != nil {
		return "", badParam("format", conflict.ErrorMessage(err))
	}
	return f, nil
}

// startDownload sends the headers of a file download.
func startDownload(c echo.Context, format export.Format, name string) {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, format.ContentType())
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+name+format.Extension()+`"`)
	c.Response().WriteHeader(http.StatusOK)
}

// streamed logs an error that came after the download began, when no
// error page can be sent any more; the client sees a cut-off file. Most
// are a client that stopped reading or went away, hence a warning.
func (s *Server) streamed(c echo.Context, err error) error {
	if err != nil && c.Response().Committed {
		s.log.Warn("export cut off", "request_id", c.Response().Header().Get(echo.HeaderXRequestID),
			"path", c.Request().URL.Path, "err", err)
		return nil
	}
	return err
}

func (s *Server) exportOptions(c echo.Context, d *download) export.Options {
	return export.Options{Links: s.links(c), Flush: d.Flush,
		// Exports are read off the site, where a link to /events/12 leads
		// nowhere: links into the site are made absolute.
		HTML: func(md string) string { return string(s.md.RenderAbsolute(md, s.origin(c))) }}
}

// exportEvents downloads the events matching the events page's filter.
func (s *Server) exportEvents(c echo.Context) error {
	return s.exportEventList(c, nil)
}

// exportTimeline downloads a timeline's events, with the reader's filter
// on top, its title and description on the TimelineJS title slide.
func (s *Server) exportTimeline(c echo.Context) error {
	t, err := s.publishedTimeline(c)
	if err != nil {
		return err
	}
	return s.exportEventList(c, &t)
}

func (s *Server) exportEventList(c echo.Context, t *conflict.Timeline) error {
	if err := checkParams(c, append([]string{"format", "view", "sort"}, eventFilterParams...)...); err != nil {
		return err
	}
	format, err := exportFormat(c)
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
	f.Filter.Timeline = t
	d := s.newDownload(c)
	defer d.close()
	o := s.exportOptions(c, d)
	name := "sitrep-events"
	if t != nil {
		o.Title, o.Description, name = t.Title, t.Description, "sitrep-"+t.Slug
	}
	startDownload(c, format, name)
	if f.View == "table" && format == export.CSV {
		// The table view's CSV: its columns, in its sort, row for row.
		return s.streamed(c, export.Table(ctx, d, s.db, f.Filter, f.Sort, sqlite.TableSortLimit, o))
	}
	if t != nil && t.WithEstimates {
		ef := t.EstimateFilter(f.Filter.From, f.Filter.To)
		return s.streamed(c, export.Timeline(ctx, d, s.db, f.Filter, ef, format, o))
	}
	return s.streamed(c, export.Events(ctx, d, s.db, f.Filter, format, o))
}

// exportEstimates downloads the estimates matching the explorer's filter.
func (s *Server) exportEstimates(c echo.Context) error {
	if err := checkParams(c, "format", "force", "actor", "place", "claimant", "claimant_type", "from", "to"); err != nil {
		return err
	}
	format, err := exportFormat(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	f, err := form.ParseEstimateFilter(ctx, c.QueryParams(), s.db)
	if err != nil {
		return err
	}
	if err := firstFieldError(f.Errors, nil); err != nil {
		return err
	}
	d := s.newDownload(c)
	defer d.close()
	o := s.exportOptions(c, d)
	o.Title = "Estimates"
	if f.ResolvedForce != nil {
		o.Title = "Estimates of " + f.ResolvedForce.Name
	}
	startDownload(c, format, "sitrep-estimates")
	return s.streamed(c, export.Estimates(ctx, d, s.db, f.Filter, format, o))
}

// exportAll downloads the whole public record as one archive
// (export.Archive): /api/v1/export/all?format=json, with history=1 for
// every published revision. It takes no filter, and is bound like every
// export by limit.go: its own connection budget, refused with 429 past it.
func (s *Server) exportAll(c echo.Context) error {
	if err := checkParams(c, "format", "history"); err != nil {
		return err
	}
	format, err := exportFormat(c)
	if err != nil {
		return err
	}
	if format != export.JSON {
		return badParam("format", "The whole record is exported as JSON: format=json.")
	}
	history := false
	switch c.QueryParam("history") {
	case "", "0", "false":
	case "1", "true":
		history = true
	default:
		return badParam("history", "history is 1 (every published revision) or 0.")
	}
	d := s.newDownload(c)
	defer d.close()
	startDownload(c, format, "sitrep-all")
	return s.streamed(c, export.Archive(c.Request().Context(), d, s.db, history, export.Options{Flush: d.Flush}))
}

// exportSchema serves the archive's JSON Schema.
func (s *Server) exportSchema(c echo.Context) error {
	c.Response().Header().Set(echo.HeaderCacheControl, "public, max-age=3600")
	return c.Blob(http.StatusOK, "application/schema+json", export.ArchiveSchema)
}
