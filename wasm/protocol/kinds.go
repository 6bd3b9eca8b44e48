package protocol

import "reflect"

// Command kinds: messages from the page to the worker.
const (
	KindStart          = "start"
	KindPause          = "pause"
	KindResume         = "resume"
	KindStop           = "stop"
	KindReset          = "reset"
	KindCount          = "count"
	KindMatchDepth     = "match_depth"
	KindGetActivations = "get_activations"
	KindGetPredictions = "get_predictions"
	KindGetWeights     = "get_weights"
	KindGetImage       = "get_image"
	KindExportWeights  = "export_weights"
	KindExportMetrics  = "export_metrics"
	KindLoadWeights    = "load_weights"
	KindExportReport   = "export_report"
	KindLoadCheckpoint = "load_checkpoint"
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
	KindDepthMatch  = "depth_match"
	KindActivations = "activations"
	KindPredictions = "predictions"
	KindWeights     = "weights"
	KindImage       = "image"
	KindWeightsFile = "weights_file"
	KindMetrics     = "metrics"
	KindLoaded      = "loaded"
	KindReport      = "report"
	KindCheckpoint  = "checkpoint"
	KindRestored    = "restored"
	KindWorkers     = "workers"
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

// Forms of the metrics that ExportMetrics asks for.
const (
	MetricsJSON = "json"
	MetricsCSV  = "csv"
)

// Sets of images that GetImage can read.
const (
	SetTrain = "train"
	SetVal   = "val"
)

// MaxPredictions bounds get_predictions so a reply stays small (the max
// of GetPredictions.N's wire tag).
const MaxPredictions = 2000

// Message is one command or event: a value of one of the types in the
// table of kinds.
type Message interface{ message() }

// Spec describes one kind of message.
type Spec struct {
	Kind    string       // value of the "kind" field
	Command bool         // sent by the page to the worker; otherwise an event
	Type    reflect.Type // the Go type
	About   string       // what the message is for, one line
}

// Specs returns the table of kinds: every message, commands first. It is
// the one list from which encoding, decoding, the package documentation
// and the page's protocol.js are derived.
func Specs() []Spec {
	return []Spec{
		spec[Start](KindStart, true, "begin a run, replacing any run in progress"),
		spec[Pause](KindPause, true, "pause the run after the step in flight"),
		spec[Resume](KindResume, true, "resume a paused run"),
		spec[Stop](KindStop, true, "end the run; its results stay available"),
		spec[Reset](KindReset, true, "end the run and forget it"),
		spec[Count](KindCount, true, "parameter count, memory estimate and problems of a form"),
		spec[MatchDepth](KindMatchDepth, true, "hidden layers of a width matching a parameter count"),
		spec[GetActivations](KindGetActivations, true, "feature maps of a validation image"),
		spec[GetPredictions](KindGetPredictions, true, "predictions and confusion matrix"),
		spec[GetWeights](KindGetWeights, true, "every parameter tensor"),
		spec[GetImage](KindGetImage, true, "one image of the subset"),
		spec[ExportWeights](KindExportWeights, true, "the network as a model.safetensors file"),
		spec[ExportMetrics](KindExportMetrics, true, "the run's metrics.json or metrics.csv"),
		spec[LoadWeights](KindLoadWeights, true, "replace the network by a model.safetensors file's"),
		spec[ExportReport](KindExportReport, true, "report.md of the page's runs, as the native -experiment report"),
		spec[LoadCheckpoint](KindLoadCheckpoint, true, "continue a run from a checkpoint file, or hold its network"),
		spec[Ready](KindReady, false, "the data subset is loaded; the limits of the form"),
		spec[Started](KindStarted, false, "a run began"),
		spec[Steps](KindSteps, false, "statistics of consecutive training steps"),
		spec[Epoch](KindEpoch, false, "one line of the per-epoch log"),
		spec[State](KindState, false, "the run is running, paused or idle"),
		spec[Done](KindDone, false, "a run ended"),
		spec[ParamCount](KindParamCount, false, "answers count"),
		spec[DepthMatch](KindDepthMatch, false, "answers match_depth"),
		spec[Activations](KindActivations, false, "answers get_activations"),
		spec[Predictions](KindPredictions, false, "answers get_predictions"),
		spec[Weights](KindWeights, false, "answers get_weights"),
		spec[Image](KindImage, false, "answers get_image"),
		spec[WeightsFile](KindWeightsFile, false, "answers export_weights"),
		spec[Metrics](KindMetrics, false, "answers export_metrics"),
		spec[Loaded](KindLoaded, false, "answers load_weights: the network now held"),
		spec[Report](KindReport, false, "answers export_report"),
		spec[Checkpoint](KindCheckpoint, false, "the run's checkpoint file, at each epoch's end and when it ends"),
		spec[Restored](KindRestored, false, "answers load_checkpoint: the run now held, and where it stands"),
		spec[Workers](KindWorkers, false, "how many workers train a step and whether SIMD kernels run"),
		spec[Error](KindError, false, "a command failed; plain words, problems of the form"),
	}
}

func spec[M Message](kind string, command bool, about string) Spec {
	return Spec{Kind: kind, Command: command, Type: reflect.TypeFor[M](), About: about}
}

func (Start) message()          {}
func (Pause) message()          {}
func (Resume) message()         {}
func (Stop) message()           {}
func (Reset) message()          {}
func (Count) message()          {}
func (MatchDepth) message()     {}
func (GetActivations) message() {}
func (GetPredictions) message() {}
func (GetWeights) message()     {}
func (GetImage) message()       {}
func (ExportWeights) message()  {}
func (ExportMetrics) message()  {}
func (LoadWeights) message()    {}
func (ExportReport) message()   {}
func (LoadCheckpoint) message() {}
func (Ready) message()          {}
func (Started) message()        {}
func (Steps) message()          {}
func (Epoch) message()          {}
func (State) message()          {}
func (Done) message()           {}
func (ParamCount) message()     {}
func (DepthMatch) message()     {}
func (Activations) message()    {}
func (Predictions) message()    {}
func (Weights) message()        {}
func (Image) message()          {}
func (WeightsFile) message()    {}
func (Metrics) message()        {}
func (Loaded) message()         {}
func (Report) message()         {}
func (Checkpoint) message()     {}
func (Restored) message()       {}
func (Workers) message()        {}
func (Error) message()          {}

// specOf returns the table entry of kind.
func specOf(kind string) (Spec, bool) {
	for _, s := range Specs() {
		if s.Kind == kind {
			return s, true
		}
	}
	return Spec{}, false
}

// KindOf returns the kind of m, or "" for nil.
func KindOf(m Message) string {
	if m == nil {
		return ""
	}
	t := reflect.TypeOf(m)
	for _, s := range Specs() {
		if s.Type == t {
			return s.Kind
		}
	}
	return ""
}

// IsCommand reports whether kind is a command the worker accepts.
func IsCommand(kind string) bool {
	s, ok := specOf(kind)
	return ok && s.Command
}

// CommandKind returns kind when it is a command's kind and "" otherwise:
// what Error.Command may say of a message whose kind the page sent.
func CommandKind(kind string) string {
	if IsCommand(kind) {
		return kind
	}
	return ""
}

// IsEvent reports whether kind is the kind of an event.
func IsEvent(kind string) bool {
	s, ok := specOf(kind)
	return ok && !s.Command
}
