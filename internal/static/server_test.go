package static

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// testServer serves dir on a loopback port with the timeouts t and
// counts its open connections. It returns the address and the count.
func testServer(t *testing.T, dir string, timeouts Timeouts, logger *log.Logger) (string, *atomic.Int64) {
	t.Helper()
	h, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(h, timeouts, logger)
	var open atomic.Int64
	srv.ConnState = func(_ net.Conn, s http.ConnState) {
		switch s {
		case http.StateNew:
			open.Add(1)
		case http.StateClosed, http.StateHijacked:
			open.Add(-1)
		}
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String(), &open
}

// raw sends a request line and headers as written and returns the reply.
func raw(t *testing.T, addr, request string) string {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprint(conn, request)
	reply, _ := io.ReadAll(conn)
	return string(reply)
}

// waitFor polls cond for up to d.
func waitFor(d time.Duration, cond func() bool) bool {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

// bigFile adds a file of n bytes (incompressible enough) to the site.
func bigFile(t *testing.T, dir, name string, n int) {
	t.Helper()
	b := make([]byte, n)
	x := uint32(1)
	for i := range b {
		x = x*1664525 + 1013904223
		b[i] = byte(x >> 24)
	}
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestTheLogEscapesRequestPaths is row 10: a path with an encoded newline
// forged a second log line.
func TestTheLogEscapesRequestPaths(t *testing.T) {
	var logged bytes.Buffer
	addr, _ := testServer(t, site(t), DefaultTimeouts(), log.New(&logged, "", 0))
	raw(t, addr, "GET /x%0a2026/12/07%2023:59:59%20200%20GET%20/admin HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
	waitFor(2*time.Second, func() bool { return logged.Len() > 0 })
	lines := strings.Split(strings.TrimSpace(logged.String()), "\n")
	if len(lines) != 1 || !strings.HasPrefix(strings.ToLower(lines[0]), "404 get /x%0a2026") {
		t.Errorf("the log has %d lines, want one beginning 404 GET /x%%0a2026: %q", len(lines), logged.String())
	}
}

// TestOnlyRegularFilesAreServed is row 10: a FIFO in the site folder made
// a request hang.
func TestOnlyRegularFilesAreServed(t *testing.T) {
	dir := site(t)
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.js"), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	addr, _ := testServer(t, dir, DefaultTimeouts(), nil)
	done := make(chan string, 1)
	go func() {
		done <- raw(t, addr, "GET /pipe.js HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
	}()
	select {
	case reply := <-done:
		if !strings.HasPrefix(reply, "HTTP/1.1 404") {
			t.Errorf("GET of a FIFO: %q, want 404", reply)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("GET of a FIFO hangs")
	}
}

// TestRedirectsAreNeverProtocolRelative is row 10: GET //sub answered
// Location: //sub/, which a browser reads as another host.
func TestRedirectsAreNeverProtocolRelative(t *testing.T) {
	addr, _ := testServer(t, site(t), DefaultTimeouts(), nil)
	for target, want := range map[string]string{"//data": "/data/", "/data": "/data/", "///data": "/data/", "//data//": ""} {
		reply := raw(t, addr, "GET "+target+" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(strings.NewReader(reply)), nil)
		if err != nil {
			t.Fatalf("GET %s: %v", target, err)
		}
		loc := resp.Header.Get("Location")
		if strings.HasPrefix(loc, "//") || strings.Contains(loc, "\\") {
			t.Errorf("GET %s redirects to %q, off the host", target, loc)
		}
		if want != "" && (resp.StatusCode != http.StatusMovedPermanently || loc != want) {
			t.Errorf("GET %s: %d Location %q, want 301 %q", target, resp.StatusCode, loc, want)
		}
	}
}

// shortTimeouts are DefaultTimeouts shrunk for tests.
func shortTimeouts() Timeouts {
	return Timeouts{ReadHeader: 500 * time.Millisecond, Read: time.Second, Stall: 500 * time.Millisecond, Idle: 500 * time.Millisecond}
}

// TestIdleSlowAndStalledClientsAreDropped is row 10: an idle keep-alive
// connection and a client that never reads the wasm were still held
// after 40 s. With the timeouts each is closed by the server.
func TestIdleSlowAndStalledClientsAreDropped(t *testing.T) {
	dir := site(t)
	bigFile(t, dir, "big.0123456789ab.wasm", 32<<20)
	addr, open := testServer(t, dir, shortTimeouts(), nil)
	dial := func() net.Conn {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	// Idle after one request on a kept-alive connection.
	idle := dial()
	fmt.Fprint(idle, "GET /style.css HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(idle), nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("the first request: %v %v", resp, err)
	}
	io.Copy(io.Discard, resp.Body)
	// Headers that never end (slowloris).
	fmt.Fprint(dial(), "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
	// A download that is never read.
	stalled := dial().(*net.TCPConn)
	stalled.SetReadBuffer(4096)
	fmt.Fprint(stalled, "GET /big.0123456789ab.wasm HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: identity\r\n\r\n")
	if !waitFor(2*time.Second, func() bool { return open.Load() == 3 }) {
		t.Fatalf("%d connections open, want 3", open.Load())
	}
	if !waitFor(10*time.Second, func() bool { return open.Load() == 0 }) {
		t.Errorf("%d of the 3 idle, slow and stalled connections still open after 10 s", open.Load())
	}
}

// TestALoadOfManyClientsStaysFlat is the bounded loopback load test of
// row 10: many concurrent clients, a fifth of them slow (they stop
// reading a large file, or sit idle), against one server on 127.0.0.1.
// Every fast client's request is served in full, and the server's
// goroutines and heap do not grow with time: once the clients stop, both
// return to their level before the load. FASHIONLAB_LOAD_TEST=long runs
// the 500 clients for 10 s; the default is 200 for 3 s.
func TestALoadOfManyClientsStaysFlat(t *testing.T) {
	clients, duration := 200, 3*time.Second
	if os.Getenv("FASHIONLAB_LOAD_TEST") == "long" {
		clients, duration = 500, 10*time.Second
	}
	dir := site(t)
	bigFile(t, dir, "big.0123456789ab.wasm", 8<<20)
	addr, open := testServer(t, dir, shortTimeouts(), nil)
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapInuse
	}
	baseGoroutines, baseHeap := runtime.NumGoroutine(), heap()
	stop := time.Now().Add(duration)
	var served, failed atomic.Int64
	var wg sync.WaitGroup
	var firstErr atomic.Value
	tr := &http.Transport{MaxIdleConnsPerHost: clients, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	want, _ := os.ReadFile(filepath.Join(dir, "app.js"))
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%5 == 0 { // slow: stall on the large file, or idle
				for time.Now().Before(stop) {
					c, err := net.Dial("tcp", addr)
					if err != nil {
						return
					}
					if i%10 == 0 {
						c.(*net.TCPConn).SetReadBuffer(4096)
						fmt.Fprint(c, "GET /big.0123456789ab.wasm HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
					} else {
						fmt.Fprint(c, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
					}
					c.SetReadDeadline(stop)
					io.Copy(io.Discard, io.LimitReader(c, 1)) // waits until the server drops it
					time.Sleep(time.Until(stop) % (300 * time.Millisecond))
					c.Close()
				}
				return
			}
			for time.Now().Before(stop) {
				resp, err := client.Get("http://" + addr + "/app.js")
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != 200 || !bytes.Equal(body, want) {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Sprintf("status %d, %d bytes, %v", resp.StatusCode, len(body), err))
					continue
				}
				served.Add(1)
			}
		}()
	}
	// Sample the server while the load runs.
	// Goroutines in the first and the last third of the load: flat, not
	// growing with time.
	var early, late int
	for start := time.Now(); time.Now().Before(stop); time.Sleep(100 * time.Millisecond) {
		n := runtime.NumGoroutine()
		switch elapsed := time.Since(start); {
		case elapsed < duration/3:
			early = max(early, n)
		case elapsed > 2*duration/3:
			late = max(late, n)
		}
	}
	peakGoroutines := max(early, late)
	wg.Wait()
	tr.CloseIdleConnections()
	if failed.Load() > 0 {
		t.Errorf("%d fast requests failed (first: %v); %d served", failed.Load(), firstErr.Load(), served.Load())
	}
	if served.Load() < int64(clients) {
		t.Errorf("only %d fast requests served by %d clients in %v", served.Load(), clients, duration)
	}
	// Goroutines and heap flat: back to their level before the load once
	// the server has dropped every connection.
	if !waitFor(10*time.Second, func() bool { return open.Load() == 0 }) {
		t.Errorf("%d connections still open after the load", open.Load())
	}
	settled := waitFor(10*time.Second, func() bool { return runtime.NumGoroutine() <= baseGoroutines+5 })
	afterHeap := heap()
	t.Logf("%d clients for %v: %d fast requests served; goroutines %d before, at most %d in the first third and %d in the last, %d after; heap in use %d KB before, %d KB after",
		clients, duration, served.Load(), baseGoroutines, early, late, runtime.NumGoroutine(), baseHeap>>10, afterHeap>>10)
	if !settled {
		t.Errorf("goroutines %d after the load, %d before", runtime.NumGoroutine(), baseGoroutines)
	}
	if afterHeap > baseHeap+16<<20 {
		t.Errorf("heap in use grew from %d KB to %d KB", baseHeap>>10, afterHeap>>10)
	}
	// Each connection holds a few goroutines on each side, client and
	// server, in this one process.
	if peakGoroutines > baseGoroutines+8*clients || late > 2*early+100 {
		t.Errorf("goroutines: %d in the first third of the load, %d in the last, for %d clients", early, late, clients)
	}
}
