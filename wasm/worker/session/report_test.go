package session

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"fashionlab/model"
	"fashionlab/model/experiments"
	"fashionlab/model/train"
	"fashionlab/wasm/protocol"
)

// epochs builds a per-epoch log from validation accuracies (epoch 0
// first, its gradient norm NaN as the page holds it).
func epochs(val []float64, zeroGrad int) []train.Epoch {
	out := make([]train.Epoch, len(val))
	for i, v := range val {
		out[i] = train.Epoch{Epoch: i, TrainLoss: train.Metric(2.3 - 0.2*float64(i)), TrainAcc: train.Metric(v + 0.05), ValLoss: train.Metric(2.3 - 0.1*float64(i)), ValAcc: train.Metric(v), GradNorm: train.Metric(math.NaN()), Steps: 16}
		if i == 0 {
			out[i].Steps = 0
		} else {
			out[i].GradNorm = train.Metric(0.5 + 0.1*float64(i))
			out[i].ZeroGradSteps = zeroGrad
		}
	}
	return out
}

func TestPageReportIsTheNativeReportOfThePageRuns(t *testing.T) {
	demos, err := experiments.Demos()
	if err != nil {
		t.Fatal(err)
	}
	q2 := demos[1]
	raw := q2.Runs[1] // lr 1e-2 raw: saturates
	mlp := model.DefaultMLP()
	custom := experiments.BrowserSettings()
	custom.TrainLimit, custom.Shuffle, custom.Seed, custom.LearningRate = 0, true, 7, 3e-3
	runs := []protocol.ReportRun{
		{Label: q2.Runs[0].Label, Demo: "q2", Config: q2.Runs[0].Config, Settings: q2.Runs[0].Settings, Params: 269322, Reason: protocol.ReasonFinished, Epochs: epochs([]float64{0.1, 0.71, 0.77, 0.788}, 0)},
		{Label: "my MLP", Demo: "custom", Config: mlp, Settings: custom, Params: 269322, Reason: protocol.ReasonDiverged, Detail: "epoch 2 step 17: loss is NaN", Epochs: epochs([]float64{0.1, 0.5}, 0)},
		{Label: raw.Label, Demo: "q2", Config: raw.Config, Settings: raw.Settings, Params: 269322, Reason: protocol.ReasonFinished, Epochs: epochs([]float64{0.1, 0.095, 0.095, 0.095}, 15)},
		{Label: "queued", Demo: "q3", Config: mlp, Settings: custom}, // no epoch: left out
	}
	md, err := PageReport(runs, 12000)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"# FashionLab: runs in the page",
		"12000 training images",
		"## q2. Learning rate × normalization (MLP)",
		"| MLP lr 1e-2 normalized | mlp dense 256,256 relu | 269322 | 3 | 0.8380 | 0.7880 | 0.7880 (3) | 0.6-0.8 | - | finished |",
		"MLP lr 1e-2 normalized reached validation accuracy 0.7880 after 3 epochs",
		"MLP lr 1e-2 raw stayed at chance level",
		"MLP lr 1e-2 raw saturated: 45 of 48 steps had an exactly zero gradient",
		"MLP lr 1e-2 raw, natively: `go run ./cmd/train -net mlp -lr 0.01 -epochs 4 -limit 12000 -norm=false`",
		q2.FullScale,
		"## Custom configuration",
		"my MLP diverged at epoch 2, step 17 (loss is NaN)",
		"my MLP, natively: `go run ./cmd/train -net mlp -lr 0.003 -epochs 3 -limit 12000 -shuffle -seed 7`",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	for _, unwanted := range []string{"queued", "Against the reference", "q3"} {
		if strings.Contains(md, unwanted) {
			t.Errorf("report.md holds %q, which it should not:\n%s", unwanted, md)
		}
	}
	if strings.Index(md, "## q2") > strings.Index(md, "## Custom") {
		t.Error("the sections are not in the order of the runs")
	}
	if _, err := PageReport(runs[3:], 12000); err == nil {
		t.Error("a report of runs without a logged epoch should fail")
	}
}

// TestExportReportWritesTheRunsTheWorkerTrained trains a run, sends its
// epoch events back as the page holds them (in map form, epoch 0's
// gradient norm null) and checks that report.md carries the run's
// numbers as the trainer logged them.
func TestExportReportWritesTheRunsTheWorkerTrained(t *testing.T) {
	d := newDataset(t, 96, 96, 32, 8)
	rec := &recorder{}
	s := New(d.sub, rec.post)
	s.Handle(mlpStart(4, map[string]any{"epochs": 2.0, "batch_size": 32.0, "eval_train_size": 32.0, "lr": 1e-3}))
	trainToTheEnd(t, s)
	var logged []any
	for _, e := range rec.take() {
		if m, ok := e.(protocol.Epoch); ok {
			f := protocol.Encode(m)
			delete(f, "kind")
			delete(f, "run")
			if math.IsNaN(f["grad_norm"].(float64)) {
				f["grad_norm"] = nil // as JSON carries NaN
			}
			logged = append(logged, f)
		}
	}
	if len(logged) != 3 {
		t.Fatalf("%d epoch events, want 3", len(logged))
	}
	s.Handle(map[string]any{"kind": "export_report", "runs": []any{map[string]any{
		"label": "small MLP", "demo": "custom", "config": map[string]any{"net": "mlp", "dense_hiddens": []any{16.0}, "activation": "relu"},
		"settings": map[string]any{"epochs": 2.0, "batch_size": 32.0, "eval_train_size": 32.0, "lr": 1e-3}, "params": 12730.0, "reason": "finished", "epochs": logged,
	}}})
	r := only[protocol.Report](t, rec.take())
	if r.Name != "report.md" {
		t.Errorf("the report is named %q", r.Name)
	}
	last := s.trainer.History().LastEpoch()
	row := fmt.Sprintf("| small MLP | mlp dense 16 relu | 12730 | 2 | %.4f | %.4f |", float64(last.TrainAcc), float64(last.ValAcc))
	if !strings.Contains(r.Text, row) {
		t.Errorf("report.md lacks the run's row %q:\n%s", row, r.Text)
	}
	s.Handle(map[string]any{"kind": "export_report", "runs": []any{}})
	if e := only[protocol.Error](t, rec.take()); e.Command != "export_report" || !strings.Contains(e.Message, "no run has logged an epoch") {
		t.Errorf("a report without runs: %+v", e)
	}
}
