package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"fashionlab/model"
	"fashionlab/model/train"
	"fashionlab/model/weights"
	"fashionlab/wasm/protocol"
)

// ignoreLimitsHint ends every refusal that -ignore-limits overrides.
const ignoreLimitsHint = "(-ignore-limits trains anyway)"

// nativeLimits are the page's limits of every field, with what differs
// natively: the full training set, -epochs 0 to only evaluate, any 64-bit
// seed. The memory budget is this machine's (see checkLimits).
func nativeLimits() protocol.Limits {
	l := protocol.BrowserLimits(protocol.FullTrainImages)
	l.Epochs.Min = 0
	l.Seed.Max = math.MaxUint64
	l.MemoryBytes = math.MaxInt64 // checked against the machine below
	return l
}

// checkLimits refuses, before anything is built or loaded, a network or
// settings outside the page's limits, and a network whose training needs
// more memory than the machine has, in plain words. ignore skips both,
// but a configuration too large to count is refused even then.
func checkLimits(cfg model.Config, s train.Settings, threads int, ignore bool) error {
	mem, err := train.EstimateMemory(cfg, s, max(threads, 1))
	if err != nil {
		return err
	}
	if ignore {
		return nil
	}
	if r := nativeLimits().Review(cfg, s, 0); len(r.Problems) > 0 {
		var msgs []string
		for _, p := range r.Problems {
			msgs = append(msgs, p.Message)
		}
		return fmt.Errorf("%s %s", strings.Join(msgs, " "), ignoreLimitsHint)
	}
	machine, err := machineMemory()
	if err != nil {
		return nil // unknown: nothing to compare with
	}
	if need := mem.Total(); need > machine {
		advice := "use fewer channels, a smaller batch or a larger stride"
		if mem.Activations < need/2 {
			advice = "use fewer or narrower layers"
		}
		return fmt.Errorf("this network needs about %s to train with batch %d; this machine has %s: %s %s",
			formatBytes(need), s.BatchSize, formatBytes(machine), advice, ignoreLimitsHint)
	}
	return nil
}

// machineMemory returns the machine's memory in bytes (MemTotal of
// /proc/meminfo).
func machineMemory() (int64, error) {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			kb, err := strconv.ParseInt(fields[1], 10, 64)
			if err != nil || kb <= 0 || kb > math.MaxInt64/1024 {
				return 0, fmt.Errorf("/proc/meminfo: MemTotal %q", fields[1])
			}
			return kb * 1024, nil
		}
	}
	return 0, errors.New("/proc/meminfo has no MemTotal")
}

// formatBytes writes a size as a person reads it: "99 GB", "1.5 GB",
// "300 MB" (powers of 1,024).
func formatBytes(n int64) string {
	switch {
	case n >= 10<<30:
		return fmt.Sprintf("%.0f GB", float64(n)/(1<<30))
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	}
	return fmt.Sprintf("%.0f MB", math.Ceil(float64(n)/(1<<20)))
}

// fileSettings returns the training settings a -resume checkpoint's
// header records.
func fileSettings(h weights.Header) (train.Settings, error) {
	var state struct {
		Settings train.Settings `json:"settings"`
	}
	if err := json.Unmarshal([]byte(h.Meta[weights.StateKey]), &state); err != nil {
		return train.Settings{}, fmt.Errorf("metadata %s is not a training state: %w", weights.StateKey, err)
	}
	return state.Settings, nil
}

// checkFileSize refuses a weights file or checkpoint larger than the
// machine's memory before it is read.
func checkFileSize(h weights.Header, ignore bool) error {
	machine, err := machineMemory()
	if err != nil || ignore || h.Size <= machine {
		return nil
	}
	return fmt.Errorf("the file is %s; this machine has %s %s", formatBytes(h.Size), formatBytes(machine), ignoreLimitsHint)
}
