package train

import (
	"fmt"
	"math"
)

// ChanceThreshold is the validation accuracy under which a run is said to
// have stayed at chance level: with 10 classes chance is 0.1, and a run
// that never gets clear of it has learnt nothing.
const ChanceThreshold = 0.15

// LastEpoch returns the last logged epoch, or an Epoch of NaN metrics
// (epoch 0) when nothing was logged.
func (h *History) LastEpoch() Epoch {
	if len(h.Epochs) == 0 {
		nan := Metric(math.NaN())
		return Epoch{TrainLoss: nan, TrainAcc: nan, ValLoss: nan, ValAcc: nan, GradNorm: nan, Seconds: nan}
	}
	return h.Epochs[len(h.Epochs)-1]
}

// BestValAcc returns the best finite validation accuracy over the trained
// epochs (1 and later) and its epoch, or NaN and −1 when there is none.
// The first of equal values wins.
func (h *History) BestValAcc() (acc float64, epoch int) {
	best, at := math.NaN(), -1
	for _, e := range h.Epochs {
		v := float64(e.ValAcc)
		if e.Epoch >= 1 && finite(v) && (at < 0 || v > best) {
			best, at = v, e.Epoch
		}
	}
	return best, at
}

// GradNormRange returns the smallest and largest finite gradient norm over
// epochs 1 to upTo and how many of those epochs had a finite one; lo and
// hi are NaN when none had.
func (h *History) GradNormRange(upTo int) (lo, hi float64, finiteEpochs int) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, e := range h.Epochs {
		v := float64(e.GradNorm)
		if e.Epoch < 1 || e.Epoch > upTo || !finite(v) {
			continue
		}
		lo, hi = min(lo, v), max(hi, v)
		finiteEpochs++
	}
	if finiteEpochs == 0 {
		return math.NaN(), math.NaN(), 0
	}
	return lo, hi, finiteEpochs
}

// AtChance reports whether the run trained at least one epoch and every
// trained epoch's validation accuracy was finite and below
// ChanceThreshold, with the range of those accuracies.
func (h *History) AtChance() (lo, hi float64, stuck bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, e := range h.Epochs {
		if e.Epoch < 1 {
			continue
		}
		v := float64(e.ValAcc)
		if !finite(v) || v >= ChanceThreshold {
			return 0, 0, false
		}
		lo, hi = min(lo, v), max(hi, v)
	}
	return lo, hi, !math.IsInf(lo, 1)
}

// ZeroGradSteps returns how many of the logged training steps had an
// exactly zero gradient (the sign of a saturated clamped softmax), and
// how many steps were logged.
func (h *History) ZeroGradSteps() (zero, steps int) {
	for _, e := range h.Epochs {
		zero += e.ZeroGradSteps
		steps += e.Steps
	}
	return zero, steps
}

// Status says how the run ended: "diverged at epoch E, step S: reason",
// "saturated", "finished" or "stopped early".
func (h *History) Status() string {
	switch {
	case h.Diverged != nil:
		return fmt.Sprintf("diverged at epoch %d, step %d: %s", h.Diverged.Epoch, h.Diverged.Step, h.Diverged.Reason)
	case h.Saturated:
		return "saturated"
	case h.Finished:
		return "finished"
	}
	return "stopped early"
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
