package equivariance

import (
	"math"
	"math/rand/v2"
	"testing"

	"fashionlab/model"
	"fashionlab/model/parallel"
)

// randomMap returns an h×w map of values uniform in [0, 1].
func randomMap(h, w int, seed uint64) Map {
	rng := rand.New(rand.NewPCG(seed, 1))
	m := NewMap(h, w)
	for i := range m.Pix {
		m.Pix[i] = rng.Float32()
	}
	return m
}

// blob returns a 28×28 image with a bright off-centre shape that reaches
// the right and bottom borders, like a garment cut off by the frame.
func blob() Map {
	m := NewMap(28, 28)
	for y := range 28 {
		for x := range 28 {
			dy, dx := float64(y-16), float64(x-15)
			if v := 1 - (dy*dy+dx*dx/2)/150; v > 0 {
				m.Pix[y*28+x] = float32(v)
			}
		}
	}
	return m
}

// directConv is an independent float64 cross-correlation with a 3×3
// kernel, no padding.
func directConv(m Map, w [9]float32, b float32) Map {
	out := NewMap(m.H-2, m.W-2)
	for y := 0; y < out.H; y++ {
		for x := 0; x < out.W; x++ {
			s := float64(b)
			for i := 0; i < 9; i++ {
				s += float64(w[i]) * float64(m.Pix[(y+i/3)*m.W+x+i%3])
			}
			out.Pix[y*out.W+x] = float32(s)
		}
	}
	return out
}

func maxAbsDiff(t *testing.T, a, b Map) float64 {
	t.Helper()
	if a.H != b.H || a.W != b.W {
		t.Fatalf("sizes differ: %dx%d and %dx%d", a.H, a.W, b.H, b.W)
	}
	var d float64
	for i := range a.Pix {
		d = max(d, math.Abs(float64(a.Pix[i])-float64(b.Pix[i])))
	}
	return d
}

func equal(a, b Map) bool {
	if a.H != b.H || a.W != b.W {
		return false
	}
	for i := range a.Pix {
		if a.Pix[i] != b.Pix[i] {
			return false
		}
	}
	return true
}

func allEqual(w float32) Conv {
	var c Conv
	for i := range c.Weight {
		c.Weight[i] = w
	}
	c.Bias = 0.02
	return c
}

func TestConvAgreesWithADirectLoop(t *testing.T) {
	centre := Conv{Bias: 0.5}
	centre.Weight[4] = 2
	tests := []struct {
		name string
		conv Conv
		in   Map
	}{
		{"a random convolution on a random image", RandomConv(1), randomMap(28, 28, 1)},
		{"another random convolution on a non-square map", RandomConv(2), randomMap(9, 13, 2)},
		{"an all-equal kernel on the blob", allEqual(0.1), blob()},
		{"a centre-pixel kernel on a 3x4 map", centre, randomMap(3, 4, 3)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.conv.Apply(tt.in)
			if got.H != tt.in.H-2 || got.W != tt.in.W-2 {
				t.Fatalf("Apply gave %dx%d for a %dx%d map", got.H, got.W, tt.in.H, tt.in.W)
			}
			if d := maxAbsDiff(t, got, directConv(tt.in, tt.conv.Weight, tt.conv.Bias)); d > 1e-6 {
				t.Errorf("Apply differs from the direct loop by %g", d)
			}
		})
	}
	t.Run("the centre-pixel kernel doubles the inner pixels and adds the bias", func(t *testing.T) {
		in := Map{H: 3, W: 4, Pix: []float32{0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0}}
		got := centre.Apply(in)
		if want := (Map{H: 1, W: 2, Pix: []float32{2.5, 4.5}}); !equal(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	})
}

func TestRandomConvIsSeededAndUsesPyTorchsBound(t *testing.T) {
	a, b, c := RandomConv(197331), RandomConv(197331), RandomConv(197332)
	if a != b {
		t.Error("the same seed gave two different convolutions")
	}
	if a == c {
		t.Error("two seeds gave the same convolution")
	}
	for seed := range uint64(50) {
		c := RandomConv(seed)
		for _, v := range append(c.Weight[:], c.Bias) {
			if math.Abs(float64(v)) > 1.0/3 {
				t.Fatalf("seed %d: value %g outside ±1/3", seed, v)
			}
		}
	}
}

func TestShiftAndInverseShiftRestoreTheInterior(t *testing.T) {
	m := randomMap(28, 28, 7)
	for _, s := range []struct{ dx, dy int }{{5, 5}, {-3, 2}, {0, -4}, {7, 0}, {0, 0}} {
		back := Shift(Shift(m, s.dx, s.dy), -s.dx, -s.dy)
		for y := range m.H {
			for x := range m.W {
				// Pixels pushed out of the frame by the first shift are lost.
				in := y >= max(-s.dy, 0) && y < m.H-max(s.dy, 0) && x >= max(-s.dx, 0) && x < m.W-max(s.dx, 0)
				got, orig := back.At(y, x), m.At(y, x)
				switch {
				case in && got != orig:
					t.Fatalf("shift %v: pixel (%d, %d) = %g after the round trip, want %g", s, y, x, got, orig)
				case !in && got != 0:
					t.Fatalf("shift %v: clipped pixel (%d, %d) = %g, want 0", s, y, x, got)
				}
			}
		}
	}
	t.Run("a shift moves content right and down", func(t *testing.T) {
		in := NewMap(4, 4)
		in.Pix[0] = 1
		if got := Shift(in, 2, 1).At(1, 2); got != 1 {
			t.Errorf("pixel (0, 0) shifted by (2, 1) reads %g at (1, 2), want 1", got)
		}
	})
}

func TestRightAngleRotationsPermutePixels(t *testing.T) {
	for _, n := range []int{28, 24, 5, 4, 1} {
		m := randomMap(n, n, uint64(n))
		r := m
		for range 4 {
			r = Rotate(r, 90)
		}
		if !equal(r, m) {
			t.Errorf("%dx%d: four rotations by 90 degrees are not the identity", n, n)
		}
		if !equal(Rotate(Rotate(m, 180), 180), m) {
			t.Errorf("%dx%d: two rotations by 180 degrees are not the identity", n, n)
		}
		if !equal(Rotate(Rotate(m, 90), -90), m) {
			t.Errorf("%dx%d: 90 then -90 degrees is not the identity", n, n)
		}
		if !equal(Rotate(m, 270), Rotate(m, -90)) {
			t.Errorf("%dx%d: 270 and -90 degrees differ", n, n)
		}
		r90 := Rotate(m, 90)
		for y := range n {
			for x := range n {
				if r90.At(y, x) != m.At(x, n-1-y) {
					t.Fatalf("%dx%d: rotation by 90 at (%d, %d) = %g, want m(%d, %d) = %g", n, n, y, x, r90.At(y, x), x, n-1-y, m.At(x, n-1-y))
				}
			}
		}
	}
	t.Run("90 degrees turns the top-right corner to the top-left", func(t *testing.T) {
		m := NewMap(3, 3)
		m.Pix[2] = 1 // (0, 2)
		if got := Rotate(m, 90).At(0, 0); got != 1 {
			t.Errorf("got %g at (0, 0), want 1", got)
		}
	})
}

func TestRotationByZeroIsTheIdentity(t *testing.T) {
	m := randomMap(28, 20, 3)
	for _, deg := range []float64{0, 360, -360, 720} {
		for _, interp := range []Interpolation{Bilinear, Nearest} {
			if !equal(RotateWith(m, deg, interp), m) {
				t.Errorf("rotation by %g degrees (%v) changed the map", deg, interp)
			}
		}
	}
}

func TestRotationByFortyFiveDegreesKeepsAConstantDisc(t *testing.T) {
	m := NewMap(29, 29)
	for i := range m.Pix {
		m.Pix[i] = 1
	}
	for _, interp := range []Interpolation{Bilinear, Nearest} {
		r := RotateWith(m, 45, interp)
		for y := range 29 {
			for x := range 29 {
				d := math.Hypot(float64(y-14), float64(x-14))
				if d <= 13 && math.Abs(float64(r.At(y, x))-1) > 1e-6 {
					t.Fatalf("%v: pixel (%d, %d) inside the disc = %g, want 1", interp, y, x, r.At(y, x))
				}
			}
		}
		if r.At(0, 0) != 0 {
			t.Errorf("%v: the corner came from outside the map and should be 0, got %g", interp, r.At(0, 0))
		}
	}
}

func TestShiftDifferenceVanishesInTheInterior(t *testing.T) {
	tests := []struct {
		name       string
		x          Map
		conv       Conv
		dx, dy     int
		wantBorder bool // content reaches the fill side, so the border differs
	}{
		{"the homework's shift by (5, 5) on a random image", randomMap(28, 28, 1), RandomConv(197331), 5, 5, true},
		{"a shift by (-3, 2) on a random image", randomMap(28, 28, 2), RandomConv(2), -3, 2, true},
		{"a vertical shift by -4", randomMap(28, 28, 3), RandomConv(3), 0, -4, true},
		{"a horizontal shift by 7 of the blob", blob(), RandomConv(4), 7, 0, false},
		{"no shift at all", randomMap(28, 28, 5), RandomConv(5), 0, 0, false},
		{"the blob shifted by (-6, -6) under an all-equal kernel", blob(), allEqual(0.2), -6, -6, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Probe(tt.x, HomeworkModel(tt.conv), Options{DX: tt.dx, DY: tt.dy})
			if err != nil {
				t.Fatal(err)
			}
			if r.Scale == 0 {
				t.Fatal("f(x) is all zeros; the case tests nothing")
			}
			if r.Shift.Max > 1e-6 {
				t.Errorf("interior difference max = %g, want 0", r.Shift.Max)
			}
			wantInterior := (24 - abs(tt.dx)) * (24 - abs(tt.dy))
			if r.Shift.InteriorPixels != wantInterior {
				t.Errorf("interior has %d pixels, want %d", r.Shift.InteriorPixels, wantInterior)
			}
			if tt.wantBorder && !(r.Shift.MaxAll > 0) {
				t.Errorf("the border shows no difference (max %g), though content was clipped", r.Shift.MaxAll)
			}
			if !tt.wantBorder && tt.dx == 0 && tt.dy == 0 && r.Shift.MaxAll != 0 {
				t.Errorf("no shift, yet a difference of %g", r.Shift.MaxAll)
			}
		})
	}
}

func TestRotationByNinetyDegreesBreaksEquivarianceOfARandomKernel(t *testing.T) {
	for _, seed := range []uint64{197331, 1, 2, 3, 4} {
		r, err := Probe(blob(), HomeworkModel(RandomConv(seed)), HomeworkOptions())
		if err != nil {
			t.Fatal(err)
		}
		if r.Scale == 0 {
			t.Fatalf("seed %d: f(x) is all zeros; the case tests nothing", seed)
		}
		if rel := r.Rotate.Relative(r.Scale); !(rel > 0.05) {
			t.Errorf("seed %d: rotation difference max %g is only %.3g of max |f(x)| = %g", seed, r.Rotate.Max, rel, r.Scale)
		}
		if r.Rotate.InteriorPixels != 24*24 {
			t.Errorf("seed %d: a right angle on a square map should compare all %d pixels, got %d", seed, 24*24, r.Rotate.InteriorPixels)
		}
	}
}

func TestRotationCommutesWithARotationSymmetricKernel(t *testing.T) {
	plus := Conv{Weight: [9]float32{0, 0.2, 0, 0.2, -0.3, 0.2, 0, 0.2, 0}, Bias: 0.1}
	tests := []struct {
		name    string
		conv    Conv
		degrees float64
	}{
		{"an all-equal kernel under 90 degrees", allEqual(0.15), 90},
		{"an all-equal kernel under 180 degrees", allEqual(-0.1), 180},
		{"a plus-shaped kernel under 270 degrees", plus, 270},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Probe(randomMap(28, 28, 9), HomeworkModel(tt.conv), Options{Degrees: tt.degrees})
			if err != nil {
				t.Fatal(err)
			}
			if r.Scale == 0 {
				t.Fatal("f(x) is all zeros; the case tests nothing")
			}
			// Only the order of the nine products changes.
			if r.Rotate.MaxAll > 1e-5*r.Scale {
				t.Errorf("rotation difference %g, want ~0 (scale %g)", r.Rotate.MaxAll, r.Scale)
			}
		})
	}
}

func TestProbeReturnsEveryMapAtItsSize(t *testing.T) {
	x := blob()
	f := HomeworkModel(RandomConv(197331))
	for _, o := range []Options{HomeworkOptions(), {DX: -2, DY: 3, Degrees: 30}, {DX: 1, Degrees: 45, Interpolation: Nearest}} {
		r, err := Probe(x, f, o)
		if err != nil {
			t.Fatal(err)
		}
		if r.Crop != 2 || r.Reach != 2 || r.FX.H != 24 || r.FX.W != 24 {
			t.Fatalf("%+v: crop %d, reach %d, f(x) %dx%d; want 2, 2, 24x24", o, r.Crop, r.Reach, r.FX.H, r.FX.W)
		}
		if !equal(r.FX, f.Apply(x)) {
			t.Errorf("%+v: FX is not f(x)", o)
		}
		for _, c := range []Comparison{r.Shift, r.Rotate} {
			for name, m := range map[string]Map{"T(x)": c.TX, "f(T(x))": c.FTX, "T(f(x))": c.TFX, "diff": c.Diff} {
				want := 24
				if name == "T(x)" {
					want = 28
				}
				if m.H != want || m.W != want || len(m.Pix) != want*want {
					t.Errorf("%+v %s: %s is %dx%d, want %dx%d", o, c.Name, name, m.H, m.W, want, want)
				}
			}
			if len(c.Interior) != 24*24 || c.InteriorPixels == 0 {
				t.Errorf("%+v %s: interior of %d cells with %d set", o, c.Name, len(c.Interior), c.InteriorPixels)
			}
			if c.Max > c.MaxAll || c.MaxAll < 0 {
				t.Errorf("%+v %s: interior max %g exceeds the overall max %g", o, c.Name, c.Max, c.MaxAll)
			}
		}
		if !equal(r.Shift.TX, Shift(x, o.DX, o.DY)) || !equal(r.Rotate.TX, RotateWith(x, o.Degrees, o.Interpolation)) {
			t.Errorf("%+v: transformed inputs are not Shift(x) and Rotate(x)", o)
		}
	}
	t.Run("a rotation by 30 degrees compares an inscribed disc", func(t *testing.T) {
		r, _ := Probe(x, f, Options{Degrees: 30})
		if r.Rotate.Interior[0] || !r.Rotate.Interior[12*24+12] {
			t.Error("the corner should be outside the disc and the centre inside")
		}
	})
}

func TestProbeRejectsModelsThatMoveTheCentre(t *testing.T) {
	crop := func(top, left int) Model {
		return Model{Name: "crop", Apply: func(m Map) Map {
			out := NewMap(m.H-top, m.W-left)
			for y := range out.H {
				for x := range out.W {
					out.Pix[y*out.W+x] = m.At(y+top, x+left)
				}
			}
			return out
		}}
	}
	tests := []struct {
		name string
		f    Model
	}{
		{"a model that crops one row", crop(1, 0)},
		{"a model that crops one pixel on each axis", crop(1, 1)},
		{"a model without Apply", Model{Name: "none"}},
		{"a model with a negative reach", Model{Name: "neg", Apply: ReLU, Reach: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Probe(blob(), tt.f, HomeworkOptions()); err == nil {
				t.Error("Probe accepted it")
			}
		})
	}
}

func TestFirstLayerComputesTheNetworksConvolution(t *testing.T) {
	pool := parallel.New(1)
	net, err := model.New(model.DefaultCNN(), 197331, pool)
	if err != nil {
		t.Fatal(err)
	}
	w, b := net.Params()[0].Values(), net.Params()[1].Values() // [16 1 3 3], [16]
	x := blob()
	for _, ch := range []int{0, 7, 15} {
		f, err := FirstLayer(net, ch)
		if err != nil {
			t.Fatal(err)
		}
		var kernel [9]float32
		copy(kernel[:], w[ch*9:(ch+1)*9])
		want := ReLU(directConv(x, kernel, b[ch]))
		got := f.Apply(x)
		if d := maxAbsDiff(t, got, want); d > 1e-5 {
			t.Errorf("channel %d differs from a direct convolution by %g", ch, d)
		}
		if f.Reach != 1 {
			t.Errorf("channel %d: reach %d, want 1", ch, f.Reach)
		}
		r, err := Probe(x, f, HomeworkOptions())
		if err != nil {
			t.Fatal(err)
		}
		if r.Shift.Max > 1e-5*max(r.Scale, 1) {
			t.Errorf("channel %d: the network's layer is not shift-equivariant in the interior: %g", ch, r.Shift.Max)
		}
	}

	single := func(kernel, stride, padding int) model.Config {
		c := model.DefaultCNN()
		c.Channels, c.Kernels, c.Strides, c.Paddings = []int{16}, []int{kernel}, []int{stride}, []int{padding}
		return c
	}
	tests := []struct {
		name    string
		cfg     model.Config
		channel int
	}{
		{"an MLP has no convolution", model.DefaultMLP(), 0},
		{"channel 16 of a 16-channel layer", model.DefaultCNN(), 16},
		{"a negative channel", model.DefaultCNN(), -1},
		{"a stride of 2", single(3, 2, 0), 0},
		{"an even kernel", single(4, 1, 1), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is refused", func(t *testing.T) {
			n, err := model.New(tt.cfg, 1, pool)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := FirstLayer(n, tt.channel); err == nil {
				t.Error("FirstLayer accepted it")
			}
		})
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
