package sqlite

import (
	"context"
	"database/sql"
	"sync"
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
const maxStatements = 256

// statements keeps prepared statements of the reader pool by their text.
type statements struct {
	mu   sync.Mutex
	pool *sql.DB
	byQ  map[string]*sql.Stmt
}

func (s *statements) get(ctx context.Context, query string) *sql.Stmt {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.byQ[query]; ok {
		return st
	}
	if len(s.byQ) >= maxStatements {
		return nil
	}
	st, err := s.pool.PrepareContext(ctx, query)
	if err != nil {
		// The query itself will report the error when it runs.
		return nil
	}
	if s.byQ == nil {
		s.byQ = map[string]*sql.Stmt{}
	}
	s.byQ[query] = st
	return st
}

func (s *statements) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range s.byQ {
		st.Close()
	}
	s.byQ = nil
}

// readTxn is a read transaction of the reader pool whose queries use the
// kept statements.
type readTxn struct {
	*sql.Tx
	stmts *statements
}

func (t readTxn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.stmts.get(ctx, query); st != nil {
		return t.Tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, query, args...)
}

func (t readTxn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.stmts.get(ctx, query); st != nil {
		return t.Tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}
