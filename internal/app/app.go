// Package app wires sitrep together: the database, the demo data, the
// assets and the HTTP server. The command line and the browser tests start
// sitrep through it, so both run the same code.
package app

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/sitrep/sitrep/internal/demo"
	"github.com/sitrep/sitrep/internal/memory"
	"github.com/sitrep/sitrep/internal/server"
	"github.com/sitrep/sitrep/internal/sqlite"
	"github.com/sitrep/sitrep/internal/tiles"
	"github.com/sitrep/sitrep/internal/versioned"
	"github.com/sitrep/sitrep/static"
)

// governorTick is how often the memory governor looks at the heap: under
// load the collector runs a few times a second, and the governor acts
// only on a figure a collection has made since it last acted.
const governorTick = 250 * time.Millisecond

// Config is what sitrep needs to start.
type Config struct {
	// DBPath is the SQLite file, created and migrated when missing.
	DBPath string
	// Demo loads the worked example (a no-op when it is already there).
	Demo   bool
	Logger *slog.Logger
	// BaseURL is the public origin for absolute URLs; AllowedHosts the
	// host names served; TrustedProxies the peers whose X-Forwarded-*
	// headers are believed (server.Config).
	BaseURL        string
	AllowedHosts   []string
	TrustedProxies []*net.IPNet
	// Accounts configures sessions, cookies and password hashing.
	Accounts server.AccountsConfig
	// CacheBytes bounds the cache of public responses (server.Config).
	CacheBytes int
	// MemoryLimit, when above 0, is the process's memory limit in bytes:
	// the kept caches are made smaller when the heap nears it
	// (internal/memory).
	MemoryLimit int64
	// Bulk limits exports and large API reads (server.Config).
	Bulk server.BulkLimits
	// Tiles and TilesStyle are the deployer's own basemap and its style
	// (server.Config); the caller opens and closes the archive.
	Tiles      *tiles.Archive
	TilesStyle []byte
}

// App is a running sitrep: an open database and the handler serving it.
type App struct {
	DB      *sqlite.DB
	handler *server.Handler
	log     *slog.Logger
	// stopWarming ends the warming of pages (StartWarming) and waits
	// for it.
	stopWarming func()
	// stopGovernor ends the memory governor's watch.
	stopGovernor func()
	// stopSearchWarming stops waiting for search's sets of common words
	// and waits for the goroutine that waited, so that nothing Open
	// started outlives Close.
	stopSearchWarming func()
}

// Open opens and migrates the database, loads the demo data when asked,
// and builds the HTTP handler.
func Open(ctx context.Context, cfg Config) (*App, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	db, err := sqlite.Open(ctx, cfg.DBPath)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if cfg.Demo {
		if err := demo.Load(ctx, db); err != nil {
			db.Close()
			return nil, err
		}
	}
	// Warming only makes search faster, and searches are answered
	// meanwhile: a database it cannot sample is searched as before.
	warmCtx, stopWarm := context.WithCancel(context.WithoutCancel(ctx))
	warmed := make(chan struct{})
	stopSearchWarming := func() { stopWarm(); <-warmed }
	go func() {
		defer close(warmed)
		start := time.Now()
		words, err := db.WarmSearch(warmCtx)
		switch {
		case errors.Is(err, context.Canceled):
			return // closed before they were made
		case err != nil:
			cfg.Logger.Warn("search: the common words' sets were not made", "err", err)
			return
		}
		cfg.Logger.Info("search: the common words' sets are made", "words", words, "took", time.Since(start).Round(time.Millisecond))
	}()
	assets, err := static.New()
	if err != nil {
		stopSearchWarming()
		db.Close()
		return nil, err
	}
	var governor *memory.Governor
	stopGovernor := func() {}
	if cfg.MemoryLimit > 0 {
		governor = memory.NewGovernor(cfg.MemoryLimit, cfg.Logger)
		governor.Add(db.KeptCaches()...)
		governor.Follow(versioned.SetScale)
		ctx, stop := context.WithCancel(context.WithoutCancel(ctx))
		done := make(chan struct{})
		go func() { defer close(done); governor.Run(ctx, governorTick) }()
		stopGovernor = func() { stop(); <-done }
	}
	h := server.New(server.Config{Logger: cfg.Logger, Assets: assets, BaseURL: cfg.BaseURL,
		AllowedHosts: cfg.AllowedHosts, TrustedProxies: cfg.TrustedProxies, Accounts: cfg.Accounts, CacheBytes: cfg.CacheBytes, SpillDir: filepath.Dir(cfg.DBPath), Bulk: cfg.Bulk,
		Governor: governor, Tiles: cfg.Tiles, TilesStyle: cfg.TilesStyle}, db)
	return &App{DB: db, handler: h, log: cfg.Logger, stopWarming: func() {}, stopGovernor: stopGovernor,
		stopSearchWarming: stopSearchWarming}, nil
}

// Handler serves every route.
func (a *App) Handler() http.Handler { return a.handler }

// StartWarming warms, in the background, the pages whose first request
// builds what later ones read, and warms them and search's sets of common
// words again after each change to the record (server.KeepWarm), until
// Close. It is called once the site
// is set up (its name, its review rule), as the pages warmed show them.
func (a *App) StartWarming() {
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	// Close waits for a warming under way to end, so that no page is
	// asked for of a closed database.
	a.stopWarming = func() { stop(); <-done }
	first := true
	go func() {
		defer close(done)
		server.KeepWarm(ctx, a.handler, a.DB, server.Warming{Quiet: server.WarmQuiet, SearchQuiet: server.SearchWarmQuiet,
			Pages: func(pages int, took time.Duration, err error) {
				// The first warming is worth a line; the ones after writes
				// would fill the log of a busy desk.
				level := slog.LevelDebug
				if first {
					level = slog.LevelInfo
				}
				first = false
				if err != nil {
					a.log.Warn("pages: not all warmed", "pages", pages, "err", err)
					return
				}
				a.log.Log(ctx, level, "pages: warmed", "pages", pages, "took", took.Round(time.Millisecond))
			},
			Search: func(words int, took time.Duration, err error) {
				if err != nil {
					a.log.Warn("search: the common words' sets were not made again", "err", err)
					return
				}
				a.log.Info("search: sets of common words made again after changes", "words", words, "took", took.Round(time.Millisecond))
			}})
	}()
}

// Close stops warming pages, lets go of the handler's files and closes the
// database.
func (a *App) Close() error {
	a.stopWarming()
	a.stopSearchWarming()
	a.stopGovernor()
	return errors.Join(a.handler.Close(), a.DB.Close())
}
