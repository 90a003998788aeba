package sqlite

import (
	"slices"
	"testing"
)

// rowidList reads group_concat's lists of rowids, and refuses what is not
// one rather than setting a wrong bit.
func TestRowidList(t *testing.T) {
	var got []int64
	for v, err := range rowidList("1,-8,4294967296,987654321012345678") {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if want := []int64{1, -8, 4294967296, 987654321012345678}; !slices.Equal(got, want) {
		t.Errorf("rowidList = %v, want %v", got, want)
	}
	for _, bad := range []string{"1,,2", "1,x", "1.5", "-", "12345678901234567890"} {
		var failed bool
		for _, err := range rowidList(bad) {
			failed = failed || err != nil
		}
		if !failed {
			t.Errorf("rowidList(%q) gave no error", bad)
		}
	}
	for range rowidList("") {
		t.Error("an empty list yielded a rowid")
	}
}

// memoKey tells parameter lists apart that fmt.Sprint writes alike, so no
// two counts share a kept answer.
func TestMemoKeyQuotesParameters(t *testing.T) {
	if memoKey("q", []any{"a b"}) == memoKey("q", []any{"a", "b"}) {
		t.Error(`memoKey reads ["a b"] and ["a", "b"] alike`)
	}
}
