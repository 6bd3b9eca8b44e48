package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"fashionlab/assets"
	"fashionlab/internal/report"
	"fashionlab/model/equivariance"
	"fashionlab/model/train"
	"fashionlab/model/weights"
)

// File names inside a run's output directory.
const (
	checkpointFile = "checkpoint.safetensors"
	weightsFile    = "model.safetensors"
)

// writeRun writes a finished run's metrics, plots and final weights.
func writeRun(dir string, tr *train.Trainer) error {
	h := tr.History()
	if _, err := report.WriteRun(dir, h, h.Config.String()); err != nil {
		return err
	}
	meta, err := weights.InputsMetadata(h.Settings, tr.Data().Stats)
	if err != nil {
		return err
	}
	if err := weights.WriteFile(filepath.Join(dir, weightsFile), tr.Network(), meta); err != nil {
		return fmt.Errorf("writing the weights: %w", err)
	}
	return nil
}

// writeCheckpoint saves an interrupted run, atomically, into dir.
func writeCheckpoint(dir string, tr *train.Trainer) (string, error) {
	path := filepath.Join(dir, checkpointFile)
	if err := weights.NewCheckpoint(tr).WriteFile(path); err != nil {
		return "", err
	}
	return path, nil
}

// removeCheckpoint deletes the checkpoint of a run that has now finished.
func removeCheckpoint(dir string) {
	os.Remove(filepath.Join(dir, checkpointFile))
}

// checkFreshOut refuses to start a new run into a directory that holds
// the checkpoint of an unfinished one, which the new run would replace.
func checkFreshOut(dir string) error {
	path := filepath.Join(dir, checkpointFile)
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s holds the checkpoint of an unfinished run (%s); continue it with -resume %s, or give a new -out directory", dir, path, dir)
	}
	return nil
}

// checkWritable creates dir if needed and checks, before any training,
// that files can be written into it.
func checkWritable(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating the output directory: %w", err)
	}
	f, err := os.CreateTemp(dir, ".write-test-*")
	if err != nil {
		return fmt.Errorf("the output directory %s cannot be written: %w", dir, err)
	}
	name := f.Name()
	f.Close()
	if err := os.Remove(name); err != nil {
		return fmt.Errorf("the output directory %s: %w", dir, err)
	}
	return nil
}

// removeStaleTemps deletes the temporary files that an atomic write
// killed before its rename left in dir (".checkpoint.safetensors.tmp-…").
func removeStaleTemps(dir string) {
	for _, base := range []string{checkpointFile, weightsFile} {
		stale, _ := filepath.Glob(filepath.Join(dir, "."+base+".tmp-*"))
		for _, path := range stale {
			os.Remove(path)
		}
	}
}

// resumeRun continues the run checkpointed in -resume DIR with the
// checkpoint's own configuration and settings, and writes into DIR.
func (a *app) resumeRun(ctx context.Context) error {
	dir := a.opts.resume
	path := filepath.Join(dir, checkpointFile)
	h, err := weights.ReadHeader(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("nothing to resume in %s: no %s (finished runs keep only %s)", dir, checkpointFile, weightsFile)
	}
	if err != nil {
		return fmt.Errorf("-resume: %w", err)
	}
	// Sizes before reading the tensors or building the network.
	settings, err := fileSettings(h)
	if err == nil {
		err = checkFileSize(h, a.opts.ignoreLimits)
	}
	if err == nil {
		err = checkLimits(h.Config, settings, a.pool.Threads(), a.opts.ignoreLimits)
	}
	if err != nil {
		return fmt.Errorf("-resume: %s: %w", path, err)
	}
	if err := checkWritable(dir); err != nil {
		return err
	}
	ckpt, err := weights.ReadCheckpoint(path)
	if err != nil {
		return fmt.Errorf("-resume: %w", err)
	}
	if err := a.loadData(ctx); err != nil {
		return err
	}
	split, err := a.split(ckpt.State.Settings)
	if err != nil {
		return err
	}
	tr, err := ckpt.Resume(split, a.pool)
	if err != nil {
		return err
	}
	ep, st := tr.Position()
	fmt.Fprintf(a.stdout, "Resuming %s after epoch %d, step %d\n", dir, ep, st)
	return a.trainAndWrite(ctx, tr, dir, "")
}

// runEquivariance is question 1: the homework's random 3×3 convolution,
// applied twice, probed with a (5, 5) shift and a 90° rotation of the first
// training image.
func (a *app) runEquivariance(dir string, sec *section) error {
	x := equivariance.FromBytes(assets.ImageRows, assets.ImageCols, a.raw.TrainImages.Image(0))
	res, err := equivariance.Probe(x, equivariance.HomeworkModel(equivariance.RandomConv(a.opts.settings.Seed)), equivariance.HomeworkOptions())
	if err != nil {
		return err
	}
	files, err := report.WriteEquivariance(dir, res)
	if err != nil {
		return err
	}
	sec.figures = append(sec.figures, files.Figures()...)
	sec.equivariance = &res
	fmt.Fprintf(a.stdout, "\n== q1: equivariance\nshift %d,%d: max |shift(f(x)) - f(shift(x))| in the interior %.3g; rotation %g°: %.3g (max |f(x)| %.3g)\n",
		res.Options.DX, res.Options.DY, res.Shift.Max, res.Options.Degrees, res.Rotate.Max, res.Scale)
	return nil
}

// writeReport writes each question's comparison figures and report.md.
func writeReport(dir string, sections []section) (string, error) {
	var out []report.Section
	for _, s := range sections {
		rs := report.Section{Question: s.experiment.Question, Title: s.experiment.Title, Explanation: s.experiment.Explanation,
			Reference: report.ReferencesFor(s.experiment.Question), Notes: s.notes, Equivariance: s.equivariance}
		for _, r := range s.runs {
			rs.Runs = append(rs.Runs, report.NamedHistory{Name: r.name, History: r.history})
		}
		if len(rs.Runs) > 0 {
			files, err := report.WriteComparison(s.dir, s.experiment.Title, rs.Runs)
			if err != nil {
				return "", err
			}
			rs.Figures = append(rs.Figures, files.Figures()...)
		}
		rs.Figures = append(rs.Figures, s.figures...)
		out = append(out, rs)
	}
	path := filepath.Join(dir, "report.md")
	return path, report.WriteReport(path, out)
}
