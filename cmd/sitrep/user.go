package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"

	"github.com/sitrep/sitrep/internal/auth"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/sqlite"
)

type subcommand struct {
	name, summary string
	run           func(ctx context.Context, args []string, getenv env, stdin io.Reader, stdout, stderr io.Writer) error
}

var userCommands = []subcommand{
	{"add", "add an account; the password is prompted for, or read from standard input", userAdd},
	{"list", "list the accounts", userList},
	{"set-role", "change an account's role", userSetRole},
	{"reset-password", "set a new password; prompted for, or read from standard input", userResetPassword},
	{"disable", "disable an account: it can no longer sign in", userDisable},
	{"enable", "enable a disabled account", userEnable},
}

// user runs `sitrep user <subcommand>`.
func user(ctx context.Context, args []string, getenv env, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		printUserUsage(stderr)
		return errUsage
	}
	for _, c := range userCommands {
		if c.name == args[0] {
			return c.run(ctx, args[1:], getenv, stdin, stdout, stderr)
		}
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		printUserUsage(stdout)
		return nil
	}
	fmt.Fprintf(stderr, "sitrep user: unknown subcommand %q\n\n", args[0])
	printUserUsage(stderr)
	return errUsage
}

func printUserUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: sitrep user <subcommand> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Manage the accounts of editors, reviewers and admins. Roles: editor (enters and")
	fmt.Fprintln(w, "edits records), reviewer (also publishes), admin (also manages users).")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Subcommands:")
	for _, c := range userCommands {
		fmt.Fprintf(w, "  %-15s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run `sitrep user <subcommand> --help` for its flags.")
}

// required prints a one-line complaint about a missing flag.
func required(fs *flag.FlagSet, name string) error {
	fmt.Fprintf(fs.Output(), "%s: --%s is required (see --help)\n", fs.Name(), name)
	return errUsage
}

// openUsers opens and migrates the database, so that the first admin can
// be added before sitrep has ever served.
func openUsers(ctx context.Context, path string) (*sqlite.DB, error) {
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

const passwordHelp = "The password is asked for twice when standard input is a terminal; otherwise\nthe first line of standard input is the password. It needs at least 12 characters\nand must not be easy to guess: common passwords, repeats, sequences, keyboard rows\nand the account's own name or address are refused."

func userAdd(ctx context.Context, args []string, getenv env, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("user add", "Add an account.\n\n"+passwordHelp, stderr)
	dbPath := dbFlag(fs, getenv)
	email := fs.String("email", "", "email address, used to sign in (required)")
	name := fs.String("name", "", "name shown beside the account's changes (required)")
	role := fs.String("role", "editor", "editor, reviewer or admin")
	if helped, err := parse(fs, args); helped || err != nil {
		return err
	}
	switch {
	case *email == "":
		return required(fs, "email")
	case *name == "":
		return required(fs, "name")
	}
	u := conflict.User{Email: *email, Name: *name, Role: conflict.Role(*role)}
	if err := u.Validate(); err != nil {
		return cliError(err)
	}
	password, err := readPassword(stdin, stderr, true, u.Name, u.Email)
	if err != nil {
		return err
	}
	hash, err := auth.NewHasher(auth.DefaultParams).Hash(password)
	if err != nil {
		return err
	}
	db, err := openUsers(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.CreateUser(ctx, &u, hash); err != nil {
		return cliError(err)
	}
	fmt.Fprintf(stdout, "added %s %s (%s)\n", u.Role, u.Email, u.Name)
	return nil
}

func userList(ctx context.Context, args []string, getenv env, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("user list", "List the accounts, by email address.", stderr)
	dbPath := dbFlag(fs, getenv)
	if helped, err := parse(fs, args); helped || err != nil {
		return err
	}
	db, err := openUsers(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	users, err := db.FindUsers(ctx)
	if err != nil {
		return err
	}
	if len(users) == 0 {
		fmt.Fprintln(stdout, "no accounts yet: add one with `sitrep user add --email … --name … --role admin`")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tNAME\tROLE\tSTATUS\tCREATED")
	for _, u := range users {
		status := "active"
		if u.Disabled {
			status = "disabled"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Email, u.Name, u.Role, status, u.CreatedAt.Format("2006-01-02"))
	}
	return tw.Flush()
}

// withUser parses a subcommand that names an account by --email, checks
// its other flags with check (nil for none) and runs change on the account.
func withUser(ctx context.Context, fs *flag.FlagSet, args []string, getenv env, check func() error, change func(*sqlite.DB, conflict.User) error) error {
	dbPath := dbFlag(fs, getenv)
	email := fs.String("email", "", "email address of the account (required)")
	if helped, err := parse(fs, args); helped || err != nil {
		return err
	}
	if *email == "" {
		return required(fs, "email")
	}
	if check != nil {
		if err := check(); err != nil {
			return err
		}
	}
	db, err := openUsers(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.FindUserByEmail(ctx, strings.ToLower(*email))
	if conflict.ErrorCode(err) == conflict.NotFound {
		return fmt.Errorf("no account for %s (see `sitrep user list`)", *email)
	}
	if err != nil {
		return err
	}
	return cliError(change(db, u))
}

func userSetRole(ctx context.Context, args []string, getenv env, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("user set-role", "Change an account's role.", stderr)
	role := fs.String("role", "", "editor, reviewer or admin (required)")
	check := func() error {
		if *role == "" {
			return required(fs, "role")
		}
		return nil
	}
	return withUser(ctx, fs, args, getenv, check, func(db *sqlite.DB, u conflict.User) error {
		if err := db.SetUserRole(ctx, u.ID, conflict.Role(*role)); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s is now %s\n", u.Email, *role)
		return nil
	})
}

func userResetPassword(ctx context.Context, args []string, getenv env, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("user reset-password", "Set a new password for an account.\n\n"+passwordHelp, stderr)
	return withUser(ctx, fs, args, getenv, nil, func(db *sqlite.DB, u conflict.User) error {
		password, err := readPassword(stdin, stderr, true, u.Name, u.Email)
		if err != nil {
			return err
		}
		hash, err := auth.NewHasher(auth.DefaultParams).Hash(password)
		if err != nil {
			return err
		}
		if err := db.SetUserPassword(ctx, u.ID, hash); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "new password set for %s\n", u.Email)
		return nil
	})
}

func userDisable(ctx context.Context, args []string, getenv env, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("user disable", "Disable an account: it can no longer sign in, and its open sessions end.", stderr)
	return withUser(ctx, fs, args, getenv, nil, func(db *sqlite.DB, u conflict.User) error {
		if err := db.SetUserDisabled(ctx, u.ID, true); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s is disabled\n", u.Email)
		return nil
	})
}

func userEnable(ctx context.Context, args []string, getenv env, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("user enable", "Enable a disabled account.", stderr)
	return withUser(ctx, fs, args, getenv, nil, func(db *sqlite.DB, u conflict.User) error {
		if err := db.SetUserDisabled(ctx, u.ID, false); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s is enabled\n", u.Email)
		return nil
	})
}

// readPassword asks for a password on a terminal, without echo and twice
// when confirm is set, or reads the first line of stdin when it is not a
// terminal (a pipe, a file). The password must follow auth's rules, with
// the account's own words (its name and address) as guesses to avoid.
func readPassword(stdin io.Reader, stderr io.Writer, confirm bool, userInputs ...string) (string, error) {
	var password string
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		ask := func(prompt string) (string, error) {
			fmt.Fprint(stderr, prompt)
			b, err := term.ReadPassword(int(f.Fd()))
			fmt.Fprintln(stderr)
			return string(b), err
		}
		var err error
		if password, err = ask("Password: "); err != nil {
			return "", fmt.Errorf("reading the password: %w", err)
		}
		if err := auth.CheckPassword(password, userInputs...); err != nil {
			return "", cliError(err)
		}
		if confirm {
			again, err := ask("Repeat the password: ")
			if err != nil {
				return "", fmt.Errorf("reading the password: %w", err)
			}
			if again != password {
				return "", errors.New("the two passwords differ")
			}
		}
		return password, nil
	}
	line, err := bufio.NewReader(io.LimitReader(stdin, 64<<10)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("reading the password from standard input: %w", err)
	}
	password = strings.TrimRight(line, "\r\n")
	if password == "" {
		return "", errors.New("no password: type it at the prompt, or give it as the first line of standard input")
	}
	if err := auth.CheckPassword(password, userInputs...); err != nil {
		return "", cliError(err)
	}
	return password, nil
}

// cliError turns a domain error into one line naming the flags at fault.
func cliError(err error) error {
	var ce *conflict.Error
	if !errors.As(err, &ce) {
		return err
	}
	if len(ce.Fields) == 0 {
		return errors.New(strings.TrimSuffix(ce.Message, "."))
	}
	keys := make([]string, 0, len(ce.Fields))
	for k := range ce.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		name := "--" + k
		if k == "password" || k == "disabled" {
			name = k
		}
		parts[i] = name + ": " + ce.Fields[k]
	}
	return errors.New(strings.Join(parts, "; "))
}
