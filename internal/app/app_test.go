package app

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/versioned"
)

// An app given a memory limit its heap is already past lowers the bounds
// of the caches it keeps, once a collection says so, and one given none
// leaves them whole.
func TestMemoryLimitLowersTheCaches(t *testing.T) {
	t.Cleanup(func() { versioned.SetScale(1) })
	open := func(limit int64) *App {
		t.Helper()
		a, err := Open(t.Context(), Config{DBPath: filepath.Join(t.TempDir(), "sitrep.db"), MemoryLimit: limit, CacheBytes: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}

	a := open(0)
	runtime.GC()
	time.Sleep(3 * governorTick)
	if got := versioned.Scaled(1000); got != 1000 {
		t.Errorf("with no memory limit a bound of 1000 became %d", got)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}

	// A megabyte: the live heap of any test is over its share. The caches
	// must hold something to give up: pages kept by the response cache,
	// which keeps them compressed, for readers who take them so.
	a = open(1 << 20)
	defer a.Close()
	for _, path := range []string{"/", "/events", "/estimates"} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		a.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d", path, rec.Code)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for versioned.Scaled(1000) == 1000 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(governorTick)
	}
	if got := versioned.Scaled(1000); got >= 1000 {
		t.Fatalf("with a 1 MB limit a bound of 1000 stayed %d", got)
	}
}
