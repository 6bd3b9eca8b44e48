package report

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
)

// File names written by WriteComparison into its directory.
const (
	CompareAccuracyPNG = "compare_accuracy.png"
	CompareGradNormPNG = "compare_grad_norm.png"
)

// ComparisonFiles are the paths WriteComparison wrote.
type ComparisonFiles struct {
	Accuracy string // validation (solid) and train (dashed) accuracy of every run
	GradNorm string // gradient norm of every run
}

// Figures returns the comparison's plots, ready for Section.Figures.
func (f ComparisonFiles) Figures() []string { return []string{f.Accuracy, f.GradNorm} }

// WriteComparison overlays the runs of one experiment (q2's six, q3's,
// q4's and q5's few) in two plots in dir (created if missing; one
// comparison per directory, since the file names are fixed):
// compare_accuracy.png with each run's validation accuracy as a solid line
// and its train accuracy dashed in the same colour, and
// compare_grad_norm.png with each run's gradient norm. Runs are told apart
// by colour and by Name in the legend.
func WriteComparison(dir, title string, runs []NamedHistory) (ComparisonFiles, error) {
	if len(runs) == 0 {
		return ComparisonFiles{}, errors.New("report: WriteComparison needs at least one run")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return ComparisonFiles{}, fmt.Errorf("report: creating %s: %w", dir, err)
	}
	f := ComparisonFiles{
		Accuracy: filepath.Join(dir, CompareAccuracyPNG),
		GradNorm: filepath.Join(dir, CompareGradNormPNG),
	}
	acc := chartSpec{
		title: title + ": accuracy (solid: validation, dashed: train)", y: "accuracy", yMin: 0, yMax: 1, accuracy: true,
		series: []series{{name: "train", value: trainAcc, dashed: true}, {name: "validation", value: valAcc}},
		width:  compareWidth, height: compareHigh,
	}
	if err := writeChart(f.Accuracy, acc, runs, true); err != nil {
		return ComparisonFiles{}, err
	}
	grad := chartSpec{
		title: title + ": gradient norm (last batch of the epoch)", y: "L2 norm", yMin: 0, yMax: math.NaN(),
		series: []series{{name: "gradient norm", value: gradNorm}},
		width:  compareWidth, height: compareHigh,
	}
	if err := writeChart(f.GradNorm, grad, runs, true); err != nil {
		return ComparisonFiles{}, err
	}
	return f, nil
}
