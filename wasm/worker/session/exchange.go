package session

import (
	"bytes"
	"fmt"
	"strings"

	"fashionlab/assets"
	"fashionlab/model/metrics"
	"fashionlab/model/train"
	"fashionlab/model/weights"
	"fashionlab/wasm/protocol"
)

// WeightsFileName is the name the exported weights go by, as the native
// trainer writes them.
const WeightsFileName = "model.safetensors"

// exportWeights answers export_weights with the network as the native
// trainer saves it: PyTorch names, the configuration, the settings (their
// train_limit the number of first training images the inputs were
// prepared from) and the normalization statistics.
func (w *Session) exportWeights() {
	if !w.needNetwork(protocol.KindExportWeights) {
		return
	}
	meta, err := weights.InputsMetadata(w.settings, w.split.Stats)
	if err != nil {
		w.fail(protocol.KindExportWeights, "The weights could not be written: "+err.Error())
		return
	}
	var b bytes.Buffer
	if err := weights.Save(&b, w.trainer.Network(), meta); err != nil {
		w.fail(protocol.KindExportWeights, "The weights could not be written: "+err.Error())
		return
	}
	w.post(protocol.WeightsFile{Run: w.run, Name: WeightsFileName, Data: b.Bytes()})
}

// exportMetrics answers export_metrics with the run's history in the
// native metrics.json or metrics.csv form.
func (w *Session) exportMetrics(m protocol.ExportMetrics) {
	if !w.needNetwork(protocol.KindExportMetrics) {
		return
	}
	h := w.trainer.History()
	if m.Format == protocol.MetricsCSV {
		w.post(protocol.Metrics{Run: w.run, Format: m.Format, Name: metrics.CSVFile, Text: string(metrics.CSV(h))})
		return
	}
	js, err := metrics.JSON(h)
	if err != nil {
		w.fail(protocol.KindExportMetrics, "The metrics could not be written: "+err.Error())
		return
	}
	w.post(protocol.Metrics{Run: w.run, Format: protocol.MetricsJSON, Name: metrics.JSONFile, Text: string(js)})
}

// loadWeights replaces the network by a safetensors file's, with inputs
// prepared as in its training, and evaluates it (epoch 0 of its history).
// A file that cannot be used gets an error event saying why, and the
// network held before stays.
func (w *Session) loadWeights(m protocol.LoadWeights) {
	name := m.Name
	if name == "" {
		name = "the file"
	}
	fail := func(why string) {
		w.post(protocol.Error{Command: protocol.KindLoadWeights, Run: m.Run, Message: fmt.Sprintf("%s could not be loaded: %s. Choose a model.safetensors file saved by this page's Weights button or by the native trainer; the network on the page stays as it was.", name, strings.TrimSuffix(why, "."))})
	}
	net, meta, err := weights.NewNetwork(bytes.NewReader(m.Data), w.pool)
	if err != nil {
		fail(plain(err))
		return
	}
	in, err := weights.InputsOf(meta)
	if err != nil {
		fail(plain(err))
		return
	}
	split, err := w.inputsFor(in)
	if err != nil {
		fail(err.Error())
		return
	}
	// Evaluation only: no epochs, and settings that train.New accepts
	// whatever the file says about training.
	eval := train.DefaultSettings()
	eval.Normalize, eval.Epochs = in.Settings.Normalize, 0
	if in.Settings.EvalTrainSize > 0 {
		eval.EvalTrainSize = in.Settings.EvalTrainSize
	}
	t, err := train.New(net, split, eval)
	if err != nil {
		fail(err.Error())
		return
	}
	if w.running || w.paused {
		w.end(protocol.ReasonStopped, "replaced by "+name)
	}
	w.run, w.trainer, w.split, w.settings = m.Run, t, split, in.Settings
	w.steps, w.maxSteps = 0, 0
	w.resetBatch()
	t.Start()
	note := ""
	if !in.HasSettings {
		note = fmt.Sprintf("The file has no training settings (%s); its inputs are prepared as the page's defaults: normalized with the statistics of the subset's training images.", weights.SettingsKey)
	}
	w.post(protocol.Loaded{Run: m.Run, Name: m.Name, Config: net.Config(), Settings: in.Settings, Params: net.NumParams(), Layers: layerLines(net), Note: note})
}

// inputsFor returns the subset prepared as a file's inputs were: raw, or
// normalized with the file's statistics, or with those of the same first
// training images when the subset holds them all.
func (w *Session) inputsFor(in weights.Inputs) (*assets.Split, error) {
	s := in.Settings
	n := w.data.Header().Train
	switch {
	case !s.Normalize:
		return w.prepare(train.Settings{Normalize: false, TrainLimit: n})
	case in.Stats != nil:
		if err := w.data.WaitAll(); err != nil {
			return nil, fmt.Errorf("loading the rest of the images: %w", err)
		}
		sp, err := w.data.Subset().Split(assets.SplitOptions{Normalize: true, Stats: in.Stats})
		if err != nil {
			return nil, fmt.Errorf("preparing the images with the file's normalization statistics: %w", err)
		}
		return sp, nil
	case !in.HasSettings:
		return w.prepare(train.Settings{Normalize: true, TrainLimit: n})
	case s.TrainLimit > 0 && s.TrainLimit <= n:
		return w.prepare(s)
	}
	trained := "all the training images"
	if s.TrainLimit > 0 {
		trained = fmt.Sprintf("the first %d training images", s.TrainLimit)
	}
	return nil, fmt.Errorf("its network was trained on inputs normalized with the statistics of %s, which the file does not carry (%s), and the page holds only the first %d: it cannot prepare the same inputs. Files written by the native trainer and by this page carry them", trained, weights.NormalizationKey, n)
}

// plain returns err's message without the package prefix.
func plain(err error) string {
	return strings.TrimPrefix(err.Error(), "weights: ")
}
