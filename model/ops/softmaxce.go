package ops

import (
	"fmt"
	"math"

	"github.com/nlpodyssey/spago/ag"
	"github.com/nlpodyssey/spago/mat"
)

// ProbabilityFloor is the lower clamp of the softmax probabilities in the
// homework's loss. The upper clamp, 1 − 1e-9, rounds to 1 in float32 and so
// never acts.
const ProbabilityFloor = 1e-9

// SoftmaxCrossEntropy is the homework's loss over a batch: p = softmax of
// each row of the logits, clamped to [1e-9, 1 − 1e-9]; the loss is the batch
// mean of −log p[label]. It is fused: the gradient with respect to the
// logits of a row is (p − onehot(label))/batch, and exactly 0 for a row whose
// p[label] was clamped (the clamp has no gradient there), as in PyTorch.
type SoftmaxCrossEntropy struct {
	logits mat.Tensor
	labels []uint8
	ws     *Workspace
	batch  int
	width  int
	probs  []float32
	// Clamped counts the rows whose probability of the true class fell
	// below the floor in the last forward pass; their gradient is zero.
	Clamped int
	// Correct counts the rows whose largest probability (first one on ties)
	// is the true class.
	Correct int
}

// NewSoftmaxCrossEntropy returns the loss op of logits (batch × classes)
// against labels. It panics if the label count differs from the batch size
// or a label is out of range.
func NewSoftmaxCrossEntropy(ws *Workspace, logits mat.Tensor, labels []uint8) *SoftmaxCrossEntropy {
	batch, width := rowsCols(logits)
	if len(labels) != batch {
		panic(fmt.Sprintf("ops: %d labels for a batch of %d", len(labels), batch))
	}
	for _, l := range labels {
		if int(l) >= width {
			panic(fmt.Sprintf("ops: label %d out of range for %d classes", l, width))
		}
	}
	return &SoftmaxCrossEntropy{logits: logits, labels: labels, ws: ws, batch: batch, width: width}
}

// Loss adds the loss to the graph and returns the op too, so its
// probabilities and counts can be read after the forward pass.
func Loss(ws *Workspace, logits mat.Tensor, labels []uint8) (mat.Tensor, *SoftmaxCrossEntropy) {
	op := NewSoftmaxCrossEntropy(ws, logits, labels)
	return ag.NewOperator(op).Run(), op
}

// Operands returns the logits.
func (s *SoftmaxCrossEntropy) Operands() []mat.Tensor { return []mat.Tensor{s.logits} }

// Probabilities returns the softmax of the last forward pass, batch × classes
// (not clamped).
func (s *SoftmaxCrossEntropy) Probabilities() []float32 { return s.probs }

// Forward computes the mean loss as a 1×1 matrix.
func (s *SoftmaxCrossEntropy) Forward() (mat.Tensor, error) {
	z := data(s.logits)
	s.probs = s.ws.Floats("ce.p", len(z))
	s.Clamped, s.Correct = 0, 0
	var total float64
	for r := 0; r < s.batch; r++ {
		row := z[r*s.width : (r+1)*s.width]
		p := s.probs[r*s.width : (r+1)*s.width]
		maxv := row[0]
		for _, v := range row[1:] {
			if v > maxv || v != v {
				maxv = v
			}
		}
		var sum float32
		for j, v := range row {
			e := float32(math.Exp(float64(v - maxv)))
			p[j] = e
			sum += e
		}
		best := 0
		for j := range p {
			p[j] /= sum
			if p[j] > p[best] {
				best = j
			}
		}
		label := int(s.labels[r])
		if best == label {
			s.Correct++
		}
		py := p[label]
		if py < ProbabilityFloor {
			s.Clamped++
			py = ProbabilityFloor
		}
		if py > 1 {
			py = 1
		}
		// A NaN probability passes both clamps and makes the loss NaN, as it should.
		total -= math.Log(float64(py))
	}
	loss := float32(total / float64(s.batch))
	return NewValue([]float32{loss}, 1, 1), nil
}

// Backward propagates the scalar output gradient to the logits.
func (s *SoftmaxCrossEntropy) Backward(gy mat.Tensor) error {
	if !s.logits.RequiresGrad() {
		return nil
	}
	scale := data(gy)[0] / float32(s.batch)
	gx := s.ws.Floats("ce.gx", s.batch*s.width)
	for r := 0; r < s.batch; r++ {
		p := s.probs[r*s.width : (r+1)*s.width]
		g := gx[r*s.width : (r+1)*s.width]
		label := int(s.labels[r])
		if p[label] < ProbabilityFloor {
			clear(g)
			continue
		}
		for j, v := range p {
			g[j] = v * scale
		}
		g[label] -= scale
	}
	s.logits.AccGrad(Matrix(gx, s.batch, s.width))
	return nil
}
