package session

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"fashionlab/model/weights"
	"fashionlab/wasm/protocol"
)

// Running reports whether a run is training (not paused, not ended).
func (w *Session) Running() bool { return w.running }

// collect trains s to the end as Loop does and returns its epoch lines and
// checkpoints; an error event fails the test.
func collect(t *testing.T, s *Session, rec *recorder) ([]protocol.Epoch, []protocol.Checkpoint) {
	t.Helper()
	trainToTheEnd(t, s)
	var epochs []protocol.Epoch
	var cps []protocol.Checkpoint
	for _, e := range rec.take() {
		switch e := e.(type) {
		case protocol.Epoch:
			epochs = append(epochs, e)
		case protocol.Checkpoint:
			cps = append(cps, e)
		case protocol.Error:
			t.Fatalf("error event: %+v", e)
		}
	}
	return epochs, cps
}

// finalWeights reads the weights of a checkpoint file.
func finalWeights(t *testing.T, c protocol.Checkpoint) []weights.Tensor {
	t.Helper()
	ck, err := weights.LoadCheckpoint(strings.NewReader(string(c.Data)))
	if err != nil {
		t.Fatal(err)
	}
	return ck.Weights
}

func TestARunResumedFromACheckpointTrainsAsIfNeverStopped(t *testing.T) {
	sub := randomSubset()
	tests := []struct {
		name     string
		settings map[string]any
		from     int // the checkpoint to resume from, in the order sent
	}{
		{"in-order batches, after epoch 1", map[string]any{"epochs": 3.0, "batch_size": 16.0, "eval_train_size": 50.0}, 0},
		{"shuffled batches, after epoch 2", map[string]any{"epochs": 3.0, "batch_size": 16.0, "shuffle": true}, 1},
		{"sgd, a training limit", map[string]any{"epochs": 2.0, "batch_size": 16.0, "optimizer": "sgd", "lr": 0.01, "train_limit": 60.0}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ref, refRec := newSessionOver(sub)
			ref.Handle(mlpStart(7, tt.settings))
			want, wantCps := collect(t, ref, refRec)
			if n := int(tt.settings["epochs"].(float64)); len(wantCps) != n {
				t.Fatalf("%d checkpoints sent, want one per epoch (%d)", len(wantCps), n)
			}
			if last := wantCps[len(wantCps)-1]; !last.Done || slices.ContainsFunc(wantCps[:len(wantCps)-1], func(c protocol.Checkpoint) bool { return c.Done }) {
				t.Errorf("only the last checkpoint should say done: %+v", wantCps)
			}
			from := wantCps[tt.from]

			// A new worker, with its data still streaming in, continues
			// from the checkpoint.
			s, rec, f := streamedSession(t, sub, 32)
			close(f.gate)
			s.Handle(map[string]any{"kind": "load_checkpoint", "run": 7.0, "data": from.Data, "train": true})
			events := rec.take()
			r := only[protocol.Restored](t, events)
			if !r.Training || r.Epoch != from.Epoch || r.Step != 0 || r.Steps != from.Epoch*r.StepsPerEpoch || !s.Running() {
				t.Fatalf("restored %+v (running %v), want training from epoch %d", r, s.Running(), from.Epoch)
			}
			got, gotCps := collect(t, s, rec)
			if g, w := fmt.Sprintf("%+v", stripSeconds(got)), fmt.Sprintf("%+v", stripSeconds(want[from.Epoch+1:])); g != w {
				t.Errorf("the resumed run logged\n%s\nwant\n%s", g, w)
			}
			if len(gotCps) == 0 || !slices.EqualFunc(finalWeights(t, gotCps[len(gotCps)-1]), finalWeights(t, wantCps[len(wantCps)-1]), func(a, b weights.Tensor) bool {
				return a.Name == b.Name && slices.Equal(a.Data, b.Data)
			}) {
				t.Error("the resumed run ends with other weights than the uninterrupted one")
			}
		})
	}
}

func TestACheckpointIsSentWhenARunStopsMidEpoch(t *testing.T) {
	s, rec := newSession(t)
	s.Handle(mlpStart(3, map[string]any{"epochs": 2.0, "batch_size": 16.0}))
	for range 3 {
		s.Step()
	}
	rec.take()
	s.Handle(map[string]any{"kind": "stop"})
	c := only[protocol.Checkpoint](t, rec.take())
	if c.Run != 3 || c.Epoch != 0 || c.Step != 3 || c.Done {
		t.Fatalf("checkpoint of a run stopped after 3 steps: run %d epoch %d step %d done %v", c.Run, c.Epoch, c.Step, c.Done)
	}
	// Held, not trained: the network answers requests.
	s2, rec2 := newSession(t)
	s2.Handle(map[string]any{"kind": "load_checkpoint", "run": 3.0, "data": c.Data})
	if r := only[protocol.Restored](t, rec2.take()); r.Training || r.Steps != 3 || s2.Running() {
		t.Fatalf("restored without train: %+v, running %v", r, s2.Running())
	}
	if p := pagePredictions(t, s2, rec2, 5); p.N != 5 {
		t.Errorf("predictions of a restored network: %+v", p)
	}
}

func TestBadCheckpointsGetAPlainMessageAndTheRunStays(t *testing.T) {
	s, rec := newSession(t)
	s.Handle(mlpStart(1, map[string]any{"epochs": 1.0, "batch_size": 16.0}))
	trainToTheEnd(t, s)
	var good []byte
	var file []byte
	for _, e := range rec.take() {
		if c, ok := e.(protocol.Checkpoint); ok {
			good = c.Data
		}
	}
	s.Handle(map[string]any{"kind": "export_weights"})
	file = only[protocol.WeightsFile](t, rec.take()).Data
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", []byte{}, "restored"},
		{"truncated", good[:len(good)/2], "restored"},
		{"a weights file", file, "not a checkpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.Handle(map[string]any{"kind": "load_checkpoint", "run": 9.0, "data": tt.data, "train": true})
			e := only[protocol.Error](t, rec.take())
			if e.Command != protocol.KindLoadCheckpoint || e.Run != 9 || !strings.Contains(e.Message, tt.want) || s.Running() {
				t.Errorf("error %+v (running %v), want a load_checkpoint error saying %q", e, s.Running(), tt.want)
			}
			if p := pagePredictions(t, s, rec, 3); p.N != 3 {
				t.Errorf("the network held before is gone: %+v", p)
			}
		})
	}
}

// TestARunInterruptedInItsFirstEpochResumesFromItsLastCheckpoint makes
// the worker checkpoint after every step (in the page: every
// CheckpointEvery), so a run interrupted in epoch 1 has checkpoints
// within it; one resumed from such a checkpoint continues at its step and
// ends with the uninterrupted run's log and weights.
func TestARunInterruptedInItsFirstEpochResumesFromItsLastCheckpoint(t *testing.T) {
	sub := randomSubset()
	settings := map[string]any{"epochs": 2.0, "batch_size": 16.0, "eval_train_size": 50.0, "shuffle": true}
	ref, refRec := newSessionOver(sub)
	ref.checkpointEvery = 0
	ref.Handle(mlpStart(7, settings))
	want, wantCps := collect(t, ref, refRec)
	var within []protocol.Checkpoint
	for _, c := range wantCps {
		if c.Epoch == 0 && c.Step > 0 {
			within = append(within, c)
		}
	}
	if len(within) < 2 {
		t.Fatalf("checkpoints within epoch 1: %d of %d, want several", len(within), len(wantCps))
	}
	from := within[len(within)/2]

	s, rec, f := streamedSession(t, sub, 32)
	close(f.gate)
	s.Handle(map[string]any{"kind": "load_checkpoint", "run": 7.0, "data": from.Data, "train": true})
	r := only[protocol.Restored](t, rec.take())
	if !r.Training || r.Epoch != 0 || r.Step != from.Step || r.Steps != from.Step {
		t.Fatalf("restored %+v, want training from epoch 0 step %d", r, from.Step)
	}
	got, gotCps := collect(t, s, rec)
	if g, w := fmt.Sprintf("%+v", stripSeconds(got)), fmt.Sprintf("%+v", stripSeconds(want[1:])); g != w {
		t.Errorf("the resumed run logged\n%s\nwant\n%s", g, w)
	}
	if len(gotCps) == 0 || !slices.EqualFunc(finalWeights(t, gotCps[len(gotCps)-1]), finalWeights(t, wantCps[len(wantCps)-1]), func(a, b weights.Tensor) bool {
		return a.Name == b.Name && slices.Equal(a.Data, b.Data)
	}) {
		t.Error("the resumed run ends with other weights than the uninterrupted one")
	}
}
