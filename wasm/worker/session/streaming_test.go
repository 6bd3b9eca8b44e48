package session

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"fashionlab/assets"
	"fashionlab/wasm/protocol"
	"fashionlab/wasm/startup"
)

// feed is the rest of a subset stream, as the worker script delivers it:
// once asked (fetches counts the requests) and the gate is open, in
// pieces from another goroutine.
type feed struct {
	fetches int
	gate    chan struct{}
}

// streamedSession returns a session that has only the first `first`
// training images of a subset; the rest streams in once fetched and once
// the feed's gate is closed.
func streamedSession(t *testing.T, s *assets.Subset, first int) (*Session, *recorder, *feed) {
	t.Helper()
	var b bytes.Buffer
	if err := assets.WriteSubset(&b, s); err != nil {
		t.Fatal(err)
	}
	h, err := assets.ReadSubsetHeader(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	cut := h.PrefixSize(first)
	rest := b.Bytes()[cut:]
	f := &feed{gate: make(chan struct{})}
	var d *startup.Data
	d, err = startup.NewData(b.Bytes()[:cut], func() {
		f.fetches++
		go func() {
			<-f.gate
			for from := 0; from < len(rest); from += 5000 {
				d.Push(rest[from:min(from+5000, len(rest))])
			}
			d.End(nil)
		}()
	})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	return NewStreaming(d, rec.post), rec, f
}

func randomSubset() *assets.Subset {
	rng := rand.New(rand.NewPCG(5, 6))
	return &assets.Subset{
		Train: images(rng, 96), Val: images(rng, 40), Test: images(rng, 8),
		TrainLabels: labels(rng, 96), ValLabels: labels(rng, 40), TestLabels: labels(rng, 8),
	}
}

// runToEnd trains until the run is done and returns the epochs posted.
func runToEnd(t *testing.T, s *Session, rec *recorder) []protocol.Epoch {
	t.Helper()
	trainToTheEnd(t, s)
	var epochs []protocol.Epoch
	for _, e := range rec.take() {
		if ep, ok := e.(protocol.Epoch); ok {
			epochs = append(epochs, ep)
		}
		if e, ok := e.(protocol.Error); ok {
			t.Fatalf("error event: %+v", e)
		}
	}
	return epochs
}

// runSettings are the ways a run reads the data: in order or shuffled,
// normalized or raw, all training images or the first ones.
var runSettings = []struct {
	name     string
	settings map[string]any
}{
	{"in-order batches", map[string]any{"epochs": 2.0, "batch_size": 16.0, "eval_train_size": 50.0}},
	{"shuffled batches", map[string]any{"epochs": 2.0, "batch_size": 16.0, "shuffle": true}},
	{"raw pixels", map[string]any{"epochs": 1.0, "batch_size": 32.0, "normalize": false}},
	{"a training limit", map[string]any{"epochs": 1.0, "batch_size": 16.0, "train_limit": 60.0}},
	{"a training limit within the first part", map[string]any{"epochs": 2.0, "batch_size": 8.0, "train_limit": 24.0}},
	{"raw pixels with a training limit", map[string]any{"epochs": 1.0, "batch_size": 16.0, "train_limit": 60.0, "normalize": false}},
	{"shuffled batches with a training limit", map[string]any{"epochs": 2.0, "batch_size": 8.0, "shuffle": true, "train_limit": 40.0}},
}

func TestAStreamedRunLogsWhatARunOnAllTheDataLogs(t *testing.T) {
	sub := randomSubset()
	for _, tt := range runSettings {
		t.Run(tt.name, func(t *testing.T) {
			want := referenceRun(t, sub, tt.settings)

			s, rec, f := streamedSession(t, sub, 32)
			close(f.gate)
			s.Handle(mlpStart(1, tt.settings))
			got := runToEnd(t, s, rec)
			if f.fetches != 1 {
				t.Errorf("the rest of the data was asked for %d times, want once", f.fetches)
			}
			// Printed, NaN equals NaN (the gradient norm of epoch 0).
			if g, w := fmt.Sprintf("%+v", stripSeconds(got)), fmt.Sprintf("%+v", stripSeconds(want)); len(got) != len(want) || g != w {
				t.Errorf("streamed run logged\n%s\nwant\n%s", g, w)
			}
			if len(got) > 0 && got[0].Epoch.Epoch != 0 {
				t.Errorf("the first epoch posted is %d, want 0", got[0].Epoch.Epoch)
			}
		})
	}
}

func TestTheFirstStepTrainsBeforeTheRestArrives(t *testing.T) {
	// The first part holds 32 training images; the step that ends an
	// epoch also needs the validation images.
	for _, tc := range []struct {
		name     string
		settings map[string]any
		ready    int // steps the first part allows
	}{
		{"the whole training part", map[string]any{"epochs": 1.0, "batch_size": 16.0}, 2},
		{"a normalized training limit within the first part", map[string]any{"epochs": 1.0, "batch_size": 8.0, "train_limit": 32.0}, 3},
		{"raw pixels with a limit beyond the first part", map[string]any{"epochs": 1.0, "batch_size": 16.0, "train_limit": 60.0, "normalize": false}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, rec, f := streamedSession(t, randomSubset(), 32)
			defer close(f.gate)
			s.Handle(mlpStart(1, tc.settings))
			if f.fetches != 0 {
				t.Fatalf("starting a run fetched the rest of the data before the first step")
			}
			for range tc.ready {
				if !s.DataReady() {
					t.Fatal("a batch of the first part is not ready")
				}
				s.Step()
			}
			if f.fetches != 1 {
				t.Errorf("after the first step the rest was asked for %d times, want once", f.fetches)
			}
			if s.DataReady() {
				t.Error("the next step is ready before its images arrived")
			}
			events := rec.take()
			var steps int
			for _, e := range events {
				if st, ok := e.(protocol.Steps); ok {
					steps += len(st.Loss)
				}
				if _, ok := e.(protocol.Epoch); ok {
					t.Errorf("an epoch was posted before the validation images arrived: %+v", e)
				}
				if e, ok := e.(protocol.Error); ok {
					t.Errorf("error event: %+v", e)
				}
			}
			if steps < 1 {
				t.Errorf("no step statistics posted: %+v", events)
			}
		})
	}
}

func TestANormalizedLimitBeyondTheFirstPartWaitsForItsImages(t *testing.T) {
	s, rec, f := streamedSession(t, randomSubset(), 32)
	close(f.gate)
	s.Handle(mlpStart(1, map[string]any{"epochs": 1.0, "batch_size": 16.0, "train_limit": 60.0}))
	if f.fetches != 1 || !s.Running() {
		t.Fatalf("the run asked for the rest %d times (want once, for the statistics of its 60 images), running %v: %+v", f.fetches, s.Running(), rec.take())
	}
	if tr, _ := s.data.Converted(s.split); tr < 60 {
		t.Errorf("the run started with %d of its 60 training images", tr)
	}
}

func TestAFailedDownloadEndsTheRunWithAnError(t *testing.T) {
	s, rec, f := streamedSession(t, randomSubset(), 16)
	defer close(f.gate)
	s.Handle(mlpStart(1, map[string]any{"epochs": 1.0, "batch_size": 16.0}))
	s.Step()
	s.data.End(errors.New("HTTP 404"))
	if s.DataReady() || s.Running() {
		t.Fatalf("ready %v, running %v after the download failed", s.DataReady(), s.Running())
	}
	var sawError, sawDone bool
	for _, e := range rec.take() {
		switch e := e.(type) {
		case protocol.Error:
			sawError = bytes.Contains([]byte(e.Message), []byte("HTTP 404"))
		case protocol.Done:
			sawDone = e.Reason == protocol.ReasonStopped
		}
	}
	if !sawError || !sawDone {
		t.Errorf("error event naming the failure: %v, run stopped: %v", sawError, sawDone)
	}
}

func newSessionOver(s *assets.Subset) (*Session, *recorder) {
	rec := &recorder{}
	return New(s, rec.post), rec
}

// referenceRun returns the epochs that run 1, an MLP with settings, logs on
// a session that holds all of sub from the start.
func referenceRun(t *testing.T, sub *assets.Subset, settings map[string]any) []protocol.Epoch {
	t.Helper()
	s, rec := newSessionOver(sub)
	s.Handle(mlpStart(1, settings))
	return runToEnd(t, s, rec)
}

// stripSeconds drops the wall-clock seconds of each epoch.
func stripSeconds(epochs []protocol.Epoch) []protocol.Epoch {
	out := make([]protocol.Epoch, len(epochs))
	for i, e := range epochs {
		e.Epoch.Seconds = 0
		out[i] = e
	}
	return out
}
