package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"

	"fashionlab/model/train"
)

func writeRun(dir string, tr *train.Trainer) error {
	b, err := json.MarshalIndent(tr.History(), "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "metrics.json"), b, 0o644)
}

func writeCheckpoint(dir string, tr *train.Trainer) (string, error) {
	return "", errors.New("checkpoints not ready")
}

func removeCheckpoint(dir string) {}

func (a *app) resumeRun(ctx context.Context) error { return errors.New("resume not ready") }

func writeReport(dir string, sections []section) (string, error) { return "", nil }

func (a *app) runEquivariance(dir string, sec *section) error { return nil }
