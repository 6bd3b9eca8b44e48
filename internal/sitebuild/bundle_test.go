package sitebuild

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBundleInlinesTheImportsOfEachPageScript(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"main.js":        "import { twice } from './lib.js';\nimport { LIMIT } from './deep.js';\nself.answer = twice(LIMIT);\n",
		"lib.js":         "export function twice(x) { return 2 * x; }\n",
		"deep.js":        "import { twice } from './lib.js';\nexport const LIMIT = twice(10.5);\n",
		"embeds-page.js": "import { twice } from './lib.js';\nself.other = twice(1);\n",
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := bundle(dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range bundledEntries() {
		out, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(out), "import") || !strings.Contains(string(out), "2*") {
			t.Errorf("%s after bundling:\n%s", name, out)
		}
	}
	// The modules stay for whoever imports them one by one.
	if got, _ := os.ReadFile(filepath.Join(dir, "lib.js")); string(got) != files["lib.js"] {
		t.Errorf("lib.js changed: %q", got)
	}

	if err := os.WriteFile(filepath.Join(dir, "main.js"), []byte("import { nothing } from './missing.js';\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := bundle(dir); err == nil || !strings.Contains(err.Error(), "main.js") {
		t.Errorf("a missing import gave %v, want an error naming main.js", err)
	}
}
