// Package static serves a built FashionLab site folder over HTTP with the
// headers the page needs: correct MIME types (application/wasm), responses
// precompressed by the build (.br, .gz) or compressed on the fly, cache
// headers that keep content-hashed files forever and revalidate everything
// else, and cross-origin isolation. Paths that leave the folder, including
// through symbolic links, are refused.
package static

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path"
	"regexp"
	"strings"
)

// contentTypes fixes the MIME types that matter rather than trusting the
// host's mime database (application/wasm is needed for streaming
// compilation).
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".mjs":  "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".wasm": "application/wasm",
	".json": "application/json",
	".bin":  "application/octet-stream",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".ico":  "image/x-icon",
	".txt":  "text/plain; charset=utf-8",
	".md":   "text/markdown; charset=utf-8",
}

// compressible lists the extensions worth compressing on the fly.
var compressible = map[string]bool{
	".html": true, ".js": true, ".mjs": true, ".css": true, ".wasm": true,
	".json": true, ".bin": true, ".svg": true, ".txt": true, ".md": true,
}

// hashedName matches file names carrying a content hash, such as
// worker.3fa2c1d07b.wasm: their content never changes under that name.
var hashedName = regexp.MustCompile(`\.[0-9a-f]{8,}\.[a-z0-9]+$`)

// Cache-Control values.
const (
	CacheImmutable  = "public, max-age=31536000, immutable"
	CacheRevalidate = "no-cache"
)

// ContentType returns the MIME type served for a file name.
func ContentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

// CacheControl returns the Cache-Control header for a file name: long-lived
// for content-hashed names, revalidated for everything else (HTML above all).
func CacheControl(name string) string {
	if hashedName.MatchString(name) && !strings.HasSuffix(name, ".html") {
		return CacheImmutable
	}
	return CacheRevalidate
}

// Handler serves one site folder.
type Handler struct {
	root *os.Root
	dir  string
}

// New returns a Handler for dir. It fails with a message telling what to do
// when dir does not exist or holds no index.html.
func New(dir string) (*Handler, error) {
	st, err := os.Stat(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("static: site folder %s does not exist: run make site first", dir)
		}
		return nil, fmt.Errorf("static: site folder: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("static: %s is not a folder", dir)
	}
	if _, err := os.Stat(path.Join(dir, "index.html")); err != nil {
		return nil, fmt.Errorf("static: %s has no index.html: run make site first", dir)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("static: open site folder: %w", err)
	}
	return &Handler{root: root, dir: dir}, nil
}

// Close releases the folder.
func (h *Handler) Close() error { return h.root.Close() }

// ServeHTTP serves GET and HEAD requests for files of the folder.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Cross-Origin-Opener-Policy", "same-origin")
	hdr.Set("Cross-Origin-Embedder-Policy", "require-corp")
	hdr.Set("Cross-Origin-Resource-Policy", "same-origin")
	hdr.Set("X-Content-Type-Options", "nosniff")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name, ok := cleanPath(r.URL.Path)
	if !ok {
		http.Error(w, "bad path", http.StatusBadRequest)
		return
	}
	if st, err := h.root.Stat(name); err == nil && st.IsDir() {
		if !strings.HasSuffix(r.URL.Path, "/") {
			// From the cleaned name, so that "//host" never becomes a
			// protocol-relative Location.
			target := (&url.URL{Path: "/" + name + "/"}).EscapedPath()
			hdr.Set("Location", target)
			w.WriteHeader(http.StatusMovedPermanently)
			return
		}
		name = path.Join(name, "index.html")
	}
	f, st, err := h.open(name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	hdr.Set("Content-Type", ContentType(name))
	hdr.Set("Cache-Control", CacheControl(name))
	ext := strings.ToLower(path.Ext(name))
	if compressible[ext] {
		hdr.Add("Vary", "Accept-Encoding")
	}
	accept := r.Header.Get("Accept-Encoding")
	for _, enc := range []struct{ name, suffix string }{{"br", ".br"}, {"gzip", ".gz"}} {
		if !accepts(accept, enc.name) {
			continue
		}
		cf, cst, err := h.open(name + enc.suffix)
		if err != nil {
			continue
		}
		defer cf.Close()
		hdr.Set("Content-Encoding", enc.name)
		hdr.Set("ETag", etag(cst, enc.name))
		http.ServeContent(w, r, name, cst.ModTime(), cf)
		return
	}
	hdr.Set("ETag", etag(st, ""))
	if compressible[ext] && accepts(accept, "gzip") && st.Size() > 1024 && r.Header.Get("Range") == "" {
		if checkNotModified(w, r, hdr.Get("ETag")) {
			return
		}
		hdr.Set("Content-Encoding", "gzip")
		hdr.Set("ETag", etag(st, "gzip"))
		if r.Method == http.MethodHead {
			return
		}
		gz, _ := gzip.NewWriterLevel(w, gzip.BestSpeed)
		if _, err := io.Copy(gz, f); err == nil {
			gz.Close()
		}
		return
	}
	http.ServeContent(w, r, name, st.ModTime(), f)
}

// open opens a regular file of the folder. Anything else (a FIFO, a
// device) is not even opened: opening a FIFO would wait for a writer.
func (h *Handler) open(name string) (*os.File, fs.FileInfo, error) {
	if st, err := h.root.Stat(name); err != nil || !st.Mode().IsRegular() {
		return nil, nil, fs.ErrNotExist
	}
	f, err := h.root.Open(name)
	if err != nil {
		return nil, nil, err
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, nil, fs.ErrNotExist
	}
	return f, st, nil
}

// cleanPath turns a URL path into a name inside the folder, refusing any
// path with ".." elements, backslashes or NUL bytes rather than silently
// resolving them.
func cleanPath(p string) (string, bool) {
	if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "\\\x00") {
		return "", false
	}
	for _, elem := range strings.Split(p, "/") {
		if elem == ".." {
			return "", false
		}
	}
	name := strings.TrimPrefix(path.Clean(p), "/")
	if name == "" {
		name = "."
	}
	return name, fs.ValidPath(name)
}

// accepts reports whether an Accept-Encoding header allows enc (a q=0
// entry refuses it).
func accepts(header, enc string) bool {
	for _, part := range strings.Split(header, ",") {
		fields := strings.Split(part, ";")
		if !strings.EqualFold(strings.TrimSpace(fields[0]), enc) {
			continue
		}
		for _, p := range fields[1:] {
			if q := strings.ReplaceAll(strings.TrimSpace(p), " ", ""); q == "q=0" || q == "q=0.0" || q == "q=0.00" || q == "q=0.000" {
				return false
			}
		}
		return true
	}
	return false
}

func etag(st fs.FileInfo, enc string) string {
	tag := fmt.Sprintf(`"%x-%x`, st.ModTime().UnixNano(), st.Size())
	if enc != "" {
		tag += "-" + enc
	}
	return tag + `"`
}

// checkNotModified answers a conditional request whose validator matches.
func checkNotModified(w http.ResponseWriter, r *http.Request, tag string) bool {
	inm := r.Header.Get("If-None-Match")
	if inm == "" {
		return false
	}
	gzTag := strings.TrimSuffix(tag, `"`) + `-gzip"`
	for _, t := range strings.Split(inm, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == tag || t == gzTag || t == "*" {
			w.WriteHeader(http.StatusNotModified)
			return true
		}
	}
	return false
}
