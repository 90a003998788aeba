package versioned

import (
	"fmt"
	"sync"
	"testing"
)

// Two readers that miss the same key at once both read it; the value is
// counted against the bound once, or a full cache would be emptied long
// before it holds its bound (the explorer's table rows thrashed so).
func TestCacheCountsAValueOnce(t *testing.T) {
	var c Cache[int, string]
	inside, release := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Get(1, 7, 3, nil, func() (string, error) {
				inside <- struct{}{}
				<-release
				return "row", nil
			})
		}()
	}
	<-inside
	<-inside
	close(release)
	wg.Wait()
	// Bound 3: keys 8 and 9 fit beside 7 only if 7 counts once.
	for _, k := range []int{8, 9} {
		c.Get(1, k, 3, nil, func() (string, error) { return "row", nil })
	}
	if !kept(&c, 1, 7) || !kept(&c, 1, 8) || !kept(&c, 1, 9) {
		t.Errorf("after a double read of one key, three keys in a bound of three were not all kept")
	}
}

// A Cache answers from what it keeps until the version changes, never
// holds more than its bound however many keys are asked for, and does
// not keep a value heavier than the bound.
func TestCacheIsBounded(t *testing.T) {
	var c Cache[string, []int]
	weigh := func(v []int) int { return len(v) }
	reads := 0
	get := func(version int64, key string, n int) {
		t.Helper()
		if _, err := c.Get(version, key, 10, weigh, func() ([]int, error) { reads++; return make([]int, n), nil }); err != nil {
			t.Fatal(err)
		}
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
		if c.weight > 10 {
			t.Fatalf("after %d keys the cache holds %d, past its bound of 10", i+1, c.weight)
		}
	}
	reads = 0
	get(2, "big", 50)
	get(2, "big", 50)
	if reads != 2 {
		t.Errorf("a value heavier than the bound was kept (read %d times, want 2)", reads)
	}
}

// A reader whose read began before a write asks for the older version
// after newer readers have filled the cache: it reads its own value, is
// never given the newer one, and leaves the newer values kept.
func TestCacheOlderVersionLeavesNewerValues(t *testing.T) {
	var c Cache[string, string]
	get := func(version int64, v string) string {
		t.Helper()
		got, err := c.Get(version, "k", 10, nil, func() (string, error) { return v, nil })
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	get(2, "new")
	if got := get(1, "old"); got != "old" {
		t.Errorf("a reader of version 1 was given %q", got)
	}
	if _, ok := c.Peek(2, "k"); !ok {
		t.Error("a reader of an older version emptied the newer version's values")
	}
	if got := get(2, "read again"); got != "new" {
		t.Errorf("version 2 after an older reader = %q, want the kept value", got)
	}
}

func kept[K comparable, V any](c *Cache[K, V], version int64, key K) bool {
	_, ok := c.Peek(version, key)
	return ok
}

// Under a lowered scale a cache given a Scaled bound keeps that share of
// it, and past it starts again, as at its whole bound; the whole bound
// comes back with the scale.
func TestCacheFollowsTheScale(t *testing.T) {
	t.Cleanup(func() { SetScale(1) })
	var c Cache[int, string]
	row := func() (string, error) { return "row", nil }
	get := func(version int64, k int) { c.Get(version, k, Scaled(16), nil, row) }
	SetScale(0.25)
	for k := range 5 {
		get(1, k)
	}
	// Bound 16 at a quarter is 4: the fifth value pushed one out.
	if n := keptOf(&c, 1, 5); n != 4 || !kept(&c, 1, 4) {
		t.Errorf("at a quarter of a bound of 16, five values: %d kept, fifth kept %v; want 4, the fifth among them", n, kept(&c, 1, 4))
	}
	SetScale(1)
	for k := range 16 {
		get(2, k)
	}
	if !kept(&c, 2, 0) || !kept(&c, 2, 15) {
		t.Errorf("at the whole bound, sixteen values were not all kept")
	}
	SetScale(0)
	get(3, 0)
	get(3, 1)
	if kept(&c, 3, 0) || !kept(&c, 3, 1) {
		t.Errorf("at scale 0 a cache keeps one value, the last")
	}
	// A bound not Scaled is whole whatever the scale.
	for k := range 16 {
		c.Get(4, k, 16, nil, row)
	}
	if !kept(&c, 4, 0) || !kept(&c, 4, 15) {
		t.Errorf("at scale 0, a cache given its whole bound did not keep sixteen values")
	}
}

// keptOf counts the keys 0 to n-1 c keeps at version.
func keptOf(c *Cache[int, string], version int64, n int) int {
	k := 0
	for i := range n {
		if kept(c, version, i) {
			k++
		}
	}
	return k
}

// Readers going round more keys than fit find a share of them kept each
// time round, not none: a full cache pushes values out at random, not all
// at once and not the least recent first.
func TestCacheKeepsAShareOfKeysGoneRound(t *testing.T) {
	var c Cache[int, string]
	reads := 0
	row := func() (string, error) { reads++; return "row", nil }
	for range 20 {
		for k := range 100 {
			c.Get(1, k, 80, nil, row)
		}
	}
	// 2,000 asks of 100 keys with room for 80: emptied when full, or
	// the least recent pushed out, every ask would read.
	if reads > 1000 {
		t.Errorf("%d reads for 2,000 asks of 100 keys with room for 80", reads)
	}
	if c.weight > 80 {
		t.Errorf("the cache holds %d, past its bound of 80", c.weight)
	}
}
