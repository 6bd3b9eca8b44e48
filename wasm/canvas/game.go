//go:build js && wasm

package main

import (
	"fmt"
	"image/color"
	"strings"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/ebitenutil"

	"fashionlab/assets"
	"fashionlab/model/equivariance"
)

// Logical screen sizes. A wide canvas keeps the wide layout and
// Ebitengine scales it to the frame; below narrowBelow CSS pixels the
// panels are laid out in two columns on a narrower screen, so the picture
// is scaled up, not down, and its text stays readable.
const (
	wideW       = 672
	wideH       = 420
	narrowW     = 300
	narrowBelow = 560
)

// Modes of the canvas.
const (
	modeMaps = "maps"
	modeLab  = "lab"
)

// featureMaps is one convolution layer's activation, channels-last: the
// value of channel k at (y, x) is data[(y*w+x)*c+k], for k < c.
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

// labView is the equivariance lab's latest result, or why there is none.
type labView struct {
	result equivariance.Result
	note   string // shown instead of, or beside, the panels
}

// scene is everything the canvas shows. Update changes it; Draw reads it.
type scene struct {
	mode string
	maps *mapsView
	lab  labView
}

// label is a caption drawn at a position of the logical screen.
type label struct {
	x, y int
	text string
}

// geometry is the logical screen: its size and whether it is the narrow
// layout.
type geometry struct {
	w, h   int
	narrow bool
}

// geometryFor returns the logical screen for a frame outsideW CSS pixels
// wide showing s.
func geometryFor(outsideW int, s *scene) geometry {
	if outsideW <= 0 || outsideW >= narrowBelow {
		return geometry{w: wideW, h: wideH}
	}
	h := labNarrowH
	if s.mode != modeLab {
		h = mapsNarrowTop + max(1, len(s.maps.layersOrNil()))*mapsNarrowSection
	}
	return geometry{w: narrowW, h: h, narrow: true}
}

// game is the Ebitengine game. Changes arrive from JavaScript callbacks
// through inbox and are applied in Update; the picture is rendered into
// pic, uploaded once with WritePixels, and drawn only when it changed.
type game struct {
	inbox chan func(*scene)
	scene scene
	// host is the page around the canvas (frame size, text alternative);
	// nil in tests.
	host host

	outsideW int      // the frame's width in CSS pixels, from Layout
	geom     geometry // the logical screen of the current picture
	pic      picture
	frame    *ebiten.Image // pic on the GPU
	labels   []label
	version  int // increases with every new picture
	drawn    int // the version on screen
}

// host is what the canvas tells the page around it.
type host interface {
	// fit sizes the frame for a logical screen (the narrow layout is
	// taller than the frame's default shape).
	fit(g geometry, outsideW int)
	// describe sets the canvas's text alternative.
	describe(text string)
}

func newGame(h host) *game {
	return &game{
		inbox:   make(chan func(*scene), 64),
		scene:   scene{mode: modeMaps},
		host:    h,
		version: 1,
	}
}

// post queues a change of the scene without blocking the caller (a
// JavaScript callback must not block). It reports false when the queue is
// full; the page sends a newer change soon.
func (g *game) post(change func(*scene)) bool {
	select {
	case g.inbox <- change:
		return true
	default:
		return false
	}
}

// Update applies queued changes and renders the picture if any arrived or
// the frame's shape asks for another layout.
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
	if geom := geometryFor(g.outsideW, &g.scene); geom != g.geom {
		g.geom = geom
		changed = true
		if g.host != nil {
			g.host.fit(geom, g.outsideW)
		}
	}
	if !changed {
		return nil
	}
	if g.frame == nil || g.frame.Bounds().Dx() != g.geom.w || g.frame.Bounds().Dy() != g.geom.h {
		if g.frame != nil {
			g.frame.Deallocate()
		}
		g.frame = ebiten.NewImage(g.geom.w, g.geom.h)
	}
	g.pic.resize(g.geom.w, g.geom.h)
	g.labels = g.labels[:0]
	alt := render(&g.pic, &g.scene, g.geom.narrow, func(x, y int, s string) { g.labels = append(g.labels, label{x, y, s}) })
	g.frame.WritePixels(g.pic.pix)
	if g.host != nil {
		g.host.describe(alt)
	}
	g.version++
	return nil
}

// Draw copies the rendered picture to the screen when it changed; the
// screen is not cleared between frames, so otherwise there is nothing to do.
func (g *game) Draw(screen *ebiten.Image) {
	if g.drawn == g.version || g.frame == nil {
		return
	}
	if screen.Bounds().Dx() != g.geom.w || screen.Bounds().Dy() != g.geom.h {
		return // the screen follows the new layout next frame
	}
	screen.DrawImage(g.frame, nil)
	for _, l := range g.labels {
		ebitenutil.DebugPrintAt(screen, l.text, l.x, l.y)
	}
	g.drawn = g.version
}

// Layout records the frame's width and returns the logical screen of the
// layout the next Update renders.
func (g *game) Layout(outsideW, _ int) (int, int) {
	g.outsideW = outsideW
	geom := geometryFor(outsideW, &g.scene)
	return geom.w, geom.h
}

var (
	background = color.RGBA{0x14, 0x16, 0x1a, 0xff}
	panelBack  = color.RGBA{0x20, 0x23, 0x29, 0xff}
)

// picture is an RGBA image of the logical screen, reused between renders.
type picture struct {
	pix  []byte
	w, h int
}

func (p *picture) resize(w, h int) {
	p.w, p.h = w, h
	if cap(p.pix) < w*h*4 {
		p.pix = make([]byte, w*h*4)
	}
	p.pix = p.pix[:w*h*4]
}

// render draws the scene into p, reports captions through text and
// returns a text alternative of the picture.
func render(p *picture, s *scene, narrow bool, text func(x, y int, s string)) string {
	fill(p, 0, 0, p.w, p.h, background)
	if s.mode == modeLab {
		return renderLab(p, s.lab, narrow, text)
	}
	return renderMaps(p, s.maps, narrow, text)
}

// layersOrNil returns the layers of mv, or nil when there is no view.
func (mv *mapsView) layersOrNil() []featureMaps {
	if mv == nil {
		return nil
	}
	return mv.layers
}

// Narrow feature-map layout: the input and its classes on top, then one
// section per convolution layer.
const (
	mapsNarrowTop     = 132
	mapsNarrowSection = 150
)

func renderMaps(p *picture, mv *mapsView, narrow bool, text func(x, y int, s string)) string {
	if mv == nil {
		msg := "Start a run, then press \"Show feature maps\"."
		if narrow {
			text(8, 8, "Start a run, then press")
			text(8, 24, "\"Show feature maps\".")
		} else {
			text(16, 16, msg)
		}
		return "Feature maps: none yet. " + msg
	}
	truth, pred := assets.ClassName(uint8(mv.label)), assets.ClassName(uint8(mv.pred))
	alt := fmt.Sprintf("Feature maps of a validation image of class %s, predicted %s.", truth, pred)
	text(8, 4, "input")
	drawGrey(p, mv.image, 28, 28, 8, 22, 4)
	if narrow {
		text(128, 22, truth)
		text(128, 40, "predicted")
		text(128, 58, pred)
	} else {
		text(8, 140, truth)
		text(8, 156, "predicted")
		text(8, 172, pred)
	}
	if len(mv.layers) == 0 {
		msg := "An MLP has no convolution layers to show."
		if narrow {
			text(8, mapsNarrowTop, "An MLP has no convolution")
			text(8, mapsNarrowTop+16, "layers to show.")
		} else {
			text(140, 16, msg)
		}
		return alt + " " + msg
	}
	x0, y0, secH := 136, 4, (p.h-4)/len(mv.layers)
	if narrow {
		x0, y0, secH = 8, mapsNarrowTop, mapsNarrowSection
	}
	for i, l := range mv.layers {
		top := y0 + i*secH
		caption := fmt.Sprintf("conv %d: %d maps of %dx%d", i+1, l.c, l.h, l.w)
		alt += " " + caption + "."
		text(x0, top, caption)
		drawLayerGrid(p, l, x0, top+16, p.w-x0-4, secH-20)
	}
	return alt
}

// drawLayerGrid lays out the channels of one layer in the largest grid
// that fits the box, on a zero-centred diverging scale shared by the layer.
func drawLayerGrid(p *picture, l featureMaps, x0, y0, w, h int) {
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
				p.set(cx+x, cy+y, diverging(l.data[(sy*l.w+sx)*l.c+ch], maxAbs))
			}
		}
	}
}

// Lab panels: 28×28 maps drawn at labScale, in cells of labCellW by
// labCellH; the narrow layout puts two panels in a row.
const (
	labScale   = 4
	labCellW   = 150
	labCellH   = 138
	labNarrowW = 140
	labInfoH   = 140
	labNarrowH = 4 + 5*labCellH + labInfoH
)

func renderLab(p *picture, lab labView, narrow bool, text func(x, y int, s string)) string {
	r := lab.result
	if r.X.Pix == nil {
		msg := "Loading the first training image..."
		if lab.note != "" {
			msg = lab.note
		}
		wrapText(msg, 8, 8, narrow, text)
		return "Equivariance lab: " + msg
	}
	scaleF := float32(r.Scale)
	// slot is the position of the i-th panel: four in a row when wide,
	// two when narrow, where the information block takes the second row.
	slot := func(i int) (int, int) {
		if !narrow {
			return 16 + (i%4)*labCellW, 4 + (i/4)*labCellH
		}
		// Row 0: x and f(x); then the information block; then the
		// comparisons, two panels a row (indices 2 and 3 are unused).
		row := i / 2
		y := 4
		if row >= 2 {
			y += labCellH + labInfoH + (row-2)*labCellH
		}
		return 16 + (i%2)*labNarrowW, y
	}
	panel := func(i int, caption string, m equivariance.Map, kind int, interior []bool) {
		x, y := slot(i)
		text(x, y, caption)
		fill(p, x, y+18, 28*labScale, 28*labScale, panelBack)
		// Output maps are centred on their input, as the probe compares them.
		off := (28 - m.W) / 2 * labScale
		switch kind {
		case 0:
			drawGrey(p, m.Pix, m.W, m.H, x+off, y+18+off, labScale)
		case 1:
			drawMap(p, m, x+off, y+18+off, labScale, func(v float32) color.RGBA { return diverging(v, scaleF) })
		default:
			drawDiff(p, m, interior, x+off, y+18+off, labScale, scaleF)
		}
	}
	info := []string{
		r.Model,
		fmt.Sprintf("max |f(x)| = %.3f", r.Scale),
		"interior max |difference|:",
		fmt.Sprintf("  shift %.4f, rotate %.4f", r.Shift.Max, r.Rotate.Max),
	}
	ix, iy := 16+2*labCellW, 22
	if narrow {
		ix, iy = 16, 4+labCellH
	}
	if lab.note != "" {
		// The numbers would mislead (0 looks like perfect equivariance):
		// say why instead.
		info = append(info[:2:2], "")
	}
	for k, line := range info {
		text(ix, iy+18*k, line)
	}
	if lab.note != "" {
		wrapText(lab.note, ix, iy+36, narrow, text)
	} else {
		drawScale(p, ix, iy+18*len(info)+2, scaleF, text)
	}
	panel(0, "x", r.X, 0, nil)
	panel(1, "f(x)", r.FX, 1, nil)
	for k, c := range []equivariance.Comparison{r.Shift, r.Rotate} {
		base := 4 * (k + 1)
		panel(base, c.Name, c.TX, 0, nil)
		panel(base+1, "f(T(x))", c.FTX, 1, nil)
		panel(base+2, "T(f(x))", c.TFX, 1, nil)
		panel(base+3, "|T(f(x)) - f(T(x))|", c.Diff, 2, c.Interior)
	}
	alt := fmt.Sprintf("Equivariance lab, %s: max |f(x)| = %.3f; ", r.Model, r.Scale)
	if lab.note != "" {
		return alt + lab.note
	}
	return alt + fmt.Sprintf("interior max |T(f(x)) - f(T(x))|: %s %.4f, %s %.4f. The difference maps run from black (0) through red to yellow (max |f(x)|); their hatched border is not measured.", r.Shift.Name, r.Shift.Max, r.Rotate.Name, r.Rotate.Max)
}

// Colour scale of the difference maps.
const (
	scaleBarW = 120
	hatchStep = 4 // pixels between the stripes of the excluded border
)

// drawScale draws, from (x, y), the difference maps' colour scale from 0
// to max |f(x)|, and the key of the hatched border that the interior
// readout leaves out.
func drawScale(p *picture, x, y int, scale float32, text func(x, y int, s string)) {
	text(x, y, "0")
	for i := range scaleBarW {
		fill(p, x+10+i, y+4, 1, 9, heat(float32(i)/float32(scaleBarW-1)*scale, scale))
	}
	text(x+14+scaleBarW, y, fmt.Sprintf("%.3f = max |f(x)|", scale))
	for yy := range 11 {
		for xx := range 11 {
			p.set(x+xx, y+22+yy, excluded(color.RGBA{0, 0, 0, 0xff}, xx, yy))
		}
	}
	text(x+16, y+18, "hatched border: not measured")
}

// drawDiff draws a difference map with heat colours; the pixels outside
// interior (the border the probe leaves out: content shifted or rotated
// out of the frame) are hatched.
func drawDiff(p *picture, m equivariance.Map, interior []bool, x0, y0, scale int, maxF float32) {
	for y := range m.H * scale {
		for x := range m.W * scale {
			i := (y/scale)*m.W + x/scale
			c := heat(m.Pix[i], maxF)
			if interior != nil && !interior[i] {
				c = excluded(c, x0+x, y0+y)
			}
			p.set(x0+x, y0+y, c)
		}
	}
}

// excluded dims c and lays grey diagonal stripes over it, at pixel
// (x, y) of the picture: the look of a region that is not measured.
func excluded(c color.RGBA, x, y int) color.RGBA {
	if (x+y)%hatchStep == 0 {
		return color.RGBA{0x9a, 0x9e, 0xa6, 0xff}
	}
	return lerp(c, panelBack, 0.5)
}

// wrapText draws s in lines of at most 48 characters (44 when narrow),
// breaking at spaces.
func wrapText(s string, x, y int, narrow bool, text func(x, y int, s string)) {
	width := 48
	if narrow {
		width = 44
	}
	for i, line := range wrap(s, width) {
		text(x, y+16*i, line)
	}
}

// wrap breaks s at spaces into lines of at most width characters (a
// longer word gets a line of its own).
func wrap(s string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		switch {
		case line == "":
			line = w
		case len(line)+1+len(w) <= width:
			line += " " + w
		default:
			lines = append(lines, line)
			line = w
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

func drawGrey(p *picture, img []float32, w, h, x0, y0, scale int) {
	for y := range h * scale {
		for x := range w * scale {
			v := img[(y/scale)*w+x/scale]
			b := uint8(max(0, min(255, v*255)))
			p.set(x0+x, y0+y, color.RGBA{b, b, b, 0xff})
		}
	}
}

func drawMap(p *picture, m equivariance.Map, x0, y0, scale int, col func(float32) color.RGBA) {
	for y := range m.H * scale {
		for x := range m.W * scale {
			p.set(x0+x, y0+y, col(m.Pix[(y/scale)*m.W+x/scale]))
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

func fill(p *picture, x0, y0, w, h int, c color.RGBA) {
	for y := y0; y < y0+h; y++ {
		for x := x0; x < x0+w; x++ {
			p.set(x, y, c)
		}
	}
}

// set colours one pixel; pixels outside the picture are ignored.
func (p *picture) set(x, y int, c color.RGBA) {
	if x < 0 || y < 0 || x >= p.w || y >= p.h {
		return
	}
	i := (y*p.w + x) * 4
	p.pix[i], p.pix[i+1], p.pix[i+2], p.pix[i+3] = c.R, c.G, c.B, c.A
}

func abs32(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}
