package auth

import (
	"strings"
	"sync"
	"time"
)

// Throttle counts failures per key (an account, a client address) in a
// sliding window and refuses a key once it has failed Limit times within
// Window. What a refusal means is the caller's choice: sign-in refuses a
// client, never an account outright (see internal/server/signin.go). It lives in memory: a restart forgets it, which costs an attacker
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
	wait := t.Wait(key, t.limit)
	return wait == 0, wait
}

// Wait is how long until key has fewer than n failures in the window: 0
// when it has fewer now. n is at most the Throttle's limit (only that many
// failures are kept); Wait(key, 1) is how long until key has none.
func (t *Throttle) Wait(key string, n int) time.Duration {
	n = min(max(n, 1), t.limit)
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	fs := t.recent(key, now)
	if len(fs) < n {
		return 0
	}
	return fs[len(fs)-n].Add(t.window).Sub(now)
}

// Failures is the number of key's failures in the window, up to the limit.
func (t *Throttle) Failures(key string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.recent(key, t.now()))
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

// Reset forgets key's failures, after a successful sign-in or when an
// admin clears them.
func (t *Throttle) Reset(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.failures, key)
}

// ResetPrefix forgets the failures of every key beginning with prefix,
// when an admin clears an account's throttle.
func (t *Throttle) ResetPrefix(prefix string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for k := range t.failures {
		if strings.HasPrefix(k, prefix) {
			delete(t.failures, k)
		}
	}
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
