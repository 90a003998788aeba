package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/sitrep/sitrep/internal/conflict"
)

// Settings returns how the deployment presents itself, or the defaults
// when nobody has set them yet.
func (db *DB) Settings(ctx context.Context) (conflict.Settings, error) {
	var s conflict.Settings
	err := db.read.QueryRowContext(ctx, `SELECT name, description, publisher, about, methodology, contact
		FROM site_settings WHERE id = 1`).Scan(&s.Name, &s.Description, &s.Publisher, &s.About, &s.Methodology, &s.Contact)
	if errors.Is(err, sql.ErrNoRows) {
		return conflict.DefaultSettings(), nil
	}
	return s, mapError(err)
}

// InitSettings stores s as the deployment's settings if none are stored
// yet, and reports whether it did: serve's --site-name and
// --site-description name a new deployment, and after that the settings
// are an admin's to edit.
func (db *DB) InitSettings(ctx context.Context, s conflict.Settings) (bool, error) {
	s.Normalize()
	if err := s.Validate(); err != nil {
		return false, err
	}
	var stored bool
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO site_settings
			(id, name, description, publisher, about, methodology, contact, updated_at)
			VALUES (1, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
			s.Name, s.Description, s.Publisher, s.About, s.Methodology, s.Contact, db.stamp())
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		stored = n == 1
		return err
	})
	return stored, err
}

// SaveSettings normalises, validates and stores s as the deployment's
// settings, saved by the admin by. Each save moves LastChange on, so that
// cached pages, which show the settings, are made afresh.
func (db *DB) SaveSettings(ctx context.Context, s *conflict.Settings, by conflict.UserID) error {
	s.Normalize()
	if err := s.Validate(); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO site_settings
			(id, name, description, publisher, about, methodology, contact, updated_at, updated_by)
			VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description,
				publisher = excluded.publisher, about = excluded.about, methodology = excluded.methodology,
				contact = excluded.contact, updated_at = excluded.updated_at, updated_by = excluded.updated_by,
				version = site_settings.version + 1`,
			s.Name, s.Description, s.Publisher, s.About, s.Methodology, s.Contact, db.stamp(), int64(by))
		return err
	})
}
