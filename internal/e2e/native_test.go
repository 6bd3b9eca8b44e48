//go:build !js

package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fashionlab/assets"
	"fashionlab/internal/nativetest"
	"fashionlab/internal/sitebuild"
	"fashionlab/model"
	"fashionlab/model/train"
)

// pageRun is a run as the page holds it, with every number of its
// per-epoch log (nil where the log has null, as for epoch 0's gradient
// norm).
type pageRun struct {
	Label    string         `json:"label"`
	Status   string         `json:"status"`
	Reason   string         `json:"reason"`
	Config   model.Config   `json:"config"`
	Settings train.Settings `json:"settings"`
	Epochs   []epochLine    `json:"epochs"`
}

// readRuns reads the page's runs with their whole per-epoch logs.
func (p *person) readRuns() []pageRun {
	p.t.Helper()
	return look[[]pageRun](p, `window.fashionlab.state().runs`)
}

// siteSubset reads the data subset the test site serves: its parts, as
// build.json lists them, concatenated.
func siteSubset(t *testing.T) *assets.Subset {
	t.Helper()
	site := filepath.Join(shared.dir, "site")
	raw, err := os.ReadFile(filepath.Join(site, "build.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m sitebuild.Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("build.json: %v", err)
	}
	var all []byte
	for _, part := range m.SubsetParts {
		b, err := os.ReadFile(filepath.Join(site, part))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	s, err := assets.ReadSubset(bytes.NewReader(all))
	if err != nil {
		t.Fatalf("the site's subset: %v", err)
	}
	return s
}

// nativeRun trains cfg with settings natively, in this process, on one
// thread, on the subset's first s.TrainLimit training images prepared as
// the worker prepares them, and returns its log.
func nativeRun(t *testing.T, sub *assets.Subset, cfg model.Config, s train.Settings) *train.History {
	t.Helper()
	tr, _ := trainHere(t, sub, cfg, s.Seed, s)
	return tr.History()
}

// trainHere trains cfg (initialized from seed) with s in this process, on
// one thread, on the first s.TrainLimit training images of src normalized
// as s says, and returns the trainer and the split it trained on.
func trainHere(t *testing.T, src interface {
	Split(assets.SplitOptions) (*assets.Split, error)
}, cfg model.Config, seed uint64, s train.Settings) (*train.Trainer, *assets.Split) {
	t.Helper()
	split, err := src.Split(assets.SplitOptions{Normalize: s.Normalize, TrainLimit: s.TrainLimit})
	if err != nil {
		t.Fatal(err)
	}
	tr := nativetest.Train(t, cfg, seed, split, s)
	return tr, split
}

// TestPageCurveIsTheNativeCurve opens addresses that set up a small MLP
// and CNN run and start it, as a person shares a setup, lets each train
// in the page, and trains the same configuration natively in this process
// on the site's own subset (same normalization, same seed, one thread).
// The per-epoch losses, accuracies and gradient norms agree within
// curveTolerance: exactly when the native matrix products run the pure-Go
// kernel (go test -tags purego, or off amd64), within the rounding of the
// AVX kernels' other summation order otherwise. The largest differences
// are logged.
func TestPageCurveIsTheNativeCurve(t *testing.T) {
	// One worker: with helpers, the shards' gradients are added in another
	// order (their own tests bound that difference).
	common := "&lr=0.001&epochs=2&train_limit=300&eval_train_size=200&batch_size=32&seed=7&shuffle=1&workers=1&autostart=1"
	cases := []struct{ name, address string }{
		{"MLP 256,256", "?demo=custom&net=mlp&dense_hiddens=256,256" + common},
		{"CNN 16,32,48", "?demo=custom&net=cnn&n_channels=16,32,48&kernel_sizes=3,3,3&strides=1,1,1&paddings=0,0,0&dense_hiddens=256,256" + common},
	}
	sub := (*assets.Subset)(nil)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newPerson(t, c.address, 1280, 900)
			st := p.waitFor("the run to finish", 150*time.Second, func(s pageState) bool {
				return len(s.Runs) == 1 && s.Runs[0].Status == "done"
			})
			// The worker installs the SIMD kernels into the model at start-up.
			if st.SIMD == nil || !*st.SIMD {
				t.Errorf("the page's worker trained without its SIMD kernels (simd %v)", st.SIMD)
			}
			runs := p.readRuns()
			if len(runs) != 1 || runs[0].Reason != "finished" {
				t.Fatalf("the page's runs: %+v; want one finished run", runs)
			}
			page := runs[0]
			s := page.Settings
			if s.TrainLimit != 300 || s.Epochs != 2 || s.Seed != 7 || !s.Shuffle || s.BatchSize != 32 {
				t.Fatalf("the page trained with %+v, not the address's settings", s)
			}
			if sub == nil {
				sub = siteSubset(t)
			}
			native := nativeRun(t, sub, page.Config, s)
			if len(page.Epochs) != len(native.Epochs) {
				t.Fatalf("the page logged %d epochs, the native run %d", len(page.Epochs), len(native.Epochs))
			}
			worst := map[string]float64{}
			for i, e := range page.Epochs {
				n := native.Epochs[i]
				for _, m := range []struct {
					name   string
					page   *float64
					native train.Metric
				}{
					{"train_loss", e.TrainLoss, n.TrainLoss}, {"train_acc", e.TrainAcc, n.TrainAcc},
					{"val_loss", e.ValLoss, n.ValLoss}, {"val_acc", e.ValAcc, n.ValAcc},
					{"grad_norm", e.GradNorm, n.GradNorm},
				} {
					nv := float64(m.native)
					if m.page == nil || math.IsNaN(nv) {
						if (m.page == nil) != math.IsNaN(nv) {
							t.Errorf("epoch %d %s: page %v, native %g: one is missing", e.Epoch, m.name, m.page, nv)
						}
						continue
					}
					d := math.Abs(*m.page - nv)
					worst[m.name] = max(worst[m.name], d)
					if !(d <= curveTolerance[m.name]) {
						t.Errorf("epoch %d %s: page %.6f, native %.6f (difference %.2g, tolerance %g)", e.Epoch, m.name, *m.page, nv, d, curveTolerance[m.name])
					}
				}
			}
			line := ""
			for _, k := range []string{"train_loss", "train_acc", "val_loss", "val_acc", "grad_norm"} {
				line += fmt.Sprintf(" %s %.2g", k, worst[k])
			}
			t.Logf("%s, %d epochs: largest page - native differences:%s; val acc page %.4f, native %.4f", c.name, len(page.Epochs)-1, line,
				*page.Epochs[len(page.Epochs)-1].ValAcc, float64(native.LastEpoch().ValAcc))
		})
	}
}
