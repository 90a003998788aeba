package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/app"
	"github.com/sitrep/sitrep/internal/server"
)

// exportURL is an export far larger than the socket buffers of a
// stalledClient's connection, so its writes block until the client reads.
const exportURL = "/api/v1/export/events?format=json"

// limitServer serves the demo data with 600 more events over a real
// listener whose connections have small send buffers, under limits.
func limitServer(t *testing.T, limits server.BulkLimits) *httptest.Server {
	t.Helper()
	logs := &testLog{}
	a, err := app.Open(t.Context(), app.Config{
		DBPath: filepath.Join(t.TempDir(), "sitrep.db"),
		Demo:   true,
		Logger: slog.New(slog.NewTextHandler(logs, nil)),
		Bulk:   limits,
	})
	if err != nil {
		t.Fatalf("app.Open: %v", err)
	}
	addEvents(t, a, 600)
	srv := httptest.NewUnstartedServer(a.Handler())
	srv.Listener = smallBuffers{srv.Listener}
	srv.Start()
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
		if t.Failed() {
			logs.mu.Lock()
			t.Logf("application log:\n%s", logs.buf.String())
			logs.mu.Unlock()
		}
		if err := a.Close(); err != nil {
			t.Errorf("closing the app: %v", err)
		}
	})
	return srv
}

// smallBuffers shrinks the kernel's send buffer of each connection, so a
// response to a client that does not read fills it after a few kilobytes.
type smallBuffers struct{ net.Listener }

func (l smallBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(4096)
	}
	return c, err
}

// stalledClient sends a GET for target and never reads the body.
type stalledClient struct {
	conn net.Conn
	r    *bufio.Reader
}

func startStalled(t *testing.T, srv *httptest.Server, target string) *stalledClient {
	t.Helper()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	_ = conn.(*net.TCPConn).SetReadBuffer(4096)
	if _, err := io.WriteString(conn, "GET "+target+" HTTP/1.1\r\nHost: sitrep.test\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	return &stalledClient{conn: conn, r: bufio.NewReaderSize(conn, 512)}
}

// status reads the response's status line: the export has begun, and
// holds its place and its connection.
func (s *stalledClient) status(t *testing.T) string {
	t.Helper()
	_ = s.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := s.r.ReadString('\n')
	if err != nil {
		t.Fatalf("stalled client: no status line: %v", err)
	}
	return strings.TrimSpace(line)
}

// getWithin GETs target and fails unless it answers 200 within d.
func getWithin(t *testing.T, srv *httptest.Server, target string, d time.Duration) {
	t.Helper()
	client := &http.Client{Timeout: d}
	start := time.Now()
	res, err := client.Get(srv.URL + target)
	if err != nil {
		t.Fatalf("GET %s while exports hang: %v (after %v)", target, err, time.Since(start))
	}
	_, err = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s while exports hang = %d %v, want 200", target, res.StatusCode, err)
	}
}

// TestStalledExportsLeavePagesAlone starts four clients that ask for an
// export and never read it, then asks for pages: they answer at once,
// because exports read from a pool of their own.
func TestStalledExportsLeavePagesAlone(t *testing.T) {
	srv := limitServer(t, server.BulkLimits{PerClient: 4, Total: 4, WriteTimeout: time.Minute, Hold: time.Millisecond})
	// All four are sending, and none can finish.
	for range 4 {
		if got := startStalled(t, srv, exportURL).status(t); !strings.Contains(got, " 200 ") {
			t.Fatalf("stalled export: %q, want 200", got)
		}
	}
	getWithin(t, srv, "/healthz", time.Second)
	// A filter no one has asked for yet, so the page is read afresh.
	getWithin(t, srv, "/events?q=convoy", time.Second)
	getWithin(t, srv, "/api/v1/events?limit=20", time.Second)

	// All four still hold their places: a fifth is refused.
	if res := probe(t, srv, exportURL); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("fifth export = %d, want 429 while four hang", res.StatusCode)
	}
}

// probe asks for an export until it is refused, for up to three seconds,
// each try given up after a moment: exports admitted just before are
// still being taken in. It returns the last response.
func probe(t *testing.T, srv *httptest.Server, target string, header ...string) *http.Response {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+target, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			res.Body = io.NopCloser(strings.NewReader(string(body)))
		}
		cancel()
		if err == nil && (res.StatusCode == http.StatusTooManyRequests || time.Now().After(deadline)) {
			return res
		}
		if err != nil && time.Now().After(deadline) {
			t.Fatalf("GET %s: %v", target, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestTooManyExportsFromOneClient: past the limit for one address, an
// export or a large API read is refused with 429 and Retry-After, in JSON
// for a program and as a page for a browser; a small API read still runs.
func TestTooManyExportsFromOneClient(t *testing.T) {
	srv := limitServer(t, server.BulkLimits{PerClient: 2, Total: 4, WriteTimeout: time.Minute, Hold: time.Millisecond})
	for range 2 {
		if got := startStalled(t, srv, exportURL).status(t); !strings.Contains(got, " 200 ") {
			t.Fatalf("export: %q, want 200", got)
		}
	}

	res := probe(t, srv, "/api/v1/export/estimates?format=csv")
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Fatalf("third export = %d, Retry-After %q; want 429 with Retry-After", res.StatusCode, res.Header.Get("Retry-After"))
	}
	var body struct {
		Error struct{ Message string } `json:"error"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil || !strings.Contains(body.Error.Message, "already have 2") {
		t.Errorf("third export's error = %v %+v, want a JSON message saying two are running", err, body)
	}

	res = probe(t, srv, "/api/v1/events?limit=500")
	if res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("API read of 500 = %d, want 429 while two exports run", res.StatusCode)
	}
	getWithin(t, srv, "/api/v1/events?limit=50", time.Second)

	res = probe(t, srv, exportURL+"&from=2016", "Accept", "text/html,application/xhtml+xml")
	page, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusTooManyRequests || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") ||
		!strings.Contains(string(page), "Try again in") {
		t.Errorf("export a browser asked for = %d %s, want a 429 page:\n%s", res.StatusCode, res.Header.Get("Content-Type"), page)
	}
}

// TestStalledExportIsCutOff: an export whose client stops reading is cut
// off after the write timeout, which frees its place for the next.
func TestStalledExportIsCutOff(t *testing.T) {
	srv := limitServer(t, server.BulkLimits{PerClient: 1, Total: 1, WriteTimeout: time.Second, Hold: time.Millisecond})
	stalled := startStalled(t, srv, exportURL)
	if got := stalled.status(t); !strings.Contains(got, " 200 ") {
		t.Fatalf("export: %q, want 200", got)
	}
	if res := probe(t, srv, exportURL); res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("second export = %d, want 429 while the first holds the only place", res.StatusCode)
	}

	// Its place comes free within moments, not minutes.
	var (
		res   *http.Response
		err   error
		start = time.Now()
	)
	for {
		res, err = http.Get(srv.URL + exportURL)
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != http.StatusTooManyRequests || time.Since(start) > 5*time.Second {
			break
		}
		res.Body.Close()
		time.Sleep(50 * time.Millisecond)
	}
	defer res.Body.Close()
	var out struct{ Data []json.RawMessage }
	if err := json.NewDecoder(res.Body).Decode(&out); res.StatusCode != http.StatusOK || err != nil || len(out.Data) < 600 {
		t.Fatalf("export after the cut-off = %d %v, %d events; want all of them", res.StatusCode, err, len(out.Data))
	}

	// The stalled client was cut off: what it had been sent ends without
	// the end of the chunked body.
	_ = stalled.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	rest, err := io.ReadAll(stalled.r)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("stalled connection still open (%d bytes read)", len(rest))
	}
	if strings.HasSuffix(string(rest), "\r\n0\r\n\r\n") {
		t.Errorf("stalled export ran to its end (%d bytes); want it cut off", len(rest))
	}
}

// TestRefusalIsHeldBack: a refusal is sent only after a pause, so a client
// that asks again the moment it is refused asks only so often.
func TestRefusalIsHeldBack(t *testing.T) {
	const hold = 300 * time.Millisecond
	srv := limitServer(t, server.BulkLimits{PerClient: 1, Total: 1, WriteTimeout: time.Minute, Hold: hold})
	if got := startStalled(t, srv, exportURL).status(t); !strings.Contains(got, " 200 ") {
		t.Fatalf("export: %q, want 200", got)
	}
	start := time.Now()
	res, err := http.Get(srv.URL + exportURL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if took := time.Since(start); res.StatusCode != http.StatusTooManyRequests || took < hold {
		t.Errorf("second export = %d after %v, want 429 after at least %v", res.StatusCode, took, hold)
	}
	// Pages are not held back.
	getWithin(t, srv, "/healthz", time.Second)
}
