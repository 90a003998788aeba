package sqlite_test

import (
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/demo"
	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
)

func TestLastChange(t *testing.T) {
	db := sqlitetest.New(t)
	ctx := t.Context()
	empty, err := db.LastChange(ctx)
	if err != nil || empty != 0 {
		t.Fatalf("LastChange on an empty database = %d, %v; want 0, nil", empty, err)
	}
	if err := demo.Load(ctx, db); err != nil {
		t.Fatal(err)
	}
	loaded, err := db.LastChange(ctx)
	if err != nil || loaded <= empty {
		t.Fatalf("LastChange after the demo = %d, %v; want more than %d", loaded, err, empty)
	}
	if again, _ := db.LastChange(ctx); again != loaded {
		t.Errorf("LastChange moved from %d to %d without a write", loaded, again)
	}
	a := conflict.Actor{Name: "Kurdish Peshmerga", Kind: "regional forces"}
	if err := db.CreateActor(ctx, &a, conflict.Change{AuthorName: "test"}); err != nil {
		t.Fatal(err)
	}
	after, _ := db.LastChange(ctx)
	if after <= loaded {
		t.Errorf("LastChange after a write = %d, want more than %d", after, loaded)
	}
	// A claimant's kind decides which estimates a filter by kind lists,
	// and is revised without a revision.
	cs, err := db.FindClaimants(ctx, "", false, 1)
	if err != nil || len(cs) == 0 {
		t.Fatalf("the demo's claimants: %v, %v", cs, err)
	}
	c := cs[0]
	c.Type = conflict.Government
	if c.Type == cs[0].Type {
		c.Type = conflict.Media
	}
	if err := db.UpdateClaimant(ctx, &c, c.Version, conflict.RoleReviewer, 0); err != nil {
		t.Fatal(err)
	}
	if revised, _ := db.LastChange(ctx); revised <= after {
		t.Errorf("LastChange after a claimant's kind changed = %d, want more than %d", revised, after)
	}
}
