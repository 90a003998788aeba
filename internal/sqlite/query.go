package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// querier is what both the reader pool and a write transaction offer, so
// that loading helpers serve reads and the snapshots written inside a
// transaction alike.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// placeholders returns "?, ?, ?" for n parameters.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// args converts a slice of any integer-like ids into query arguments.
func args[T ~int64 | ~string](ids []T) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// nullString stores "" as NULL, for optional unique columns.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// jsonIDs encodes ids as a JSON array, to pass a list of any length as one
// parameter to json_each.
func jsonIDs(ids []any) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprint(&b, id)
	}
	b.WriteByte(']')
	return b.String()
}

// readTx runs fn in one read transaction on a reader connection, so that
// the several queries of one page (a count, the page, its details) see
// the same state of the database.
func (db *DB) readTx(ctx context.Context, fn func(q querier) error) error {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if db.read.stmts == nil {
		// A copy reading another pool (Bulk) prepares as it goes.
		return fn(tx)
	}
	lent := &lentTerms{}
	defer lent.release()
	return fn(readTxn{Tx: tx, stmts: db.read.stmts, texts: db.texts, refs: db.refs, rows: db.rows, heads: db.heads,
		terms: db.terms, lent: lent, newest: &txnRevision{}})
}

// queryColumn runs a query of one column and returns its values.
func queryColumn[T any](ctx context.Context, q querier, query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
