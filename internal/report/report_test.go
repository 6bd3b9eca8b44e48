package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"fashionlab/model"
	"fashionlab/model/equivariance"
	"fashionlab/model/train"
)

var nan = train.Metric(math.NaN())

// history builds a finished run of len(val) − 1 epochs from per-epoch
// validation accuracies and gradient norms (grads[0] is ignored: epoch 0
// has none).
func history(cfg model.Config, val, grads []float64) *train.History {
	h := &train.History{Config: cfg, Settings: train.DefaultSettings(), Params: 269322, Finished: true}
	for i, v := range val {
		e := train.Epoch{
			Epoch:     i,
			TrainLoss: train.Metric(2.3 - 0.3*float64(i)),
			TrainAcc:  train.Metric(math.Min(1, v+0.01*float64(i))),
			ValLoss:   train.Metric(2.3 - 0.25*float64(i)),
			ValAcc:    train.Metric(v),
			GradNorm:  nan,
			Seconds:   train.Metric(1.5 * float64(i)),
			Steps:     469,
		}
		if i > 0 {
			e.GradNorm = train.Metric(grads[i])
		}
		if i == 0 {
			e.Steps = 0
		}
		h.Epochs = append(h.Epochs, e)
	}
	return h
}

func goodRun() *train.History {
	return history(model.DefaultMLP(), []float64{0.1, 0.80, 0.84, 0.86, 0.87, 0.881}, []float64{0, 0.94, 0.91, 0.88, 0.90, 0.92})
}

func stuckRun() *train.History {
	cfg := model.DefaultMLP()
	cfg.Hidden, _ = model.ParseInts("64*54")
	return history(cfg, []float64{0.1, 0.1, 0.1, 0.1, 0.1, 0.1}, []float64{0, 0.105, 0.109, 0.113, 0.11, 0.107})
}

func saturatedRun() *train.History {
	h := history(model.DefaultMLP(), []float64{0.09, 0.0975, 0.0975, 0.0975, 0.0975, 0.0975}, []float64{0, 0, 0, 0, 0, 0})
	h.Saturated = true
	for i := range h.Epochs {
		if i > 0 {
			h.Epochs[i].TrainLoss = 18.65
			h.Epochs[i].ZeroGradSteps = 468
		}
	}
	h.Epochs[1].ZeroGradSteps = 467
	return h
}

func divergedRun() *train.History {
	h := history(model.DefaultMLP(), []float64{0.1, 0.5}, []float64{0, 3})
	h.Epochs = append(h.Epochs, train.Epoch{Epoch: 2, TrainLoss: nan, TrainAcc: 0.1, ValLoss: train.Metric(math.Inf(1)), ValAcc: 0.1, GradNorm: nan, Seconds: 3})
	h.Diverged = &train.Divergence{Epoch: 3, Step: 17, Reason: "loss is NaN"}
	h.Finished = false
	return h
}

// sameMetric compares two metrics, NaN equal to NaN.
func sameMetric(a, b train.Metric) bool {
	if math.IsNaN(float64(a)) || math.IsNaN(float64(b)) {
		return math.IsNaN(float64(a)) && math.IsNaN(float64(b))
	}
	return a == b
}

// sampleRun is a run of the tests' tables.
type sampleRun struct {
	name string
	h    *train.History
}

// sampleRuns returns runs that end in every way a run ends, and one with
// only epoch 0.
func sampleRuns() []sampleRun {
	onlyEpochZero := goodRun()
	onlyEpochZero.Epochs = onlyEpochZero.Epochs[:1]
	return []sampleRun{
		{"a run that trained normally", goodRun()},
		{"a run with a flat gradient norm", stuckRun()},
		{"a saturated run with zero gradients", saturatedRun()},
		{"a diverged run with NaN, infinite numbers and gaps", divergedRun()},
		{"a run with only epoch 0 and no gradient norm at all", onlyEpochZero},
	}
}

// writeRun writes h's files, titled title, into a fresh folder.
func writeRun(t *testing.T, h *train.History, title string) RunFiles {
	t.Helper()
	files, err := WriteRun(t.TempDir(), h, title)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestMetricsJSONRoundTripsNaNAsNull(t *testing.T) {
	for _, tt := range sampleRuns() {
		t.Run(tt.name, func(t *testing.T) {
			files := writeRun(t, tt.h, "")
			raw, err := os.ReadFile(files.JSON)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(raw), "\n  \"epochs\": [") {
				t.Error("metrics.json is not indented")
			}
			if !strings.Contains(string(raw), `"grad_norm": null`) {
				t.Error("the NaN gradient norm of epoch 0 is not written as null")
			}
			var back train.History
			if err := json.Unmarshal(raw, &back); err != nil {
				t.Fatal(err)
			}
			if len(back.Epochs) != len(tt.h.Epochs) {
				t.Fatalf("%d epochs read back, want %d", len(back.Epochs), len(tt.h.Epochs))
			}
			for i, e := range tt.h.Epochs {
				g := back.Epochs[i]
				for _, p := range []struct {
					name      string
					got, want train.Metric
				}{
					{"train_loss", g.TrainLoss, e.TrainLoss}, {"train_acc", g.TrainAcc, e.TrainAcc},
					{"val_loss", g.ValLoss, e.ValLoss}, {"val_acc", g.ValAcc, e.ValAcc},
					{"grad_norm", g.GradNorm, e.GradNorm}, {"seconds", g.Seconds, e.Seconds},
				} {
					want := p.want
					if math.IsInf(float64(want), 0) {
						want = nan // null stands for any non-finite number
					}
					if !sameMetric(p.got, want) {
						t.Errorf("epoch %d %s = %v after the round trip, want %v", e.Epoch, p.name, p.got, want)
					}
				}
				if g.Epoch != e.Epoch || g.ZeroGradSteps != e.ZeroGradSteps || g.Steps != e.Steps {
					t.Errorf("epoch %d counters changed: %+v", e.Epoch, g)
				}
			}
			if back.Config.String() != tt.h.Config.String() || back.Saturated != tt.h.Saturated || (back.Diverged == nil) != (tt.h.Diverged == nil) {
				t.Errorf("run fields changed: %+v", back)
			}
		})
	}
}

func TestMetricsCSVHasAHeaderAndOneLinePerEpoch(t *testing.T) {
	for _, h := range []*train.History{goodRun(), divergedRun()} {
		files := writeRun(t, h, "run")
		f, err := os.Open(files.CSV)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(rows[0], ","); got != "epoch,train_loss,train_acc,val_loss,val_acc,grad_norm,seconds" {
			t.Errorf("header %q", got)
		}
		if len(rows) != len(h.Epochs)+1 {
			t.Fatalf("%d lines, want a header and %d epochs", len(rows), len(h.Epochs))
		}
		for i, e := range h.Epochs {
			row := rows[i+1]
			for j, m := range []train.Metric{train.Metric(e.Epoch), e.TrainLoss, e.TrainAcc, e.ValLoss, e.ValAcc, e.GradNorm, e.Seconds} {
				v := float64(m)
				if math.IsNaN(v) || math.IsInf(v, 0) {
					if row[j] != "" {
						t.Errorf("epoch %d column %s: %q, want an empty cell", e.Epoch, rows[0][j], row[j])
					}
					continue
				}
				got, err := strconv.ParseFloat(row[j], 64)
				if err != nil || got != v {
					t.Errorf("epoch %d column %s: %q, want %v", e.Epoch, rows[0][j], row[j], v)
				}
			}
		}
	}
}

// checkPNG decodes a PNG and fails unless it has some variance.
func checkPNG(t *testing.T, path string, minW, minH int) image.Image {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", filepath.Base(path), err)
	}
	b := img.Bounds()
	if b.Dx() < minW || b.Dy() < minH {
		t.Errorf("%s is %dx%d, want at least %dx%d", filepath.Base(path), b.Dx(), b.Dy(), minW, minH)
	}
	var sum, sum2, n float64
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			v := float64(r+g+bl) / 3
			sum += v
			sum2 += v * v
			n++
		}
	}
	if mean := sum / n; sum2/n-mean*mean <= 0 {
		t.Errorf("%s is blank", filepath.Base(path))
	}
	return img
}

func TestPlotsArePNGsWithContent(t *testing.T) {
	for _, tt := range sampleRuns() {
		t.Run(tt.name, func(t *testing.T) {
			files := writeRun(t, tt.h, "")
			for _, p := range files.Figures() {
				checkPNG(t, p, 400, 250)
			}
		})
	}
	t.Run("a comparison of four runs", func(t *testing.T) {
		runs := []NamedHistory{{Name: "good", History: goodRun()}, {Name: "stuck", History: stuckRun()}, {Name: "saturated", History: saturatedRun()}, {Name: "diverged", History: divergedRun()}}
		files, err := WriteComparison(t.TempDir(), "four runs", runs)
		if err != nil {
			t.Fatal(err)
		}
		if len(files.Figures()) != 2 {
			t.Fatalf("figures %v", files.Figures())
		}
		for _, p := range files.Figures() {
			checkPNG(t, p, 600, 350)
		}
	})
}

func homeworkProbe(t *testing.T) equivariance.Result {
	t.Helper()
	x := equivariance.NewMap(28, 28)
	for y := 6; y < 27; y++ {
		for c := 9; c < 28; c++ {
			x.Pix[y*28+c] = float32(y+c) / 60
		}
	}
	r, err := equivariance.Probe(x, equivariance.HomeworkModel(equivariance.RandomConv(197331)), equivariance.HomeworkOptions())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestEquivarianceImagesAreUpscaledAndNotBlank(t *testing.T) {
	r := homeworkProbe(t)
	files, err := WriteEquivariance(t.TempDir(), r)
	if err != nil {
		t.Fatal(err)
	}
	if len(files.Maps) != 10 {
		t.Fatalf("%d map images, want 10", len(files.Maps))
	}
	for _, p := range files.Maps {
		size := 24 * MapScale
		if strings.HasSuffix(p, "x.png") && !strings.Contains(p, "f_") {
			size = 28 * MapScale // x, shift(x), rot(x)
		}
		img := checkPNG(t, p, size, size)
		if b := img.Bounds(); b.Dx() != size || b.Dy() != size {
			t.Errorf("%s is %dx%d, want %dx%d", filepath.Base(p), b.Dx(), b.Dy(), size, size)
		}
	}
	checkPNG(t, files.Panel, 5*28*panelScale, 2*28*panelScale)
	if files.Figures()[0] != files.Panel {
		t.Error("Figures should return the panel")
	}
}

func TestWriteReportPutsOurNumbersNextToTheReference(t *testing.T) {
	dir := t.TempDir()
	q2 := []NamedHistory{
		{Name: "lr 1e-2 normalized", History: history(model.DefaultMLP(), []float64{0.1, 0.8, 0.83, 0.85, 0.855, 0.8590}, []float64{0, 1, 1, 1, 1, 1})},
		{Name: "lr 1e-2 raw", History: saturatedRun()},
		{Name: "lr 1e-4 normalized", History: goodRun()},
		{Name: "lr 1e-4 raw", History: divergedRun()},
	}
	cmp, err := WriteComparison(filepath.Join(dir, "q2"), "q2", q2)
	if err != nil {
		t.Fatal(err)
	}
	eq, err := WriteEquivariance(filepath.Join(dir, "q1"), homeworkProbe(t))
	if err != nil {
		t.Fatal(err)
	}
	r := homeworkProbe(t)
	q3 := []NamedHistory{{Name: "mlp 64*54", History: stuckRun()}, {Name: "MLP  256,256", History: goodRun()}}
	sections := []Section{
		{Question: "q1", Title: "Equivariance", Explanation: "Shift and rotation.", Equivariance: &r, Figures: eq.Figures()},
		{Question: "q2", Title: "Normalization and learning rate", Runs: q2, Figures: cmp.Figures(), Notes: []string{"A hand-written *note*."}},
		{Question: "q3", Title: "Parameters and depth", Runs: q3},
		{Question: "q4", Title: "No reference rows", Runs: []NamedHistory{{Name: "mlp", History: goodRun()}}, Reference: []ReferenceRow{}},
	}
	path := filepath.Join(dir, "report.md")
	if err := WriteReport(path, sections); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	md := string(raw)
	for _, want := range []string{
		"## q1. Equivariance",
		"| shift (5, 5) | 0 | 0 | 361 |",
		"| rotation 90° | ",
		"The shift (5, 5) difference is exactly 0 in the interior (361 pixels)",
		"![q1/equivariance](q1/equivariance.png)",
		"## q2. Normalization and learning rate",
		"| lr 1e-2 normalized | val acc | 5 | 0.8590 | PyTorch reference | 0.8590 | +0.0000 |",
		"| lr 1e-2 raw | val acc | 5 | 0.0975 | PyTorch reference | 0.0975 | +0.0000 |",
		"| lr 1e-4 raw | val acc | 5 | 0.8670 | PyTorch reference | 0.1000 (epoch 2) | - |",
		"lr 1e-2 raw stayed at chance level: validation accuracy 0.0975 over epochs 1-5; its gradient norm was 0 in every epoch.",
		"the training loss ended at 18.65.",
		"its gradient norm was 3 in the 1 of 2 epochs where it was finite.",
		"| lr 1e-6 raw | val acc | 5 | 0.6620 | PyTorch reference | no run | - |",
		`No run is named "lr 1e-6 raw"`,
		"lr 1e-2 raw saturated: 2339 of 2345 steps had an exactly zero gradient",
		"lr 1e-4 raw diverged at epoch 3, step 17 (loss is NaN)",
		"diverged at epoch 3, step 17: loss is NaN |",
		"![q2/compare\\_accuracy](q2/compare_accuracy.png)",
		"![q2/compare\\_grad\\_norm](q2/compare_grad_norm.png)",
		"- A hand-written *note*.",
		"| mlp 64\\*54 | grad norm min | 5 | 0.105 | PyTorch reference | 0.105 | +0.0000 |",
		"| mlp 64\\*54 | grad norm max | 5 | 0.113 | PyTorch reference | 0.113 | +0.0000 |",
		"| mlp 256,256 | val acc | 5 | 0.8810 | PyTorch reference | 0.8810 | +0.0000 |",
		"mlp 64\\*54 stayed at chance level: validation accuracy 0.1000 over epochs 1-5; its gradient norm ranged 0.105-0.113 over epochs 1-5.",
		"The best final validation accuracy is MLP  256,256's, 0.8810.",
		"## q4. No reference rows",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	if strings.Contains(md[strings.Index(md, "## q4"):], "Against the reference") {
		t.Error("an empty, non-nil Reference should show no reference table")
	}
	for _, f := range append(cmp.Figures(), eq.Panel) {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("figure %s: %v", f, err)
		}
	}
}

func TestReferencesAreAFreshTableWithSources(t *testing.T) {
	a := References()
	a[0].Value = 42
	if References()[0].Value == 42 {
		t.Error("changing the returned slice changed the references")
	}
	counts := map[string]int{}
	for _, r := range References() {
		counts[r.Question]++
		if r.Source != SourceReport && r.Source != SourcePyTorch {
			t.Errorf("%+v: unknown source", r)
		}
		if !(r.Value > 0 && r.Value < 1) {
			t.Errorf("%+v: a value outside (0, 1)", r)
		}
	}
	for q, n := range map[string]int{"q2": 6, "q3": 6, "q4": 12, "q5": 10} {
		if counts[q] != n || len(ReferencesFor(q)) != n {
			t.Errorf("%s has %d reference rows, want %d", q, counts[q], n)
		}
	}
}

func TestWritersNameTheFileThatFailed(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	inside := filepath.Join(blocker, "sub") // a directory that cannot exist
	checks := []struct {
		name string
		call func() error
	}{
		{"WriteRun under a file", func() error { _, err := WriteRun(inside, goodRun(), ""); return err }},
		{"WriteComparison under a file", func() error {
			_, err := WriteComparison(inside, "x", []NamedHistory{{Name: "a", History: goodRun()}})
			return err
		}},
		{"WriteEquivariance under a file", func() error { _, err := WriteEquivariance(inside, homeworkProbe(t)); return err }},
		{"WriteReport under a file", func() error { return WriteReport(filepath.Join(inside, "report.md"), nil) }},
		{"WriteRun without a history", func() error { _, err := WriteRun(dir, nil, ""); return err }},
		{"WriteComparison without runs", func() error { _, err := WriteComparison(dir, "none", nil); return err }},
		{"WriteEquivariance of an empty result", func() error { _, err := WriteEquivariance(dir, equivariance.Result{}); return err }},
		{"WriteReport with a run without history", func() error {
			return WriteReport(filepath.Join(dir, "r.md"), []Section{{Question: "q2", Runs: []NamedHistory{{Name: "x"}}}})
		}},
	}
	for _, c := range checks {
		t.Run(c.name+" fails with the package's prefix", func(t *testing.T) {
			if err := c.call(); err == nil || !strings.HasPrefix(err.Error(), "report: ") {
				t.Errorf("error %v, want one starting with \"report: \"", err)
			}
		})
	}
}
