package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/api"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/export"
	"github.com/sitrep/sitrep/internal/form"
	"github.com/sitrep/sitrep/internal/importer"
	"github.com/sitrep/sitrep/internal/markdown"
	"github.com/sitrep/sitrep/internal/sqlite"
)

// listFlag is a flag that may be given several times.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ", ") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// openExisting opens a database that must already exist: reading
// commands never create an empty one by mistake.
func openExisting(ctx context.Context, path string) (*sqlite.DB, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("database %s does not exist (set --db or SITREP_DB)", path)
	}
	return sqlite.Open(ctx, path)
}

const exportUsage = `Write the events or estimates matching a filter to a file, as the site's
download links do. The filter flags are the pages' own filters.

  sitrep export --format csv --what events --actor ISIS --from 2016-07 --out is.csv
  sitrep export --format timelinejs --timeline mosul-2016 --out mosul.json
  sitrep export --format json --what estimates --force ISIS

JSON exports can be imported into another sitrep with sitrep import.

--what all writes the whole public record as one JSON file (--format json):
every published actor (aliases, kind, parent, colour), place (names in
every script, parent, coordinates), source (with its grade) and timeline
(filter, pins, exclusions), and every published or retracted event and
estimate with its citations, linked by id. Drafts, submissions, rejected
records and edits waiting for review are never written. The same records
always give the same bytes; its JSON Schema is served at
/api/v1/schema/export.json. --with-history adds every published revision.
sitrep import reads the file back, into an empty database or to update
another.

  sitrep export --format json --what all --out sitrep.json
  sitrep export --format json --what all --with-history --out sitrep-history.json`

func exportData(ctx context.Context, args []string, getenv env, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("export", exportUsage, stderr)
	dbPath := dbFlag(fs, getenv)
	format := fs.String("format", "csv", "csv, json, geojson or timelinejs")
	what := fs.String("what", "events", "events, estimates or all (the whole public record, JSON only)")
	history := fs.Bool("with-history", false, "with --what all: add every published revision of each record")
	timeline := fs.String("timeline", "", "export this timeline's events (its slug), with the filter on top")
	drafts := fs.Bool("drafts", false, "let --timeline name a timeline that is not published yet")
	out := fs.String("out", "", "file to write; standard output when left out")
	baseURL := fs.String("base-url", getenv("SITREP_BASE_URL"), "public origin for the records' page addresses (env SITREP_BASE_URL)")
	var actors, places, tags listFlag
	fs.Var(&actors, "actor", "events with this actor (name, alias or slug); repeat for any of several")
	fs.Var(&places, "place", "records at this place or inside it; repeat for any of several")
	fs.Var(&tags, "tag", "events with this tag; repeat for any of several")
	from := fs.String("from", "", "records from this date on: 2016-07, Jul 2016")
	to := fs.String("to", "", "records up to this date")
	q := fs.String("q", "", "events with these words")
	order := fs.String("order", "", "events oldest (default) or newest first")
	force := fs.String("force", "", "estimates of this force")
	claimant := fs.String("claimant", "", "estimates by this claimant")
	if helped, err := parse(fs, args); helped || err != nil {
		return err
	}
	f, err := export.ParseFormat(*format)
	if err != nil {
		fmt.Fprintln(stderr, conflict.ErrorMessage(err))
		return errUsage
	}
	if *what == "all" {
		return exportAll(ctx, fs, f, *dbPath, *out, *history, stdout, stderr)
	}
	if *history {
		fmt.Fprintln(stderr, "--with-history goes with --what all")
		return errUsage
	}
	if *what != "events" && *what != "estimates" {
		fmt.Fprintf(stderr, "--what is events, estimates or all, not %q\n", *what)
		return errUsage
	}
	if *what == "estimates" && *timeline != "" {
		fmt.Fprintln(stderr, "--timeline exports events; leave out --what estimates")
		return errUsage
	}
	values := url.Values{"actor": actors, "place": places, "tag": tags}
	for k, v := range map[string]string{"from": *from, "to": *to, "q": *q, "order": *order, "force": *force, "claimant": *claimant} {
		if v != "" {
			values.Set(k, v)
		}
	}
	db, err := openExisting(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	md := markdown.New()
	o := export.Options{Links: api.Links{Base: strings.TrimRight(*baseURL, "/")},
		HTML: func(s string) string { return string(md.Render(s)) }}
	w, finish, err := output(*out, stdout)
	if err != nil {
		return err
	}
	if *what == "estimates" {
		ef, err := form.ParseEstimateFilter(ctx, values, db)
		if err != nil {
			return finish(err)
		}
		if err := filterErrors(stderr, ef.Errors); err != nil {
			return finish(err)
		}
		o.Title = "Estimates"
		if ef.ResolvedForce != nil {
			o.Title = "Estimates of " + ef.ResolvedForce.Name
		}
		return finish(export.Estimates(ctx, w, db, ef.Filter, f, o))
	}
	ev, err := form.ParseEventFilter(ctx, values, db)
	if err != nil {
		return finish(err)
	}
	if err := filterErrors(stderr, ev.Errors); err != nil {
		return finish(err)
	}
	if *timeline != "" {
		t, err := db.FindTimelineBySlug(ctx, *timeline)
		if err != nil {
			return finish(fmt.Errorf("timeline %q: %s", *timeline, conflict.ErrorMessage(err)))
		}
		if !t.Status.Public() && !*drafts {
			// An export is passed on; what readers may not see stays in
			// unless asked for by name.
			return finish(fmt.Errorf("timeline %q is %s, not published: add --drafts to export it anyway", *timeline, strings.ToLower(t.Status.Label())))
		}
		ev.Filter.Timeline = &t
		o.Title, o.Description = t.Title, t.Description
		if t.WithEstimates {
			ef := t.EstimateFilter(ev.Filter.From, ev.Filter.To)
			return finish(export.Timeline(ctx, w, db, ev.Filter, ef, f, o))
		}
	}
	return finish(export.Events(ctx, w, db, ev.Filter, f, o))
}

// exportAll writes the whole public record (export.Archive). A filter
// would make it a part of the record, so none is taken.
func exportAll(ctx context.Context, fs *flag.FlagSet, f export.Format, dbPath, out string, history bool, stdout, stderr io.Writer) error {
	if f != export.JSON {
		fmt.Fprintln(stderr, "--what all is written as JSON: use --format json")
		return errUsage
	}
	var filtered []string
	fs.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "format", "what", "with-history", "out", "db", "base-url":
		default:
			filtered = append(filtered, "--"+fl.Name)
		}
	})
	if len(filtered) > 0 {
		fmt.Fprintf(stderr, "--what all exports the whole record; leave out %s\n", strings.Join(filtered, ", "))
		return errUsage
	}
	db, err := openExisting(ctx, dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	w, finish, err := output(out, stdout)
	if err != nil {
		return err
	}
	return finish(export.Archive(ctx, w, db, history, export.Options{}))
}

// filterErrors prints what could not be read of the filter; an export
// must never quietly export something other than what was asked.
func filterErrors(stderr io.Writer, errs conflict.FieldErrors) error {
	if len(errs) == 0 {
		return nil
	}
	keys := make([]string, 0, len(errs))
	for k := range errs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(stderr, "--%s: %s\n", k, errs[k])
	}
	return errUsage
}

// output opens the file an export writes, or standard output. finish
// closes it, and removes a file left unfinished by an error.
func output(path string, stdout io.Writer) (io.Writer, func(error) error, error) {
	if path == "" || path == "-" {
		return stdout, func(err error) error { return err }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	return f, func(err error) error {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(path)
		}
		return err
	}, nil
}

const importUsage = `Import FILE: a CSV file in ACLED's columns, or a JSON export of sitrep.
A whole-record export (sitrep export --what all) is read whole: actors,
places, sources, timelines, events and estimates, matched by slug, address
or external id (an event or estimate without one by its id), created or
updated in one transaction; an unknown
field or a bad value is reported by its JSON path
(events[12].citations[2].sorce).

  sitrep import --dry-run acled-iraq-2016.csv
  sitrep import acled-iraq-2016.csv

The file is checked whole first. A file with any problem (a wrong header,
a bad date or coordinate, an id given twice, text that is not UTF-8, a cell
over 10 KB) is reported row by row (the first 1,000 problems, and a count of
the rest) and nothing is imported; otherwise all of it is imported in one
transaction. The file is read a row at a time, once to check and once to
import, so a file of any size needs little memory. Records are matched by
their ids, so importing the same file again changes nothing, and a changed
row updates its event. Revisions name the import ("import: FILE") as their author.
A bar shows how much of the file has been read; a file that only adds records
then has them indexed for search, lists and counts (a few seconds for 100,000
rows), and says so.

ACLED's columns become: event_id_cnty the external id (acled:ID);
event_date with time_precision the date (1 the day, 2 about that day,
written 2016-09-27~, 3 the month); actor1, actor2 and the assoc_actor
columns the actors, matched by name or alias or created; country › admin1
› admin2 › location the place, matched step by step or created, with the
row's coordinates; event_type and sub_event_type tags and the title; notes
and fatalities the body. ACLED's source column names publishers, not
articles: each publisher becomes one source at the placeholder address
https://acled.invalid/source/NAME, under .invalid, a domain reserved never
to exist, because sitrep keeps one source per address and ACLED gives
none; the source's title says the article is not identified.
geo_precision and source_scale are checked, not kept.

A CSV file whose header names type_of_violence is read as UCDP's
Georeferenced Event Dataset: id the external id (ged:ID); date_start and
date_end with date_prec a date no more precise than GED knows it; side_a
and side_b the actors; country › adm_1 › adm_2 › where_coordinates the
place; source_article the sources (split at ";"; most have no address and
are found by publisher, title and date); best, low, high and each side's
deaths the body.

  sitrep import --format geonames IQ.txt
  sitrep import --format actors actors.csv

--format geonames reads GeoNames' tab-separated gazetteer: each row
creates a place, or enriches the stored one of that name in the same
parent, with its other names in every script, position and kind; the
country, admin1 and admin2 rows make the hierarchy. --format actors reads a
CSV with the columns name, aliases (split at | or ;), kind and parent (a
name or alias, anywhere in the file or stored).`

func importData(ctx context.Context, args []string, getenv env, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("import", importUsage, stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: sitrep import [flags] FILE\n\n%s\n\nFlags:\n", importUsage)
		fs.PrintDefaults()
	}
	dbPath := dbFlag(fs, getenv)
	dry := fs.Bool("dry-run", false, "check the file and say what importing it would do, without importing")
	status := fs.String("status", "published", "status of events from a CSV file: published or draft")
	format := fs.String("format", "", "geonames or actors for a gazetteer; empty reads ACLED or UCDP GED CSV or JSON, told by content")
	file, helped, err := parseWithFile(fs, args)
	if helped || err != nil {
		return err
	}
	if *status != "published" && *status != "draft" {
		fmt.Fprintf(stderr, "--status is published or draft, not %q\n", *status)
		return errUsage
	}
	if *format != "" && *format != importer.FormatGeoNames && *format != importer.FormatActors {
		fmt.Fprintf(stderr, "--format is geonames or actors, or empty, not %q\n", *format)
		return errUsage
	}
	in, err := os.Open(file)
	if err != nil {
		return err
	}
	defer in.Close()
	db, err := sqlite.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	// An import's memory does not grow with its file (a 32 MB page cache,
	// a row at a time); a soft limit has the collector keep it so.
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(128 << 20)
	}
	name := filepath.Base(file)
	bar := newProgress(stderr)
	start := time.Now()
	res, err := importer.Run(ctx, db, in, importer.Options{Name: name, DryRun: *dry, Status: conflict.Status(*status), Format: *format,
		Progress: func(stage string, done, total int64) { bar.update(stage, done, total, "bytes") }})
	bar.done()
	if err != nil && conflict.ErrorCode(err) != conflict.Invalid {
		return err
	}
	report(stdout, name, res, *dry)
	if n := len(res.Problems) + res.Unlisted; n > 0 {
		return fmt.Errorf("%s has %s; nothing was imported", name, importer.Problems(n))
	}
	if res.Committed {
		if err := db.Checkpoint(ctx); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "imported %s into %s in %s\n", name, *dbPath, time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// parseWithFile parses flags given before or after one file argument.
func parseWithFile(fs *flag.FlagSet, args []string) (string, bool, error) {
	var files []string
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			return "", true, nil
		}
		if err != nil {
			return "", false, errUsage
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(files) != 1 {
		fmt.Fprintln(fs.Output(), "name one file")
		fs.Usage()
		return "", false, errUsage
	}
	return files[0], false, nil
}

// report prints what an import did, or would do, and every problem.
func report(w io.Writer, name string, r conflict.ImportResult, dry bool) {
	verb := "imported"
	if dry || !r.Committed {
		verb = "would import"
	}
	if n := len(r.Problems) + r.Unlisted; n > 0 {
		fmt.Fprintf(w, "%s: %s, nothing imported\n", name, importer.Problems(n))
		for _, p := range r.Problems {
			fmt.Fprintln(w, "  "+p.String())
		}
		if r.Unlisted > 0 {
			fmt.Fprintf(w, "  … and %d more, not listed\n", r.Unlisted)
		}
		return
	}
	fmt.Fprintf(w, "%s: %s\n", name, verb)
	fmt.Fprintf(w, "  %-10s %9s %9s %9s\n", "", "created", "matched", "updated")
	for _, k := range []struct {
		what string
		n    conflict.ImportCounts
	}{{"events", r.Events}, {"estimates", r.Estimates}, {"actors", r.Actors}, {"places", r.Places}, {"sources", r.Sources}} {
		fmt.Fprintf(w, "  %-10s %9d %9d %9d\n", k.what, k.n.Created, k.n.Matched, k.n.Updated)
	}
}

const backupUsage = `Write a consistent copy of the database to FILE, while sitrep keeps
serving: SQLite's VACUUM INTO copies one moment's state, compacted, into a
new file that is a complete database on its own, with the 8 KB pages of a
new database whatever the original's. An existing FILE is never
overwritten.

  sitrep backup /backups/sitrep-$(date +%F).db

To restore, stop sitrep, copy the backup to the database's path (remove
any sitrep.db-wal and sitrep.db-shm beside it), and start sitrep again.`

func backup(ctx context.Context, args []string, getenv env, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("backup", backupUsage, stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: sitrep backup [flags] FILE\n\n%s\n\nFlags:\n", backupUsage)
		fs.PrintDefaults()
	}
	dbPath := dbFlag(fs, getenv)
	file, helped, err := parseWithFile(fs, args)
	if helped || err != nil {
		return err
	}
	db, err := openExisting(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	if err := db.Backup(ctx, file); err != nil {
		if conflict.ErrorCode(err) == conflict.Internal {
			return fmt.Errorf("backup to %s: %w", file, err)
		}
		return errors.New(conflict.ErrorMessage(err))
	}
	size := int64(0)
	if info, err := os.Stat(file); err == nil {
		size = info.Size()
	}
	fmt.Fprintf(stdout, "backed up %s to %s (%s) in %s\n", *dbPath, file, byteSize(size), time.Since(start).Round(time.Millisecond))
	return nil
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
