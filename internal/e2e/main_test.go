//go:build !js

// Package e2e holds the end-to-end tests of the FashionLab page in headless
// Chromium. The tests act only as a person does: they open addresses,
// click, type and press keys, and set the window size. They read the
// page's state through window.fashionlab.state(), which cannot act.
package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fashionlab/assets"
	"fashionlab/internal/headless"
	"fashionlab/internal/sitebuild"
)

// suite is what every test of the package shares: one built site, its
// server and one browser. TestMain sets it up once per test binary.
type suite struct {
	skip    string // why the browser tests cannot run here
	dir     string
	srv     *headless.Server
	browser *headless.Browser
	shots   string // folder of the screenshots
}

var shared suite // set once by TestMain, read by the tests

func TestMain(m *testing.M) {
	code := run(m)
	os.Exit(code)
}

func run(m *testing.M) int {
	if err := shared.setUp(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer shared.tearDown()
	return m.Run()
}

// setUp builds the site with a small subset and starts the server and the
// browser, or records why it cannot.
func (s *suite) setUp() error {
	var missing []string
	if _, err := os.Stat(headless.ChromiumPath); err != nil {
		missing = append(missing, headless.ChromiumPath+" (apt-get install chromium)")
	}
	data := os.Getenv(assets.EnvDir)
	if data == "" {
		data = assets.SystemDir
	}
	if _, err := os.Stat(filepath.Join(data, assets.TrainImagesFile)); err != nil {
		missing = append(missing, "the FashionMNIST files in "+data+" (apt-get install dataset-fashion-mnist)")
	}
	if len(missing) > 0 {
		s.skip = "needs " + strings.Join(missing, " and ")
		return nil
	}
	if short() {
		s.skip = "the browser tests are not short"
		return nil
	}
	tmp, err := os.MkdirTemp("", "fashionlab-e2e-")
	if err != nil {
		return err
	}
	s.dir = tmp
	s.shots = os.Getenv("FASHIONLAB_SCREENSHOTS")
	if s.shots == "" {
		s.shots = filepath.Join(tmp, "screenshots")
	}
	if err := os.MkdirAll(s.shots, 0o755); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	start := time.Now()
	// 5,000 training images: more than the largest limited set a demo
	// trains on (q4's 4,000, which the first part holds), so that the
	// subset still comes in two parts.
	o := sitebuild.Options{Root: "../..", Out: filepath.Join(tmp, "site"), DataDir: data, Train: 5000, Val: 500, Test: 100}
	if measureDemos() {
		o.Train, o.Val, o.Test = 0, 0, 0 // the page's own subset
	}
	if _, err := sitebuild.Build(ctx, o); err != nil {
		return fmt.Errorf("build the site: %w", err)
	}
	fmt.Fprintf(os.Stderr, "e2e: site built in %v\n", time.Since(start).Round(time.Millisecond))
	if s.srv, err = headless.Serve(filepath.Join(tmp, "site")); err != nil {
		return err
	}
	if s.browser, err = headless.Launch(context.Background()); err != nil {
		return err
	}
	return nil
}

func (s *suite) tearDown() {
	if s.browser != nil {
		s.browser.Close()
	}
	if s.srv != nil {
		s.srv.Close()
	}
	if s.dir != "" && os.Getenv("FASHIONLAB_SCREENSHOTS") == "" {
		os.RemoveAll(s.dir)
	}
}

// short reports whether -short was given (before flag parsing in TestMain
// ends, so the arguments are read directly).
func short() bool {
	for _, a := range os.Args[1:] {
		if a == "-test.short" || a == "-test.short=true" {
			return true
		}
	}
	return false
}

// requireBrowser skips the test when Chromium or the dataset is missing,
// unless FASHIONLAB_REQUIRE_BROWSER=1 asks for a failure instead.
func requireBrowser(t *testing.T) {
	t.Helper()
	if shared.skip == "" {
		return
	}
	if os.Getenv("FASHIONLAB_REQUIRE_BROWSER") == "1" && !short() {
		t.Fatal(shared.skip)
	}
	t.Skip(shared.skip)
}
