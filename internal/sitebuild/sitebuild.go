//go:build !js

// Package sitebuild assembles the static FashionLab site: the two wasm
// binaries (training worker and canvas), wasm_exec.js from the Go
// distribution, the FashionMNIST subset, and the page's HTML, CSS and
// JavaScript. Large files get content-hashed names listed in build.json,
// so a static host can cache them forever; every compressible file gets a
// brotli (.br) and a gzip (.gz) twin for servers that serve precompressed
// files.
package sitebuild

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"

	"fashionlab/assets"
	"fashionlab/internal/report/markdown"
	"fashionlab/internal/static"
	"fashionlab/model/experiments"
	"fashionlab/wasm/protocol"
)

// Options says what to build and where.
type Options struct {
	// Root is the module root (holding go.mod, site/ and wasm/).
	Root string
	// Out is the folder to write; it is emptied first.
	Out string
	// DataDir holds the four FashionMNIST idx files; "" means
	// $FASHIONMNIST_DIR, else assets.SystemDir.
	DataDir string
	// Train, Val and Test are the subset sizes; zero means 12,000, 2,000
	// and 2,000.
	Train, Val, Test int
	// Go is the go command; "" means "go".
	Go string
	// Log, when not nil, receives one line per step.
	Log func(format string, args ...any)
	// Compression is how hard the .br and .gz twins are compressed: the
	// zero value, CompressFast, suits tests that build the site; make site
	// uses CompressBest.
	Compression Compression
}

// Compression is how hard the build compresses the twins.
type Compression int

const (
	// CompressFast writes the twins at the fastest levels (brotli 1, gzip
	// 1): seconds instead of minutes on a busy machine, for tests.
	CompressFast Compression = iota
	// CompressBest writes the twins a site is served with: brotli 11 up to
	// 5 MB and 6 above, gzip 9.
	CompressBest
)

// Manifest is build.json: the hashed names of the built files, which the
// page and the worker read at start-up.
type Manifest struct {
	Worker   string `json:"worker"`
	Canvas   string `json:"canvas"`
	WasmExec string `json:"wasm_exec"`
	// SubsetParts are the data subset's files, whose concatenation is the
	// subset stream: the first holds the header, statistics, labels and
	// the first SubsetFirstImages training images, enough to start
	// training (every demo's run, when its training set is limited to
	// them); the second the rest.
	SubsetParts       []string `json:"subset_parts"`
	SubsetFirstImages int      `json:"subset_first_images"`
	SubsetBytes       int64    `json:"subset_bytes"`
	Train             int      `json:"train"`
	Val               int      `json:"val"`
	Test              int      `json:"test"`
	// Transfer is the size in bytes of each content-hashed file as a
	// browser accepting brotli downloads it (its .br twin, else the file),
	// for the page to say what an embed will download.
	Transfer map[string]int64 `json:"transfer"`
	// Version is a hash of every file the site serves but build.json and
	// sw.js: the service worker's cache is named after it.
	Version string `json:"version"`
}

// FirstImages is how many training images the subset's first part holds
// at least: eight batches of 128, trained while the rest of the data
// arrives. It holds more when a demo trains on a limited training set of
// up to MaxFirstImages images (firstImages): a normalized run on such a set
// takes its statistics from all of its images before its first step.
const (
	FirstImages    = 1024
	MaxFirstImages = 4096
)

// firstImages returns how many training images the subset's first part
// holds: FirstImages, or the largest training limit of the demos up to
// MaxFirstImages.
func firstImages(demos []experiments.Demo) int {
	n := FirstImages
	for _, d := range demos {
		for _, r := range d.Runs {
			if l := r.Settings.TrainLimit; l > n && l <= MaxFirstImages {
				n = l
			}
		}
	}
	return n
}

// pageFiles are the extensions copied from site/.
var pageFiles = map[string]bool{".html": true, ".js": true, ".css": true, ".svg": true, ".png": true, ".ico": true}

// Build writes the site into o.Out and returns its manifest.
func Build(ctx context.Context, o Options) (*Manifest, error) {
	o.defaults()
	if err := os.RemoveAll(o.Out); err != nil {
		return nil, fmt.Errorf("sitebuild: clean %s: %w", o.Out, err)
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return nil, fmt.Errorf("sitebuild: %w", err)
	}
	// The folder is a build product: keep it out of version control.
	if err := os.WriteFile(filepath.Join(o.Out, ".gitignore"), []byte("*\n"), 0o644); err != nil {
		return nil, fmt.Errorf("sitebuild: %w", err)
	}
	tmp, err := os.MkdirTemp("", "fashionlab-site-")
	if err != nil {
		return nil, fmt.Errorf("sitebuild: %w", err)
	}
	defer os.RemoveAll(tmp)

	m := &Manifest{Train: o.Train, Val: o.Val, Test: o.Test}
	for _, w := range []struct {
		pkg, name string
		dst       *string
	}{{"./wasm/worker", "worker", &m.Worker}, {"./wasm/canvas", "canvas", &m.Canvas}} {
		bin := filepath.Join(tmp, w.name+".wasm")
		o.Log("building %s", w.pkg)
		cmd := exec.CommandContext(ctx, o.Go, "build", "-trimpath", "-ldflags=-s -w", "-o", bin, w.pkg)
		cmd.Dir = o.Root
		cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("sitebuild: go build %s: %w\n%s", w.pkg, err, out)
		}
		if *w.dst, err = o.placeHashed(bin, w.name, ".wasm"); err != nil {
			return nil, err
		}
	}

	wasmExec, err := o.wasmExecPath(ctx)
	if err != nil {
		return nil, err
	}
	if m.WasmExec, err = o.placeHashed(wasmExec, "wasm_exec", ".js"); err != nil {
		return nil, err
	}

	subset := filepath.Join(tmp, "fashion-subset.bin")
	if err := o.writeSubset(ctx, subset); err != nil {
		return nil, err
	}
	if err := o.placeSubset(m, subset, tmp); err != nil {
		return nil, err
	}

	if err := o.copyPage(); err != nil {
		return nil, err
	}
	if err := writeForm(o.Out, o.Train); err != nil {
		return nil, err
	}
	if err := o.writePresets(); err != nil {
		return nil, err
	}
	if err := protocol.WriteJSModule(o.Out, o.Train); err != nil {
		return nil, fmt.Errorf("sitebuild: %w", err)
	}
	if err := writeGemmSIMD(o.Out); err != nil {
		return nil, err
	}
	if err := bundle(o.Out); err != nil {
		return nil, err
	}
	o.Log("compressing")
	if err := compressAll(o.Out, o.Compression); err != nil {
		return nil, err
	}
	if err := o.finish(m); err != nil {
		return nil, err
	}
	// index.html carries build.json, so that starting the worker needs no
	// round trip for it (its template is in the version's hash; the
	// manifest it gets depends on the other files only); the page hands
	// it to the worker.
	p := filepath.Join(o.Out, "index.html")
	if err := inlineManifest(p, m); err != nil {
		return nil, err
	}
	if err := compressFile(p, o.Compression); err != nil {
		return nil, err
	}
	return m, nil
}

// finish writes what depends on every other file: the transfer sizes and
// the version in build.json, sw.js with the list of files to keep
// offline; both with their compressed twins.
func (o *Options) finish(m *Manifest) error {
	dir := o.Out
	files, err := servedFiles(dir)
	if err != nil {
		return err
	}
	m.Transfer = map[string]int64{}
	h := sha256.New()
	for _, name := range files {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return fmt.Errorf("sitebuild: %w", err)
		}
		fmt.Fprintf(h, "%s %d\n", name, len(data))
		h.Write(data)
		if static.CacheControl(name) != static.CacheImmutable {
			continue
		}
		m.Transfer[name] = int64(len(data))
		if st, err := os.Stat(filepath.Join(dir, name+".br")); err == nil {
			m.Transfer[name] = st.Size()
		}
	}
	m.Version = hex.EncodeToString(h.Sum(nil)[:6])
	js, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "build.json"), append(js, '\n'), 0o644); err != nil {
		return fmt.Errorf("sitebuild: %w", err)
	}
	src, err := os.ReadFile(filepath.Join(o.Root, "site", serviceWorkerName))
	if err != nil {
		return fmt.Errorf("sitebuild: %w", err)
	}
	sw, err := ServiceWorker(m.Version, append(files, "build.json"), src)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "sw.js"), sw, 0o644); err != nil {
		return fmt.Errorf("sitebuild: %w", err)
	}
	for _, name := range []string{"build.json", "sw.js"} {
		if err := compressFile(filepath.Join(dir, name), o.Compression); err != nil {
			return err
		}
	}
	return nil
}

// servedFiles lists the files of the site folder a page may ask for, in
// name order: every file but the compressed twins, build.json, sw.js and
// .gitignore.
func servedFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("sitebuild: %w", err)
	}
	var files []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || strings.HasSuffix(n, ".br") || strings.HasSuffix(n, ".gz") || n == "build.json" || n == serviceWorkerName || n == ".gitignore" {
			continue
		}
		files = append(files, n)
	}
	return files, nil
}

// serviceWorkerName is the service worker's file in site/ and in the build.
const serviceWorkerName = "sw.js"

// ServiceWorker returns the built sw.js: a BUILD constant with the
// version and the files to keep offline, then src (site/sw.js).
func ServiceWorker(version string, files []string, src []byte) ([]byte, error) {
	build, err := json.Marshal(struct {
		Version string   `json:"version"`
		Files   []string `json:"files"`
	}{version, files})
	if err != nil {
		return nil, fmt.Errorf("sitebuild: service worker: %w", err)
	}
	return fmt.Appendf(nil, "// Written by the site build (internal/sitebuild) for version %s.\nconst BUILD = %s;\n%s", version, build, src), nil
}

func (o *Options) defaults() {
	if o.Go == "" {
		o.Go = "go"
	}
	if o.DataDir == "" {
		o.DataDir = os.Getenv(assets.EnvDir)
	}
	if o.DataDir == "" {
		o.DataDir = assets.SystemDir
	}
	if o.Train == 0 && o.Val == 0 && o.Test == 0 {
		o.Train, o.Val, o.Test = 12000, 2000, 2000
	}
	if o.Log == nil {
		o.Log = func(string, ...any) {}
	}
}

// placeHashed copies src into the output folder as name.<hash>ext.
func (o *Options) placeHashed(src, name, ext string) (string, error) {
	data, err := os.ReadFile(src)
	if err != nil {
		return "", fmt.Errorf("sitebuild: %w", err)
	}
	sum := sha256.Sum256(data)
	out := name + "." + hex.EncodeToString(sum[:5]) + ext
	if err := os.WriteFile(filepath.Join(o.Out, out), data, 0o644); err != nil {
		return "", fmt.Errorf("sitebuild: %w", err)
	}
	return out, nil
}

// placeSubset writes the subset stream in two hashed parts, cut after the
// first firstImages training images.
func (o *Options) placeSubset(m *Manifest, subset, tmp string) error {
	data, err := os.ReadFile(subset)
	if err != nil {
		return fmt.Errorf("sitebuild: %w", err)
	}
	h, err := assets.ReadSubsetHeader(data)
	if err != nil {
		return fmt.Errorf("sitebuild: %s: %w", subset, err)
	}
	if h.Size() != int64(len(data)) {
		return fmt.Errorf("sitebuild: %s has %d bytes, its header announces %d", subset, len(data), h.Size())
	}
	demos, err := experiments.Demos()
	if err != nil {
		return fmt.Errorf("sitebuild: %w", err)
	}
	m.SubsetBytes = h.Size()
	m.SubsetFirstImages = min(firstImages(demos), h.Train)
	cut := h.PrefixSize(m.SubsetFirstImages)
	m.SubsetParts = nil
	for i, part := range [][]byte{data[:cut], data[cut:]} {
		if i > 0 && len(part) == 0 {
			break
		}
		p := filepath.Join(tmp, fmt.Sprintf("fashion-subset-%d.bin", i+1))
		if err := os.WriteFile(p, part, 0o644); err != nil {
			return fmt.Errorf("sitebuild: %w", err)
		}
		name, err := o.placeHashed(p, fmt.Sprintf("fashion-subset-%d", i+1), ".bin")
		if err != nil {
			return err
		}
		m.SubsetParts = append(m.SubsetParts, name)
	}
	return nil
}

// manifestLine is the line of site/index.html that the build replaces
// with the manifest, so that starting the worker needs no round trip for
// build.json: the page starts the worker's downloads itself.
const manifestLine = "const fashionlabManifest = null;"

// manifestPrefix starts the line that replaces manifestLine.
const manifestPrefix = "const fashionlabManifest = "

// inlineManifest writes m into the script at path, in place of
// manifestLine.
func inlineManifest(path string, m *Manifest) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("sitebuild: %w", err)
	}
	if bytes.Count(src, []byte(manifestLine)) != 1 {
		return fmt.Errorf("sitebuild: %s must hold the line %q once", path, manifestLine)
	}
	js, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("sitebuild: %w", err)
	}
	out := bytes.Replace(src, []byte(manifestLine), []byte(manifestPrefix+string(js)+";"), 1)
	if err := os.WriteFile(path, out, 0o644); err != nil {
		return fmt.Errorf("sitebuild: %w", err)
	}
	return nil
}

// InlinedManifest returns the JSON the build wrote into a built
// index.html (the text after manifestPrefix on its line, without the
// semicolon), or an error when the file holds none.
func InlinedManifest(src []byte) ([]byte, error) {
	for l := range strings.Lines(string(src)) {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, manifestPrefix) {
			return []byte(strings.TrimSuffix(strings.TrimPrefix(l, manifestPrefix), ";")), nil
		}
	}
	return nil, fmt.Errorf("sitebuild: no line starting %q", manifestPrefix)
}

// wasmExecPath finds wasm_exec.js: lib/wasm since Go 1.24, misc/wasm before.
func (o *Options) wasmExecPath(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, o.Go, "env", "GOROOT").Output()
	if err != nil {
		return "", fmt.Errorf("sitebuild: go env GOROOT: %w", err)
	}
	goroot := strings.TrimSpace(string(out))
	for _, dir := range []string{"lib/wasm", "misc/wasm"} {
		p := filepath.Join(goroot, dir, "wasm_exec.js")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("sitebuild: no wasm_exec.js under %s/lib/wasm", goroot)
}

// writeSubset builds the data subset from the idx files in o.DataDir
// (the steps of cmd/mksubset, in process).
func (o *Options) writeSubset(ctx context.Context, dst string) error {
	o.Log("building the data subset from %s", o.DataDir)
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sitebuild: %w", err)
	}
	raw, err := assets.LoadDir(o.DataDir)
	if err != nil {
		return fmt.Errorf("sitebuild: %w", err)
	}
	sub, err := raw.Subset(o.Train, o.Val, o.Test)
	if err != nil {
		return fmt.Errorf("sitebuild: %w", err)
	}
	var b bytes.Buffer
	if err := assets.WriteSubset(&b, sub); err != nil {
		return fmt.Errorf("sitebuild: %w", err)
	}
	if err := os.WriteFile(dst, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("sitebuild: %w", err)
	}
	return nil
}

// copyPage copies the page's files from site/ (top level only).
func (o *Options) copyPage() error {
	src := filepath.Join(o.Root, "site")
	entries, err := os.ReadDir(src)
	if err != nil {
		return fmt.Errorf("sitebuild: %w", err)
	}
	found := false
	for _, e := range entries {
		if e.IsDir() || !pageFiles[strings.ToLower(filepath.Ext(e.Name()))] || e.Name() == serviceWorkerName {
			continue
		}
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			return fmt.Errorf("sitebuild: %w", err)
		}
		if err := os.WriteFile(filepath.Join(o.Out, e.Name()), data, 0o644); err != nil {
			return fmt.Errorf("sitebuild: %w", err)
		}
		found = found || e.Name() == "index.html"
	}
	if !found {
		return errors.New("sitebuild: site/index.html is missing")
	}
	return nil
}

// compressAll writes name.br and name.gz beside every compressible file,
// each only where it saves space, compressing two files at a time.
func compressAll(dir string, c Compression) error {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".html", ".js", ".css", ".wasm", ".bin", ".json", ".svg":
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sitebuild: %w", err)
	}
	errs := make([]error, len(files))
	next := make(chan int)
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for i := range next {
				errs[i] = compressFile(files[i], c)
			}
		})
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}

// compressFile writes the .br and .gz twins of one file.
func compressFile(p string, c Compression) error {
	data, err := os.ReadFile(p)
	if err != nil {
		return fmt.Errorf("sitebuild: %w", err)
	}
	for _, twin := range []struct {
		suffix string
		encode func([]byte, int) ([]byte, error)
		level  int
	}{{".br", Brotli, brotliQuality(c, len(data))}, {".gz", Gzip, gzipLevel(c)}} {
		packed, err := twin.encode(data, twin.level)
		if err != nil {
			return fmt.Errorf("sitebuild: compress %s: %w", p, err)
		}
		if len(packed) >= len(data) {
			// No twin; one left by an earlier version of the file would be stale.
			if err := os.Remove(p + twin.suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("sitebuild: %w", err)
			}
			continue
		}
		if err := os.WriteFile(p+twin.suffix, packed, 0o644); err != nil {
			return fmt.Errorf("sitebuild: %w", err)
		}
	}
	return nil
}

// gzipLevel returns the gzip level of a compression.
func gzipLevel(c Compression) int {
	if c == CompressBest {
		return gzip.BestCompression
	}
	return gzip.BestSpeed
}

// Gzip compresses data at a gzip level.
func Gzip(data []byte, level int) ([]byte, error) {
	var b bytes.Buffer
	zw, err := gzip.NewWriterLevel(&b, level)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(data); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Brotli qualities of the build's .br twins. Quality 11, the densest,
// makes the worker's wasm binary 11 % smaller than quality 6 or 9 but
// costs the pure-Go encoder tens of seconds per 4 MB; the multi-megabyte
// files (the canvas binary, the data subset) get quality 6, within 2 % of
// quality 9 on them at half its time.
const (
	brotliDense      = 11
	brotliFast       = 6
	brotliDenseUpTo  = 5 << 20 // bytes
	brotliWindowBits = 24      // 16 MiB
)

// brotliQuality returns the brotli quality of a compression for a file of
// size bytes.
func brotliQuality(c Compression, size int) int {
	switch {
	case c != CompressBest:
		return 1
	case size > brotliDenseUpTo:
		return brotliFast
	}
	return brotliDense
}

// Brotli compresses data at a brotli quality with a 16 MiB window.
func Brotli(data []byte, q int) ([]byte, error) {
	var b bytes.Buffer
	bw := brotli.NewWriterOptions(&b, brotli.WriterOptions{Quality: q, LGWin: brotliWindowBits})
	if _, err := bw.Write(data); err != nil {
		return nil, err
	}
	if err := bw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Presets is presets.json: what the page shows and trains, generated from
// Go so that the page holds no copy of it.
type Presets struct {
	// Classes are the class names by label.
	Classes []string `json:"classes"`
	// Demos are the five questions sized for the browser and the custom
	// form's defaults (experiments.Demos).
	Demos []experiments.Demo `json:"demos"`
	// References are the numbers the page sets beside its own runs' for
	// each question: the homework report's, the PyTorch reference's and
	// the native trainer's at full scale (markdown.References and
	// markdown.NativeResults).
	References []Reference `json:"references"`
}

// Reference is one reference number as the page reads it: a quantity of
// a named run of a question at an epoch (0: the end of training, about 50
// epochs), from a source. Run names are those of markdown.References.
type Reference struct {
	Question string  `json:"question"`
	Run      string  `json:"run"`
	Quantity string  `json:"quantity"`
	Epoch    int     `json:"epoch"`
	Value    float64 `json:"value"`
	Source   string  `json:"source"`
}

// pageReferences returns every reference number the page shows.
func pageReferences() []Reference {
	var out []Reference
	for _, r := range append(markdown.References(), markdown.NativeResults()...) {
		out = append(out, Reference{Question: r.Question, Run: r.Run, Quantity: string(r.Quantity), Epoch: r.Epoch, Value: r.Value, Source: r.Source})
	}
	return out
}

// NewPresets returns the presets the build writes.
func NewPresets() (*Presets, error) {
	demos, err := experiments.Demos()
	if err != nil {
		return nil, fmt.Errorf("sitebuild: presets: %w", err)
	}
	p := &Presets{Demos: demos, References: pageReferences()}
	for label := range assets.NumClasses {
		p.Classes = append(p.Classes, assets.ClassName(uint8(label)))
	}
	return p, nil
}

// writePresets writes presets.json into the output folder.
func (o *Options) writePresets() error {
	p, err := NewPresets()
	if err != nil {
		return err
	}
	js, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return fmt.Errorf("sitebuild: presets: %w", err)
	}
	if err := os.WriteFile(filepath.Join(o.Out, "presets.json"), append(js, '\n'), 0o644); err != nil {
		return fmt.Errorf("sitebuild: %w", err)
	}
	return nil
}
