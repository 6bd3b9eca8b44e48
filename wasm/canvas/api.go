//go:build js && wasm

package main

import (
	"fmt"
	"math"
	"syscall/js"

	"fashionlab/model"
	"fashionlab/wasm/internal/jsbridge"
	"fashionlab/wasm/protocol"
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
		// The probe runs in Update, like every other change; the page
		// gets its numbers through the returned promise.
		var req labRequest
		var reqErr error
		if len(args) == 0 {
			reqErr = fmt.Errorf("setLab needs an argument")
		} else {
			req, reqErr = labRequestFromJS(args[0])
		}
		return newPromise(func(resolve js.Value) {
			if reqErr != nil {
				g.post(func(s *scene) { s.lab = labView{note: reqErr.Error()} })
				resolve.Invoke(errorObject(reqErr))
				return
			}
			queued := g.post(func(s *scene) {
				v, err := runLab(req)
				if err != nil {
					// Keep the last picture's panels out: they belong
					// to another request.
					s.lab = labView{note: err.Error()}
					resolve.Invoke(errorObject(err))
					return
				}
				s.lab = v
				res := map[string]any{
					"shiftMax": finite(v.result.Shift.Max), "rotateMax": finite(v.result.Rotate.Max),
					"shiftMaxAll": finite(v.result.Shift.MaxAll), "rotateMaxAll": finite(v.result.Rotate.MaxAll),
					"scale": finite(v.result.Scale),
				}
				if v.note != "" {
					res["note"] = v.note
				}
				resolve.Invoke(js.ValueOf(res))
			})
			if !queued {
				resolve.Invoke(errorObject(fmt.Errorf("the lab is busy; try again")))
			}
		})
	}))
	js.Global().Set(protocol.GlobalCanvas, api)
}

// newPromise returns a JavaScript promise that run resolves.
func newPromise(run func(resolve js.Value)) js.Value {
	var executor js.Func
	executor = js.FuncOf(func(_ js.Value, args []js.Value) any {
		executor.Release()
		run(args[0])
		return nil
	})
	return js.Global().Get("Promise").New(executor)
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
		source: v.Get("source").String(), seed: uint64(v.Get("seed").Float()),
	}
	if seed := v.Get("seed").Float(); seed < 0 || seed > 1<<53 || seed != float64(int64(seed)) {
		return r, fmt.Errorf("the seed or channel must be a whole number of 0 or more, got %v", v.Get("seed"))
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
