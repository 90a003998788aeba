package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/auth"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
)

// runUser runs the command line with stdin and SITREP_DB set to db.
func runUser(t *testing.T, db, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	getenv := func(k string) string {
		if k == "SITREP_DB" {
			return db
		}
		return ""
	}
	err = run(t.Context(), args, getenv, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestUserCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sitrep.db")
	const pw = "a long enough passphrase\n"

	steps := []struct {
		name       string
		stdin      string
		args       []string
		wantErr    string // "" for success, "usage" for errUsage
		wantStdout string
		wantStderr string
	}{
		{"add an admin", pw, []string{"user", "add", "--email", "Ada@Example.org", "--name", "Ada Admin", "--role", "admin"}, "", "added admin ada@example.org (Ada Admin)", ""},
		{"add an editor, role by default", "another good passphrase\r\n", []string{"user", "add", "--email", "ed@example.org", "--name", "Ed Editor"}, "", "added editor ed@example.org", ""},
		{"add the same address", pw, []string{"user", "add", "--email", "ED@example.org", "--name", "Ed Again"}, "--email: An account with this email address already exists.", "", ""},
		{"short password", "too short\n", []string{"user", "add", "--email", "x@example.org", "--name", "X"}, "password: Use at least 12 characters", "", ""},
		{"no password", "", []string{"user", "add", "--email", "x@example.org", "--name", "X"}, "no password", "", ""},
		{"common password", "password1234\n", []string{"user", "add", "--email", "x@example.org", "--name", "X"}, "password: This password is easy to guess: it is one of the most common passwords.", "", ""},
		{"twelve spaces", "            \n", []string{"user", "add", "--email", "x@example.org", "--name", "X"}, "password: This password is easy to guess: it repeats", "", ""},
		{"the account's own name", "ed@example.org!\n", []string{"user", "reset-password", "--email", "ed@example.org"}, "name or email address", "", ""},
		{"bad address", pw, []string{"user", "add", "--email", "nope", "--name", "X"}, "--email: Enter an email address", "", ""},
		{"bad role", pw, []string{"user", "add", "--email", "x@example.org", "--name", "X", "--role", "owner"}, "--role: Role is editor, reviewer or admin.", "", ""},
		{"missing email", pw, []string{"user", "add", "--name", "X"}, "usage", "", "--email is required"},
		{"missing name", pw, []string{"user", "add", "--email", "x@example.org"}, "usage", "", "--name is required"},
		{"set role", "", []string{"user", "set-role", "--email", "ed@example.org", "--role", "reviewer"}, "", "ed@example.org is now reviewer", ""},
		{"set role of nobody", "", []string{"user", "set-role", "--email", "nobody@example.org", "--role", "reviewer"}, "no account for nobody@example.org", "", ""},
		{"set role without a role", "", []string{"user", "set-role", "--email", "ed@example.org"}, "usage", "", "--role is required"},
		{"demote the last admin", "", []string{"user", "set-role", "--email", "ada@example.org", "--role", "editor"}, "last admin", "", ""},
		{"disable", "", []string{"user", "disable", "--email", "ed@example.org"}, "", "ed@example.org is disabled", ""},
		{"disable the last admin", "", []string{"user", "disable", "--email", "ada@example.org"}, "last admin", "", ""},
		{"reset password", "a brand new passphrase\n", []string{"user", "reset-password", "--email", "ed@example.org"}, "", "new password set for ed@example.org", ""},
		{"list", "", []string{"user", "list"}, "", "Ed Editor  reviewer  disabled", ""},
		{"enable", "", []string{"user", "enable", "--email", "ed@example.org"}, "", "ed@example.org is enabled", ""},
		{"unknown subcommand", "", []string{"user", "frob"}, "usage", "", `unknown subcommand "frob"`},
		{"no subcommand", "", []string{"user"}, "usage", "", "Usage: sitrep user <subcommand>"},
		{"help", "", []string{"user", "help"}, "", "reset-password", ""},
	}
	for _, s := range steps {
		stdout, stderr, err := runUser(t, db, s.stdin, s.args...)
		switch {
		case s.wantErr == "" && err != nil:
			t.Errorf("%s: run(%q) = %v, want success", s.name, s.args, err)
		case s.wantErr == "usage" && err != errUsage:
			t.Errorf("%s: run(%q) = %v, want errUsage", s.name, s.args, err)
		case s.wantErr != "" && s.wantErr != "usage" && (err == nil || !strings.Contains(err.Error(), s.wantErr)):
			t.Errorf("%s: run(%q) = %v, want an error containing %q", s.name, s.args, err, s.wantErr)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %q is more than one line", s.name, err)
		}
		if !strings.Contains(stdout, s.wantStdout) {
			t.Errorf("%s: stdout = %q, want %q", s.name, stdout, s.wantStdout)
		}
		if !strings.Contains(stderr, s.wantStderr) {
			t.Errorf("%s: stderr = %q, want %q", s.name, stderr, s.wantStderr)
		}
	}

	store := sqlitetest.Open(t, db)
	ed, err := store.FindUserByEmail(t.Context(), "ed@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if ed.Role != conflict.RoleReviewer || ed.Disabled {
		t.Errorf("ed is %+v, want an enabled reviewer", ed)
	}
	hash, err := store.FindPasswordHash(t.Context(), ed.ID)
	if err != nil {
		t.Fatal(err)
	}
	h := auth.NewHasher(auth.TestParams)
	if ok, err := h.Verify("a brand new passphrase", hash); !ok || err != nil {
		t.Errorf("the reset password does not verify: %v, %v", ok, err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=65536,t=1,p=2$") {
		t.Errorf("hash %q is not made with the default parameters", hash)
	}
}

func TestUserHelp(t *testing.T) {
	for _, sub := range []string{"add", "list", "set-role", "reset-password", "disable", "enable"} {
		t.Run(sub, func(t *testing.T) {
			_, stderr, err := runCLI(t, "user", sub, "--help")
			if err != nil {
				t.Fatalf("user %s --help = %v, want nil", sub, err)
			}
			for _, want := range []string{"Usage: sitrep user " + sub, "-db", "SITREP_DB"} {
				if !strings.Contains(stderr, want) {
					t.Errorf("user %s --help lacks %q:\n%s", sub, want, stderr)
				}
			}
		})
	}
}

func TestServeSecureCookiesFlag(t *testing.T) {
	_, stderr, err := runCLI(t, "serve", "--help")
	if err != nil || !strings.Contains(stderr, "-secure-cookies") || !strings.Contains(stderr, "SITREP_SECURE_COOKIES") {
		t.Errorf("serve --help = %v, want the -secure-cookies flag and its variable:\n%s", err, stderr)
	}
}
