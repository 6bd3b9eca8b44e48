//go:build !js

package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// goOffline cuts the tab off the network as the browser's offline mode
// does (the service worker's own requests too).
func (p *person) goOffline() {
	p.t.Helper()
	yes := true
	if _, err := chromedp.Call(p.ctx, network.Enable, network.EnableParams{}); err != nil {
		p.t.Fatal(err)
	}
	if _, err := chromedp.Call(p.ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		EmulateOfflineServiceWorker: &yes,
		MatchedNetworkConditions:    []*network.Conditions{{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}},
	}); err != nil {
		p.t.Fatal(err)
	}
	if _, err := chromedp.Call(p.ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
		p.t.Fatal(err)
	}
}

// TestOfflineAfterAFirstVisit visits the page once, until its footer says
// it works offline; then the network is gone (the browser is offline and
// the server drops every connection) and a reload still shows the page,
// loads the data and trains a run.
func TestOfflineAfterAFirstVisit(t *testing.T) {
	srv := newNotesServer(t, "")
	p := newPerson(t, srv.URL+"?demo=custom", 1280, 900)
	p.waitReady()
	deadline := time.Now().Add(90 * time.Second)
	for !strings.Contains(p.text("#offline-info"), "works offline") {
		if time.Now().After(deadline) {
			t.Fatalf("the footer says %q after 90 s, want that the page works offline", p.text("#offline-info"))
		}
		time.Sleep(200 * time.Millisecond)
	}
	srv.quiet(t, 30*time.Second)
	srv.down.Store(true)
	p.goOffline()
	before := time.Now()
	p.open(srv.URL + "?demo=custom")
	s := p.waitReady()
	p.shortRun(1, 600)
	p.click("#btn-start")
	s = p.waitFor("the run offline", 90*time.Second, func(s pageState) bool { return len(s.Runs) == 1 && s.Runs[0].Status == "done" && s.Predictions != nil })
	if r := s.Runs[0]; len(r.Epochs) != 2 || r.Epochs[1].ValAcc == nil {
		t.Errorf("the run offline has epochs %v, want epochs 0 and 1 with a validation accuracy", r.Epochs)
	}
	p.waitFor("the drawing panel offline", 60*time.Second, func(s pageState) bool { return s.CanvasReady })
	if got := srv.since(before); len(got) > 0 {
		t.Errorf("the server answered %d requests while down: %s", len(got), describe(got))
	}
	if info := p.text("#offline-info"); !strings.Contains(info, "works offline") {
		t.Errorf("offline, the footer says %q", info)
	}
	p.viewShot("offline-run")
}

// contrastProblems returns the visible texts of the page whose color
// does not reach WCAG AA contrast against their background (4.5:1, 3:1
// for large text); disabled controls are exempt, as in WCAG.
func (p *person) contrastProblems() []string {
	p.t.Helper()
	return look[[]string](p, `(() => {
  const parse = (c) => { const m = c.match(/[\d.]+/g); return m ? m.map(Number).concat([1]).slice(0, 4) : [0, 0, 0, 0]; };
  const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const blend = (top, under) => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3])).concat([1]);
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor); if (c[3] > 0) layers.push(c); if (c[3] >= 1) break; }
    return layers.reverse().reduce((under, top) => blend(top, under), [255, 255, 255, 1]);
  };
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('[disabled], .visually-hidden, dialog:not([open])') || el.matches('script, style, option')) continue;
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()) || el.matches('input:not([type=checkbox]):not([type=range]), textarea, select');
    if (!own || !el.getClientRects().length) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility === 'hidden' || Number(cs.opacity) === 0) continue;
    const bg = background(el), fg = blend(parse(cs.color), bg);
    const [a, b] = [lum(fg), lum(bg)];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(cs.fontSize), bold = Number(cs.fontWeight) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < need) out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' "' + (el.innerText || el.value || '').trim().slice(0, 40) + '": ' + ratio.toFixed(2) + ' < ' + need + ' (' + cs.color + ' on rgb(' + bg.slice(0, 3).map(Math.round).join(',') + '))');
  }
  return out;
})()`)
}

// TestPresentationMode switches presentation mode on with its button and
// by the address: the text and the charts get larger, every text keeps
// WCAG AA contrast in both modes, and the address keeps present=1.
func TestPresentationMode(t *testing.T) {
	p := newPerson(t, "?demo=custom", 1280, 900)
	p.waitReady()
	p.shortRun(2, 600)
	p.click("#btn-start")
	p.waitFor("the run", 60*time.Second, func(s pageState) bool { return len(s.Runs) == 1 && s.Runs[0].Status == "done" && s.Predictions != nil })
	type sizes struct{ Text, Heading, Caption, Status float64 }
	measure := func() sizes {
		return look[sizes](p, `(() => { const px = (sel) => parseFloat(getComputedStyle(document.querySelector(sel)).fontSize);
  return { Text: px('#demo-text'), Heading: px('#charts-title'), Caption: px('#charts figcaption'), Status: px('#status') }; })()`)
	}
	normal := measure()
	if bad := p.contrastProblems(); len(bad) > 0 {
		t.Errorf("texts below WCAG AA contrast:\n%s", strings.Join(bad, "\n"))
	}
	p.click("#btn-present")
	big := measure()
	t.Logf("normal %+v, presentation %+v", normal, big)
	for _, c := range []struct {
		name      string
		from, to  float64
		atLeast   float64
		whatGrows string
	}{
		{"text", normal.Text, big.Text, 1.25, "font size"},
		{"heading", normal.Heading, big.Heading, 1.25, "font size"},
		{"caption", normal.Caption, big.Caption, 1.25, "font size"},
		{"status", normal.Status, big.Status, 1.25, "font size"},
	} {
		if c.to < c.atLeast*c.from {
			t.Errorf("presentation mode: %s %s %.1f px, was %.1f px; want at least %.2f×", c.name, c.whatGrows, c.to, c.from, c.atLeast)
		}
	}
	if s, _ := p.read(); !s.Present {
		t.Error("the state does not say presentation mode after the toggle")
	}
	if addr := look[string](p, `location.search`); !strings.Contains(addr, "present=1") {
		t.Errorf("the address %q lacks present=1", addr)
	}
	if bad := p.contrastProblems(); len(bad) > 0 {
		t.Errorf("presentation mode: texts below WCAG AA contrast:\n%s", strings.Join(bad, "\n"))
	}
	if err := chromedp.Do(p.ctx, chromedp.ScrollIntoView(chromedp.CSS("#charts"))); err != nil {
		t.Fatal(err)
	}
	p.viewShot("present-charts")
	p.open("?demo=q4&present=1")
	p.waitLaidOut()
	if got := measure(); got.Text != big.Text || look[string](p, `document.getElementById('btn-present').getAttribute('aria-pressed')`) != "true" {
		t.Errorf("?present=1: text %.1f px (want %.1f) and the toggle pressed", got.Text, big.Text)
	}
	p.viewShot("present-q4")
	p.click("#btn-present")
	if got := measure(); got.Text != normal.Text {
		t.Errorf("after turning presentation mode off the text is %.1f px, want %.1f", got.Text, normal.Text)
	}
	if addr := look[string](p, `location.search`); strings.Contains(addr, "present") {
		t.Errorf("the address %q still has present", addr)
	}
}
