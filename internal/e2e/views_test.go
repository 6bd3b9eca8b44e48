//go:build !js

package e2e

import (
	"bytes"
	"fmt"
	"image/png"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
)

// drawnLabel is a name a chart drew, with the run it belongs to.
type drawnLabel struct {
	Name string `json:"name"`
	Run  int    `json:"run"`
}

// shownNumber is a number of a question's answer on the page: the value
// it stands for, its run and quantity, and its text.
type shownNumber struct {
	Value    float64 `json:"value"`
	Run      int     `json:"run"`
	Quantity string  `json:"quantity"`
	Text     string  `json:"text"`
}

// epochLog is one epoch of a run as the page's state gives it.
type epochLog struct {
	Epoch    int      `json:"epoch"`
	TrainAcc *float64 `json:"train_acc"`
	ValAcc   *float64 `json:"val_acc"`
	GradNorm *float64 `json:"grad_norm"`
}

// runQuantity computes a run's number the way the page's answer names it
// (data-quantity), from the run's per-epoch log; ok is false when the
// quantity is unknown or the run has no epoch.
func runQuantity(log []epochLog, quantity string) (float64, bool) {
	var last *epochLog
	lo, hi, best := math.Inf(1), math.Inf(-1), math.Inf(-1)
	for i := range log {
		e := &log[i]
		if e.Epoch < 1 || e.ValAcc == nil {
			continue
		}
		last = e
		best = math.Max(best, *e.ValAcc)
		if e.GradNorm != nil {
			lo, hi = math.Min(lo, *e.GradNorm), math.Max(hi, *e.GradNorm)
		}
	}
	if last == nil {
		return 0, false
	}
	switch quantity {
	case "val_acc":
		return *last.ValAcc, true
	case "train_acc":
		return *last.TrainAcc, true
	case "gap":
		return *last.TrainAcc - *last.ValAcc, true
	case "best_val_acc":
		return best, true
	case "grad_norm_min":
		return lo, !math.IsInf(lo, 0)
	case "grad_norm_max":
		return hi, !math.IsInf(hi, 0)
	}
	return 0, false
}

// readsAs reports whether text is value written with text's own number of
// decimals.
func readsAs(text string, value float64) bool {
	decimals := 0
	if i := strings.IndexByte(text, '.'); i >= 0 {
		decimals = len(text) - i - 1
	}
	return text == strconv.FormatFloat(value, 'f', decimals, 64)
}

// viewRun is a run with its per-epoch log, as the views test reads it.
type viewRun struct {
	ID     int        `json:"id"`
	Label  string     `json:"label"`
	Demo   string     `json:"demo"`
	Status string     `json:"status"`
	Epochs []epochLog `json:"epochs"`
}

// TestEachQuestionAnswersFromItsOwnRuns trains every question as a
// student does, one after the other in one tab: choose it, press Start,
// wait for its runs to end. Then the question's figure must name every
// run of that question and no other, its answer's numbers must be the
// runs' own numbers written as people write them, with the full-scale
// numbers beside them, and the list of runs must hold only that
// question's. The runs of the questions before stay saved and come back
// in their own views, and the comparison view overlays a run ticked from
// another question. It saves a screenshot of each view at 1280 px and at
// 640 px.
func TestEachQuestionAnswersFromItsOwnRuns(t *testing.T) {
	p := newPersonFor(t, "?demo=q3", 1280, 900, 25*time.Minute)
	dir := t.TempDir()
	p.downloadsInto(dir)
	p.waitReady()
	questions := []string{"q3", "q2", "q4", "q5", "fast", "q1"}
	answers := map[string]string{}
	for _, q := range questions {
		ok := t.Run(q, func(t *testing.T) {
			p.t = t
			p.click(fmt.Sprintf(`#demos button[data-demo=%q]`, q))
			begin := time.Now()
			p.click("#btn-start")
			s := p.waitFor("every run of "+q+" to end", 8*time.Minute, func(s pageState) bool {
				n := 0
				for _, r := range s.Runs {
					if r.Demo == q {
						n++
					}
				}
				return n > 0 && s.Current == nil && len(s.Queued) == 0
			})
			t.Logf("%s: %.0f s from Start to the last run's end", q, time.Since(begin).Seconds())
			p.checkView(q)
			answers[q] = p.text("#conclusion .answer")
			figure := p.download("#btn-download-figure", dir, "fashionlab-"+q+".png")
			if img, err := png.Decode(bytes.NewReader(figure)); err != nil || img.Bounds().Dx() < 600 {
				t.Errorf("%s: the figure's PNG does not decode to a figure at least 600 px wide (%v)", q, err)
			}
			p.resize(1280, 900)
			p.shot("view-" + q + "-1280")
			p.resize(640, 900)
			p.waitLaidOut()
			t.Logf("%s at 640 px: the answer is %.0f px tall, the figure %.0f px", q,
				look[float64](p, `document.getElementById('conclusion').getBoundingClientRect().height`),
				look[float64](p, `document.getElementById('figure').getBoundingClientRect().height`))
			p.shot("view-" + q + "-640")
			p.resize(1280, 900)
			_ = s
		})
		if !ok {
			return
		}
	}
	t.Run("report.md", func(t *testing.T) {
		p.t = t
		md := string(p.download("#btn-download-report", dir, "report.md"))
		_, figures, ok := strings.Cut(md, "## Figures and answers drawn on the page")
		if !ok {
			t.Fatalf("report.md has no figures of the page:\n%.2000s", md)
		}
		for _, q := range questions {
			if a := answers[q]; a != "" && !strings.Contains(figures, a) {
				t.Errorf("report.md lacks %s's answer %q", q, a)
			}
		}
		if n := strings.Count(figures, "](data:image/png;base64,"); n < len(questions) {
			t.Errorf("report.md has %d figures of the page, want one per question (%d)", n, len(questions))
		}
	})
	for _, q := range []string{"q2", "q5"} {
		t.Run("embed "+q+" at 640 px", func(t *testing.T) {
			p.t = t
			p.resize(640, 900)
			defer p.resize(1280, 900)
			p.open("?demo=" + q + "&embed=1")
			p.waitReady()
			p.click("#btn-start")
			p.waitFor("every run of the "+q+" embed to end", 8*time.Minute, func(s pageState) bool {
				return len(s.Runs) > 0 && s.Current == nil && len(s.Queued) == 0
			})
			p.checkView(q)
			p.waitLaidOut()
			height := look[float64](p, `document.documentElement.scrollHeight`)
			h := p.copiedSnippetHeight()
			t.Logf("the %s embed with its runs' answer is %.0f px tall at 640 px; its snippet %d px", q, height, h)
			if height > float64(h) || h > maxEmbedHeight {
				t.Errorf("the %s embed with its answer is %.0f px tall, its snippet %d px (at most %d)", q, height, h, maxEmbedHeight)
			}
			p.shot("embed-" + q + "-640-answered")
		})
	}
	t.Run("saved views", func(t *testing.T) {
		p.t = t
		p.open("?demo=q2")
		p.waitReady()
		p.waitFor("the saved runs", 30*time.Second, func(s pageState) bool { return len(s.Runs) > 0 })
		for _, q := range questions {
			p.click(fmt.Sprintf(`#demos button[data-demo=%q]`, q))
			p.checkView(q)
		}
	})
	t.Run("compare", func(t *testing.T) {
		p.t = t
		p.click(`#demos button[data-demo="custom"]`)
		runs := look[[]viewRun](p, `window.fashionlab.state().runs`)
		var q3 viewRun
		for _, r := range runs {
			if r.Demo == "q3" {
				q3 = r
				break
			}
		}
		if q3.ID == 0 {
			t.Fatal("no run of q3 was saved")
		}
		p.click(fmt.Sprintf(`#view-pick-list input[data-run="%d"]`, q3.ID))
		var drawn []drawnLabel
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			drawn = look[[]drawnLabel](p, `JSON.parse(document.getElementById('figure').dataset.labels || '[]')`)
			if len(drawn) > 0 {
				break
			}
		}
		named := map[int]string{}
		for _, d := range drawn {
			named[d.Run] = d.Name
		}
		if len(named) != 1 || named[q3.ID] != q3.Label {
			t.Errorf("the comparison figure names %+v after ticking %q (run %d) alone", drawn, q3.Label, q3.ID)
		}
		p.shot("view-custom-1280")
	})
	t.Run("presentation", func(t *testing.T) {
		p.t = t
		p.resize(1280, 720)
		defer p.resize(1280, 900)
		p.click("#btn-present")
		defer p.click("#btn-present")
		for _, q := range []string{"q2", "q4", "q5"} {
			p.click(fmt.Sprintf(`#demos button[data-demo=%q]`, q))
			p.waitLaidOut()
			for _, sel := range []string{"#figure", "#conclusion .answer", "#btn-start", "#btn-stop", "#status"} {
				box := look[[]float64](p, fmt.Sprintf(`(() => { const r = document.querySelector(%q).getBoundingClientRect(); return [r.top, r.bottom, r.height]; })()`, sel))
				if box[2] <= 0 || box[0] < 0 || box[1] > 720 {
					t.Errorf("%s in presentation mode: %s spans %.0f-%.0f px, not within the 720 px screen", q, sel, box[0], box[1])
				}
			}
			p.viewShot("present-" + q + "-1280x720")
		}
	})
	t.Run("predictions at 390 px", func(t *testing.T) {
		p.t = t
		p.resize(390, 800)
		defer p.resize(1280, 900)
		p.waitFor("predictions", time.Minute, func(s pageState) bool { return s.Predictions != nil })
		var scale float64
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
			scale = look[float64](p, `(() => { const c = document.getElementById('gallery'); return c.getBoundingClientRect().width / (c.width / devicePixelRatio); })()`)
			if scale >= 11.0/12 {
				break
			}
		}
		if scale < 11.0/12 {
			t.Errorf("at 390 px the predictions are shown at %.2f of their drawn size: their 12 px labels are smaller than 11 px", scale)
		}
		if w := look[[]float64](p, `[document.documentElement.scrollWidth, document.documentElement.clientWidth]`); w[0] > w[1] {
			t.Errorf("at 390 px the page is %.0f px wide (sideways scrolling)", w[0])
		}
		p.shot("view-predictions-390")
	})
}

// checkView checks the view of question q as shown: its figure names
// every run of q that has a logged epoch and no run of another question,
// its list of runs holds q's runs only, each with a colour of its own,
// and every number of its answer is its run's number, written as people
// write it.
func (p *person) checkView(q string) {
	t := p.t
	t.Helper()
	runs := look[[]viewRun](p, `window.fashionlab.state().runs`)
	want := map[int]string{}
	byID := map[int]viewRun{}
	for _, r := range runs {
		byID[r.ID] = r
		if r.Demo == q && len(r.Epochs) > 0 {
			want[r.ID] = r.Label
		}
	}
	var drawn []drawnLabel
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		drawn = look[[]drawnLabel](p, `JSON.parse(document.getElementById('figure').dataset.labels || '[]')`)
		if len(drawn) >= len(want) {
			break
		}
	}
	named := map[int]bool{}
	for _, d := range drawn {
		r, ok := byID[d.Run]
		switch {
		case !ok:
			t.Errorf("%s: the figure names %q for no run", q, d.Name)
		case r.Demo != q:
			t.Errorf("%s: the figure names %q, a run of %s", q, d.Name, r.Demo)
		default:
			named[d.Run] = true
		}
	}
	for id, label := range want {
		if !named[id] {
			t.Errorf("%s: the figure does not name run %d (%q); it names %+v", q, id, label, drawn)
		}
	}
	// The figure is drawn at the size shown, so its 12 px text stays 12 px.
	if scale := look[float64](p, `(() => { const c = document.getElementById('figure'); return c.getBoundingClientRect().width / (c.width / devicePixelRatio); })()`); scale < 11.0/12 {
		t.Errorf("%s: the figure is shown at %.2f of its drawn size: its text is smaller than 11 px", q, scale)
	}
	colors := look[[]string](p, `[...document.querySelectorAll('#legend .swatch')].map((s) => s.style.background)`)
	seen := map[string]bool{}
	for _, c := range colors {
		if seen[c] {
			t.Errorf("%s: two runs in the list share the colour %s", q, c)
		}
		seen[c] = true
	}
	mine := 0
	for _, r := range runs {
		if r.Demo == q {
			mine++
		}
	}
	if len(colors) != mine {
		t.Errorf("%s: the list of runs shows %d runs, the question has %d", q, len(colors), mine)
	}
	numbers := look[[]shownNumber](p, `[...document.querySelectorAll('#conclusion data')].map((d) => ({ value: Number(d.value), run: Number(d.dataset.run || 0), quantity: d.dataset.quantity, text: d.textContent }))`)
	if q != "q1" && len(numbers) == 0 {
		t.Errorf("%s: the answer shows no number of the runs: %q", q, p.text("#conclusion"))
	}
	for _, n := range numbers {
		r, ok := byID[n.Run]
		if !ok || r.Demo != q {
			t.Errorf("%s: the answer's %s %s is of run %d, not a run of this question", q, n.Quantity, n.Text, n.Run)
			continue
		}
		v, ok := runQuantity(r.Epochs, n.Quantity)
		if !ok || math.Abs(v-n.Value) > 1e-9 {
			t.Errorf("%s: the answer gives %s of %q as %v; the run's log says %v", q, n.Quantity, r.Label, n.Value, v)
		}
		if !readsAs(n.Text, n.Value) {
			t.Errorf("%s: the answer writes %v as %q", q, n.Value, n.Text)
		}
	}
	if q != "q1" && q != "fast" {
		if text := look[string](p, `(document.querySelector('#conclusion table') || {}).textContent || ''`); !strings.Contains(text, "FashionLab native") || !strings.Contains(text, "PyTorch reference") || (q == "q4" || q == "q5") && !strings.Contains(text, "homework report") {
			t.Errorf("%s: the answer has no table of the full-scale numbers: %q", q, text)
		}
	}
	t.Logf("%s answer: %s", q, p.text("#conclusion .answer"))
}
