package protocol

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// object is a message or nested object in map form.
type object = map[string]any

// reader reads the fields of one object and keeps the first error, so that
// decoders read every field in a row and check once. path names the object
// in errors ("start.settings").
type reader struct {
	obj  object
	path string
	seen map[string]bool
	err  error
	// parent is the reader of the enclosing object; errors propagate to it.
	parent *reader
}

func (r *reader) fail(field, msg string) {
	err := fmt.Errorf("protocol: %s.%s: %s", r.path, field, msg)
	for p := r; p != nil; p = p.parent {
		if p.err == nil {
			p.err = err
		}
	}
}

func (r *reader) has(field string) bool {
	_, ok := r.obj[field]
	return ok
}

func (r *reader) get(field string) (any, bool) {
	if r.seen == nil {
		r.seen = map[string]bool{}
	}
	r.seen[field] = true
	v, ok := r.obj[field]
	if ok && v == nil {
		return nil, false // null or undefined counts as absent
	}
	return v, ok
}

// done reports fields that no decoder read: a misspelt field in a
// configuration should not be silently ignored.
func (r *reader) done() {
	var extra []string
	for k := range r.obj {
		if !r.seen[k] {
			extra = append(extra, k)
		}
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		r.fail(extra[0], fmt.Sprintf("unknown field (known fields: %s)", strings.Join(r.known(), ", ")))
	}
}

func (r *reader) known() []string {
	var k []string
	for f := range r.seen {
		k = append(k, f)
	}
	sort.Strings(k)
	return k
}

// sub returns a reader for a nested object, or nil after recording an error.
func (r *reader) sub(field string, v any) *reader {
	o, ok := v.(map[string]any)
	if !ok {
		r.fail(field, "want an object, got "+typeName(v))
		return nil
	}
	return &reader{obj: o, path: r.path + "." + field, parent: r}
}

// object returns a reader for a nested object field, or nil when it is
// absent (an error if required) or not an object.
func (r *reader) object(field string, required bool) *reader {
	v, ok := r.get(field)
	if !ok {
		if required {
			r.fail(field, "missing")
		}
		return nil
	}
	return r.sub(field, v)
}

func (r *reader) number(field string, allowNull bool) float64 {
	v, ok := r.get(field)
	if !ok {
		if allowNull {
			return math.NaN()
		}
		r.fail(field, "missing")
		return 0
	}
	f, ok := toFloat(v)
	if !ok {
		r.fail(field, "want a number, got "+typeName(v))
	}
	return f
}

// int reads an integer in [lo, hi]. A negative def makes the field
// required; otherwise an absent field gives def.
func (r *reader) int(field string, def, lo, hi int) int {
	v, ok := r.get(field)
	if !ok {
		if def < 0 {
			r.fail(field, "missing")
		}
		return def
	}
	return r.checkInt(field, v, lo, hi)
}

func (r *reader) checkInt(field string, v any, lo, hi int) int {
	f, ok := toFloat(v)
	switch {
	case !ok:
		r.fail(field, "want an integer, got "+typeName(v))
	case f != math.Trunc(f) || math.IsInf(f, 0):
		r.fail(field, fmt.Sprintf("want an integer, got %g", f))
	case f < float64(lo) || f > float64(hi):
		r.fail(field, fmt.Sprintf("%g is out of range [%d, %d]", f, lo, hi))
	default:
		return int(f)
	}
	return 0
}

func (r *reader) string(field string, required bool) string {
	v, ok := r.get(field)
	if !ok {
		if required {
			r.fail(field, "missing")
		}
		return ""
	}
	s, ok := v.(string)
	if !ok {
		r.fail(field, "want a string, got "+typeName(v))
	}
	return s
}

func (r *reader) oneOf(field string, allowed ...string) string {
	s := r.string(field, true)
	for _, a := range allowed {
		if s == a {
			return s
		}
	}
	if r.err == nil {
		r.fail(field, fmt.Sprintf("%q is not one of %s", s, strings.Join(allowed, ", ")))
	}
	return s
}

func (r *reader) bool(field string) bool {
	v, _ := r.get(field)
	b, ok := v.(bool)
	if !ok {
		r.fail(field, "want true or false, got "+typeName(v))
	}
	return b
}

func (r *reader) list(field string) []any {
	v, ok := r.get(field)
	if !ok {
		return nil
	}
	l, ok := v.([]any)
	if !ok {
		r.fail(field, "want an array, got "+typeName(v))
	}
	return l
}

// ints reads an optional array of integers in [lo, hi]; absent gives nil.
func (r *reader) ints(field string, lo, hi int) []int {
	v, ok := r.get(field)
	if !ok {
		return nil
	}
	switch l := v.(type) {
	case []int:
		for _, x := range l {
			r.checkInt(field, x, lo, hi)
		}
		return l
	case []any:
		out := make([]int, len(l))
		for i, x := range l {
			out[i] = r.checkInt(fmt.Sprintf("%s[%d]", field, i), x, lo, hi)
		}
		return out
	}
	r.fail(field, "want an array of integers, got "+typeName(v))
	return nil
}

func (r *reader) strings(field string) []string {
	l := r.list(field)
	out := make([]string, len(l))
	for i, x := range l {
		s, ok := x.(string)
		if !ok {
			r.fail(fmt.Sprintf("%s[%d]", field, i), "want a string, got "+typeName(x))
		}
		out[i] = s
	}
	return out
}

// float32s reads a required Float32Array (or, leniently, an array of
// numbers).
func (r *reader) float32s(field string) []float32 {
	v, ok := r.get(field)
	if !ok {
		r.fail(field, "missing")
		return nil
	}
	switch l := v.(type) {
	case []float32:
		return l
	case []any:
		out := make([]float32, len(l))
		for i, x := range l {
			f, ok := toFloat(x)
			if !ok {
				r.fail(fmt.Sprintf("%s[%d]", field, i), "want a number, got "+typeName(x))
			}
			out[i] = float32(f)
		}
		return out
	}
	r.fail(field, "want a Float32Array, got "+typeName(v))
	return nil
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
	}
	return fmt.Sprintf("%T", v)
}
