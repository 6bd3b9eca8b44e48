//go:build js && wasm

package main

import (
	"fmt"
	"math"
	"syscall/js"

	"fashionlab/model"
	"fashionlab/wasm/internal/jsbridge"
)

// registerAPI installs window.fashionlabCanvas.
func registerAPI(g *game) {
	api := js.Global().Get("Object").New()
	api.Set("setMode", js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) > 0 {
			mode := args[0].String()
			if mode == modeMaps || mode == modeLab {
				g.post(func(s *scene) { s.mode = mode })
			}
		}
		return nil
	}))
	api.Set("setMaps", js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) == 0 {
			return nil
		}
		v := args[0]
		maps := mapsFromJS(v)
		g.post(func(s *scene) { s.maps = maps })
		return nil
	}))
	api.Set("setLab", js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) == 0 {
			return errorObject(fmt.Errorf("setLab needs an argument"))
		}
		req, err := labRequestFromJS(args[0])
		if err != nil {
			return errorObject(err)
		}
		// The probe is a few small convolutions: compute it here so the
		// page gets the numbers at once; the game only draws it.
		res, err := runLab(req)
		if err != nil {
			return errorObject(err)
		}
		g.post(func(s *scene) { s.lab = res })
		return js.ValueOf(map[string]any{
			"shiftMax": finite(res.Shift.Max), "rotateMax": finite(res.Rotate.Max),
			"shiftMaxAll": finite(res.Shift.MaxAll), "rotateMaxAll": finite(res.Rotate.MaxAll),
			"scale": finite(res.Scale),
		})
	}))
	js.Global().Set("fashionlabCanvas", api)
}

func errorObject(err error) js.Value {
	return js.ValueOf(map[string]any{"error": err.Error()})
}

// finite maps NaN (an empty interior) to -1 for JSON-friendly numbers.
func finite(f float64) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return -1
	}
	return f
}

func mapsFromJS(v js.Value) *mapsView {
	mv := &mapsView{label: v.Get("label").Int(), pred: v.Get("pred").Int()}
	mv.image = jsbridge.Float32s(v.Get("image"))
	layers := v.Get("maps")
	for i := range layers.Length() {
		l := layers.Index(i)
		mv.layers = append(mv.layers, featureMaps{h: l.Get("h").Int(), w: l.Get("w").Int(), c: l.Get("c").Int(), data: jsbridge.Float32s(l.Get("data"))})
	}
	return mv
}

func labRequestFromJS(v js.Value) (labRequest, error) {
	r := labRequest{
		dx: v.Get("dx").Int(), dy: v.Get("dy").Int(), degrees: v.Get("degrees").Float(),
		source: v.Get("source").String(), seed: uint64(max(0, v.Get("seed").Int())),
	}
	if img := v.Get("image"); img.Truthy() {
		r.image = jsbridge.Float32s(img)
	}
	if len(r.image) != model.ImageSize*model.ImageSize {
		return r, fmt.Errorf("the lab needs a 28x28 image, got %d pixels", len(r.image))
	}
	if r.source == sourceTrained {
		form, ok := jsbridge.ToGo(v.Get("config")).(map[string]any)
		if !ok {
			return r, fmt.Errorf("the trained layer needs the network's configuration")
		}
		cfg, err := configFromForm(form)
		if err != nil {
			return r, err
		}
		r.config = cfg
		r.weight = jsbridge.Float32s(v.Get("weight"))
		r.bias = jsbridge.Float32s(v.Get("bias"))
	}
	return r, nil
}
