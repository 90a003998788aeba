package main

import (
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/sqlite"
)

// An export is passed on: a timeline readers cannot see yet is exported
// only when asked for with --drafts.
func TestExportOfADraftTimelineNeedsDrafts(t *testing.T) {
	path := demoDB(t)
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	u := conflict.User{Email: "ed@example.org", Name: "Ed", Role: conflict.RoleEditor}
	if err := db.CreateUser(t.Context(), &u, "x"); err != nil {
		t.Fatal(err)
	}
	tl := conflict.Timeline{Title: "Unreviewed campaign"}
	err = db.CreateTimeline(t.Context(), &tl, conflict.Change{Author: &u.ID, AuthorName: u.Name, Role: u.Role})
	if cerr := db.Close(); err != nil || cerr != nil {
		t.Fatalf("CreateTimeline: %v, %v", err, cerr)
	}
	if out, stderr, err := runCLI(t, "export", "--db", path, "--format", "json", "--timeline", tl.Slug); err == nil || strings.Contains(out, "Unreviewed") {
		t.Errorf("export of a draft timeline = %v, %q; want it refused", err, stderr)
	} else if !strings.Contains(err.Error(), "--drafts") {
		t.Errorf("the refusal %q does not say how to export it anyway", err)
	}
	if _, stderr, err := runCLI(t, "export", "--db", path, "--format", "timelinejs", "--timeline", tl.Slug, "--drafts"); err != nil {
		t.Errorf("export --drafts of a draft timeline: %v\n%s", err, stderr)
	}
}
