package conflict

import (
	"net/mail"
	"strings"
	"time"
)

// User is someone who signs in to curate the record.
type User struct {
	ID        UserID
	Email     string
	Name      string
	Role      Role
	Disabled  bool
	CreatedAt time.Time
}

// Role decides what a signed-in user may do.
type Role string

// The roles, each allowed what the one before it may do and more.
const (
	RoleEditor   Role = "editor"
	RoleReviewer Role = "reviewer"
	RoleAdmin    Role = "admin"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r.rank() > 0 }

// AtLeast reports whether r grants everything min does.
func (r Role) AtLeast(min Role) bool { return r.rank() >= min.rank() && r.rank() > 0 }

func (r Role) rank() int {
	switch r {
	case RoleEditor:
		return 1
	case RoleReviewer:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}

// Normalize writes the email address in lower case without surrounding
// spaces, so that one address is one account. The store runs it once
// before Validate.
func (u *User) Normalize() { u.Email = normalEmail(u.Email) }

func normalEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// Validate checks the user's fields as Normalize leaves them, changing
// nothing.
func (u User) Validate() error {
	errs := FieldErrors{}
	email := normalEmail(u.Email)
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
		errs.Add("email", "Enter an email address such as name@example.org.")
	}
	checkText(errs, "name", "Name", u.Name, true, MaxNameLen)
	if !u.Role.Valid() {
		errs.Add("role", "Role is editor, reviewer or admin.")
	}
	return errs.Err()
}
