package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/sqlite"
)

func TestServeOriginFlags(t *testing.T) {
	_, stderr, err := runCLI(t, "serve", "--help")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"-allowed-hosts", "SITREP_ALLOWED_HOSTS", "-trusted-proxies", "SITREP_TRUSTED_PROXIES", "-base-url", "421"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("serve --help lacks %q", want)
		}
	}
	db := filepath.Join(t.TempDir(), "sitrep.db")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--base-url", "sitrep.example.org"}, "--base-url"},
		{[]string{"--base-url", "https://sitrep.example.org/sub"}, "without a path"},
		{[]string{"--allowed-hosts", "https://sitrep.example.org"}, "--allowed-hosts"},
		{[]string{"--trusted-proxies", "10.0.0.0/33"}, "--trusted-proxies"},
		{[]string{"--trusted-proxies", "proxy.local"}, "--trusted-proxies"},
	} {
		_, _, err := runCLI(t, append([]string{"serve", "--db", db, "--addr", "127.0.0.1:0"}, tt.args...)...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("serve %q = %v, want an error naming %s", tt.args, err, tt.want)
		}
	}

	nets, err := parseProxies(" 127.0.0.1, 10.0.0.0/8,::1 ")
	if err != nil || len(nets) != 3 || nets[0].String() != "127.0.0.1/32" || nets[1].String() != "10.0.0.0/8" || nets[2].String() != "::1/128" {
		t.Errorf("parseProxies = %v, %v; want 127.0.0.1/32, 10.0.0.0/8, ::1/128", nets, err)
	}
	hosts, err := parseHosts("Sitrep.Example.org, mirror.example.org:8443,")
	if err != nil || strings.Join(hosts, " ") != "sitrep.example.org mirror.example.org:8443" {
		t.Errorf("parseHosts = %q, %v", hosts, err)
	}
	if base, err := parseBaseURL("https://sitrep.example.org/"); err != nil || base != "https://sitrep.example.org" {
		t.Errorf("parseBaseURL = %q, %v; want the origin without its slash", base, err)
	}
}

// TestFilesOwnerOnly: the database, its WAL files, backups and exports hold
// accounts and drafts; only their owner may read them.
func TestFilesOwnerOnly(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "sitrep.db")
	if _, _, err := runCLI(t, "demo", "--db", db); err != nil {
		t.Fatalf("demo: %v", err)
	}
	backup := filepath.Join(dir, "backup.db")
	if _, _, err := runCLI(t, "backup", "--db", db, backup); err != nil {
		t.Fatalf("backup: %v", err)
	}
	export := filepath.Join(dir, "events.json")
	if _, _, err := runCLI(t, "export", "--db", db, "--format", "json", "--out", export); err != nil {
		t.Fatalf("export: %v", err)
	}
	// A database in use has its -wal and -shm files beside it; they are
	// removed when the last connection closes, so look while one is open.
	live := filepath.Join(dir, "live.db")
	conn, err := sqlite.Open(t.Context(), live)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	files := []string{db, backup, export, live, live + "-wal", live + "-shm"}
	for _, f := range files {
		info, err := os.Stat(f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if mode := info.Mode().Perm(); mode != 0o600 {
			t.Errorf("%s has mode %o, want 600", filepath.Base(f), mode)
		}
	}
}

// --memory-mb is listed with its default and variable, and a size too
// small for the heap of an idle server is refused before anything starts.
func TestServeMemoryFlag(t *testing.T) {
	_, stderr, err := runCLI(t, "serve", "--help")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"-memory-mb", "SITREP_MEMORY_MB", "(default 135)", "GOMEMLIMIT"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("serve --help lacks %q", want)
		}
	}
	db := filepath.Join(t.TempDir(), "sitrep.db")
	_, _, err = runCLI(t, "serve", "--db", db, "--memory-mb", "20")
	if err == nil || !strings.Contains(err.Error(), "--memory-mb 20: give at least 64 megabytes") {
		t.Errorf("serve --memory-mb 20 = %v, want an error naming the flag and the least size", err)
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("serve with a bad --memory-mb made the database (%v)", err)
	}
}
