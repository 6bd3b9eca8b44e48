package markdown

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"fashionlab/model/equivariance"
	"fashionlab/model/train"
)

// NamedHistory is one run of an experiment with the name it goes by in
// legends, tables and observations, and by which it is matched to the
// reference rows (see References).
type NamedHistory struct {
	Name    string
	History *train.History
}

// Section is one question of the report. An experiment runner fills it
// after writing its runs and figures:
//
//   - Question is the short name ("q1" .. "q5"); it heads the section and
//     selects the reference rows.
//   - Title and Explanation say what the question is and what it shows;
//     Explanation is Markdown, written as is.
//   - Runs are the question's runs, named as References lists, so that
//     they meet their reference rows.
//   - Figures are paths of images written by WriteRun, WriteComparison or
//     WriteEquivariance (their Figures methods), as they were given to
//     those functions; the report links them relative to its own
//     directory.
//   - Reference overrides the question's reference rows when not nil
//     (an empty, non-nil slice shows none).
//   - Notes are added after the observations the report computes.
//   - Equivariance is question 1's probe, whose numbers make its table.
type Section struct {
	Question     string
	Title        string
	Explanation  string
	Runs         []NamedHistory
	Figures      []string
	Reference    []ReferenceRow
	Notes        []string
	Equivariance *equivariance.Result
}

// Report is a whole Markdown report: a title, an introduction (Markdown,
// written as is) and its sections. Link turns a figure's path into the
// link the report shows; nil links the path as given, with forward
// slashes.
type Report struct {
	Title    string
	Intro    string
	Link     func(figure string) string
	Sections []Section
}

// HomeworkTitle and HomeworkIntro head the native trainer's report of the
// homework's experiments.
const (
	HomeworkTitle = "FashionLab: the FashionMNIST homework"
	HomeworkIntro = "Train accuracy is measured on the first 2,000 training images, validation accuracy on the 2,000 validation images (the first 2,000 test images). " +
		"The gradient norm is the global L2 norm of the parameter gradients of each epoch's last batch. " +
		"Reference numbers: the homework's own report (\"" + SourceReport + "\", numbers from the end of training, about 50 epochs) " +
		"and the homework's PyTorch code run with the same semantics (\"" + SourcePyTorch + "\")."
)

// Render returns the report as Markdown: the title, the introduction, and
// for each section a heading, its explanation, a table of our runs, a
// table of our numbers next to the reference numbers, links to its
// figures and observations computed from the data.
func (r Report) Render() (string, error) {
	link := r.Link
	if link == nil {
		link = filepath.ToSlash
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", r.Title)
	if r.Intro != "" {
		b.WriteString(strings.TrimSpace(r.Intro) + "\n")
	}
	for _, s := range r.Sections {
		if err := writeSection(&b, link, s); err != nil {
			return "", err
		}
	}
	return b.String(), nil
}

func writeSection(b *strings.Builder, relLink func(string) string, s Section) error {
	heading := s.Question
	if s.Title != "" {
		if heading != "" {
			heading += ". "
		}
		heading += s.Title
	}
	fmt.Fprintf(b, "\n## %s\n\n", heading)
	if s.Explanation != "" {
		b.WriteString(strings.TrimSpace(s.Explanation) + "\n\n")
	}
	var notes []string
	if s.Equivariance != nil {
		equivarianceTable(b, *s.Equivariance)
		notes = append(notes, equivarianceNotes(*s.Equivariance)...)
	}
	for _, r := range s.Runs {
		if r.History == nil {
			return fmt.Errorf("markdown: section %s: run %q has no history", s.Question, r.Name)
		}
	}
	if len(s.Runs) > 0 {
		runsTable(b, s.Runs)
	}
	refs := s.Reference
	if refs == nil {
		refs = ReferencesFor(s.Question)
	}
	if len(refs) > 0 {
		notes = append(notes, referenceTable(b, refs, s.Runs)...)
	}
	if len(s.Figures) > 0 {
		b.WriteString("### Figures\n\n")
		for _, f := range s.Figures {
			link := relLink(f)
			fmt.Fprintf(b, "![%s](%s)\n\n", Escape(strings.TrimSuffix(link, filepath.Ext(link))), link)
		}
	}
	var runNotes []string
	for _, r := range s.Runs {
		runNotes = append(runNotes, Observe(r)...)
	}
	if best, ok := bestRun(s.Runs); ok && len(s.Runs) > 1 {
		runNotes = append(runNotes, fmt.Sprintf("The best final validation accuracy is %s's, %.4f.", best.Name, best.History.LastEpoch().ValAcc))
	}
	notes = append(runNotes, notes...)
	for i, n := range notes {
		// Computed sentences are plain text; the section's Notes are Markdown.
		notes[i] = Escape(n)
	}
	notes = append(notes, s.Notes...)
	if len(notes) > 0 {
		b.WriteString("### Observations\n\n")
		for _, n := range notes {
			b.WriteString("- " + n + "\n")
		}
		b.WriteString("\n")
	}
	return nil
}

func equivarianceTable(b *strings.Builder, r equivariance.Result) {
	fmt.Fprintf(b, "Model f = %s (reach %d) on a %dx%d input, giving a %dx%d map; max |f(x)| = %s. ", Escape(r.Model), r.Reach, r.X.H, r.X.W, r.FX.H, r.FX.W, Num(r.Scale))
	b.WriteString("The interior excludes the border within the model's reach, and within the shift on the side it fills with zeros.\n\n")
	b.WriteString("| comparison | interior max | interior mean | interior pixels | whole-map max | whole-map mean | homework |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---|\n")
	for _, c := range []struct {
		c      equivariance.Comparison
		expect string
	}{
		{r.Shift, "0 except where content was clipped at the border"},
		{r.Rotate, "not 0"},
	} {
		fmt.Fprintf(b, "| %s | %s | %s | %d | %s | %s | %s |\n", c.c.Name, Num(c.c.Max), Num(c.c.Mean), c.c.InteriorPixels, Num(c.c.MaxAll), Num(c.c.MeanAll), c.expect)
	}
	b.WriteString("\n")
}

func equivarianceNotes(r equivariance.Result) []string {
	if !(r.Scale > 0) {
		return []string{"f(x) is zero everywhere: every pixel of the convolution's output is negative before a ReLU, so nothing can be compared; another random convolution is needed."}
	}
	var notes []string
	s := r.Shift
	switch {
	case s.Max == 0 && s.MaxAll == 0:
		notes = append(notes, fmt.Sprintf("The %s difference is exactly 0 everywhere.", s.Name))
	case s.Max == 0:
		notes = append(notes, fmt.Sprintf("The %s difference is exactly 0 in the interior (%d pixels); it reaches %s only at the border, where the shift clipped content and filled in zeros.", s.Name, s.InteriorPixels, Num(s.MaxAll)))
	case s.Max <= 1e-5*r.Scale:
		notes = append(notes, fmt.Sprintf("The %s difference is at most %s in the interior, rounding of max |f(x)| = %s; it reaches %s at the border.", s.Name, Num(s.Max), Num(r.Scale), Num(s.MaxAll)))
	default:
		notes = append(notes, fmt.Sprintf("The %s difference reaches %s in the interior (%.0f%% of max |f(x)|): this model is not shift-equivariant there.", s.Name, Num(s.Max), 100*s.Relative(r.Scale)))
	}
	t := r.Rotate
	if t.Max > 1e-5*r.Scale {
		notes = append(notes, fmt.Sprintf("The %s difference reaches %s in the interior (%.0f%% of max |f(x)|), mean %s: the convolution is not rotation-equivariant.", t.Name, Num(t.Max), 100*t.Relative(r.Scale), Num(t.Mean)))
	} else {
		notes = append(notes, fmt.Sprintf("The %s difference is about 0 (max %s): this kernel commutes with the rotation.", t.Name, Num(t.MaxAll)))
	}
	return notes
}

func runsTable(b *strings.Builder, runs []NamedHistory) {
	b.WriteString("### Our runs\n\n")
	b.WriteString("| run | configuration | parameters | epochs | train acc | val acc | best val acc (epoch) | grad norm | test acc | status |\n")
	b.WriteString("|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n")
	for _, r := range runs {
		h := r.History
		last := h.LastEpoch()
		best, bestEpoch := h.BestValAcc()
		bestCell := "-"
		if bestEpoch >= 0 {
			bestCell = fmt.Sprintf("%s (%d)", acc(best), bestEpoch)
		}
		lo, hi, ok := h.GradNormRange(last.Epoch)
		grad := "-"
		if ok > 0 {
			grad = span(lo, hi, "%.3g")
		}
		test := "-"
		if h.Test != nil {
			test = acc(float64(h.Test.Accuracy))
		}
		fmt.Fprintf(b, "| %s | %s | %d | %d | %s | %s | %s | %s | %s | %s |\n",
			Escape(r.Name), Escape(h.Config.String()), h.Params, last.Epoch, acc(float64(last.TrainAcc)), acc(float64(last.ValAcc)), bestCell, grad, test, Escape(h.Status()))
	}
	b.WriteString("\n")
}

// referenceTable writes our numbers next to the reference rows and
// returns observations about the comparison.
func referenceTable(b *strings.Builder, refs []ReferenceRow, runs []NamedHistory) []string {
	b.WriteString("### Against the reference\n\n")
	b.WriteString("| run | quantity | epoch | reference | source | ours | ours - reference |\n")
	b.WriteString("|---|---|---:|---:|---|---:|---:|\n")
	var notes []string
	missing := map[string]bool{}
	type gap struct {
		row  ReferenceRow
		ours float64
	}
	var same []gap
	for _, ref := range refs {
		epoch := "end (about 50)"
		if ref.Epoch != EndOfTraining {
			epoch = fmt.Sprint(ref.Epoch)
		}
		oursCell, diffCell := "no run", "-"
		if run, ok := findRun(runs, ref.Run); ok {
			v, at, ok := ours(run.History, ref)
			switch {
			case !ok:
				oursCell = "-"
			default:
				oursCell = format(ref.Quantity, v)
				if at != ref.Epoch {
					oursCell += fmt.Sprintf(" (epoch %d)", at)
				}
				// A difference only between numbers of the same epoch, or
				// between ends of training.
				if at == ref.Epoch || ref.Epoch == EndOfTraining {
					diffCell = fmt.Sprintf("%+.4f", v-ref.Value)
				}
				if at == ref.Epoch {
					same = append(same, gap{ref, v})
				}
			}
		} else if !missing[ref.Run] {
			missing[ref.Run] = true
			notes = append(notes, fmt.Sprintf("No run is named %q, so its reference rows have no number of ours.", ref.Run))
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s |\n", Escape(ref.Run), ref.Quantity.Label(), epoch, format(ref.Quantity, ref.Value), ref.Source, oursCell, diffCell)
	}
	b.WriteString("\n")
	if len(same) > 0 {
		worst, close := same[0], 0
		for _, g := range same {
			d := math.Abs(g.ours - g.row.Value)
			if d <= 0.02 {
				close++
			}
			if !(d <= math.Abs(worst.ours-worst.row.Value)) {
				worst = g
			}
		}
		notes = append(notes, fmt.Sprintf("At the reference's own epoch, %d of %d numbers are within 0.02 of it; the largest gap is %s's %s at epoch %d: %s against %s (%s).",
			close, len(same), worst.row.Run, worst.row.Quantity.Label(), worst.row.Epoch, format(worst.row.Quantity, worst.ours), format(worst.row.Quantity, worst.row.Value), worst.row.Source))
	}
	return notes
}

// ours returns a run's value of a reference row's quantity at the row's
// epoch, or at the run's last epoch when the row is EndOfTraining or the
// run is shorter, and the epoch used.
func ours(h *train.History, ref ReferenceRow) (float64, int, bool) {
	last := h.LastEpoch().Epoch
	at := ref.Epoch
	if at == EndOfTraining || at > last {
		at = last
	}
	if at < 1 {
		return 0, 0, false
	}
	switch ref.Quantity {
	case GradNormMin, GradNormMax:
		lo, hi, n := h.GradNormRange(at)
		if ref.Quantity == GradNormMin {
			return lo, at, n > 0
		}
		return hi, at, n > 0
	}
	for _, e := range h.Epochs {
		if e.Epoch != at {
			continue
		}
		switch ref.Quantity {
		case TrainAcc:
			return float64(e.TrainAcc), at, true
		case ValAcc:
			return float64(e.ValAcc), at, true
		}
	}
	return 0, 0, false
}

// Observe returns sentences about one run computed from its log: how far
// it got, whether it stayed at chance, saturated or diverged, the range of
// its gradient norm, and the gap between train and validation accuracy.
func Observe(r NamedHistory) []string {
	h := r.History
	if h == nil {
		return nil
	}
	var out []string
	last := h.LastEpoch()
	n := last.Epoch
	if n < 1 {
		out = append(out, fmt.Sprintf("%s: no epoch was trained.", r.Name))
	} else {
		grad := gradSentence(h, n)
		if vlo, vhi, stuck := h.AtChance(); stuck {
			out = append(out, fmt.Sprintf("%s stayed at chance level: validation accuracy %s over epochs 1-%d; %s.", r.Name, span(vlo, vhi, "%.4f"), n, grad))
		} else {
			best, bestEpoch := h.BestValAcc()
			out = append(out, fmt.Sprintf("%s reached validation accuracy %.4f after %d epochs (best %.4f at epoch %d) and train accuracy %.4f; %s.",
				r.Name, float64(last.ValAcc), n, best, bestEpoch, float64(last.TrainAcc), grad))
			if g := float64(last.TrainAcc - last.ValAcc); g >= 0.03 {
				out = append(out, fmt.Sprintf("%s's train accuracy exceeds its validation accuracy by %.3f at the end.", r.Name, g))
			}
			if d := best - float64(last.ValAcc); d >= 0.01 {
				out = append(out, fmt.Sprintf("%s's validation accuracy ended %.3f below its best.", r.Name, d))
			}
		}
	}
	if h.Saturated {
		zero, steps := h.ZeroGradSteps()
		out = append(out, fmt.Sprintf("%s saturated: %d of %d steps had an exactly zero gradient (the clamped softmax gives no gradient once it saturates); the training loss ended at %.4g.",
			r.Name, zero, steps, float64(last.TrainLoss)))
	}
	if d := h.Diverged; d != nil {
		out = append(out, fmt.Sprintf("%s diverged at epoch %d, step %d (%s); its log stops there.", r.Name, d.Epoch, d.Step, d.Reason))
	}
	if h.Test != nil {
		out = append(out, fmt.Sprintf("%s's test accuracy is %.4f on %d images.", r.Name, float64(h.Test.Accuracy), h.Test.Images))
	}
	return out
}

// gradSentence describes the gradient norm over epochs 1 to n.
func gradSentence(h *train.History, n int) string {
	lo, hi, finiteEpochs := h.GradNormRange(n)
	if finiteEpochs == 0 {
		return "its gradient norm was never finite"
	}
	var s string
	switch {
	case lo == hi && finiteEpochs == n:
		s = fmt.Sprintf("its gradient norm was %s in every epoch", Num(lo))
	case lo == hi:
		s = fmt.Sprintf("its gradient norm was %s", Num(lo))
	default:
		s = fmt.Sprintf("its gradient norm ranged %s", span(lo, hi, "%.3g"))
	}
	if finiteEpochs < n {
		s += fmt.Sprintf(" in the %d of %d epochs where it was finite", finiteEpochs, n)
	} else if lo != hi {
		s += fmt.Sprintf(" over epochs 1-%d", n)
	}
	return s
}

func bestRun(runs []NamedHistory) (NamedHistory, bool) {
	var best NamedHistory
	found := false
	for _, r := range runs {
		v := float64(r.History.LastEpoch().ValAcc)
		if finite(v) && (!found || v > float64(best.History.LastEpoch().ValAcc)) {
			best, found = r, true
		}
	}
	return best, found
}

func findRun(runs []NamedHistory, name string) (NamedHistory, bool) {
	for _, r := range runs {
		if sameRun(r.Name, name) {
			return r, true
		}
	}
	return NamedHistory{}, false
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// acc formats an accuracy with four decimals, or NaN.
func acc(v float64) string {
	if !finite(v) {
		return "NaN"
	}
	return fmt.Sprintf("%.4f", v)
}

// format formats a value of a quantity: accuracies with four decimals,
// gradient norms with three significant digits.
func format(q Quantity, v float64) string {
	switch q {
	case TrainAcc, ValAcc:
		return acc(v)
	}
	return Num(v)
}

// span formats a range as "lo-hi", or one number when both round alike.
func span(lo, hi float64, f string) string {
	a, b := fmt.Sprintf(f, lo), fmt.Sprintf(f, hi)
	if a == b {
		return a
	}
	return a + "-" + b
}

// Escape keeps Markdown from reading a name's characters as markup.
func Escape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "|", `\|`, "[", `\[`, "]", `\]`, "<", `\<`, ">", `\>`)
	return r.Replace(s)
}

// Num formats a statistic with three significant digits, or NaN.
func Num(v float64) string {
	if math.IsNaN(v) {
		return "NaN"
	}
	return fmt.Sprintf("%.3g", v)
}
