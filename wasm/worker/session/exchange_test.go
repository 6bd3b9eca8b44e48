package session

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"fashionlab/assets"
	"fashionlab/internal/nativetest"
	"fashionlab/model"
	"fashionlab/model/metrics"
	"fashionlab/model/parallel"
	"fashionlab/model/train"
	"fashionlab/model/weights"
	"fashionlab/wasm/protocol"
)

// dataset is a small random data set standing for the full one: the
// session's subset holds its first subsetTrain training images and its
// test images (valN for validation, the rest for test), as the site build
// does.
type dataset struct {
	raw  *assets.Raw
	sub  *assets.Subset
	valN int
}

func newDataset(t *testing.T, train, subsetTrain, val, test int) dataset {
	t.Helper()
	rng := rand.New(rand.NewPCG(11, 12))
	raw := &assets.Raw{TrainImages: images(rng, train), TrainLabels: labels(rng, train), TestImages: images(rng, val+test), TestLabels: labels(rng, val+test)}
	sub, err := raw.Subset(subsetTrain, val, test)
	if err != nil {
		t.Fatal(err)
	}
	return dataset{raw: raw, sub: sub, valN: val}
}

// nativePredictions evaluates a weights file as the native trainer's
// -init does: the network from the file, the inputs prepared from the full
// data set with the file's normalization and training limit.
func (d dataset) nativePredictions(t *testing.T, file []byte) []int {
	t.Helper()
	preds, _ := nativetest.Evaluate(t, d.raw, file, d.valN)
	return preds
}

// pagePredictions asks the session for the predictions on every
// validation image.
func pagePredictions(t *testing.T, s *Session, rec *recorder, n int) protocol.Predictions {
	t.Helper()
	s.Handle(map[string]any{"kind": "get_predictions", "n": float64(n)})
	return only[protocol.Predictions](t, rec.take())
}

// trainToTheEnd steps the session's run until it ends, as Loop does: when
// the next batch has not arrived, it waits for data.
func trainToTheEnd(t *testing.T, s *Session) {
	t.Helper()
	for guard := 0; s.Running(); guard++ {
		if guard > 100000 {
			t.Fatal("the run does not end")
		}
		if !s.DataReady() {
			<-s.data.Arrivals()
			continue
		}
		s.Step()
	}
}

func TestAnExportedFileEvaluatesNativelyToTheSamePredictions(t *testing.T) {
	tests := []struct {
		name      string
		config    map[string]any
		normalize bool
		limit     float64 // the start's train_limit (0: the whole subset)
	}{
		{"normalized MLP on the whole subset", map[string]any{"net": "mlp", "dense_hiddens": []any{16.0}}, true, 0},
		{"normalized CNN on part of the subset", cnnConfig(4), true, 48},
		{"MLP on raw pixels", map[string]any{"net": "mlp", "dense_hiddens": []any{8.0}, "activation": "tanh"}, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDataset(t, 160, 96, 32, 8)
			rec := &recorder{}
			s := New(d.sub, rec.post)
			settings := map[string]any{"epochs": 1.0, "batch_size": 16.0, "lr": 1e-3, "normalize": tt.normalize, "eval_train_size": 32.0}
			if tt.limit > 0 {
				settings["train_limit"] = tt.limit
			}
			s.Handle(map[string]any{"kind": "start", "run": 7.0, "config": tt.config, "settings": settings})
			trainToTheEnd(t, s)
			rec.take()
			page := pagePredictions(t, s, rec, 32)
			s.Handle(map[string]any{"kind": "export_weights"})
			file := only[protocol.WeightsFile](t, rec.take())
			if file.Run != 7 || file.Name != "model.safetensors" {
				t.Errorf("weights_file run %d name %q, want run 7 and model.safetensors", file.Run, file.Name)
			}
			cfg, meta, err := weights.DecodeHeader(bytes.NewReader(file.Data))
			if err != nil {
				t.Fatal(err)
			}
			in, err := weights.InputsOf(meta)
			wantLimit := 96
			if tt.limit > 0 {
				wantLimit = int(tt.limit)
			}
			if err != nil || !in.HasSettings || in.Settings.TrainLimit != wantLimit || in.Settings.Normalize != tt.normalize || (in.Stats != nil) != tt.normalize || cfg.Net != tt.config["net"] {
				t.Fatalf("file metadata: config %v, inputs %+v (%v); want %s, normalize %v, train_limit %d", cfg, in, err, tt.config["net"], tt.normalize, wantLimit)
			}
			if native := d.nativePredictions(t, file.Data); !slices.Equal(native, page.Preds) {
				t.Errorf("native predictions %v, the page's %v", native, page.Preds)
			}
		})
	}
}

func TestExportedMetricsAreTheNativeForms(t *testing.T) {
	d := newDataset(t, 96, 96, 32, 8)
	rec := &recorder{}
	s := New(d.sub, rec.post)
	s.Handle(map[string]any{"kind": "export_metrics", "format": "json"})
	if e := only[protocol.Error](t, rec.take()); !strings.Contains(e.Message, "start a run first") {
		t.Errorf("metrics before any run: %q", e.Message)
	}
	s.Handle(mlpStart(3, map[string]any{"epochs": 2.0, "batch_size": 32.0, "eval_train_size": 32.0}))
	trainToTheEnd(t, s)
	rec.take()
	h := s.trainer.History()
	js, err := metrics.JSON(h)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		format, name, text string
	}{
		{"json", "metrics.json", string(js)},
		{"csv", "metrics.csv", string(metrics.CSV(h))},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			s.Handle(map[string]any{"kind": "export_metrics", "format": tt.format})
			m := only[protocol.Metrics](t, rec.take())
			if m.Run != 3 || m.Format != tt.format || m.Name != tt.name || m.Text != tt.text {
				t.Errorf("metrics = %+v; want run 3's %s in the native form", m, tt.name)
			}
		})
	}
	if lines := strings.Split(strings.TrimSpace(string(metrics.CSV(h))), "\n"); len(lines) != 4 || lines[0] != metrics.CSVHeader {
		t.Errorf("metrics.csv has %d lines (header %q); want the header and epochs 0-2", len(lines), lines[0])
	}
	if !strings.Contains(string(js), `"train_limit": 96`) {
		t.Errorf("metrics.json does not record the 96 training images:\n%s", js)
	}
	if !strings.Contains(string(js), `"finished": true`) {
		t.Errorf("metrics.json of a run that trained all its epochs does not say finished:\n%s", js)
	}
	// A run stopped before its end is not finished.
	s.Handle(mlpStart(4, map[string]any{"epochs": 2.0, "batch_size": 32.0, "eval_train_size": 32.0}))
	s.Step()
	s.Handle(map[string]any{"kind": "stop"})
	rec.take()
	s.Handle(map[string]any{"kind": "export_metrics", "format": "json"})
	if m := only[protocol.Metrics](t, rec.take()); !strings.Contains(m.Text, `"finished": false`) {
		t.Errorf("metrics.json of a stopped run:\n%s", m.Text)
	}
}

// nativeFile trains a small network natively on the first limit training
// images of d (0: all of them) and returns its file, written as the native
// trainer writes model.safetensors, and its predictions on the validation
// images.
func (d dataset) nativeFile(t *testing.T, cfg model.Config, limit int, withStats bool) ([]byte, []int) {
	t.Helper()
	s := train.DefaultSettings()
	s.Epochs, s.BatchSize, s.LearningRate, s.TrainLimit, s.EvalTrainSize = 1, 32, 1e-3, limit, 32
	split, err := d.raw.Split(assets.SplitOptions{Normalize: true, TrainLimit: limit, ValSize: d.valN})
	if err != nil {
		t.Fatal(err)
	}
	stats := split.Stats
	if !withStats {
		stats = nil
	}
	file := nativetest.WeightsFile(t, nativetest.Train(t, cfg, 5, split, s).Network(), s, stats)
	return file, d.nativePredictions(t, file)
}

func TestANativeFileLoadsAndPredictsAsNatively(t *testing.T) {
	tests := []struct {
		name      string
		cfg       model.Config
		limit     int
		withStats bool
	}{
		{"CNN trained on more images than the subset holds", model.Config{Net: model.CNN, Channels: []int{3, 4}, Kernels: []int{3, 3}, Strides: []int{1, 1}, Paddings: []int{1, 0}, Hidden: []int{8}, Activation: "relu"}, 0, true},
		{"MLP trained on the subset's images, without statistics", model.Config{Net: model.MLP, Hidden: []int{12}, Activation: "sigmoid"}, 64, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDataset(t, 160, 96, 32, 8)
			file, native := d.nativeFile(t, tt.cfg, tt.limit, tt.withStats)
			rec := &recorder{}
			s := New(d.sub, rec.post)
			s.Handle(map[string]any{"kind": "load_weights", "run": 4.0, "name": "native.safetensors", "data": file})
			l := only[protocol.Loaded](t, rec.take())
			if l.Run != 4 || l.Config.String() != tt.cfg.String() || l.Settings.TrainLimit != tt.limit || l.Params == 0 || len(l.Layers) == 0 || l.Note != "" {
				t.Errorf("loaded = %+v; want run 4, %s trained on limit %d", l, tt.cfg, tt.limit)
			}
			page := pagePredictions(t, s, rec, 32)
			if !slices.Equal(page.Preds, native) {
				t.Errorf("the page predicts %v, natively %v", page.Preds, native)
			}
			s.Handle(map[string]any{"kind": "get_activations", "index": 1.0})
			a := only[protocol.Activations](t, rec.take())
			if a.Pred != native[1] || (tt.cfg.Net == model.CNN) != (len(a.Maps) == 2) {
				t.Errorf("activations of image 1: pred %d (natively %d), %d maps", a.Pred, native[1], len(a.Maps))
			}
			// Exported again, the file is the same network with the same
			// inputs.
			s.Handle(map[string]any{"kind": "export_weights"})
			again := only[protocol.WeightsFile](t, rec.take())
			if got := d.nativePredictions(t, again.Data); !slices.Equal(got, native) {
				t.Errorf("re-exported file predicts %v natively, the original %v", got, native)
			}
		})
	}
}

func TestBadFilesGetAPlainMessageAndTheNetworkStays(t *testing.T) {
	d := newDataset(t, 160, 96, 32, 8)
	good, _ := d.nativeFile(t, model.Config{Net: model.MLP, Hidden: []int{12}, Activation: "relu"}, 0, true)
	noStats, _ := d.nativeFile(t, model.Config{Net: model.MLP, Hidden: []int{12}, Activation: "relu"}, 0, false)
	// Files whose metadata describe another network than their tensors.
	other := func(from, to string) []byte {
		net, err := model.New(model.Config{Net: model.MLP, Hidden: []int{12}, Activation: "relu"}, 1, parallel.New(1))
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := weights.Save(&b, net, nil); err != nil {
			t.Fatal(err)
		}
		return bytes.Replace(b.Bytes(), []byte(from), []byte(to), 1)
	}
	tests := []struct {
		name string
		data []byte
		want []string
	}{
		{"an empty file", []byte{}, []string{"the file is empty"}},
		{"a truncated file", good[:len(good)-10], []string{"truncated", "bytes of data"}},
		{"a file cut inside its header", good[:20], []string{"truncated", "header"}},
		{"a PyTorch archive", []byte("PK\x03\x04rest of a zip"), []string{"zip archive"}},
		{"random bytes", []byte("hello, this is not a weights file at all"), []string{"not a safetensors file"}},
		{"metadata describing a narrower network", other(`hiddens\":[12]`, `hiddens\":[11]`), []string{"tensor 1.weight has shape [12 784]", "wants [11 784]"}},
		{"metadata describing a wider network", other(`hiddens\":[12]`, `hiddens\":[13]`), []string{"network has 10345 parameters", "hold 9550 values"}},
		{"metadata describing an impossible network", other(`\"net\":\"mlp\"`, `\"net\":\"cnn\"`), []string{"fashionlab.config", "a CNN needs at least one convolution layer"}},
		{"normalized on all images without statistics", noStats, []string{"all the training images", "fashionlab.normalization", "first 96"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			s := New(d.sub, rec.post)
			s.Handle(map[string]any{"kind": "load_weights", "run": 1.0, "name": "good.safetensors", "data": good})
			only[protocol.Loaded](t, rec.take())
			before := pagePredictions(t, s, rec, 32)
			s.Handle(map[string]any{"kind": "load_weights", "run": 2.0, "name": "upload.safetensors", "data": tt.data})
			e := only[protocol.Error](t, rec.take())
			if e.Command != "load_weights" || e.Run != 2 || e.Fatal || !strings.HasPrefix(e.Message, "upload.safetensors could not be loaded: ") {
				t.Errorf("error = %+v, want a non-fatal load_weights error of run 2 naming the file", e)
			}
			for _, w := range tt.want {
				if !strings.Contains(e.Message, w) {
					t.Errorf("message %q does not say %q", e.Message, w)
				}
			}
			if strings.Contains(e.Message, "weights: ") || strings.Contains(e.Message, "panic") {
				t.Errorf("message %q is not plain", e.Message)
			}
			if after := pagePredictions(t, s, rec, 32); !slices.Equal(after.Preds, before.Preds) {
				t.Error("a failed load changed the network the worker holds")
			}
		})
	}
}
