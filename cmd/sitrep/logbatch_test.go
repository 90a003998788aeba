package main

import (
	"bytes"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a buffer the logger's flushing goroutine and the test
// may use at once.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Request lines wait for the next batch, at most accessLogDelay; anything
// else is written at once, after the request lines before it; stopping
// writes what is held.
func TestAccessLogIsWrittenInBatches(t *testing.T) {
	var out lockedBuffer
	log, stop := batchAccessLog(&out, func(w io.Writer) slog.Handler { return slog.NewTextHandler(w, nil) })
	log.Info("request", "path", "/events")
	log.Info("request", "path", "/map")
	if got := out.String(); strings.Contains(got, "/events") && !strings.Contains(got, "/map") {
		t.Fatalf("half a batch was written: %q", got)
	}
	log.Warn("request", "path", "/slow", "status", 503)
	got := out.String()
	for _, want := range []string{"/events", "/map", "/slow"} {
		if !strings.Contains(got, want) {
			t.Errorf("a warning did not write what came before it: %q lacks %s", got, want)
		}
	}
	if strings.Index(got, "/events") > strings.Index(got, "/slow") {
		t.Errorf("lines out of order: %q", got)
	}
	log.Info("request", "path", "/search")
	deadline := time.Now().Add(20 * accessLogDelay)
	for !strings.Contains(out.String(), "/search") {
		if time.Now().After(deadline) {
			t.Fatalf("a request line was not written within %v", 20*accessLogDelay)
		}
		time.Sleep(accessLogDelay / 4)
	}
	log.Info("request", "path", "/last")
	log.With("component", "test").Info("shutting down")
	if got := out.String(); !strings.Contains(got, "/last") || !strings.Contains(got, "shutting down") {
		t.Errorf("a line other than a request's did not write at once: %q", got)
	}
	log.Info("request", "path", "/after")
	stop()
	stop()
	if got := out.String(); !strings.Contains(got, "/after") {
		t.Errorf("stopping did not write what was held: %q", got)
	}
}
