// Command benchtool serves the needs of scripts/bench that a shell cannot:
// a bare Echo handler to measure sitrep against on the same machine in
// the same run; lists of distinct addresses drawn from a benchmark
// database, so that a run of distinct URLs asks sitrep real filters that
// no cache has seen; and a desk publishing while the pages are measured.
//
//	benchtool bare -addr 127.0.0.1:8099
//	benchtool urls -db bench.db -page events-actor -n 20000
//	benchtool publish -db bench.db -every 1s
package main

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/conflict"
	_ "modernc.org/sqlite"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "benchtool:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return errors.New("usage: benchtool bare|urls|publish [flags]")
	}
	switch args[0] {
	case "bare":
		fs := flag.NewFlagSet("bare", flag.ExitOnError)
		addr := fs.String("addr", "127.0.0.1:8099", "address to listen on")
		fs.Parse(args[1:])
		return bare(*addr)
	case "urls":
		fs := flag.NewFlagSet("urls", flag.ExitOnError)
		db := fs.String("db", "", "benchmark database")
		page := fs.String("page", "", "which page's addresses")
		n := fs.Int("n", 20000, "how many addresses")
		fs.Parse(args[1:])
		return urls(*db, *page, *n)
	case "publish":
		fs := flag.NewFlagSet("publish", flag.ExitOnError)
		db := fs.String("db", "", "benchmark database")
		every := fs.Duration("every", time.Second, "how often to publish an event")
		fs.Parse(args[1:])
		switch {
		case *db == "":
			return errors.New("publish: -db names no database")
		case *every <= 0:
			return errors.New("publish: -every must be more than zero")
		}
		return publish(*db, *every)
	}
	return fmt.Errorf("unknown command %q", args[0])
}

// bare serves a 2 KB page from a plain Echo v4 handler: the most a Go web
// server does per request on this machine, which sitrep's pages are
// measured against.
func bare(addr string) error {
	page := "<!doctype html><title>bare</title><p>" + strings.Repeat("sitrep ", 290) + "</p>"
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/", func(c echo.Context) error { return c.HTML(http.StatusOK, page) })
	return e.Start(addr)
}

// urls prints n distinct addresses of one page, one a line, from the
// records in the database.
func urls(path, page string, n int) error {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=query_only(1)")
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	list := func(query string) ([]string, error) {
		rows, err := db.QueryContext(ctx, query)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, rows.Err()
	}
	actors, err := list(`SELECT a.name FROM event_key_counts k JOIN actors a ON 'a:' || a.id = k.key WHERE k.key GLOB 'a:*' ORDER BY k.n DESC LIMIT 1000`)
	if err != nil {
		return err
	}
	tags, err := list(`SELECT substr(key, 3) FROM event_key_counts WHERE key GLOB 't:*' ORDER BY n DESC LIMIT 100`)
	if err != nil {
		return err
	}
	timelines, err := list(`SELECT slug FROM timelines WHERE status = 'published' ORDER BY id`)
	if err != nil {
		return err
	}
	forces, err := list(`SELECT a.name FROM actors a WHERE a.id IN (SELECT actor_id FROM estimates GROUP BY actor_id ORDER BY count(*) DESC LIMIT 300)`)
	if err != nil {
		return err
	}
	var maxID int
	if err := db.QueryRowContext(ctx, `SELECT coalesce(max(id), 1) FROM events`).Scan(&maxID); err != nil {
		return err
	}
	words := []string{"fighting", "convoys", "casualties", "skirmishes", "families", "satellite", "operation", "outskirts",
		"residents", "officials", "damage", "commanders", "aid", "dawn", "front", "road", "night", "buildings", "weeks", "area"}
	searchWords := append(slices.Clip(words), "curfew", "checkpoints", "hospitals", "wounded", "civilians", "bridge", "river",
		"supply", "mortar", "school", "trenches", "mines", "villages", "imagery", "confirmation", "opponents", "heavy",
		"hundreds", "route", "destroyed")
	years := []string{"2014", "2015", "2016", "2017", "2018", "2019", "2020", "2021", "2022", "2023"}
	months := []string{"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"}
	rng := rand.New(rand.NewPCG(7, 11))
	pick := func(xs []string) string {
		if len(xs) == 0 {
			return ""
		}
		return xs[rng.IntN(len(xs))]
	}
	wordList := words
	newestSometimes := func(q url.Values) {
		if rng.IntN(2) == 0 {
			q.Set("order", "newest")
		}
	}
	day := func() string { return fmt.Sprintf("%s-%s-%02d", pick(years), pick(months), 1+rng.IntN(28)) }
	month := func() string { return pick(years) + "-" + pick(months) }
	sinceSometimes := func(q url.Values) {
		if rng.IntN(2) == 0 {
			if to := q.Get("to"); to != "" {
				if from := month(); from <= to {
					q.Set("from", from)
				}
			}
		}
	}
	seen := map[string]bool{}
	w := bufioWriter()
	defer w.Flush()
	for tries := 0; len(seen) < n && tries < n*20; tries++ {
		var u string
		q := url.Values{}
		switch page {
		case "events":
			// Ends on any day, and in half of them a start in any month:
			// 6,720 lists ending on a day were too few for a run, whose
			// requests then came round to addresses the response cache
			// held.
			q.Set("to", day())
			sinceSometimes(q)
			newestSometimes(q)
			u = "/events"
		case "events-actor":
			q.Set("actor", pick(actors))
			q.Set("to", pick(years))
			sinceSometimes(q)
			newestSometimes(q)
			u = "/events"
		case "events-actor-from":
			q.Set("actor", pick(actors))
			q.Set("from", month())
			u = "/events"
		case "events-actor-q":
			// A word with an actor: which of the two to read first turns
			// on how common each is, and a wrong choice reads every
			// match of a common word to find a small actor's few.
			q.Set("actor", pick(actors))
			q.Set("q", pick(words))
			q.Set("to", pick(years))
			newestSometimes(q)
			u = "/events"
		case "events-tag":
			// Tags are few (twenty in the synthetic data): their lists end
			// on any day, and some start in a month.
			q.Set("tag", pick(tags))
			q.Set("to", day())
			sinceSometimes(q)
			newestSometimes(q)
			u = "/events"
		case "events-q":
			words := pick(words)
			if rng.IntN(2) == 0 {
				words += " " + pick(wordList)
			}
			q.Set("q", words)
			q.Set("to", pick(years)+"-"+pick(months))
			newestSometimes(q)
			u = "/events"
		case "timeline":
			q.Set("to", day())
			newestSometimes(q)
			u = "/timelines/" + pick(timelines)
		case "embed":
			q.Set("limit", fmt.Sprint(10+rng.IntN(41)))
			q.Set("to", day())
			newestSometimes(q)
			u = "/embed/timelines/" + pick(timelines)
		case "estimates":
			q.Set("to", day())
			sinceSometimes(q)
			u = "/estimates"
		case "estimates-force":
			q.Set("force", pick(forces))
			q.Set("to", day())
			u = "/estimates"
		case "search":
			// Three words, from forty of the synthetic text's: three of
			// twenty made 8,000 searches, fewer than a run asks for.
			q.Set("q", pick(searchWords)+" "+pick(searchWords)+" "+pick(searchWords))
			u = "/search"
		case "event":
			// The address readers follow (the one every list links),
			// not the bare id, which only redirects to it.
			id := 1 + rng.IntN(maxID)
			var title string
			if err := db.QueryRowContext(ctx, `SELECT title FROM events WHERE id = ?`, id).Scan(&title); err != nil {
				continue
			}
			u = fmt.Sprintf("/events/%d-%s", id, conflict.EventSlug(title))
		case "events-table":
			q.Set("view", "table")
			q.Set("to", day())
			sinceSometimes(q)
			q.Set("sort", pick([]string{"date", "-date", "place", "sources"}))
			u = "/events"
		case "map":
			// Views of every event, panned and zoomed about the region.
			q.Set("z", fmt.Sprint(3+rng.IntN(5)))
			q.Set("lat", fmt.Sprintf("%.2f", 30+rng.Float64()*10))
			q.Set("lon", fmt.Sprintf("%.2f", 38+rng.Float64()*10))
			u = "/map"
		case "map-actor":
			// An actor's map as first shown, or zoomed and panned.
			q.Set("actor", pick(actors))
			if rng.IntN(4) > 0 {
				q.Set("z", fmt.Sprint(3+rng.IntN(5)))
				q.Set("lat", fmt.Sprintf("%.1f", 30+rng.Float64()*10))
				q.Set("lon", fmt.Sprintf("%.1f", 38+rng.Float64()*10))
			}
			u = "/map"
		case "map-data":
			// The map's data for a view: every event or one actor's or
			// tag's, panned and zoomed about the region.
			switch rng.IntN(3) {
			case 0:
				q.Set("actor", pick(actors))
			case 1:
				q.Set("tag", pick(tags))
			}
			q.Set("z", fmt.Sprint(3+rng.IntN(5)))
			q.Set("lat", fmt.Sprintf("%.2f", 30+rng.Float64()*10))
			q.Set("lon", fmt.Sprintf("%.2f", 38+rng.Float64()*10))
			u = "/api/v1/events/map"
		case "histogram":
			// The counts over time of an actor's, a tag's or every
			// event, over a span of dates.
			switch rng.IntN(3) {
			case 0:
				q.Set("actor", pick(actors))
			case 1:
				q.Set("tag", pick(tags))
			}
			a, b := rng.IntN(len(years)), rng.IntN(len(years))
			q.Set("from", years[min(a, b)])
			q.Set("to", fmt.Sprintf("%s-%s", years[max(a, b)], pick(months)))
			u = "/api/v1/events/histogram"
		case "api-events":
			q.Set("actor", pick(actors))
			q.Set("from", month())
			u = "/api/v1/events"
		default:
			return fmt.Errorf("no such page %q", page)
		}
		if len(q) > 0 {
			u += "?" + q.Encode()
		}
		if !seen[u] {
			seen[u] = true
			fmt.Fprintln(w, u)
		}
	}
	return nil
}

func bufioWriter() *bufio.Writer { return bufio.NewWriterSize(os.Stdout, 1<<16) }
