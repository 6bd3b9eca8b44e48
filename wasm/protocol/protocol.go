package protocol

import (
	"fmt"
	"math"

	"fashionlab/model"
	"fashionlab/model/train"
)

// Command kinds: messages from the page to the worker.
const (
	KindStart          = "start"
	KindPause          = "pause"
	KindResume         = "resume"
	KindStop           = "stop"
	KindReset          = "reset"
	KindCount          = "count"
	KindGetActivations = "get_activations"
	KindGetPredictions = "get_predictions"
	KindGetWeights     = "get_weights"
	KindGetImage       = "get_image"
)

// Event kinds: messages from the worker to the page.
const (
	KindReady       = "ready"
	KindStarted     = "started"
	KindSteps       = "steps"
	KindEpoch       = "epoch"
	KindState       = "state"
	KindDone        = "done"
	KindParamCount  = "param_count"
	KindActivations = "activations"
	KindPredictions = "predictions"
	KindWeights     = "weights"
	KindImage       = "image"
	KindError       = "error"
)

// Run states carried by State.
const (
	StateRunning = "running"
	StatePaused  = "paused"
	StateIdle    = "idle"
)

// Reasons a run ends, carried by Done.
const (
	ReasonFinished = "finished" // every epoch trained
	ReasonStopped  = "stopped"  // the page sent stop or reset
	ReasonLimit    = "limit"    // the start command's max_steps was reached
	ReasonDiverged = "diverged" // a NaN or infinite loss or gradient
)

// MaxPredictions bounds get_predictions so a reply stays small.
const MaxPredictions = 2000

// Message is one command or event. The set of implementations is closed:
// the types of this package.
type Message interface {
	// Kind returns the value of the message's "kind" field.
	Kind() string
	encode(o object)
}

// decoder is implemented by pointers to messages.
type decoder interface {
	Message
	decode(r *reader)
}

// Start begins a new run, replacing any run in progress.
type Start struct {
	Run      int            // identifier the page chose; echoed in events
	Config   model.Config   // the network
	Settings train.Settings // training choices; TrainLimit is the subset size
	MaxSteps int            // stop after this many steps (0: no limit)
}

// Pause suspends the current run after the step in flight.
type Pause struct{}

// Resume continues a paused run.
type Resume struct{}

// Stop ends the current run; its results stay available.
type Stop struct{}

// Reset ends the current run and forgets it.
type Reset struct{}

// Count asks for the parameter count of a configuration.
type Count struct {
	ID     int
	Config model.Config
}

// GetActivations asks for the feature maps of validation image Index.
type GetActivations struct{ Index int }

// GetPredictions asks for the predictions on the first N validation images.
type GetPredictions struct{ N int }

// GetWeights asks for every parameter tensor of the current network.
type GetWeights struct{}

// Sets of images that GetImage can read.
const (
	SetTrain = "train"
	SetVal   = "val"
)

// GetImage asks for one image of the data subset; it needs no network.
type GetImage struct {
	Set   string // SetTrain or SetVal
	Index int
}

// Image answers GetImage: the raw pixels scaled to [0, 1].
type Image struct {
	Set    string
	Index  int
	Label  int
	Pixels []float32
}

// Ready reports the sizes of the loaded data subset.
type Ready struct{ Train, Val, Test int }

// Started reports that a run began.
type Started struct {
	Run           int
	Params        int
	StepsPerEpoch int
	Epochs        int
	Layers        []string // one line per module of the equivalent nn.Sequential
}

// Steps carries the statistics of consecutive training steps, batched so
// the page gets a few messages a second. Element i of each slice is step
// FirstStep+i (1-based over the whole run).
type Steps struct {
	Run       int
	Epoch     int // epoch of the last step (1-based)
	FirstStep int
	Loss      []float32
	Accuracy  []float32
	GradNorm  []float32
	Images    int     // images trained in these steps
	Seconds   float64 // time spent in these steps
}

// Epoch is one line of the per-epoch log of a run.
type Epoch struct {
	Run int
	train.Epoch
}

// State reports that a run is running, paused or idle.
type State struct {
	Run   int
	State string
}

// Done reports that a run ended.
type Done struct {
	Run    int
	Reason string
	Detail string // e.g. where a run diverged
	Steps  int    // steps trained
}

// ParamCount answers Count.
type ParamCount struct {
	ID     int
	Params int
}

// FeatureMaps is one convolution layer's activation for one image,
// channels-last: element (y, x, c) at Data[(y*W+x)*C+c].
type FeatureMaps struct {
	H, W, C int
	Data    []float32
}

// Activations answers GetActivations. Image holds the 784 raw pixels
// scaled to [0, 1]; Maps is empty for an MLP.
type Activations struct {
	Index int
	Label int
	Pred  int
	Image []float32
	Maps  []FeatureMaps
}

// Predictions answers GetPredictions. Confusion[t*10+p] counts the
// validation images of class t predicted as p, over the whole validation
// set; Labels, Preds and Images (N×784, in [0, 1]) cover the first N.
type Predictions struct {
	N         int
	Labels    []int
	Preds     []int
	Confusion []int
	Images    []float32
}

// Tensor is one named parameter.
type Tensor struct {
	Name  string
	Shape []int
	Data  []float32
}

// Weights answers GetWeights.
type Weights struct{ Tensors []Tensor }

// Error reports a command that failed.
type Error struct {
	Command string // kind of the failed command, or "" if unknown
	Message string
}

// Kind returns "start".
func (Start) Kind() string { return KindStart }

// Kind returns "pause".
func (Pause) Kind() string { return KindPause }

// Kind returns "resume".
func (Resume) Kind() string { return KindResume }

// Kind returns "stop".
func (Stop) Kind() string { return KindStop }

// Kind returns "reset".
func (Reset) Kind() string { return KindReset }

// Kind returns "count".
func (Count) Kind() string { return KindCount }

// Kind returns "get_activations".
func (GetActivations) Kind() string { return KindGetActivations }

// Kind returns "get_predictions".
func (GetPredictions) Kind() string { return KindGetPredictions }

// Kind returns "get_weights".
func (GetWeights) Kind() string { return KindGetWeights }

// Kind returns "get_image".
func (GetImage) Kind() string { return KindGetImage }

// Kind returns "image".
func (Image) Kind() string { return KindImage }

// Kind returns "ready".
func (Ready) Kind() string { return KindReady }

// Kind returns "started".
func (Started) Kind() string { return KindStarted }

// Kind returns "steps".
func (Steps) Kind() string { return KindSteps }

// Kind returns "epoch".
func (Epoch) Kind() string { return KindEpoch }

// Kind returns "state".
func (State) Kind() string { return KindState }

// Kind returns "done".
func (Done) Kind() string { return KindDone }

// Kind returns "param_count".
func (ParamCount) Kind() string { return KindParamCount }

// Kind returns "activations".
func (Activations) Kind() string { return KindActivations }

// Kind returns "predictions".
func (Predictions) Kind() string { return KindPredictions }

// Kind returns "weights".
func (Weights) Kind() string { return KindWeights }

// Kind returns "error".
func (Error) Kind() string { return KindError }

// newMessage returns a zero message of the given kind.
func newMessage(kind string) (decoder, bool) {
	switch kind {
	case KindStart:
		return &Start{}, true
	case KindPause:
		return &Pause{}, true
	case KindResume:
		return &Resume{}, true
	case KindStop:
		return &Stop{}, true
	case KindReset:
		return &Reset{}, true
	case KindCount:
		return &Count{}, true
	case KindGetActivations:
		return &GetActivations{}, true
	case KindGetPredictions:
		return &GetPredictions{}, true
	case KindGetWeights:
		return &GetWeights{}, true
	case KindGetImage:
		return &GetImage{}, true
	case KindImage:
		return &Image{}, true
	case KindReady:
		return &Ready{}, true
	case KindStarted:
		return &Started{}, true
	case KindSteps:
		return &Steps{}, true
	case KindEpoch:
		return &Epoch{}, true
	case KindState:
		return &State{}, true
	case KindDone:
		return &Done{}, true
	case KindParamCount:
		return &ParamCount{}, true
	case KindActivations:
		return &Activations{}, true
	case KindPredictions:
		return &Predictions{}, true
	case KindWeights:
		return &Weights{}, true
	case KindError:
		return &Error{}, true
	}
	return nil, false
}

// IsCommand reports whether kind is a command the worker accepts.
func IsCommand(kind string) bool {
	switch kind {
	case KindStart, KindPause, KindResume, KindStop, KindReset, KindCount, KindGetActivations, KindGetPredictions, KindGetWeights, KindGetImage:
		return true
	}
	return false
}

// Encode returns the map form of m. Slices of float32 stay []float32 so the
// sender can turn them into transferable Float32Arrays; other lists are
// []any. A nil m encodes to nil.
func Encode(m Message) map[string]any {
	if m == nil {
		return nil
	}
	o := object{"kind": m.Kind()}
	m.encode(o)
	return o
}

// Decode reads a message from its map form and validates it: the kind must
// be known, required fields present with the right types, numbers in range,
// and configurations and settings valid. The error names the kind and the
// field at fault.
func Decode(v map[string]any) (Message, error) {
	if v == nil {
		return nil, fmt.Errorf("protocol: message is empty")
	}
	raw, ok := v["kind"]
	if !ok {
		return nil, fmt.Errorf("protocol: message has no kind")
	}
	kind, ok := raw.(string)
	if !ok {
		return nil, fmt.Errorf("protocol: message kind must be a string, got %s", typeName(raw))
	}
	m, ok := newMessage(kind)
	if !ok {
		return nil, fmt.Errorf("protocol: unknown message kind %q", kind)
	}
	r := &reader{obj: v, path: kind}
	m.decode(r)
	if r.err != nil {
		return nil, r.err
	}
	// Return values, not pointers, so callers switch on the plain types.
	return deref(m), nil
}

// DecodeCommand is Decode restricted to commands.
func DecodeCommand(v map[string]any) (Message, error) {
	m, err := Decode(v)
	if err != nil {
		return nil, err
	}
	if !IsCommand(m.Kind()) {
		return nil, fmt.Errorf("protocol: %q is an event, not a command", m.Kind())
	}
	return m, nil
}

func deref(m decoder) Message {
	switch p := m.(type) {
	case *Start:
		return *p
	case *Pause:
		return *p
	case *Resume:
		return *p
	case *Stop:
		return *p
	case *Reset:
		return *p
	case *Count:
		return *p
	case *GetActivations:
		return *p
	case *GetPredictions:
		return *p
	case *GetWeights:
		return *p
	case *GetImage:
		return *p
	case *Image:
		return *p
	case *Ready:
		return *p
	case *Started:
		return *p
	case *Steps:
		return *p
	case *Epoch:
		return *p
	case *State:
		return *p
	case *Done:
		return *p
	case *ParamCount:
		return *p
	case *Activations:
		return *p
	case *Predictions:
		return *p
	case *Weights:
		return *p
	case *Error:
		return *p
	}
	return m
}

// Per-type encoding and decoding. Methods with value receivers encode;
// pointer receivers decode.

func (m Start) encode(o object) {
	o["run"] = m.Run
	o["config"] = encodeConfig(m.Config)
	o["settings"] = encodeSettings(m.Settings)
	o["max_steps"] = m.MaxSteps
}

func (m *Start) decode(r *reader) {
	m.Run = r.int("run", 0, 0, math.MaxInt32)
	m.Config = decodeConfig(r.object("config", true))
	m.Settings = decodeSettings(r.object("settings", true))
	m.MaxSteps = r.int("max_steps", 0, 0, math.MaxInt32)
	if r.err == nil {
		if err := m.Config.Validate(); err != nil {
			r.fail("config", err.Error())
		} else if err := m.Settings.Validate(); err != nil {
			r.fail("settings", err.Error())
		}
	}
}

func (Pause) encode(object)        {}
func (*Pause) decode(*reader)      {}
func (Resume) encode(object)       {}
func (*Resume) decode(*reader)     {}
func (Stop) encode(object)         {}
func (*Stop) decode(*reader)       {}
func (Reset) encode(object)        {}
func (*Reset) decode(*reader)      {}
func (GetWeights) encode(object)   {}
func (*GetWeights) decode(*reader) {}

func (m Count) encode(o object) {
	o["id"] = m.ID
	o["config"] = encodeConfig(m.Config)
}

func (m *Count) decode(r *reader) {
	m.ID = r.int("id", 0, math.MinInt32, math.MaxInt32)
	m.Config = decodeConfig(r.object("config", true))
	if r.err == nil {
		if err := m.Config.Validate(); err != nil {
			r.fail("config", err.Error())
		}
	}
}

func (m GetActivations) encode(o object) { o["index"] = m.Index }

func (m *GetActivations) decode(r *reader) { m.Index = r.int("index", -1, 0, math.MaxInt32) }

func (m GetPredictions) encode(o object) { o["n"] = m.N }

func (m *GetPredictions) decode(r *reader) { m.N = r.int("n", -1, 0, MaxPredictions) }

func (m GetImage) encode(o object) { o["set"], o["index"] = m.Set, m.Index }

func (m *GetImage) decode(r *reader) {
	m.Set = r.oneOf("set", SetTrain, SetVal)
	m.Index = r.int("index", -1, 0, math.MaxInt32)
}

func (m Image) encode(o object) {
	o["set"], o["index"], o["label"], o["pixels"] = m.Set, m.Index, m.Label, m.Pixels
}

func (m *Image) decode(r *reader) {
	m.Set = r.oneOf("set", SetTrain, SetVal)
	m.Index = r.int("index", -1, 0, math.MaxInt32)
	m.Label = r.int("label", -1, 0, model.Classes-1)
	m.Pixels = r.float32s("pixels")
	if r.err == nil && len(m.Pixels) != model.ImageSize*model.ImageSize {
		r.fail("pixels", fmt.Sprintf("want %d pixels, got %d", model.ImageSize*model.ImageSize, len(m.Pixels)))
	}
}

func (m Ready) encode(o object) {
	o["train"], o["val"], o["test"] = m.Train, m.Val, m.Test
}

func (m *Ready) decode(r *reader) {
	m.Train = r.int("train", -1, 0, math.MaxInt32)
	m.Val = r.int("val", -1, 0, math.MaxInt32)
	m.Test = r.int("test", -1, 0, math.MaxInt32)
}

func (m Started) encode(o object) {
	o["run"], o["params"], o["steps_per_epoch"], o["epochs"] = m.Run, m.Params, m.StepsPerEpoch, m.Epochs
	o["layers"] = encodeStrings(m.Layers)
}

func (m *Started) decode(r *reader) {
	m.Run = r.int("run", -1, 0, math.MaxInt32)
	m.Params = r.int("params", -1, 0, math.MaxInt)
	m.StepsPerEpoch = r.int("steps_per_epoch", -1, 0, math.MaxInt32)
	m.Epochs = r.int("epochs", -1, 0, math.MaxInt32)
	m.Layers = r.strings("layers")
}

func (m Steps) encode(o object) {
	o["run"], o["epoch"], o["first_step"] = m.Run, m.Epoch, m.FirstStep
	o["loss"], o["accuracy"], o["grad_norm"] = m.Loss, m.Accuracy, m.GradNorm
	o["images"], o["seconds"] = m.Images, m.Seconds
}

func (m *Steps) decode(r *reader) {
	m.Run = r.int("run", -1, 0, math.MaxInt32)
	m.Epoch = r.int("epoch", -1, 0, math.MaxInt32)
	m.FirstStep = r.int("first_step", -1, 1, math.MaxInt32)
	m.Loss = r.float32s("loss")
	m.Accuracy = r.float32s("accuracy")
	m.GradNorm = r.float32s("grad_norm")
	m.Images = r.int("images", -1, 0, math.MaxInt32)
	m.Seconds = r.number("seconds", false)
	if r.err == nil && (len(m.Accuracy) != len(m.Loss) || len(m.GradNorm) != len(m.Loss)) {
		r.fail("loss", fmt.Sprintf("loss, accuracy and grad_norm must have the same length, got %d, %d and %d", len(m.Loss), len(m.Accuracy), len(m.GradNorm)))
	}
}

func (m Epoch) encode(o object) {
	o["run"], o["epoch"] = m.Run, m.Epoch.Epoch
	o["train_loss"], o["train_acc"] = float64(m.TrainLoss), float64(m.TrainAcc)
	o["val_loss"], o["val_acc"] = float64(m.ValLoss), float64(m.ValAcc)
	o["grad_norm"], o["seconds"] = float64(m.GradNorm), float64(m.Seconds)
	o["zero_grad_steps"], o["steps"] = m.ZeroGradSteps, m.Steps
}

func (m *Epoch) decode(r *reader) {
	m.Run = r.int("run", -1, 0, math.MaxInt32)
	m.Epoch.Epoch = r.int("epoch", -1, 0, math.MaxInt32)
	m.TrainLoss = train.Metric(r.number("train_loss", true))
	m.TrainAcc = train.Metric(r.number("train_acc", true))
	m.ValLoss = train.Metric(r.number("val_loss", true))
	m.ValAcc = train.Metric(r.number("val_acc", true))
	m.GradNorm = train.Metric(r.number("grad_norm", true))
	m.Seconds = train.Metric(r.number("seconds", true))
	m.ZeroGradSteps = r.int("zero_grad_steps", 0, 0, math.MaxInt32)
	m.Steps = r.int("steps", 0, 0, math.MaxInt32)
}

func (m State) encode(o object) { o["run"], o["state"] = m.Run, m.State }

func (m *State) decode(r *reader) {
	m.Run = r.int("run", -1, 0, math.MaxInt32)
	m.State = r.oneOf("state", StateRunning, StatePaused, StateIdle)
}

func (m Done) encode(o object) {
	o["run"], o["reason"], o["detail"], o["steps"] = m.Run, m.Reason, m.Detail, m.Steps
}

func (m *Done) decode(r *reader) {
	m.Run = r.int("run", -1, 0, math.MaxInt32)
	m.Reason = r.oneOf("reason", ReasonFinished, ReasonStopped, ReasonLimit, ReasonDiverged)
	m.Detail = r.string("detail", false)
	m.Steps = r.int("steps", 0, 0, math.MaxInt32)
}

func (m ParamCount) encode(o object) { o["id"], o["params"] = m.ID, m.Params }

func (m *ParamCount) decode(r *reader) {
	m.ID = r.int("id", -1, math.MinInt32, math.MaxInt32)
	m.Params = r.int("params", -1, 0, math.MaxInt)
}

func (m Activations) encode(o object) {
	o["index"], o["label"], o["pred"], o["image"] = m.Index, m.Label, m.Pred, m.Image
	maps := make([]any, len(m.Maps))
	for i, fm := range m.Maps {
		maps[i] = map[string]any{"h": fm.H, "w": fm.W, "c": fm.C, "data": fm.Data}
	}
	o["maps"] = maps
}

func (m *Activations) decode(r *reader) {
	m.Index = r.int("index", -1, 0, math.MaxInt32)
	m.Label = r.int("label", -1, 0, model.Classes-1)
	m.Pred = r.int("pred", -1, 0, model.Classes-1)
	m.Image = r.float32s("image")
	if r.err == nil && len(m.Image) != model.ImageSize*model.ImageSize {
		r.fail("image", fmt.Sprintf("want %d pixels, got %d", model.ImageSize*model.ImageSize, len(m.Image)))
	}
	for i, v := range r.list("maps") {
		sub := r.sub(fmt.Sprintf("maps[%d]", i), v)
		if sub == nil {
			break
		}
		fm := FeatureMaps{H: sub.int("h", -1, 1, 4096), W: sub.int("w", -1, 1, 4096), C: sub.int("c", -1, 1, 1<<16), Data: sub.float32s("data")}
		if sub.err == nil && len(fm.Data) != fm.H*fm.W*fm.C {
			sub.fail("data", fmt.Sprintf("want %d values for %dx%dx%d, got %d", fm.H*fm.W*fm.C, fm.H, fm.W, fm.C, len(fm.Data)))
		}
		m.Maps = append(m.Maps, fm)
	}
}

func (m Predictions) encode(o object) {
	o["n"], o["labels"], o["preds"], o["confusion"], o["images"] = m.N, encodeInts(m.Labels), encodeInts(m.Preds), encodeInts(m.Confusion), m.Images
}

func (m *Predictions) decode(r *reader) {
	m.N = r.int("n", -1, 0, MaxPredictions)
	m.Labels = r.ints("labels", 0, model.Classes-1)
	m.Preds = r.ints("preds", 0, model.Classes-1)
	m.Confusion = r.ints("confusion", 0, math.MaxInt32)
	m.Images = r.float32s("images")
	switch {
	case r.err != nil:
	case len(m.Labels) != m.N || len(m.Preds) != m.N:
		r.fail("labels", fmt.Sprintf("want %d labels and predictions, got %d and %d", m.N, len(m.Labels), len(m.Preds)))
	case len(m.Confusion) != model.Classes*model.Classes:
		r.fail("confusion", fmt.Sprintf("want %d cells, got %d", model.Classes*model.Classes, len(m.Confusion)))
	case len(m.Images) != m.N*model.ImageSize*model.ImageSize:
		r.fail("images", fmt.Sprintf("want %d pixels, got %d", m.N*model.ImageSize*model.ImageSize, len(m.Images)))
	}
}

func (m Weights) encode(o object) {
	ts := make([]any, len(m.Tensors))
	for i, t := range m.Tensors {
		ts[i] = map[string]any{"name": t.Name, "shape": encodeInts(t.Shape), "data": t.Data}
	}
	o["tensors"] = ts
}

func (m *Weights) decode(r *reader) {
	for i, v := range r.list("tensors") {
		sub := r.sub(fmt.Sprintf("tensors[%d]", i), v)
		if sub == nil {
			break
		}
		t := Tensor{Name: sub.string("name", true), Shape: sub.ints("shape", 1, math.MaxInt32), Data: sub.float32s("data")}
		if sub.err == nil {
			n := 1
			for _, d := range t.Shape {
				n *= d
			}
			if n != len(t.Data) {
				sub.fail("data", fmt.Sprintf("shape %v holds %d values, got %d", t.Shape, n, len(t.Data)))
			}
		}
		m.Tensors = append(m.Tensors, t)
	}
}

func (m Error) encode(o object) { o["command"], o["message"] = m.Command, m.Message }

func (m *Error) decode(r *reader) {
	m.Command = r.string("command", false)
	m.Message = r.string("message", true)
}

// encodeConfig writes a configuration with the field names of its JSON
// form (the homework's names).
func encodeConfig(c model.Config) map[string]any {
	o := map[string]any{"net": c.Net, "dense_hiddens": encodeInts(c.Hidden), "activation": c.Activation}
	if c.Net == model.CNN || len(c.Channels)+len(c.Kernels)+len(c.Strides)+len(c.Paddings) > 0 {
		o["n_channels"], o["kernel_sizes"] = encodeInts(c.Channels), encodeInts(c.Kernels)
		o["strides"], o["paddings"] = encodeInts(c.Strides), encodeInts(c.Paddings)
	}
	return o
}

func decodeConfig(r *reader) model.Config {
	if r == nil {
		return model.Config{}
	}
	c := model.Config{
		Net:        r.oneOf("net", model.MLP, model.CNN),
		Activation: r.string("activation", false),
		Hidden:     r.ints("dense_hiddens", 1, 1<<20),
		Channels:   r.ints("n_channels", 1, 1<<16),
		Kernels:    r.ints("kernel_sizes", 1, 1<<10),
		Strides:    r.ints("strides", 1, 1<<10),
		Paddings:   r.ints("paddings", 0, 1<<10),
	}
	if c.Activation == "" {
		c.Activation = "relu"
	}
	if c.Hidden == nil {
		c.Hidden = []int{}
	}
	r.done()
	return c
}

func encodeSettings(s train.Settings) map[string]any {
	return map[string]any{
		"optimizer": s.Optimizer, "lr": s.LearningRate, "momentum": s.Momentum,
		"batch_size": s.BatchSize, "epochs": s.Epochs, "shuffle": s.Shuffle,
		"seed": float64(s.Seed), "normalize": s.Normalize, "train_limit": s.TrainLimit,
		"eval_train_size": s.EvalTrainSize,
	}
}

// decodeSettings reads settings over train.DefaultSettings: absent fields
// keep their defaults.
func decodeSettings(r *reader) train.Settings {
	s := train.DefaultSettings()
	if r == nil {
		return s
	}
	if r.has("optimizer") {
		s.Optimizer = r.oneOf("optimizer", train.Adam, train.SGD)
	}
	if r.has("lr") {
		s.LearningRate = r.number("lr", false)
	}
	if r.has("momentum") {
		s.Momentum = r.number("momentum", false)
	}
	s.BatchSize = r.int("batch_size", s.BatchSize, 1, 1<<16)
	s.Epochs = r.int("epochs", s.Epochs, 0, 1<<16)
	if r.has("shuffle") {
		s.Shuffle = r.bool("shuffle")
	}
	s.Seed = uint64(r.int("seed", int(s.Seed), 0, 1<<53))
	if r.has("normalize") {
		s.Normalize = r.bool("normalize")
	}
	s.TrainLimit = r.int("train_limit", s.TrainLimit, 0, math.MaxInt32)
	s.EvalTrainSize = r.int("eval_train_size", s.EvalTrainSize, 1, math.MaxInt32)
	r.done()
	return s
}

func encodeInts(v []int) []any {
	out := make([]any, len(v))
	for i, x := range v {
		out[i] = x
	}
	return out
}

func encodeStrings(v []string) []any {
	out := make([]any, len(v))
	for i, x := range v {
		out[i] = x
	}
	return out
}
