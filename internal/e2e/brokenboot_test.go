package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fashionlab/internal/headless"
)

// TestAMissingOrCorruptFirstPartIsReported serves a copy of the site whose
// subset's first part is missing or corrupt, and checks that the page says
// so in its message area instead of waiting forever, for a worker started
// early, while the page is parsed, and for one started by the page's
// modules (an address with workers=1); both start through index.html's
// fashionlabBoot.start, which fetches the first part for the worker.
func TestAMissingOrCorruptFirstPartIsReported(t *testing.T) {
	requireBrowser(t)
	tests := []struct {
		name    string
		damage  func(t *testing.T, path string)
		address string
		want    []string // in the message area
		console string   // the console error this provokes
	}{
		{"missing, the page boots the worker", remove, "?demo=custom", []string{"could not start", "HTTP 404"}, "404"},
		{"missing, a worker the page's modules start", remove, "?demo=custom&workers=1", []string{"could not start", "HTTP 404"}, "404"},
		{"corrupt", corrupt, "?demo=custom", []string{"could not read the images"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.CopyFS(dir, os.DirFS(filepath.Join(shared.dir, "site"))); err != nil {
				t.Fatal(err)
			}
			parts, err := filepath.Glob(filepath.Join(dir, "fashion-subset-1.*.bin"))
			if err != nil || len(parts) != 1 {
				t.Fatalf("the first part in the built site: %v %v", parts, err)
			}
			for _, p := range []string{parts[0], parts[0] + ".br", parts[0] + ".gz"} {
				if _, err := os.Stat(p); err == nil {
					tt.damage(t, p)
				}
			}
			srv, err := headless.Serve(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			p := newPerson(t, srv.URL+tt.address, 1280, 900)
			if tt.console != "" {
				p.expect(tt.console)
			}
			deadline := time.Now().Add(60 * time.Second)
			for {
				msg := p.text("#messages")
				ok := true
				for _, w := range tt.want {
					ok = ok && strings.Contains(msg, w)
				}
				if ok {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("after 60 s the messages say %q, want %q", msg, tt.want)
				}
				time.Sleep(200 * time.Millisecond)
			}
			if p.enabled("#btn-start") {
				t.Error("Start is enabled without data")
			}
		})
	}
}

// remove deletes a file of the copied site.
func remove(t *testing.T, path string) {
	t.Helper()
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
}

// corrupt overwrites a file of the copied site with bytes that are not a
// subset (an uncompressed file for the .br and .gz twins, which the server
// then no longer offers).
func corrupt(t *testing.T, path string) {
	t.Helper()
	if strings.HasSuffix(path, ".br") || strings.HasSuffix(path, ".gz") {
		remove(t, path)
		return
	}
	if err := os.WriteFile(path, []byte("this is not a FashionLab subset, only forty bytes"), 0o644); err != nil {
		t.Fatal(err)
	}
}
