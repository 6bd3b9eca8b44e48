//go:build js && wasm

package main

import (
	"fmt"

	"fashionlab/model"
	"fashionlab/model/equivariance"
	"fashionlab/model/parallel"
	"fashionlab/wasm/protocol"
)

// Sources of the lab's f.
const (
	sourceRandom  = "random"  // the homework's random 3×3 conv, twice
	sourceTrained = "trained" // the trained network's first layer
)

// labRequest is what the page asks the lab to show.
type labRequest struct {
	image   []float32 // 784 pixels in [0, 1]
	dx, dy  int
	degrees float64
	source  string
	seed    uint64 // the random conv's seed, or the trained layer's channel

	// For sourceTrained: the network and its first layer's parameters.
	config       model.Config
	weight, bias []float32
}

// runLab runs the equivariance probe for a request. The view's note says
// why the panels are empty when f(x) is zero everywhere (relu removed
// every value), where 0 differences would otherwise read as perfect
// equivariance.
func runLab(r labRequest) (labView, error) {
	res, err := probe(r)
	if err != nil {
		return labView{}, err
	}
	v := labView{result: res}
	if res.Scale == 0 {
		what := fmt.Sprintf("the random convolution of seed %d", r.seed)
		if r.source == sourceTrained {
			what = fmt.Sprintf("channel %d of the trained first layer", r.seed)
		}
		v.note = fmt.Sprintf("f(x) is 0 everywhere: %s gives only negative values on this image and relu sets them to 0, so there is nothing to compare. Try another %s.", what, map[bool]string{true: "channel", false: "seed"}[r.source == sourceTrained])
	}
	return v, nil
}

// probe runs the equivariance probe for a request.
func probe(r labRequest) (equivariance.Result, error) {
	x := equivariance.Map{H: model.ImageSize, W: model.ImageSize, Pix: r.image}
	var f equivariance.Model
	switch r.source {
	case sourceRandom:
		f = equivariance.HomeworkModel(equivariance.RandomConv(r.seed))
	case sourceTrained:
		net, err := model.New(r.config, 0, parallel.New(1))
		if err != nil {
			return equivariance.Result{}, err
		}
		params := net.Params()
		if len(params) < 2 || len(params[0].Values()) != len(r.weight) || len(params[1].Values()) != len(r.bias) {
			return equivariance.Result{}, fmt.Errorf("the weights do not fit the network's first layer")
		}
		copy(params[0].Values(), r.weight)
		copy(params[1].Values(), r.bias)
		if r.seed >= uint64(r.config.Channels[0]) {
			return equivariance.Result{}, fmt.Errorf("channel %d does not exist: the first layer has %d channels, numbered 0 to %d", r.seed, r.config.Channels[0], r.config.Channels[0]-1)
		}
		if s := r.config.Strides; len(s) > 0 && s[0] != 1 {
			return equivariance.Result{}, fmt.Errorf("This network's first layer moves its filter %d pixels at a time (stride %d), so its output cannot follow a shift of one pixel; the lab compares first layers of stride 1. Choose f = random, or a CNN whose first stride is 1", s[0], s[0])
		}
		if f, err = equivariance.FirstLayer(net, int(r.seed)); err != nil {
			return equivariance.Result{}, err
		}
	default:
		return equivariance.Result{}, fmt.Errorf("unknown source %q (want random or trained)", r.source)
	}
	return equivariance.Probe(x, f, equivariance.Options{DX: r.dx, DY: r.dy, Degrees: r.degrees})
}

// configFromForm reads a network configuration in the protocol's map form.
func configFromForm(form map[string]any) (model.Config, error) {
	m, err := protocol.Decode(map[string]any{"kind": protocol.KindCount, "id": 0.0, "config": form})
	if err != nil {
		return model.Config{}, err
	}
	return m.(protocol.Count).Config, nil
}
