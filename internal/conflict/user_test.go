package conflict_test

import (
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
)

func TestRoleAtLeast(t *testing.T) {
	tests := []struct {
		r, min conflict.Role
		want   bool
	}{
		{conflict.RoleEditor, conflict.RoleEditor, true},
		{conflict.RoleEditor, conflict.RoleReviewer, false},
		{conflict.RoleEditor, conflict.RoleAdmin, false},
		{conflict.RoleReviewer, conflict.RoleEditor, true},
		{conflict.RoleReviewer, conflict.RoleReviewer, true},
		{conflict.RoleReviewer, conflict.RoleAdmin, false},
		{conflict.RoleAdmin, conflict.RoleEditor, true},
		{conflict.RoleAdmin, conflict.RoleReviewer, true},
		{conflict.RoleAdmin, conflict.RoleAdmin, true},
		// No role, or one sitrep does not know, grants nothing: not even
		// what an unknown minimum would ask.
		{"", conflict.RoleEditor, false},
		{"root", conflict.RoleEditor, false},
		{"", "", false},
		{"root", "root", false},
	}
	for _, tt := range tests {
		if got := tt.r.AtLeast(tt.min); got != tt.want {
			t.Errorf("Role(%q).AtLeast(%q) = %v, want %v", tt.r, tt.min, got, tt.want)
		}
	}
}

func TestUserValidate(t *testing.T) {
	const badEmail = "Enter an email address such as name@example.org."
	tests := []struct {
		name      string
		user      conflict.User
		wantEmail string // after normalising; "" when invalid
		wantField string
		wantMsg   string
	}{
		{"plain", conflict.User{Email: "editor@example.org", Name: "Editor", Role: conflict.RoleEditor}, "editor@example.org", "", ""},
		{"case and spaces", conflict.User{Email: "  Editor@Example.ORG ", Name: "Editor", Role: conflict.RoleAdmin}, "editor@example.org", "", ""},
		{"empty", conflict.User{Email: "", Name: "Editor", Role: conflict.RoleEditor}, "", "email", badEmail},
		{"no at sign", conflict.User{Email: "editor.example.org", Name: "Editor", Role: conflict.RoleEditor}, "", "email", badEmail},
		{"display name form", conflict.User{Email: "Editor <editor@example.org>", Name: "Editor", Role: conflict.RoleEditor}, "", "email", badEmail},
		{"two addresses", conflict.User{Email: "a@example.org, b@example.org", Name: "Editor", Role: conflict.RoleEditor}, "", "email", badEmail},
		{"missing name", conflict.User{Email: "editor@example.org", Name: " ", Role: conflict.RoleEditor}, "", "name", "Name is required."},
		{"unknown role", conflict.User{Email: "editor@example.org", Name: "Editor", Role: "owner"}, "", "role", "Role is editor, reviewer or admin."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := tt.user
			err := u.Validate()
			if tt.wantField == "" {
				if err != nil {
					t.Fatalf("Validate(%q) = %v, want nil", tt.user.Email, err)
				}
				if u != tt.user {
					t.Errorf("Validate(%q) changed the user to %+v", tt.user.Email, u)
				}
				if u.Normalize(); u.Email != tt.wantEmail {
					t.Errorf("Normalize(%q) email = %q, want %q", tt.user.Email, u.Email, tt.wantEmail)
				}
				return
			}
			if got := conflict.ErrorFields(err)[tt.wantField]; got != tt.wantMsg {
				t.Errorf("Validate(%q) %s = %q (err %v), want %q", tt.user.Email, tt.wantField, got, err, tt.wantMsg)
			}
		})
	}
}
