//go:build !js

package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"fashionlab/internal/headless"
)

// targetAccuracy is the validation accuracy whose time -tta reports.
const targetAccuracy = 0.88

// ttaTimeout bounds one -tta repetition: the page's run must end by then.
const ttaTimeout = 10 * time.Minute

// ttaPoint is one logged epoch of the run: its validation accuracy and
// when the page had it, in seconds since navigation.
type ttaPoint struct {
	Epoch  int
	ValAcc float64
	At     float64
}

// ttaState is what -tta reads of window.fashionlab.state(), with the
// page's clock (performance.now(), ms since navigation) read at the same
// moment.
type ttaState struct {
	Now  float64 `json:"now"`
	Runs []struct {
		Status  string     `json:"status"`
		Reason  string     `json:"reason"`
		ValAcc  []*float64 `json:"valAcc"`
		Images  float64    `json:"images"`
		Seconds float64    `json:"seconds"`
	} `json:"runs"`
	Workers *int     `json:"workers"`
	SIMD    *bool    `json:"simd"`
	Errors  []string `json:"errors"`
}

// ttaRead reads the page's clock and the validation accuracy of every
// logged epoch of every run.
const ttaRead = `(() => {
  if (!window.fashionlab) return {now: performance.now(), runs: []};
  const s = window.fashionlab.state();
  return {now: performance.now(), workers: s.workers, simd: s.simd, errors: s.errors,
    runs: s.runs.map((r) => ({status: r.status, reason: r.reason, images: r.images, seconds: r.seconds, valAcc: r.epochs.map((e) => e.val_acc)}))};
})()`

// ttaAddress returns the address -tta opens for its flag: a demo's id
// ("fast") or a whole query ("?demo=custom&net=cnn&…"); autostart is
// added when missing, so that the run starts as soon as the data is in.
func ttaAddress(flagValue string) string {
	q := flagValue
	if !strings.HasPrefix(q, "?") {
		q = "?demo=" + q
	}
	if !strings.Contains(q, "autostart=") {
		q += "&autostart=1"
	}
	return q
}

// timeToAccuracy is benchbrowser's -tta mode: reps times, it opens the
// site at the address of flagValue in a fresh profile and records, for
// the first run the address starts, each epoch's validation accuracy
// with its time since navigation, until the run ends. It prints each
// curve, the time the run first reached targetAccuracy, and the median
// of those times over the repetitions that reached it. It returns the
// exit status.
func timeToAccuracy(dir, flagValue string, reps int) int {
	srv, err := headless.Serve(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchbrowser:", err)
		return 1
	}
	defer srv.Close()
	address := ttaAddress(flagValue)
	fmt.Printf("time to validation accuracy %.2f: %s, load average before: %s\n", targetAccuracy, address, loadAverage())
	var times []float64
	for i := range reps {
		curve, how, err := ttaRun(srv.URL+address, ttaTimeout)
		if err != nil {
			how = "incomplete"
		}
		fmt.Printf("rep %d (%s): epoch, seconds since navigation, validation accuracy\n", i+1, how)
		reached := -1.0
		for _, p := range curve {
			fmt.Printf("  %2d %7.1f s  %.4f\n", p.Epoch, p.At, p.ValAcc)
			if reached < 0 && p.ValAcc >= targetAccuracy {
				reached = p.At
			}
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "benchbrowser: -tta repetition %d: %v\n", i+1, err)
			return 1
		}
		if reached < 0 {
			fmt.Printf("  did not reach %.2f (best %.4f)\n", targetAccuracy, bestAcc(curve))
			continue
		}
		fmt.Printf("  reached %.2f at %.1f s\n", targetAccuracy, reached)
		times = append(times, reached)
	}
	fmt.Printf("\n%d of %d repetitions reached %.2f", len(times), reps, targetAccuracy)
	if len(times) > 0 {
		slices.Sort(times)
		fmt.Printf("; median %.1f s (range %.1f-%.1f s)", times[len(times)/2], times[0], times[len(times)-1])
	}
	fmt.Printf("; load average after: %s\n", loadAverage())
	return 0
}

// ttaRun opens url in a fresh browser and follows the first run the page
// starts until it ends, polling the page every 100 ms; it returns the
// run's curve and how the page trained (workers, SIMD).
func ttaRun(url string, timeout time.Duration) ([]ttaPoint, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	b, err := headless.Launch(ctx)
	if err != nil {
		return nil, "", err
	}
	defer b.Close()
	if _, err := b.Settle(ctx, settleIdle, settleMost); err != nil {
		return nil, "", err
	}
	if err := chromedp.Do(b.Ctx, chromedp.Navigate(url)); err != nil {
		return nil, "", fmt.Errorf("opening %s: %w", url, err)
	}
	var curve []ttaPoint
	for {
		s, err := chromedp.Run(b.Ctx, chromedp.Evaluate[ttaState](ttaRead))
		if err != nil {
			return curve, "", fmt.Errorf("reading the page: %w", err)
		}
		if len(s.Errors) > 0 {
			return curve, "", fmt.Errorf("page errors: %v", s.Errors)
		}
		if len(s.Runs) > 0 {
			r := s.Runs[0]
			for e := len(curve); e < len(r.ValAcc); e++ {
				acc := -1.0
				if r.ValAcc[e] != nil {
					acc = *r.ValAcc[e]
				}
				curve = append(curve, ttaPoint{Epoch: e, ValAcc: acc, At: s.Now / 1000})
			}
			if r.Status == "done" || r.Status == "failed" {
				if p := b.Problems(); len(p) > 0 {
					return curve, "", fmt.Errorf("console errors: %v", p)
				}
				ips := 0.0
				if r.Seconds > 0 {
					ips = r.Images / r.Seconds
				}
				return curve, fmt.Sprintf("run ended: %s; training %.0f images/s; workers %s, SIMD %s", r.Reason, ips, orUnknown(s.Workers), orUnknown(s.SIMD)), nil
			}
		}
		select {
		case <-b.Ctx.Done():
			return curve, "", fmt.Errorf("the run did not end within %s: %w", timeout, b.Ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// bestAcc returns the highest validation accuracy of a curve.
func bestAcc(curve []ttaPoint) float64 {
	best := 0.0
	for _, p := range curve {
		best = max(best, p.ValAcc)
	}
	return best
}

// orUnknown prints what the page reported, or "?" when it did not.
func orUnknown[T any](v *T) string {
	if v == nil {
		return "?"
	}
	return fmt.Sprint(*v)
}
