package markdown

import (
	"math"
	"strings"
	"testing"

	"fashionlab/model"
	"fashionlab/model/train"
)

func TestRunNamesMatchIgnoringCaseAndRepeatedSpaces(t *testing.T) {
	tests := []struct {
		a, b string
		same bool
	}{
		{"MLP  64*54", "mlp 64*54", true},
		{"deep", "deep pad2", false},
		{" default ", "Default", true},
	}
	for _, tt := range tests {
		if got := sameRun(tt.a, tt.b); got != tt.same {
			t.Errorf("sameRun(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.same)
		}
	}
}

func TestRenderWritesTitleIntroAndLinksThroughLink(t *testing.T) {
	h := &train.History{Config: model.DefaultMLP(), Settings: train.DefaultSettings(), Params: 269322, Finished: true, Epochs: []train.Epoch{
		{Epoch: 0, TrainAcc: 0.1, ValAcc: 0.1, GradNorm: train.Metric(math.NaN())},
		{Epoch: 1, TrainAcc: 0.8, ValAcc: 0.75, GradNorm: 1.5, Steps: 10},
	}}
	tests := []struct {
		name string
		link func(string) string
		want string
	}{
		{"as given", nil, "![figs/acc](figs/acc.png)"},
		{"through Link", func(f string) string { return "x/" + f }, "![x/figs/acc](x/figs/acc.png)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			md, err := Report{Title: "T", Intro: "Intro *text*.", Link: tt.link, Sections: []Section{
				{Title: "Runs", Runs: []NamedHistory{{Name: "a_b", History: h}}, Figures: []string{"figs/acc.png"}, Reference: []ReferenceRow{}},
			}}.Render()
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"# T\n\nIntro *text*.\n", "\n## Runs\n", "| a\\_b | mlp dense 256,256 relu | 269322 | 1 | 0.8000 | 0.7500 |", tt.want} {
				if !strings.Contains(md, want) {
					t.Errorf("the report lacks %q:\n%s", want, md)
				}
			}
		})
	}
	if _, err := (Report{Sections: []Section{{Title: "x", Runs: []NamedHistory{{Name: "none"}}}}}).Render(); err == nil || !strings.HasPrefix(err.Error(), "markdown: ") {
		t.Errorf("a run without history: error %v", err)
	}
}
