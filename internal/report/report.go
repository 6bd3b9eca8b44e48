package report

import (
	"fmt"
	"os"
	"path/filepath"

	"fashionlab/internal/report/markdown"
)

// The report's pieces live in package markdown, which draws nothing and
// writes no file, so that the browser's worker renders the same report;
// these names keep them at hand beside the writers.
type (
	// NamedHistory is one run with the name it goes by (markdown.NamedHistory).
	NamedHistory = markdown.NamedHistory
	// Section is one question of the report (markdown.Section).
	Section = markdown.Section
	// ReferenceRow is one reference number (markdown.ReferenceRow).
	ReferenceRow = markdown.ReferenceRow
	// Quantity names a number of a run that a reference row gives.
	Quantity = markdown.Quantity
)

// Sources of the reference numbers (see package markdown).
const (
	SourceReport  = markdown.SourceReport
	SourcePyTorch = markdown.SourcePyTorch
)

// References returns every reference number of the homework in a new
// slice (markdown.References).
func References() []ReferenceRow { return markdown.References() }

// ReferencesFor returns the reference rows of one question ("q2").
func ReferencesFor(question string) []ReferenceRow { return markdown.ReferencesFor(question) }

// Observe returns sentences about one run computed from its log
// (markdown.Observe).
func Observe(r NamedHistory) []string { return markdown.Observe(r) }

// WriteReport writes the Markdown report of the homework's sections to
// path (its directory is created if missing); markdown.Report.Render
// says what each section holds. Figure paths are linked relative to the
// report's directory.
func WriteReport(path string, sections []Section) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("report: creating %s: %w", dir, err)
	}
	link := func(figure string) string { return relLink(dir, figure) }
	md, err := markdown.Report{Title: markdown.HomeworkTitle, Intro: markdown.HomeworkIntro, Link: link, Sections: sections}.Render()
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := os.WriteFile(path, []byte(md), 0o644); err != nil {
		return fmt.Errorf("report: writing %s: %w", filepath.Base(path), err)
	}
	return nil
}

// relLink returns the path of figure relative to the report's directory,
// with forward slashes.
func relLink(dir, figure string) string {
	absDir, err1 := filepath.Abs(dir)
	absFig, err2 := filepath.Abs(figure)
	if err1 == nil && err2 == nil {
		if rel, err := filepath.Rel(absDir, absFig); err == nil {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(figure)
}
