package report

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"fashionlab/internal/report/markdown"
	"fashionlab/model/equivariance"
)

// EquivariancePanelPNG is the combined figure written by WriteEquivariance.
const EquivariancePanelPNG = "equivariance.png"

// MapScale is how many pixels wide each map pixel is drawn in the
// individual images of WriteEquivariance.
const MapScale = 8

// panelScale is the same for the combined panel.
const panelScale = 7

// EquivarianceFiles are the paths WriteEquivariance wrote.
type EquivarianceFiles struct {
	Panel string   // the combined, labelled figure
	Maps  []string // x, f(x), then T(x), f(T(x)), T(f(x)) and the difference for the shift and for the rotation
}

// Figures returns the panel, ready for Section.Figures.
func (f EquivarianceFiles) Figures() []string { return []string{f.Panel} }

// mapImage is one map of a probe result with its file name, label and
// colour scale.
type mapImage struct {
	file, label string
	m           equivariance.Map
	group       int    // 0: input size, 1: output size, 2: difference
	interior    []bool // outlined on differences
}

const (
	groupInput = iota
	groupOutput
	groupDiff
)

func equivarianceMaps(r equivariance.Result) []mapImage {
	return []mapImage{
		{"x.png", "x", r.X, groupInput, nil},
		{"f_x.png", "f(x)", r.FX, groupOutput, nil},
		{"shift_x.png", "shift(x)", r.Shift.TX, groupInput, nil},
		{"f_shift_x.png", "f(shift(x))", r.Shift.FTX, groupOutput, nil},
		{"shift_f_x.png", "shift(f(x))", r.Shift.TFX, groupOutput, nil},
		{"shift_diff.png", "|shift(f(x))-f(shift(x))|", r.Shift.Diff, groupDiff, r.Shift.Interior},
		{"rotate_x.png", "rot(x)", r.Rotate.TX, groupInput, nil},
		{"f_rotate_x.png", "f(rot(x))", r.Rotate.FTX, groupOutput, nil},
		{"rotate_f_x.png", "rot(f(x))", r.Rotate.TFX, groupOutput, nil},
		{"rotate_diff.png", "|rot(f(x)) - f(rot(x))|", r.Rotate.Diff, groupDiff, r.Rotate.Interior},
	}
}

// scales returns, per group, the range mapped to black..white (or to the
// ends of the colour map): from min(0, smallest value) to the largest.
func scales(maps []mapImage) [3][2]float32 {
	var s [3][2]float32
	for i := range s {
		s[i] = [2]float32{0, float32(math.Inf(-1))}
	}
	for _, m := range maps {
		for _, v := range m.m.Pix {
			if v != v {
				continue
			}
			s[m.group][0] = min(s[m.group][0], v)
			s[m.group][1] = max(s[m.group][1], v)
		}
	}
	for i := range s {
		if math.IsInf(float64(s[i][1]), -1) {
			s[i][1] = 0
		}
	}
	return s
}

// WriteEquivariance draws a probe result into dir (created if missing):
// one PNG per map (x.png, f_x.png, shift_x.png, f_shift_x.png,
// shift_f_x.png, shift_diff.png and the same for rotate_), each map pixel
// drawn as an 8×8 block, and the labelled panel equivariance.png with all
// of them and the summary numbers. Inputs share one grey scale, outputs
// of f another (both from min(0, smallest value), black, to the largest,
// white), and the two difference maps one colour scale from 0 to the
// largest difference, shown by a colour bar on the panel; the interior
// where the summary numbers are taken is outlined in red on the
// differences.
func WriteEquivariance(dir string, r equivariance.Result) (EquivarianceFiles, error) {
	maps := equivarianceMaps(r)
	for _, m := range maps {
		if m.m.H <= 0 || m.m.W <= 0 || len(m.m.Pix) != m.m.H*m.m.W {
			return EquivarianceFiles{}, fmt.Errorf("report: equivariance map %s is empty or malformed (%dx%d, %d values)", m.label, m.m.H, m.m.W, len(m.m.Pix))
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return EquivarianceFiles{}, fmt.Errorf("report: creating %s: %w", dir, err)
	}
	sc := scales(maps)
	var files EquivarianceFiles
	for _, m := range maps {
		img := image.NewRGBA(image.Rect(0, 0, m.m.W*MapScale, m.m.H*MapScale))
		drawMap(img, image.Point{}, m, sc[m.group], MapScale)
		path := filepath.Join(dir, m.file)
		if err := writePNG(path, img); err != nil {
			return EquivarianceFiles{}, err
		}
		files.Maps = append(files.Maps, path)
	}
	files.Panel = filepath.Join(dir, EquivariancePanelPNG)
	if err := writePNG(files.Panel, panel(r, maps, sc)); err != nil {
		return EquivarianceFiles{}, err
	}
	return files, nil
}

// panel lays out the maps in two rows (shift, rotation) of five tiles: x
// or f(x), T(x), f(T(x)), T(f(x)) and the difference.
func panel(r equivariance.Result, maps []mapImage, sc [3][2]float32) *image.RGBA {
	const (
		margin = 12
		gap    = 16
		line   = 16 // height of a line of text
	)
	tile := panelScale * max(r.X.H, r.X.W, r.FX.H, r.FX.W)
	width := 2*margin + 5*tile + 4*gap
	rowHeight := 2*line + tile + gap
	barTop := margin + 2*line + 2*rowHeight
	height := barTop + 3*line + margin
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)

	text(img, margin, margin, fmt.Sprintf("f = %s (reach %d): %dx%d -> %dx%d; max |f(x)| = %.3g", r.Model, r.Reach, r.X.H, r.X.W, r.FX.H, r.FX.W, r.Scale))
	text(img, margin, margin+line, "grey: inputs on one scale, outputs of f on another; colour: both differences on one scale; red outline: interior")
	rows := []struct {
		c     equivariance.Comparison
		tiles []mapImage
	}{
		{r.Shift, []mapImage{maps[0], maps[2], maps[3], maps[4], maps[5]}},
		{r.Rotate, []mapImage{maps[1], maps[6], maps[7], maps[8], maps[9]}},
	}
	for i, row := range rows {
		top := margin + 2*line + i*rowHeight
		text(img, margin, top, fmt.Sprintf("%s: interior max %s, mean %s (%d pixels); whole map max %s, mean %s",
			row.c.Name, markdown.Num(row.c.Max), markdown.Num(row.c.Mean), row.c.InteriorPixels, markdown.Num(row.c.MaxAll), markdown.Num(row.c.MeanAll)))
		for j, m := range row.tiles {
			left := margin + j*(tile+gap)
			text(img, left, top+line, m.label)
			s := panelScale
			off := image.Pt(left+(tile-m.m.W*s)/2, top+2*line+(tile-m.m.H*s)/2)
			drawMap(img, off, m, sc[m.group], s)
		}
	}

	// The colour bar of the differences.
	barW := 256
	text(img, margin, barTop, "|difference|")
	x0 := margin + 7*14
	for x := range barW {
		c := colourMap(float32(x) / float32(barW-1))
		for y := 0; y < line-4; y++ {
			img.Set(x0+x, barTop+2+y, c)
		}
	}
	text(img, x0, barTop+line, "0")
	hi := markdown.Num(float64(sc[groupDiff][1]))
	text(img, x0+barW-7*len(hi), barTop+line, hi)
	return img
}

// drawMap paints m at off, each pixel a block of s×s, in grey (inputs and
// outputs) or in the colour map (differences, with the interior
// outlined).
func drawMap(img *image.RGBA, off image.Point, m mapImage, scale [2]float32, s int) {
	lo, hi := scale[0], scale[1]
	for y := range m.m.H {
		for x := range m.m.W {
			v := m.m.Pix[y*m.m.W+x]
			t := float32(0)
			if hi > lo {
				t = (v - lo) / (hi - lo)
			}
			var c color.RGBA
			if m.group == groupDiff {
				c = colourMap(t)
			} else {
				g := uint8(255*clamp01(t) + 0.5)
				c = color.RGBA{g, g, g, 255}
			}
			if v != v {
				c = color.RGBA{255, 0, 255, 255} // NaN
			}
			draw.Draw(img, image.Rect(off.X+x*s, off.Y+y*s, off.X+(x+1)*s, off.Y+(y+1)*s), image.NewUniform(c), image.Point{}, draw.Src)
		}
	}
	if m.interior == nil {
		return
	}
	red := color.RGBA{230, 30, 30, 255}
	in := func(y, x int) bool {
		return y >= 0 && y < m.m.H && x >= 0 && x < m.m.W && m.interior[y*m.m.W+x]
	}
	for y := range m.m.H {
		for x := range m.m.W {
			if !in(y, x) {
				continue
			}
			x0, y0 := off.X+x*s, off.Y+y*s
			for k := range s {
				if !in(y-1, x) {
					img.Set(x0+k, y0, red)
				}
				if !in(y+1, x) {
					img.Set(x0+k, y0+s-1, red)
				}
				if !in(y, x-1) {
					img.Set(x0, y0+k, red)
				}
				if !in(y, x+1) {
					img.Set(x0+s-1, y0+k, red)
				}
			}
		}
	}
}

// colourMap maps t in [0, 1] to a colour of the viridis map, dark purple
// through blue and green to yellow, by linear interpolation between five
// of its colours.
func colourMap(t float32) color.RGBA {
	stops := [5][3]float32{{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}}
	t = clamp01(t) * 4
	i := min(int(t), 3)
	f := t - float32(i)
	var c [3]uint8
	for k := range c {
		c[k] = uint8(stops[i][k]*(1-f) + stops[i+1][k]*f + 0.5)
	}
	return color.RGBA{c[0], c[1], c[2], 255}
}

func clamp01(t float32) float32 {
	if !(t > 0) {
		return 0
	}
	return min(t, 1)
}

// text writes s in black with its top-left corner at (x, y), in the 7×13
// pixel face (ASCII only: the degree sign becomes " deg").
func text(img *image.RGBA, x, y int, s string) {
	s = strings.ReplaceAll(s, "°", " deg")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return '?'
		}
		return r
	}, s)
	d := font.Drawer{Dst: img, Src: image.Black, Face: basicfont.Face7x13, Dot: fixed.P(x, y+basicfont.Face7x13.Ascent)}
	d.DrawString(s)
}

// writePNG encodes img into path.
func writePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("report: writing %s: %w", filepath.Base(path), err)
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("report: encoding %s: %w", filepath.Base(path), err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("report: writing %s: %w", filepath.Base(path), err)
	}
	return nil
}
