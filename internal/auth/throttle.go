package auth

import (
	"sync"
	"time"
)

// Throttle counts failures per key (an account, a client address) in a
// sliding window and refuses a key once it has failed Limit times within
// Window. It lives in memory: a restart forgets it, which costs an attacker
// a restart they cannot cause. Its methods are safe for concurrent use.
type Throttle struct {
	limit  int
	window time.Duration
	now    func() time.Time

	mu       sync.Mutex
	failures map[string][]time.Time
}

// maxThrottleKeys bounds the memory a flood of distinct keys can take; past
// it, the stalest keys are forgotten first.
const maxThrottleKeys = 50_000

// NewThrottle returns a Throttle allowing limit failures per window; a
// limit below 1 counts as 1.
func NewThrottle(limit int, window time.Duration) *Throttle {
	limit = max(limit, 1)
	return &Throttle{limit: limit, window: window, now: time.Now, failures: map[string][]time.Time{}}
}

// SetClock replaces the clock; tests use it.
func (t *Throttle) SetClock(now func() time.Time) { t.now = now }

// Allow reports whether key may try again and, when it may not, how long
// until its oldest counted failure leaves the window.
func (t *Throttle) Allow(key string) (bool, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	fs := t.recent(key, now)
	if len(fs) < t.limit {
		return true, 0
	}
	return false, fs[len(fs)-t.limit].Add(t.window).Sub(now)
}

// Fail counts a failure for key.
func (t *Throttle) Fail(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	fs := t.recent(key, now)
	if fs == nil && len(t.failures) >= maxThrottleKeys {
		t.evict(now)
	}
	// Only the last limit failures matter; older ones are dropped so that
	// one key cannot grow without bound.
	if len(fs) >= t.limit {
		fs = fs[len(fs)-t.limit+1:]
	}
	t.failures[key] = append(fs, now)
}

// Reset forgets key's failures, after a successful sign-in.
func (t *Throttle) Reset(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.failures, key)
}

// recent returns key's failures still inside the window, pruning the rest.
func (t *Throttle) recent(key string, now time.Time) []time.Time {
	fs := t.failures[key]
	i := 0
	for i < len(fs) && now.Sub(fs[i]) >= t.window {
		i++
	}
	if i == len(fs) {
		delete(t.failures, key)
		return nil
	}
	fs = fs[i:]
	t.failures[key] = fs
	return fs
}

// evict drops every key without a recent failure and, when that is not
// enough, the keys whose last failure is oldest.
func (t *Throttle) evict(now time.Time) {
	var oldest string
	var oldestAt time.Time
	for k, fs := range t.failures {
		last := fs[len(fs)-1]
		if now.Sub(last) >= t.window {
			delete(t.failures, k)
			continue
		}
		if oldest == "" || last.Before(oldestAt) {
			oldest, oldestAt = k, last
		}
	}
	if len(t.failures) >= maxThrottleKeys {
		delete(t.failures, oldest)
	}
}
