package session

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"fashionlab/assets"
	"fashionlab/wasm/protocol"
)

// images returns n random 28×28 images.
func images(rng *rand.Rand, n int) *assets.Images {
	im := &assets.Images{N: n, Rows: 28, Cols: 28, Pixels: make([]uint8, n*784)}
	for i := range im.Pixels {
		im.Pixels[i] = uint8(rng.IntN(256))
	}
	return im
}

func labels(rng *rand.Rand, n int) []uint8 {
	out := make([]uint8, n)
	for i := range out {
		out[i] = uint8(rng.IntN(10))
	}
	return out
}

// recorder collects the events a session sends.
type recorder struct{ events []protocol.Message }

// post records an event; an error whose command is not a command's kind
// (or whose event is not an event's) panics, failing the test.
func (r *recorder) post(m protocol.Message) {
	if e, ok := m.(protocol.Error); ok {
		if e.Command != "" && !protocol.IsCommand(e.Command) || e.Event != "" && !protocol.IsEvent(e.Event) {
			panic(fmt.Sprintf("error event with command %q and event %q: %s", e.Command, e.Event, e.Message))
		}
	}
	r.events = append(r.events, m)
}

// take returns the events so far and forgets them.
func (r *recorder) take() []protocol.Message {
	ev := r.events
	r.events = nil
	return ev
}

func newSession(t *testing.T) (*Session, *recorder) {
	t.Helper()
	rng := rand.New(rand.NewPCG(3, 4))
	s := &assets.Subset{
		Train: images(rng, 96), Val: images(rng, 32), Test: images(rng, 8),
		TrainLabels: labels(rng, 96), ValLabels: labels(rng, 32), TestLabels: labels(rng, 8),
	}
	rec := &recorder{}
	return New(s, rec.post), rec
}

func mlpStart(run float64, settings map[string]any) map[string]any {
	return map[string]any{"kind": "start", "run": run, "config": map[string]any{"net": "mlp", "dense_hiddens": []any{16.0}}, "settings": settings}
}

func cnnConfig(channels float64) map[string]any {
	return map[string]any{"net": "cnn", "n_channels": []any{channels}, "kernel_sizes": []any{3.0}, "strides": []any{1.0}, "paddings": []any{0.0}, "dense_hiddens": []any{}}
}

func only[M protocol.Message](t *testing.T, events []protocol.Message) M {
	t.Helper()
	var found []M
	for _, e := range events {
		if m, ok := e.(M); ok {
			found = append(found, m)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want one %T among the events, got %d: %#v", *new(M), len(found), events)
	}
	return found[0]
}

func TestReadyReportsTheLimitsThatStartEnforces(t *testing.T) {
	s, rec := newSession(t)
	s.Ready()
	r := only[protocol.Ready](t, rec.take())
	if r.Train != 96 || r.Val != 32 || r.Test != 8 {
		t.Errorf("ready = %+v, want the subset's sizes", r)
	}
	if !reflect.DeepEqual(r.Limits, protocol.BrowserLimits(96)) || r.Limits != s.Limits() {
		t.Errorf("limits = %+v, want BrowserLimits(96)", r.Limits)
	}
}

func TestABadStartAnswersPlainProblemsAndTheWorkerCarriesOn(t *testing.T) {
	tests := []struct {
		name      string
		form      map[string]any
		wantField string
	}{
		{"60000 channels", map[string]any{"kind": "start", "run": 4.0, "config": cnnConfig(60000)}, "n_channels"},
		{"100000 channels", map[string]any{"kind": "start", "run": 4.0, "config": cnnConfig(100000)}, "n_channels"},
		{"a million epochs", mlpStart(4, map[string]any{"epochs": 1e6}), "epochs"},
		{"more images than the subset holds", mlpStart(4, map[string]any{"train_limit": 97.0}), "train_limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, rec := newSession(t)
			s.Handle(tt.form)
			e := only[protocol.Error](t, rec.take())
			if e.Command != "start" || e.Run != 4 || len(e.Problems) == 0 || e.Problems[0].Field != tt.wantField || e.Fatal {
				t.Fatalf("error = %+v, want start's problems for run 4 on %q", e, tt.wantField)
			}
			if strings.Contains(e.Message, "protocol:") || !strings.Contains(e.Message, e.Problems[0].Message) {
				t.Errorf("message %q is not the plain problem", e.Message)
			}
			s.Handle(mlpStart(5, map[string]any{"epochs": 1.0, "batch_size": 32.0}))
			started := only[protocol.Started](t, rec.take())
			if started.Run != 5 || started.StepsPerEpoch != 3 || !s.Running() {
				t.Errorf("started = %+v, running %v; want run 5 training 3 steps per epoch", started, s.Running())
			}
		})
	}
}

func TestCountAnswersParamsBytesAndProblems(t *testing.T) {
	tests := []struct {
		name         string
		form         map[string]any
		wantParams   int
		wantProblems int
	}{
		{"the default MLP", map[string]any{"kind": "count", "id": 7.0, "config": map[string]any{"net": "mlp", "dense_hiddens": []any{256.0, 256.0}}}, 269322, 0},
		{"60000 channels", map[string]any{"kind": "count", "id": 7.0, "config": cnnConfig(60000)}, 0, 1},
		{"an epoch count out of range", map[string]any{"kind": "count", "id": 7.0, "config": cnnConfig(16), "settings": map[string]any{"epochs": 1e6}}, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, rec := newSession(t)
			s.Handle(tt.form)
			c := only[protocol.ParamCount](t, rec.take())
			if c.ID != 7 || c.Params != tt.wantParams || len(c.Problems) != tt.wantProblems || c.Problems == nil {
				t.Errorf("param_count = %+v, want id 7, %d params, %d problems", c, tt.wantParams, tt.wantProblems)
			}
			if tt.wantProblems == 0 && c.Bytes <= 0 {
				t.Errorf("bytes = %d, want an estimate", c.Bytes)
			}
		})
	}
}

func TestMatchDepthAnswersQuestion3(t *testing.T) {
	s, rec := newSession(t)
	s.Handle(map[string]any{"kind": "match_depth", "id": 2.0, "width": 64.0, "target": 269322.0})
	s.Handle(map[string]any{"kind": "match_depth", "id": 3.0, "width": 1.0, "target": 269322.0})
	ev := rec.take()
	want := []protocol.Message{
		protocol.DepthMatch{ID: 2, Layers: 54, Params: 271370},
		protocol.DepthMatch{ID: 3, Layers: 100000, Params: 200803, Capped: true},
	}
	if !reflect.DeepEqual(ev, want) {
		t.Errorf("events = %#v, want %#v", ev, want)
	}
}

// panickingSession returns a session over a small random subset whose post
// function panics with why on the first event of type M, as a failing
// conversion in the bridge would, and the recorder of the events it posts
// otherwise.
func panickingSession[M protocol.Message](seed uint64, why string) (*Session, *recorder) {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	sub := &assets.Subset{Train: images(rng, 64), Val: images(rng, 16), Test: images(rng, 1), TrainLabels: labels(rng, 64), ValLabels: labels(rng, 16), TestLabels: labels(rng, 1)}
	rec := &recorder{}
	panics := 1
	s := New(sub, func(m protocol.Message) {
		if _, ok := m.(M); ok && panics > 0 {
			panics--
			panic(why)
		}
		rec.post(m)
	})
	return s, rec
}

func TestAPanicWhileHandlingACommandBecomesAnErrorEvent(t *testing.T) {
	// The first image event panics inside the command.
	s, rec := panickingSession[protocol.Image](3, "cannot convert the image")
	s.Handle(map[string]any{"kind": "get_image", "set": "train", "index": 3.0})
	if len(rec.events) != 1 {
		t.Fatalf("events = %#v, want one error", rec.events)
	}
	e, ok := rec.events[0].(protocol.Error)
	if !ok || e.Command != "get_image" || !strings.Contains(e.Message, "cannot convert the image") || e.Fatal {
		t.Fatalf("event = %#v, want a non-fatal error for get_image", rec.events[0])
	}
	s.Handle(map[string]any{"kind": "get_image", "set": "train", "index": 3.0})
	if img, ok := rec.events[len(rec.events)-1].(protocol.Image); !ok || len(img.Pixels) != 784 {
		t.Errorf("after the panic, get_image answered %#v", rec.events[len(rec.events)-1])
	}
}

func TestMalformedCommandsAnswerErrors(t *testing.T) {
	tests := []struct {
		name string
		form map[string]any
		want string
	}{
		{"no message", nil, "message is empty"},
		{"an event sent as a command", map[string]any{"kind": "ready"}, "not a command"},
		{"an image that does not exist", map[string]any{"kind": "get_image", "set": "val", "index": 32.0}, "There is no val image 32"},
		{"predictions before any run", map[string]any{"kind": "get_predictions", "n": 5.0}, "start a run first"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, rec := newSession(t)
			s.Handle(tt.form)
			e := only[protocol.Error](t, rec.take())
			if !strings.Contains(e.Message, tt.want) {
				t.Errorf("message = %q, want it to contain %q", e.Message, tt.want)
			}
		})
	}
}

func TestARunTrainsToTheEndAndAnswersRequests(t *testing.T) {
	s, rec := newSession(t)
	s.Handle(mlpStart(1, map[string]any{"epochs": 2.0, "batch_size": 32.0, "eval_train_size": 32.0}))
	for range 100 {
		if !s.Running() {
			break
		}
		s.Step()
	}
	ev := rec.take()
	done := only[protocol.Done](t, ev)
	if done.Reason != protocol.ReasonFinished || done.Steps != 6 {
		t.Errorf("done = %+v, want finished after 6 steps", done)
	}
	var epochs []protocol.Epoch
	steps := 0
	for _, e := range ev {
		switch m := e.(type) {
		case protocol.Epoch:
			epochs = append(epochs, m)
		case protocol.Steps:
			steps += len(m.Loss)
		}
	}
	if len(epochs) != 3 || epochs[2].Images != 96 || steps != 6 {
		t.Errorf("%d epoch events (last %+v), %d step statistics; want 3 epochs, the last over 96 images, and 6 steps", len(epochs), epochs[len(epochs)-1], steps)
	}
	s.Handle(map[string]any{"kind": "get_predictions", "n": 5.0})
	p := only[protocol.Predictions](t, rec.take())
	total := 0
	for _, c := range p.Confusion {
		total += c
	}
	if p.N != 5 || len(p.Images) != 5*784 || total != 32 {
		t.Errorf("predictions: n %d, %d pixels, confusion total %d; want 5, 3920, 32", p.N, len(p.Images), total)
	}
}

func TestAPanicWhileTrainingEndsTheRunWithAnErrorEvent(t *testing.T) {
	// The first step statistics panic on their way out, inside Step.
	s, rec := panickingSession[protocol.Steps](5, "cannot send the steps")
	s.Handle(mlpStart(8, map[string]any{"epochs": 1.0, "batch_size": 16.0}))
	s.Step()
	if s.Running() {
		t.Fatal("the run still trains after the panic")
	}
	e, ok := rec.events[len(rec.events)-1].(protocol.Error)
	if !ok || e.Run != 8 || !strings.Contains(e.Message, "Training run 8 failed (cannot send the steps)") {
		t.Fatalf("last event = %#v, want the error of run 8", rec.events[len(rec.events)-1])
	}
	s.Handle(mlpStart(9, map[string]any{"epochs": 1.0, "batch_size": 16.0}))
	s.Step()
	if last, ok := rec.events[len(rec.events)-1].(protocol.Steps); !ok || last.Run != 9 {
		t.Errorf("after the panic, run 9 sent %#v, want its first steps", rec.events[len(rec.events)-1])
	}
}

// TestControlsActFromEveryState checks pause, resume, stop and reset from a
// running, a paused and a stopped run: a paused run can be stopped or
// reset, and a stopped run cannot be resumed.
func TestControlsActFromEveryState(t *testing.T) {
	kinds := func(ev []protocol.Message) []string {
		var out []string
		for _, e := range ev {
			switch m := e.(type) {
			case protocol.State:
				out = append(out, "state "+m.State)
			case protocol.Done:
				out = append(out, "done "+m.Reason)
			}
		}
		return out
	}
	tests := []struct {
		name     string
		commands []string // after one trained step
		want     []string // state and done events of the last command
		running  bool
	}{
		{"pause a running run", []string{"pause"}, []string{"state paused"}, false},
		{"resume a paused run", []string{"pause", "resume"}, []string{"state running"}, true},
		{"stop a running run", []string{"stop"}, []string{"done stopped", "state idle"}, false},
		{"stop a paused run", []string{"pause", "stop"}, []string{"done stopped", "state idle"}, false},
		{"reset a paused run", []string{"pause", "reset"}, []string{"done stopped", "state idle", "state idle"}, false},
		{"resume a stopped run", []string{"stop", "resume"}, nil, false},
		{"resume a paused then stopped run", []string{"pause", "stop", "resume"}, nil, false},
		{"stop twice", []string{"stop", "stop"}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, rec := newSession(t)
			s.Handle(mlpStart(1, map[string]any{"epochs": 3.0, "batch_size": 16.0, "eval_train_size": 32.0}))
			s.Step()
			for _, c := range tt.commands {
				rec.take()
				s.Handle(map[string]any{"kind": c})
			}
			if got := kinds(rec.take()); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("events of %q: %q, want %q", tt.commands[len(tt.commands)-1], got, tt.want)
			}
			if s.Running() != tt.running {
				t.Errorf("Running() = %v, want %v", s.Running(), tt.running)
			}
		})
	}
}
