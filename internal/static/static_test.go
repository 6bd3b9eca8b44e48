package static

import (
	"compress/gzip"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
)

// site writes a small site folder with a secret file beside it.
// siteHandler returns a Handler for a fresh test site, closed when the
// test ends.
func siteHandler(t *testing.T) *Handler {
	t.Helper()
	h, err := New(site(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

func site(t *testing.T) string {
	t.Helper()
	base := t.TempDir()
	dir := filepath.Join(base, "site")
	files := map[string]string{
		"index.html":                 "<!doctype html><title>FashionLab</title>",
		"app.js":                     strings.Repeat("console.log('FashionLab');\n", 100),
		"style.css":                  "body{}",
		"sw.js":                      "const BUILD = {};",
		"worker.0123456789ab.wasm":   "\x00asm" + strings.Repeat("x", 4000),
		"data/fashion-subset.bin":    strings.Repeat("\x01", 2000),
		"data/fashion-subset.bin.gz": compressed(strings.Repeat("\x01", 2000), "gzip"),
		"data/fashion-subset.bin.br": compressed(strings.Repeat("\x01", 2000), "br"),
		"only-gzip.js":               strings.Repeat("let x = 1;\n", 200),
		"only-gzip.js.gz":            compressed(strings.Repeat("let x = 1;\n", 200), "gzip"),
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(base, "secret.txt"), []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(base, "secret.txt"), filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// compressed returns s in the content encoding "gzip" or "br".
func compressed(s, encoding string) string {
	var b strings.Builder
	var w io.WriteCloser = gzip.NewWriter(&b)
	if encoding == "br" {
		w = brotli.NewWriter(&b)
	}
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

func serve(t *testing.T, h http.Handler, method, target string, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, "http://127.0.0.1/", nil)
	// httptest parses the target; keep a raw path with dot segments as sent.
	req.URL.Path = target
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestFilesAreServedWithTheirTypesAndCacheHeaders(t *testing.T) {
	h := siteHandler(t)
	tests := []struct {
		name, path, wantType, wantCache string
	}{
		{"the index page is HTML that is always revalidated", "/", "text/html; charset=utf-8", CacheRevalidate},
		{"index.html by name is the same", "/index.html", "text/html; charset=utf-8", CacheRevalidate},
		{"a script is JavaScript", "/app.js", "text/javascript; charset=utf-8", CacheRevalidate},
		{"a style sheet is CSS", "/style.css", "text/css; charset=utf-8", CacheRevalidate},
		{"the service worker is revalidated, so a new build replaces it", "/sw.js", "text/javascript; charset=utf-8", CacheRevalidate},
		{"a hashed wasm binary is application/wasm kept for a year", "/worker.0123456789ab.wasm", "application/wasm", CacheImmutable},
		{"the data subset is binary", "/data/fashion-subset.bin", "application/octet-stream", CacheRevalidate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := serve(t, h, "GET", tt.path, nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d, want 200", rec.Code)
			}
			hdr := rec.Header()
			checks := map[string]string{
				"Content-Type":                 tt.wantType,
				"Cache-Control":                tt.wantCache,
				"Cross-Origin-Opener-Policy":   "same-origin",
				"Cross-Origin-Embedder-Policy": "require-corp",
				"X-Content-Type-Options":       "nosniff",
			}
			for k, want := range checks {
				if got := hdr.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
		})
	}
}

func TestCompressionFollowsAcceptEncoding(t *testing.T) {
	dir := site(t)
	h, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	tests := []struct {
		name, path, accept, wantEncoding string
	}{
		{"a brotli twin goes to a client that accepts br", "/data/fashion-subset.bin", "gzip, deflate, br", "br"},
		{"the gzip twin goes to a client without br", "/data/fashion-subset.bin", "gzip, deflate", "gzip"},
		{"br refused with q=0 gives the gzip twin", "/data/fashion-subset.bin", "br;q=0, gzip", "gzip"},
		{"a file with a gzip twin only is sent gzipped to a br client", "/only-gzip.js", "br, gzip", "gzip"},
		{"a client accepting only br gets the plain file without a twin", "/app.js", "br", ""},
		{"a large script is gzipped on the fly", "/app.js", "gzip", "gzip"},
		{"wasm is gzipped on the fly", "/worker.0123456789ab.wasm", "br;q=1, gzip;q=0.5", "gzip"},
		{"a client without gzip gets the plain file", "/app.js", "", ""},
		{"gzip refused with q=0 gives the plain file", "/data/fashion-subset.bin", "gzip;q=0", ""},
		{"a tiny file is not worth compressing", "/style.css", "gzip", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := serve(t, h, "GET", tt.path, map[string]string{"Accept-Encoding": tt.accept})
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d", rec.Code)
			}
			if got := rec.Header().Get("Content-Encoding"); got != tt.wantEncoding {
				t.Fatalf("Content-Encoding = %q, want %q", got, tt.wantEncoding)
			}
			body := rec.Body.Bytes()
			if tt.wantEncoding == "br" {
				var err error
				if body, err = io.ReadAll(brotli.NewReader(rec.Body)); err != nil {
					t.Fatal(err)
				}
			}
			if tt.wantEncoding == "gzip" {
				zr, err := gzip.NewReader(rec.Body)
				if err != nil {
					t.Fatal(err)
				}
				if body, err = io.ReadAll(zr); err != nil {
					t.Fatal(err)
				}
			}
			want, _ := os.ReadFile(filepath.Join(dir, strings.TrimPrefix(tt.path, "/")))
			if string(body) != string(want) {
				t.Errorf("decoded body differs from the file (%d vs %d bytes)", len(body), len(want))
			}
		})
	}
}

func TestPathsOutsideTheFolderAreRefused(t *testing.T) {
	h := siteHandler(t)
	tests := []struct {
		name, path string
	}{
		{"a parent reference", "/../secret.txt"},
		{"a parent reference inside a folder", "/data/../../secret.txt"},
		{"an encoded backslash traversal", "/..\\secret.txt"},
		{"a symbolic link pointing out of the folder", "/link.txt"},
		{"a NUL byte", "/index.html\x00.js"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := serve(t, h, "GET", tt.path, nil)
			if rec.Code == http.StatusOK || strings.Contains(rec.Body.String(), "secret") && !strings.Contains(rec.Body.String(), "not found") {
				t.Errorf("status %d body %q: the file outside the folder was served", rec.Code, rec.Body.String())
			}
		})
	}
}

func TestOtherMethodsAndMissingFilesAreErrors(t *testing.T) {
	h := siteHandler(t)
	if rec := serve(t, h, "POST", "/index.html", nil); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d, want 405", rec.Code)
	}
	if rec := serve(t, h, "GET", "/nothing.js", nil); rec.Code != http.StatusNotFound {
		t.Errorf("missing file: status %d, want 404", rec.Code)
	}
	if rec := serve(t, h, "HEAD", "/app.js", nil); rec.Code != http.StatusOK || rec.Body.Len() != 0 {
		t.Errorf("HEAD: status %d with %d body bytes, want 200 and none", rec.Code, rec.Body.Len())
	}
}

func TestAConditionalRequestGetsNotModified(t *testing.T) {
	h := siteHandler(t)
	for _, tt := range []struct{ path, accept string }{{"/app.js", ""}, {"/app.js", "gzip"}, {"/data/fashion-subset.bin", "br"}, {"/data/fashion-subset.bin", "gzip"}} {
		accept := tt.accept
		first := serve(t, h, "GET", tt.path, map[string]string{"Accept-Encoding": accept})
		tag := first.Header().Get("ETag")
		if tag == "" {
			t.Fatalf("Accept-Encoding %q: no ETag", accept)
		}
		again := serve(t, h, "GET", tt.path, map[string]string{"Accept-Encoding": accept, "If-None-Match": tag})
		if again.Code != http.StatusNotModified {
			t.Errorf("Accept-Encoding %q: status %d, want 304", accept, again.Code)
		}
	}
}

func TestAMissingFolderTellsToBuildTheSite(t *testing.T) {
	_, err := New(filepath.Join(t.TempDir(), "site-build"))
	if err == nil || !strings.Contains(err.Error(), "run make site first") {
		t.Errorf("error = %v, want a hint to run make site first", err)
	}
}

func TestARealServerRefusesRawTraversalRequests(t *testing.T) {
	h := siteHandler(t)
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, target := range []string{"/../secret.txt", "/%2e%2e/secret.txt", "/data/..%2f..%2fsecret.txt", "/link.txt"} {
		conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", target)
		reply, _ := io.ReadAll(conn)
		conn.Close()
		if strings.HasPrefix(string(reply), "HTTP/1.1 200") || strings.Contains(string(reply), "\r\n\r\nsecret") {
			t.Errorf("GET %s was answered with the file outside the folder:\n%s", target, reply)
		}
	}
}

func TestEachEncodingHasItsOwnETag(t *testing.T) {
	h := siteHandler(t)
	tags := map[string]string{}
	for _, accept := range []string{"br", "gzip", ""} {
		rec := serve(t, h, "GET", "/data/fashion-subset.bin", map[string]string{"Accept-Encoding": accept})
		tag := rec.Header().Get("ETag")
		if other, dup := tags[tag]; dup || tag == "" {
			t.Errorf("Accept-Encoding %q: ETag %q, the same as for %q", accept, tag, other)
		}
		tags[tag] = accept
		if vary := rec.Header().Get("Vary"); vary != "Accept-Encoding" {
			t.Errorf("Accept-Encoding %q: Vary = %q, want Accept-Encoding", accept, vary)
		}
	}
}
