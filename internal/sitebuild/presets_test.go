//go:build !js

package sitebuild

import (
	"testing"

	"fashionlab/internal/report/markdown"
	"fashionlab/wasm/protocol"
)

func TestPresetsPassTheWorkersLimits(t *testing.T) {
	p, err := NewPresets()
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Classes) != 10 || p.Classes[9] != "Ankle boot" {
		t.Errorf("classes %q, want the ten FashionMNIST names ending with Ankle boot", p.Classes)
	}
	limits := protocol.BrowserLimits(12000)
	ids := map[string]bool{}
	for _, d := range p.Demos {
		ids[d.ID] = true
		t.Run(d.ID, func(t *testing.T) {
			if d.Title == "" || d.Text == "" || d.Short == "" {
				t.Errorf("demo %s lacks a title, text or button label", d.ID)
			}
			if d.ID != "custom" && (d.Look == "" || d.FullScale == "" || d.Wait == "") {
				t.Errorf("demo %s does not say what its runs show, what full scale shows, or how long it takes", d.ID)
			}
			if len(d.Runs) == 0 {
				t.Fatalf("demo %s has no runs", d.ID)
			}
			for _, r := range d.Runs {
				if rev := limits.Review(r.Config, r.Settings, 0); len(rev.Problems) > 0 {
					t.Errorf("run %q: the worker would refuse it: %v", r.Label, rev.Problems)
				}
			}
		})
	}
	for _, want := range []string{"q1", "q2", "q3", "q4", "q5", "custom"} {
		if !ids[want] {
			t.Errorf("no demo %s", want)
		}
	}
}

// TestPresetsCarryEachQuestionsFullScaleNumbers checks that presets.json
// gives the page, for every question it answers from its runs, the native
// full-scale numbers and the homework's reference numbers to set beside
// its own.
func TestPresetsCarryEachQuestionsFullScaleNumbers(t *testing.T) {
	p, err := NewPresets()
	if err != nil {
		t.Fatal(err)
	}
	sources := map[string]map[string]int{}
	for _, r := range p.References {
		if sources[r.Question] == nil {
			sources[r.Question] = map[string]int{}
		}
		sources[r.Question][r.Source]++
	}
	for _, q := range []string{"q2", "q3", "q4", "q5"} {
		if sources[q][markdown.SourceNative] == 0 || sources[q][markdown.SourcePyTorch] == 0 {
			t.Errorf("%s: %v reference numbers by source, want native and PyTorch ones", q, sources[q])
		}
	}
	for _, q := range []string{"q4", "q5"} {
		if sources[q][markdown.SourceReport] == 0 {
			t.Errorf("%s: no number of the homework's report", q)
		}
	}
}
