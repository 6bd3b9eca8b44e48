//go:build !js

// Package headless serves a built FashionLab site on 127.0.0.1 and drives
// Debian's Chromium on it through chromedp, with the flags that work on a
// machine without GPU or network, and reads the page's state
// (PageState). The end-to-end tests, the browser benchmark and the
// screenshot command share it.
package headless

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/chromedp/chromedp"

	"fashionlab/internal/static"
)

// ChromiumPath is Debian's Chromium.
const ChromiumPath = "/usr/bin/chromium"

// Server serves a site folder on a free port of 127.0.0.1.
type Server struct {
	URL string // http://127.0.0.1:port/
	srv *http.Server
	h   *static.Handler

	mu       sync.Mutex
	sent     []sent // response body writes, in order
	requests int    // requests received
}

// sent is a write of n response body bytes of path at a wall-clock
// instant.
type sent struct {
	at   time.Time
	n    int
	path string
	req  int // which response: the order in which the requests came
}

// Request is one served path: when its first and last response body
// bytes were written and how many (compressed, as on the wire without
// HTTP framing).
type Request struct {
	Path        string
	First, Last time.Time
	Bytes       int64
}

// Serve starts serving dir.
func Serve(dir string) (*Server, error) {
	h, err := static.New(dir)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		h.Close()
		return nil, fmt.Errorf("headless: listen: %w", err)
	}
	s := &Server{URL: "http://" + ln.Addr().String() + "/", h: h}
	s.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests++
		req := s.requests
		s.mu.Unlock()
		h.ServeHTTP(&countingWriter{ResponseWriter: w, s: s, path: r.URL.Path, req: req}, r)
	})}
	go s.srv.Serve(ln)
	return s, nil
}

// BytesBefore returns the response body bytes (compressed, as on the wire
// without HTTP framing) written before t, or every byte when t is the zero
// time.
func (s *Server) BytesBefore(t time.Time) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	for _, w := range s.sent {
		if t.IsZero() || w.at.Before(t) {
			n += int64(w.n)
		}
	}
	return n
}

// Requests returns the responses with a body written since the last
// ResetBytes, in the order their first bytes were written.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Request
	index := map[int]int{} // response -> its place in out
	for _, w := range s.sent {
		i, ok := index[w.req]
		if !ok {
			out = append(out, Request{Path: w.path, First: w.at})
			i = len(out) - 1
			index[w.req] = i
		}
		out[i].Last = w.at
		out[i].Bytes += int64(w.n)
	}
	return out
}

// ResetBytes forgets the writes so far.
func (s *Server) ResetBytes() {
	s.mu.Lock()
	s.sent = s.sent[:0]
	s.mu.Unlock()
}

// Close stops the server.
func (s *Server) Close() {
	s.srv.Close()
	s.h.Close()
}

type countingWriter struct {
	http.ResponseWriter
	s    *Server
	path string
	req  int
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.ResponseWriter.Write(b)
	c.s.mu.Lock()
	c.s.sent = append(c.s.sent, sent{at: time.Now(), n: n, path: c.path, req: c.req})
	c.s.mu.Unlock()
	return n, err
}

// Browser is a headless Chromium with a fresh profile, collecting console
// errors and uncaught exceptions.
type Browser struct {
	Ctx    context.Context // a tab's context, for chromedp.Run
	cancel []context.CancelFunc
	dir    string

	mu       sync.Mutex
	problems []string
	logs     []string
}

// Launch starts Chromium headless with a fresh user-data directory.
func Launch(parent context.Context) (*Browser, error) {
	dir, err := os.MkdirTemp("", "fashionlab-chromium-")
	if err != nil {
		return nil, fmt.Errorf("headless: %w", err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(ChromiumPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("use-angle", "swiftshader"),
		chromedp.Flag("enable-unsafe-swiftshader", true),
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(1280, 1400),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(parent, opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	b := &Browser{Ctx: ctx, cancel: []context.CancelFunc{cancelCtx, cancelAlloc}, dir: dir}
	WatchConsole(ctx, func(line string, problem bool) {
		b.mu.Lock()
		defer b.mu.Unlock()
		b.logs = append(b.logs, line)
		if problem {
			b.problems = append(b.problems, line)
		}
	})
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		b.Close()
		return nil, fmt.Errorf("headless: start chromium: %w", err)
	}
	return b, nil
}

// WatchConsole calls record with every console message and uncaught
// exception of ctx's target, as "text (url:line)", and whether it is a
// problem (an error or an exception), until the target goes away. record
// runs on another goroutine.
func WatchConsole(ctx context.Context, record func(line string, problem bool)) {
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			record(fmt.Sprintf("%s (%s:%d)", m.String(), m.URL, m.Line), m.Type == chromedp.ConsoleError || m.IsException())
		}
	}()
}

// Problems returns the console errors and uncaught exceptions seen so far.
func (b *Browser) Problems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.problems...)
}

// Logs returns every console line seen so far.
func (b *Browser) Logs() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.logs...)
}

// Close ends the browser and removes its profile.
func (b *Browser) Close() {
	for _, c := range b.cancel {
		c()
	}
	os.RemoveAll(b.dir)
}
