package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/sitrep/sitrep/internal/conflict"
)

const userColumns = `id, email, name, role, disabled, created_at`

func scanUser(sc interface{ Scan(...any) error }) (conflict.User, error) {
	var (
		u       conflict.User
		created string
	)
	if err := sc.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.Disabled, &created); err != nil {
		return u, mapError(err)
	}
	u.CreatedAt = parseTime(created)
	return u, nil
}

func findUser(ctx context.Context, q querier, where string, arg any) (conflict.User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE `+where, arg))
	if conflict.ErrorCode(err) == conflict.NotFound {
		return u, conflict.Errorf(conflict.NotFound, "No such user.")
	}
	return u, err
}

// errEmailTaken is the answer to creating a second account for an address.
func errEmailTaken() error {
	const msg = "An account with this email address already exists."
	return &conflict.Error{Code: conflict.Conflict, Message: msg, Fields: conflict.FieldErrors{"email": msg}}
}

// CreateUser normalises u (its email address) and validates it, and stores it with
// the password hash, setting u.ID and u.CreatedAt. An address already in use,
// in any letter case, gives a Conflict error on the field "email".
func (db *DB) CreateUser(ctx context.Context, u *conflict.User, passwordHash string) error {
	u.Normalize()
	if err := u.Validate(); err != nil {
		return err
	}
	if passwordHash == "" {
		return conflict.Errorf(conflict.Internal, "no password hash given")
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var taken int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE email = ?`, u.Email).Scan(&taken); err != nil {
			return err
		}
		if taken > 0 {
			return errEmailTaken()
		}
		now := db.stamp()
		res, err := tx.ExecContext(ctx, `INSERT INTO users (email, name, role, password_hash, disabled, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, u.Email, u.Name, string(u.Role), passwordHash, u.Disabled, now, now)
		if err != nil {
			return err
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		stored, err := findUser(ctx, tx, `id = ?`, id)
		if err != nil {
			return err
		}
		*u = stored
		return nil
	})
	// Two requests racing past the check meet the UNIQUE constraint.
	if conflict.ErrorCode(err) == conflict.Conflict && conflict.ErrorFields(err)["email"] == "" {
		return errEmailTaken()
	}
	return err
}

// FindUserByID returns the user, or NotFound.
func (db *DB) FindUserByID(ctx context.Context, id conflict.UserID) (conflict.User, error) {
	return findUser(ctx, db.read, `id = ?`, int64(id))
}

// FindUserByEmail returns the user with the address, in any letter case and
// ignoring surrounding space, or NotFound.
func (db *DB) FindUserByEmail(ctx context.Context, email string) (conflict.User, error) {
	return findUser(ctx, db.read, `email = ?`, strings.TrimSpace(email))
}

// FindPasswordHash returns the user's password hash, or NotFound.
func (db *DB) FindPasswordHash(ctx context.Context, id conflict.UserID) (string, error) {
	var hash string
	err := db.read.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = ?`, int64(id)).Scan(&hash)
	if err != nil {
		if conflict.ErrorCode(mapError(err)) == conflict.NotFound {
			return "", conflict.Errorf(conflict.NotFound, "No such user.")
		}
		return "", err
	}
	return hash, nil
}

// FindUsers returns every user, by email address.
func (db *DB) FindUsers(ctx context.Context) ([]conflict.User, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY email`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []conflict.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// SetUserRole changes the user's role. An unknown role is Invalid on the
// field "role"; taking the role from the last enabled admin is a Conflict,
// since nobody could then manage users from the web; an unknown user is
// NotFound.
func (db *DB) SetUserRole(ctx context.Context, id conflict.UserID, role conflict.Role) error {
	if !role.Valid() {
		return conflict.FieldErrors{"role": "Role is editor, reviewer or admin."}.Err()
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		u, err := findUser(ctx, tx, `id = ?`, int64(id))
		if err != nil {
			return err
		}
		if u.Role == conflict.RoleAdmin && role != conflict.RoleAdmin && !u.Disabled {
			if err := keepAnAdmin(ctx, tx, u.ID, "role", "This is the last admin: make someone else an admin first."); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE users SET role = ?, updated_at = ? WHERE id = ?`, string(role), db.stamp(), int64(id))
		return err
	})
}

// SetUserDisabled disables or enables the user's account. A disabled user
// cannot sign in, and their open sessions stop working at their next
// request. Disabling the last enabled admin is a Conflict; an unknown user
// is NotFound.
func (db *DB) SetUserDisabled(ctx context.Context, id conflict.UserID, disabled bool) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		u, err := findUser(ctx, tx, `id = ?`, int64(id))
		if err != nil {
			return err
		}
		if disabled && u.Role == conflict.RoleAdmin && !u.Disabled {
			if err := keepAnAdmin(ctx, tx, u.ID, "disabled", "This is the last admin: make someone else an admin first."); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?`, disabled, db.stamp(), int64(id))
		return err
	})
}

// SetUserPassword replaces the user's password hash, or answers NotFound.
func (db *DB) SetUserPassword(ctx context.Context, id conflict.UserID, passwordHash string) error {
	if passwordHash == "" {
		return conflict.Errorf(conflict.Internal, "no password hash given")
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`, passwordHash, db.stamp(), int64(id))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err != nil {
				return err
			}
			return conflict.Errorf(conflict.NotFound, "No such user.")
		}
		return nil
	})
}

// keepAnAdmin refuses a change that would leave no enabled admin besides
// the user id.
func keepAnAdmin(ctx context.Context, tx *sql.Tx, id conflict.UserID, field, msg string) error {
	var others int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0 AND id <> ?`, int64(id)).Scan(&others)
	if err != nil {
		return err
	}
	if others == 0 {
		return &conflict.Error{Code: conflict.Conflict, Message: msg, Fields: conflict.FieldErrors{field: msg}}
	}
	return nil
}
