// Command deskload adds an editorial workload to a synthetic database, to
// measure the editor's desk and the review queue at scale:
//
//	sitrep synth --db /tmp/desk.db --events 200000
//	go run ./scripts/deskload --db /tmp/desk.db
//
// It prints the accounts it made; each signs in with --password.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/sitrep/sitrep/internal/sqlite"
	"github.com/sitrep/sitrep/internal/sqlite/editload"
)

func main() {
	dbPath := flag.String("db", "", "a database made by sitrep synth")
	password := flag.String("password", editload.Large.Password, "every account's password")
	flag.Parse()
	if *dbPath == "" {
		fmt.Fprintln(os.Stderr, "deskload: --db is required")
		os.Exit(2)
	}
	ctx := context.Background()
	db, err := sqlite.Open(ctx, *dbPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "deskload:", err)
		os.Exit(1)
	}
	defer db.Close()
	cfg := editload.Large
	cfg.Password, cfg.Progress = *password, os.Stderr
	start := time.Now()
	res, err := editload.Seed(ctx, db, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "deskload:", err)
		os.Exit(1)
	}
	fmt.Printf("loaded in %s\ncurator: %s (id %d)\nreviewer: %s (id %d)\n", time.Since(start).Round(time.Second),
		res.Curator.Email, res.Curator.ID, res.Reviewer.Email, res.Reviewer.ID)
	for _, u := range res.Editors {
		fmt.Printf("editor: %s (id %d)\n", u.Email, u.ID)
	}
}
