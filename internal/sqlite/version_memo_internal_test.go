package sqlite

import (
	"fmt"
	"testing"
)

// A versionMemo answers from what it keeps until the version changes,
// and never keeps more than its bound, however many keys are asked for.
func TestVersionMemoIsBounded(t *testing.T) {
	m := &versionMemo[[]int]{most: 10, weigh: func(v []int) int { return len(v) }}
	reads := 0
	get := func(version int64, key string, n int) []int {
		t.Helper()
		v, err := m.get(version, key, func() ([]int, error) { reads++; return make([]int, n), nil })
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	get(1, "a", 3)
	get(1, "a", 3)
	if reads != 1 {
		t.Errorf("the same key at the same version was read %d times, want once", reads)
	}
	get(2, "a", 3)
	if reads != 2 {
		t.Error("a key was answered from a version before a write")
	}
	for i := range 100 {
		get(2, fmt.Sprint("k", i), 4)
		if m.used > m.most {
			t.Fatalf("after %d keys the memo holds %d, past its bound of %d", i+1, m.used, m.most)
		}
	}
	reads = 0
	get(2, "big", 50)
	get(2, "big", 50)
	if reads != 2 {
		t.Errorf("a value heavier than the bound was kept (read %d times, want 2)", reads)
	}
	if memoKey("q", []any{"a b"}) == memoKey("q", []any{"a", "b"}) {
		t.Error(`memoKey reads ["a b"] and ["a", "b"] alike`)
	}
}
