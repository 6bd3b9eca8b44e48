package markdown

import "strings"

// Quantity names a number of a run that a reference row gives.
type Quantity string

// The quantities of the reference rows.
const (
	TrainAcc Quantity = "train_acc" // accuracy on the first 2,000 training images
	ValAcc   Quantity = "val_acc"   // validation accuracy
	// GradNormMin and GradNormMax are the smallest and largest gradient
	// norm over epochs 1 to the row's epoch.
	GradNormMin Quantity = "grad_norm_min"
	GradNormMax Quantity = "grad_norm_max"
)

// Label returns the quantity as a table heading.
func (q Quantity) Label() string {
	switch q {
	case TrainAcc:
		return "train acc"
	case ValAcc:
		return "val acc"
	case GradNormMin:
		return "grad norm min"
	case GradNormMax:
		return "grad norm max"
	}
	return string(q)
}

// Sources of the reference numbers: the homework that FashionLab
// reproduces, and its PyTorch code run on a 2-core machine like ours.
const (
	// SourceReport is the homework's own report, whose numbers are from the
	// end of training, about 50 epochs.
	SourceReport = "homework report"
	// SourcePyTorch is the homework's PyTorch code run with the same
	// semantics (data split, normalization, loss, Adam, in-order batches).
	SourcePyTorch = "PyTorch reference"
)

// EndOfTraining is the Epoch of a reference row that describes the end of
// the reference's training rather than a given epoch; ours is then our
// last epoch.
const EndOfTraining = 0

// ReferenceRow is one reference number: a quantity of a named run of a
// question at an epoch, from a source.
type ReferenceRow struct {
	Question string   // "q2"
	Run      string   // matched against NamedHistory.Name, ignoring case and repeated spaces
	Quantity Quantity // what the number is
	Epoch    int      // the epoch it refers to, or EndOfTraining
	Value    float64
	Source   string // SourceReport or SourcePyTorch
}

// References returns every reference number of the homework in a new
// slice. The run names to use for matching are:
//
//	q2: "lr 1e-2 normalized", "lr 1e-2 raw", "lr 1e-4 normalized",
//	    "lr 1e-4 raw", "lr 1e-6 normalized", "lr 1e-6 raw"
//	q3: "mlp 64*54" (54 hidden layers of 64), "mlp 256,256"
//	q4: "mlp", "cnn"
//	q5: "shallow" (one 28×28 conv, 44 channels), "deep" (five 1×1
//	    convs), "deep pad2" (the same with padding 2 on the first),
//	    "default" (the default CNN)
//
// Question 1 has no reference numbers: the homework states that the shift
// difference is zero except where content was clipped at the border, and
// the rotation difference is not.
func References() []ReferenceRow {
	r := func(q, run string, quantity Quantity, epoch int, value float64, source string) ReferenceRow {
		return ReferenceRow{Question: q, Run: run, Quantity: quantity, Epoch: epoch, Value: value, Source: source}
	}
	return []ReferenceRow{
		// Question 2: MLP, validation accuracy after 5 epochs.
		r("q2", "lr 1e-2 normalized", ValAcc, 5, 0.859, SourcePyTorch),
		r("q2", "lr 1e-2 raw", ValAcc, 5, 0.0975, SourcePyTorch),
		r("q2", "lr 1e-4 normalized", ValAcc, 5, 0.881, SourcePyTorch),
		r("q2", "lr 1e-4 raw", ValAcc, 5, 0.867, SourcePyTorch),
		r("q2", "lr 1e-6 normalized", ValAcc, 5, 0.620, SourcePyTorch),
		r("q2", "lr 1e-6 raw", ValAcc, 5, 0.662, SourcePyTorch),

		// Question 3: 5 epochs.
		r("q3", "mlp 64*54", ValAcc, 5, 0.100, SourcePyTorch),
		r("q3", "mlp 64*54", GradNormMin, 5, 0.105, SourcePyTorch),
		r("q3", "mlp 64*54", GradNormMax, 5, 0.113, SourcePyTorch),
		r("q3", "mlp 256,256", ValAcc, 5, 0.881, SourcePyTorch),
		r("q3", "mlp 256,256", GradNormMin, 5, 0.88, SourcePyTorch),
		r("q3", "mlp 256,256", GradNormMax, 5, 0.94, SourcePyTorch),

		// Question 4: the report's end of training, and PyTorch after 20
		// and 50 epochs.
		r("q4", "mlp", TrainAcc, EndOfTraining, 0.9820, SourceReport),
		r("q4", "mlp", ValAcc, EndOfTraining, 0.8970, SourceReport),
		r("q4", "cnn", TrainAcc, EndOfTraining, 0.9300, SourceReport),
		r("q4", "cnn", ValAcc, EndOfTraining, 0.9030, SourceReport),
		r("q4", "mlp", TrainAcc, 20, 0.937, SourcePyTorch),
		r("q4", "mlp", ValAcc, 20, 0.895, SourcePyTorch),
		r("q4", "cnn", TrainAcc, 20, 0.900, SourcePyTorch),
		r("q4", "cnn", ValAcc, 20, 0.882, SourcePyTorch),
		r("q4", "mlp", TrainAcc, 50, 0.988, SourcePyTorch),
		r("q4", "mlp", ValAcc, 50, 0.8975, SourcePyTorch),
		r("q4", "cnn", TrainAcc, 50, 0.9335, SourcePyTorch),
		r("q4", "cnn", ValAcc, 50, 0.8965, SourcePyTorch),

		// Question 5: PyTorch after 5 epochs, and the report's end of
		// training.
		r("q5", "shallow", ValAcc, 5, 0.8765, SourcePyTorch),
		r("q5", "deep", ValAcc, 5, 0.638, SourcePyTorch),
		r("q5", "deep pad2", ValAcc, 5, 0.748, SourcePyTorch),
		r("q5", "default", ValAcc, 5, 0.842, SourcePyTorch),
		r("q5", "deep", TrainAcc, EndOfTraining, 0.8375, SourceReport),
		r("q5", "shallow", TrainAcc, EndOfTraining, 0.9545, SourceReport),
		r("q5", "default", TrainAcc, EndOfTraining, 0.9160, SourceReport),
		r("q5", "deep", ValAcc, EndOfTraining, 0.8325, SourceReport),
		r("q5", "shallow", ValAcc, EndOfTraining, 0.8770, SourceReport),
		r("q5", "default", ValAcc, EndOfTraining, 0.8960, SourceReport),
	}
}

// ReferencesFor returns the reference rows of one question ("q2").
func ReferencesFor(question string) []ReferenceRow {
	var out []ReferenceRow
	for _, r := range References() {
		if strings.EqualFold(r.Question, question) {
			out = append(out, r)
		}
	}
	return out
}

// sameRun reports whether two run names match: equal ignoring case and
// runs of spaces.
func sameRun(a, b string) bool {
	return strings.EqualFold(strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " "))
}
