package server

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/tiles"
	"github.com/sitrep/sitrep/web/components"
	"github.com/sitrep/sitrep/web/embed"
)

// A deployment may give sitrep its own basemap: a PMTiles archive it
// serves itself under /tiles/, drawn in the browser with MapLibre GL.
// Without one, none of these routes exist and the map is the SVG drawn on
// the server (map.go), which stays in every page as the fallback.

// tilePrefix is where the tiles and their style are served.
const tilePrefix = "/tiles/"

// tileURL is the tiles' address template in a style.
const tileURL = tilePrefix + "{z}/{x}/{y}"

// tileCacheControl lets browsers and caches keep a tile a day and serve
// it for a week more while they ask again; the ETag makes the asking
// cheap. A tile's address stays the same when the deployer replaces the
// archive, so it cannot be kept for ever.
const tileCacheControl = "public, max-age=86400, stale-while-revalidate=604800"

// isTiles reports whether path is a tile or the tiles' style: public
// reads of a file, which need no session, no page cache and no place in
// the line of pages being made.
func isTiles(path string) bool { return strings.HasPrefix(path, tilePrefix) }

// tileRoutes adds the tile routes and the places' GeoJSON the map draws on
// them, when the deployment has tiles.
func (s *Server) tileRoutes(e *echo.Echo) {
	if s.cfg.Tiles == nil {
		return
	}
	style, err := s.tileStyle()
	if err != nil {
		// An archive whose metadata makes no style answers as it did
		// when each request made one.
		style = func(echo.Context) error { return err }
	}
	e.GET("/tiles/style.json", style)
	e.GET("/tiles/:z/:x/:y", s.tile)
	e.GET("/map.json", s.mapPlaces)
}

// tile is /tiles/{z}/{x}/{y}: one tile from the archive, as stored.
func (s *Server) tile(c echo.Context) error {
	a := s.cfg.Tiles
	h := a.Header()
	y := c.Param("y")
	if i := strings.IndexByte(y, '.'); i > 0 {
		// Styles written for other servers name a format: 3.png, 3.pbf.
		y = y[:i]
	}
	z, errZ := strconv.ParseUint(c.Param("z"), 10, 8)
	tx, errX := strconv.ParseUint(c.Param("x"), 10, 32)
	ty, errY := strconv.ParseUint(y, 10, 32)
	if errZ != nil || errX != nil || errY != nil || z > tiles.MaxZoom || tx >= 1<<z || ty >= 1<<z {
		return c.String(http.StatusBadRequest, "no such tile: give /tiles/{z}/{x}/{y}, whole numbers with x and y below 2 to the power z\n")
	}
	t, ok, err := a.Tile(uint8(z), uint32(tx), uint32(ty))
	if err != nil {
		return err
	}
	// Cached only once read: a corrupt archive's error is not kept.
	res := c.Response().Header()
	res.Set("Cache-Control", tileCacheControl)
	if !ok {
		// Archives leave out empty tiles (open sea); MapLibre draws
		// nothing there.
		return c.NoContent(http.StatusNotFound)
	}
	body, gz := t.Data, h.TileCompression == tiles.CompressionGzip
	etag := `"` + a.Tag() + "-" + strconv.FormatUint(t.Offset, 36)
	if gz {
		res.Add("Vary", "Accept-Encoding")
		if !acceptsGzip(c.Request().Header.Get(echo.HeaderAcceptEncoding)) {
			if body, err = a.Inflated(t); err != nil {
				return err
			}
			gz, etag = false, etag+"-identity"
		}
	}
	etag += `"`
	res.Set("ETag", etag)
	if etagMatch(c.Request().Header.Get("If-None-Match"), etag) {
		return c.NoContent(http.StatusNotModified)
	}
	if gz {
		res.Set("Content-Encoding", "gzip")
	}
	return c.Blob(http.StatusOK, h.TileType.ContentType(), body)
}

// tilePalettes are the default style's colours, the SVG map's own
// (site.css, --map-*), light and dark.
var tilePalettes = map[bool]tiles.Palette{
	false: {Sea: "#dce8f0", Land: "#f4f1ea", Border: "#b9b2a5", Line: "#cfc8bb"},
	true:  {Sea: "#0e1a24", Land: "#2a2d33", Border: "#4a4f58", Line: "#3a3e45"},
}

// tileStyle is /tiles/style.json: the deployer's own MapLibre style, or
// a neutral one made from the archive (?theme=dark for the dark one).
// Both are made once, with their ETags, when the routes are added.
func (s *Server) tileStyle() (echo.HandlerFunc, error) {
	type style struct {
		body []byte
		etag string
	}
	made := map[bool]style{}
	for _, dark := range []bool{false, true} {
		body := s.cfg.TilesStyle
		if body == nil {
			var err error
			if body, err = s.cfg.Tiles.DefaultStyle(tileURL, tilePalettes[dark]); err != nil {
				return nil, err
			}
		}
		sum := sha256.Sum256(body)
		made[dark] = style{body, `"` + hex.EncodeToString(sum[:10]) + `"`}
	}
	return func(c echo.Context) error {
		st := made[c.QueryParam("theme") == embed.ThemeDark]
		h := c.Response().Header()
		h.Set("Cache-Control", "public, max-age=3600")
		h.Set("ETag", st.etag)
		if etagMatch(c.Request().Header.Get("If-None-Match"), st.etag) {
			return c.NoContent(http.StatusNotModified)
		}
		return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, st.body)
	}, nil
}

// placesJSON is /map.json: the places of the filtered events as GeoJSON,
// one point per place with its count, counted as the SVG map counts them
// (mapPinsOf), never one per event. List is the list of the events with
// the filter but its places, for a cluster's link to add its own.
type placesJSON struct {
	Type     string         `json:"type"`
	List     string         `json:"list"`
	Features []placeFeature `json:"features"`
}

type placeFeature struct {
	Type       string `json:"type"`
	ID         int    `json:"id"`
	Geometry   point  `json:"geometry"`
	Properties struct {
		Name string `json:"name"`
		Slug string `json:"slug"`
		N    int    `json:"n"`
		// Approx is set for a place without a position of its own,
		// drawn at At, the place it is in.
		Approx bool   `json:"approx"`
		At     string `json:"at,omitempty"`
		Href   string `json:"href"`
	} `json:"properties"`
}

type point struct {
	Type        string     `json:"type"`
	Coordinates [2]float64 `json:"coordinates"`
}

// mapPlaces is /map.json, with /map's filter and timeline.
func (s *Server) mapPlaces(c echo.Context) error {
	r, err := s.readMapRequest(c, "/map", mapWidth, mapHeight)
	if err != nil {
		return err
	}
	mp, err := s.mapPinsOf(c.Request().Context(), r)
	if err != nil {
		return err
	}
	defer mp.release()
	out := placesJSON{Type: "FeatureCollection", List: r.listOf(nil), Features: make([]placeFeature, 0, len(mp.pins))}
	for i, p := range mp.pins {
		pl := mp.places[p.Key]
		f := placeFeature{Type: "Feature", ID: i, Geometry: point{Type: "Point", Coordinates: [2]float64{round6(p.Point.Lon), round6(p.Point.Lat)}}}
		f.Properties.Name, f.Properties.Slug, f.Properties.N = pl.Name, pl.Slug, p.N
		f.Properties.Approx, f.Properties.At = pl.at != "", pl.at
		f.Properties.Href = r.listOf([]string{pl.Slug})
		out.Features = append(out.Features, f)
	}
	return c.JSON(http.StatusOK, out)
}

// round6 keeps a coordinate to a tenth of a metre or so: more digits
// only weigh.
func round6(f float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'f', 6, 64), 64)
	return v
}

// mapGL is what a map page needs to draw itself on the deployment's
// tiles, or nil without tiles or for a map pinned to a past moment (its
// places come from the counts as published then, which /map.json does not
// answer: the SVG shows it).
func (s *Server) mapGL(r mapRequest) *components.MapGL {
	if s.cfg.Tiles == nil || r.at != nil {
		return nil
	}
	asset := s.cfg.Assets.URL
	return &components.MapGL{
		Style: tilePrefix + "style.json", Places: r.link("/map.json"),
		Script: asset("js/map.js"), Library: asset("js/maplibre-gl.mjs"), Worker: asset("js/maplibre-gl-worker.mjs"),
		CSS: asset("css/maplibre-gl.css"), Stylesheet: asset("css/map-gl.css"),
	}
}
