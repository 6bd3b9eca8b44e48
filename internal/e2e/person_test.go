//go:build !js

package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"fashionlab/internal/headless"
)

// person is one browser tab driven as a person drives it: addresses,
// clicks, typing, keys and the window size. It collects the console errors
// and uncaught exceptions of the page, its iframe and its workers; a test
// fails on any of them that it did not expect.
type person struct {
	t   *testing.T
	ctx context.Context

	mu       sync.Mutex
	problems []string // console errors and exceptions
	logs     []string
	expected []string // substrings of problems the test provokes on purpose
	workers  map[target.ID]bool
}

// newPerson opens a tab of the shared browser with a window of width×height
// CSS pixels and opens the page at address (relative to the site).
func newPerson(t *testing.T, address string, width, height int64) *person {
	t.Helper()
	return newPersonFor(t, address, width, height, 3*time.Minute)
}

// newPersonFor is newPerson whose tab lives for at most limit.
func newPersonFor(t *testing.T, address string, width, height int64, limit time.Duration) *person {
	t.Helper()
	requireBrowser(t)
	// Each tab gets a browser context of its own, as a fresh profile: the
	// runs one test saves in the browser's storage are not another's.
	ctx, cancel := chromedp.NewContext(shared.browser.Ctx, chromedp.WithNewBrowserContext())
	ctx, cancelTime := context.WithTimeout(ctx, limit)
	p := &person{t: t, ctx: ctx, workers: map[target.ID]bool{}}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height)); err != nil {
		t.Fatal(err)
	}
	p.collect(ctx, "page")
	watch, stopWatch := context.WithCancel(ctx)
	go p.watchWorkers(watch)
	t.Cleanup(func() {
		p.checkProblems()
		stopWatch()
		cancelTime()
		cancel()
	})
	p.open(address)
	return p
}

// collect records console errors and exceptions of a target's context.
func (p *person) collect(ctx context.Context, where string) {
	headless.WatchConsole(ctx, func(line string, problem bool) {
		p.mu.Lock()
		defer p.mu.Unlock()
		line = where + ": " + line
		p.logs = append(p.logs, line)
		if problem {
			p.problems = append(p.problems, line)
		}
	})
}

// watchWorkers attaches to every worker target of the browser as it
// appears (the page starts a new one after a crash) and collects its
// console errors and exceptions too.
func (p *person) watchWorkers(ctx context.Context) {
	for ctx.Err() == nil {
		infos, err := chromedp.Targets(ctx)
		if err == nil {
			for _, info := range infos {
				if info.Type != "worker" || p.known(info.TargetID) {
					continue
				}
				wctx, _ := chromedp.NewContext(ctx, chromedp.WithTargetID(info.TargetID))
				if err := chromedp.Do(wctx, chromedp.Evaluate[chromedp.Void](`0`)); err != nil {
					continue
				}
				p.collect(wctx, "worker "+info.URL)
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(150 * time.Millisecond):
		}
	}
}

// known records a worker target and reports whether it was seen before.
func (p *person) known(id target.ID) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	seen := p.workers[id]
	p.workers[id] = true
	return seen
}

// workerContexts returns contexts attached to the worker targets seen so far.
func (p *person) workerIDs() []target.ID {
	p.mu.Lock()
	defer p.mu.Unlock()
	var ids []target.ID
	for id := range p.workers {
		ids = append(ids, id)
	}
	return ids
}

// expect marks problems containing text as provoked by the test.
func (p *person) expect(text string) {
	p.mu.Lock()
	p.expected = append(p.expected, text)
	p.mu.Unlock()
}

// unexpected returns the problems the test did not provoke.
func (p *person) unexpected() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, pr := range p.problems {
		ok := false
		for _, e := range p.expected {
			ok = ok || strings.Contains(pr, e)
		}
		if !ok {
			out = append(out, pr)
		}
	}
	return out
}

// checkProblems fails the test on console errors and exceptions of the
// page, its iframe and its workers, and on the page's own uncaught errors.
func (p *person) checkProblems() {
	s, err := p.read()
	if err == nil && len(s.Errors) > 0 {
		p.t.Errorf("uncaught errors of the page: %s", strings.Join(s.Errors, "\n"))
	}
	if bad := p.unexpected(); len(bad) > 0 {
		p.t.Errorf("console errors or uncaught exceptions:\n%s", strings.Join(bad, "\n"))
	}
	if p.t.Failed() {
		p.mu.Lock()
		for _, l := range p.logs {
			p.t.Log("console:", l)
		}
		p.mu.Unlock()
		p.shot("failed-" + strings.ReplaceAll(p.t.Name(), "/", "-"))
	}
}

// open navigates to an address of the site ("?demo=q1", "" for the start),
// or to an absolute address (http://…) of another server.
func (p *person) open(address string) {
	p.t.Helper()
	if !strings.HasPrefix(address, "http://") {
		address = shared.srv.URL + address
	}
	if err := chromedp.Do(p.ctx, chromedp.Navigate(address)); err != nil {
		p.t.Fatal(err)
	}
}

// click clicks the element of a CSS selector.
func (p *person) click(sel string) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		p.t.Fatalf("click %s: %v", sel, err)
	}
}

// typeInto replaces the text of a field as a person does: click into it,
// select all, type.
func (p *person) typeInto(sel, text string) {
	p.t.Helper()
	// A click can land beside the field when the page's layout moves at
	// that moment (a line appears above it); a person then clicks again.
	focused := fmt.Sprintf(`document.activeElement === document.querySelector(%q)`, sel)
	for try := 0; ; try++ {
		if err := chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
			p.t.Fatalf("click %s: %v", sel, err)
		}
		if ok, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](focused)); err == nil && ok || try == 2 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := chromedp.Do(p.ctx,
		chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.KeyEvent(kb.Delete),
		chromedp.SendKeys(chromedp.CSS(sel), text),
	); err != nil {
		p.t.Fatalf("type %q into %s: %v", text, sel, err)
	}
}

// press sends keys to whatever has the focus (kb.Tab, kb.Enter, " ", kb.Escape).
func (p *person) press(keys string, mods ...chromedp.Modifier) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.KeyEvent(keys, chromedp.KeyModifiers(mods...))); err != nil {
		p.t.Fatalf("press %q: %v", keys, err)
	}
}

// resize sets the window size in CSS pixels.
func (p *person) resize(width, height int64) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.EmulateViewport(width, height)); err != nil {
		p.t.Fatal(err)
	}
}

// look evaluates a read-only expression about the page (what a person
// sees: texts, attributes, sizes, the focused element).
func look[T any](p *person, expr string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		p.t.Fatalf("read %s: %v", expr, err)
	}
	return v
}

// text returns the visible text of an element.
func (p *person) text(sel string) string {
	p.t.Helper()
	return look[string](p, fmt.Sprintf(`(document.querySelector(%q) || {}).innerText || ''`, sel))
}

// enabled reports whether a control can be used.
func (p *person) enabled(sel string) bool {
	p.t.Helper()
	return look[bool](p, fmt.Sprintf(`(() => { const el = document.querySelector(%q); return !el.disabled && el.getAttribute('aria-disabled') !== 'true'; })()`, sel))
}

// focused returns the id of the element with the keyboard focus, when it
// is visible ("" for none or an invisible one, such as the page's body).
func (p *person) focused() string {
	p.t.Helper()
	return look[string](p, `(() => { const el = document.activeElement; return el && el !== document.body && el.getClientRects().length ? el.id : ''; })()`)
}

// tabTo presses Tab, as a person does, until the focus is on sel.
func (p *person) tabTo(sel string) {
	p.t.Helper()
	for range 200 {
		if look[bool](p, fmt.Sprintf(`document.activeElement === document.querySelector(%q)`, sel)) {
			return
		}
		p.press(kb.Tab)
	}
	p.t.Fatalf("Tab never reached %s", sel)
}

// pageState is what the page reports of itself (window.fashionlab.state()).
type pageState = headless.PageState

// runState is one run of pageState.
type runState = headless.RunState

// read returns the page's state.
func (p *person) read() (pageState, error) {
	return headless.ReadState(p.ctx)
}

// waitFor polls the page's state until ok accepts it.
func (p *person) waitFor(what string, limit time.Duration, ok func(pageState) bool) pageState {
	p.t.Helper()
	deadline := time.Now().Add(limit)
	var s pageState
	var err error
	for time.Now().Before(deadline) {
		if s, err = p.read(); err == nil && ok(s) {
			return s
		}
		time.Sleep(150 * time.Millisecond)
	}
	p.t.Fatalf("timed out after %v waiting for %s (last error %v, state %v)", limit, what, err, s)
	return s
}

// waitReady waits until the worker has loaded the data.
func (p *person) waitReady() pageState {
	p.t.Helper()
	return p.waitFor("the worker to be ready", 90*time.Second, func(s pageState) bool { return s.Worker == "idle" && s.Ready != nil })
}

// shot saves a screenshot of the whole page as name.png in the screenshot folder.
func (p *person) shot(name string) string {
	b, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Logf("screenshot %s: %v", name, err)
		return ""
	}
	path := filepath.Join(shared.shots, name+".png")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		p.t.Logf("screenshot %s: %v", name, err)
	}
	return path
}
