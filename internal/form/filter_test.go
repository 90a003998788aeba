package form_test

import (
	"context"
	"net/url"
	"reflect"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/form"
)

// TestParseEventFilterResolvesTypedNames reads the filter the way the
// form sends it without JavaScript: the chosen values again, and whatever
// was typed into the boxes beside them.
func TestParseEventFilterResolvesTypedNames(t *testing.T) {
	q := url.Values{
		"actor": {"ISIS", "Badr Organization", "isis", ""},
		"place": {"الموصل", "Atlantis"},
		"tag":   {"Mosul Offensive", "airstrikes", "AIRSTRIKES"},
	}
	f, err := form.ParseEventFilter(t.Context(), q, records{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"ISIS", "Badr Organization"}; !reflect.DeepEqual(f.Actors, want) {
		t.Errorf("Actors = %q, want %q: each value once, empty boxes ignored", f.Actors, want)
	}
	if want := []conflict.ActorID{isis.ID, badr.ID}; !reflect.DeepEqual(f.Filter.Actors, want) {
		t.Errorf("Filter.Actors = %v, want %v", f.Filter.Actors, want)
	}
	if got := f.Matched("actor", "ISIS"); !reflect.DeepEqual(got, []string{"Islamic State"}) {
		t.Errorf(`Matched("actor", "ISIS") = %q, want the alias's actor`, got)
	}
	if got := f.Matched("place", "الموصل"); !reflect.DeepEqual(got, []string{"Mosul"}) {
		t.Errorf(`Matched("place", "الموصل") = %q, want Mosul`, got)
	}
	if got := f.Matched("place", "Atlantis"); len(got) != 0 {
		t.Errorf(`Matched("place", "Atlantis") = %q, want nothing`, got)
	}
	if f.Errors["place"] == "" {
		t.Error("an unknown place has no message")
	}
	if want := []conflict.PlaceID{mosul.ID}; !reflect.DeepEqual(f.Filter.Places, want) {
		t.Errorf("Filter.Places = %v, want %v", f.Filter.Places, want)
	}
	if want := []string{"mosul-offensive", "airstrikes"}; !reflect.DeepEqual(f.Filter.Tags, want) {
		t.Errorf("Filter.Tags = %q, want %q", f.Filter.Tags, want)
	}
	// The links the page builds carry every value once.
	if got := f.Values()["actor"]; !reflect.DeepEqual(got, []string{"ISIS", "Badr Organization"}) {
		t.Errorf("Values()[actor] = %q", got)
	}
}

// The filters' lookup finds published records; every record of the fake
// store is published.
func (r records) FindPublicActorsByName(ctx context.Context, name string) ([]conflict.ActorRef, error) {
	return r.FindActorsByName(ctx, name)
}

func (r records) FindPublicPlacesByName(ctx context.Context, name string) ([]conflict.PlaceRef, error) {
	return r.FindPlacesByName(ctx, name)
}

// How a list is laid out (spacing=time) follows the reader from page to
// page, but is no part of the filter: exports and embeds never carry it.
func TestSpacingIsKeptForPagesNotForExports(t *testing.T) {
	f, err := form.ParseEventFilter(t.Context(), url.Values{"spacing": {"time"}, "tag": {"airstrikes"}}, records{})
	if err != nil {
		t.Fatal(err)
	}
	if f.Spacing != "time" || len(f.Errors) > 0 {
		t.Fatalf("spacing=time read as %q with errors %v", f.Spacing, f.Errors)
	}
	if got := f.PageValues("after", "x").Get("spacing"); got != "time" {
		t.Errorf("the next page's link has spacing %q, want time", got)
	}
	if f.Values().Has("spacing") {
		t.Errorf("the filter's values carry the spacing: %s", f.Values().Encode())
	}
	for _, even := range []string{"", "even"} {
		g, _ := form.ParseEventFilter(t.Context(), url.Values{"spacing": {even}}, records{})
		if g.Spacing != "" || len(g.Errors) > 0 || g.PageValues().Has("spacing") {
			t.Errorf("spacing=%q read as %q, errors %v", even, g.Spacing, g.Errors)
		}
	}
	bad, _ := form.ParseEventFilter(t.Context(), url.Values{"spacing": {"wide"}}, records{})
	if bad.Errors["spacing"] == "" || bad.Spacing != "" {
		t.Errorf("spacing=wide was taken as %q without a message", bad.Spacing)
	}
}

// The table sorts by date either way as it does by place or sources, with
// a leading - for the reverse, as its message says: sort=-date is newest
// first, and the list's links say so with order=newest.
func TestTableSortByDateEitherWay(t *testing.T) {
	for _, c := range []struct {
		sort   string
		newest bool
	}{{"date", false}, {"-date", true}, {"", false}} {
		f, err := form.ParseEventFilter(t.Context(), url.Values{"view": {"table"}, "sort": {c.sort}}, records{})
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Errors) > 0 || f.Sort != "" || f.Filter.NewestFirst != c.newest {
			t.Errorf("sort=%q read as sort %q, newest first %v, errors %v; want date order, newest first %v",
				c.sort, f.Sort, f.Filter.NewestFirst, f.Errors, c.newest)
		}
		if got := f.PageValues().Get("order") == "newest"; got != c.newest {
			t.Errorf("sort=%q: the page's links %s, want order=newest %v", c.sort, f.PageValues().Encode(), c.newest)
		}
	}
	bad, _ := form.ParseEventFilter(t.Context(), url.Values{"sort": {"colour"}}, records{})
	if bad.Errors["sort"] == "" {
		t.Error("sort=colour was taken without a message")
	}
}
