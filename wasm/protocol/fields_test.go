package protocol

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"fashionlab/model"
	"fashionlab/model/train"
)

// TestEveryFieldOfTheConfigurationAndSettingsHasARow fails when a field
// is added to model.Config, train.Settings or the start command's form
// fields without a row in the field table, and when a row names no field.
func TestEveryFieldOfTheConfigurationAndSettingsHasARow(t *testing.T) {
	rows := map[string]Field{}
	for _, f := range Fields(100) {
		if _, twice := rows[f.Name]; twice {
			t.Errorf("field %q has two rows", f.Name)
		}
		rows[f.Name] = f
	}
	want := map[string]string{"max_steps": SectionStart}
	for _, sec := range []struct {
		name string
		t    reflect.Type
	}{{SectionConfig, reflect.TypeFor[model.Config]()}, {SectionSettings, reflect.TypeFor[train.Settings]()}} {
		for i := range sec.t.NumField() {
			name, _, _ := strings.Cut(sec.t.Field(i).Tag.Get("json"), ",")
			if name == "" || name == "-" {
				t.Errorf("%s.%s has no JSON name", sec.t, sec.t.Field(i).Name)
				continue
			}
			want[name] = sec.name
		}
	}
	for name, section := range want {
		f, ok := rows[name]
		switch {
		case !ok:
			t.Errorf("field %q (%s) has no row in the field table (protocol.Fields)", name, section)
		case f.Section != section:
			t.Errorf("field %q: section %q, want %q", name, f.Section, section)
		}
	}
	for name := range rows {
		if _, ok := want[name]; !ok {
			t.Errorf("row %q names no field of model.Config, train.Settings or start", name)
		}
	}
}

func TestEveryRowIsComplete(t *testing.T) {
	for _, f := range Fields(100) {
		if f.Label == "" {
			t.Errorf("%s: no label", f.Name)
		}
		if f.When != nil {
			c, ok := fieldByName(f.When.Field)
			if !ok || c.Kind != KindChoice || !slices.Contains(c.ChoiceValues(), f.When.Value) {
				t.Errorf("%s applies when %s is %q, which is not a choice of the table", f.Name, f.When.Field, f.When.Value)
			}
		}
		switch f.Kind {
		case KindChoice:
			if len(f.Choices) < 2 || f.Limit != nil {
				t.Errorf("%s: a choice needs two choices or more and no limit: %+v", f.Name, f)
			}
		case KindList, KindNumber:
			if f.Limit == nil || !(f.Limit.Min <= f.Limit.Max) || f.Limit.Label != f.Label || (f.Kind == KindList) != (f.Limit.MaxLen > 0) {
				t.Errorf("%s: a %s needs a limit with its label (and a layer count for a list): %+v", f.Name, f.Kind, f.Limit)
			}
		case KindBoolean:
			if f.Limit != nil || f.Choices != nil {
				t.Errorf("%s: a boolean has no limit or choices", f.Name)
			}
		default:
			t.Errorf("%s: unknown kind %q", f.Name, f.Kind)
		}
	}
}

func TestChoicesComeFromTheRegistries(t *testing.T) {
	tests := []struct {
		name string
		want []string
	}{
		{"net", []string{model.MLP, model.CNN}},
		{"activation", model.ActivationNames()},
		{"optimizer", train.OptimizerNames()},
	}
	for _, tt := range tests {
		f, ok := fieldByName(tt.name)
		if !ok || !slices.Equal(f.ChoiceValues(), tt.want) {
			t.Errorf("%s: choices %v, want %v", tt.name, f.ChoiceValues(), tt.want)
		}
	}
}

// TestTheDecoderAllowsTheTablesChoices checks that codec.go takes its
// allowed strings from the field table: each choice decodes, and a value
// that is not a choice is refused.
func TestTheDecoderAllowsTheTablesChoices(t *testing.T) {
	for _, f := range Fields(100) {
		if f.Kind != KindChoice {
			continue
		}
		values := append(f.ChoiceValues(), "not-a-"+f.Name)
		for i, v := range values {
			config, settings := map[string]any{"net": "mlp", "dense_hiddens": []any{}}, map[string]any{}
			form := map[string]any{"kind": "start", "run": 1, "config": config, "settings": settings}
			obj := config
			if f.Section == SectionSettings {
				obj = settings
			}
			obj[f.Name] = v
			if f.Name == "net" && v == model.CNN {
				for _, k := range []string{"n_channels", "kernel_sizes", "strides", "paddings"} {
					obj[k] = []any{3}
				}
			}
			_, err := Decode(form)
			if last := i == len(values)-1; (err == nil) == last {
				t.Errorf("%s = %q: error %v", f.Name, v, err)
			}
		}
	}
}

func TestBrowserLimitsAreTheTablesLimits(t *testing.T) {
	l := BrowserLimits(777)
	for _, lf := range l.limitedFields() {
		i := slices.IndexFunc(Fields(777), func(r Field) bool { return r.Name == lf.name })
		if i < 0 || Fields(777)[i].Limit == nil || *Fields(777)[i].Limit != lf.r {
			t.Errorf("limit %q = %+v, want the table's row's limit", lf.name, lf.r)
		}
	}
	limited := map[string]bool{}
	for _, lf := range l.limitedFields() {
		limited[lf.name] = true
	}
	for _, f := range Fields(777) {
		if f.Limit != nil && !limited[f.Name] {
			t.Errorf("row %q has a limit but Limits has no field %q: the worker would not check it", f.Name, f.Name)
		}
	}
	if l.TrainLimit.Max != 777 {
		t.Errorf("train_limit max = %g, want the subset's 777 images", l.TrainLimit.Max)
	}
}
