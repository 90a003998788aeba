package main

import (
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/sqlite"
)

// --site-name and --site-description name a new deployment; after that
// the settings are the admin's, and a restart with the flags still in the
// service file does not undo their edits.
func TestSiteNameFlags(t *testing.T) {
	_, stderr, err := runCLI(t, "serve", "--help")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"-site-name", "SITREP_SITE_NAME", "-site-description", "SITREP_SITE_DESCRIPTION", "/admin/settings"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("serve --help lacks %q", want)
		}
	}

	ctx := t.Context()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "sitrep.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := nameSite(ctx, db, strings.Repeat("x", 101), "", log); err == nil || !strings.Contains(err.Error(), "Site name is too long") {
		t.Errorf("a 101-character name = %v, want an error saying it is too long", err)
	}
	if err := nameSite(ctx, db, "  Mosul  Monitor ", "Who did what, sourced.", log); err != nil {
		t.Fatal(err)
	}
	if err := nameSite(ctx, db, "Another Name", "", log); err != nil {
		t.Fatal(err)
	}
	st, err := db.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Name != "Mosul Monitor" || st.Description != "Who did what, sourced." {
		t.Errorf("settings = %+v, want the first start's name and description, tidied", st)
	}
}
