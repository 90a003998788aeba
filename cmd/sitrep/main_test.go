package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe to write from the server's goroutines
// while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// noEnv is an environment with nothing set.
func noEnv(string) string { return "" }

// runCLI runs the command line with the given arguments and an empty
// environment, returning its error and what it wrote.
func runCLI(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(t.Context(), args, noEnv, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestRunUsage(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantErr    error
		wantStdout []string
		wantStderr []string
	}{
		{"help", []string{"help"}, nil, []string{"Usage: sitrep <command> [flags]", "serve", "migrate", "demo", "version"}, nil},
		{"--help", []string{"--help"}, nil, []string{"Usage: sitrep <command> [flags]"}, nil},
		{"version", []string{"version"}, nil, []string{"sitrep "}, nil},
		{"no command", nil, errUsage, nil, []string{"Usage: sitrep <command> [flags]"}},
		{"unknown command", []string{"frobnicate"}, errUsage, nil, []string{`unknown command "frobnicate"`, "Usage: sitrep"}},
		{"unknown flag", []string{"migrate", "--nope"}, errUsage, nil, []string{"flag provided but not defined: -nope"}},
		{"extra argument", []string{"migrate", "extra"}, errUsage, nil, []string{`unexpected argument "extra"`}},
		{"serve --help", []string{"serve", "--help"}, nil, nil, []string{"Usage: sitrep serve", "-db", "SITREP_DB", "-addr", "SITREP_ADDR", "-demo", "-base-url"}},
		{"migrate --help", []string{"migrate", "-h"}, nil, nil, []string{"Usage: sitrep migrate", "-db", "SITREP_DB"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, err := runCLI(t, tt.args...)
			if err != tt.wantErr {
				t.Fatalf("run(%q) = %v, want %v", tt.args, err, tt.wantErr)
			}
			for _, w := range tt.wantStdout {
				if !strings.Contains(stdout, w) {
					t.Errorf("run(%q) stdout = %q, want it to contain %q", tt.args, stdout, w)
				}
			}
			for _, w := range tt.wantStderr {
				if !strings.Contains(stderr, w) {
					t.Errorf("run(%q) stderr = %q, want it to contain %q", tt.args, stderr, w)
				}
			}
		})
	}
}

func TestExitCode(t *testing.T) {
	if got := exitCode(errUsage); got != 2 {
		t.Errorf("exitCode(errUsage) = %d, want 2", got)
	}
	if got := exitCode(io.ErrUnexpectedEOF); got != 1 {
		t.Errorf("exitCode(other error) = %d, want 1", got)
	}
}

func TestMigrateTwice(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sitrep.db")
	for i := range 2 {
		stdout, stderr, err := runCLI(t, "migrate", "--db", path)
		if err != nil {
			t.Fatalf("migrate run %d = %v (stderr %q), want nil", i+1, err, stderr)
		}
		if want := "database " + path + " is up to date"; !strings.Contains(stdout, want) {
			t.Errorf("migrate run %d stdout = %q, want %q", i+1, stdout, want)
		}
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("migrate left no database file: %v", err)
	}
}

func TestDatabaseFromEnvironment(t *testing.T) {
	path := filepath.Join(t.TempDir(), "from-env.db")
	getenv := func(k string) string {
		if k == "SITREP_DB" {
			return path
		}
		return ""
	}
	var out, errOut bytes.Buffer
	if err := run(t.Context(), []string{"migrate"}, getenv, nil, &out, &errOut); err != nil {
		t.Fatalf("migrate with SITREP_DB = %v (stderr %q)", err, errOut.String())
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("migrate did not use SITREP_DB=%s: %v", path, err)
	}
}

func TestDemoTwice(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sitrep.db")
	for i := range 2 {
		stdout, stderr, err := runCLI(t, "demo", "--db", path)
		if err != nil {
			t.Fatalf("demo run %d = %v (stderr %q), want nil", i+1, err, stderr)
		}
		if !strings.Contains(stdout, "/timelines/mosul-2016") {
			t.Errorf("demo run %d stdout = %q, want it to point at /timelines/mosul-2016", i+1, stdout)
		}
	}
}

func TestBadDatabasePath(t *testing.T) {
	dir := t.TempDir()
	for _, cmd := range []string{"serve", "migrate", "demo"} {
		t.Run(cmd, func(t *testing.T) {
			args := []string{cmd, "--db", dir}
			if cmd == "serve" {
				args = append(args, "--addr", "127.0.0.1:0")
			}
			_, _, err := runCLI(t, args...)
			if err == nil {
				t.Fatalf("run(%q) = nil, want an error", args)
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") || !strings.Contains(msg, dir) || !strings.Contains(msg, "is a directory") {
				t.Errorf("run(%q) error = %q, want one line naming %s and saying it is a directory", args, msg, dir)
			}
			if exitCode(err) != 1 {
				t.Errorf("exitCode(%v) = %d, want 1", err, exitCode(err))
			}
		})
	}
}

func TestServe(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sitrep.db")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()

	stdoutR, stdoutW := io.Pipe()
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--db", path, "--demo", "--addr", "127.0.0.1:0"}, noEnv, nil, stdoutW, &stderr)
		stdoutW.Close()
	}()

	// Wait for the line that says where sitrep listens, reading the rest
	// of stdout away so the server never blocks on it.
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdoutR)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	const prefix = "sitrep is serving on "
	var base string
	timeout := time.After(30 * time.Second)
	for base == "" {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("serve ended without saying where it listens: %v\nstderr:\n%s", <-done, stderr.String())
			}
			if strings.HasPrefix(line, prefix) {
				base = strings.TrimPrefix(line, prefix)
			}
		case <-timeout:
			t.Fatalf("serve did not start within 30s\nstderr:\n%s", stderr.String())
		}
	}
	go func() {
		for range lines {
		}
	}()
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Errorf("serve announced %q, want http://127.0.0.1:PORT", base)
	}

	client := &http.Client{Timeout: 10 * time.Second}
	get := func(path string) (int, string) {
		t.Helper()
		res, err := client.Get(base + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatalf("GET %s: reading the body: %v", path, err)
		}
		return res.StatusCode, string(body)
	}
	if status, body := get("/healthz"); status != http.StatusOK || strings.TrimSpace(body) != "ok" {
		t.Errorf("GET /healthz = %d %q, want 200 ok", status, body)
	}
	if status, body := get("/"); status != http.StatusOK || !strings.Contains(body, "Badr Organization") {
		t.Errorf("GET / = %d, body holds Badr Organization: %v; want 200 with the demo events", status, strings.Contains(body, "Badr Organization"))
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve after cancel = %v, want nil (a graceful shutdown)", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop within 20s of its context ending")
	}
	if log := stderr.String(); !strings.Contains(log, "shutting down") {
		t.Errorf("serve log = %q, want it to say it is shutting down", log)
	}
}
