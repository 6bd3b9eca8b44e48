package experiments

import (
	"fmt"

	"fashionlab/model"
	"fashionlab/model/train"
)

// Demo is one question sized for the browser page: the runs a student
// starts with one press of Start on a subset of the data, what those runs
// show at that scale, and what the full-scale runs of the native trainer
// show. The site build writes the demos into presets.json, so the page
// holds no copy of them.
type Demo struct {
	ID        string    `json:"id"`         // q1 … q5, or custom
	Short     string    `json:"short"`      // the demo's button
	Title     string    `json:"title"`      // the heading
	Text      string    `json:"text"`       // what the runs are
	Look      string    `json:"look"`       // what the page's own runs show
	FullScale string    `json:"full_scale"` // what the native runs on 60,000 images show
	Mode      string    `json:"mode"`       // the visual panel to open: "maps" or "lab"
	Wait      string    `json:"wait"`       // expected waiting time, measured in headless Chromium
	Runs      []DemoRun `json:"runs"`       // empty for custom: the form defines its run
}

// DemoRun is one run of a demo.
type DemoRun struct {
	Label    string         `json:"label"`
	Config   model.Config   `json:"config"`
	Settings train.Settings `json:"settings"`
}

// Visual panels a demo can open.
const (
	ModeMaps = "maps"
	ModeLab  = "lab"
)

// BrowserSettings returns the training settings of the page's custom form
// and the base of every demo: the homework's settings on the first 2,000
// training images of the subset, 3 epochs, and 1,000 training images
// evaluated per epoch, so that a run ends while a student watches.
func BrowserSettings() train.Settings {
	s := train.DefaultSettings()
	s.Epochs = 3
	s.TrainLimit = 2000
	s.EvalTrainSize = 1000
	return s
}

// Demos returns the page's demos in order: the five questions, then the
// custom form (whose defaults are model.DefaultMLP and BrowserSettings).
func Demos() ([]Demo, error) {
	var out []Demo
	for _, d := range browserDemos {
		base := BrowserSettings()
		base.TrainLimit = d.trainLimit
		if d.lr > 0 {
			base.LearningRate = d.lr
		}
		e, err := Get(d.id, base, d.epochs)
		if err != nil {
			return nil, fmt.Errorf("experiments: demo %s: %w", d.id, err)
		}
		demo := Demo{ID: d.id, Short: d.short, Title: d.title, Text: d.text, Look: d.look, FullScale: d.fullScale, Mode: d.mode, Wait: d.wait, Runs: []DemoRun{}}
		for i, r := range e.Runs {
			label := r.Name
			if i < len(d.labels) {
				label = d.labels[i]
			}
			demo.Runs = append(demo.Runs, DemoRun{Label: label, Config: r.Config, Settings: r.Settings})
		}
		if d.id == "q1" {
			// q1 trains nothing itself; one short CNN run gives the lab a
			// trained first layer to compare with the random one.
			s := base
			s.LearningRate = 1e-3
			demo.Runs = []DemoRun{{Label: "default CNN (for its first layer)", Config: model.DefaultCNN(), Settings: s}}
		}
		out = append(out, demo)
	}
	out = append(out, FastDemo())
	out = append(out, Demo{
		ID: "custom", Short: "Custom", Title: "Custom configuration",
		Text: "Choose every field of the network and the training settings, then press Start. Runs stay on the charts until you remove them; the page checks each field against the worker's limits as you type.",
		Mode: ModeMaps, Runs: []DemoRun{{Label: "custom", Config: model.DefaultMLP(), Settings: BrowserSettings()}},
	})
	return out, nil
}

// FastDemoID is the demo that reaches a validation accuracy of 0.88 in
// the page within a minute of opening it.
const FastDemoID = "fast"

// FastCNN returns the network of the fast demo: two 5×5 convolutions of
// 16 and 32 channels (the first followed by a 2×2 max-pool, the second by
// the adaptive max-pool to 4×4), then one dense layer of 128.
func FastCNN() model.Config {
	return model.Config{Net: model.CNN, Channels: []int{16, 32}, Kernels: []int{5, 5}, Strides: []int{1, 1}, Paddings: []int{0, 0}, Hidden: []int{128}, Activation: "relu"}
}

// FastSettings returns the fast demo's training: Adam at learning rate
// 2e-3 on all the subset's training images (train_limit 0), reshuffled
// every epoch, batch 128, 8 epochs, 1,000 training images evaluated per
// epoch, keeping the weights of the epoch of highest validation accuracy:
// the validation accuracy peaks after 5 to 7 epochs and then falls back
// a little as the network overfits 12,000 images.
func FastSettings() train.Settings {
	s := BrowserSettings()
	s.TrainLimit = 0
	s.LearningRate = 2e-3
	s.Shuffle = true
	s.Epochs = 8
	s.KeepBest = true
	return s
}

// FastDemo returns the demo that trains FastCNN with FastSettings: the
// quickest way in the page to a validation accuracy of 0.88.
func FastDemo() Demo {
	return Demo{
		ID: FastDemoID, Short: "Fast · 0.88", Mode: ModeMaps,
		Title: "Fast: a small CNN to 0.88 validation accuracy on the page's 12,000 images",
		Text:  "A CNN of two 5×5 convolutions (16 and 32 channels) and one dense layer of 128 (80,202 parameters), trained with Adam at lr 2e-3 on all 12,000 training images of the page, reshuffled every epoch, for 8 epochs. The run keeps the weights of its epoch of highest validation accuracy: its result, its predictions and its downloaded weights are that epoch's, and the list of runs says which.",
		Look:  fastLook,
		FullScale: "On the same 12,000 images natively (go run ./cmd/train -net cnn -channels 16,32 -kernels 5,5 -strides 1,1 -paddings 0,0 -hidden 128 -lr 2e-3 -epochs 8 -limit 12000 -shuffle) the validation accuracy is 0.8780 after 5 epochs and 0.8825 after 6, then 0.876 and 0.8685 as the network starts to overfit; " +
			"the MLP at the same settings stays at or below 0.864, and the default CNN reaches 0.852 after 8 epochs.",
		Wait: fastWait,
		Runs: []DemoRun{{Label: "CNN 16,32 k5, dense 128", Config: FastCNN(), Settings: FastSettings()}},
	}
}

// fastLook and fastWait are what the fast demo's run shows in the page and
// how long it takes (measured with go run ./cmd/benchbrowser -tta).
const (
	fastLook = "Validation accuracy climbs past 0.88 after 5 to 7 epochs and then falls back a little as the training accuracy keeps rising: 12,000 images are about the most that 0.88 needs, and the network starts to overfit. That is why the run keeps its best epoch's weights."
	fastWait = "0.88 after 5 to 7 of the 8 epochs: about half a minute on a computer with 2 cores, the whole run about a minute, several times that on one busy with other work"
)

// browserDemo holds the page-specific choices of one question; the runs
// themselves come from Get.
type browserDemo struct {
	id, short, title, text, look, fullScale, mode, wait string

	labels     []string // one per run of Get, in its order
	trainLimit int      // training images of the subset (0: all)
	epochs     int
	lr         float64 // 0: the question's own (Get's base)
}

// browserDemos are sized so that each demo's runs show what the
// full-scale runs show (README.md's "Results at full scale"), for any seed
// (TestDemosShowTheFullScaleEffectsAcrossSeeds trains each demo's exact
// runs natively on the page's subset, for several seeds), and end within
// about a minute in the page: q2 and q3 train the MLPs on all 12,000
// images of the subset for 4 and 3 epochs (the MLP trains at about 10,000
// images/s in the page; q2's normalized inputs lead raw ones at lr 1e-4 by
// 1.5-2.6 points after 3 epochs, 2.2-3.3 after 4), q4 and q5 the slower
// CNNs on 4,000 and 3,000. The
// "wait" texts are measured by FASHIONLAB_MEASURE_DEMOS=1 go test -run
// TestDemosShowWhatTheySay -v ./internal/e2e/ in headless Chromium. The
// texts say what to look for; the page's own numbers are the runs'.
var browserDemos = []browserDemo{
	{
		id: "q1", short: "q1 · Equivariance", mode: ModeLab,
		title:      "q1 · Is a convolution equivariant to shifts and rotations?",
		text:       "f(x) = relu(conv(relu(conv(x)))) uses one random 3×3 convolution twice. The lab shows x, f(x), and for a shift and a rotation T the inputs T(x), the outputs f(T(x)) and T(f(x)), and their difference |T(f(x)) − f(T(x))|.",
		look:       "The shift difference is zero inside the frame, away from the border where content was shifted out (the greyed band is not measured); the rotation difference is not zero. Move the sliders. Start trains a default CNN for a moment; then switch f to the trained network's first layer: it is shift-equivariant too.",
		fullScale:  "The native probe (go run ./cmd/train -experiment q1) gives the same answer on its own image and kernel: a shift leaves an interior difference of exactly 0, a 90° rotation does not.",
		trainLimit: 2000, epochs: 1,
		wait: demoWait("q1"),
	},
	{
		id: "q2", short: "q2 · Learning rate × normalization", mode: ModeMaps,
		title:      "q2 · Learning rate × normalization (MLP)",
		text:       "Six runs of the 784-256-256-10 MLP, one after the other: learning rates 1e-2, 1e-4 and 1e-6, each with and without per-pixel normalization, 4 epochs of all 12,000 training images.",
		look:       "Raw pixels at lr 1e-2 saturate the softmax after one step: the loss stays high, the gradient is zero and the accuracy stays at chance (10 %), while normalized inputs at lr 1e-2 train. At lr 1e-4 both train and the normalized inputs end ahead; lr 1e-6 barely moves in 4 epochs.",
		labels:     []string{"MLP lr 1e-2 normalized", "MLP lr 1e-2 raw", "MLP lr 1e-4 normalized", "MLP lr 1e-4 raw", "MLP lr 1e-6 normalized", "MLP lr 1e-6 raw"},
		fullScale:  "At full scale (60,000 images, 5 epochs) the validation accuracies are 0.817 / 0.095 (lr 1e-2 normalized / raw, saturated), 0.8785 / 0.864 (lr 1e-4) and 0.616 / 0.668 (lr 1e-6).",
		trainLimit: 0, epochs: 4, // all the subset: 12,000 in the page
		wait: demoWait("q2"),
	},
	{
		id: "q3", short: "q3 · Width vs depth", mode: ModeMaps,
		title:      "q3 · Same parameters, different shape: 256×256 vs 54 layers of 64",
		text:       "The default MLP has 269,322 parameters; 54 hidden layers of width 64 have 271,370. Both train with Adam at lr 1e-4 for 3 epochs of all 12,000 training images.",
		look:       "The 54-layer network stays at loss 2.30 (ln 10) and chance accuracy, its gradient norm small and flat; the 256-wide one trains.",
		labels:     []string{"MLP 256,256", "MLP 64×54"},
		fullScale:  "At full scale (5 epochs): MLP 256,256 reaches 0.8785 validation accuracy with a gradient norm of 0.89-0.96; MLP 64×54 stays at 0.107 with 0.108-0.116.",
		trainLimit: 0, epochs: 3,
		wait: demoWait("q3"),
	},
	{
		id: "q4", short: "q4 · MLP vs CNN", mode: ModeMaps,
		title:      "q4 · MLP vs CNN at about the same number of parameters",
		text:       "The MLP (269,322 parameters) and the default CNN (283,898: 16, 32, 48 channels of 3×3 convolutions, then 256, 256), 5 epochs of 4,000 images at lr 1e-3.",
		look:       "The MLP fits the training images fast and its gap between training (dashed) and validation (solid) accuracy keeps opening: it overfits. The CNN learns more slowly with a smaller gap, and after these few epochs it still trails the MLP on validation accuracy.",
		labels:     []string{"MLP 256,256", "CNN 16,32,48"},
		fullScale:  "At full scale (60,000 images, 20 epochs) the MLP reaches train / validation 0.9375 / 0.895 (a gap of 4 points that keeps growing), the CNN 0.894 / 0.881 (a gap of 1 point); after about 50 epochs the homework reports the CNN ahead (validation 0.903 against 0.897).",
		trainLimit: 4000, epochs: 5, lr: 1e-3,
		wait: demoWait("q4"),
	},
	{
		id: "q5", short: "q5 · Kernel size", mode: ModeMaps,
		title:      "q5 · Kernel size: deep 1×1 vs shallow 28×28 vs default 3×3",
		text:       "A deep CNN of five 1×1 convolutions (32, 48, 64, 64, 48 channels, 277,290 parameters), the same with padding 2 on its first layer, a shallow CNN of one 28×28 convolution with 44 channels (283,382), and the default CNN (283,898); 3 epochs of 3,000 images at lr 1e-3.",
		look:       "The deep 1×1 network lags: each 2×2 pool rounds down (28, 14, 7, 3, 1), so only the top-left 16×16 pixels reach the classifier; padding 2 makes every pool exact and helps; the single 28×28 convolution sees the whole image at once and trains fastest, ahead of the default CNN.",
		labels:     []string{"deep k1 ×5", "deep k1 ×5, padding 2", "shallow k28", "default CNN"},
		fullScale:  "At full scale (60,000 images, 5 epochs): deep 1×1 0.6285, deep 1×1 with padding 2 0.757, shallow 28×28 0.875, default 3×3 0.839 validation accuracy.",
		trainLimit: 3000, epochs: 3, lr: 1e-3,
		wait: demoWait("q5"),
	},
}

// demoWait says how long demo id's runs take in the page, in words a
// student reads: measured with FASHIONLAB_MEASURE_DEMOS=1 go test -run
// TestDemosShowWhatTheySay -v ./internal/e2e/ (headless Chromium on a
// 2-core machine), from Start to the last run's end, at a load average of
// about 8 and of about 30 (docs/demo-scale.md).
func demoWait(id string) string {
	const busy = "several times that on a computer busy with other work"
	switch id {
	case "q1":
		return "about 10 s for the CNN run, " + busy + "; the lab works at once"
	case "q2":
		return "about 40 s for the six runs, " + busy
	case "q3":
		return "about 25 s for the two runs, " + busy
	case "q4":
		return "about 25 s for the two runs, " + busy
	case "q5":
		return "about 50 s for the four runs, " + busy
	}
	return ""
}
