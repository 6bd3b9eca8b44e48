//go:build !js

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"fashionlab/internal/report/markdown"
)

// TestReportDownloadHoldsThePageRuns trains two short runs as a person
// does (an address that starts one, then a changed learning rate and
// Start), downloads report.md from "Take it out, bring it in" and checks
// that it is the native report of those runs: their names, their last
// epoch's numbers as the page shows them, and the native command of each.
func TestReportDownloadHoldsThePageRuns(t *testing.T) {
	p := newPerson(t, "?demo=custom&epochs=1&train_limit=300&eval_train_size=200&lr=0.002&autostart=1", 1280, 900)
	dir := t.TempDir()
	p.downloadsInto(dir)
	done := func(n int) func(pageState) bool {
		return func(s pageState) bool { return len(s.Runs) == n && s.Runs[n-1].Status == "done" && s.Current == nil }
	}
	p.waitFor("the first run to finish", 120*time.Second, done(1))
	p.typeInto("#f-lr", "0.0005")
	p.waitFor("the form to be checked", 10*time.Second, func(s pageState) bool { return !s.Form.Pending && len(s.Form.Problems) == 0 })
	p.click("#btn-start")
	p.waitFor("the second run to finish", 120*time.Second, done(2))
	if !p.enabled("#btn-download-report") {
		t.Fatalf("the report button is disabled after two runs: %q", p.text("#exchange-why"))
	}
	md := string(p.download("#btn-download-report", dir, "report.md"))
	p.shot("report-downloaded-1280")
	runs := p.readRuns()
	if len(runs) != 2 {
		t.Fatalf("%d runs on the page, want 2", len(runs))
	}
	for _, want := range []string{"# FashionLab: runs in the page", "## Custom configuration", "### Our runs", "### Observations"} {
		if !strings.Contains(md, want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	for _, r := range runs {
		last := r.Epochs[len(r.Epochs)-1]
		row := fmt.Sprintf("| %s | %s | ", markdown.Escape(r.Label), markdown.Escape(r.Config.String()))
		numbers := fmt.Sprintf(" | %d | %.4f | %.4f | ", last.Epoch, *last.TrainAcc, *last.ValAcc)
		i := strings.Index(md, row)
		if i < 0 {
			t.Errorf("report.md has no row of run %q (%q):\n%s", r.Label, row, md)
			continue
		}
		line := md[i : i+strings.Index(md[i:], "\n")]
		if !strings.Contains(line, numbers) {
			t.Errorf("run %q's row %q lacks the page's numbers %q", r.Label, line, numbers)
		}
		if cmd := fmt.Sprintf("-lr %g -epochs 1 -limit 300", r.Settings.LearningRate); !strings.Contains(md, cmd) {
			t.Errorf("report.md lacks run %q's native command with %q", r.Label, cmd)
		}
	}
	if note := p.text("#exchange-note"); !strings.Contains(note, "report.md") {
		t.Errorf("the note after the download says %q", note)
	}
}
