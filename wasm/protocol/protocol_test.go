package protocol

import (
	"encoding/json"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"

	"fashionlab/model"
	"fashionlab/model/train"
)

// filler gives every field of a value a distinct non-zero value that its
// wire tags allow.
type filler struct{ n int }

func (f *filler) next() int { f.n++; return f.n }

func (f *filler) fill(v reflect.Value, fl field) {
	switch v.Kind() {
	case reflect.Int, reflect.Int64, reflect.Uint64:
		lo, hi := max(fl.min, 1), min(fl.max, 1e6)
		x := int64(lo) + int64(f.next())%int64(hi-lo+1)
		if v.Kind() == reflect.Uint64 {
			v.SetUint(uint64(x))
		} else {
			v.SetInt(x)
		}
	case reflect.Uint8:
		v.SetUint(uint64(1 + f.next()%255))
	case reflect.Float64:
		v.SetFloat(float64(f.next()) + 0.25)
	case reflect.Float32:
		v.SetFloat(float64(f.next()) + 0.5)
	case reflect.String:
		if fl.oneOf != nil {
			v.SetString(fl.oneOf[f.next()%len(fl.oneOf)])
			return
		}
		v.SetString("text " + string(rune('a'+f.next()%26)) + strings.Repeat("x", f.n%5))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Struct:
		for _, sub := range fieldsOf(v.Type()) {
			f.fill(v.FieldByIndex(sub.index), sub)
		}
	case reflect.Slice:
		n := 2 + f.next()%2
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			f.fill(s.Index(i), fl)
		}
		v.Set(s)
	default:
		panic("filler: cannot fill a " + v.Type().String())
	}
}

// zeroLeaves returns the wire paths of the fields of v that are zero.
func zeroLeaves(v reflect.Value, path string) []string {
	switch v.Kind() {
	case reflect.Struct:
		var out []string
		for _, f := range fieldsOf(v.Type()) {
			out = append(out, zeroLeaves(v.FieldByIndex(f.index), path+"."+f.name)...)
		}
		return out
	case reflect.Slice:
		if v.Len() == 0 {
			return []string{path}
		}
		var out []string
		for i := range v.Len() {
			out = append(out, zeroLeaves(v.Index(i), path)...)
		}
		return out
	}
	if v.IsZero() {
		return []string{path}
	}
	return nil
}

// jsLike turns a map form into what the worker's converter produces from a
// JavaScript object: every number becomes a float64, lists []any,
// Float32Arrays stay []float32.
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
	}
	return v
}

func TestEveryFieldOfEveryMessageSurvivesEncodeAndDecode(t *testing.T) {
	f := &filler{}
	for _, s := range Specs() {
		t.Run(s.Kind, func(t *testing.T) {
			v := reflect.New(s.Type).Elem()
			f.fill(v, field{min: 0, max: maxExact})
			if zero := zeroLeaves(v, s.Kind); len(zero) > 0 {
				t.Fatalf("the filler left fields zero: %v", zero)
			}
			msg := v.Interface().(Message)
			form := Encode(msg)
			if form["kind"] != s.Kind {
				t.Fatalf("kind field = %v, want %q", form["kind"], s.Kind)
			}
			if got, want := len(form)-1, len(fieldsOf(s.Type)); got != want {
				t.Errorf("the map form has %d fields, the type %d: %v", got, want, form)
			}
			got, err := Decode(jsLike(form).(map[string]any))
			if err != nil {
				t.Fatalf("Decode: %v\nform: %v", err, form)
			}
			if !reflect.DeepEqual(got, msg) {
				t.Errorf("round trip changed the message:\n got %#v\nwant %#v", got, msg)
			}
		})
	}
}

func TestTheTableOfKindsIsConsistent(t *testing.T) {
	kinds, types := map[string]bool{}, map[reflect.Type]bool{}
	for _, s := range Specs() {
		if kinds[s.Kind] || types[s.Type] {
			t.Errorf("%s (%s) appears twice", s.Kind, s.Type)
		}
		kinds[s.Kind], types[s.Type] = true, true
		m := reflect.New(s.Type).Elem().Interface().(Message)
		if KindOf(m) != s.Kind || IsCommand(s.Kind) != s.Command {
			t.Errorf("%s: KindOf = %q, IsCommand = %v", s.Kind, KindOf(m), IsCommand(s.Kind))
		}
	}
}

func TestStartFillsAbsentSettingsWithTheHomeworkDefaults(t *testing.T) {
	tests := []struct {
		name     string
		settings any
		want     func(*train.Settings)
	}{
		{"no settings at all", nil, func(*train.Settings) {}},
		{"only a learning rate", map[string]any{"lr": 1e-3}, func(s *train.Settings) { s.LearningRate = 1e-3 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := map[string]any{"kind": "start", "config": map[string]any{"net": "mlp", "dense_hiddens": []any{64.0}}}
			if tt.settings != nil {
				form["settings"] = tt.settings
			}
			m, err := Decode(form)
			if err != nil {
				t.Fatal(err)
			}
			s := m.(Start)
			want := train.DefaultSettings()
			tt.want(&want)
			if !reflect.DeepEqual(s.Settings, want) {
				t.Errorf("settings = %+v, want %+v", s.Settings, want)
			}
			if s.Config.Activation != "relu" {
				t.Errorf("activation = %q, want relu by default", s.Config.Activation)
			}
		})
	}
}

func TestAnMLPConfigurationLeavesTheConvolutionFieldsOut(t *testing.T) {
	cfg := Encode(Start{Config: model.DefaultMLP(), Settings: train.DefaultSettings()})["config"].(map[string]any)
	for _, k := range []string{"n_channels", "kernel_sizes", "strides", "paddings"} {
		if _, ok := cfg[k]; ok {
			t.Errorf("an MLP's config has %q: %v", k, cfg)
		}
	}
}

func TestBadInputIsRejectedWithAnErrorNamingTheKindAndField(t *testing.T) {
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
		{"a start with an unknown network", map[string]any{"kind": "start", "config": map[string]any{"net": "rnn"}}, `start.config.net: "rnn" is not one of mlp, cnn`},
		{"a start with a fractional batch size", map[string]any{"kind": "start", "config": mlp, "settings": map[string]any{"batch_size": 1.5}}, "start.settings.batch_size: want an integer, got 1.5"},
		{"a start with a misspelt setting", map[string]any{"kind": "start", "config": mlp, "settings": map[string]any{"learning_rate": 0.1}}, "start.settings.learning_rate: unknown field"},
		{"a start with an unknown top-level field", map[string]any{"kind": "start", "config": mlp, "speed": 2.0}, "start.speed: unknown field"},
		{"hidden sizes given as a string", map[string]any{"kind": "count", "config": map[string]any{"net": "mlp", "dense_hiddens": "256,256"}}, "count.config.dense_hiddens: want an array, got a string"},
		{"a fractional hidden size", map[string]any{"kind": "count", "config": map[string]any{"net": "mlp", "dense_hiddens": []any{2.5}}}, "count.config.dense_hiddens[0]: want an integer, got 2.5"},
		{"a settings object that is a number", map[string]any{"kind": "count", "config": mlp, "settings": 3.0}, "count.settings: want an object, got a number"},
		{"a negative image index", map[string]any{"kind": "get_activations", "index": -1.0}, "get_activations.index: -1 is out of range"},
		{"too many predictions", map[string]any{"kind": "get_predictions", "n": 1e6}, "get_predictions.n: 1e+06 is out of range [0, 2000]"},
		{"a match without width", map[string]any{"kind": "match_depth", "target": 1000.0}, "match_depth.width: missing"},
		{"a zero width", map[string]any{"kind": "match_depth", "width": 0.0, "target": 1000.0}, "match_depth.width: 0 is out of range"},
		{"a label beyond the classes", map[string]any{"kind": "image", "set": "val", "index": 0.0, "label": 10.0, "pixels": []float32{}}, "image.label: 10 is out of range [0, 9]"},
		{"pixels that are not numbers", map[string]any{"kind": "image", "set": "val", "index": 0.0, "label": 1.0, "pixels": []any{"a"}}, "image.pixels[0]: want a number, got a string"},
		{"a feature map that is not an object", map[string]any{"kind": "activations", "index": 0.0, "label": 1.0, "pred": 1.0, "image": []float32{}, "maps": []any{3.0}}, "activations.maps[0]: want an object, got a number"},
		{"a feature map without data", map[string]any{"kind": "activations", "index": 0.0, "label": 1.0, "pred": 1.0, "image": []float32{}, "maps": []any{map[string]any{"h": 1.0, "w": 1.0, "c": 1.0}}}, "activations.maps[0].data: missing"},
		{"an image of an unknown set", map[string]any{"kind": "get_image", "set": "test", "index": 0.0}, `get_image.set: "test" is not one of train, val`},
		{"a state that does not exist", map[string]any{"kind": "state", "run": 1.0, "state": "sleeping"}, `state.state: "sleeping" is not one of`},
		{"a problem without message", map[string]any{"kind": "error", "message": "x", "problems": []any{map[string]any{"field": "lr"}}}, "error.problems[0].message: missing"},
		{"file bytes given as a list of numbers", map[string]any{"kind": "load_weights", "data": []any{1.0, 2.0}}, "load_weights.data: want a Uint8Array, got an array"},
		{"file bytes given as a string", map[string]any{"kind": "load_weights", "data": "AAAA"}, "load_weights.data: want a Uint8Array, got a string"},
		{"a load without bytes", map[string]any{"kind": "load_weights", "name": "model.safetensors"}, "load_weights.data: missing"},
		{"limits without memory budget", map[string]any{"kind": "ready", "train": 1.0, "val": 1.0, "test": 1.0, "limits": map[string]any{}}, "ready.limits.epochs: missing"},
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

func TestFileBytesTravelAsByteSlicesAndAreCopiedOnDecode(t *testing.T) {
	data := []byte{0, 1, 2, 255}
	form := Encode(WeightsFile{Run: 3, Name: "model.safetensors", Data: data})
	if b, ok := form["data"].([]byte); !ok || !reflect.DeepEqual(b, data) {
		t.Fatalf("encoded data = %#v, want the []byte for a transferable Uint8Array", form["data"])
	}
	if b, ok := Encode(WeightsFile{})["data"].([]byte); !ok || b == nil {
		t.Errorf("an empty file encodes as %#v, want an empty []byte", Encode(WeightsFile{})["data"])
	}
	in := []byte{9, 8, 7}
	m, err := DecodeCommand(map[string]any{"kind": "load_weights", "run": 2.0, "name": "a.safetensors", "data": in})
	if err != nil {
		t.Fatal(err)
	}
	in[0] = 0 // the sender's buffer may be reused
	if got, want := m.(LoadWeights), (LoadWeights{Run: 2, Name: "a.safetensors", Data: []byte{9, 8, 7}}); !reflect.DeepEqual(got, want) {
		t.Errorf("decoded %#v, want %#v", got, want)
	}
}

func TestDecodeCommandRefusesEvents(t *testing.T) {
	if _, err := DecodeCommand(Encode(Ready{Train: 1, Val: 1, Limits: BrowserLimits(10)})); err == nil || !strings.Contains(err.Error(), "not a command") {
		t.Errorf("DecodeCommand(ready) error = %v, want a refusal", err)
	}
	if _, err := DecodeCommand(Encode(Pause{})); err != nil {
		t.Errorf("DecodeCommand(pause) = %v, want success", err)
	}
}

func TestAnEpochWithoutGradientNormDecodesAsNaN(t *testing.T) {
	for _, absent := range []struct {
		name string
		set  func(map[string]any)
	}{
		{"null", func(f map[string]any) { f["grad_norm"] = nil }},
		{"absent", func(f map[string]any) { delete(f, "grad_norm") }},
	} {
		t.Run(absent.name, func(t *testing.T) {
			form := Encode(Epoch{Run: 1, Epoch: train.Epoch{GradNorm: train.Metric(math.NaN())}})
			absent.set(form)
			m, err := Decode(form)
			if err != nil {
				t.Fatal(err)
			}
			if g := m.(Epoch).GradNorm; !math.IsNaN(float64(g)) {
				t.Errorf("grad_norm = %v, want NaN", g)
			}
		})
	}
}

// FuzzDecode feeds JSON objects to Decode: it must never panic, and what
// it accepts must survive encoding and decoding again unchanged.
func FuzzDecode(f *testing.F) {
	fl := &filler{}
	for _, s := range Specs() {
		v := reflect.New(s.Type).Elem()
		fl.fill(v, field{min: 0, max: maxExact})
		b, err := json.Marshal(Encode(v.Interface().(Message)))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var form map[string]any
		if json.Unmarshal(data, &form) != nil {
			return
		}
		m, err := Decode(form)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "protocol: ") {
				t.Errorf("error %q does not say where it comes from", err)
			}
			return
		}
		again, err := Decode(jsLike(Encode(m)).(map[string]any))
		if err != nil {
			t.Fatalf("Decode accepted %s but not its re-encoding: %v", data, err)
		}
		if !reflect.DeepEqual(normalizeNaN(again), normalizeNaN(m)) {
			t.Errorf("re-encoding changed the message:\n got %#v\nwant %#v", again, m)
		}
	})
}

// normalizeNaN makes NaN metrics of an epoch comparable.
func normalizeNaN(m Message) Message {
	e, ok := m.(Epoch)
	if !ok {
		return m
	}
	for _, p := range []*train.Metric{&e.TrainLoss, &e.TrainAcc, &e.ValLoss, &e.ValAcc, &e.GradNorm, &e.Seconds} {
		if math.IsNaN(float64(*p)) {
			*p = -1
		}
	}
	return e
}

func TestTheDocumentationListsEveryMessage(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	want, err := SpliceDoc(src)
	if err != nil {
		t.Fatal(err)
	}
	if string(src) != string(want) {
		t.Errorf("doc.go is stale: run go generate ./wasm/protocol")
	}
	for _, s := range Specs() {
		if !strings.Contains(string(src), "\t"+s.Kind+" ") {
			t.Errorf("doc.go does not list %q", s.Kind)
		}
	}
}

func TestTheJavaScriptModuleCarriesTheSchemaAndTheLimits(t *testing.T) {
	js := JSModule(12000)
	consts := map[string]string{}
	for _, part := range strings.Split(js, "export const ")[1:] {
		name, rest, _ := strings.Cut(part, " = deepFreeze(")
		body, _, ok := strings.Cut(rest, ");\n")
		if !ok {
			t.Fatalf("export %s is not a deepFreeze(...) call", name)
		}
		consts[name] = body
	}
	var fields map[string][]string
	if err := json.Unmarshal([]byte(consts["FIELDS"]), &fields); err != nil {
		t.Fatalf("FIELDS: %v", err)
	}
	var commands, events map[string]string
	if err := json.Unmarshal([]byte(consts["COMMANDS"]), &commands); err != nil {
		t.Fatalf("COMMANDS: %v", err)
	}
	if err := json.Unmarshal([]byte(consts["EVENTS"]), &events); err != nil {
		t.Fatalf("EVENTS: %v", err)
	}
	for _, s := range Specs() {
		got := commands[strings.ToUpper(s.Kind)]
		if !s.Command {
			got = events[strings.ToUpper(s.Kind)]
		}
		if got != s.Kind {
			t.Errorf("%s: kind constant = %q", s.Kind, got)
		}
		if !reflect.DeepEqual(fields[s.Kind], fieldNames(s.Type)) {
			t.Errorf("%s: fields %v, want %v", s.Kind, fields[s.Kind], fieldNames(s.Type))
		}
	}
	var limits map[string]any
	if err := json.Unmarshal([]byte(consts["LIMITS"]), &limits); err != nil {
		t.Fatalf("LIMITS: %v", err)
	}
	got, err := Decode(map[string]any{"kind": "ready", "train": 1.0, "val": 1.0, "test": 1.0, "limits": limits})
	if err != nil {
		t.Fatalf("LIMITS does not decode as limits: %v", err)
	}
	if l := got.(Ready).Limits; !reflect.DeepEqual(l, BrowserLimits(12000)) {
		t.Errorf("LIMITS = %+v, want BrowserLimits(12000)", l)
	}
	var choices map[string][]string
	if err := json.Unmarshal([]byte(consts["CHOICES"]), &choices); err != nil || !reflect.DeepEqual(choices["config.net"], []string{"mlp", "cnn"}) {
		t.Errorf("CHOICES = %s (%v), want config.net: mlp, cnn", consts["CHOICES"], err)
	}
}
