package protocol

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestTheSharedGlobalsAreTheContracts checks the contract of Globals: Go
// (the programs in wasm/) spells a shared global only in globals.go; every
// fashionlab… global the page's scripts use is a contract name or one the
// scripts declare themselves; and every contract name is used by a script.
func TestTheSharedGlobalsAreTheContracts(t *testing.T) {
	name := regexp.MustCompile(`\bfashionlab[A-Z]\w*`)
	contract := Globals()
	goLiteral := regexp.MustCompile(`"fashionlab[A-Z]\w*"`)
	err := filepath.WalkDir("..", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") || filepath.Base(p) == "globals.go" {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range goLiteral.FindAllString(string(src), -1) {
			t.Errorf("%s spells the global %s: use its constant in wasm/protocol/globals.go", p, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join("..", "..", "site", "*.*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("the page's scripts: %v %v", files, err)
	}
	var scripts strings.Builder
	for _, f := range files {
		if ext := filepath.Ext(f); ext != ".js" && ext != ".html" {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		scripts.Write(src)
		scripts.WriteByte('\n')
	}
	all := scripts.String()
	used := map[string]bool{}
	for _, n := range name.FindAllString(all, -1) {
		used[n] = true
	}
	for n := range used {
		if slices.Contains(contract, n) {
			continue
		}
		declared := regexp.MustCompile(`(?:function|const|let|var)\s+(?:\w+\s*,\s*)*` + n + `\b|(?:self|globalThis|window)\.` + n + `\s*=[^=]`)
		if !declared.MatchString(all) {
			t.Errorf("the page's scripts use %s, which is neither declared by them nor in the contract (wasm/protocol/globals.go)", n)
		}
	}
	for _, n := range contract {
		if !used[n] {
			t.Errorf("contract global %s is used by no script of the page", n)
		}
	}
}
