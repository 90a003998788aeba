package server_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/app"
)

// TestClosingLetsGoOfTheSpillFiles: the map's pins and the explorer's rows
// are kept in files mapped beside the database; closing the app unmaps
// them, so that a process opening and closing many apps (a test binary, a
// server reopening its database) does not keep each one's files mapped.
func TestClosingLetsGoOfTheSpillFiles(t *testing.T) {
	if _, err := os.ReadFile("/proc/self/maps"); err != nil {
		t.Skipf("no /proc/self/maps to count mapped files in: %v", err)
	}
	dir := t.TempDir()
	a, err := app.Open(t.Context(), app.Config{DBPath: filepath.Join(dir, "sitrep.db"), Demo: true})
	if err != nil {
		t.Fatalf("app.Open: %v", err)
	}
	for _, target := range []string{"/map", "/estimates?force=Islamic+State"} {
		if rec := do(t, a.Handler(), http.MethodGet, target); rec.Code != http.StatusOK {
			t.Fatalf("GET %s = %d, want 200", target, rec.Code)
		}
	}
	mapped := func() int {
		maps, err := os.ReadFile("/proc/self/maps")
		if err != nil {
			t.Fatalf("reading /proc/self/maps: %v", err)
		}
		n := 0
		for line := range strings.Lines(string(maps)) {
			if strings.Contains(line, filepath.Join(dir, ".sitrep-spill-")) {
				n++
			}
		}
		return n
	}
	if n := mapped(); n < 2 {
		t.Fatalf("%d spill files mapped while serving, want the map's and the explorer's", n)
	}
	if err := a.Close(); err != nil {
		t.Fatalf("closing the app: %v", err)
	}
	if n := mapped(); n != 0 {
		t.Errorf("%d spill files still mapped after the app closed", n)
	}
}
