package main

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"fashionlab/assets"
	"fashionlab/wasm/protocol"
	"fashionlab/wasm/worker/session"
)

// pageSession returns a training-worker session over a subset of the
// installed data (the first 512 training images, the homework's 2,000
// validation images), as the page holds one, and its events.
func pageSession(t *testing.T) (*session.Session, *[]protocol.Message) {
	t.Helper()
	if _, err := os.Stat("/usr/share/datasets/fashion-mnist"); err != nil && os.Getenv("FASHIONMNIST_DIR") == "" {
		t.Skip("FashionMNIST not installed")
	}
	raw, err := assets.Load(context.Background(), assets.Source{})
	if err != nil {
		t.Fatal(err)
	}
	sub, err := raw.Subset(512, assets.DefaultValSize, 16)
	if err != nil {
		t.Fatal(err)
	}
	var events []protocol.Message
	return session.New(sub, func(m protocol.Message) { events = append(events, m) }), &events
}

// trainUntilDone steps the session's run until it posts Done.
func trainUntilDone(t *testing.T, s *session.Session, events *[]protocol.Message) {
	t.Helper()
	for steps := 0; ; steps++ {
		for _, m := range *events {
			if _, ok := m.(protocol.Done); ok {
				return
			}
		}
		if steps > 10_000 {
			t.Fatal("the run did not end after 10,000 steps")
		}
		s.Step()
	}
}

// last returns the last event of type M, failing without one.
func last[M protocol.Message](t *testing.T, events []protocol.Message) M {
	t.Helper()
	for i := len(events) - 1; i >= 0; i-- {
		if m, ok := events[i].(M); ok {
			return m
		}
		if e, ok := events[i].(protocol.Error); ok {
			t.Fatalf("the session answered an error: %s", e.Message)
		}
	}
	t.Fatalf("no %T among the events", *new(M))
	return *new(M)
}

// accuracyOf returns the accuracy of a confusion matrix.
func accuracyOf(p protocol.Predictions) float64 {
	right, total := 0, 0
	for i, c := range p.Confusion {
		total += c
		if i%11 == 0 {
			right += c
		}
	}
	return float64(right) / float64(total)
}

func TestAFileExportedByThePageEvaluatesWithInitAsInThePage(t *testing.T) {
	s, events := pageSession(t)
	s.Handle(map[string]any{"kind": "start", "run": 1.0, "config": map[string]any{"net": "mlp", "dense_hiddens": []any{32.0}},
		"settings": map[string]any{"epochs": 1.0, "batch_size": 64.0, "lr": 1e-3}})
	trainUntilDone(t, s, events)
	page := last[protocol.Epoch](t, *events)
	s.Handle(map[string]any{"kind": "get_predictions", "n": 0.0})
	predicted := last[protocol.Predictions](t, *events)
	s.Handle(map[string]any{"kind": "export_weights"})
	file := last[protocol.WeightsFile](t, *events)
	dir := t.TempDir()
	path := filepath.Join(dir, file.Name)
	if err := os.WriteFile(path, file.Data, 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"-init", path, "-epochs", "0", "-out", filepath.Join(dir, "eval")}, &out, &errOut); code != 0 {
		t.Fatalf("-init: exit %d: %s", code, errOut.String())
	}
	native := readHistory(t, filepath.Join(dir, "eval")).Epochs[0]
	if native.ValAcc != page.ValAcc || accuracyOf(predicted) != float64(native.ValAcc) {
		t.Errorf("native validation accuracy %v, the page's %v (predictions %v)", native.ValAcc, page.ValAcc, accuracyOf(predicted))
	}
	if math.Abs(float64(native.ValLoss-page.ValLoss)) > 1e-6 {
		t.Errorf("native validation loss %v, the page's %v", native.ValLoss, page.ValLoss)
	}
}

func TestANativeFileLoadsIntoThePageWithItsAccuracy(t *testing.T) {
	s, events := pageSession(t)
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	// Trained on more images than the page holds: the file's statistics
	// normalize the page's inputs.
	if code := run(context.Background(), []string{"-net", "mlp", "-hidden", "32", "-epochs", "1", "-limit", "4096", "-lr", "1e-3", "-out", dir}, &out, &errOut); code != 0 {
		t.Fatalf("training: exit %d: %s", code, errOut.String())
	}
	native := readHistory(t, dir)
	file, err := os.ReadFile(filepath.Join(dir, weightsFile))
	if err != nil {
		t.Fatal(err)
	}
	s.Handle(map[string]any{"kind": "load_weights", "run": 2.0, "name": weightsFile, "data": file})
	loaded := last[protocol.Loaded](t, *events)
	if loaded.Settings.TrainLimit != 4096 || !loaded.Settings.Normalize {
		t.Errorf("loaded settings %+v, want the native run's", loaded.Settings)
	}
	s.Handle(map[string]any{"kind": "get_predictions", "n": 0.0})
	predicted := last[protocol.Predictions](t, *events)
	if got, want := accuracyOf(predicted), float64(native.Epochs[len(native.Epochs)-1].ValAcc); got != want {
		t.Errorf("the page's validation accuracy %v, the native run's %v", got, want)
	}
}
