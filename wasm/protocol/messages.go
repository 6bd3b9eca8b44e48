package protocol

import (
	"fashionlab/model"
	"fashionlab/model/train"
)

// The messages. Their wire form is derived from the struct tags: the json
// tag names the field ("-" leaves it out; omitempty makes it optional on
// decode and leaves an empty list out on encode) and the wire tag adds
// what Decode checks: optional (may be absent), min=N and max=N
// bound numbers (each element of a list), oneof=a|b lists the allowed
// strings, null lets a number be absent or null (decoded as NaN).
// Embedded structs are flattened.

// Start begins a new run, replacing any run in progress.
type Start struct {
	Run      int            `json:"run" wire:"optional"`       // identifier the page chose; echoed in events
	Config   model.Config   `json:"config"`                    // the network
	Settings train.Settings `json:"settings" wire:"optional"`  // training choices; TrainLimit is the subset size; absent fields keep train.DefaultSettings
	MaxSteps int            `json:"max_steps" wire:"optional"` // stop after this many steps (0: no limit)
}

// Pause suspends the current run after the step in flight.
type Pause struct{}

// Resume continues a paused run.
type Resume struct{}

// Stop ends the current run; its results stay available.
type Stop struct{}

// Reset ends the current run and forgets it.
type Reset struct{}

// Count asks for the parameter count, the memory estimate and the
// problems of a configuration, (optional) settings and step limit: the
// problems start would find, so that the form is checked by the worker
// alone.
type Count struct {
	ID       int            `json:"id" wire:"optional,min=-2147483648"`
	Config   model.Config   `json:"config"`
	Settings train.Settings `json:"settings" wire:"optional"`
	MaxSteps int            `json:"max_steps" wire:"optional"`
}

// MatchDepth asks how many hidden layers of Width give an MLP whose
// parameter count is closest to Target.
type MatchDepth struct {
	ID     int `json:"id" wire:"optional,min=-2147483648"`
	Width  int `json:"width" wire:"min=1,max=1000000"`
	Target int `json:"target" wire:"min=1"`
}

// GetActivations asks for the feature maps of validation image Index.
type GetActivations struct {
	Index int `json:"index"`
}

// GetPredictions asks for the predictions on the first N validation images.
type GetPredictions struct {
	N int `json:"n" wire:"max=2000"`
}

// GetWeights asks for every parameter tensor of the current network.
type GetWeights struct{}

// GetImage asks for one image of the data subset; it needs no network.
type GetImage struct {
	Set   string `json:"set" wire:"oneof=train|val"` // SetTrain or SetVal
	Index int    `json:"index"`
}

// Image answers GetImage: the raw pixels scaled to [0, 1].
type Image struct {
	Set    string    `json:"set" wire:"oneof=train|val"`
	Index  int       `json:"index"`
	Label  int       `json:"label" wire:"max=9"`
	Pixels []float32 `json:"pixels"`
}

// Ready reports the sizes of the loaded data subset and the limits that
// start enforces.
type Ready struct {
	Train  int    `json:"train"`
	Val    int    `json:"val"`
	Test   int    `json:"test"`
	Limits Limits `json:"limits"`
}

// Workers says how training steps are computed: by how many Go instances
// (the worker and its ready helper workers, each computing a shard of the
// batch) and whether the WebAssembly SIMD kernels are installed. It is sent
// after Ready and whenever the count changes.
type Workers struct {
	Workers   int  `json:"workers" wire:"min=1"`
	Requested int  `json:"requested" wire:"min=1"` // the count every batch is cut for: the training worker and its helpers, ready or not
	SIMD      bool `json:"simd"`
}

// Started reports that a run began.
type Started struct {
	Run           int      `json:"run"`
	Params        int      `json:"params"`
	StepsPerEpoch int      `json:"steps_per_epoch"`
	Epochs        int      `json:"epochs"`
	Layers        []string `json:"layers"` // one line per module of the equivalent nn.Sequential
}

// Steps carries the statistics of consecutive training steps, batched so
// the page gets a few messages a second. Element i of each slice is step
// FirstStep+i (1-based over the whole run).
type Steps struct {
	Run       int       `json:"run"`
	Epoch     int       `json:"epoch"` // epoch of the last step (1-based)
	FirstStep int       `json:"first_step" wire:"min=1"`
	Loss      []float32 `json:"loss"`
	Accuracy  []float32 `json:"accuracy"`
	GradNorm  []float32 `json:"grad_norm"`
	Images    int       `json:"images"`  // images trained in these steps
	Seconds   float64   `json:"seconds"` // time spent in these steps
}

// Epoch is one line of the per-epoch log of a run.
type Epoch struct {
	Run int `json:"run"`
	train.Epoch
}

// State reports that a run is running, paused or idle.
type State struct {
	Run   int    `json:"run"`
	State string `json:"state" wire:"oneof=running|paused|idle"`
}

// Done reports that a run ended.
type Done struct {
	Run    int    `json:"run"`
	Reason string `json:"reason" wire:"oneof=finished|stopped|limit|diverged"`
	Detail string `json:"detail" wire:"optional"` // e.g. where a run diverged
	Steps  int    `json:"steps"`                  // steps trained
}

// Problem is one thing wrong with the form: Field is the wire name of the
// offending field ("epochs", "n_channels", ...) or "" for the whole
// configuration; Message says what is wrong in plain words and names the
// allowed range.
type Problem struct {
	Field   string `json:"field" wire:"optional"`
	Message string `json:"message"`
	// Also names other fields the problem concerns, which the form marks
	// too (the memory budget: the fields that size the network).
	Also []string `json:"also,omitempty" wire:"optional"`
}

// ParamCount answers Count. Params is 0 when the configuration is invalid;
// Bytes is the memory estimate of training it (the one checked against
// Limits.MemoryBytes). No problems means that a start with the same
// configuration and settings is accepted.
type ParamCount struct {
	ID       int       `json:"id" wire:"min=-2147483648"`
	Params   int       `json:"params"`
	Bytes    int64     `json:"bytes"`
	Problems []Problem `json:"problems"`
}

// DepthMatch answers MatchDepth: Layers hidden layers of the asked width
// give Params parameters; Capped reports that the search stopped at its
// maximum depth with every count still below the target.
type DepthMatch struct {
	ID     int  `json:"id" wire:"min=-2147483648"`
	Layers int  `json:"layers"`
	Params int  `json:"params"`
	Capped bool `json:"capped"`
}

// FeatureMaps is one convolution layer's activation for one image,
// channels-last: element (y, x, c) at Data[(y*W+x)*C+c].
type FeatureMaps struct {
	H    int       `json:"h"`
	W    int       `json:"w"`
	C    int       `json:"c"`
	Data []float32 `json:"data"`
}

// Activations answers GetActivations. Image holds the 784 raw pixels
// scaled to [0, 1]; Maps is empty for an MLP.
type Activations struct {
	Index int           `json:"index"`
	Label int           `json:"label" wire:"max=9"`
	Pred  int           `json:"pred" wire:"max=9"`
	Image []float32     `json:"image"`
	Maps  []FeatureMaps `json:"maps"`
}

// Predictions answers GetPredictions. Confusion[t*10+p] counts the
// validation images of class t predicted as p, over the whole validation
// set; Labels, Preds and Images (N×784, in [0, 1]) cover the first N.
type Predictions struct {
	N         int       `json:"n" wire:"max=2000"`
	Labels    []int     `json:"labels" wire:"max=9"`
	Preds     []int     `json:"preds" wire:"max=9"`
	Confusion []int     `json:"confusion"`
	Images    []float32 `json:"images"`
}

// Tensor is one named parameter.
type Tensor struct {
	Name  string    `json:"name"`
	Shape []int     `json:"shape" wire:"min=1"`
	Data  []float32 `json:"data"`
}

// Weights answers GetWeights.
type Weights struct {
	Tensors []Tensor `json:"tensors"`
}

// ExportWeights asks for the network the worker holds as a safetensors
// file, as the native trainer writes model.safetensors.
type ExportWeights struct{}

// ExportMetrics asks for the metrics of the run the worker holds in one
// of the native trainer's forms: metrics.json or metrics.csv.
type ExportMetrics struct {
	Format string `json:"format" wire:"oneof=json|csv"` // MetricsJSON or MetricsCSV
}

// LoadWeights replaces the network the worker holds by the one in a
// safetensors file (its configuration comes from the file's metadata),
// so that feature maps and predictions show it. Run is the identifier the
// page gives it.
type LoadWeights struct {
	Run  int    `json:"run" wire:"optional"`
	Name string `json:"name" wire:"optional"` // the file's name, for messages
	Data []byte `json:"data"`                 // the file's bytes (a Uint8Array)
}

// ExportReport asks for report.md of the runs done in the page, written
// by the native trainer's report code from the metrics the page holds
// (the worker keeps only the network of the latest run).
type ExportReport struct {
	Runs []ReportRun `json:"runs"`
}

// ReportRun is one run of the page as ExportReport carries it: its label,
// the demo it came from, what it trained, how it ended and its per-epoch
// log (epoch 0 first, as the epoch events gave it).
type ReportRun struct {
	Label    string         `json:"label"`
	Demo     string         `json:"demo" wire:"optional"` // q1 … q5, custom, or "" when unknown
	Config   model.Config   `json:"config"`
	Settings train.Settings `json:"settings" wire:"optional"`
	Params   int            `json:"params" wire:"optional"`
	Reason   string         `json:"reason" wire:"optional"` // a Done reason, or "" while the run trains
	Detail   string         `json:"detail" wire:"optional"` // e.g. where a run diverged
	Epochs   []train.Epoch  `json:"epochs"`
}

// WeightsFile answers ExportWeights: the bytes of model.safetensors (a
// Uint8Array whose buffer is transferred).
type WeightsFile struct {
	Run  int    `json:"run"`
	Name string `json:"name"` // "model.safetensors"
	Data []byte `json:"data"`
}

// Metrics answers ExportMetrics with the file's name (metrics.json or
// metrics.csv) and its text.
type Metrics struct {
	Run    int    `json:"run"`
	Format string `json:"format" wire:"oneof=json|csv"`
	Name   string `json:"name"`
	Text   string `json:"text"`
}

// Report answers ExportReport: the file's name (report.md) and its
// Markdown text.
type Report struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

// Loaded answers LoadWeights: the network the worker now holds, and how
// its inputs are prepared (Settings: those stored in the file, with
// TrainLimit the training images whose statistics normalize). Note says
// in plain words what the page should know, e.g. that the file had no
// settings and the defaults were assumed.
type Loaded struct {
	Run      int            `json:"run"`
	Name     string         `json:"name"`
	Config   model.Config   `json:"config"`
	Settings train.Settings `json:"settings"`
	Params   int            `json:"params"`
	Layers   []string       `json:"layers"`
	Note     string         `json:"note" wire:"optional"`
}

// LoadCheckpoint restores a run from a checkpoint file that a Checkpoint
// event carried (the native checkpoint.safetensors format): with Train it
// continues training where the checkpoint stopped, bit for bit as if it
// had never stopped; otherwise the worker only holds its network, for
// feature maps, predictions and exports. Run is the identifier the page
// gives it; MaxSteps bounds the run's steps counted from its beginning.
type LoadCheckpoint struct {
	Run      int    `json:"run" wire:"optional"`
	Data     []byte `json:"data"` // the file's bytes (a Uint8Array)
	Train    bool   `json:"train" wire:"optional"`
	MaxSteps int    `json:"max_steps" wire:"optional"`
}

// Checkpoint carries the running run's checkpoint file: weights, optimizer
// moments, position and log, as the native trainer writes
// checkpoint.safetensors. The worker sends one at the end of every epoch
// and one when the run ends (if its position changed since), so that the
// page can keep it and continue the run after the worker is gone.
type Checkpoint struct {
	Run   int    `json:"run"`
	Epoch int    `json:"epoch"` // epochs finished
	Step  int    `json:"step"`  // steps finished in the epoch in progress
	Done  bool   `json:"done"`  // the run cannot train further (every epoch trained, or diverged)
	Data  []byte `json:"data"`
}

// Restored answers LoadCheckpoint: the run the worker now holds, where it
// stands (Steps counts every step trained since its beginning) and
// whether it trains on.
type Restored struct {
	Run           int      `json:"run"`
	Epoch         int      `json:"epoch"`
	Step          int      `json:"step"`
	Steps         int      `json:"steps"`
	StepsPerEpoch int      `json:"steps_per_epoch"`
	Epochs        int      `json:"epochs"`
	Params        int      `json:"params"`
	Layers        []string `json:"layers"`
	Training      bool     `json:"training"`
}

// Error reports a command that failed, or an event that could not be
// made, in plain words. Problems lists what is wrong with a start's form;
// Fatal is true when the worker cannot go on (the page then restarts it).
type Error struct {
	Command  string    `json:"command" wire:"optional"` // kind of the failed command, or "" if none or unknown; always a command's kind
	Event    string    `json:"event" wire:"optional"`   // kind of the event that could not be made ("checkpoint": a checkpoint could not be written), or ""
	Run      int       `json:"run" wire:"optional"`     // the run of a failed start
	Message  string    `json:"message"`
	Problems []Problem `json:"problems,omitempty"`
	Fatal    bool      `json:"fatal" wire:"optional"`
}
