package experiments

import (
	"testing"

	"fashionlab/model"
	"fashionlab/model/parallel"
	"fashionlab/model/train"
)

// TestMatchingDepthAnswersQuestion3 checks the depth and parameter count
// MatchingDepth finds, and that MatchingDepthCapped says when the search
// stops at its maximum.
func TestMatchingDepthAnswersQuestion3(t *testing.T) {
	tests := []struct {
		name       string
		width      int
		target     int
		wantLayers int
		wantParams int
		wantCapped bool
	}{
		{"54 layers of width 64 match the default MLP", 64, 269322, 54, 271370, false},
		{"one layer of width 256 is far from it, two match exactly", 256, 269322, 2, 269322, false},
		{"width 1 would need more layers than the search tries", 1, 269322, MaxMatchingLayers, 200803, true},
		{"a target below one layer gives no hidden layer", 256, 7000, 0, 7850, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			layers, params := MatchingDepth(tt.width, tt.target)
			if layers != tt.wantLayers || params != tt.wantParams {
				t.Errorf("MatchingDepth(%d, %d) = %d layers, %d params; want %d, %d", tt.width, tt.target, layers, params, tt.wantLayers, tt.wantParams)
			}
			cappedLayers, cappedParams, capped := MatchingDepthCapped(tt.width, tt.target)
			if cappedLayers != layers || cappedParams != params || capped != tt.wantCapped {
				t.Errorf("MatchingDepthCapped(%d, %d) = %d layers, %d params, capped %v; want MatchingDepth's, capped %v", tt.width, tt.target, cappedLayers, cappedParams, capped, tt.wantCapped)
			}
		})
	}
}

func TestEveryPresetBuildsAValidNetwork(t *testing.T) {
	pool := parallel.New(1)
	for _, q := range Questions() {
		e, err := Get(q, train.DefaultSettings(), 0)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if q != "q1" && len(e.Runs) == 0 {
			t.Errorf("%s has no runs", q)
		}
		for _, r := range e.Runs {
			if _, err := model.New(r.Config, 1, pool); err != nil {
				t.Errorf("%s %s: %v", q, r.Name, err)
			}
			if r.Settings.Epochs != DefaultEpochs(q) {
				t.Errorf("%s %s: %d epochs, want %d", q, r.Name, r.Settings.Epochs, DefaultEpochs(q))
			}
		}
	}
	if _, err := Get("q9", train.DefaultSettings(), 0); err == nil {
		t.Error("Get accepted an unknown question")
	}
}

func TestQuestion2VariesLearningRateAndNormalization(t *testing.T) {
	e, err := Get("q2", train.DefaultSettings(), 3)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[[2]any]bool{}
	for _, r := range e.Runs {
		seen[[2]any{r.Settings.LearningRate, r.Settings.Normalize}] = true
		if r.Settings.Epochs != 3 {
			t.Errorf("%s: %d epochs, want the 3 asked for", r.Name, r.Settings.Epochs)
		}
	}
	if len(seen) != 6 {
		t.Errorf("q2 has %d distinct (lr, normalization) pairs, want 6", len(seen))
	}
}
