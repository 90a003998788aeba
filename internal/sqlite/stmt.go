package sqlite

import (
	"context"
	"database/sql"
	"sync"

	"github.com/sitrep/sitrep/internal/versioned"
)

// Preparing a statement is half of what a short query costs with this
// driver (about 40 us of a list page's 0.4 ms of queries, times ten
// queries a page). A list page runs the same few statements each time, so
// the reader pool keeps them prepared: database/sql prepares a statement
// once on each connection that runs it and reuses it after.

// maxStatements bounds the statements kept; past it, new texts are
// prepared each time as before. The shapes of list queries are few (one
// per combination of filters), so the bound is reached only by texts that
// embed a varying number of placeholders, which are better not kept.
const maxStatements = 512

// statements keeps prepared statements of the reader pool by their text.
// A statement is prepared in the background the first time its text is
// seen, never while a caller waits: preparing takes a connection of the
// pool, and a caller inside a read transaction already holds one, so
// callers that waited for a preparation could hold every connection while
// it waited for one of them.
type statements struct {
	mu   sync.Mutex
	pool *sql.DB
	byQ  map[string]*sql.Stmt // nil for a text being prepared or refused
}

// get returns the prepared statement for query, or nil while there is
// none yet (the caller then runs the text as it is).
func (s *statements) get(query string) *sql.Stmt {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, seen := s.byQ[query]; seen {
		return st
	}
	if s.byQ == nil {
		s.byQ = map[string]*sql.Stmt{}
	}
	if len(s.byQ) >= maxStatements {
		return nil
	}
	s.byQ[query] = nil
	go s.prepare(query)
	return nil
}

func (s *statements) prepare(query string) {
	st, err := s.pool.PrepareContext(context.Background(), query)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil || s.byQ == nil {
		// A text that does not prepare is run as it is, and reports its
		// own error; a closed pool keeps nothing.
		if st != nil {
			st.Close()
		}
		return
	}
	s.byQ[query] = st
}

func (s *statements) close() {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range s.byQ {
		if st != nil {
			st.Close()
		}
	}
	s.byQ = nil
}

// readTxn is a read transaction of the reader pool whose queries use the
// kept statements, and whose planner uses the kept counts of text
// matches (text_counts.go), the kept actors and sources (ref_cache.go)
// and the kept heads of timelines (timeline_head.go).
type readTxn struct {
	*sql.Tx
	stmts *statements
	texts *versioned.Cache[string, int]
	refs  *refCache
	rows  *tableRows
	heads *timelineHeads
	terms *termSets
	// lent are the sets of common words its plans check events against
	// (term_set_check.go), taken back when it ends.
	lent *lentTerms
	// newest is the newest revision the transaction sees, read once.
	newest *txnRevision
}

func (t readTxn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.stmts.get(query); st != nil {
		return t.Tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, query, args...)
}

func (t readTxn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.stmts.get(query); st != nil {
		return t.Tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}

// readPool is the reader pool, whose queries use the kept statements when
// it has them (a copy reading the export pool does not: Bulk).
type readPool struct {
	*sql.DB
	stmts *statements
}

func (p readPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if p.stmts != nil {
		if st := p.stmts.get(query); st != nil {
			return st.QueryContext(ctx, args...)
		}
	}
	return p.DB.QueryContext(ctx, query, args...)
}

func (p readPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if p.stmts != nil {
		if st := p.stmts.get(query); st != nil {
			return st.QueryRowContext(ctx, args...)
		}
	}
	return p.DB.QueryRowContext(ctx, query, args...)
}

// Query and QueryRow are the context-free forms, kept for tests.
func (p readPool) Query(query string, args ...any) (*sql.Rows, error) {
	return p.QueryContext(context.Background(), query, args...)
}

func (p readPool) QueryRow(query string, args ...any) *sql.Row {
	return p.QueryRowContext(context.Background(), query, args...)
}

// txnRevision is a read transaction's newest revision, which names the state
// of the record it reads: every kept thing (text counts, actors and
// sources, table rows, timeline heads) is kept per snapshot. It is read at
// most once per transaction, however many of them a page consults.
type txnRevision struct {
	revision int64
	read     bool
}

// snapshotRevision is the newest revision in the read transaction's
// snapshot: the end of a primary key, the same cost at any size.
func snapshotRevision(ctx context.Context, q querier) (int64, error) {
	t, ok := q.(readTxn)
	if ok && t.newest != nil && t.newest.read {
		return t.newest.revision, nil
	}
	var revision int64
	if err := q.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM revisions`).Scan(&revision); err != nil {
		return 0, err
	}
	if ok && t.newest != nil {
		t.newest.revision, t.newest.read = revision, true
	}
	return revision, nil
}
