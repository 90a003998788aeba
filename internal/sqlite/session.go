package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"time"
)

// SessionStore keeps sign-in sessions in the sessions table for the scs
// session manager: it implements scs.Store and scs.CtxStore. Lookups use
// the reader pool, so a signed-in request never queues behind a long write
// on the single writer connection; commits and deletes use the writer.
//
// The table layout and the expiry column (a Julian day number) are those of
// scs's own SQLite store, so the two are interchangeable.
type SessionStore struct {
	db *DB
	// CleanupInterval is how often a commit also deletes expired sessions.
	CleanupInterval time.Duration

	mu          sync.Mutex
	lastCleanup time.Time
}

// Sessions returns the database's session store. Expired rows are deleted
// by the commits themselves, at most once per CleanupInterval, so no
// goroutine outlives the database.
func (db *DB) Sessions() *SessionStore {
	return &SessionStore{db: db, CleanupInterval: 5 * time.Minute, lastCleanup: db.now()}
}

// julianDay turns t into the Julian day number SQLite's julianday() gives.
func julianDay(t time.Time) float64 {
	return float64(t.UnixMilli())/86_400_000 + 2440587.5
}

// Find returns the session's data; found is false when the token is unknown
// or its session has expired.
func (s *SessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// FindCtx is Find with a context.
func (s *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var b []byte
	err := s.db.read.QueryRowContext(ctx, `SELECT data FROM sessions WHERE token = ? AND expiry > ?`,
		token, julianDay(s.db.now())).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return b, true, nil
}

// Commit stores the session's data and expiry, replacing any before.
func (s *SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

// CommitCtx is Commit with a context.
func (s *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	if _, err := s.db.write.ExecContext(ctx, `REPLACE INTO sessions (token, data, expiry) VALUES (?, ?, ?)`,
		token, b, julianDay(expiry)); err != nil {
		return err
	}
	if s.cleanupDue() {
		return s.DeleteExpired(ctx)
	}
	return nil
}

// Delete removes the session; an unknown token is not an error.
func (s *SessionStore) Delete(token string) error {
	return s.DeleteCtx(context.Background(), token)
}

// DeleteCtx is Delete with a context.
func (s *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	_, err := s.db.write.ExecContext(ctx, `DELETE FROM sessions WHERE token = ?`, token)
	return err
}

// DeleteExpired deletes every expired session.
func (s *SessionStore) DeleteExpired(ctx context.Context) error {
	_, err := s.db.write.ExecContext(ctx, `DELETE FROM sessions WHERE expiry <= ?`, julianDay(s.db.now()))
	return err
}

func (s *SessionStore) cleanupDue() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.db.now()
	if now.Sub(s.lastCleanup) < s.CleanupInterval {
		return false
	}
	s.lastCleanup = now
	return true
}
