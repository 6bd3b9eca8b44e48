package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"fashionlab/model"
	"fashionlab/model/equivariance"
	"fashionlab/model/experiments"
	"fashionlab/model/train"
)

// runExperiments runs -experiment q1…q5 or all: every run of each question
// into its own directory under -out, then one report.md for them all.
func (a *app) runExperiments(ctx context.Context) error {
	questions := []string{a.opts.experiment}
	if a.opts.experiment == "all" {
		questions = experiments.Questions()
	}
	if err := a.loadData(ctx); err != nil {
		return err
	}
	epochs := 0
	if a.opts.epochsSet {
		epochs = a.opts.settings.Epochs
	}
	var sections []section
	for _, q := range questions {
		e, err := experiments.Get(q, a.opts.settings, epochs)
		if err != nil {
			return err
		}
		qdir := filepath.Join(a.opts.outDir, q)
		sec := section{experiment: e, dir: qdir}
		if q == "q1" {
			if err := a.runEquivariance(qdir, &sec); err != nil {
				return err
			}
			sections = append(sections, sec)
			continue
		}
		for _, r := range e.Runs {
			split, err := a.split(r.Settings)
			if err != nil {
				return err
			}
			net, err := model.New(r.Config, r.Settings.Seed, a.pool)
			if err != nil {
				return fmt.Errorf("%s %s: %w", q, r.Name, err)
			}
			tr, err := train.New(net, split, r.Settings)
			if err != nil {
				return fmt.Errorf("%s %s: %w", q, r.Name, err)
			}
			dir := filepath.Join(qdir, slug(r.Name))
			if err := a.trainAndWrite(ctx, tr, dir, fmt.Sprintf("%s: %s", q, r.Name)); err != nil {
				return err
			}
			sec.runs = append(sec.runs, namedRun{name: r.Name, dir: dir, history: tr.History()})
		}
		sections = append(sections, sec)
	}
	path, err := writeReport(a.opts.outDir, sections)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "\nReport: %s\n", path)
	return nil
}

// section is one question's results, for the report.
type section struct {
	experiment experiments.Experiment
	dir        string
	runs       []namedRun
	figures    []string
	notes      []string
	// equivariance is question 1's probe.
	equivariance *equivariance.Result
}

type namedRun struct {
	name    string
	dir     string
	history *train.History
}

// slug turns a run name into a directory name: "lr 0.01, raw" -> "lr-0.01-raw".
func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '*':
			if r == '*' {
				r = 'x'
			}
			b.WriteRune(r)
			dash = false
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
