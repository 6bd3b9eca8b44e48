package main

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"

	"fashionlab/model"
	"fashionlab/model/train"
)

func printParams(w io.Writer, net *model.Network) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "index\tmodule\t\toutput\tparams\t")
	for _, l := range net.Layers() {
		params := ""
		if l.Params > 0 {
			params = fmt.Sprint(l.Params)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t\n", l.Index, l.Kind, l.Detail, l.Out, params)
	}
	tw.Flush()
	fmt.Fprintf(w, "total %d\n", net.NumParams())
}

func printEpoch(w io.Writer, e train.Epoch) {
	line := fmt.Sprintf("epoch %2d  train loss %.4f acc %.4f  val loss %.4f acc %.4f", e.Epoch, e.TrainLoss, e.TrainAcc, e.ValLoss, e.ValAcc)
	if e.Epoch > 0 {
		line += fmt.Sprintf("  grad norm %.4g  %.1f s", e.GradNorm, e.Seconds)
		if e.ZeroGradSteps > 0 {
			line += fmt.Sprintf("  (%d/%d steps with zero gradient)", e.ZeroGradSteps, e.Steps)
		}
	}
	fmt.Fprintln(w, line)
}

func printSummary(w io.Writer, h *train.History) {
	if len(h.Epochs) == 0 {
		return
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "epoch\ttrain loss\ttrain acc\tval loss\tval acc\tgrad norm\tseconds\timages/s\t")
	for _, e := range h.Epochs {
		grad, secs, speed := "", "", ""
		if e.Epoch > 0 {
			grad = fmt.Sprintf("%.4g", e.GradNorm)
			secs = fmt.Sprintf("%.2f", e.Seconds)
			if e.Seconds > 0 && e.Images > 0 {
				speed = fmt.Sprintf("%.0f", float64(e.Images)/float64(e.Seconds))
			}
		}
		fmt.Fprintf(tw, "%d\t%.4f\t%.4f\t%.4f\t%.4f\t%s\t%s\t%s\t\n", e.Epoch, e.TrainLoss, e.TrainAcc, e.ValLoss, e.ValAcc, grad, secs, speed)
	}
	tw.Flush()
	if h.Test != nil {
		fmt.Fprintf(w, "test (%d images): loss %.4f, accuracy %.4f\n", h.Test.Images, h.Test.Loss, h.Test.Accuracy)
	}
}

// progress draws one progress bar per epoch with the running loss,
// accuracy and speed.
type progress struct {
	w       io.Writer
	tr      *train.Trainer
	bar     *progressbar.ProgressBar
	epoch   int
	images  int
	loss    float64
	correct float64
	start   time.Time
}

func newProgress(w io.Writer, tr *train.Trainer) *progress { return &progress{w: w, tr: tr} }

func (p *progress) step(s train.StepStats) {
	if p.bar == nil || s.Epoch != p.epoch {
		p.finish()
		p.epoch = s.Epoch
		p.images, p.loss, p.correct = 0, 0, 0
		p.start = time.Now()
		p.bar = progressbar.NewOptions(s.Steps,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetWidth(24),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
		p.bar.Set(s.Step - 1)
	}
	p.images += s.Images
	p.loss += s.Loss * float64(s.Images)
	p.correct += s.Accuracy * float64(s.Images)
	rate := float64(p.images) / time.Since(p.start).Seconds()
	p.bar.Describe(fmt.Sprintf("epoch %d/%d  loss %.4f acc %.4f  %.0f img/s", s.Epoch, p.tr.Settings().Epochs,
		p.loss/float64(p.images), p.correct/float64(p.images), rate))
	p.bar.Add(1)
}

func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Finish()
		p.bar = nil
	}
}
