package protocol

import (
	"fmt"
	"reflect"

	"fashionlab/model"
	"fashionlab/model/train"
)

// Sections of a start command that hold form fields.
const (
	SectionConfig   = "config"   // the network configuration (model.Config)
	SectionSettings = "settings" // the training settings (train.Settings)
	SectionStart    = "start"    // the command itself (Start.MaxSteps)
)

// Kinds of form fields: how a field holds its value.
const (
	KindChoice  = "choice"  // one of Choices, a string
	KindList    = "list"    // whole numbers, one per layer ("16,32,48" or "64*54")
	KindNumber  = "number"  // one number within Limit
	KindBoolean = "boolean" // true or false
)

// Choice is one allowed value of a choice field and its words on the page.
type Choice struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// Field is one field of the configuration form: a field of model.Config,
// train.Settings or the start command, defined once. The site build writes
// the form's HTML and the page's table (protocol.js, FORM_FIELDS) from it;
// the worker's limits (Limits), the decoder's allowed strings and the
// address's parameters come from it too.
type Field struct {
	// Name is the field's JSON name: its key in the message, the
	// address's parameter and the form input's name.
	Name string `json:"name"`
	// Section is where the field lives in a start command.
	Section string `json:"section"`
	// Kind is how the field holds its value.
	Kind string `json:"kind"`
	// Label names the field in plain words, on the form and in messages.
	Label string `json:"label"`
	// Help, when not empty, is a short note shown with the label.
	Help string `json:"help,omitempty"`
	// Choices are the allowed values of a choice field.
	Choices []Choice `json:"choices,omitempty"`
	// Limit bounds a number or each value of a list (nil for choices and
	// booleans).
	Limit *Range `json:"limit,omitempty"`
	// When, if not nil, is the only case in which the field applies (the
	// convolution layers: when the network is a CNN); otherwise the form
	// hides it and the configuration leaves it out.
	When *When `json:"when,omitempty"`
	// Required fields must be in every configuration a command carries
	// (the network kind: it says which fields follow); the others may be
	// left out and keep their defaults.
	Required bool `json:"required,omitempty"`
	// Brief is how the field shows in a run's short label ("k{}" writes
	// "k3,3,3"), "" if it does not. A choice writes its choice's label, a
	// list its compact text; a boolean writes Brief as it is when off
	// ("raw": not normalized).
	Brief string `json:"brief,omitempty"`
}

// When names a value of a choice field: the field applies only when the
// choice Field holds Value.
type When struct {
	Field string `json:"field"`
	Value string `json:"value"`
}

// Fields returns the form's fields in the form's order, with the limits
// of a browser tab whose data subset holds trainImages training images.
// Adding a field to model.Config or train.Settings means adding its row
// here (a test fails until it is).
func Fields(trainImages int) []Field {
	number := func(lo, hi float64, integer bool) *Range { return &Range{Min: lo, Max: hi, Integer: integer} }
	list := func(lo, hi float64, layers int) *Range {
		return &Range{Min: lo, Max: hi, Integer: true, MaxLen: layers}
	}
	plain := func(names []string) []Choice {
		out := make([]Choice, len(names))
		for i, n := range names {
			out[i] = Choice{Value: n, Label: n}
		}
		return out
	}
	cnn := &When{Field: "net", Value: model.CNN}
	fields := []Field{
		{Name: "net", Brief: "{}", Section: SectionConfig, Kind: KindChoice, Label: "Network kind", Required: true,
			Choices: []Choice{{model.MLP, "MLP"}, {model.CNN, "CNN"}}},
		{Name: "n_channels", Brief: "{}", Section: SectionConfig, Kind: KindList, Label: "Channels", When: cnn, Limit: list(1, 512, 8)},
		{Name: "kernel_sizes", Brief: "k{}", Section: SectionConfig, Kind: KindList, Label: "Kernel sizes", When: cnn, Limit: list(1, model.ImageSize, 8)},
		{Name: "strides", Section: SectionConfig, Kind: KindList, Label: "Strides", When: cnn, Limit: list(1, model.ImageSize, 8)},
		{Name: "paddings", Section: SectionConfig, Kind: KindList, Label: "Paddings", When: cnn, Limit: list(0, model.ImageSize/2, 8)},
		{Name: "dense_hiddens", Brief: "dense {}", Section: SectionConfig, Kind: KindList, Label: "Dense hidden sizes", Limit: list(1, 4096, 64)},
		{Name: "activation", Brief: "{}", Section: SectionConfig, Kind: KindChoice, Label: "Activation", Choices: plain(model.ActivationNames())},
		{Name: "dropout", Section: SectionConfig, Kind: KindNumber, Label: "Dropout", Help: "0: none", Limit: number(0, 0.9, false)},
		{Name: "optimizer", Brief: "{}", Section: SectionSettings, Kind: KindChoice, Label: "Optimizer", Choices: plain(train.OptimizerNames())},
		{Name: "lr", Brief: "lr {}", Section: SectionSettings, Kind: KindNumber, Label: "Learning rate", Limit: number(1e-8, 10, false)},
		{Name: "momentum", Section: SectionSettings, Kind: KindNumber, Label: "SGD momentum", Limit: number(0, 0.999, false)},
		{Name: "batch_size", Section: SectionSettings, Kind: KindNumber, Label: "Batch size", Limit: number(1, 4096, true)},
		{Name: "epochs", Section: SectionSettings, Kind: KindNumber, Label: "Epochs", Limit: number(1, 200, true)},
		{Name: "seed", Section: SectionSettings, Kind: KindNumber, Label: "Seed", Limit: number(0, maxExact, true)},
		{Name: "train_limit", Section: SectionSettings, Kind: KindNumber, Label: "Training images", Help: "0: all", Limit: number(0, float64(trainImages), true)},
		{Name: "eval_train_size", Section: SectionSettings, Kind: KindNumber, Label: "Training images evaluated per epoch", Limit: number(1, FullTrainImages, true)},
		{Name: "max_steps", Section: SectionStart, Kind: KindNumber, Label: "Step limit", Help: "0: none", Limit: number(0, 10_000_000, true)},
		{Name: "normalize", Brief: "raw", Section: SectionSettings, Kind: KindBoolean, Label: "Normalize inputs"},
		{Name: "keep_best", Section: SectionSettings, Kind: KindBoolean, Label: "Keep the best epoch"},
		{Name: "shuffle", Section: SectionSettings, Kind: KindBoolean, Label: "Shuffle batches"},
	}
	for i := range fields {
		if r := fields[i].Limit; r != nil {
			r.Label = fields[i].Label
		}
	}
	return fields
}

// fieldByName returns the row of the field table named name.
func fieldByName(name string) (Field, bool) {
	for _, f := range Fields(0) {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// ChoiceValues returns the allowed values of a choice field.
func (f Field) ChoiceValues() []string {
	out := make([]string, len(f.Choices))
	for i, c := range f.Choices {
		out[i] = c.Value
	}
	return out
}

// limitsFromFields returns the Limits whose ranges are the limits of the
// field table, each under the field of Limits with the same JSON name.
func limitsFromFields(fields []Field) Limits {
	var l Limits
	v := reflect.ValueOf(&l).Elem()
	for _, f := range fieldsOf(v.Type()) {
		fv := v.FieldByIndex(f.index)
		if fv.Type() != reflect.TypeFor[Range]() {
			continue
		}
		found := false
		for _, row := range fields {
			if row.Name == f.name && row.Limit != nil {
				fv.Set(reflect.ValueOf(*row.Limit))
				found = true
			}
		}
		if !found {
			panic(fmt.Sprintf("protocol: limit %q has no row with a limit in the field table", f.name))
		}
	}
	return l
}
