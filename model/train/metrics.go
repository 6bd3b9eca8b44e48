package train

import (
	"encoding/json"
	"math"

	"fashionlab/model"
)

// Metric is a float64 that is written to JSON as null when it is NaN or
// infinite (for example the gradient norm before the first epoch, or the
// loss of a diverged run), and read back from null as NaN.
type Metric float64

// MarshalJSON writes the number, or null when it is not finite.
func (m Metric) MarshalJSON() ([]byte, error) {
	f := float64(m)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(f)
}

// UnmarshalJSON reads a number, or null as NaN.
func (m *Metric) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*m = Metric(math.NaN())
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*m = Metric(f)
	return nil
}

// Epoch is one line of the homework's log. Epoch 0 is the untrained
// network, logged before the first epoch.
type Epoch struct {
	Epoch     int    `json:"epoch"`
	TrainLoss Metric `json:"train_loss"` // on the first EvalTrainSize training images
	TrainAcc  Metric `json:"train_acc"`
	ValLoss   Metric `json:"val_loss"`
	ValAcc    Metric `json:"val_acc"`
	// GradNorm is the global L2 norm of all parameter gradients of the
	// epoch's last batch, before the optimizer step.
	GradNorm Metric `json:"grad_norm"`
	// Seconds is the time spent in the epoch's training steps (evaluation
	// excluded).
	Seconds Metric `json:"seconds"`
	// ZeroGradSteps counts the steps whose gradient was exactly zero, as
	// happens when the clamped softmax saturates.
	ZeroGradSteps int `json:"zero_grad_steps"`
	// Steps is the number of training steps in the epoch.
	Steps int `json:"steps"`
	// Images is the number of training images the epoch went through.
	Images int `json:"images"`
}

// Evaluation is the loss and accuracy of a network on a set of images.
type Evaluation struct {
	Images   int    `json:"images"`
	Loss     Metric `json:"loss"`
	Accuracy Metric `json:"accuracy"`
}

// Divergence says where training produced a NaN or infinite value.
type Divergence struct {
	Epoch  int    `json:"epoch"`
	Step   int    `json:"step"`
	Reason string `json:"reason"`
}

// History is everything a run records: its configuration, the per-epoch
// log, the final test evaluation, and how it ended.
type History struct {
	Config    model.Config `json:"config"`
	Settings  Settings     `json:"settings"`
	Params    int          `json:"params"`
	Epochs    []Epoch      `json:"epochs"`
	Test      *Evaluation  `json:"test,omitempty"`
	Diverged  *Divergence  `json:"diverged,omitempty"`
	Saturated bool         `json:"saturated"` // some step had an all-zero gradient from the clamp
	Finished  bool         `json:"finished"`
	// KeptEpoch is the epoch whose weights the network holds at the end
	// of a run with Settings.KeepBest: the one of highest validation
	// accuracy (0 without KeepBest).
	KeptEpoch int `json:"kept_epoch,omitempty"`
}
