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
}

// get returns the chart for key at the data version, building it with
// build when it is not kept. Entries from older versions are dropped.
func (c *chartCache) get(ctx context.Context, version int64, key string, build func(context.Context) (chartData, error)) (chartData, error) {
	c.mu.Lock()
	if c.version != version || c.entries == nil {
		c.version, c.entries, c.order = version, map[string]chartData{}, nil
	}
	if d, ok := c.entries[key]; ok {
		c.mu.Unlock()
		return d, nil
	}
	c.mu.Unlock()
	d, err := build(ctx)
	if err != nil {
		return d, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version == version {
		if len(c.order) >= chartCacheSize {
			delete(c.entries, c.order[0])
			c.order = c.order[1:]
		}
		c.entries[key] = d
		c.order = append(c.order, key)
	}
	return d, nil
}
