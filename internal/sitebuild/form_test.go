package sitebuild

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"fashionlab/wasm/protocol"
)

// TestTheFormIsWrittenFromTheFieldTable builds index.html's form from
// site/index.html and checks that it has exactly one control per row of
// the field table, of the row's kind, named after it, labelled with its
// label, marked as applying only when its row says so and, for a choice,
// offering its choices.
func TestTheFormIsWrittenFromTheFieldTable(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join("..", "..", "site", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "index.html"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeForm(dir, 12000); err != nil {
		t.Fatal(err)
	}
	built, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(built)
	start, end := strings.Index(page, `<form id="config-form"`), strings.Index(page, "</form>")
	if start < 0 || end < start {
		t.Fatal("no configuration form in the built index.html")
	}
	form := page[start:end]
	if strings.Contains(form, "<!--") {
		t.Error("the form still holds the marker")
	}
	// One field per line: <div class="..."><label ...>...</label> control</div>.
	row := regexp.MustCompile(`<div class="field"(?: data-when-field="([a-z_]+)" data-when-value="([a-z_]+)")?>(.*)</div>`)
	name := regexp.MustCompile(`<(input|select) id="f-([a-z_]+)" name="([a-z_]+)"( type="checkbox")?`)
	label := regexp.MustCompile(`<label(?: for="f-[a-z_]+")?>(?:<input[^>]*> )?([^<]+)</label>`)
	option := regexp.MustCompile(`<option value="([^"]*)">`)
	got := map[string]string{}
	fields := protocol.Fields(12000)
	for _, m := range row.FindAllStringSubmatch(form, -1) {
		n := name.FindStringSubmatch(m[3])
		if n == nil || n[2] != n[3] {
			t.Errorf("a field without a control whose id is f-<name>: %s", m[0])
			continue
		}
		if _, twice := got[n[3]]; twice {
			t.Errorf("two controls named %q", n[3])
		}
		got[n[3]] = m[0]
		i := -1
		for j, f := range fields {
			if f.Name == n[3] {
				i = j
			}
		}
		if i < 0 {
			t.Errorf("control %q has no row in the field table", n[3])
			continue
		}
		f := fields[i]
		wantTag, wantBox := "input", false
		switch f.Kind {
		case protocol.KindChoice:
			wantTag = "select"
		case protocol.KindBoolean:
			wantBox = true
		}
		if n[1] != wantTag || (n[4] != "") != wantBox {
			t.Errorf("%s: control %q, want a %s (checkbox %v)", f.Name, n[0], wantTag, wantBox)
		}
		if l := label.FindStringSubmatch(m[3]); l == nil || !strings.HasPrefix(strings.TrimSpace(l[1]), f.Label) {
			t.Errorf("%s: label %v, want %q", f.Name, l, f.Label)
		}
		if f.When != nil && *f.When != (protocol.When{Field: m[1], Value: m[2]}) || f.When == nil && m[1]+m[2] != "" {
			t.Errorf("%s: applies when %s is %s, want %+v", f.Name, m[1], m[2], f.When)
		}
		var values []string
		for _, o := range option.FindAllStringSubmatch(m[3], -1) {
			values = append(values, o[1])
		}
		if strings.Join(values, "|") != strings.Join(f.ChoiceValues(), "|") {
			t.Errorf("%s: options %v, want %v", f.Name, values, f.ChoiceValues())
		}
	}
	if len(got) != len(fields) {
		t.Errorf("%d controls in the form, want one per field: %d", len(got), len(fields))
	}
}
