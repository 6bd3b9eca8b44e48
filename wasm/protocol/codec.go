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

// maxExact is the largest integer a JavaScript number holds exactly.
const maxExact = 1<<53 - 1

// field is one wire field of a struct type, from its tags.
type field struct {
	name     string // wire name
	index    []int  // reflect field index path (embedded structs are flattened)
	optional bool   // may be absent on decode (keeps the default)
	omitNil  bool   // an empty slice is left out on encode
	nullable bool   // a number that may be absent or null: NaN
	min, max float64
	oneOf    []string
}

// fieldsOf returns the wire fields of struct type t in declaration order.
func fieldsOf(t reflect.Type) []field {
	var out []field
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		if sf.Anonymous && sf.Type.Kind() == reflect.Struct {
			for _, f := range fieldsOf(sf.Type) {
				f.index = append([]int{i}, f.index...)
				out = append(out, f)
			}
			continue
		}
		name, opts, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		f := field{name: name, index: []int{i}, min: 0, max: maxExact}
		if opts == "omitempty" {
			f.optional, f.omitNil = true, true
		}
		wire := sf.Tag.Get("wire")
		if w, ok := externalWire(t, name); ok {
			wire = w
		}
		for _, o := range strings.Split(wire, ",") {
			key, val, _ := strings.Cut(o, "=")
			switch key {
			case "optional":
				f.optional = true
			case "null":
				f.nullable = true
			case "min":
				f.min, _ = strconv.ParseFloat(val, 64)
			case "max":
				f.max, _ = strconv.ParseFloat(val, 64)
			case "oneof":
				f.oneOf = strings.Split(val, "|")
			}
		}
		out = append(out, f)
	}
	return out
}

// Wire options of the fields of types from other packages, which carry
// json tags only. Configuration and settings numbers are decoded over a
// wide range: their limits are checked by Limits, in plain words.
const (
	formInt    = "min=-2147483648,max=2147483647"
	formNumber = "min=-1e308,max=1e308"
)

// externalWire returns the wire options of field name of type t when t is
// declared outside this package. Those of configuration and settings
// fields come from their rows in the field table (Fields): optional unless
// required, the allowed strings of a choice, wide bounds for a number.
func externalWire(t reflect.Type, name string) (string, bool) {
	switch t {
	case reflect.TypeFor[model.Config](), reflect.TypeFor[train.Settings]():
		f, ok := fieldByName(name)
		opts := []string{}
		if !ok || !f.Required {
			opts = append(opts, "optional")
		}
		switch {
		case !ok:
			opts = append(opts, formInt)
		case f.Kind == KindChoice:
			opts = append(opts, "oneof="+strings.Join(f.ChoiceValues(), "|"))
		case f.Kind == KindNumber && !f.Limit.Integer:
			opts = append(opts, formNumber)
		case f.Kind == KindNumber && f.Limit.Max > math.MaxInt32:
			// A whole number beyond int32 (the seed): the default bounds,
			// 0 to the largest integer a JavaScript number holds.
		case f.Kind == KindNumber, f.Kind == KindList:
			opts = append(opts, formInt)
		}
		return strings.Join(opts, ","), true
	case reflect.TypeFor[train.Epoch]():
		switch name {
		case "epoch":
			return "", true
		case "zero_grad_steps", "steps", "images":
			return "optional", true
		}
		return "null", true // the metrics: NaN travels as null
	}
	return "", false
}

// defaultOf returns the value that absent optional fields of a struct of
// type t keep: train.DefaultSettings for settings, relu and no hidden
// layers for a configuration, the zero value with these defaults in its
// nested structs otherwise.
func defaultOf(t reflect.Type) reflect.Value {
	v := reflect.New(t).Elem()
	switch t {
	case reflect.TypeFor[train.Settings]():
		v.Set(reflect.ValueOf(train.DefaultSettings()))
	case reflect.TypeFor[model.Config]():
		v.Set(reflect.ValueOf(model.Config{Activation: "relu", Hidden: []int{}}))
	default:
		for i := range t.NumField() {
			if t.Field(i).Type.Kind() == reflect.Struct {
				v.Field(i).Set(defaultOf(t.Field(i).Type))
			}
		}
	}
	return v
}

// Encode returns the map form of m: a "kind" field and every field of m
// under its wire name. Slices of float32 stay []float32 and byte slices
// []byte so the sender can turn them into transferable Float32Arrays and
// Uint8Arrays; other lists are []any, nested
// structs map[string]any, integers int, other numbers float64. A nil m,
// or a value whose type is not in the table of kinds, encodes to nil.
func Encode(m Message) map[string]any {
	kind := KindOf(m)
	if kind == "" {
		return nil
	}
	o := encodeStruct(reflect.ValueOf(m))
	o["kind"] = kind
	return o
}

func encodeStruct(v reflect.Value) map[string]any {
	o := map[string]any{}
	for _, f := range fieldsOf(v.Type()) {
		fv := v.FieldByIndex(f.index)
		if f.omitNil && fv.Kind() == reflect.Slice && fv.Len() == 0 {
			continue
		}
		o[f.name] = encodeValue(fv)
	}
	return o
}

func encodeValue(v reflect.Value) any {
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return int(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(v.Uint())
	case reflect.Float32, reflect.Float64:
		return v.Float()
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return v.Bool()
	case reflect.Struct:
		return encodeStruct(v)
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			b := v.Bytes()
			if b == nil {
				b = []byte{}
			}
			return b
		}
		if v.Type().Elem().Kind() == reflect.Float32 {
			f := v.Interface().([]float32)
			if f == nil {
				f = []float32{}
			}
			return f
		}
		out := make([]any, v.Len())
		for i := range out {
			out[i] = encodeValue(v.Index(i))
		}
		return out
	}
	panic(fmt.Sprintf("protocol: cannot encode a %s", v.Type()))
}

// Decode reads a message from its map form: the kind must be in the table
// of kinds, required fields present, every field of the right type, numbers
// integers where the field is, inside the bounds of its wire tag, strings
// one of the allowed values, and no field unknown. The error names the
// kind and the field at fault ("protocol: start.settings.batch_size: want
// an integer, got 1.5"). Decode does not judge whether a configuration and
// its settings can train; Limits.ReviewForm does, in plain words.
func Decode(form map[string]any) (Message, error) {
	if form == nil {
		return nil, fmt.Errorf("protocol: message is empty")
	}
	raw, ok := form["kind"]
	if !ok || raw == nil {
		return nil, fmt.Errorf("protocol: message has no kind")
	}
	kind, ok := raw.(string)
	if !ok {
		return nil, fmt.Errorf("protocol: message kind must be a string, got %s", typeName(raw))
	}
	s, ok := specOf(kind)
	if !ok {
		return nil, fmt.Errorf("protocol: unknown message kind %q", kind)
	}
	v := defaultOf(s.Type)
	if err := decodeStruct(v, form, kind, true); err != nil {
		return nil, err
	}
	return v.Interface().(Message), nil
}

// DecodeCommand is Decode restricted to commands.
func DecodeCommand(form map[string]any) (Message, error) {
	if kind, ok := form["kind"].(string); ok {
		if s, ok := specOf(kind); ok && !s.Command {
			return nil, fmt.Errorf("protocol: %q is an event, not a command", kind)
		}
	}
	m, err := Decode(form)
	if err != nil {
		return nil, err
	}
	if k := KindOf(m); !IsCommand(k) {
		return nil, fmt.Errorf("protocol: %q is an event, not a command", k)
	}
	return m, nil
}

// decodeStruct fills v from the object o; path names o in errors.
func decodeStruct(v reflect.Value, o map[string]any, path string, top bool) error {
	fields := fieldsOf(v.Type())
	for k := range o {
		if top && k == "kind" {
			continue
		}
		if !slices.ContainsFunc(fields, func(f field) bool { return f.name == k }) {
			names := make([]string, len(fields))
			for i, f := range fields {
				names[i] = f.name
			}
			return fmt.Errorf("protocol: %s.%s: unknown field (known fields: %s)", path, k, strings.Join(names, ", "))
		}
	}
	for _, f := range fields {
		fv := v.FieldByIndex(f.index)
		p := path + "." + f.name
		raw, ok := o[f.name]
		if !ok || raw == nil {
			switch {
			case f.nullable:
				fv.SetFloat(math.NaN())
			case !f.optional:
				return fmt.Errorf("protocol: %s: missing", p)
			}
			continue
		}
		if err := decodeValue(fv, raw, f, p); err != nil {
			return err
		}
	}
	return nil
}

func decodeValue(v reflect.Value, raw any, f field, path string) error {
	switch v.Kind() {
	case reflect.Int, reflect.Int64:
		n, err := decodeInt(raw, f, path)
		v.SetInt(n)
		return err
	case reflect.Uint64:
		n, err := decodeInt(raw, f, path)
		if err == nil && n < 0 {
			err = fmt.Errorf("protocol: %s: %d is negative", path, n)
		}
		v.SetUint(uint64(n))
		return err
	case reflect.Float64:
		x, ok := toFloat(raw)
		if !ok {
			return fmt.Errorf("protocol: %s: want a number, got %s", path, typeName(raw))
		}
		if f.min != 0 || f.max != maxExact { // a bounded number
			if !(x >= f.min && x <= f.max) {
				return fmt.Errorf("protocol: %s: %g is out of range [%g, %g]", path, x, f.min, f.max)
			}
		}
		v.SetFloat(x)
	case reflect.String:
		s, ok := raw.(string)
		if !ok {
			return fmt.Errorf("protocol: %s: want a string, got %s", path, typeName(raw))
		}
		if f.oneOf != nil && !slices.Contains(f.oneOf, s) {
			return fmt.Errorf("protocol: %s: %q is not one of %s", path, s, strings.Join(f.oneOf, ", "))
		}
		v.SetString(s)
	case reflect.Bool:
		b, ok := raw.(bool)
		if !ok {
			return fmt.Errorf("protocol: %s: want true or false, got %s", path, typeName(raw))
		}
		v.SetBool(b)
	case reflect.Struct:
		o, ok := raw.(map[string]any)
		if !ok {
			return fmt.Errorf("protocol: %s: want an object, got %s", path, typeName(raw))
		}
		d := defaultOf(v.Type())
		if err := decodeStruct(d, o, path, false); err != nil {
			return err
		}
		v.Set(d)
	case reflect.Slice:
		return decodeSlice(v, raw, f, path)
	default:
		return fmt.Errorf("protocol: %s: cannot decode a %s", path, v.Type())
	}
	return nil
}

func decodeSlice(v reflect.Value, raw any, f field, path string) error {
	elem := v.Type().Elem()
	if elem.Kind() == reflect.Uint8 {
		b, ok := raw.([]byte)
		if !ok {
			return fmt.Errorf("protocol: %s: want a Uint8Array, got %s", path, typeName(raw))
		}
		v.SetBytes(slices.Clone(b))
		return nil
	}
	if f.omitNil && reflect.ValueOf(raw).Kind() == reflect.Slice && reflect.ValueOf(raw).Len() == 0 {
		// Encode leaves an empty one out, and an absent one is nil:
		// decode an empty one as nil too, so that a message survives a
		// trip through Encode unchanged.
		v.Set(reflect.Zero(v.Type()))
		return nil
	}
	switch x := raw.(type) {
	case []float32:
		if elem.Kind() != reflect.Float32 {
			break
		}
		v.Set(reflect.ValueOf(x))
		return nil
	case []int:
		if elem.Kind() != reflect.Int {
			break
		}
		for i, n := range x {
			if _, err := decodeInt(n, f, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		v.Set(reflect.ValueOf(slices.Clone(x)))
		return nil
	case []any:
		out := reflect.MakeSlice(v.Type(), len(x), len(x))
		for i, e := range x {
			p := fmt.Sprintf("%s[%d]", path, i)
			if elem.Kind() == reflect.Float32 {
				n, ok := toFloat(e)
				if !ok {
					return fmt.Errorf("protocol: %s: want a number, got %s", p, typeName(e))
				}
				out.Index(i).SetFloat(n)
				continue
			}
			if e == nil {
				return fmt.Errorf("protocol: %s: missing", p)
			}
			if err := decodeValue(out.Index(i), e, f, p); err != nil {
				return err
			}
		}
		v.Set(out)
		return nil
	}
	want := "an array"
	if elem.Kind() == reflect.Float32 {
		want = "a Float32Array"
	}
	return fmt.Errorf("protocol: %s: want %s, got %s", path, want, typeName(raw))
}

// decodeInt reads an integer within the field's bounds.
func decodeInt(raw any, f field, path string) (int64, error) {
	x, ok := toFloat(raw)
	switch {
	case !ok:
		return 0, fmt.Errorf("protocol: %s: want an integer, got %s", path, typeName(raw))
	case x != math.Trunc(x) || math.IsInf(x, 0):
		return 0, fmt.Errorf("protocol: %s: want an integer, got %g", path, x)
	case x < f.min || x > f.max:
		return 0, fmt.Errorf("protocol: %s: %g is out of range [%g, %g]", path, x, f.min, f.max)
	}
	return int64(x), nil
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	}
	return 0, false
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case float64, float32, int, int64:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	case []float32:
		return "a Float32Array"
	case []byte:
		return "a Uint8Array"
	}
	return fmt.Sprintf("%T", v)
}
