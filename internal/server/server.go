// Package server is sitrep's HTTP layer: Echo, the routes, one handler
// per action, the error handler and the middleware.
package server

import (
	"errors"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/markdown"
	"github.com/sitrep/sitrep/internal/memory"
	"github.com/sitrep/sitrep/internal/sqlite"
	"github.com/sitrep/sitrep/internal/tiles"
	"github.com/sitrep/sitrep/internal/versioned"
	"github.com/sitrep/sitrep/static"
	"github.com/sitrep/sitrep/web/components"
)

// Config is what the HTTP layer needs from its surroundings.
type Config struct {
	Logger *slog.Logger
	Assets *static.Assets
	// BaseURL is the public origin, e.g. https://sitrep.example.org, that
	// absolute URLs (canonical links, embed snippets, oEmbed, API links)
	// are made against; "" derives it from the request's Host when that
	// is allowed (hosts.go).
	BaseURL string
	// AllowedHosts are the host names (optionally with a port) this
	// server answers for; a request for another is refused 421. Empty
	// answers any, but uses only loopback names in absolute URLs.
	AllowedHosts []string
	// TrustedProxies are the peers whose X-Forwarded-For and
	// X-Forwarded-Proto are believed; from any other peer, the peer is
	// the client and only TLS makes a request HTTPS.
	TrustedProxies []*net.IPNet
	// Accounts configures sessions, cookies and passwords (accounts.go).
	Accounts AccountsConfig
	// CacheBytes bounds the in-memory cache of public responses: 0 means
	// DefaultCacheBytes, a negative number turns the cache off.
	CacheBytes int
	// SpillDir, when set, is the folder whose mapped files keep the map's
	// pins and grids and the explorer's written rows (internal/spill): the
	// database's, which is on a disk. Otherwise, or when no file can be
	// made there, the heap does.
	SpillDir string
	// Bulk limits exports and large API reads (limit.go).
	Bulk BulkLimits
	// Governor, when set, lowers the bounds of the response cache and,
	// when they are kept in the heap, the map's pins and the explorer's
	// rows, as the heap nears its limit.
	Governor *memory.Governor
	// Tiles, when set, is the deployer's own basemap, served under
	// /tiles/ and drawn with MapLibre GL; TilesStyle their own style for
	// it, or nil for a neutral one (tiles.go).
	Tiles      *tiles.Archive
	TilesStyle []byte
}

// Server handles sitrep's HTTP requests.
type Server struct {
	cfg    Config
	db     *sqlite.DB
	log    *slog.Logger
	md     *markdown.Renderer
	acc    *accounts
	hosts  *hosts
	charts chartCache
	// points keeps small forces' estimates for their charts (chart_cache.go).
	points pointsCache
	// pages keeps the first pages of the explorer's table (chart_cache.go).
	pages versioned.Cache[string, *firstPage]
	// rows keeps the explorer's table rows written (estimate_rows.go).
	rows *writtenRows
	// newest keeps when the newest revision was written (embed_panel.go).
	newest versioned.Cache[struct{}, time.Time]
	// counts keeps the counts over time of recent filters (histogram.go).
	counts versioned.Cache[string, conflict.DayCounts]
	// tags keeps the event filter's suggested tags (event_list.go).
	tags versioned.Cache[int, []string]
	// timelinePages keeps what timelines' pages read of their estimates
	// (timeline_estimates.go) and their parts (timeline_parts.go).
	timelinePages timelinePageCache
	cache         *responseCache
	// bulk admits exports and large API reads, which read from bulkDB,
	// the export pool, within limits.
	bulk   *limiter
	bulkDB *sqlite.DB
	limits BulkLimits
	// answering counts the requests other than exports being answered,
	// asked all those received: those exports yield to.
	answering atomic.Int64
	asked     atomic.Int64
	// exporting counts the downloads running, held the refusals being
	// held back (limit.go).
	exporting atomic.Int64
	held      atomic.Int64
	// site keeps the deployment's settings (settings.go).
	site siteSettings
	// options caches the filter forms' suggestions until the next write.
	options struct {
		sync.Mutex
		version int64
		ok      bool
		value   components.FilterOptions
	}
	// maps caches every place's position for the maps (map.go).
	maps mapPlaces
}

// Handler serves every route. Close it when done serving: it keeps files
// beside the database (Config.SpillDir).
type Handler struct {
	*echo.Echo
	s *Server
}

// Close lets go of the files the map's pins and the explorer's rows are
// kept in. A request still reading them keeps what it reads; one served
// after keeps nothing new there, and makes what it needs afresh.
func (h *Handler) Close() error {
	return errors.Join(h.s.maps.pins.store.Close(), h.s.rows.store.Close(), h.s.cache.close())
}

// New returns the handler serving every route.
func New(cfg Config, db *sqlite.DB) *Handler {
	s := &Server{cfg: cfg, db: db, log: cfg.Logger, md: markdown.New(), acc: newAccounts(cfg.Accounts, db), hosts: newHosts(cfg)}
	s.maps.pins = newMapPins(cfg.SpillDir)
	s.rows = newWrittenRows(cfg.SpillDir)
	s.limits = cfg.Bulk.withDefaults()
	s.bulk, s.bulkDB = newLimiter(s.limits), db.Bulk()
	db.SetExportConns(s.limits.Total)
	size := cfg.CacheBytes
	if size == 0 {
		size = DefaultCacheBytes
	}
	cache, err := newResponseCache(size, cfg.SpillDir)
	if err != nil {
		// The options are constants but for the size; serve uncached
		// rather than not at all.
		s.log.Error("response cache off", "err", err)
	}
	s.cache = cache
	if cfg.Governor != nil {
		if cache != nil && cache.spill == nil {
			// Kept in the spill store, the pages' bodies take next to
			// nothing of the heap, and are bounded by the cache alone.
			cfg.Governor.Add(memory.Kept{Name: "responses", Cache: cache.entries, UnitBytes: 1, First: true})
		}
		if s.maps.pins.store == nil {
			// Kept in the spill store, pins take next to nothing of the
			// heap, and are bounded by their own budget alone.
			cfg.Governor.Add(memory.Kept{Name: "map pins", Cache: s.maps.pins, UnitBytes: mapPinUnitBytes})
		}
		if s.rows.store == nil {
			cfg.Governor.Add(memory.Kept{Name: "estimate rows", Cache: s.rows.kept, UnitBytes: 1})
		}
	}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = s.hosts.ipExtractor()
	s.middleware(e)
	s.routes(e)
	return &Handler{Echo: e, s: s}
}
