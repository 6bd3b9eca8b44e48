//go:build !js

// Command benchbrowser measures the FashionLab site in headless Chromium:
// training images/s of the default MLP and CNN in the worker, the time from
// navigation to the worker being ready and to the first finished training
// step, the bytes transferred (compressed) before that step and in all,
// the page's frame rate and longest frame gap while training, and how the
// page trained (workers, SIMD) when it says so. It prints the median of a
// few repetitions, each in a fresh browser profile. With -ref, every
// repetition also measures a reference build (for example the previous
// one) right before, so both see the same load on a shared machine, and
// the ratios are printed too.
//
// Usage:
//
//	go run ./cmd/benchbrowser [-dir site-build] [-ref DIR] [-reps 3] [-mlp-steps 40] [-cnn-steps 12] [-workers 1,2] [-timeline]
//	go run ./cmd/benchbrowser -tta fast [-dir site-build] [-reps 3]
//
// -workers opens the page with each listed workers= address parameter in
// turn within every repetition (the last one is "this build" and the first
// the reference of the ratios); without it the page chooses.
//
// With -timeline, every repetition also prints its start-up: each file
// served (when its first and last bytes were written, and how many) and
// the page's and the worker's fashionlab:… performance marks, in
// milliseconds after navigation, up to the first step.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"fashionlab/internal/headless"
	"fashionlab/internal/loadavg"
)

// state is what the page reports of itself (window.fashionlab.state()).
type state = headless.PageState

// sample is one repetition's measurements.
type sample struct {
	firstBytes     float64 // bytes on the wire before the page showed the first finished step
	workerBytes    float64 // bytes on the wire before the worker sent that step (it asks for the rest of the data right after)
	loadBytes      float64 // bytes on the wire until worker and canvas are ready
	ready          float64 // ms from navigation to the worker's data being loaded
	firstStep      float64 // ms from navigation to the first finished step (default MLP)
	clickStep      float64 // ms from pressing Start, 2 s after ready, to the first finished step
	mlp, cnn       float64 // training images/s
	fpsMLP, fpsCNN float64 // page frames per second while training
	gapMLP, gapCNN float64 // longest frame gap in ms while training
	workers        string  // how many workers trained, as the page says ("?" if it does not)
	simd           string  // whether the worker installed the WebAssembly SIMD kernel
}

// figures are the reported measurements: a name, a unit, how to print it
// and how to read it from a sample.
var figures = []struct {
	name, unit, format string
	get                func(sample) float64
}{
	{"training MLP 784-256-256-10", "images/s", "%8.0f", func(s sample) float64 { return s.mlp }},
	{"training CNN 16-32-48, 256-256", "images/s", "%8.0f", func(s sample) float64 { return s.cnn }},
	{"navigation to worker ready", "ms", "%8.0f", func(s sample) float64 { return s.ready }},
	{"navigation to first step (MLP)", "ms", "%8.0f", func(s sample) float64 { return s.firstStep }},
	{"Start pressed after ready to first step", "ms", "%8.0f", func(s sample) float64 { return s.clickStep }},
	{"bytes before the first step", "MB", "%8.2f", func(s sample) float64 { return s.firstBytes / 1e6 }},
	{"bytes before the worker sent it", "MB", "%8.2f", func(s sample) float64 { return s.workerBytes / 1e6 }},
	{"bytes with the canvas loaded", "MB", "%8.2f", func(s sample) float64 { return s.loadBytes / 1e6 }},
	{"frame rate, MLP training", "fps", "%8.1f", func(s sample) float64 { return s.fpsMLP }},
	{"longest frame gap, MLP training", "ms", "%8.0f", func(s sample) float64 { return s.gapMLP }},
	{"frame rate, CNN training", "fps", "%8.1f", func(s sample) float64 { return s.fpsCNN }},
	{"longest frame gap, CNN training", "ms", "%8.0f", func(s sample) float64 { return s.gapCNN }},
}

func main() {
	dir := flag.String("dir", "site-build", "the built site folder")
	ref := flag.String("ref", "", "a reference site folder measured before the site in every repetition")
	reps := flag.Int("reps", 3, "repetitions")
	mlpSteps := flag.Int("mlp-steps", 40, "timed MLP steps (batch 128)")
	cnnSteps := flag.Int("cnn-steps", 12, "timed CNN steps (batch 128)")
	tta := flag.String("tta", "", "instead, time to validation accuracy 0.88 of a demo (\"fast\") or an address query (\"?demo=custom&…\")")
	workerList := flag.String("workers", "", "comma-separated worker counts to measure in turn (workers= of the address); empty: the page chooses")
	showTimeline := flag.Bool("timeline", false, "print each repetition's start-up timeline")
	flag.Parse()
	if *tta != "" {
		os.Exit(timeToAccuracy(*dir, *tta, *reps))
	}
	if _, err := os.Stat(headless.ChromiumPath); err != nil {
		fmt.Fprintln(os.Stderr, "benchbrowser: needs", headless.ChromiumPath, "(apt-get install chromium)")
		os.Exit(1)
	}
	sites := []string{*dir}
	if *ref != "" {
		sites = []string{*ref, *dir}
	}
	servers := make([]*headless.Server, len(sites))
	for i, d := range sites {
		srv, err := headless.Serve(d)
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchbrowser:", err)
			os.Exit(1)
		}
		defer srv.Close()
		servers[i] = srv
	}
	// Each worker count is measured like one more site, in turn.
	params := []string{""}
	if *workerList != "" {
		var siteList []string
		var serverList []*headless.Server
		params = params[:0]
		for k := range sites {
			for _, n := range strings.Split(*workerList, ",") {
				siteList, serverList = append(siteList, sites[k]+" workers="+n), append(serverList, servers[k])
				params = append(params, "&workers="+strings.TrimSpace(n))
			}
		}
		sites, servers = siteList, serverList
	}
	fmt.Printf("load average before: %s\n", loadAverage())
	samples := make([][]sample, len(sites))
	for i := range *reps {
		for k, srv := range servers {
			var tl io.Writer
			if *showTimeline {
				tl = os.Stdout
				fmt.Printf("rep %d %s: start-up timeline (ms after navigation)\n", i+1, sites[k])
			}
			s, err := measure(srv, params[k%len(params)], *mlpSteps, *cnnSteps, tl)
			if err == nil {
				s.clickStep, err = clickToFirstStep(srv, params[k%len(params)], tl)
			}
			if err != nil {
				fmt.Fprintf(os.Stderr, "benchbrowser: %s, repetition %d: %v\n", sites[k], i+1, err)
				os.Exit(1)
			}
			fmt.Printf("rep %d %s: MLP %.0f img/s, CNN %.0f img/s, ready %.0f ms, first step %.0f ms after %.2f MB (%.2f MB when the worker sent it; Start pressed: %.0f ms), fps %.1f/%.1f, max gap %.0f/%.0f ms, %.2f MB with the canvas; workers %s, SIMD %s\n",
				i+1, sites[k], s.mlp, s.cnn, s.ready, s.firstStep, s.firstBytes/1e6, s.workerBytes/1e6, s.clickStep, s.fpsMLP, s.fpsCNN, s.gapMLP, s.gapCNN, s.loadBytes/1e6, s.workers, s.simd)
			samples[k] = append(samples[k], s)
		}
	}
	med := func(k int, f func(sample) float64) float64 {
		v := make([]float64, len(samples[k]))
		for i, s := range samples[k] {
			v[i] = f(s)
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	last := len(sites) - 1
	fmt.Printf("\nmedian of %d (headless Chromium, batch 128, Adam; load average after %s):\n", *reps, loadAverage())
	if last > 0 {
		fmt.Printf("  %-34s %14s %14s %7s\n", "", sites[0], sites[last], "ratio")
	}
	for _, f := range figures {
		line := fmt.Sprintf("  %-34s "+f.format+" %-8s", f.name, med(last, f.get), f.unit)
		if last > 0 {
			r := med(0, f.get)
			line = fmt.Sprintf("  %-34s "+f.format+" %-5s "+f.format+" %-5s %7.2f", f.name, r, f.unit, med(last, f.get), f.unit, med(last, f.get)/r)
		}
		fmt.Println(line)
	}
	fmt.Printf("  %-34s %s\n", "workers (as the page says) / SIMD", samples[last][0].workers+" / "+samples[last][0].simd)
}

// A fresh Chromium keeps both cores busy for a second or two after it
// starts; the page is opened once it has settled (headless.Settle) below
// settleIdle of a core, as in a browser that has been running a while.
const (
	settleIdle = 0.1
	settleMost = 10 * time.Second
)

// measure opens the site with the extra address parameters params (such
// as "&workers=2") and measures one repetition; with timeline not nil, it
// writes the start-up timeline there.
func measure(srv *headless.Server, params string, mlpSteps, cnnSteps int, timeline io.Writer) (sample, error) {
	var out sample
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	b, err := headless.Launch(ctx)
	if err != nil {
		return out, err
	}
	defer b.Close()
	if _, err := b.Settle(ctx, settleIdle, settleMost); err != nil {
		return out, err
	}
	srv.ResetBytes()
	// The custom demo's form holds the default MLP; autostart trains it
	// as soon as the worker is ready.
	if err := chromedp.Do(b.Ctx, chromedp.Navigate(srv.URL+"?demo=custom&autostart=1"+params)); err != nil {
		return out, err
	}
	s, err := wait(b.Ctx, func(s state) bool { return s.FirstStepMs != nil })
	if err != nil {
		return out, fmt.Errorf("first step: %w", err)
	}
	out.firstStep = *s.FirstStepMs
	if s.ReadyMs != nil {
		out.ready = *s.ReadyMs
	}
	// The page's clock is the machine's: the step finished at the
	// navigation's wall-clock start (performance.timeOrigin, ms since the
	// Unix epoch) plus its time stamp.
	origin, err := chromedp.Run(b.Ctx, chromedp.Evaluate[float64](`performance.timeOrigin`))
	if err != nil {
		return out, fmt.Errorf("time origin: %w", err)
	}
	firstAt := time.UnixMicro(int64((origin + *s.FirstStepMs) * 1000))
	out.firstBytes = float64(srv.BytesBefore(firstAt))
	// The worker asks for the rest of the data as soon as it has sent the
	// step, while the page may still be busy before it handles it: the
	// bytes before the worker's mark are what the first step waited for.
	sent, err := inWorker(b.Ctx, func(wctx context.Context) (float64, error) {
		return chromedp.Run(wctx, chromedp.Evaluate[float64](firstStepSentJS))
	})
	if err != nil {
		return out, fmt.Errorf("the worker's first step: %w", err)
	}
	if sent == 0 {
		return out, errors.New("the worker has no fashionlab:first-step-sent mark")
	}
	out.workerBytes = float64(srv.BytesBefore(time.UnixMicro(int64(sent * 1000))))
	if timeline != nil {
		if err := writeTimeline(b.Ctx, timeline, srv, origin, *s.FirstStepMs); err != nil {
			return out, fmt.Errorf("timeline: %w", err)
		}
	}
	out.workers, out.simd = "?", "?"
	if s.Workers != nil {
		out.workers = fmt.Sprint(*s.Workers)
	}
	if s.SIMD != nil {
		out.simd = fmt.Sprint(*s.SIMD)
	}
	if _, err := wait(b.Ctx, func(s state) bool { return s.CanvasReady }); err != nil {
		return out, fmt.Errorf("canvas: %w", err)
	}
	out.loadBytes = float64(srv.BytesBefore(time.Time{}))

	// Each measured run is typed into the custom form and started with
	// the Start button, replacing the run in progress, as a person would.
	typeInto := func(sel, text string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			return chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel)), chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
				chromedp.KeyEvent(kb.Delete), chromedp.SendKeys(chromedp.CSS(sel), text))
		})
	}
	run := func(net string, steps int) (ips, fps, gap float64, err error) {
		before, _ := headless.ReadState(b.Ctx)
		err = chromedp.Do(b.Ctx,
			chromedp.SendKeys(chromedp.CSS("#f-net"), net[:1]),
			typeInto("#f-lr", "1e-3"), typeInto("#f-epochs", "1"), typeInto("#f-train_limit", "0"),
			typeInto("#f-eval_train_size", "256"), typeInto("#f-max_steps", fmt.Sprint(steps)),
			chromedp.Sleep(500*time.Millisecond), chromedp.Click(chromedp.CSS("#btn-start")))
		if err != nil {
			return 0, 0, 0, err
		}
		if open, _ := chromedp.Run(b.Ctx, chromedp.Evaluate[bool](`document.getElementById('confirm').open`)); open {
			if err := chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS("#confirm-replace"))); err != nil {
				return 0, 0, 0, err
			}
		}
		s, err := wait(b.Ctx, func(s state) bool {
			r := s.Runs[len(s.Runs)-1]
			return len(s.Runs) > len(before.Runs) && r.Status == "done"
		})
		if err != nil {
			return 0, 0, 0, err
		}
		r := s.Runs[len(s.Runs)-1]
		if r.Reason != "limit" || r.Seconds <= 0 {
			return 0, 0, 0, fmt.Errorf("run ended with %q after %.1f s of training", r.Reason, r.Seconds)
		}
		return r.Images / r.Seconds, float64(s.Frames.Count) / s.Frames.Seconds, s.Frames.MaxGapMs, nil
	}
	if out.mlp, out.fpsMLP, out.gapMLP, err = run("mlp", mlpSteps); err != nil {
		return out, fmt.Errorf("MLP: %w", err)
	}
	if out.cnn, out.fpsCNN, out.gapCNN, err = run("cnn", cnnSteps); err != nil {
		return out, fmt.Errorf("CNN: %w", err)
	}
	uses, err := workerUsesSIMD(b.Ctx)
	if err != nil {
		return out, fmt.Errorf("SIMD check: %w", err)
	}
	out.simd = yesNo(uses)
	s, err = headless.ReadState(b.Ctx)
	if err == nil && len(s.Errors) > 0 {
		return out, fmt.Errorf("page errors: %v", s.Errors)
	}
	if err == nil && s.Workers != nil {
		// Helper workers become ready after the first step: the count
		// that trained the timed runs is the one at the end.
		out.workers = fmt.Sprint(*s.Workers)
	}
	if p := b.Problems(); len(p) > 0 {
		return out, fmt.Errorf("console errors: %v", p)
	}
	return out, nil
}

// loadAverage returns the 1, 5 and 15 minute load averages on Linux: other
// work on the machine shows in every number here.
func loadAverage() string {
	avg, err := loadavg.Read()
	if err != nil {
		return "unknown"
	}
	return strings.Join(avg[:], " ")
}

// wait polls the page every 50 ms until it has a run and ok accepts its
// state.
func wait(ctx context.Context, ok func(state) bool) (state, error) {
	return headless.WaitState(ctx, func(s state) bool { return len(s.Runs) > 0 && ok(s) })
}

// clickToFirstStep opens the Custom demo (the default MLP) in a fresh
// browser, waits until the worker has been ready for 2 s, as a person
// reading the page would, presses Start and returns the ms from the press
// (the page's fashionlab:start-pressed mark) to the run's first finished
// step, on the page's clock.
// With timeline not nil, it writes the timeline up to that step there.
func clickToFirstStep(srv *headless.Server, params string, timeline io.Writer) (float64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	b, err := headless.Launch(ctx)
	if err != nil {
		return 0, err
	}
	defer b.Close()
	if _, err := b.Settle(ctx, settleIdle, settleMost); err != nil {
		return 0, err
	}
	if err := chromedp.Do(b.Ctx, chromedp.Navigate(srv.URL+"?demo=custom"+params)); err != nil {
		return 0, err
	}
	if _, err := headless.WaitState(b.Ctx, func(s state) bool { return s.ReadyMs != nil }); err != nil {
		return 0, fmt.Errorf("ready: %w", err)
	}
	time.Sleep(2 * time.Second)
	if err := chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS("#btn-start"))); err != nil {
		return 0, err
	}
	s, err := headless.WaitState(b.Ctx, func(s state) bool { return s.FirstStepMs != nil })
	if err != nil {
		return 0, fmt.Errorf("first step after Start: %w", err)
	}
	// The page marks the press in its click handler: the time the click
	// took to arrive (CDP, a busy main thread) is not the page's.
	pressed, err := chromedp.Run(b.Ctx, chromedp.Evaluate[*float64](`(performance.getEntriesByName('fashionlab:start-pressed')[0] || {startTime: null}).startTime`))
	if err != nil {
		return 0, fmt.Errorf("the page's start-pressed mark: %w", err)
	}
	if pressed == nil {
		return math.NaN(), nil // a build from before the mark (a -ref site)
	}
	if timeline != nil {
		origin, err := chromedp.Run(b.Ctx, chromedp.Evaluate[float64](`performance.timeOrigin`))
		if err != nil {
			return 0, fmt.Errorf("time origin: %w", err)
		}
		fmt.Fprintln(timeline, "Start pressed 2 s after ready:")
		if err := writeTimeline(b.Ctx, timeline, srv, origin, *s.FirstStepMs); err != nil {
			return 0, fmt.Errorf("timeline: %w", err)
		}
	}
	return *s.FirstStepMs - *pressed, nil
}

// mark is a performance mark: its name and time in ms since the Unix epoch.
type mark struct {
	Name string  `json:"name"`
	At   float64 `json:"at"`
}

// firstStepSentJS returns when the worker sent its first step (ms since
// the Unix epoch), or 0 without the mark.
const firstStepSentJS = `(() => { const m = performance.getEntriesByName('fashionlab:first-step-sent')[0]; return m ? performance.timeOrigin + m.startTime : 0; })()`

// marksJS reads a global scope's fashionlab:… performance marks.
const marksJS = `performance.getEntriesByType('mark').filter((m) => m.name.startsWith('fashionlab:')).map((m) => ({name: m.name, at: performance.timeOrigin + m.startTime}))`

// writeTimeline writes the files served and the page's and the training
// worker's marks up to the first step (until, ms after origin, the
// navigation's start in ms since the Unix epoch), in time order.
func writeTimeline(ctx context.Context, w io.Writer, srv *headless.Server, origin, until float64) error {
	type line struct {
		at   float64
		text string
	}
	var lines []line
	ms := func(t time.Time) float64 { return float64(t.UnixMicro())/1000 - origin }
	for _, r := range srv.Requests() {
		if ms(r.First) > until {
			continue
		}
		lines = append(lines, line{ms(r.First), fmt.Sprintf("%-40s %9.3f MB, last byte %6.0f", r.Path, float64(r.Bytes)/1e6, ms(r.Last))})
	}
	page, err := chromedp.Run(ctx, chromedp.Evaluate[[]mark](marksJS))
	if err != nil {
		return err
	}
	worker, err := inWorker(ctx, func(wctx context.Context) ([]mark, error) {
		return chromedp.Run(wctx, chromedp.Evaluate[[]mark](marksJS))
	})
	if err != nil {
		return err
	}
	for who, marks := range map[string][]mark{"page": page, "worker": worker} {
		for _, m := range marks {
			lines = append(lines, line{m.At - origin, fmt.Sprintf("%-6s %s", who, strings.TrimPrefix(m.Name, "fashionlab:"))})
		}
	}
	slices.SortStableFunc(lines, func(a, b line) int {
		switch {
		case a.at < b.at:
			return -1
		case a.at > b.at:
			return 1
		}
		return 0
	})
	for _, l := range lines {
		fmt.Fprintf(w, "  %7.0f  %s\n", l.at, l.text)
	}
	return nil
}

// inWorker runs f in the training worker's context.
func inWorker[T any](ctx context.Context, f func(context.Context) (T, error)) (T, error) {
	var zero T
	targets, err := chromedp.Targets(ctx)
	if err != nil {
		return zero, err
	}
	for _, t := range targets {
		if t.Type != "worker" || !strings.HasSuffix(t.URL, "/worker.js") {
			continue
		}
		wctx, cancel := chromedp.NewContext(ctx, chromedp.WithTargetID(t.TargetID))
		defer cancel()
		return f(wctx)
	}
	return zero, fmt.Errorf("no training worker among %d targets", len(targets))
}

// workerUsesSIMD attaches to the training worker and reports whether its
// bootstrap installed the SIMD kernel (site/simd.js), which the worker's Go
// code picks up when it creates its matrix engine.
func workerUsesSIMD(ctx context.Context) (bool, error) {
	return inWorker(ctx, func(wctx context.Context) (bool, error) {
		return chromedp.Run(wctx, chromedp.Evaluate[bool](`typeof self.fashionlabGemmSIMD === 'function'`))
	})
}

// yesNo spells a boolean for the report.
func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
