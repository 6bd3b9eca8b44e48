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
	files, err := filepath.Glob(filepath.Join("..", "..", "site", "*.js"))
	if err != nil || len(files) == 0 {
		t.Fatalf("the page's scripts: %v %v", files, err)
	}
	for _, f := range files {
		if filepath.Base(f) == "state.js" {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(src), "\n") {
			if m := change.FindString(line); m != "" {
				t.Errorf("%s:%d changes the state directly (%q): use a function of state.js", filepath.Base(f), i+1, m)
			}
		}
	}
}

// TestOnlyTheWorkerClientTakesTheKindsFromProtocolJS keeps the promise of
// site/worker-client.js: the other modules take the message kinds from it,
// so no other script imports COMMANDS or EVENTS from protocol.js.
func TestOnlyTheWorkerClientTakesTheKindsFromProtocolJS(t *testing.T) {
	imports := regexp.MustCompile(`import\s*\{([^}]*)\}\s*from\s*'\./protocol\.js'`)
	files, err := filepath.Glob(filepath.Join("..", "..", "site", "*.js"))
	if err != nil || len(files) == 0 {
		t.Fatalf("the page's scripts: %v %v", files, err)
	}
	for _, f := range files {
		if filepath.Base(f) == "worker-client.js" {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range imports.FindAllStringSubmatch(string(src), -1) {
			for _, name := range strings.Split(m[1], ",") {
				if n := strings.TrimSpace(name); n == "COMMANDS" || n == "EVENTS" {
					t.Errorf("%s imports %s from protocol.js: take the kinds from worker-client.js", filepath.Base(f), n)
				}
			}
		}
	}
}
