package sqlite

import (
	"context"

	"github.com/sitrep/sitrep/internal/conflict"
)

// writeCitations stores the citations of one record (column is "event_id"
// or "estimate_id"), storing any inline source not yet known by its URL.
func (db *DB) writeCitations(ctx context.Context, tx querier, column string, id int64, cs []conflict.Citation, ch conflict.Change) error {
	if err := db.storeNewSources(ctx, tx, cs, ch); err != nil {
		return err
	}
	for i, c := range cs {
		var cred any
		if c.Credibility != 0 {
			cred = c.Credibility
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO citations (source_id, `+column+`, quote, locator, credibility, position)
			VALUES (?, ?, ?, ?, ?, ?)`, int64(c.Source.ID), id, c.Quote, c.Locator, cred, i); err != nil {
			return fieldError(err, "citations", "A cited source does not exist.")
		}
	}
	return nil
}

// storeNewSources gives each citation of a source typed in whole (no id)
// the stored source with its address (or, without one, its publisher,
// title and date), storing it first if there is none.
func (db *DB) storeNewSources(ctx context.Context, tx querier, cs []conflict.Citation, ch conflict.Change) error {
	for i := range cs {
		c := &cs[i]
		if c.Source.ID != 0 {
			continue
		}
		c.Source.Normalize()
		if err := c.Source.Validate(); err != nil {
			return err
		}
		existing, err := findSourceByKey(ctx, tx, c.Source)
		switch {
		case err == nil:
			c.Source = existing
		case conflict.ErrorCode(err) == conflict.NotFound:
			if err := db.createSource(ctx, tx, &c.Source, ch); err != nil {
				return err
			}
		default:
			return err
		}
	}
	return nil
}

// findCitations returns one record's citations with their sources, in order.
func findCitations(ctx context.Context, q querier, column string, id int64) ([]conflict.Citation, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.id, c.quote, c.locator, coalesce(c.credibility, 0), `+sourceColumns+`
		FROM citations c JOIN sources s ON s.id = c.source_id
		WHERE c.`+column+` = ? ORDER BY c.position, c.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []conflict.Citation
	for rows.Next() {
		var c conflict.Citation
		s, err := scanSource(scanFunc(func(dest ...any) error {
			return rows.Scan(append([]any{&c.ID, &c.Quote, &c.Locator, &c.Credibility}, dest...)...)
		}))
		if err != nil {
			return nil, err
		}
		c.Source = s
		out = append(out, c)
	}
	return out, rows.Err()
}

// scanFunc lets a scan helper read columns that follow others in a row.
type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }
