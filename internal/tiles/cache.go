package tiles

import (
	"container/list"
	"sync"
)

// dirCacheEntries bounds the decoded leaf directories kept: about 10 MB
// of entries. A planet archive has a few thousand leaves of a few
// thousand entries each; a reader's panning touches a handful of them.
const dirCacheEntries = 400_000

// dirCache keeps recently used leaf directories, by their offset, up to a
// total number of entries; the least recently used go first.
type dirCache struct {
	mu    sync.Mutex
	max   int
	size  int
	order *list.List // of *dirItem, most recent in front
	byOff map[uint64]*list.Element
}

type dirItem struct {
	off uint64
	dir []entry
}

func newDirCache(max int) *dirCache {
	return &dirCache{max: max, order: list.New(), byOff: map[uint64]*list.Element{}}
}

func (c *dirCache) get(off uint64) ([]entry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byOff[off]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*dirItem).dir, true
}

func (c *dirCache) put(off uint64, dir []entry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byOff[off]; ok || len(dir) > c.max {
		return
	}
	c.byOff[off] = c.order.PushFront(&dirItem{off: off, dir: dir})
	c.size += len(dir)
	for c.size > c.max {
		last := c.order.Back()
		it := last.Value.(*dirItem)
		c.order.Remove(last)
		delete(c.byOff, it.off)
		c.size -= len(it.dir)
	}
}

// len reports how many directories are kept, for tests.
func (c *dirCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.byOff)
}
