package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/app"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/demo"
	"github.com/sitrep/sitrep/internal/memory"
	"github.com/sitrep/sitrep/internal/server"
	"github.com/sitrep/sitrep/internal/sqlite"
	"github.com/sitrep/sitrep/internal/synth"
	"github.com/sitrep/sitrep/internal/tiles"
)

// errUsage reports a command-line mistake whose message is already printed.
var errUsage = errors.New("usage")

func exitCode(err error) int {
	if err == errUsage {
		return 2
	}
	return 1
}

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, getenv env, stdin io.Reader, stdout, stderr io.Writer) error
}

var commands = []command{
	{"serve", "serve the web application", serve},
	{"migrate", "create or update the database schema", migrate},
	{"demo", "load the worked example into the database", loadDemo},
	{"user", "manage accounts: add, list, set-role, reset-password, disable, enable", user},
	{"synth", "fill a database with synthetic data for benchmarks", synthesize},
	{"import", "import a CSV file in ACLED's columns, or a JSON export", importData},
	{"export", "export events or estimates as CSV, JSON, GeoJSON or TimelineJS", exportData},
	{"backup", "write a consistent copy of the database while it is in use", backup},
	{"version", "print the version", version},
}

// newFlags builds a command's flag set, printing errors and help to stderr.
func newFlags(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("sitrep "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: sitrep %s [flags]\n\n%s\n\nFlags:\n", name, usage)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags; --help prints the command's help and succeeds.
func parse(fs *flag.FlagSet, args []string) (helped bool, err error) {
	err = fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return true, nil
	}
	if err != nil {
		return false, errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return false, errUsage
	}
	return false, nil
}

// fallback returns the environment variable's value, or def when unset.
func fallback(getenv env, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

func dbFlag(fs *flag.FlagSet, getenv env) *string {
	return fs.String("db", fallback(getenv, "SITREP_DB", "./sitrep.db"), "SQLite database file, created when missing (env SITREP_DB)")
}

// intFallback is a flag's default from the environment, or def when the
// variable is unset or not a whole number (the flag's own parsing then
// reports a bad value given on the command line).
func intFallback(getenv env, name string, def int) int {
	if n, err := strconv.Atoi(getenv(name)); err == nil {
		return n
	}
	return def
}

// newLogger returns serve's logger on w, text or JSON, and the function
// that writes what it holds back when serve stops: its request lines go
// out in batches (logbatch.go).
func newLogger(w io.Writer, getenv env) (*slog.Logger, func()) {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	return batchAccessLog(w, func(w io.Writer) slog.Handler {
		if getenv("SITREP_LOG_FORMAT") == "json" {
			return slog.NewJSONHandler(w, opts)
		}
		return slog.NewTextHandler(w, opts)
	})
}

func serve(ctx context.Context, args []string, getenv env, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("serve", serveUsage, stderr)
	dbPath := dbFlag(fs, getenv)
	addr := fs.String("addr", fallback(getenv, "SITREP_ADDR", ":8080"), "address to listen on (env SITREP_ADDR)")
	withDemo := fs.Bool("demo", getenv("SITREP_DEMO") == "true", "load the worked example into the database first (env SITREP_DEMO=true)")
	baseURL := fs.String("base-url", getenv("SITREP_BASE_URL"), "public origin that absolute links (canonical links, embed snippets, oEmbed, API links) are made on, e.g. https://sitrep.example.org (env SITREP_BASE_URL)")
	allowedHosts := fs.String("allowed-hosts", getenv("SITREP_ALLOWED_HOSTS"), "comma-separated host names served, e.g. sitrep.example.org,www.sitrep.example.org; a request for another gets 421 (env SITREP_ALLOWED_HOSTS)")
	trustedProxies := fs.String("trusted-proxies", getenv("SITREP_TRUSTED_PROXIES"), "comma-separated addresses or CIDRs of the proxies in front, e.g. 127.0.0.1,10.0.0.0/8: only their X-Forwarded-For and X-Forwarded-Proto are believed (env SITREP_TRUSTED_PROXIES)")
	secureCookies := fs.Bool("secure-cookies", getenv("SITREP_SECURE_COOKIES") == "true", "mark cookies Secure on every request; requests over TLS, or from a trusted proxy saying X-Forwarded-Proto: https, get them anyway (env SITREP_SECURE_COOKIES=true)")
	cacheMB := fs.Int("cache-mb", intFallback(getenv, "SITREP_CACHE_MB", server.DefaultCacheBytes>>20), "megabytes of memory for the cache of public pages, kept compressed; 0 turns it off (env SITREP_CACHE_MB)")
	memoryMB := fs.Int("memory-mb", intFallback(getenv, "SITREP_MEMORY_MB", defaultMemoryMB), "megabytes of memory sitrep keeps within: the collector's limit, under which the kept caches are made smaller as the heap nears it, the cache of public pages first; GOMEMLIMIT, when set, is the limit instead (env SITREP_MEMORY_MB)")
	reviewRule := fs.String("review-rule", fallback(getenv, "SITREP_REVIEW_RULE", "two-people"), "who checks what readers see: two-people (a second person reviews every change) or one-person (reviewers publish their own work, for a site curated alone; every page then says entries are not independently reviewed) (env SITREP_REVIEW_RULE)")
	siteName := fs.String("site-name", getenv("SITREP_SITE_NAME"), "the site's name, in page titles, citations and embeds; used on the first start only, then an admin edits it at /admin/settings (env SITREP_SITE_NAME)")
	siteDescription := fs.String("site-description", getenv("SITREP_SITE_DESCRIPTION"), "one line about the site, for search engines and link previews; first start only, like --site-name (env SITREP_SITE_DESCRIPTION)")
	tilesPath := fs.String("tiles", getenv("SITREP_TILES"), "a PMTiles archive (version 3; raster or vector tiles, compressed with gzip or not) that sitrep serves itself under /tiles/ and draws the map on with MapLibre GL, where the reader's browser has WebGL; without it, or without WebGL, the map is drawn on the built-in basemap (env SITREP_TILES)")
	tilesStyle := fs.String("tiles-style", getenv("SITREP_TILES_STYLE"), "your own MapLibre style (JSON) for --tiles; its sources must use sitrep's own tile address, /tiles/{z}/{x}/{y}, and no glyphs, sprite or source may name another host. Without it a plain style is made from the archive (env SITREP_TILES_STYLE)")
	if helped, err := parse(fs, args); helped || err != nil {
		return err
	}
	rule, err := parseReviewRule(*reviewRule)
	if err != nil {
		return err
	}
	if *cacheMB < 0 {
		return fmt.Errorf("--cache-mb %d: give a size in megabytes, or 0 to turn the cache off", *cacheMB)
	}
	if *memoryMB < minMemoryMB {
		return fmt.Errorf("--memory-mb %d: give at least %d megabytes", *memoryMB, minMemoryMB)
	}
	base, err := parseBaseURL(*baseURL)
	if err != nil {
		return err
	}
	hosts, err := parseHosts(*allowedHosts)
	if err != nil {
		return err
	}
	proxies, err := parseProxies(*trustedProxies)
	if err != nil {
		return err
	}
	archive, style, err := openTiles(*tilesPath, *tilesStyle)
	if err != nil {
		return err
	}
	if archive != nil {
		defer archive.Close()
	}
	cacheBytes := *cacheMB << 20
	if cacheBytes == 0 {
		cacheBytes = -1
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(int64(*memoryMB) << 20)
	}
	log, stopLog := newLogger(stderr, getenv)
	defer stopLog()
	if base == "" && len(hosts) == 0 {
		log.Info("neither --base-url nor --allowed-hosts is set: pages asked for by a name other than localhost carry relative links only")
	}
	a, err := app.Open(ctx, app.Config{DBPath: *dbPath, Demo: *withDemo, Logger: log, CacheBytes: cacheBytes, MemoryLimit: memory.Limit(),
		BaseURL: base, AllowedHosts: hosts, TrustedProxies: proxies,
		Accounts: server.AccountsConfig{SecureCookies: *secureCookies}, Tiles: archive, TilesStyle: style})
	if err != nil {
		return err
	}
	defer a.Close()
	if err := nameSite(ctx, a.DB, *siteName, *siteDescription, log); err != nil {
		return err
	}
	a.DB.SetReviewRule(rule)
	a.StartWarming()
	if archive != nil {
		h := archive.Header()
		log.Info("the map draws on the deployment's own tiles", "tiles", *tilesPath, "type", h.TileType.String(),
			"zoom", fmt.Sprintf("%d-%d", h.MinZoom, h.MaxZoom), "style", pick(*tilesStyle != "", *tilesStyle, "made from the archive"))
	}
	if !rule.Independent() {
		log.Info("--review-rule one-person: reviewers publish their own work, and every page says entries are not independently reviewed")
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	srv := &http.Server{
		Handler:           a.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("sitrep serving", "addr", ln.Addr().String(), "db", *dbPath, "demo", *withDemo)
	fmt.Fprintf(stdout, "sitrep is serving on http://%s\n", displayAddr(ln.Addr()))

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// nameSite stores --site-name and --site-description as the site's
// settings on the first start. Later the settings are an admin's to edit at
// /admin/settings, and the flags, kept in a service file, change nothing:
// a restart must not undo the admin's edit.
func nameSite(ctx context.Context, db *sqlite.DB, name, description string, log *slog.Logger) error {
	if name == "" && description == "" {
		return nil
	}
	st := conflict.DefaultSettings()
	if name != "" {
		st.Name = name
	}
	st.Description = description
	stored, err := db.InitSettings(ctx, st)
	if err != nil {
		if fields := conflict.ErrorFields(err); len(fields) > 0 {
			return fmt.Errorf("--site-name, --site-description: %s", fields)
		}
		return err
	}
	if !stored {
		log.Info("the site is already named: --site-name and --site-description are used on the first start only; an admin edits the settings at /admin/settings")
	}
	return nil
}

// defaultMemoryMB is the memory serve keeps within unless told otherwise.
// At a million events under load, the caches at their whole bounds (the
// response cache's 64 MB among them) and the pages being made hold about
// 270 MB live, and the collector held the process at its limit of 448 MB
// (461 MB in all). Within 135 MB the governor keeps the live heap near 65
// MB by lowering the caches' bounds, and sitrep's own memory under load
// stays under 150 MB (147–149 MB, SQLite's page caches included). Every
// page met every target there in two of five benchmark runs, and in the
// others one or two pages missed one target, the table most often (see
// "Memory, kept within a limit" in docs/speed.md). Within 256 MB
// the table, whose rows are then kept, answers half as many again a
// second, for 267 MB of memory: --memory-mb gives a machine with room to
// spare that speed.
const defaultMemoryMB = 135

// minMemoryMB is the least memory serve is given: below it the heap of
// an idle server with empty caches leaves the collector no room.
const minMemoryMB = 64

const serveUsage = `Serve sitrep over HTTP. The database is created and migrated on first start.

Pages, embeds, oEmbed answers and the API carry absolute links, and caches
keep them. They are made on --base-url; without it, on the Host the
request names only when that is one of --allowed-hosts (or, with neither
set, localhost, for development): a page asked for by any other name
carries links relative to the site, so a made-up Host is never written
into a page. With --allowed-hosts, a request for another host gets 421.

Behind a proxy, list it in --trusted-proxies: its X-Forwarded-For names
the client, for the sign-in throttle and the export limits, and its
X-Forwarded-Proto: https makes cookies Secure and adds HSTS. From any
other peer these headers are ignored.

Nothing reaches readers that a second person has not checked: an edit of a
public record waits for a reviewer, and nobody publishes their own
submission (an admin may, by choosing "publish without review", which the
history records). A site curated by one person can switch this off with
--review-rule one-person; every page then says that entries are not
independently reviewed.

The map is drawn on a basemap built into sitrep, with no request to any
other host. To draw it on your own tiles instead, give a PMTiles archive
with --tiles (for example a region extracted with the pmtiles CLI from a
Protomaps build): sitrep serves it itself under /tiles/ and pages draw on
it with MapLibre GL where the browser has WebGL, keeping the built-in map
where it has not.

  sitrep serve --base-url https://sitrep.example.org \
    --allowed-hosts sitrep.example.org --trusted-proxies 127.0.0.1`

// openTiles opens --tiles and reads --tiles-style, refusing in one line
// what sitrep cannot serve.
func openTiles(path, stylePath string) (*tiles.Archive, []byte, error) {
	path, stylePath = strings.TrimSpace(path), strings.TrimSpace(stylePath)
	if path == "" {
		if stylePath != "" {
			return nil, nil, fmt.Errorf("--tiles-style %s: give the tiles it draws with --tiles", stylePath)
		}
		return nil, nil, nil
	}
	a, err := tiles.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("--tiles %s: %s", path, fileProblem(err))
	}
	if stylePath == "" {
		return a, nil, nil
	}
	style, err := tiles.ReadStyle(stylePath)
	if err != nil {
		a.Close()
		return nil, nil, fmt.Errorf("--tiles-style %s: %s", stylePath, fileProblem(err))
	}
	return a, style, nil
}

// fileProblem says what is wrong with a file without repeating its name.
func fileProblem(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file"
	case errors.Is(err, fs.ErrPermission):
		return "not allowed to read it"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func pick(cond bool, a, b string) string {
	if cond {
		return a
	}
	return b
}

// parseReviewRule reads --review-rule.
func parseReviewRule(s string) (conflict.ReviewRule, error) {
	switch strings.TrimSpace(s) {
	case "two-people", "":
		return conflict.TwoPeople, nil
	case "one-person":
		return conflict.OnePerson, nil
	}
	return conflict.TwoPeople, fmt.Errorf("--review-rule %q: use two-people (the default) or one-person", s)
}

// parseBaseURL checks --base-url: an http or https origin, without a path
// (sitrep serves from the root of its host).
func parseBaseURL(s string) (string, error) {
	s = strings.TrimRight(strings.TrimSpace(s), "/")
	if s == "" {
		return "", nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("--base-url %q: give an origin such as https://sitrep.example.org, without a path", s)
	}
	return s, nil
}

// parseHosts reads --allowed-hosts: host names, each with a port or not.
func parseHosts(s string) ([]string, error) {
	var hosts []string
	for h := range strings.SplitSeq(s, ",") {
		h = strings.ToLower(strings.TrimSpace(h))
		if h == "" {
			continue
		}
		if strings.ContainsAny(h, "/ @?#") {
			return nil, fmt.Errorf("--allowed-hosts: %q is not a host name; give names such as sitrep.example.org or sitrep.example.org:8443", h)
		}
		hosts = append(hosts, h)
	}
	return hosts, nil
}

// parseProxies reads --trusted-proxies: CIDRs, or single addresses.
func parseProxies(s string) ([]*net.IPNet, error) {
	var nets []*net.IPNet
	for p := range strings.SplitSeq(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if !strings.Contains(p, "/") {
			ip := net.ParseIP(p)
			if ip == nil {
				return nil, fmt.Errorf("--trusted-proxies: %q is neither an address nor a CIDR such as 10.0.0.0/8", p)
			}
			bits := 128
			if ip.To4() != nil {
				ip, bits = ip.To4(), 32
			}
			nets = append(nets, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
			continue
		}
		_, n, err := net.ParseCIDR(p)
		if err != nil {
			return nil, fmt.Errorf("--trusted-proxies: %q is neither an address nor a CIDR such as 10.0.0.0/8", p)
		}
		nets = append(nets, n)
	}
	return nets, nil
}

// displayAddr turns ":8080" into "localhost:8080" for the line people click.
func displayAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if ok && (tcp.IP == nil || tcp.IP.IsUnspecified()) {
		return fmt.Sprintf("localhost:%d", tcp.Port)
	}
	return a.String()
}

func migrate(ctx context.Context, args []string, getenv env, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("migrate", "Create the database or bring its schema up to date.", stderr)
	dbPath := dbFlag(fs, getenv)
	if helped, err := parse(fs, args); helped || err != nil {
		return err
	}
	db, err := sqlite.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database %s is up to date\n", *dbPath)
	return nil
}

func loadDemo(ctx context.Context, args []string, getenv env, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("demo", "Load the worked example (a VOA report on Mosul, 29 September 2016).\nLoading it again changes nothing.", stderr)
	dbPath := dbFlag(fs, getenv)
	if helped, err := parse(fs, args); helped || err != nil {
		return err
	}
	db, err := sqlite.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	if err := demo.Load(ctx, db); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "demo data loaded into %s: see the timeline /timelines/%s\n", *dbPath, demo.TimelineSlug)
	return nil
}

const synthUsage = `Fill a database with synthetic events and estimates, to measure speed.
Never run it on a database that holds real records.

  sitrep synth --db /tmp/1m.db --events 1000000 --estimates 100000 \
    --actors 2000 --places 10000 --sources 20000

The record is skewed as real conflicts are: a few actors, places and tags
have most of the events, actors nest two or three deep, places nest city ›
province › country, many places have Arabic names too, and the biggest
actor's estimates come from forty claimants. Five published timelines are
made for benchmarks to visit; their slugs are printed at the end. The same
--seed gives the same record.

Records are written in batches that commit as they go, and the search
indexes and event postings are filled in once at the end, each step
printed with its time (the postings are sorted meanwhile in a scratch
file beside the database, deleted after): a synth cut short leaves a
database fit only to be deleted.`

func synthesize(ctx context.Context, args []string, getenv env, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("synth", synthUsage, stderr)
	dbPath := dbFlag(fs, getenv)
	var o synth.Options
	fs.IntVar(&o.Events, "events", 100_000, "number of events")
	fs.IntVar(&o.Estimates, "estimates", 10_000, "number of estimates")
	fs.IntVar(&o.Actors, "actors", 200, "number of actors")
	fs.IntVar(&o.Places, "places", 1_000, "number of places")
	fs.IntVar(&o.Sources, "sources", 2_000, "number of sources")
	fs.StringVar(&o.Force, "force", "", "give every estimate to one force of this name (to chart many estimates)")
	seed := fs.Uint64("seed", 1, "random seed; the same seed gives the same data")
	if helped, err := parse(fs, args); helped || err != nil {
		return err
	}
	o.Seed = *seed
	db, err := sqlite.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	start := time.Now()
	o.Progress = func(done, total int) {
		fmt.Fprintf(stdout, "%d/%d records (%.0f/s)\n", done, total, float64(done)/time.Since(start).Seconds())
	}
	o.Step = func(name string, took time.Duration) {
		fmt.Fprintf(stdout, "%s (%s)\n", name, took.Round(100*time.Millisecond))
	}
	rep, err := synth.Generate(ctx, db, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "generated %d events and %d estimates in %s\n", o.Events, o.Estimates, time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(stdout, "biggest actor: %s (/actors/%s); biggest place: %s (/places/%s); biggest tag: %s\n",
		rep.BiggestActor.Name, rep.BiggestActor.Slug, rep.BiggestPlace.Name, rep.BiggestPlace.Slug, rep.BiggestTag)
	if rep.Claimants > 0 {
		fmt.Fprintf(stdout, "%s's estimates have %d claimants\n", rep.BiggestActor.Name, rep.Claimants)
	}
	for _, t := range rep.Timelines {
		fmt.Fprintf(stdout, "timeline /timelines/%s: %s\n", t.Slug, t.Title)
	}
	return nil
}

func version(_ context.Context, args []string, _ env, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("version", "Print sitrep's version.", stderr)
	if helped, err := parse(fs, args); helped || err != nil {
		return err
	}
	v := "(devel)"
	if info, ok := debug.ReadBuildInfo(); ok {
		if info.Main.Version != "" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " " + s.Value[:12]
			}
		}
	}
	fmt.Fprintln(stdout, "sitrep", v)
	return nil
}
