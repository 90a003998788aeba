package sqlite_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/sqlite"
	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
)

// fakeHash stands for a password hash: the store keeps it as given.
const fakeHash = "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA"

func addUser(t *testing.T, db *sqlite.DB, email string, role conflict.Role) conflict.User {
	t.Helper()
	u := conflict.User{Email: email, Name: "User " + email, Role: role}
	if err := db.CreateUser(t.Context(), &u, fakeHash); err != nil {
		t.Fatalf("CreateUser(%s): %v", email, err)
	}
	return u
}

func TestCreateAndFindUser(t *testing.T) {
	db := sqlitetest.New(t)
	at := time.Date(2016, 9, 29, 10, 0, 0, 0, time.UTC)
	db.SetClock(func() time.Time { return at })
	ctx := t.Context()

	u := conflict.User{Email: "  Dorrian@Example.ORG ", Name: "John Dorrian", Role: conflict.RoleEditor}
	if err := db.CreateUser(ctx, &u, fakeHash); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	if u.ID == 0 || u.Email != "dorrian@example.org" || !u.CreatedAt.Equal(at) {
		t.Errorf("CreateUser set %+v, want an id, the address in lower case and the creation time", u)
	}

	byEmail, err := db.FindUserByEmail(ctx, "DORRIAN@example.org")
	if err != nil || byEmail != u {
		t.Errorf("FindUserByEmail = %+v, %v; want %+v", byEmail, err, u)
	}
	byID, err := db.FindUserByID(ctx, u.ID)
	if err != nil || byID != u {
		t.Errorf("FindUserByID = %+v, %v; want %+v", byID, err, u)
	}
	if h, err := db.FindPasswordHash(ctx, u.ID); err != nil || h != fakeHash {
		t.Errorf("FindPasswordHash = %q, %v; want the stored hash", h, err)
	}

	for name, err := range map[string]error{
		"FindUserByEmail": func() error { _, err := db.FindUserByEmail(ctx, "nobody@example.org"); return err }(),
		"FindUserByID":    func() error { _, err := db.FindUserByID(ctx, 999); return err }(),
		"FindPasswordHash": func() error {
			_, err := db.FindPasswordHash(ctx, 999)
			return err
		}(),
		"SetUserRole":     db.SetUserRole(ctx, 999, conflict.RoleEditor),
		"SetUserDisabled": db.SetUserDisabled(ctx, 999, true),
		"SetUserPassword": db.SetUserPassword(ctx, 999, fakeHash),
	} {
		if conflict.ErrorCode(err) != conflict.NotFound {
			t.Errorf("%s of an unknown user = %v, want NotFound", name, err)
		}
	}
}

func TestCreateUserRefusesBadInput(t *testing.T) {
	db := sqlitetest.New(t)
	addUser(t, db, "taken@example.org", conflict.RoleEditor)
	tests := []struct {
		name  string
		user  conflict.User
		code  conflict.Code
		field string
	}{
		{"address in use", conflict.User{Email: "taken@example.org", Name: "Other", Role: conflict.RoleEditor}, conflict.Conflict, "email"},
		{"address in use, other case", conflict.User{Email: "TAKEN@example.org", Name: "Other", Role: conflict.RoleEditor}, conflict.Conflict, "email"},
		{"no address", conflict.User{Name: "Other", Role: conflict.RoleEditor}, conflict.Invalid, "email"},
		{"not an address", conflict.User{Email: "taken", Name: "Other", Role: conflict.RoleEditor}, conflict.Invalid, "email"},
		{"no name", conflict.User{Email: "new@example.org", Role: conflict.RoleEditor}, conflict.Invalid, "name"},
		{"unknown role", conflict.User{Email: "new@example.org", Name: "New", Role: "owner"}, conflict.Invalid, "role"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := tt.user
			err := db.CreateUser(t.Context(), &u, fakeHash)
			if conflict.ErrorCode(err) != tt.code || conflict.ErrorFields(err)[tt.field] == "" {
				t.Errorf("CreateUser(%+v) = %v, want %s with a message on %s", tt.user, err, tt.code, tt.field)
			}
		})
	}
	users, err := db.FindUsers(t.Context())
	if err != nil || len(users) != 1 {
		t.Errorf("FindUsers = %d users, %v; want only the first", len(users), err)
	}
}

func TestUserChanges(t *testing.T) {
	db := sqlitetest.New(t)
	ctx := t.Context()
	admin := addUser(t, db, "admin@example.org", conflict.RoleAdmin)
	ed := addUser(t, db, "editor@example.org", conflict.RoleEditor)

	if err := db.SetUserRole(ctx, ed.ID, conflict.RoleReviewer); err != nil {
		t.Fatalf("SetUserRole: %v", err)
	}
	if err := db.SetUserRole(ctx, ed.ID, "boss"); conflict.ErrorCode(err) != conflict.Invalid {
		t.Errorf("SetUserRole(boss) = %v, want Invalid", err)
	}
	if err := db.SetUserDisabled(ctx, ed.ID, true); err != nil {
		t.Fatalf("SetUserDisabled: %v", err)
	}
	if err := db.SetUserPassword(ctx, ed.ID, "$argon2id$other"); err != nil {
		t.Fatalf("SetUserPassword: %v", err)
	}
	got, _ := db.FindUserByID(ctx, ed.ID)
	if got.Role != conflict.RoleReviewer || !got.Disabled {
		t.Errorf("after changes user = %+v, want a disabled reviewer", got)
	}
	if h, _ := db.FindPasswordHash(ctx, ed.ID); h != "$argon2id$other" {
		t.Errorf("password hash = %q, want the new one", h)
	}

	// The last enabled admin keeps the role: someone must be able to manage
	// users from the web.
	if err := db.SetUserRole(ctx, admin.ID, conflict.RoleEditor); conflict.ErrorCode(err) != conflict.Conflict {
		t.Errorf("demoting the last admin = %v, want Conflict", err)
	}
	if err := db.SetUserDisabled(ctx, admin.ID, true); conflict.ErrorCode(err) != conflict.Conflict {
		t.Errorf("disabling the last admin = %v, want Conflict", err)
	}
	second := addUser(t, db, "second@example.org", conflict.RoleAdmin)
	if err := db.SetUserDisabled(ctx, admin.ID, true); err != nil {
		t.Errorf("disabling an admin while another is enabled = %v, want nil", err)
	}
	if err := db.SetUserRole(ctx, second.ID, conflict.RoleEditor); conflict.ErrorCode(err) != conflict.Conflict {
		t.Errorf("demoting the only enabled admin = %v, want Conflict", err)
	}

	users, err := db.FindUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var emails []string
	for _, u := range users {
		emails = append(emails, u.Email)
	}
	want := []string{"admin@example.org", "editor@example.org", "second@example.org"}
	if len(emails) != len(want) || emails[0] != want[0] || emails[1] != want[1] || emails[2] != want[2] {
		t.Errorf("FindUsers = %q, want %q", emails, want)
	}
}

func TestSessionStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sitrep.db")
	db := sqlitetest.Open(t, path)
	now := time.Now().UTC()
	db.SetClock(func() time.Time { return now })
	store := db.Sessions()
	ctx := t.Context()

	if err := store.CommitCtx(ctx, "tok", []byte("data"), now.Add(time.Hour)); err != nil {
		t.Fatalf("CommitCtx: %v", err)
	}
	if b, found, err := store.FindCtx(ctx, "tok"); err != nil || !found || string(b) != "data" {
		t.Errorf("FindCtx = %q, %v, %v; want data, true, nil", b, found, err)
	}
	if err := store.Commit("tok", []byte("more"), now.Add(time.Hour)); err != nil {
		t.Fatalf("Commit again: %v", err)
	}
	if b, _, _ := store.Find("tok"); string(b) != "more" {
		t.Errorf("Find after a second commit = %q, want more", b)
	}
	if _, found, err := store.Find("unknown"); found || err != nil {
		t.Errorf("Find(unknown) = %v, %v; want false, nil", found, err)
	}

	// The expiry is a Julian day, as SQLite's julianday() counts.
	raw := openRaw(t, path)
	var live int
	if err := raw.QueryRow(`SELECT count(*) FROM sessions WHERE expiry > julianday('now')`).Scan(&live); err != nil || live != 1 {
		t.Errorf("sessions live by julianday('now') = %d, %v; want 1", live, err)
	}

	now = now.Add(time.Hour + time.Second)
	if _, found, _ := store.Find("tok"); found {
		t.Errorf("Find after expiry = found, want not found")
	}

	// A commit after the cleanup interval removes expired rows.
	now = now.Add(store.CleanupInterval)
	if err := store.Commit("new", []byte("x"), now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	var rows int
	if err := raw.QueryRow(`SELECT count(*) FROM sessions`).Scan(&rows); err != nil || rows != 1 {
		t.Errorf("rows after cleanup = %d, %v; want 1", rows, err)
	}

	if err := store.Delete("new"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, found, _ := store.Find("new"); found {
		t.Errorf("Find after Delete = found")
	}
}
