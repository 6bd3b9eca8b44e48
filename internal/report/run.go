package report

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"fashionlab/model/metrics"
	"fashionlab/model/train"
)

// File names written by WriteRun into its directory.
const (
	MetricsJSON = metrics.JSONFile
	MetricsCSV  = metrics.CSVFile
	AccuracyPNG = "accuracy.png"
	LossPNG     = "loss.png"
	GradNormPNG = "grad_norm.png"
)

// RunFiles are the paths WriteRun wrote: dir joined with the file names
// above.
type RunFiles struct {
	JSON, CSV                string
	Accuracy, Loss, GradNorm string // PNG plots
}

// Figures returns the run's plots in the order accuracy, loss, gradient
// norm, ready for Section.Figures.
func (f RunFiles) Figures() []string { return []string{f.Accuracy, f.Loss, f.GradNorm} }

// WriteRun writes one run into dir (created if missing; one run per
// directory, since the file names are fixed): metrics.json (the History,
// indented), metrics.csv (one line per logged epoch, epoch 0 included) and
// three plots titled with title, or with the run's configuration when
// title is empty: accuracy.png (train and validation), loss.png and
// grad_norm.png.
func WriteRun(dir string, h *train.History, title string) (RunFiles, error) {
	if h == nil {
		return RunFiles{}, errors.New("report: WriteRun needs a history")
	}
	if title == "" {
		title = h.Config.String()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return RunFiles{}, fmt.Errorf("report: creating %s: %w", dir, err)
	}
	f := RunFiles{
		JSON:     filepath.Join(dir, MetricsJSON),
		CSV:      filepath.Join(dir, MetricsCSV),
		Accuracy: filepath.Join(dir, AccuracyPNG),
		Loss:     filepath.Join(dir, LossPNG),
		GradNorm: filepath.Join(dir, GradNormPNG),
	}
	js, err := metrics.JSON(h)
	if err != nil {
		return RunFiles{}, fmt.Errorf("report: %w", err)
	}
	if err := writeFile(f.JSON, js); err != nil {
		return RunFiles{}, err
	}
	if err := writeFile(f.CSV, metrics.CSV(h)); err != nil {
		return RunFiles{}, err
	}
	run := []NamedHistory{{Name: title, History: h}}
	title += status(h)
	plots := []struct {
		path string
		spec chartSpec
	}{
		{f.Accuracy, chartSpec{title: title + ": accuracy", y: "accuracy", yMin: 0, yMax: 1, accuracy: true, series: []series{
			{name: "train", value: trainAcc, dashed: true}, {name: "validation", value: valAcc},
		}}},
		{f.Loss, chartSpec{title: title + ": loss", y: "loss", yMin: 0, yMax: math.NaN(), series: []series{
			{name: "train", value: trainLoss, dashed: true}, {name: "validation", value: valLoss},
		}}},
		{f.GradNorm, chartSpec{title: title + ": gradient norm (last batch of the epoch)", y: "L2 norm", yMin: 0, yMax: math.NaN(), series: []series{
			{name: "gradient norm", value: gradNorm},
		}}},
	}
	for _, p := range plots {
		if err := writeChart(p.path, p.spec, run, false); err != nil {
			return RunFiles{}, err
		}
	}
	return f, nil
}

// status returns " (diverged)" or " (saturated)" for a run that did, or
// "".
func status(h *train.History) string {
	switch {
	case h.Diverged != nil:
		return fmt.Sprintf(" (diverged at epoch %d)", h.Diverged.Epoch)
	case h.Saturated:
		return " (saturated)"
	}
	return ""
}

// writeFile writes data to path, naming the file in its error.
func writeFile(path string, data []byte) error {
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("report: writing %s: %w", filepath.Base(path), err)
	}
	return nil
}
