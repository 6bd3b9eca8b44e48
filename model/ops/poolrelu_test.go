package ops

import (
	"github.com/nlpodyssey/spago/ag"
	"github.com/nlpodyssey/spago/mat"

	"fashionlab/model/parallel"
)

// The pools with relu fused in, as the fused convolutions run them, on
// their own: the tests check them against the unfused ops.

// MaxPoolReLU adds relu(maxpool(x)), the same as maxpool(relu(x)), to the
// graph as one op.
func MaxPoolReLU(pool *parallel.Pool, ws *Workspace, geom PoolGeometry, x mat.Tensor) mat.Tensor {
	p := NewMaxPool2D(pool, ws, geom, x)
	p.relu = true
	return ag.NewOperator(p).Run()
}

// AdaptiveMaxPoolReLU adds relu(adaptivemaxpool(x)), the same as
// adaptivemaxpool(relu(x)), to the graph as one op.
func AdaptiveMaxPoolReLU(pool *parallel.Pool, ws *Workspace, geom PoolGeometry, outH, outW int, x mat.Tensor) mat.Tensor {
	p := NewAdaptiveMaxPool2D(pool, ws, geom, outH, outW, x)
	p.relu = true
	return ag.NewOperator(p).Run()
}
