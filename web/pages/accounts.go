package pages

import (
	"strconv"
	"strings"

	"github.com/sitrep/sitrep/internal/auth"
	"github.com/sitrep/sitrep/internal/conflict"
)

var passwordHint = "At least " + strconv.Itoa(auth.MinPasswordLen) + " characters, not easy to guess. A few unrelated words work well."

// describedBy lists the ids of the hint and error that describe an input.
func describedBy(id, hint, msg string) string {
	var ids []string
	if hint != "" {
		ids = append(ids, id+"-hint")
	}
	if msg != "" {
		ids = append(ids, id+"-error")
	}
	return strings.Join(ids, " ")
}

func roleLabel(r conflict.Role) string {
	switch r {
	case conflict.RoleEditor:
		return "Editor: enters and edits records"
	case conflict.RoleReviewer:
		return "Reviewer: also publishes"
	case conflict.RoleAdmin:
		return "Admin: also manages users"
	}
	return string(r)
}

// rowRole is the role to preselect in a user's row: what was just tried,
// after a failed change, else the user's own.
func rowRole(v AdminUsersView, u conflict.User) conflict.Role {
	if v.Row.ID == u.ID && v.Row.Role != "" {
		return v.Row.Role
	}
	return u.Role
}

func rowError(v AdminUsersView, u conflict.User, field string) string {
	if v.Row.ID != u.ID {
		return ""
	}
	return v.Row.Errors[field]
}
