package sitebuild

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestOnlyStateJSChangesTheState keeps the promise of site/state.js: the
// other modules read `state` but change it only through its functions.
// It fails on an assignment to state.… (=, +=, ++, --) or a push, splice,
// shift, unshift or pop on it in any other script of the page.
func TestOnlyStateJSChangesTheState(t *testing.T) {
	change := regexp.MustCompile(`\bstate\.[\w.\[\]]+\s*(?:[-+*/]?=[^=]|\+\+|--)|(?:\+\+|--)state\.|\bstate\.[\w.\[\]]+\.(?:push|splice|shift|unshift|pop)\(`)
	for name, src := range otherScripts(t, "state.js") {
		for i, line := range strings.Split(src, "\n") {
			if m := change.FindString(line); m != "" {
				t.Errorf("%s:%d changes the state directly (%q): use a function of state.js", name, i+1, m)
			}
		}
	}
}

// TestOnlyTheWorkerClientTakesTheKindsFromProtocolJS keeps the promise of
// site/worker-client.js: the other modules take the message kinds from it,
// so no other script imports COMMANDS or EVENTS from protocol.js.
func TestOnlyTheWorkerClientTakesTheKindsFromProtocolJS(t *testing.T) {
	imports := regexp.MustCompile(`import\s*\{([^}]*)\}\s*from\s*'\./protocol\.js'`)
	for file, src := range otherScripts(t, "worker-client.js") {
		for _, m := range imports.FindAllStringSubmatch(src, -1) {
			for _, name := range strings.Split(m[1], ",") {
				if n := strings.TrimSpace(name); n == "COMMANDS" || n == "EVENTS" {
					t.Errorf("%s imports %s from protocol.js: take the kinds from worker-client.js", file, n)
				}
			}
		}
	}
}

// otherScripts returns the text of every script of the page (site/*.js)
// but except, by file name.
func otherScripts(t *testing.T, except string) map[string]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "site", "*.js"))
	if err != nil || len(files) == 0 {
		t.Fatalf("the page's scripts: %v %v", files, err)
	}
	out := map[string]string{}
	for _, f := range files {
		if filepath.Base(f) == except {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(f)] = string(src)
	}
	return out
}
