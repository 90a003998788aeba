package server

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A burst of readers of one chart, as an embed in a busy article brings,
// must draw it once: drawing a large force's chart costs more than the
// rest of the page, and sixty-four drawings at once starve every page.
func TestChartCacheDrawsAChartOnceForABurstOfReaders(t *testing.T) {
	var c chartCache
	var builds atomic.Int32
	release := make(chan struct{})
	build := func(context.Context) (chartData, error) {
		builds.Add(1)
		<-release
		return chartData{total: 42}, nil
	}
	var wg sync.WaitGroup
	totals := make([]int, 64)
	for i := range totals {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := c.get(context.Background(), 1, "force", build)
			if err != nil {
				t.Error(err)
			}
			totals[i] = d.total
		}()
	}
	time.Sleep(50 * time.Millisecond) // let the readers queue behind the first drawing
	close(release)
	wg.Wait()
	if n := builds.Load(); n != 1 {
		t.Errorf("the chart was drawn %d times for one burst of readers; want once", n)
	}
	for i, total := range totals {
		if total != 42 {
			t.Fatalf("reader %d got total %d, want the drawn chart's 42", i, total)
		}
	}
	// A write moves the data version on: the next reader draws afresh.
	if _, err := c.get(context.Background(), 2, "force", func(context.Context) (chartData, error) {
		builds.Add(1)
		return chartData{total: 43}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if n := builds.Load(); n != 2 {
		t.Errorf("after a write the chart was drawn %d times in all; want 2", n)
	}
}

// A failed drawing is not kept: the next reader tries again.
func TestChartCacheKeepsNoFailure(t *testing.T) {
	var c chartCache
	if _, err := c.get(context.Background(), 1, "force", func(context.Context) (chartData, error) {
		return chartData{}, errors.New("disk trouble")
	}); err == nil {
		t.Fatal("the failed drawing reported no error")
	}
	d, err := c.get(context.Background(), 1, "force", func(context.Context) (chartData, error) {
		return chartData{total: 7}, nil
	})
	if err != nil || d.total != 7 {
		t.Fatalf("after a failure the next reader got %+v, %v; want a fresh drawing", d, err)
	}
}

// A reader who gives up while another draws is let go at once.
func TestChartCacheLetsAWaitingReaderLeave(t *testing.T) {
	var c chartCache
	release := make(chan struct{})
	defer close(release)
	go c.get(context.Background(), 1, "force", func(context.Context) (chartData, error) {
		<-release
		return chartData{}, nil
	})
	time.Sleep(20 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if _, err := c.get(ctx, 1, "force", func(context.Context) (chartData, error) {
		t.Error("a second drawing started while the first was under way")
		return chartData{}, nil
	}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a waiting reader who gave up got %v; want the deadline", err)
	}
}
