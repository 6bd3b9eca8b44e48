package session

import (
	"fmt"
	"strconv"
	"strings"

	"fashionlab/internal/report/markdown"
	"fashionlab/model/experiments"
	"fashionlab/model/train"
	"fashionlab/wasm/protocol"
)

// ReportFileName is the name the page's report goes by, as the native
// trainer's -experiment report.
const ReportFileName = "report.md"

// exportReport answers export_report with report.md of the page's runs.
func (w *Session) exportReport(m protocol.ExportReport) {
	text, err := PageReport(m.Runs, w.data.Header().Train)
	if err != nil {
		w.fail(protocol.KindExportReport, "The report could not be written: "+err.Error())
		return
	}
	w.post(protocol.Report{Name: ReportFileName, Text: text})
}

// PageReport renders the runs done in the page as the native trainer's
// -experiment report (package markdown): one section per demo, in the
// order the runs were made, with the demo's explanation, the runs'
// table and the observations computed from their logs, and as notes
// what the native runs on 60,000 images show and the native command
// that repeats each run. subsetTrain is the number of training images
// of the page's subset (a run's train_limit 0 means all of them). Runs
// without a logged epoch (queued, cancelled, loaded from a file) are
// left out.
func PageReport(runs []protocol.ReportRun, subsetTrain int) (string, error) {
	demos, err := experiments.Demos()
	if err != nil {
		return "", fmt.Errorf("session: the demos: %w", err)
	}
	byID := map[string]experiments.Demo{}
	for _, d := range demos {
		byID[d.ID] = d
	}
	var sections []markdown.Section
	at := map[string]int{} // demo -> index in sections
	for _, r := range runs {
		if len(r.Epochs) == 0 {
			continue
		}
		i, ok := at[r.Demo]
		if !ok {
			i = len(sections)
			at[r.Demo] = i
			sections = append(sections, demoSection(r.Demo, byID))
		}
		s := &sections[i]
		s.Runs = append(s.Runs, markdown.NamedHistory{Name: r.Label, History: pageHistory(r)})
		settings := r.Settings
		if settings.TrainLimit == 0 {
			settings.TrainLimit = subsetTrain
		}
		s.Notes = append(s.Notes, fmt.Sprintf("%s, natively: `%s`", markdown.Escape(r.Label), experiments.TrainCommand(r.Config, settings)))
	}
	if len(sections) == 0 {
		return "", fmt.Errorf("no run has logged an epoch yet")
	}
	for i := range sections {
		if d, ok := byID[sections[i].Question]; ok && d.FullScale != "" {
			sections[i].Notes = append(sections[i].Notes, d.FullScale)
		}
	}
	intro := fmt.Sprintf("Runs trained in the page on its subset of FashionMNIST (%d training images; validation: the 2,000 validation images, the first 2,000 test images). "+
		"Train accuracy is measured on each run's first eval\\_train\\_size training images, validation accuracy on the 2,000 validation images. "+
		"The gradient norm is the global L2 norm of the parameter gradients of each epoch's last batch. "+
		"The homework's reference numbers are for 60,000 training images and are given in words under each question, not compared.", subsetTrain)
	return markdown.Report{Title: "FashionLab: runs in the page", Intro: intro, Sections: sections}.Render()
}

// demoSection returns the empty section of the page's demo id: its
// title and explanation, and no reference rows (their scale is the
// native one).
func demoSection(id string, demos map[string]experiments.Demo) markdown.Section {
	s := markdown.Section{Reference: []markdown.ReferenceRow{}}
	d, ok := demos[id]
	switch {
	case ok && id != "custom":
		s.Question = id
		s.Title = strings.TrimSpace(strings.TrimPrefix(d.Title, id+" ·"))
		s.Explanation = d.Text + "\n\n" + d.Look
	case ok:
		s.Title = d.Title
	case id == "":
		s.Title = "Other runs"
	default:
		s.Title = "Runs of " + id
	}
	return s
}

// pageHistory rebuilds a run's History from what the page holds: how it
// ended (finished, diverged, saturated) and its per-epoch log.
func pageHistory(r protocol.ReportRun) *train.History {
	h := &train.History{Config: r.Config, Settings: r.Settings, Params: r.Params, Epochs: r.Epochs, Finished: r.Reason == protocol.ReasonFinished}
	for _, e := range r.Epochs {
		if e.ZeroGradSteps > 0 {
			h.Saturated = true
		}
	}
	if r.Reason == protocol.ReasonDiverged {
		// The detail reads "epoch E step S: reason" (see Step).
		d := &train.Divergence{Epoch: h.LastEpoch().Epoch + 1, Reason: r.Detail}
		where, why, ok := strings.Cut(r.Detail, ": ")
		if f := strings.Fields(where); ok && len(f) == 4 && f[0] == "epoch" && f[2] == "step" {
			e, err1 := strconv.Atoi(f[1])
			s, err2 := strconv.Atoi(f[3])
			if err1 == nil && err2 == nil {
				d.Epoch, d.Step, d.Reason = e, s, why
			}
		}
		h.Diverged = d
	}
	return h
}
