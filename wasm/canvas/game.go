//go:build js && wasm

package main

import (
	"fmt"
	"image/color"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/ebitenutil"

	"fashionlab/model/equivariance"
)

// Logical screen size; Ebitengine scales it to the canvas.
const (
	screenW = 672
	screenH = 420
)

// Modes of the canvas.
const (
	modeMaps = "maps"
	modeLab  = "lab"
)

// featureMaps is one convolution layer's activation, channels-last:
// element (y, x, c) at data[(y*w+x)*c+c].
type featureMaps struct {
	h, w, c int
	data    []float32
}

// mapsView is an image and the feature maps of every convolution layer.
type mapsView struct {
	image       []float32
	label, pred int
	layers      []featureMaps
}

// scene is everything the canvas shows. Update changes it; Draw reads it.
type scene struct {
	mode string
	maps *mapsView
	lab  equivariance.Result
}

// label is a caption drawn at a position of the logical screen.
type label struct {
	x, y int
	text string
}

// game is the Ebitengine game. Changes arrive from JavaScript callbacks
// through inbox and are applied in Update; the picture is rendered into
// pix, uploaded once with WritePixels, and drawn only when it changed.
type game struct {
	inbox chan func(*scene)
	scene scene

	pix     []byte        // screenW×screenH RGBA, reused
	frame   *ebiten.Image // pix on the GPU
	labels  []label
	version int // increases with every new picture
	drawn   int // the version on screen
}

func newGame() *game {
	return &game{
		inbox:   make(chan func(*scene), 64),
		scene:   scene{mode: modeMaps},
		pix:     make([]byte, screenW*screenH*4),
		version: 1,
	}
}

// post queues a change of the scene without blocking the caller (a
// JavaScript callback must not block); when the queue is full the change is
// dropped, as the page sends a newer one soon.
func (g *game) post(change func(*scene)) {
	select {
	case g.inbox <- change:
	default:
	}
}

// Update applies queued changes and renders the picture if any arrived.
func (g *game) Update() error {
	changed := g.frame == nil
	for {
		select {
		case change := <-g.inbox:
			change(&g.scene)
			changed = true
			continue
		default:
		}
		break
	}
	if !changed {
		return nil
	}
	if g.frame == nil {
		g.frame = ebiten.NewImage(screenW, screenH)
	}
	g.labels = g.labels[:0]
	render(g.pix, &g.scene, func(x, y int, s string) { g.labels = append(g.labels, label{x, y, s}) })
	g.frame.WritePixels(g.pix)
	g.version++
	return nil
}

// Draw copies the rendered picture to the screen when it changed; the
// screen is not cleared between frames, so otherwise there is nothing to do.
func (g *game) Draw(screen *ebiten.Image) {
	if g.drawn == g.version || g.frame == nil {
		return
	}
	screen.DrawImage(g.frame, nil)
	for _, l := range g.labels {
		ebitenutil.DebugPrintAt(screen, l.text, l.x, l.y)
	}
	g.drawn = g.version
}

// Layout keeps a fixed logical size.
func (g *game) Layout(int, int) (int, int) { return screenW, screenH }

var (
	background = color.RGBA{0x14, 0x16, 0x1a, 0xff}
	panelBack  = color.RGBA{0x20, 0x23, 0x29, 0xff}
)

// render draws the scene into pix and reports captions through text.
func render(pix []byte, s *scene, text func(x, y int, s string)) {
	fill(pix, 0, 0, screenW, screenH, background)
	switch s.mode {
	case modeLab:
		renderLab(pix, s.lab, text)
	default:
		renderMaps(pix, s.maps, text)
	}
}

func renderMaps(pix []byte, mv *mapsView, text func(x, y int, s string)) {
	if mv == nil {
		text(16, 16, "Start a run, then press \"Show feature maps\".")
		return
	}
	classes := [...]string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}
	text(8, 4, "input")
	drawGrey(pix, mv.image, 28, 28, 8, 22, 4)
	text(8, 140, classes[mv.label%10])
	text(8, 156, "predicted")
	text(8, 172, classes[mv.pred%10])
	if len(mv.layers) == 0 {
		text(140, 16, "An MLP has no convolution layers to show.")
		return
	}
	x0, y0 := 136, 4
	secH := (screenH - y0) / len(mv.layers)
	for i, l := range mv.layers {
		top := y0 + i*secH
		text(x0, top, fmt.Sprintf("conv %d: %d maps of %dx%d", i+1, l.c, l.h, l.w))
		drawLayerGrid(pix, l, x0, top+16, screenW-x0-4, secH-20)
	}
}

// drawLayerGrid lays out the channels of one layer in the largest grid
// that fits the box, on a zero-centred diverging scale shared by the layer.
func drawLayerGrid(pix []byte, l featureMaps, x0, y0, w, h int) {
	if l.c == 0 || l.h == 0 || l.w == 0 || h <= 0 {
		return
	}
	best, bestCols := 0.0, 1
	for cols := 1; cols <= l.c; cols++ {
		rows := (l.c + cols - 1) / cols
		sc := min(float64(w)/float64(cols)/float64(l.w+1), float64(h)/float64(rows)/float64(l.h+1))
		if sc > best {
			best, bestCols = sc, cols
		}
	}
	var maxAbs float32
	for _, v := range l.data {
		maxAbs = max(maxAbs, abs32(v))
	}
	cellW, cellH := int(best*float64(l.w)), int(best*float64(l.h))
	if cellW < 1 || cellH < 1 {
		return
	}
	gap := max(1, int(best))
	for ch := range l.c {
		cx := x0 + (ch%bestCols)*(cellW+gap)
		cy := y0 + (ch/bestCols)*(cellH+gap)
		for y := range cellH {
			sy := y * l.h / cellH
			for x := range cellW {
				sx := x * l.w / cellW
				set(pix, cx+x, cy+y, diverging(l.data[(sy*l.w+sx)*l.c+ch], maxAbs))
			}
		}
	}
}

func renderLab(pix []byte, r equivariance.Result, text func(x, y int, s string)) {
	if r.X.Pix == nil {
		text(16, 16, "Loading the first training image...")
		return
	}
	const cell, scale = 150, 4
	scaleF := float32(r.Scale)
	panel := func(col, row int, caption string, m equivariance.Map, kind int) {
		x, y := 16+col*cell, 4+row*138
		text(x, y, caption)
		fill(pix, x, y+18, 28*scale, 28*scale, panelBack)
		// Output maps are centred on their input, as the probe compares them.
		off := (28 - m.W) / 2 * scale
		switch kind {
		case 0:
			drawGrey(pix, m.Pix, m.W, m.H, x+off, y+18+off, scale)
		case 1:
			drawMap(pix, m, x+off, y+18+off, scale, func(v float32) color.RGBA { return diverging(v, scaleF) })
		default:
			drawMap(pix, m, x+off, y+18+off, scale, func(v float32) color.RGBA { return heat(v, scaleF) })
		}
	}
	panel(0, 0, "x", r.X, 0)
	panel(1, 0, "f(x)", r.FX, 1)
	text(16+2*cell, 22, r.Model)
	text(16+2*cell, 40, fmt.Sprintf("max |f(x)| = %.3f", r.Scale))
	text(16+2*cell, 58, "interior max |difference|:")
	text(16+2*cell, 76, fmt.Sprintf("  shift  %.4f", r.Shift.Max))
	text(16+2*cell, 94, fmt.Sprintf("  rotate %.4f", r.Rotate.Max))
	for row, c := range []equivariance.Comparison{r.Shift, r.Rotate} {
		name := c.Name
		panel(0, row+1, name, c.TX, 0)
		panel(1, row+1, "f(T(x))", c.FTX, 1)
		panel(2, row+1, "T(f(x))", c.TFX, 1)
		panel(3, row+1, "|T(f(x)) - f(T(x))|", c.Diff, 2)
	}
}

func drawGrey(pix []byte, img []float32, w, h, x0, y0, scale int) {
	for y := range h * scale {
		for x := range w * scale {
			v := img[(y/scale)*w+x/scale]
			b := uint8(max(0, min(255, v*255)))
			set(pix, x0+x, y0+y, color.RGBA{b, b, b, 0xff})
		}
	}
}

func drawMap(pix []byte, m equivariance.Map, x0, y0, scale int, col func(float32) color.RGBA) {
	for y := range m.H * scale {
		for x := range m.W * scale {
			set(pix, x0+x, y0+y, col(m.Pix[(y/scale)*m.W+x/scale]))
		}
	}
}

// diverging maps v in [-m, m] to blue (negative), dark grey (zero) and
// orange (positive).
func diverging(v, m float32) color.RGBA {
	if !(m > 0) {
		return panelBack
	}
	t := max(-1, min(1, v/m))
	if t >= 0 {
		return lerp(panelBack, color.RGBA{0xf2, 0x8c, 0x28, 0xff}, t)
	}
	return lerp(panelBack, color.RGBA{0x3a, 0x86, 0xff, 0xff}, -t)
}

// heat maps a non-negative difference to black through red to yellow.
func heat(v, m float32) color.RGBA {
	if !(m > 0) {
		return panelBack
	}
	t := max(0, min(1, v/m))
	if t < 0.5 {
		return lerp(color.RGBA{0, 0, 0, 0xff}, color.RGBA{0xd0, 0x20, 0x20, 0xff}, t*2)
	}
	return lerp(color.RGBA{0xd0, 0x20, 0x20, 0xff}, color.RGBA{0xff, 0xe0, 0x40, 0xff}, (t-0.5)*2)
}

func lerp(a, b color.RGBA, t float32) color.RGBA {
	mix := func(x, y uint8) uint8 { return uint8(float32(x) + (float32(y)-float32(x))*t) }
	return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 0xff}
}

func fill(pix []byte, x0, y0, w, h int, c color.RGBA) {
	for y := y0; y < y0+h; y++ {
		for x := x0; x < x0+w; x++ {
			set(pix, x, y, c)
		}
	}
}

func set(pix []byte, x, y int, c color.RGBA) {
	if x < 0 || y < 0 || x >= screenW || y >= screenH {
		return
	}
	i := (y*screenW + x) * 4
	pix[i], pix[i+1], pix[i+2], pix[i+3] = c.R, c.G, c.B, c.A
}

func abs32(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}
