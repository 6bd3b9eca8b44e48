package protocol

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"fashionlab/model"
	"fashionlab/model/train"
)

// Range bounds one form field: a number, or with MaxLen > 0 a list of at
// most MaxLen numbers (one per layer), each within [Min, Max]. Label is
// the field's name in plain words, as the messages use it.
type Range struct {
	Label   string  `json:"label"`
	Min     float64 `json:"min" wire:"min=-1e308,max=1e308"`
	Max     float64 `json:"max" wire:"min=-1e308,max=1e308"`
	Integer bool    `json:"integer"`
	MaxLen  int     `json:"max_len" wire:"optional"`
}

// Limits are the bounds of every form field, keyed on the wire by the
// field's wire name, and the memory budget of one network's training.
// The ranges are the limits of the field table (Fields).
// The worker reports them in Ready and enforces the same values on start;
// count answers with the same problems.
type Limits struct {
	Epochs        Range `json:"epochs"`
	LearningRate  Range `json:"lr"`
	Momentum      Range `json:"momentum"`
	BatchSize     Range `json:"batch_size"`
	Seed          Range `json:"seed"`
	TrainLimit    Range `json:"train_limit"`
	EvalTrainSize Range `json:"eval_train_size"`
	MaxSteps      Range `json:"max_steps"`
	Channels      Range `json:"n_channels"`
	Kernels       Range `json:"kernel_sizes"`
	Strides       Range `json:"strides"`
	Paddings      Range `json:"paddings"`
	Hidden        Range `json:"dense_hiddens"`
	Dropout       Range `json:"dropout"`
	// MemoryBytes is the most that training one network may need, as
	// estimated by train.EstimateMemory: parameters, gradients, optimizer
	// state and the buffers of one batch.
	MemoryBytes int64 `json:"memory_bytes"`
	// MemoryReason says in one sentence why the budget is what it is.
	MemoryReason string `json:"memory_reason"`
}

// BrowserMemoryBytes is the memory budget of one network's training in the
// browser: 1 GiB. The worker is a wasm32 program, whose memory cannot grow
// beyond 4 GiB; Go's garbage collector lets the heap reach about twice
// the live data before it collects, and the worker also keeps the data
// subset (about 50 MB per prepared split, up to four splits). 1 GiB of
// live training state therefore peaks near 2.5 GiB, inside the 4 GiB with
// room for the browser's own limits.
const BrowserMemoryBytes = 1 << 30

// MaxWeightsBytes bounds a weights file the page loads: the weights of the
// largest network whose training fits BrowserMemoryBytes (parameters,
// gradients and two Adam moments: 16 bytes per parameter). The page
// checks a file's size before reading it, and the worker again.
const MaxWeightsBytes = BrowserMemoryBytes / 4

// FullTrainImages is the number of FashionMNIST training images; the
// per-epoch evaluation reads at most the training images there are.
const FullTrainImages = 60000

// BrowserLimits returns the limits of the training worker in a browser tab
// whose data subset holds trainImages training images: ranges that train
// in a tab in reasonable time and memory, wide enough for every question's
// networks (54 dense layers of 64, 28×28 kernels, padding 2), and holding
// train.DefaultSettings, which fills absent settings.
func BrowserLimits(trainImages int) Limits {
	l := limitsFromFields(Fields(trainImages))
	l.MemoryBytes = BrowserMemoryBytes
	l.MemoryReason = "The page trains inside your browser, which gives it at most 4 GB of memory, and part of that holds the images and the training's own bookkeeping."
	return l
}

// Review is the verdict on a form: the parameter count (0 when the
// configuration is invalid), the memory estimate of training it (0 when
// it cannot be estimated) and the problems, none when start accepts it.
type Review struct {
	Params   int
	Bytes    int64
	Problems []Problem
}

// Review checks a configuration, its settings and a step limit; see
// ReviewForm.
func (l Limits) Review(c model.Config, s train.Settings, maxSteps int) Review {
	return l.ReviewForm(map[string]any{
		"config":    encodeValue(reflect.ValueOf(c)),
		"settings":  encodeValue(reflect.ValueOf(s)),
		"max_steps": maxSteps,
	})
}

// ReviewForm checks the map form of a start or count command (its config,
// settings and max_steps; other fields are ignored): every limited field
// against its range, then the network's structure, then the memory
// estimate against the budget. Problems are in plain words and name the
// allowed range.
func (l Limits) ReviewForm(form map[string]any) Review {
	if ps := l.checkFields(form); len(ps) > 0 {
		return Review{Problems: ps}
	}
	cfg, settings, err := decodeForm(form)
	if err != nil {
		return Review{Problems: []Problem{{Message: "The form could not be read: " + strings.TrimPrefix(err.Error(), "protocol: ") + "."}}}
	}
	if p, ok := structureProblem(cfg); ok {
		return Review{Problems: []Problem{p}}
	}
	if err := settings.Validate(); err != nil {
		return Review{Problems: []Problem{{Message: sentence(err)}}}
	}
	params, _ := cfg.ParamCount()
	mem, err := train.EstimateMemory(cfg, settings, 1)
	if err != nil {
		return Review{Params: params, Problems: []Problem{{Message: sentence(err)}}}
	}
	r := Review{Params: params, Bytes: mem.Total()}
	if r.Bytes > l.MemoryBytes {
		advice := "Use fewer channels, a smaller batch or a larger stride."
		if mem.Activations < mem.Total()/2 {
			advice = "Use fewer or narrower layers."
		}
		// The fields that size the network and its batch are marked too.
		also := []string{"dense_hiddens", "batch_size"}
		if cfg.Net == model.CNN {
			also = []string{"n_channels", "strides", "dense_hiddens", "batch_size"}
		}
		r.Problems = append(r.Problems, Problem{Also: also, Message: fmt.Sprintf(
			"This network would need about %s to train with batch %d; the page allows %s. %s %s",
			formatBytes(r.Bytes), settings.BatchSize, formatBytes(l.MemoryBytes), l.MemoryReason, advice)})
	}
	return r
}

// decodeForm decodes the config and settings of a form.
func decodeForm(form map[string]any) (model.Config, train.Settings, error) {
	var start Start
	v := reflect.ValueOf(&start).Elem()
	sub := map[string]any{"config": form["config"]}
	if s, ok := form["settings"]; ok {
		sub["settings"] = s
	}
	start.Settings = train.DefaultSettings()
	if err := decodeStruct(v, sub, "form", false); err != nil {
		return model.Config{}, train.Settings{}, err
	}
	return start.Config, start.Settings, nil
}

// limitedFields returns the Range fields of Limits with their wire names
// and where they live in a start command: "config", "settings" or "" (the
// command itself).
func (l Limits) limitedFields() []limitedField {
	sections := map[string]string{}
	for _, sec := range []struct {
		name string
		t    reflect.Type
	}{{"", reflect.TypeFor[Start]()}, {"config", reflect.TypeFor[model.Config]()}, {"settings", reflect.TypeFor[train.Settings]()}} {
		for _, f := range fieldsOf(sec.t) {
			sections[f.name] = sec.name
		}
	}
	v := reflect.ValueOf(l)
	var out []limitedField
	for _, f := range fieldsOf(v.Type()) {
		r, ok := v.FieldByIndex(f.index).Interface().(Range)
		if !ok {
			continue
		}
		sec, ok := sections[f.name]
		if !ok {
			panic(fmt.Sprintf("protocol: limit %q names no field of start", f.name))
		}
		out = append(out, limitedField{name: f.name, section: sec, r: r})
	}
	return out
}

type limitedField struct {
	name, section string
	r             Range
}

// checkFields checks every limited field present in the form.
func (l Limits) checkFields(form map[string]any) []Problem {
	var out []Problem
	for _, lf := range l.limitedFields() {
		obj := form
		if lf.section != "" {
			o, ok := form[lf.section].(map[string]any)
			if !ok {
				continue // absent, or the decoder says what is wrong
			}
			obj = o
		}
		raw, ok := obj[lf.name]
		if !ok || raw == nil {
			continue // absent: the default applies
		}
		if msg := lf.r.check(raw); msg != "" {
			out = append(out, Problem{Field: lf.name, Message: msg})
		}
	}
	// The choices among fixed values (network kind, optimizer).
	for _, sec := range []struct {
		name string
		t    reflect.Type
	}{{"config", reflect.TypeFor[model.Config]()}, {"settings", reflect.TypeFor[train.Settings]()}} {
		obj, _ := form[sec.name].(map[string]any)
		for _, f := range fieldsOf(sec.t) {
			raw, ok := obj[f.name]
			if f.oneOf == nil || !ok || raw == nil {
				continue
			}
			if s, ok := raw.(string); !ok || !slices.Contains(f.oneOf, s) {
				out = append(out, Problem{Field: f.name, Message: fmt.Sprintf("The %s must be %s.", choiceLabel(f.name), orList(f.oneOf))})
			}
		}
	}
	return out
}

// orList writes allowed values as a person says them: "a, b or c".
func orList(values []string) string {
	if len(values) < 2 {
		return strings.Join(values, "")
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}

// choiceLabel names a field with fixed choices in plain words: its label
// in the field table, in lower case.
func choiceLabel(name string) string {
	if f, ok := fieldByName(name); ok {
		return strings.ToLower(f.Label[:1]) + f.Label[1:]
	}
	return strings.ReplaceAll(name, "_", " ")
}

// check returns what is wrong with v, or "".
func (r Range) check(v any) string {
	if r.MaxLen == 0 {
		x, ok := toFloat(v)
		if !ok || !r.holds(x) {
			return r.Label + " must be " + r.describe() + "."
		}
		return ""
	}
	var items []any
	switch l := v.(type) {
	case []any:
		items = l
	case []int:
		for _, x := range l {
			items = append(items, x)
		}
	default:
		return fmt.Sprintf("%s must be a list of whole numbers, one per layer, separated by commas.", r.Label)
	}
	if len(items) > r.MaxLen {
		return fmt.Sprintf("%s: at most %d layers are allowed; this has %d.", r.Label, r.MaxLen, len(items))
	}
	for i, e := range items {
		x, ok := toFloat(e)
		if !ok || !r.holds(x) {
			got := "not a number"
			if ok {
				got = formatNumber(x)
			}
			return fmt.Sprintf("%s: each value must be %s; layer %d is %s.", r.Label, r.describe(), i+1, got)
		}
	}
	return ""
}

func (r Range) holds(x float64) bool {
	return x >= r.Min && x <= r.Max && (!r.Integer || x == math.Trunc(x))
}

func (r Range) describe() string {
	kind := "a number"
	if r.Integer {
		kind = "a whole number"
	}
	return fmt.Sprintf("%s from %s to %s", kind, formatNumber(r.Min), formatNumber(r.Max))
}

// structureProblem reports what keeps cfg from describing a network.
func structureProblem(c model.Config) (Problem, bool) {
	err := c.Validate()
	if err == nil {
		return Problem{}, false
	}
	if c.Net == model.CNN {
		n := len(c.Channels)
		switch {
		case n == 0:
			return Problem{Field: "n_channels", Message: "A CNN needs at least one convolution layer: give its number of channels."}, true
		case len(c.Kernels) != n:
			return Problem{Field: "kernel_sizes", Message: fmt.Sprintf("Give one kernel size per convolution layer: %d layers, %d kernel sizes.", n, len(c.Kernels))}, true
		case len(c.Strides) != n:
			return Problem{Field: "strides", Message: fmt.Sprintf("Give one stride per convolution layer: %d layers, %d strides.", n, len(c.Strides))}, true
		case len(c.Paddings) != n:
			return Problem{Field: "paddings", Message: fmt.Sprintf("Give one padding per convolution layer: %d layers, %d paddings.", n, len(c.Paddings))}, true
		}
		if strings.Contains(err.Error(), "convolution layer") {
			return Problem{Field: "kernel_sizes", Message: sentence(err) + " Use smaller kernels or strides, or more padding."}, true
		}
	}
	if c.Net == model.MLP && len(c.Channels)+len(c.Kernels)+len(c.Strides)+len(c.Paddings) > 0 {
		return Problem{Field: "n_channels", Message: "An MLP has no convolution layers: leave channels, kernel sizes, strides and paddings empty."}, true
	}
	if strings.Contains(err.Error(), "activation") {
		return Problem{Field: "activation", Message: fmt.Sprintf("The activation must be %s.", orList(model.ActivationNames()))}, true
	}
	return Problem{Message: sentence(err)}, true
}

// sentence turns an error of the model packages into a sentence: without
// the package prefix, capitalized, with a full stop.
func sentence(err error) string {
	s := err.Error()
	for _, p := range []string{"model: ", "train: ", "ops: "} {
		s = strings.ReplaceAll(s, p, "")
	}
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// formatNumber writes x as a person reads it: whole numbers with thousands
// separators, others in the shortest exact form.
func formatNumber(x float64) string {
	if x != math.Trunc(x) || math.Abs(x) >= 1e21 {
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	// Whole numbers in digits with thousands separators, as people write
	// them (9,007,199,254,740,991, not 9.007199254740991e+15).
	s := strconv.FormatFloat(math.Abs(x), 'f', 0, 64)
	var b strings.Builder
	if x < 0 {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// formatBytes writes a size in MB or GB (powers of 1,024, as the
// browser's memory is counted), with one decimal below 10.
func formatBytes(n int64) string {
	unit, div := "MB", float64(1<<20)
	if n >= 1<<30 {
		unit, div = "GB", 1<<30
	}
	x := float64(n) / div
	s := strconv.FormatFloat(x, 'f', 0, 64)
	if x < 10 {
		s = strings.TrimSuffix(strconv.FormatFloat(x, 'f', 1, 64), ".0")
	}
	return s + " " + unit
}
