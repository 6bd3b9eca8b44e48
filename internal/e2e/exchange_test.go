//go:build !js

package e2e

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"fashionlab/assets"
	"fashionlab/internal/nativetest"
	"fashionlab/model"
	"fashionlab/model/metrics"
	"fashionlab/model/train"
)

// shownPredictions is what the page shows of the predictions of the
// network its worker holds.
type shownPredictions struct {
	N        int     `json:"n"`
	Accuracy float64 `json:"accuracy"`
	Run      *int    `json:"run"`
	Preds    []int   `json:"preds"`
}

func (p *person) predictions() shownPredictions {
	p.t.Helper()
	return look[shownPredictions](p, `window.fashionlab.state().predictions || {}`)
}

// downloadsInto makes the tab save downloads into dir, as a browser whose
// person chose that folder does.
func (p *person) downloadsInto(dir string) {
	p.t.Helper()
	if _, err := chromedp.Call(p.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir, BrowserContextID: chromedp.FromContext(p.ctx).BrowserContextID}); err != nil {
		p.t.Fatalf("set the download folder: %v", err)
	}
}

// download clicks a button and returns the bytes of the file it saves as
// name in dir.
func (p *person) download(button, dir, name string) []byte {
	p.t.Helper()
	path := filepath.Join(dir, name)
	os.Remove(path)
	p.click(button)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(150 * time.Millisecond) {
		if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
			if _, err := os.Stat(path + ".crdownload"); err != nil {
				return b
			}
		}
	}
	p.t.Fatalf("clicking %s saved no %s", button, name)
	return nil
}

// nativeData loads the installed data set once per test.
func nativeData(t *testing.T) *assets.Raw {
	t.Helper()
	dir := os.Getenv(assets.EnvDir)
	if dir == "" {
		dir = assets.SystemDir
	}
	raw, err := assets.Load(context.Background(), assets.Source{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// nativeFile trains a small CNN natively on more training images than the
// page holds and writes it as the native trainer writes model.safetensors.
func nativeFile(t *testing.T, raw *assets.Raw, path string) {
	t.Helper()
	s := train.DefaultSettings()
	s.Epochs, s.LearningRate, s.TrainLimit, s.EvalTrainSize = 1, 1e-3, 5000, 200
	cnn := model.Config{Net: model.CNN, Channels: []int{4}, Kernels: []int{5}, Strides: []int{2}, Paddings: []int{0}, Hidden: []int{16}, Activation: "relu"}
	tr, split := trainHere(t, raw, cnn, 3, s)
	if err := os.WriteFile(path, nativetest.WeightsFile(t, tr.Network(), s, split.Stats), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestWeightsTravelBetweenThePageAndTheNativeTrainer trains a run by
// clicking, downloads its weights and metrics and evaluates the weights
// natively; then loads a natively trained file with the file chooser and
// compares the page's predictions with the native ones.
func TestWeightsTravelBetweenThePageAndTheNativeTrainer(t *testing.T) {
	p := newPersonFor(t, "?demo=custom", 1280, 900, 5*time.Minute)
	ready := p.waitReady()
	raw := nativeData(t)
	downloads := t.TempDir()
	p.downloadsInto(downloads)
	if p.enabled("#btn-download-weights") {
		t.Error("the weights can be downloaded before any run")
	}

	t.Run("a run trained in the page evaluates natively to the same predictions", func(t *testing.T) {
		p.typeInto("#f-dense_hiddens", "32")
		p.shortRun(1, 600)
		p.click("#btn-start")
		p.waitFor("the run to finish", 90*time.Second, func(s pageState) bool { return len(s.Runs) == 1 && s.Runs[0].Status == "done" })
		p.waitFor("its predictions", 30*time.Second, func(s pageState) bool { return s.Predictions != nil && s.Predictions.Run != nil })
		page := p.predictions()
		if page.N == 0 || len(page.Preds) != page.N {
			t.Fatalf("the page shows %d predictions of %d images", len(page.Preds), page.N)
		}
		file := p.download("#btn-download-weights", downloads, "model.safetensors")
		native, acc := nativetest.Evaluate(t, raw, file, ready.Ready.Val)
		if !slices.Equal(native[:page.N], page.Preds) {
			t.Errorf("native predictions %v, the page's %v", native[:page.N], page.Preds)
		}
		if acc != page.Accuracy {
			t.Errorf("native validation accuracy %v, the page's %v", acc, page.Accuracy)
		}

		js := p.download("#btn-download-json", downloads, metrics.JSONFile)
		var h train.History
		if err := json.Unmarshal(js, &h); err != nil {
			t.Fatalf("metrics.json: %v", err)
		}
		s, _ := p.read()
		if len(h.Epochs) != 2 || h.Settings.TrainLimit != 600 || h.Config.String() != "mlp dense 32 relu" || s.Runs[0].Epochs[1].ValAcc == nil || float64(h.Epochs[1].ValAcc) != *s.Runs[0].Epochs[1].ValAcc {
			t.Errorf("metrics.json: %d epochs, train_limit %d, config %s; want the page's run of 2 logged epochs on 600 images", len(h.Epochs), h.Settings.TrainLimit, h.Config)
		}
		rows, err := csv.NewReader(bytes.NewReader(p.download("#btn-download-csv", downloads, metrics.CSVFile))).ReadAll()
		if err != nil || len(rows) != 3 || strings.Join(rows[0], ",") != metrics.CSVHeader {
			t.Errorf("metrics.csv: %v, %d rows; want the native header and two epochs", err, len(rows))
		}
		if png := p.download("#btn-download-curves", downloads, "curves.png"); !bytes.HasPrefix(png, []byte("\x89PNG")) {
			t.Errorf("curves.png is not a PNG")
		}
	})

	t.Run("a native file loads with the file chooser and predicts as natively", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "native.safetensors")
		nativeFile(t, raw, path)
		file, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		before, _ := p.read()
		if err := chromedp.Do(p.ctx, chromedp.SetUploadFiles("#upload-weights", []string{path})); err != nil {
			t.Fatal(err)
		}
		s := p.waitFor("the file's predictions", 60*time.Second, func(s pageState) bool {
			return s.NetworkRun != nil && (before.NetworkRun == nil || *s.NetworkRun != *before.NetworkRun) && s.Predictions != nil && s.Predictions.Run != nil && *s.Predictions.Run == *s.NetworkRun
		})
		page := p.predictions()
		if page.N == 0 || len(page.Preds) != page.N {
			t.Fatalf("the page shows %d predictions of %d images", len(page.Preds), page.N)
		}
		native, acc := nativetest.Evaluate(t, raw, file, ready.Ready.Val)
		if !slices.Equal(native[:page.N], page.Preds) || acc != page.Accuracy {
			t.Errorf("the page predicts %v (accuracy %v), natively %v (%v)", page.Preds, page.Accuracy, native[:page.N], acc)
		}
		if note := p.text("#exchange-note"); !strings.Contains(note, "native.safetensors") {
			t.Errorf("the note %q does not name the loaded file", note)
		}
		p.click("#btn-maps")
		s = p.waitFor("the file's feature maps", 30*time.Second, func(s pageState) bool { return s.Maps != nil && len(s.Maps.Layers) == 1 })
		if l := s.Maps.Layers[0]; l.C != 4 || l.H != 12 {
			t.Errorf("feature maps %+v, want the file's 4 channels of 12×12", l)
		}
		p.shot("exchange-loaded-1280")
		// The equivariance lab's trained first layer is the loaded CNN's.
		p.click("#tab-lab")
		if err := chromedp.Do(p.ctx, chromedp.Focus(chromedp.CSS("#lab-source"))); err != nil {
			t.Fatal(err)
		}
		p.press("t")
		p.typeInto("#lab-seed", "1")
		// This file's first layer has stride 2: the lab takes it and says
		// why it cannot compare it, rather than asking for a run.
		p.waitFor("the lab's answer about the loaded layer", 30*time.Second, func(pageState) bool { return strings.Contains(p.text("#lab-stats"), "stride 2") })
		if hint := p.text("#lab-seed-hint"); !strings.Contains(hint, "0 to 3") {
			t.Errorf("the lab's hint for the loaded 4-channel layer: %q", hint)
		}
		p.shot("exchange-loaded-lab-1280")
		p.click("#tab-maps")
	})

	t.Run("a JSON file renamed .safetensors is named as such, with what to do", func(t *testing.T) {
		js, err := os.ReadFile(filepath.Join(downloads, metrics.JSONFile))
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "metrics.safetensors")
		if err := os.WriteFile(path, js, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(p.ctx, chromedp.SetUploadFiles("#upload-weights", []string{path})); err != nil {
			t.Fatal(err)
		}
		s := p.waitFor("a message about the file", 30*time.Second, func(s pageState) bool {
			return strings.Contains(p.text("#messages"), "metrics.safetensors could not be loaded")
		})
		for _, m := range s.Messages {
			if strings.Contains(m.Text, "metrics.safetensors") && (!strings.Contains(m.Text, "JSON text file") || !strings.Contains(m.Text, "Choose a model.safetensors") || strings.Contains(m.Text, "header length")) {
				t.Errorf("message %q does not say it is a JSON file and what to do", m.Text)
			}
		}
	})

	t.Run("a truncated file gets a message naming what is wrong", func(t *testing.T) {
		good, err := os.ReadFile(filepath.Join(downloads, "model.safetensors"))
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "cut.safetensors")
		if err := os.WriteFile(path, good[:len(good)/2], 0o644); err != nil {
			t.Fatal(err)
		}
		before := p.predictions()
		if err := chromedp.Do(p.ctx, chromedp.SetUploadFiles("#upload-weights", []string{path})); err != nil {
			t.Fatal(err)
		}
		s := p.waitFor("a message about the file", 30*time.Second, func(s pageState) bool {
			for _, m := range s.Messages {
				if strings.Contains(m.Text, "cut.safetensors could not be loaded") {
					return true
				}
			}
			return false
		})
		for _, m := range s.Messages {
			if strings.Contains(m.Text, "cut.safetensors") && (!strings.Contains(m.Text, "truncated") || m.Kind != "error") {
				t.Errorf("message %q (%s) does not say the file is truncated", m.Text, m.Kind)
			}
		}
		if after := p.predictions(); !slices.Equal(after.Preds, before.Preds) || len(s.Errors) > 0 {
			t.Errorf("after a bad file the predictions changed or the page failed: %v", s.Errors)
		}
	})
}
