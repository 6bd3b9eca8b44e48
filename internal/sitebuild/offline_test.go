package sitebuild

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// finished writes a small site and its source sw.js, runs finish and
// returns the manifest it wrote and the BUILD constant of sw.js.
func finished(t *testing.T, files map[string]string) (Manifest, struct {
	Version string   `json:"version"`
	Files   []string `json:"files"`
}, string) {
	t.Helper()
	root, out := t.TempDir(), t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "site"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "site", "sw.js"), []byte("self.addEventListener('fetch', () => {});\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(out, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := compressAll(out, CompressFast); err != nil {
		t.Fatal(err)
	}
	o := Options{Root: root, Out: out}
	m := &Manifest{Worker: "worker.0123456789.wasm"}
	if err := o.finish(m); err != nil {
		t.Fatal(err)
	}
	var got Manifest
	js, err := os.ReadFile(filepath.Join(out, "build.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(js, &got); err != nil {
		t.Fatal(err)
	}
	sw, err := os.ReadFile(filepath.Join(out, "sw.js"))
	if err != nil {
		t.Fatal(err)
	}
	match := regexp.MustCompile(`(?m)^const BUILD = (.*);$`).FindSubmatch(sw)
	if match == nil {
		t.Fatalf("sw.js has no BUILD constant:\n%s", sw)
	}
	var build struct {
		Version string   `json:"version"`
		Files   []string `json:"files"`
	}
	if err := json.Unmarshal(match[1], &build); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "sw.js.gz")); err != nil && len(sw) > 200 {
		t.Errorf("sw.js has no gzip twin: %v", err)
	}
	return got, build, string(sw)
}

func TestTheServiceWorkerKeepsEveryServedFileUnderTheBuildsVersion(t *testing.T) {
	base := map[string]string{
		"index.html":             "<!doctype html>" + strings.Repeat("<p>FashionLab</p>", 100),
		"main.js":                strings.Repeat("console.log(1);\n", 100),
		"worker.0123456789.wasm": "\x00asm" + strings.Repeat("\x01\x02", 4000),
		".gitignore":             "*\n",
	}
	m, build, sw := finished(t, base)
	if m.Version == "" || m.Version != build.Version {
		t.Errorf("build.json version %q, sw.js version %q: want the same, not empty", m.Version, build.Version)
	}
	wantFiles := []string{"index.html", "main.js", "worker.0123456789.wasm", "build.json"}
	if !slices.Equal(build.Files, wantFiles) {
		t.Errorf("sw.js keeps %v, want %v (no twins, no .gitignore, not itself)", build.Files, wantFiles)
	}
	if !strings.Contains(sw, "self.addEventListener('fetch'") {
		t.Error("sw.js lacks the text of site/sw.js")
	}
	if n := m.Transfer["worker.0123456789.wasm"]; n <= 0 || n >= int64(len(base["worker.0123456789.wasm"])) {
		t.Errorf("transfer size of the hashed wasm %d, want its brotli twin's size (under %d)", n, len(base["worker.0123456789.wasm"]))
	}
	if _, ok := m.Transfer["main.js"]; ok {
		t.Error("transfer lists main.js, which is not content-hashed")
	}

	tests := []struct {
		name   string
		change func(map[string]string)
		same   bool
	}{
		{"the same files give the same version", func(map[string]string) {}, true},
		{"a changed script gives a new version", func(f map[string]string) { f["main.js"] += "// changed\n" }, false},
		{"a new file gives a new version", func(f map[string]string) { f["embeds.html"] = "<!doctype html>" }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{}
			for k, v := range base {
				files[k] = v
			}
			tt.change(files)
			m2, _, _ := finished(t, files)
			if (m2.Version == m.Version) != tt.same {
				t.Errorf("version %q after the change, %q before: same = %v, want %v", m2.Version, m.Version, m2.Version == m.Version, tt.same)
			}
		})
	}
}
