package protocol

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"fashionlab/model"
	"fashionlab/model/train"
)

func TestEveryMessageSurvivesEncodeAndDecode(t *testing.T) {
	settings := train.DefaultSettings()
	settings.Epochs, settings.TrainLimit = 3, 2000
	tests := []struct {
		name string
		msg  Message
	}{
		{"a start of the default CNN", Start{Run: 7, Config: model.DefaultCNN(), Settings: settings, MaxSteps: 100}},
		{"a start of the default MLP", Start{Run: 1, Config: model.DefaultMLP(), Settings: settings}},
		{"a pause", Pause{}},
		{"a resume", Resume{}},
		{"a stop", Stop{}},
		{"a reset", Reset{}},
		{"a count", Count{ID: 3, Config: model.DefaultMLP()}},
		{"an activations request", GetActivations{Index: 12}},
		{"a predictions request", GetPredictions{N: 64}},
		{"a weights request", GetWeights{}},
		{"an image request", GetImage{Set: SetTrain, Index: 0}},
		{"an image reply", Image{Set: SetVal, Index: 3, Label: 2, Pixels: make([]float32, 784)}},
		{"a ready event", Ready{Train: 12000, Val: 2000, Test: 2000}},
		{"a started event", Started{Run: 2, Params: 269322, StepsPerEpoch: 94, Epochs: 3, Layers: []string{"0 Flatten 784"}}},
		{"a steps event", Steps{Run: 2, Epoch: 1, FirstStep: 5, Loss: []float32{2.3, 2.1}, Accuracy: []float32{0.1, 0.2}, GradNorm: []float32{1, 0.9}, Images: 256, Seconds: 0.25}},
		{"an epoch event", Epoch{Run: 2, Epoch: train.Epoch{Epoch: 1, TrainLoss: 0.5, TrainAcc: 0.8, ValLoss: 0.6, ValAcc: 0.78, GradNorm: 0.9, Seconds: 12, ZeroGradSteps: 1, Steps: 94}}},
		{"a state event", State{Run: 2, State: StatePaused}},
		{"a done event", Done{Run: 2, Reason: ReasonDiverged, Detail: "loss is NaN", Steps: 40}},
		{"a parameter count", ParamCount{ID: 3, Params: 283898}},
		{"an activations reply", Activations{Index: 4, Label: 9, Pred: 7, Image: make([]float32, 784), Maps: []FeatureMaps{{H: 2, W: 2, C: 1, Data: []float32{1, 2, 3, 4}}}}},
		{"a predictions reply", Predictions{N: 1, Labels: []int{3}, Preds: []int{4}, Confusion: make([]int, 100), Images: make([]float32, 784)}},
		{"a weights reply", Weights{Tensors: []Tensor{{Name: "0.weight", Shape: []int{2, 2}, Data: []float32{1, 2, 3, 4}}}}},
		{"an error", Error{Command: KindStart, Message: "model: bad"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := Encode(tt.msg)
			if form["kind"] != tt.msg.Kind() {
				t.Fatalf("kind field = %v, want %q", form["kind"], tt.msg.Kind())
			}
			got, err := Decode(jsLike(form).(map[string]any))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !reflect.DeepEqual(normalize(got), normalize(tt.msg)) {
				t.Errorf("round trip changed the message:\n got %#v\nwant %#v", got, tt.msg)
			}
		})
	}
}

// jsLike turns a map form into what the worker's converter produces from a
// JavaScript object: every number becomes a float64, lists become []any.
func jsLike(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = jsLike(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsLike(e)
		}
		return out
	case int:
		return float64(x)
	case uint64:
		return float64(x)
	}
	return v
}

// normalize makes NaN metrics comparable and empty slices equal to nil.
func normalize(m Message) Message {
	if e, ok := m.(Epoch); ok && math.IsNaN(float64(e.GradNorm)) {
		e.GradNorm = -1
		return e
	}
	return m
}

func TestStartFillsAbsentSettingsWithTheHomeworkDefaults(t *testing.T) {
	m, err := Decode(map[string]any{
		"kind":     "start",
		"config":   map[string]any{"net": "mlp", "dense_hiddens": []any{64.0}},
		"settings": map[string]any{"lr": 1e-3},
	})
	if err != nil {
		t.Fatal(err)
	}
	s := m.(Start)
	want := train.DefaultSettings()
	want.LearningRate = 1e-3
	if !reflect.DeepEqual(s.Settings, want) {
		t.Errorf("settings = %+v, want %+v", s.Settings, want)
	}
	if s.Config.Activation != "relu" {
		t.Errorf("activation = %q, want relu by default", s.Config.Activation)
	}
}

func TestBadInputIsRejectedWithAnErrorNamingTheField(t *testing.T) {
	mlp := map[string]any{"net": "mlp", "dense_hiddens": []any{256.0}}
	tests := []struct {
		name string
		in   map[string]any
		want string
	}{
		{"an empty message", nil, "message is empty"},
		{"a message without kind", map[string]any{"run": 1.0}, "has no kind"},
		{"a kind that is not a string", map[string]any{"kind": 3.0}, "kind must be a string"},
		{"an unknown kind", map[string]any{"kind": "dance"}, `unknown message kind "dance"`},
		{"a start without config", map[string]any{"kind": "start", "settings": map[string]any{}}, "start.config: missing"},
		{"a start with an unknown network", map[string]any{"kind": "start", "config": map[string]any{"net": "rnn"}, "settings": map[string]any{}}, `start.config.net: "rnn" is not one of mlp, cnn`},
		{"a start with a negative learning rate", map[string]any{"kind": "start", "config": mlp, "settings": map[string]any{"lr": -1.0}}, "learning rate must be a positive number"},
		{"a start with a fractional batch size", map[string]any{"kind": "start", "config": mlp, "settings": map[string]any{"batch_size": 1.5}}, "start.settings.batch_size: want an integer, got 1.5"},
		{"a start with a misspelt setting", map[string]any{"kind": "start", "config": mlp, "settings": map[string]any{"learning_rate": 0.1}}, "start.settings.learning_rate: unknown field"},
		{"a CNN whose lists disagree", map[string]any{"kind": "start", "config": map[string]any{"net": "cnn", "n_channels": []any{16.0, 32.0}, "kernel_sizes": []any{3.0}, "strides": []any{1.0}, "paddings": []any{0.0}, "dense_hiddens": []any{}}, "settings": map[string]any{}}, "2 channels but 1 kernel sizes"},
		{"a CNN whose maps vanish", map[string]any{"kind": "start", "config": map[string]any{"net": "cnn", "n_channels": []any{4.0, 4.0}, "kernel_sizes": []any{28.0, 3.0}, "strides": []any{1.0, 1.0}, "paddings": []any{0.0, 0.0}, "dense_hiddens": []any{}}, "settings": map[string]any{}}, "too small"},
		{"hidden sizes given as a string", map[string]any{"kind": "count", "config": map[string]any{"net": "mlp", "dense_hiddens": "256,256"}}, "count.config.dense_hiddens: want an array of integers, got a string"},
		{"a zero hidden size", map[string]any{"kind": "count", "config": map[string]any{"net": "mlp", "dense_hiddens": []any{0.0}}}, "dense_hiddens[0]: 0 is out of range"},
		{"an unknown activation", map[string]any{"kind": "count", "config": map[string]any{"net": "mlp", "dense_hiddens": []any{}, "activation": "gelu"}}, "count.config"},
		{"a negative image index", map[string]any{"kind": "get_activations", "index": -1.0}, "get_activations.index: -1 is out of range"},
		{"too many predictions", map[string]any{"kind": "get_predictions", "n": 1e6}, "get_predictions.n: 1e+06 is out of range"},
		{"steps whose columns differ in length", map[string]any{"kind": "steps", "run": 1.0, "epoch": 1.0, "first_step": 1.0, "loss": []float32{1}, "accuracy": []float32{}, "grad_norm": []float32{1}, "images": 1.0, "seconds": 1.0}, "same length"},
		{"a feature map of the wrong size", map[string]any{"kind": "activations", "index": 0.0, "label": 1.0, "pred": 1.0, "image": make([]float32, 784), "maps": []any{map[string]any{"h": 2.0, "w": 2.0, "c": 1.0, "data": []float32{1}}}}, "activations.maps[0].data: want 4 values"},
		{"an image of an unknown set", map[string]any{"kind": "get_image", "set": "test", "index": 0.0}, `get_image.set: "test" is not one of train, val`},
		{"a state that does not exist", map[string]any{"kind": "state", "run": 1.0, "state": "sleeping"}, `"sleeping" is not one of`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Decode(tt.in)
			if err == nil {
				t.Fatalf("Decode accepted it: %#v", m)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "protocol: ") {
				t.Errorf("error = %q, want it to start with \"protocol: \" and contain %q", err, tt.want)
			}
		})
	}
}

func TestDecodeCommandRefusesEvents(t *testing.T) {
	if _, err := DecodeCommand(Encode(Ready{Train: 1, Val: 1})); err == nil || !strings.Contains(err.Error(), "not a command") {
		t.Errorf("DecodeCommand(ready) error = %v, want a refusal", err)
	}
	if _, err := DecodeCommand(Encode(Pause{})); err != nil {
		t.Errorf("DecodeCommand(pause) = %v, want success", err)
	}
}

func TestAnEpochWithoutGradientNormDecodesAsNaN(t *testing.T) {
	form := Encode(Epoch{Run: 1, Epoch: train.Epoch{GradNorm: train.Metric(math.NaN())}})
	form["grad_norm"] = nil // JSON null and JavaScript NaN both arrive as "no value"
	m, err := Decode(form)
	if err != nil {
		t.Fatal(err)
	}
	if g := m.(Epoch).GradNorm; !math.IsNaN(float64(g)) {
		t.Errorf("grad_norm = %v, want NaN", g)
	}
}
