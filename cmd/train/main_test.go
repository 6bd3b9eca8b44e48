package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fashionlab/model/gemm"
	"fashionlab/model/train"
)

func TestParamsPrintsTheHomeworkCounts(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"the default CNN", []string{"-params"}, "total 283898"},
		{"the default MLP", []string{"-params", "-net", "mlp"}, "total 269322"},
		{"the 54-layer MLP", []string{"-params", "-net", "mlp", "-hidden", "64*54"}, "total 271370"},
		{"the shallow kernel-28 CNN", []string{"-params", "-channels", "44", "-kernels", "28", "-strides", "1", "-paddings", "0"}, "total 283382"},
		{"the default MLP with dropout: no parameters more", []string{"-params", "-net", "mlp", "-dropout", "0.5"}, "total 269322"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := run(context.Background(), tt.args, &out, &errOut); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
			if !strings.Contains(out.String(), tt.want+"\n") {
				t.Errorf("output lacks %q:\n%s", tt.want, out.String())
			}
		})
	}
}

func TestBadFlagsGiveAClearErrorAndExitCode2(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown network", []string{"-net", "rnn"}, "unknown network kind"},
		{"bad hidden list", []string{"-hidden", "256,abc"}, "-hidden"},
		{"mismatched conv lists", []string{"-kernels", "3,3"}, "kernel sizes"},
		{"negative learning rate", []string{"-lr", "-1"}, "learning rate"},
		{"zero batch", []string{"-batch", "0"}, "batch size"},
		{"unknown optimizer", []string{"-optim", "rmsprop"}, "unknown optimizer"},
		{"unknown experiment", []string{"-experiment", "q7"}, "unknown question"},
		{"unknown activation", []string{"-act", "gelu"}, "unknown activation"},
		{"dropout of 1", []string{"-dropout", "1"}, "dropout must be a probability"},
		{"negative dropout", []string{"-net", "mlp", "-dropout", "-0.5"}, "dropout must be a probability"},
		{"dropout with -init", []string{"-init", "model.safetensors", "-dropout", "0.5"}, "drop -dropout"},
		{"stray argument", []string{"mlp"}, "unexpected argument"},
		{"kernel too large", []string{"-kernels", "3,3,30"}, "does not fit"},
		{"training flags with -resume", []string{"-resume", "runs/x", "-lr", "0.1"}, "drop -lr"},
		{"network flags with -init", []string{"-init", "model.safetensors", "-net", "mlp", "-act", "tanh"}, "drop -act -net"},
		{"-init with -experiment", []string{"-init", "model.safetensors", "-experiment", "q2"}, "cannot be combined with -experiment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(context.Background(), tt.args, &out, &errOut)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if !strings.Contains(errOut.String(), tt.want) {
				t.Errorf("stderr %q lacks %q", errOut.String(), tt.want)
			}
		})
	}
}

func TestParseFlagsDefaultsToTheHomework(t *testing.T) {
	o, err := parseFlags(nil, &bytes.Buffer{}, time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if o.config.String() != "cnn 16,32,48 k3,3,3 s1,1,1 p0,0,0 dense 256,256 relu" {
		t.Errorf("config %s", o.config)
	}
	def := train.DefaultSettings()
	def.Shuffle = false
	if o.settings != def {
		t.Errorf("settings %+v, want %+v", o.settings, def)
	}
	if o.outDir != "runs/20261127-100000" {
		t.Errorf("out dir %q", o.outDir)
	}
}

func TestResumeWithoutACheckpointSaysSo(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"-resume", t.TempDir()}, &out, &errOut)
	if code != 1 || !strings.Contains(errOut.String(), "nothing to resume") {
		t.Errorf("exit %d, stderr %q; want exit 1 and 'nothing to resume'", code, errOut.String())
	}
}

func TestShortRunWritesItsOutputs(t *testing.T) {
	if _, err := os.Stat("/usr/share/datasets/fashion-mnist"); err != nil && os.Getenv("FASHIONMNIST_DIR") == "" {
		t.Skip("FashionMNIST not installed")
	}
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"-net", "mlp", "-epochs", "2", "-limit", "2048", "-lr", "1e-3", "-out", dir}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	h := readHistory(t, dir)
	if len(h.Epochs) != 3 || h.Test == nil || !h.Finished {
		t.Fatalf("metrics.json has %d epochs, test %v, finished %v", len(h.Epochs), h.Test, h.Finished)
	}
	if acc := float64(h.Epochs[2].ValAcc); acc < 0.7 {
		t.Errorf("validation accuracy %.3f after 2 epochs on 2,048 images, want > 0.7", acc)
	}
	if header := fmt.Sprintf("; kernel %s, ", gemm.KernelName()); !strings.Contains(out.String(), header) {
		t.Errorf("header line does not name the kernel (%q):\n%s", header, out.String())
	}
	if !strings.Contains(out.String(), "test (8000 images)") {
		t.Errorf("summary missing from output:\n%s", out.String())
	}
}

func TestInitFromABadWeightsFileSaysWhatIsWrong(t *testing.T) {
	dir := t.TempDir()
	truncated := filepath.Join(dir, "truncated.safetensors")
	if err := os.WriteFile(truncated, []byte{0x10, 0, 0, 0, 0, 0, 0, 0, '{'}, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		path string
		want string
	}{
		{"missing file", filepath.Join(dir, "none.safetensors"), "no such file"},
		{"truncated file", truncated, truncated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(context.Background(), []string{"-init", tt.path, "-params"}, &out, &errOut)
			if code == 0 || !strings.Contains(errOut.String(), "-init") || !strings.Contains(errOut.String(), tt.want) {
				t.Errorf("exit %d, stderr %q; want a failure naming -init and %q", code, errOut.String(), tt.want)
			}
		})
	}
}

func TestInitEvaluatesSavedWeightsAsTheirRunDid(t *testing.T) {
	if _, err := os.Stat("/usr/share/datasets/fashion-mnist"); err != nil && os.Getenv("FASHIONMNIST_DIR") == "" {
		t.Skip("FashionMNIST not installed")
	}
	first, second := t.TempDir(), t.TempDir()
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"-net", "mlp", "-epochs", "1", "-limit", "2048", "-lr", "1e-3", "-out", first}, &out, &errOut); code != 0 {
		t.Fatalf("training: exit %d: %s", code, errOut.String())
	}
	if code := run(context.Background(), []string{"-init", filepath.Join(first, "model.safetensors"), "-epochs", "0", "-out", second}, &out, &errOut); code != 0 {
		t.Fatalf("-init: exit %d: %s", code, errOut.String())
	}
	trained, evaluated := readHistory(t, first), readHistory(t, second)
	last := trained.Epochs[len(trained.Epochs)-1]
	if len(evaluated.Epochs) != 1 || evaluated.Test == nil || trained.Test == nil {
		t.Fatalf("-init -epochs 0 wrote %d epochs and test %v; want the epoch-0 evaluation and the test", len(evaluated.Epochs), evaluated.Test)
	}
	got := evaluated.Epochs[0]
	// Same weights, same inputs (the file's normalization and limit): the
	// evaluation is the same computation, so the numbers agree exactly.
	if got.ValAcc != last.ValAcc || got.ValLoss != last.ValLoss || *evaluated.Test != *trained.Test {
		t.Errorf("-init evaluation val %v/%v test %+v; the run ended with val %v/%v test %+v", got.ValLoss, got.ValAcc, *evaluated.Test, last.ValLoss, last.ValAcc, *trained.Test)
	}
	if evaluated.Settings.TrainLimit != 2048 {
		t.Errorf("-init used training limit %d, want the file's 2048", evaluated.Settings.TrainLimit)
	}
}

func readHistory(t *testing.T, dir string) train.History {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	var h train.History
	if err := json.Unmarshal(b, &h); err != nil {
		t.Fatal(err)
	}
	return h
}
