package server

import (
	"context"
	"sync"

	"github.com/sitrep/sitrep/internal/chart"
	"github.com/sitrep/sitrep/internal/conflict"
)

// chartCacheSize bounds how many charts are kept.
const chartCacheSize = 64

// chartData is a chart with the figures shown beside it.
type chartData struct {
	chart  chart.Chart
	spread conflict.Spread
	total  int
	points []conflict.Estimate
}

// chartCache keeps recently drawn charts until the next write. Drawing one
// means reading every estimate of a force, which for ten thousand
// estimates costs more than the rest of the page together; between writes
// the answer cannot change.
type chartCache struct {
	mu      sync.Mutex
	version int64
	entries map[string]chartData
	order   []string
	// building holds the charts being drawn: a burst of readers of one
	// page (an embed in a newsroom's article) waits for one drawing
	// rather than each drawing it at once and starving the others.
	building map[string]*chartBuild
}

type chartBuild struct {
	done chan struct{}
	data chartData
	err  error
}

// get returns the chart for key at the data version, building it with
// build when it is not kept; callers asking for a chart already being
// built wait for it. Entries from older versions are dropped.
func (c *chartCache) get(ctx context.Context, version int64, key string, build func(context.Context) (chartData, error)) (chartData, error) {
	c.mu.Lock()
	if c.version != version || c.entries == nil {
		c.version, c.entries, c.order, c.building = version, map[string]chartData{}, nil, map[string]*chartBuild{}
	}
	if d, ok := c.entries[key]; ok {
		c.mu.Unlock()
		return d, nil
	}
	if b, ok := c.building[key]; ok {
		c.mu.Unlock()
		select {
		case <-b.done:
			return b.data, b.err
		case <-ctx.Done():
			return chartData{}, ctx.Err()
		}
	}
	b := &chartBuild{done: make(chan struct{})}
	c.building[key] = b
	building := c.building
	c.mu.Unlock()
	// The drawing outlives a reader who leaves: others may be waiting.
	b.data, b.err = build(context.WithoutCancel(ctx))
	close(b.done)
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(building, key)
	if b.err != nil {
		return b.data, b.err
	}
	if c.version == version {
		if len(c.order) >= chartCacheSize {
			delete(c.entries, c.order[0])
			c.order = c.order[1:]
		}
		c.entries[key] = b.data
		c.order = append(c.order, key)
	}
	return b.data, nil
}
