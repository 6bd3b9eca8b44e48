package train

import (
	"math"
	"testing"
)

// history builds a log from per-epoch validation accuracies and gradient
// norms, epoch 0 first (its gradient norm is NaN, as the trainer logs it).
func history(val, grad []float64) *History {
	h := &History{}
	for i := range val {
		h.Epochs = append(h.Epochs, Epoch{Epoch: i, ValAcc: Metric(val[i]), GradNorm: Metric(grad[i]), TrainAcc: Metric(val[i] + 0.01), Steps: 10, ZeroGradSteps: i % 2})
	}
	return h
}

func sameFloat(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }

func TestHistoryAnalysis(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name           string
		h              *History
		lastEpoch      int
		bestAcc        float64
		bestEpoch      int
		gradLo, gradHi float64
		gradEpochs     int
		stuck          bool
		chanceLo       float64
		chanceHi       float64
		zero, steps    int
	}{
		{
			name:      "empty log",
			h:         &History{},
			lastEpoch: 0, bestAcc: nan, bestEpoch: -1, gradLo: nan, gradHi: nan,
		},
		{
			name:      "untrained only: epoch 0 counts for nothing",
			h:         history([]float64{0.05}, []float64{nan}),
			lastEpoch: 0, bestAcc: nan, bestEpoch: -1, gradLo: nan, gradHi: nan, steps: 10,
		},
		{
			name:      "learning run, best before the end",
			h:         history([]float64{0.1, 0.7, 0.85, 0.83}, []float64{nan, 2, 0.5, 1.5}),
			lastEpoch: 3, bestAcc: 0.85, bestEpoch: 2, gradLo: 0.5, gradHi: 2, gradEpochs: 3, zero: 2, steps: 40,
		},
		{
			name:      "stuck at chance with a flat gradient",
			h:         history([]float64{0.1, 0.1, 0.0975, 0.1}, []float64{nan, 0, 0, 0}),
			lastEpoch: 3, bestAcc: 0.1, bestEpoch: 1, gradLo: 0, gradHi: 0, gradEpochs: 3,
			stuck: true, chanceLo: 0.0975, chanceHi: 0.1, zero: 2, steps: 40,
		},
		{
			name:      "a NaN accuracy is not chance level",
			h:         history([]float64{0.1, 0.1, nan}, []float64{nan, 1, inf}),
			lastEpoch: 2, bestAcc: 0.1, bestEpoch: 1, gradLo: 1, gradHi: 1, gradEpochs: 1, zero: 1, steps: 30,
		},
		{
			name:      "at the threshold is not chance level",
			h:         history([]float64{0.1, ChanceThreshold}, []float64{nan, 3}),
			lastEpoch: 1, bestAcc: ChanceThreshold, bestEpoch: 1, gradLo: 3, gradHi: 3, gradEpochs: 1, zero: 1, steps: 20,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.h
			if got := h.LastEpoch(); got.Epoch != tt.lastEpoch {
				t.Errorf("LastEpoch().Epoch = %d, want %d", got.Epoch, tt.lastEpoch)
			}
			if len(h.Epochs) == 0 && !math.IsNaN(float64(h.LastEpoch().ValAcc)) {
				t.Errorf("LastEpoch() of an empty log has ValAcc %v, want NaN", h.LastEpoch().ValAcc)
			}
			if acc, ep := h.BestValAcc(); !sameFloat(acc, tt.bestAcc) || ep != tt.bestEpoch {
				t.Errorf("BestValAcc() = %v, %d, want %v, %d", acc, ep, tt.bestAcc, tt.bestEpoch)
			}
			if lo, hi, n := h.GradNormRange(tt.lastEpoch); !sameFloat(lo, tt.gradLo) || !sameFloat(hi, tt.gradHi) || n != tt.gradEpochs {
				t.Errorf("GradNormRange(%d) = %v, %v, %d, want %v, %v, %d", tt.lastEpoch, lo, hi, n, tt.gradLo, tt.gradHi, tt.gradEpochs)
			}
			lo, hi, stuck := h.AtChance()
			if stuck != tt.stuck || (stuck && (lo != tt.chanceLo || hi != tt.chanceHi)) {
				t.Errorf("AtChance() = %v, %v, %v, want %v, %v, %v", lo, hi, stuck, tt.chanceLo, tt.chanceHi, tt.stuck)
			}
			if zero, steps := h.ZeroGradSteps(); zero != tt.zero || steps != tt.steps {
				t.Errorf("ZeroGradSteps() = %d, %d, want %d, %d", zero, steps, tt.zero, tt.steps)
			}
		})
	}
}

func TestGradNormRangeStopsAtUpTo(t *testing.T) {
	nan := math.NaN()
	h := history([]float64{0.1, 0.5, 0.6, 0.7}, []float64{nan, 4, 2, 9})
	if lo, hi, n := h.GradNormRange(2); lo != 2 || hi != 4 || n != 2 {
		t.Errorf("GradNormRange(2) = %v, %v, %d, want 2, 4, 2", lo, hi, n)
	}
}

func TestHistoryStatus(t *testing.T) {
	tests := []struct {
		name string
		h    History
		want string
	}{
		{"diverged wins", History{Diverged: &Divergence{Epoch: 2, Step: 17, Reason: "loss is NaN"}, Saturated: true, Finished: true}, "diverged at epoch 2, step 17: loss is NaN"},
		{"saturated", History{Saturated: true, Finished: true}, "saturated"},
		{"finished", History{Finished: true}, "finished"},
		{"interrupted", History{}, "stopped early"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.h.Status(); got != tt.want {
				t.Errorf("Status() = %q, want %q", got, tt.want)
			}
		})
	}
}
