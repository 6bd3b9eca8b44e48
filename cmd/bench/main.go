// Command bench compares FashionLab's training and inference speed and
// memory with the PyTorch reference trainer (bench/torch_reference.py) on the same
// machine. For each network (the default MLP and CNN) and thread count it
// runs FashionLab and PyTorch one after the other, each as a subprocess,
// so that both see the same machine load and each one's peak RSS is its own.
//
//	go run ./cmd/bench                 # or: make bench
//	go run ./cmd/bench -threads 2 -nets cnn -epochs 2
//
// Reported per run: the median training seconds per epoch (60,000 images,
// batch 128, Adam; metric logging excluded on both sides), training
// images/s, forward-only images/s over the 10,000 t10k images (batch 128,
// median of 3 passes after a warm-up) and the peak resident set size of the
// whole run, which includes loading the data, the per-epoch evaluation and
// the final test evaluation. Every ratio is FashionLab's cost over
// PyTorch's: seconds per epoch, seconds per image (PyTorch's throughput over
// FashionLab's) and peak RSS, so below 1.00 FashionLab is faster or
// smaller.
//
// The machine should be otherwise idle: the load average before and after
// is printed, since other processes slow both sides unevenly (PyTorch's
// OpenMP threads suffer most from shared cores).
//
// When PyTorch is missing the table still lists FashionLab's figures.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"fashionlab/internal/loadavg"
	"fashionlab/model/gemm"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == workerArg {
		if err := runWorker(os.Args[2:], os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "bench worker:", err)
			os.Exit(1)
		}
		return
	}
	err := run(os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
	case err != nil:
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// options are the command-line settings of a comparison.
type options struct {
	nets    []string
	threads []int
	epochs  int
	python  string
	script  string
	dataDir string
	verbose bool
}

func parseOptions(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	nets := fs.String("nets", "mlp,cnn", "networks to time: mlp, cnn (the homework's defaults)")
	threads := fs.String("threads", "1,2", "comma-separated thread counts")
	epochs := fs.Int("epochs", 3, "training epochs per run; the median is reported")
	python := fs.String("python", "/usr/bin/python3", "Python interpreter with torch (Debian's python3-torch installs only into the system interpreter)")
	script := fs.String("script", "bench/torch_reference.py", "the PyTorch reference trainer")
	dataDir := fs.String("data", "", "directory with the FashionMNIST files (default: $FASHIONMNIST_DIR, then /usr/share/datasets/fashion-mnist, then the download cache)")
	verbose := fs.Bool("v", false, "pass the subprocesses' progress through to stderr")
	if err := fs.Parse(args); err != nil {
		return options{}, err
	}
	o := options{epochs: *epochs, python: *python, script: *script, dataDir: *dataDir, verbose: *verbose}
	for _, n := range strings.Split(*nets, ",") {
		if n != "mlp" && n != "cnn" {
			return o, fmt.Errorf("unknown network %q (want mlp or cnn)", n)
		}
		o.nets = append(o.nets, n)
	}
	for _, t := range strings.Split(*threads, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(t))
		if err != nil || n < 1 {
			return o, fmt.Errorf("bad thread count %q", t)
		}
		o.threads = append(o.threads, n)
	}
	if o.epochs < 1 {
		return o, errors.New("-epochs must be at least 1")
	}
	return o, nil
}

// result is one run's figures; zero values mean "not measured".
type result struct {
	EpochSeconds  float64      `json:"median_epoch_train_s"`
	Epochs        []float64    `json:"epoch_train_seconds"`
	TrainImagesPS float64      `json:"train_images_per_s"`
	InferImagesPS float64      `json:"infer_images_per_s"`
	PeakRSSBytes  int64        `json:"peak_rss_bytes"`
	Kernel        string       `json:"kernel,omitempty"`
	Parts         []partResult `json:"parts,omitempty"`
	Err           string       `json:"-"`
}

func run(args []string, stdout, stderr io.Writer) error {
	o, err := parseOptions(args, stderr)
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	startLoad := loadAverage()
	torchErr := checkTorch(o)
	if torchErr != nil {
		fmt.Fprintf(stdout, "PyTorch reference not available (%v): reporting FashionLab only.\n"+
			"Install it with: apt-get install -y python3-torch libopenblas0-openmp dataset-fashion-mnist\n\n", torchErr)
	}
	type row struct {
		net     string
		threads int
		fl, pt  result
	}
	var rows []row
	for _, net := range o.nets {
		for _, t := range o.threads {
			r := row{net: net, threads: t}
			fmt.Fprintf(stderr, "%s, %d thread(s): FashionLab...\n", net, t)
			r.fl = runFashionLab(self, o, net, t, stderr)
			if torchErr == nil {
				fmt.Fprintf(stderr, "%s, %d thread(s): PyTorch...\n", net, t)
				r.pt = runPyTorch(o, net, t, stderr)
			}
			rows = append(rows, r)
		}
	}

	if l := loadAverage(); l != "" {
		fmt.Fprintf(stdout, "load average before / after: %s / %s\n", startLoad, l)
		if busy(startLoad) {
			fmt.Fprintln(stdout, "warning: other processes were running; timings are unreliable, and PyTorch's OpenMP threads suffer most from shared cores")
		}
	}
	fmt.Fprintf(stdout, "FashionLab kernel %s, threads %s\n", gemm.KernelName(), joinInts(o.threads))
	fmt.Fprintf(stdout, "FashionLab vs PyTorch: %d epochs of 60,000 images (batch 128, Adam), median epoch; inference on the 10,000 t10k images (batch 128)\n\n", o.epochs)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "net\tthreads\tside\ts/epoch\ttrain img/s\tinfer img/s\tpeak RSS MiB\t")
	for _, r := range rows {
		printRow(tw, r.net, r.threads, "FashionLab", r.fl)
		if torchErr == nil {
			printRow(tw, r.net, r.threads, "PyTorch", r.pt)
			fmt.Fprintf(tw, "%s\t%d\tratio FL/PT\t%s\t%s\t%s\t%s\t\n", r.net, r.threads,
				ratio(r.fl.EpochSeconds, r.pt.EpochSeconds),
				ratio(r.pt.TrainImagesPS, r.fl.TrainImagesPS),
				ratio(r.pt.InferImagesPS, r.fl.InferImagesPS),
				ratio(float64(r.fl.PeakRSSBytes), float64(r.pt.PeakRSSBytes)))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	ghz := cpuGHz()
	fmt.Fprintf(stdout, "\nFashionLab's training step by part (batch 128, median of %d steps). GFLOP: the matrix products (2 per multiply-add), Adam 13 per parameter.\n", partSteps)
	fmt.Fprintf(stdout, "Peak: threads × %d FLOP per cycle (%s kernel's vector FMA rate) × %s GHz (/proc/cpuinfo).\n\n", flopsPerCycle(gemm.KernelName()), gemm.KernelName(), fmtGHz(ghz))
	tw = tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "net\tthreads\tpart\tms/step\tGFLOP\tGFLOP/s\t% of peak\t")
	for _, r := range rows {
		for _, p := range r.fl.Parts {
			rate := p.GFLOP / p.Seconds
			fmt.Fprintf(tw, "%s\t%d\t%s\t%.2f\t%.3f\t%.1f\t%s\t\n", r.net, r.threads, p.Name, 1e3*p.Seconds, p.GFLOP, rate,
				percentOfPeak(rate, float64(r.threads*flopsPerCycle(gemm.KernelName()))*ghz))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if torchErr == nil {
		fmt.Fprintln(stdout, "\nratio: FashionLab's cost over PyTorch's (time per epoch, time per image, memory); below 1.00 FashionLab is faster or smaller.")
	}
	for _, r := range rows {
		if r.fl.Err != "" {
			fmt.Fprintf(stdout, "FashionLab %s/%d failed: %s\n", r.net, r.threads, r.fl.Err)
		}
		if r.pt.Err != "" {
			fmt.Fprintf(stdout, "PyTorch %s/%d failed: %s\n", r.net, r.threads, r.pt.Err)
		}
	}
	return nil
}

func printRow(w io.Writer, net string, threads int, side string, r result) {
	if r.Err != "" {
		fmt.Fprintf(w, "%s\t%d\t%s\tfailed\t\t\t\t\n", net, threads, side)
		return
	}
	fmt.Fprintf(w, "%s\t%d\t%s\t%.3f\t%.0f\t%.0f\t%.0f\t\n", net, threads, side,
		r.EpochSeconds, r.TrainImagesPS, r.InferImagesPS, float64(r.PeakRSSBytes)/(1<<20))
}

// flopsPerCycle is one core's peak float32 rate of a kernel's vector FMAs:
// two FMA pipes of 16 lanes (AVX-512) or 8 (AVX2), four pipes of 4 lanes
// (NEON on Apple's cores; Cortex cores have two), or a scalar multiply-add
// per cycle for the portable kernel.
func flopsPerCycle(kernel string) int {
	switch kernel {
	case "avx512":
		return 64
	case "avx2", "neon":
		return 32
	}
	return 2
}

// cpuGHz returns the clock /proc/cpuinfo reports (its largest "cpu MHz"),
// or 0 where there is none.
func cpuGHz() float64 {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return 0
	}
	best := 0.0
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(k) != "cpu MHz" {
			continue
		}
		if mhz, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && mhz > best {
			best = mhz
		}
	}
	return best / 1000
}

func fmtGHz(ghz float64) string {
	if ghz <= 0 {
		return "?"
	}
	return fmt.Sprintf("%.2f", ghz)
}

// percentOfPeak formats rate as a share of peak (GFLOP/s), or "-" when the
// peak is unknown.
func percentOfPeak(rate, peak float64) string {
	if peak <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f", 100*rate/peak)
}

// joinInts formats v as a comma-separated list.
func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}

// ratio formats a/b, or "-" when either is missing.
func ratio(a, b float64) string {
	if a <= 0 || b <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", a/b)
}

// checkTorch reports why the PyTorch side cannot run, or nil.
func checkTorch(o options) error {
	if _, err := os.Stat(o.script); err != nil {
		return fmt.Errorf("no reference script: %w", err)
	}
	out, err := exec.Command(o.python, "-c", "import torch").CombinedOutput()
	if err != nil {
		msg := strings.TrimSpace(string(out))
		if i := strings.LastIndexByte(msg, '\n'); i >= 0 {
			msg = msg[i+1:]
		}
		if msg == "" {
			msg = err.Error()
		}
		return fmt.Errorf("%s cannot import torch: %s", o.python, msg)
	}
	return nil
}

// runFashionLab runs this binary's worker mode in a subprocess.
func runFashionLab(self string, o options, net string, threads int, stderr io.Writer) result {
	args := []string{workerArg, "-net", net, "-threads", strconv.Itoa(threads), "-epochs", strconv.Itoa(o.epochs)}
	if o.dataDir != "" {
		args = append(args, "-data", o.dataDir)
	}
	cmd := exec.Command(self, args...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = progress(o, stderr)
	var r result
	if err := cmd.Run(); err != nil {
		r.Err = err.Error()
		return r
	}
	if err := json.Unmarshal(lastLine(out.Bytes()), &r); err != nil {
		r.Err = fmt.Sprintf("reading the worker's result: %v", err)
		return r
	}
	r.PeakRSSBytes = peakRSS(cmd.ProcessState)
	return r
}

// runPyTorch runs bench/torch_reference.py with the homework's defaults. The reference
// logs no per-epoch metrics (they are not timed on either side); it keeps
// the final test evaluation so that the peak RSS covers an evaluation as
// FashionLab's does.
func runPyTorch(o options, net string, threads int, stderr io.Writer) result {
	dir, err := os.MkdirTemp("", "fashionlab-bench")
	if err != nil {
		return result{Err: err.Error()}
	}
	defer os.RemoveAll(dir)
	outFile := filepath.Join(dir, "torch.json")
	args := []string{o.script, "--net", net, "--epochs", strconv.Itoa(o.epochs), "--threads", strconv.Itoa(threads),
		"--infer-batch", "128", "--out", outFile}
	if d := torchDataDir(o); d != "" {
		args = append(args, "--data-dir", d)
	}
	cmd := exec.Command(o.python, args...)
	cmd.Stdout = progress(o, stderr)
	cmd.Stderr = progress(o, stderr)
	// OpenBLAS's OpenMP build follows torch.set_num_threads; pin it too so a
	// pthread build does not start one thread per core on top of torch's.
	cmd.Env = append(os.Environ(), "OMP_NUM_THREADS="+strconv.Itoa(threads), "OPENBLAS_NUM_THREADS="+strconv.Itoa(threads))
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return result{Err: fmt.Sprintf("%v after %s", err, time.Since(start).Round(time.Second))}
	}
	b, err := os.ReadFile(outFile)
	if err != nil {
		return result{Err: err.Error()}
	}
	var raw struct {
		Median    float64 `json:"median_epoch_train_s"`
		ImagesPS  float64 `json:"train_images_per_s"`
		Inference struct {
			ImagesPS float64 `json:"images_per_s"`
		} `json:"inference"`
		Logs struct {
			Epochs []float64 `json:"epoch_train_seconds"`
		} `json:"logs"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return result{Err: fmt.Sprintf("reading %s: %v", outFile, err)}
	}
	return result{
		EpochSeconds: raw.Median, Epochs: raw.Logs.Epochs, TrainImagesPS: raw.ImagesPS,
		InferImagesPS: raw.Inference.ImagesPS, PeakRSSBytes: peakRSS(cmd.ProcessState),
	}
}

// torchDataDir is the directory torch_reference.py should read: -data, then
// $FASHIONMNIST_DIR, else torch_reference.py's own default.
func torchDataDir(o options) string {
	if o.dataDir != "" {
		return o.dataDir
	}
	return os.Getenv("FASHIONMNIST_DIR")
}

func progress(o options, stderr io.Writer) io.Writer {
	if o.verbose {
		return stderr
	}
	return io.Discard
}

func lastLine(b []byte) []byte {
	b = bytes.TrimSpace(b)
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		return b[i+1:]
	}
	return b
}

// busy reports whether the load average taken before the runs, when none
// of the benchmark's processes had started, shows other work taking a core.
func busy(load string) bool {
	l, err := strconv.ParseFloat(load, 64)
	return err == nil && l >= 1
}

// loadAverage returns the 1-minute load average, or "" where /proc is
// missing.
func loadAverage() string {
	avg, err := loadavg.Read()
	if err != nil {
		return ""
	}
	return avg[0]
}
