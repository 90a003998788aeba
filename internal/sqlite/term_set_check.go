package sqlite

import (
	"database/sql/driver"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/RoaringBitmap/roaring/v2"
	"modernc.org/sqlite"
)

// A list of an actor's events with a common word checks each event
// against the word. Sought in the full-text index, that is a seek into
// the word's list of matches in every segment, some 10 µs an event; the
// word's set of matches kept for search (termSets) answers the same in a
// fraction of one. A plan hands SQL such a set through in_term_set(token,
// id): the set is lent under a token for the read transaction that plans
// with it (readTxn.lent), and taken back when the transaction ends.
func init() {
	sqlite.MustRegisterScalarFunction("in_term_set", 2, inTermSet)
}

var (
	lentSets  sync.Map // token (int64) → *roaring.Bitmap
	lastToken atomic.Int64
)

func inTermSet(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	token, ok := args[0].(int64)
	if !ok {
		return nil, fmt.Errorf("in_term_set: token %v", args[0])
	}
	set, ok := lentSets.Load(token)
	if !ok {
		return nil, fmt.Errorf("in_term_set: no set lent as %d", token)
	}
	id, ok := args[1].(int64)
	if !ok {
		return nil, fmt.Errorf("in_term_set: id %v", args[1])
	}
	if id < 0 || id > 1<<32-1 {
		return int64(0), nil
	}
	if set.(*roaring.Bitmap).Contains(uint32(id)) {
		return int64(1), nil
	}
	return int64(0), nil
}

// lentTerms are the sets a read transaction lent, taken back together.
type lentTerms struct {
	mu     sync.Mutex
	tokens []int64
	held   []func()
}

// lend lends set under a new token until release.
func (l *lentTerms) lend(set *roaring.Bitmap) int64 {
	token := lastToken.Add(1)
	lentSets.Store(token, set)
	l.mu.Lock()
	l.tokens = append(l.tokens, token)
	l.mu.Unlock()
	return token
}

// hold keeps what a set read in place needs until release.
func (l *lentTerms) hold(release func()) {
	l.mu.Lock()
	l.held = append(l.held, release)
	l.mu.Unlock()
}

// release takes back every set lent, then lets go of what they read.
func (l *lentTerms) release() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, token := range l.tokens {
		lentSets.Delete(token)
	}
	for _, r := range l.held {
		r()
	}
	l.tokens, l.held = nil, nil
}
