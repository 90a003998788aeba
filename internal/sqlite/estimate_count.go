package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/sitrep/sitrep/internal/conflict"
)

// CountEstimates counts the estimates matching f, up to limit: past it,
// more is set and the count is limit. A timeline says how many estimates
// it shows beside its events with it.
func (db *DB) CountEstimates(ctx context.Context, f conflict.EstimateFilter, limit int) (n int, more bool, err error) {
	where, params, err := estimateWhere(ctx, db.read, f)
	if err != nil {
		return 0, false, err
	}
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM estimates x WHERE `+strings.Join(where, " AND ")+` LIMIT ?)`,
		append(params, limit+1)...).Scan(&n); err != nil {
		return 0, false, fmt.Errorf("count estimates: %w", err)
	}
	if n > limit {
		return limit, true, nil
	}
	return n, false, nil
}
