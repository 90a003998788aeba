package server

import (
	"cmp"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/form"
	"github.com/sitrep/sitrep/web/layout"
)

// oembedResponse is an oEmbed answer of type "rich" (oembed.com, section
// 2.3.4): the iframe of the embed, and what a consumer shows around it.
type oembedResponse struct {
	Version      string `json:"version"`
	Type         string `json:"type"`
	ProviderName string `json:"provider_name"`
	ProviderURL  string `json:"provider_url"`
	Title        string `json:"title"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	HTML         string `json:"html"`
	CacheAge     int    `json:"cache_age"`
}

// oembedError is the body of an oEmbed error; consumers go by the status.
type oembedError struct {
	Error string `json:"error"`
}

// oEmbed sizes: the width offered unless the consumer asks for less, and
// each kind's height (the embed's script resizes it where it runs; an
// oEmbed frame keeps the height given).
const (
	oembedWidth           = 640
	oembedTimelineHeight  = 600
	oembedEstimatesHeight = 640
	oembedEventHeight     = 320
)

// Query keys carried from a page's address into its embed's.
var (
	timelineEmbedKeys  = []string{"actor", "place", "tag", "from", "to", "q", "order"}
	estimatesEmbedKeys = []string{"force", "actor", "place", "claimant", "claimant_type", "from", "to"}
)

// oembed answers /oembed?url=…&maxwidth=…&maxheight=…&format=json for the
// address of a timeline, an event or the estimates explorer on this site:
// 400 without url, 501 for any format but JSON, 404 for an address that is
// not one of ours.
func (s *Server) oembed(c echo.Context) error {
	q := c.QueryParams()
	raw := strings.TrimSpace(q.Get("url"))
	if raw == "" {
		return c.JSON(http.StatusBadRequest, oembedError{"The url parameter is required."})
	}
	if f := q.Get("format"); f != "" && f != "json" {
		return c.JSON(http.StatusNotImplemented, oembedError{"Only format=json is supported."})
	}
	u, err := url.Parse(raw)
	if err != nil || !s.ourURL(c, u) {
		return c.JSON(http.StatusNotFound, oembedError{"That address is not a sitrep page."})
	}
	ctx := c.Request().Context()
	// An address pinned to a moment (asof=, embed_asof.go) gets the
	// embed pinned to it, named as it was then; the answer can then never
	// change, and says so to every cache.
	at, pin, err := s.pinFor(c, u.Query().Get("asof"))
	if err != nil {
		switch conflict.ErrorCode(err) {
		case conflict.Invalid:
			return c.JSON(http.StatusBadRequest, oembedError{conflict.ErrorMessage(err)})
		case conflict.NotFound:
			return c.JSON(http.StatusNotFound, oembedError{conflict.ErrorMessage(err)})
		}
		return err
	}
	if pin && s.pinnedCache(c, at) {
		return c.NoContent(http.StatusNotModified)
	}
	var (
		title, src string
		height     int
	)
	notFound := func() error {
		return c.JSON(http.StatusNotFound, oembedError{"No timeline, event or estimates page is at that address."})
	}
	switch p := u.Path; {
	case strings.HasPrefix(p, "/timelines/") && !strings.Contains(p[len("/timelines/"):], "/"):
		t, err := s.db.FindTimelineBySlug(ctx, p[len("/timelines/"):])
		if conflict.ErrorCode(err) == conflict.NotFound || (err == nil && !t.Status.Public()) {
			return notFound()
		} else if err != nil {
			return err
		}
		if pin {
			then, err := s.db.TimelineAt(ctx, t.ID, at.At)
			if conflict.ErrorCode(err) == conflict.NotFound {
				return c.JSON(http.StatusNotFound, oembedError{"This timeline was not yet published on " + at.words() + "."})
			} else if err != nil {
				return err
			}
			t.Title = then.Title
		}
		title = t.Title + " — timeline on " + s.settings(c.Request().Context()).Name
		src = withQuery("/embed/timelines/"+url.PathEscape(t.Slug), keep(u.Query(), timelineEmbedKeys).Encode())
		height = oembedTimelineHeight
	case strings.HasPrefix(p, "/events/") && !strings.Contains(p[len("/events/"):], "/"):
		id, _, err := parseIDSlug(p[len("/events/"):])
		if err != nil {
			return notFound()
		}
		var e conflict.Event
		if pin {
			e, err = s.db.EventAt(ctx, id, at.At)
		} else {
			e, err = s.publicEvent(c, id)
		}
		if conflict.ErrorCode(err) == conflict.NotFound {
			return notFound()
		} else if err != nil {
			return err
		}
		title = e.Title
		src = fmt.Sprintf("/embed/events/%d", e.ID)
		height = oembedEventHeight
	case p == "/estimates":
		f, err := form.ParseEstimateFilter(ctx, u.Query(), s.db)
		if err != nil {
			return err
		}
		title = "Force-size estimates on " + s.settings(c.Request().Context()).Name
		if f.ResolvedForce != nil {
			force := f.ResolvedForce.Name
			if pin {
				names, _, err := s.db.NamesAt(ctx, at.At, []conflict.ActorID{f.ResolvedForce.ID}, nil)
				if err != nil {
					return err
				}
				force = cmp.Or(names[f.ResolvedForce.ID], force)
			}
			title = "Estimates of " + force + " on " + s.settings(c.Request().Context()).Name
		}
		src = withQuery("/embed/estimates", keep(u.Query(), estimatesEmbedKeys).Encode())
		height = oembedEstimatesHeight
	default:
		return notFound()
	}
	cacheAge := 3600
	if pin {
		src = withAsof(src, at.Text)
		if at.Settled {
			cacheAge = 31536000
		}
	}
	width := oembedWidth
	if n, err := strconv.Atoi(q.Get("maxwidth")); err == nil && n > 0 {
		width = min(width, n)
	}
	if n, err := strconv.Atoi(q.Get("maxheight")); err == nil && n > 0 {
		height = min(height, n)
	}
	return c.JSON(http.StatusOK, oembedResponse{
		Version: "1.0", Type: "rich", ProviderName: s.settings(c.Request().Context()).Name, ProviderURL: s.absURL(c, "/"),
		Title: title, Width: width, Height: height, CacheAge: cacheAge,
		HTML: iframeSnippet(s.absURL(c, src), title, strconv.Itoa(width), height),
	})
}

// ourURL reports whether u is an address on this site: http or https on
// the configured origin's host, or the requested host when none is set.
func (s *Server) ourURL(c echo.Context, u *url.URL) bool {
	if u.Scheme != "http" && u.Scheme != "https" {
		return false
	}
	host := c.Request().Host
	if s.cfg.BaseURL != "" {
		if b, err := url.Parse(s.cfg.BaseURL); err == nil {
			host = b.Host
		}
	}
	return strings.EqualFold(u.Host, host)
}

// keep returns the values of q under the given keys only.
func keep(q url.Values, keys []string) url.Values {
	out := url.Values{}
	for _, k := range keys {
		for _, v := range q[k] {
			if v != "" {
				out.Add(k, v)
			}
		}
	}
	return out
}

// iframeSnippet is the HTML of an embed's iframe, for the oEmbed answer
// and the embed panel's snippet.
func iframeSnippet(src, title, width string, height int) string {
	return `<iframe src="` + html.EscapeString(src) + `" title="` + html.EscapeString(title) + `" width="` + width +
		`" height="` + strconv.Itoa(height) + `" loading="lazy" style="border:0"></iframe>`
}

// oembedAlternates is the oEmbed discovery link for a page: consumers that
// find it ask /oembed about the page's own address.
func (s *Server) oembedAlternates(c echo.Context, pageURL, title string) []layout.Alternate {
	return []layout.Alternate{{
		Type:  "application/json+oembed",
		Href:  s.absURL(c, "/oembed?format=json&url="+url.QueryEscape(pageURL)),
		Title: title,
	}}
}
