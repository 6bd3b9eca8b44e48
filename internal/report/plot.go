package report

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"fashionlab/model/train"
)

// series is one curve per run: a per-epoch value, drawn dashed or solid.
type series struct {
	name   string
	value  func(train.Epoch) float64
	dashed bool
}

func trainAcc(e train.Epoch) float64  { return float64(e.TrainAcc) }
func valAcc(e train.Epoch) float64    { return float64(e.ValAcc) }
func trainLoss(e train.Epoch) float64 { return float64(e.TrainLoss) }
func valLoss(e train.Epoch) float64   { return float64(e.ValLoss) }
func gradNorm(e train.Epoch) float64  { return float64(e.GradNorm) }

// chartSpec describes one plot. yMin and yMax fix the y axis where they are
// not NaN; the data extends it otherwise.
type chartSpec struct {
	title      string
	y          string
	yMin, yMax float64
	series     []series
	accuracy   bool // fixed ticks every 0.1
	width      vg.Length
	height     vg.Length
}

// Plot sizes, legend included: 16×10 cm for one run, 20×12 cm for a
// comparison, about 600×380 and 760×450 pixels at 96 dots per inch.
const (
	runWidth     = 16 * vg.Centimeter
	runHeight    = 10 * vg.Centimeter
	compareWidth = 20 * vg.Centimeter
	compareHigh  = 12 * vg.Centimeter
)

// writeChart draws spec for runs into a PNG at path. With one run, each
// series has its own colour; with several (compare), each run has its own
// colour and the series of a run differ by dashes. Values that are not
// finite break a curve into segments.
func writeChart(path string, spec chartSpec, runs []NamedHistory, compare bool) error {
	p := plot.New()
	p.Title.Text = spec.title
	p.X.Label.Text = "epoch"
	p.Y.Label.Text = spec.y
	p.X.Tick.Marker = epochTicks{}
	if spec.accuracy {
		p.Y.Tick.Marker = plot.ConstantTicks(accuracyTicks())
	}
	p.Add(plotter.NewGrid())
	// The legend goes beside the plot, where it hides no curve.
	legend := plot.NewLegend()
	legend.TextStyle.Font.Size = vg.Points(9)
	legend.Top, legend.Left = true, true
	lastEpoch := 1
	for i, run := range runs {
		if run.History == nil {
			return fmt.Errorf("report: writing %s: run %q has no history", filepath.Base(path), run.Name)
		}
		for j, s := range spec.series {
			col := palette(j)
			label := s.name
			if compare {
				col = palette(i)
				label = run.Name
			}
			style := draw.LineStyle{Color: col, Width: vg.Points(1.5)}
			if s.dashed {
				style.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
			}
			segs := segments(run.History.Epochs, s.value)
			for _, e := range run.History.Epochs {
				lastEpoch = max(lastEpoch, e.Epoch)
			}
			// A legend entry per curve, but in a comparison only the solid
			// one of each run; dashed curves are explained in the title.
			if !compare || !s.dashed {
				if len(segs) == 0 {
					label += " (no finite values)"
				}
				legend.Add(label, &plotter.Line{LineStyle: style})
			}
			for _, seg := range segs {
				line, points, err := plotter.NewLinePoints(seg)
				if err != nil {
					return fmt.Errorf("report: writing %s: %w", filepath.Base(path), err)
				}
				line.LineStyle = style
				points.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(1.8), Shape: draw.CircleGlyph{}}
				p.Add(line, points)
			}
		}
	}
	p.X.Min, p.X.Max = 0, float64(lastEpoch)
	if !math.IsNaN(spec.yMin) {
		p.Y.Min = math.Min(p.Y.Min, spec.yMin)
	}
	if !math.IsNaN(spec.yMax) {
		p.Y.Max = math.Max(p.Y.Max, spec.yMax)
	}
	if math.IsInf(p.Y.Max, 0) || math.IsInf(p.Y.Min, 0) {
		// No data at all: show an empty frame over [yMin, yMin+1].
		p.Y.Min = zeroIfNaN(spec.yMin)
		p.Y.Max = p.Y.Min + 1
	} else if math.IsNaN(spec.yMax) && p.Y.Max > p.Y.Min {
		// Room above the highest point, so that its marker is not cut.
		p.Y.Max += 0.04 * (p.Y.Max - p.Y.Min)
	}

	w, h := spec.width, spec.height
	if w == 0 {
		w, h = runWidth, runHeight
	}
	r := legend.Rectangle(draw.Canvas{})
	legendWidth := r.Max.X - r.Min.X + vg.Points(12)
	img := vgimg.New(w, h)
	dc := draw.New(img)
	p.Draw(draw.Crop(dc, 0, -legendWidth, 0, 0))
	legend.Draw(draw.Crop(dc, w-legendWidth+vg.Points(6), 0, 0, -vg.Points(24)))

	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("report: writing %s: %w", filepath.Base(path), err)
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		f.Close()
		return fmt.Errorf("report: writing %s: %w", filepath.Base(path), err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("report: writing %s: %w", filepath.Base(path), err)
	}
	return nil
}

// palette returns the i-th of ten well-separated colours (Tableau 10),
// cycling.
func palette(i int) color.Color {
	c := [...]uint32{0x1f77b4, 0xd62728, 0x2ca02c, 0xff7f0e, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf}[i%10]
	return color.RGBA{uint8(c >> 16), uint8(c >> 8), uint8(c), 255}
}

// accuracyTicks labels the accuracy axis every 0.1.
func accuracyTicks() []plot.Tick {
	var t []plot.Tick
	for i := 0; i <= 10; i++ {
		v := float64(i) / 10
		t = append(t, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', 1, 64)})
	}
	return t
}

func zeroIfNaN(v float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	return v
}

// segments splits the finite values of a per-epoch series into runs of
// consecutive epochs.
func segments(epochs []train.Epoch, value func(train.Epoch) float64) []plotter.XYs {
	var out []plotter.XYs
	var cur plotter.XYs
	for _, e := range epochs {
		v := value(e)
		if math.IsNaN(v) || math.IsInf(v, 0) {
			if len(cur) > 0 {
				out = append(out, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, plotter.XY{X: float64(e.Epoch), Y: v})
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// epochTicks puts labelled ticks on whole epochs, at most about ten.
type epochTicks struct{}

// Ticks returns ticks at multiples of 1, 2, 5, 10, 20, 50, ... between
// min and max.
func (epochTicks) Ticks(lo, hi float64) []plot.Tick {
	step := 1.0
	for i := 0; (hi-lo)/step > 10; i++ {
		step *= [3]float64{2, 2.5, 2}[i%3]
	}
	var ticks []plot.Tick
	for v := math.Ceil(lo/step) * step; v <= hi; v += step {
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', -1, 64)})
	}
	return ticks
}
