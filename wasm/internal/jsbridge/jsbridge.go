//go:build js && wasm

// Package jsbridge converts between JavaScript values and the map form of
// package protocol: objects become map[string]any, arrays []any, numbers
// float64, Float32Arrays []float32, Uint8Arrays []byte, and back. Outgoing
// Float32Arrays and Uint8Arrays are collected in a transfer list so
// postMessage moves their buffers instead of copying them.
package jsbridge

import (
	"fmt"
	"unsafe"

	"syscall/js"
)

var (
	object       = js.Global().Get("Object")
	array        = js.Global().Get("Array")
	float32Array = js.Global().Get("Float32Array")
	uint8Array   = js.Global().Get("Uint8Array")
	toString     = object.Get("prototype").Get("toString")
)

// ToGo converts a JavaScript value to the map form. Typed arrays other than
// Float32Array and Uint8Array, functions and symbols become nil.
func ToGo(v js.Value) any {
	switch v.Type() {
	case js.TypeNumber:
		return v.Float()
	case js.TypeString:
		return v.String()
	case js.TypeBoolean:
		return v.Bool()
	case js.TypeObject:
		// Values may come from another realm (the page calling into an
		// iframe), where instanceof fails: ask for the tag instead.
		switch toString.Call("call", v).String() {
		case "[object Float32Array]":
			return Float32s(v)
		case "[object Uint8Array]":
			return Bytes(v)
		}
		if array.Call("isArray", v).Bool() {
			n := v.Length()
			out := make([]any, n)
			for i := range n {
				out[i] = ToGo(v.Index(i))
			}
			return out
		}
		keys := object.Call("keys", v)
		out := make(map[string]any, keys.Length())
		for i := range keys.Length() {
			k := keys.Index(i).String()
			out[k] = ToGo(v.Get(k))
		}
		return out
	}
	return nil
}

// Bytes copies a Uint8Array into Go memory.
func Bytes(v js.Value) []byte {
	b := make([]byte, v.Get("length").Int())
	js.CopyBytesToGo(b, v)
	return b
}

// Float32s copies a Float32Array into Go memory.
func Float32s(v js.Value) []float32 {
	n := v.Get("length").Int()
	out := make([]float32, n)
	if n == 0 {
		return out
	}
	bytes := uint8Array.New(v.Get("buffer"), v.Get("byteOffset"), n*4)
	js.CopyBytesToGo(unsafe.Slice((*byte)(unsafe.Pointer(&out[0])), n*4), bytes)
	return out
}

// NewFloat32Array copies f into a new Float32Array.
func NewFloat32Array(f []float32) js.Value {
	a := float32Array.New(len(f))
	if len(f) > 0 {
		bytes := uint8Array.New(a.Get("buffer"))
		js.CopyBytesToJS(bytes, unsafe.Slice((*byte)(unsafe.Pointer(&f[0])), len(f)*4))
	}
	return a
}

// ToJS converts a map-form value to JavaScript. It returns the value and
// the ArrayBuffers of the typed arrays it created, for postMessage's
// transfer list.
func ToJS(v any) (js.Value, []any) {
	var transfer []any
	out := toJS(v, &transfer)
	return out, transfer
}

func toJS(v any, transfer *[]any) js.Value {
	switch x := v.(type) {
	case nil:
		return js.Null()
	case []float32:
		a := NewFloat32Array(x)
		*transfer = append(*transfer, a.Get("buffer"))
		return a
	case []byte:
		a := uint8Array.New(len(x))
		js.CopyBytesToJS(a, x)
		*transfer = append(*transfer, a.Get("buffer"))
		return a
	case []any:
		a := array.New(len(x))
		for i, e := range x {
			a.SetIndex(i, toJS(e, transfer))
		}
		return a
	case map[string]any:
		o := object.New()
		for k, e := range x {
			o.Set(k, toJS(e, transfer))
		}
		return o
	case string, bool, float64, float32, int, int32, int64, uint8, uint32, uint64:
		return js.ValueOf(x)
	}
	panic(fmt.Sprintf("jsbridge: cannot convert %T", v))
}

// Post sends a map-form message with postMessage on the global scope,
// transferring its typed arrays' buffers.
func Post(msg map[string]any) {
	v, transfer := ToJS(msg)
	js.Global().Call("postMessage", v, js.ValueOf(transfer))
}
