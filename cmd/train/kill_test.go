package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"fashionlab/model/weights"
)

// childEnv makes the test binary run the trainer (main) instead of the
// tests, with the arguments in childArgsEnv separated by newlines.
const (
	childEnv     = "FASHIONLAB_TRAIN_CHILD"
	childArgsEnv = "FASHIONLAB_TRAIN_ARGS"
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Args = append([]string{"train"}, strings.Split(os.Getenv(childArgsEnv), "\n")...)
		main()
		return
	}
	os.Exit(m.Run())
}

// child is the trainer running in its own process.
type child struct {
	cmd    *exec.Cmd
	epochs chan int // the epoch numbers it printed
	stderr bytes.Buffer
}

// startChild starts the trainer with args in a child process.
func startChild(t *testing.T, args ...string) *child {
	t.Helper()
	c := &child{cmd: exec.Command(os.Args[0], "-test.run=^$"), epochs: make(chan int, 100)}
	c.cmd.Env = append(os.Environ(), childEnv+"=1", childArgsEnv+"="+strings.Join(args, "\n"))
	c.cmd.Stderr = &c.stderr
	out, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.cmd.Process.Kill(); c.cmd.Wait() })
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			var e int
			if _, err := fmt.Sscanf(sc.Text(), "epoch %d ", &e); err == nil {
				c.epochs <- e
			}
		}
		close(c.epochs)
	}()
	return c
}

// waitEpoch waits until the child has printed epoch n.
func (c *child) waitEpoch(t *testing.T, n int) {
	t.Helper()
	timeout := time.After(3 * time.Minute)
	for {
		select {
		case e, ok := <-c.epochs:
			if !ok {
				t.Fatalf("the trainer ended before epoch %d: %s", n, c.stderr.String())
			}
			if e >= n {
				return
			}
		case <-timeout:
			t.Fatalf("no epoch %d after 3 minutes", n)
		}
	}
}

// needData skips a test without the installed FashionMNIST.
func needData(t *testing.T) {
	if _, err := os.Stat("/usr/share/datasets/fashion-mnist"); err != nil && os.Getenv("FASHIONMNIST_DIR") == "" {
		t.Skip("FashionMNIST not installed")
	}
}

// killArgs is a short run: 4 epochs of a small MLP on 1,024 images, one
// thread, so that epochs take a fraction of a second each.
func killArgs(dir string) []string {
	return []string{"-net", "mlp", "-hidden", "64", "-epochs", "4", "-limit", "1024", "-batch", "32", "-lr", "1e-3", "-threads", "1", "-out", dir}
}

// finishedEpochs returns how many epochs the checkpoint in dir holds.
func finishedEpochs(t *testing.T, dir string) int {
	t.Helper()
	c, err := weights.ReadCheckpoint(filepath.Join(dir, checkpointFile))
	if err != nil {
		t.Fatalf("the checkpoint: %v", err)
	}
	return c.Epoch
}

// resumeAndCompare resumes the run in dir to its end and checks that its
// weights and per-epoch metrics are those of an uninterrupted run.
func resumeAndCompare(t *testing.T, dir string, reference []byte, refHistory []string) {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"-resume", dir, "-threads", "1"}, &out, &errOut); code != 0 {
		t.Fatalf("-resume: exit %d: %s", code, errOut.String())
	}
	got, err := os.ReadFile(filepath.Join(dir, weightsFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, reference) {
		t.Error("the resumed run's weights differ from the uninterrupted run's")
	}
	if h := epochLines(t, dir); strings.Join(h, "\n") != strings.Join(refHistory, "\n") {
		t.Errorf("the resumed run's log\n%s\ndiffers from the uninterrupted run's\n%s", strings.Join(h, "\n"), strings.Join(refHistory, "\n"))
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*tmp-*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	if _, err := os.Stat(filepath.Join(dir, checkpointFile)); err == nil {
		t.Error("the finished run kept its checkpoint")
	}
}

// epochLines returns the per-epoch metrics of a run's metrics.json
// without their timings.
func epochLines(t *testing.T, dir string) []string {
	h := readHistory(t, dir)
	var out []string
	for _, e := range h.Epochs {
		out = append(out, fmt.Sprintf("%d %v %v %v %v %v", e.Epoch, e.TrainLoss, e.TrainAcc, e.ValLoss, e.ValAcc, e.GradNorm))
	}
	return out
}

// reference trains the kill tests' run uninterrupted and returns its
// weights file and log.
func reference(t *testing.T) ([]byte, []string) {
	t.Helper()
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	if code := run(context.Background(), killArgs(dir), &out, &errOut); code != 0 {
		t.Fatalf("the uninterrupted run: exit %d: %s", code, errOut.String())
	}
	b, err := os.ReadFile(filepath.Join(dir, weightsFile))
	if err != nil {
		t.Fatal(err)
	}
	return b, epochLines(t, dir)
}

// TestKilledRunsKeepEveryFinishedEpoch is rows 3 and 4 of the reliability
// issue: a kill -9 during training, SIGHUP (a closed terminal), and
// SIGINT followed a few milliseconds later by kill -9 lost every epoch,
// or left only a temporary file. Each now keeps a checkpoint of every
// epoch the trainer printed, and -resume ends with the uninterrupted
// run's exact weights and log, leaving no temporary file behind.
func TestKilledRunsKeepEveryFinishedEpoch(t *testing.T) {
	needData(t)
	if testing.Short() {
		t.Skip("trains several short runs in child processes")
	}
	refWeights, refLog := reference(t)
	tests := []struct {
		name   string
		signal func(p *os.Process)
	}{
		{"kill -9 during epoch 3", func(p *os.Process) { p.Kill() }},
		{"SIGHUP", func(p *os.Process) { p.Signal(syscall.SIGHUP) }},
		{"SIGINT then kill -9 after 5 ms", func(p *os.Process) {
			p.Signal(os.Interrupt)
			time.Sleep(5 * time.Millisecond)
			p.Kill()
		}},
		{"SIGINT then kill -9 after 30 ms", func(p *os.Process) {
			p.Signal(os.Interrupt)
			time.Sleep(30 * time.Millisecond)
			p.Kill()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			c := startChild(t, killArgs(dir)...)
			c.waitEpoch(t, 2)
			tt.signal(c.cmd.Process)
			c.cmd.Wait()
			printed := 0
			for e := range c.epochs {
				printed = max(printed, e)
			}
			printed = max(printed, 2)
			if got := finishedEpochs(t, dir); got < printed {
				t.Errorf("the checkpoint holds %d epochs; the trainer had printed %d", got, printed)
			}
			// As a kill between the temporary file's write and its rename
			// leaves it (row 4).
			if err := os.WriteFile(filepath.Join(dir, "."+checkpointFile+".tmp-12345"), []byte("partial"), 0o644); err != nil {
				t.Fatal(err)
			}
			resumeAndCompare(t, dir, refWeights, refLog)
		})
	}
}
