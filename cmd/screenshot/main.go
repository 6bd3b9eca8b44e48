//go:build !js

// Command screenshot writes the picture of the page that the README shows
// (make screenshot): it builds the site (or takes a built one), serves it on
// 127.0.0.1, opens it in headless Chromium, waits until the data and the
// drawing panel have loaded, presses Start as a person would, waits until
// the first run has logged some epochs, and saves what the window shows as
// a PNG.
//
// Usage:
//
//	go run ./cmd/screenshot [-o docs/page.png] [-site DIR] [-address '?demo=q4'] [-epochs 4]
//
// It needs Debian's Chromium and the FashionMNIST data (for the build).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"fashionlab/internal/headless"
	"fashionlab/internal/sitebuild"
)

// options are the command's flags.
type options struct {
	out     string
	site    string
	address string
	epochs  int
	width   int64
	height  int64
	timeout time.Duration
}

func main() {
	o, err := parseOptions(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "screenshot:", err)
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "screenshot:", err)
		os.Exit(1)
	}
	log.Printf("wrote %s", o.out)
}

// parseOptions reads the flags and refuses those that cannot make a
// picture.
func parseOptions(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("screenshot", flag.ContinueOnError)
	fs.StringVar(&o.out, "o", filepath.Join("docs", "page.png"), "the PNG to write")
	fs.StringVar(&o.site, "site", "", "a site folder built by make site (default: build one in a temporary folder)")
	fs.StringVar(&o.address, "address", "?demo=q4", "the page's address relative to the site, starting with ?")
	fs.IntVar(&o.epochs, "epochs", 4, "press Start and wait until the first run has logged this many epochs after epoch 0 (0: do not train)")
	fs.Int64Var(&o.width, "width", 1280, "window width in CSS pixels")
	fs.Int64Var(&o.height, "height", 1900, "window height in CSS pixels")
	fs.DurationVar(&o.timeout, "timeout", 15*time.Minute, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	switch {
	case fs.NArg() > 0:
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	case o.out == "":
		return o, errors.New("-o: name the PNG to write")
	case o.epochs < 0 || o.epochs > 20:
		return o, fmt.Errorf("-epochs %d: want 0 to 20", o.epochs)
	case o.width < 320 || o.width > 4000 || o.height < 320 || o.height > 4000:
		return o, fmt.Errorf("-width %d -height %d: want 320 to 4000 CSS pixels each", o.width, o.height)
	case o.address != "" && !strings.HasPrefix(o.address, "?"):
		return o, fmt.Errorf("-address %q: give the page's parameters, such as ?demo=q4", o.address)
	case o.timeout <= 0:
		return o, fmt.Errorf("-timeout %v: want a positive duration", o.timeout)
	}
	return o, nil
}

func run(ctx context.Context, o options) error {
	site := o.site
	if site == "" {
		tmp, err := os.MkdirTemp("", "fashionlab-screenshot-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		site = filepath.Join(tmp, "site")
		log.Printf("building the site in %s", site)
		b := sitebuild.Options{Root: ".", Out: site, Compression: sitebuild.CompressFast, Log: log.Printf}
		if _, err := sitebuild.Build(ctx, b); err != nil {
			return fmt.Errorf("build the site: %w", err)
		}
	}
	srv, err := headless.Serve(site)
	if err != nil {
		return err
	}
	defer srv.Close()
	browser, err := headless.Launch(ctx)
	if err != nil {
		return err
	}
	defer browser.Close()
	png, err := shoot(browser.Ctx, srv.URL+o.address, o)
	if err != nil {
		return err
	}
	if problems := browser.Problems(); len(problems) > 0 {
		return fmt.Errorf("the page reported errors: %s", strings.Join(problems, "; "))
	}
	if err := os.MkdirAll(filepath.Dir(o.out), 0o755); err != nil {
		return err
	}
	return os.WriteFile(o.out, png, 0o644)
}

// shoot opens address, trains as o says and returns the window's PNG.
func shoot(ctx context.Context, address string, o options) ([]byte, error) {
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(o.width, o.height), chromedp.Navigate(address)); err != nil {
		return nil, fmt.Errorf("open %s: %w", address, err)
	}
	if _, err := waitFor(ctx, "the worker to load the data", func(s headless.PageState) bool {
		return s.Worker == "idle" && s.Ready != nil
	}); err != nil {
		return nil, err
	}
	// The drawing panel loads once the worker has been idle for a second.
	if _, err := waitFor(ctx, "the drawing panel", func(s headless.PageState) bool { return s.CanvasReady }); err != nil {
		return nil, err
	}
	if o.epochs > 0 {
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#btn-start"))); err != nil {
			return nil, fmt.Errorf("press Start: %w", err)
		}
		// Epoch 0 is the untrained network; a run with fewer epochs ends first.
		if _, err := waitFor(ctx, fmt.Sprintf("the first run to log %d epochs", o.epochs), func(s headless.PageState) bool {
			return len(s.Runs) > 0 && (len(s.Runs[0].Epochs) > o.epochs || s.Runs[0].Status == "done" || s.Runs[0].Status == "failed")
		}); err != nil {
			return nil, err
		}
	}
	// The charts draw on the page's next frames.
	time.Sleep(time.Second)
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		return nil, fmt.Errorf("capture: %w", err)
	}
	return png, nil
}

// waitFor waits until ok accepts the page's state, and fails early when
// the page reports an error.
func waitFor(ctx context.Context, what string, ok func(headless.PageState) bool) (headless.PageState, error) {
	log.Printf("waiting for %s", what)
	s, err := headless.WaitState(ctx, func(s headless.PageState) bool { return len(s.Errors) > 0 || ok(s) })
	switch {
	case err != nil:
		return s, fmt.Errorf("waiting for %s: %w (state %v)", what, err, s)
	case len(s.Errors) > 0:
		return s, fmt.Errorf("waiting for %s: the page reports %s", what, strings.Join(s.Errors, "; "))
	}
	return s, nil
}
