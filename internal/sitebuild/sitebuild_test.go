package sitebuild

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
)

func TestCompressAllWritesTwinsThatDecodeToTheFile(t *testing.T) {
	for _, c := range []struct {
		name string
		c    Compression
	}{{"fast", CompressFast}, {"best", CompressBest}} {
		t.Run(c.name, func(t *testing.T) { checkTwins(t, c.c) })
	}
}

func checkTwins(t *testing.T, c Compression) {
	dir := t.TempDir()
	files := map[string]string{
		"app.js":          strings.Repeat("console.log('FashionLab');\n", 200),
		"worker.abc.wasm": "\x00asm" + strings.Repeat("\x01\x02\x03\x04", 3000),
		"tiny.css":        "a{}",
		"picture.png":     strings.Repeat("p", 5000),
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := compressAll(dir, c); err != nil {
		t.Fatal(err)
	}
	decoders := map[string]func(io.Reader) (io.Reader, error){
		".br": func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil },
		".gz": func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) },
	}
	tests := []struct {
		name      string
		file      string
		wantTwins bool
	}{
		{"a script gets both twins", "app.js", true},
		{"a wasm binary gets both twins", "worker.abc.wasm", true},
		{"a file too small to shrink gets none", "tiny.css", false},
		{"a PNG is not compressed again", "picture.png", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for suffix, decode := range decoders {
				packed, err := os.ReadFile(filepath.Join(dir, tt.file+suffix))
				if !tt.wantTwins {
					if err == nil {
						t.Errorf("%s%s exists", tt.file, suffix)
					}
					continue
				}
				if err != nil {
					t.Fatalf("no %s twin: %v", suffix, err)
				}
				if len(packed) >= len(files[tt.file]) {
					t.Errorf("%s twin has %d bytes, not fewer than the file's %d", suffix, len(packed), len(files[tt.file]))
				}
				r, err := decode(bytes.NewReader(packed))
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(r)
				if err != nil {
					t.Fatalf("%s twin: %v", suffix, err)
				}
				if string(got) != files[tt.file] {
					t.Errorf("%s twin decodes to %d bytes that differ from the file", suffix, len(got))
				}
			}
		})
	}
}
