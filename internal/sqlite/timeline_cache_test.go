package sqlite_test

import (
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/demo"
	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
)

// A timeline read by its slug is kept until the next write: a change to
// the copy a caller got never reaches the next reader, and an edit is
// read at once.
func TestTimelineBySlugFollowsWrites(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	ctx := t.Context()
	tl, err := db.FindTimelineBySlug(ctx, demo.TimelineSlug)
	if err != nil {
		t.Fatal(err)
	}
	tl.Filter.Tags = append(tl.Filter.Tags, "scribbled")
	tl.Excluded = append(tl.Excluded, 99)
	again, err := db.FindTimelineBySlug(ctx, demo.TimelineSlug)
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Filter.Tags) != 0 || len(again.Excluded) != 0 {
		t.Fatalf("a caller's change reached the next reader: tags %v, excluded %v", again.Filter.Tags, again.Excluded)
	}
	again.Filter.Tags, again.Title = []string{"siege"}, "Mosul, 2016 (revised)"
	if _, err := db.UpdateTimeline(ctx, &again, again.Version, conflict.Change{AuthorName: "test"}); err != nil {
		t.Fatal(err)
	}
	edited, err := db.FindTimelineBySlug(ctx, demo.TimelineSlug)
	if err != nil {
		t.Fatal(err)
	}
	if edited.Title != "Mosul, 2016 (revised)" || len(edited.Filter.Tags) != 1 || edited.Filter.Tags[0] != "siege" {
		t.Errorf("after an edit the timeline reads %q with tags %v", edited.Title, edited.Filter.Tags)
	}
	// A change made in place, not by growing a list, must not reach the
	// next reader either.
	edited.Filter.Tags[0] = "scribbled"
	if kept, err := db.FindTimelineBySlug(ctx, demo.TimelineSlug); err != nil || kept.Filter.Tags[0] != "siege" {
		t.Errorf("a caller's change in place reached the next reader: tags %v (%v)", kept.Filter.Tags, err)
	}
	if _, err := db.FindTimelineBySlug(ctx, "no-such-timeline"); conflict.ErrorCode(err) != conflict.NotFound {
		t.Errorf("an unknown slug gives %v, want NotFound", err)
	}
}
