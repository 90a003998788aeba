package main

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// accessLogDelay is how late a request's log line may be written.
const accessLogDelay = 100 * time.Millisecond

// batchedWriter holds what is written to it and writes it on in one go
// when flushed: under load sitrep logs tens of thousands of requests a
// second, and a write to stderr for each was a tenth of answering a
// revalidation.
type batchedWriter struct {
	mu  sync.Mutex
	w   io.Writer
	buf []byte
}

func (b *batchedWriter) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	return len(p), nil
}

// Flush writes what is held.
func (b *batchedWriter) Flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.buf) > 0 {
		_, _ = b.w.Write(b.buf)
		b.buf = b.buf[:0]
	}
}

// batchRequests is a handler whose request lines (message "request",
// below Warn) wait in out for the next flush; every other record flushes
// at once, so a start, a warning or an error is never held back nor
// written out of order.
type batchRequests struct {
	slog.Handler
	out *batchedWriter
}

func (h batchRequests) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Message != "request" || r.Level >= slog.LevelWarn {
		h.out.Flush()
	}
	return err
}

func (h batchRequests) WithAttrs(attrs []slog.Attr) slog.Handler {
	return batchRequests{Handler: h.Handler.WithAttrs(attrs), out: h.out}
}

func (h batchRequests) WithGroup(name string) slog.Handler {
	return batchRequests{Handler: h.Handler.WithGroup(name), out: h.out}
}

// batchAccessLog returns a logger like log's handler made by newHandler
// on w, whose request lines are written at most accessLogDelay late, and
// the function that stops it, writing what is held.
func batchAccessLog(w io.Writer, newHandler func(io.Writer) slog.Handler) (*slog.Logger, func()) {
	out := &batchedWriter{w: w}
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(accessLogDelay)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				out.Flush()
			case <-done:
				out.Flush()
				return
			}
		}
	}()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			close(done)
			<-stopped
		})
	}
	return slog.New(batchRequests{Handler: newHandler(out), out: out}), stop
}
