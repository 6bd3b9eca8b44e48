package equivariance

import (
	"fmt"
	"math"
)

// Map is a single-channel image or feature map: H rows of W values, row
// after row, pixel (y, x) at Pix[y*W+x].
type Map struct {
	H, W int
	Pix  []float32
}

// NewMap returns an h×w map of zeros.
func NewMap(h, w int) Map {
	if h < 0 || w < 0 {
		panic(fmt.Sprintf("equivariance: negative map size %dx%d", h, w))
	}
	return Map{H: h, W: w, Pix: make([]float32, h*w)}
}

// FromBytes returns an h×w map of grey levels 0..255 scaled to [0, 1]. It
// panics if b does not hold h·w values.
func FromBytes(h, w int, b []uint8) Map {
	if len(b) != h*w {
		panic(fmt.Sprintf("equivariance: %d grey levels for a %dx%d map", len(b), h, w))
	}
	m := NewMap(h, w)
	for i, v := range b {
		m.Pix[i] = float32(v) / 255
	}
	return m
}

// At returns pixel (y, x), or 0 outside the map.
func (m Map) At(y, x int) float32 {
	if y < 0 || y >= m.H || x < 0 || x >= m.W {
		return 0
	}
	return m.Pix[y*m.W+x]
}

// Clone returns a copy of m that shares no memory with it.
func (m Map) Clone() Map {
	return Map{H: m.H, W: m.W, Pix: append([]float32(nil), m.Pix...)}
}

// MaxAbs returns the largest absolute value in m (0 for an empty map).
func (m Map) MaxAbs() float32 {
	var best float32
	for _, v := range m.Pix {
		best = max(best, abs32(v))
	}
	return best
}

// AbsDiff returns |a − b| pixel by pixel. It panics if the sizes differ.
func AbsDiff(a, b Map) Map {
	if a.H != b.H || a.W != b.W {
		panic(fmt.Sprintf("equivariance: cannot compare a %dx%d map with a %dx%d map", a.H, a.W, b.H, b.W))
	}
	d := NewMap(a.H, a.W)
	for i := range d.Pix {
		d.Pix[i] = abs32(a.Pix[i] - b.Pix[i])
	}
	return d
}

// Shift translates m by dx pixels to the right and dy pixels down (negative
// values move left and up); pixels moved in from outside are 0 and pixels
// moved out are lost: out(y, x) = m(y − dy, x − dx).
func Shift(m Map, dx, dy int) Map {
	out := NewMap(m.H, m.W)
	for y := range m.H {
		for x := range m.W {
			out.Pix[y*m.W+x] = m.At(y-dy, x-dx)
		}
	}
	return out
}

// Interpolation selects how Rotate reads between pixels.
type Interpolation int

// The interpolations of RotateWith.
const (
	// Bilinear blends the four pixels around the source position, as
	// torchvision's bilinear mode does.
	Bilinear Interpolation = iota
	// Nearest takes the pixel nearest to the source position.
	Nearest
)

// String returns "bilinear" or "nearest".
func (i Interpolation) String() string {
	switch i {
	case Bilinear:
		return "bilinear"
	case Nearest:
		return "nearest"
	}
	return fmt.Sprintf("Interpolation(%d)", int(i))
}

// Rotate is RotateWith with bilinear interpolation.
func Rotate(m Map, degrees float64) Map { return RotateWith(m, degrees, Bilinear) }

// RotateWith rotates m counter-clockwise as displayed (rows going down) by
// degrees about its centre ((W−1)/2, (H−1)/2), into a map of the same size;
// positions that come from outside m are 0. Each output pixel reads the
// source position it came from with the given interpolation. Multiples of
// 90 degrees use exact sines and cosines, so on a square map they permute
// the pixels exactly (90 degrees: out(y, x) = m(x, W−1−y)).
func RotateWith(m Map, degrees float64, interp Interpolation) Map {
	cos, sin := cosSin(degrees)
	cx, cy := float64(m.W-1)/2, float64(m.H-1)/2
	out := NewMap(m.H, m.W)
	for y := range m.H {
		v := float64(y) - cy
		for x := range m.W {
			u := float64(x) - cx
			// The inverse rotation of (u, v): a counter-clockwise turn on
			// screen is clockwise in (x, y-down) coordinates.
			sx := cx + u*cos - v*sin
			sy := cy + u*sin + v*cos
			out.Pix[y*m.W+x] = sample(m, sx, sy, interp)
		}
	}
	return out
}

// cosSin returns the cosine and sine of an angle in degrees, exact for
// multiples of 90.
func cosSin(degrees float64) (float64, float64) {
	r := math.Mod(degrees, 360)
	if r < 0 {
		r += 360
	}
	switch r {
	case 0:
		return 1, 0
	case 90:
		return 0, 1
	case 180:
		return -1, 0
	case 270:
		return 0, -1
	}
	s, c := math.Sincos(r * math.Pi / 180)
	return c, s
}

// isRightAngle reports whether degrees is a multiple of 90.
func isRightAngle(degrees float64) bool {
	c, s := cosSin(degrees)
	return (c == 0 || s == 0)
}

// sample reads m at a real-valued position, 0 outside.
func sample(m Map, sx, sy float64, interp Interpolation) float32 {
	if interp == Nearest {
		return m.At(int(math.Round(sy)), int(math.Round(sx)))
	}
	fx, fy := math.Floor(sx), math.Floor(sy)
	tx, ty := sx-fx, sy-fy
	x0, y0 := int(fx), int(fy)
	var sum float64
	// Terms of weight 0 are skipped so that exact positions read one pixel.
	for _, c := range [4]struct {
		dy, dx int
		w      float64
	}{{0, 0, (1 - ty) * (1 - tx)}, {0, 1, (1 - ty) * tx}, {1, 0, ty * (1 - tx)}, {1, 1, ty * tx}} {
		if c.w != 0 {
			sum += c.w * float64(m.At(y0+c.dy, x0+c.dx))
		}
	}
	return float32(sum)
}

func abs32(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}
