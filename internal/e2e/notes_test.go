//go:build !js

package e2e

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"fashionlab/internal/static"
	"fashionlab/model/experiments"
)

// notesServer serves the built site on its own port (so that its HTTP
// cache, service worker and storage start empty) beside a page of course
// notes, notes.html, and records every response: its path, body bytes
// and time. Down makes it drop every connection, as a lost network does.
type notesServer struct {
	URL  string
	srv  *http.Server
	down atomic.Bool

	mu  sync.Mutex
	log []response
}

// response is what the server sent for one request.
type response struct {
	path  string
	bytes int64
	at    time.Time
}

// newNotesServer serves the shared build and notes (the HTML of notes.html).
func newNotesServer(t *testing.T, notes string) *notesServer {
	t.Helper()
	requireBrowser(t)
	h, err := static.New(filepath.Join(shared.dir, "site"))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &notesServer{URL: "http://" + ln.Addr().String() + "/"}
	s.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.down.Load() {
			if hj, ok := w.(http.Hijacker); ok {
				if c, _, err := hj.Hijack(); err == nil {
					c.Close()
					return
				}
			}
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		cw := &countWriter{ResponseWriter: w}
		if r.URL.Path == "/notes.html" {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-cache")
			fmt.Fprint(cw, notes)
		} else {
			h.ServeHTTP(cw, r)
		}
		s.mu.Lock()
		s.log = append(s.log, response{r.URL.Path, cw.n, time.Now()})
		s.mu.Unlock()
	})}
	go s.srv.Serve(ln)
	t.Cleanup(func() { s.srv.Close(); h.Close() })
	return s
}

// countWriter counts the body bytes of a response.
type countWriter struct {
	http.ResponseWriter
	n int64
}

func (c *countWriter) Write(b []byte) (int, error) {
	n, err := c.ResponseWriter.Write(b)
	c.n += int64(n)
	return n, err
}

// Hijack lets Down close connections through the counting writer.
func (c *countWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return c.ResponseWriter.(http.Hijacker).Hijack()
}

// since returns the responses sent after t.
func (s *notesServer) since(t time.Time) []response {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []response
	for _, r := range s.log {
		if r.at.After(t) {
			out = append(out, r)
		}
	}
	return out
}

// quiet waits until the server has sent nothing for a second (the page's
// and the service worker's downloads are over) and returns that moment.
func (s *notesServer) quiet(t *testing.T, limit time.Duration) time.Time {
	t.Helper()
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		s.mu.Lock()
		last := time.Time{}
		if n := len(s.log); n > 0 {
			last = s.log[n-1].at
		}
		s.mu.Unlock()
		if time.Since(last) > time.Second {
			return time.Now()
		}
	}
	t.Fatalf("the server kept sending for %v", limit)
	return time.Time{}
}

// hashedFile matches the build's content-hashed names (the big files).
var hashedFile = regexp.MustCompile(`\.[0-9a-f]{8,}\.(wasm|bin|js)$`)

// requests counts the responses whose path matches re.
func requests(log []response, re string) int {
	n := 0
	for _, r := range log {
		if regexp.MustCompile(re).MatchString(r.path) {
			n++
		}
	}
	return n
}

// sum returns the body bytes of the responses of hashed files and of all.
func sum(log []response) (hashed, all int64) {
	for _, r := range log {
		all += r.bytes
		if hashedFile.MatchString(r.path) {
			hashed += r.bytes
		}
	}
	return hashed, all
}

// describe lists the responses by path with their bytes.
func describe(log []response) string {
	by := map[string]int64{}
	for _, r := range log {
		by[r.path] += r.bytes
	}
	var lines []string
	for p, n := range by {
		lines = append(lines, fmt.Sprintf("%s %d", p, n))
	}
	sort.Strings(lines)
	return strings.Join(lines, ", ")
}

// embedState reads the state of the page in the i-th iframe of the notes
// (a zero state until its script runs).
func (p *person) embedState(i int) pageState {
	p.t.Helper()
	return look[pageState](p, fmt.Sprintf(`(() => { const w = document.querySelectorAll('iframe')[%d].contentWindow; return w && w.fashionlab ? w.fashionlab.state() : {}; })()`, i))
}

// waitEmbed polls the i-th embed's state until ok accepts it.
func (p *person) waitEmbed(i int, what string, limit time.Duration, ok func(pageState) bool) pageState {
	p.t.Helper()
	var s pageState
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(150 * time.Millisecond) {
		if s = p.embedState(i); ok(s) {
			return s
		}
	}
	p.t.Fatalf("timed out after %v waiting for embed %d: %s (state %v)", limit, i, what, s)
	return s
}

// embedText returns the visible text of an element of the i-th embed.
func (p *person) embedText(i int, sel string) string {
	p.t.Helper()
	return look[string](p, fmt.Sprintf(`(document.querySelectorAll('iframe')[%d].contentDocument.querySelector(%q) || {}).innerText || ''`, i, sel))
}

// clickIn clicks an element of the i-th embed (scrolling it into view as a person does).
func (p *person) clickIn(i int, sel string) {
	p.t.Helper()
	frames, err := chromedp.Run(p.ctx, chromedp.Nodes(chromedp.CSSAll("iframe")))
	if err != nil || len(frames) <= i {
		p.t.Fatalf("the notes' iframe %d: %v (%d iframes)", i, err, len(frames))
	}
	if err := chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(sel), chromedp.FromNode(frames[i]))); err != nil {
		p.t.Fatalf("click %s in embed %d: %v", sel, i, err)
	}
}

// notesPage is a teacher's page of notes: text, then embeds far apart, as
// copied from embeds.html (640 px wide); each demo is its id and maybe
// more of the address ("q1&load=click").
func notesPage(demos ...string) string {
	var b strings.Builder
	b.WriteString("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Course notes</title><link rel=\"icon\" href=\"/favicon.svg\"></head><body style=\"margin:0;font-family:sans-serif\">\n<h1>Week 3: what a network sees</h1>\n")
	heights := map[string]int{"q1": 1220, "q2": 1280, "q3": 1160, "q4": 1780, "q5": 1840}
	for i, d := range demos {
		if i > 0 {
			b.WriteString("<p style=\"height:3000px\">More notes between the demos.</p>\n")
		}
		id, _, _ := strings.Cut(d, "&")
		fmt.Fprintf(&b, "<iframe src=\"/?demo=%s&embed=1\" title=\"FashionLab: %s\" width=\"640\" height=\"%d\" style=\"max-width:100%%;border:0\" allow=\"clipboard-write\"></iframe>\n", d, id, heights[id])
	}
	b.WriteString("</body></html>\n")
	return b.String()
}

// TestEmbedsInCourseNotes opens a page of notes with three embeds, as a
// reader scrolls it: only the embed in view loads; the second one's big
// files come from the browser's cache (the bytes it transfers are
// measured); starting one while another trains pauses the other; copy
// embed code gives the snippet of embeds.html.
func TestEmbedsInCourseNotes(t *testing.T) {
	srv := newNotesServer(t, notesPage("q2", "q3", "q1&load=click"))
	start := time.Now()
	p := newPerson(t, srv.URL+"notes.html", 1280, 900)
	first := p.waitEmbed(0, "the first embed to be ready", 90*time.Second, func(s pageState) bool { return s.Worker == "idle" && s.Ready != nil })
	if !first.Embed {
		t.Error("the first iframe is not an embed")
	}
	loaded := srv.quiet(t, 60*time.Second)
	log := srv.since(start)
	if n := requests(log, `^/worker\.[0-9a-f]+\.wasm$`); n != 1 {
		t.Errorf("the worker binary was downloaded %d times with one embed in view, want 1 (%s)", n, describe(log))
	}
	if n := requests(log, `^/canvas\.`); n != 0 {
		t.Errorf("the canvas binary was downloaded %d times, but the embed in view (q2) has no drawing panel (%s)", n, describe(log))
	}
	for i := 1; i <= 2; i++ {
		s := p.embedState(i)
		if s.Ready != nil || s.Worker != "loading" {
			t.Errorf("embed %d, out of view, started loading: %v", i, s)
		}
		if got := p.embedText(i, "#embed-gate"); !strings.Contains(got, "Load this demo") || !strings.Contains(got, "MB") {
			t.Errorf("embed %d out of view shows %q, want its title, what it downloads and Load this demo", i, got)
		}
	}
	hashed, all := sum(log)
	t.Logf("first embed (q2): %d bytes of hashed files, %d bytes in all: %s", hashed, all, describe(log))
	p.viewShot("notes-first-embed")

	// The reader scrolls to the second embed: it loads, its big files from the cache.
	if err := chromedp.Do(p.ctx, chromedp.ScrollIntoView(chromedp.CSS("iframe:nth-of-type(2)"))); err != nil {
		t.Fatal(err)
	}
	p.viewShot("notes-second-embed-gate")
	p.waitEmbed(1, "the second embed to be ready", 90*time.Second, func(s pageState) bool { return s.Worker == "idle" && s.Ready != nil })
	srv.quiet(t, 60*time.Second)
	second := srv.since(loaded)
	hashed2, all2 := sum(second)
	t.Logf("second embed (q3): %d bytes of hashed files, %d bytes in all: %s", hashed2, all2, describe(second))
	if hashed2 != 0 {
		t.Errorf("the second embed downloaded %d bytes of the build's content-hashed files again, want 0 (from the cache): %s", hashed2, describe(second))
	}
	if s := p.embedState(2); s.Ready != nil {
		t.Errorf("the third embed, still out of view, loaded: %v", s)
	}

	// Start the first embed, then the second: the first pauses and says so.
	p.clickIn(0, "#btn-start")
	p.waitEmbed(0, "the first embed to train", 30*time.Second, func(s pageState) bool { return s.Worker == "running" })
	p.clickIn(1, "#btn-start")
	p.waitEmbed(1, "the second embed to train", 30*time.Second, func(s pageState) bool { return s.Worker == "running" })
	paused := p.waitEmbed(0, "the first embed to pause", 10*time.Second, func(s pageState) bool { return s.Worker == "paused" })
	said := false
	for _, m := range paused.Messages {
		said = said || strings.Contains(m.Text, "Paused") && strings.Contains(m.Text, "started training in another demo")
	}
	if !said {
		t.Errorf("the paused embed does not say why: %v", paused.Messages)
	}
	// Scrolled back into view, its status line says it is paused and why, with no time left to wait.
	if err := chromedp.Do(p.ctx, chromedp.ScrollIntoView(chromedp.CSS("iframe:nth-of-type(1)"))); err != nil {
		t.Fatal(err)
	}
	status := ""
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if status = p.embedText(0, "#status"); strings.Contains(status, "another demo") {
			break
		}
	}
	if !strings.HasPrefix(status, "Paused") || !strings.Contains(status, "another demo") || strings.Contains(status, "left") {
		t.Errorf("the paused embed's status says %q, want that it is paused, why, and no time left", status)
	}
	p.viewShot("notes-paused-embed")
	steps := lastRun(paused).StepsDone
	time.Sleep(2 * time.Second)
	if now := p.embedState(0); now.Worker != "paused" || lastRun(now).StepsDone != steps {
		t.Errorf("the first embed trained on while the second trained: worker %s, steps %d then %d", now.Worker, steps, lastRun(now).StepsDone)
	}
	// Resuming the first pauses the second.
	p.clickIn(0, "#btn-resume")
	p.waitEmbed(0, "the first embed to resume", 10*time.Second, func(s pageState) bool { return s.Worker == "running" })
	p.waitEmbed(1, "the second embed to pause", 10*time.Second, func(s pageState) bool { return s.Worker == "paused" })
	p.viewShot("notes-one-trains")
	p.clickIn(0, "#btn-stop")
	p.clickIn(1, "#btn-stop")
	p.waitEmbed(0, "the first embed to stop", 20*time.Second, func(s pageState) bool { return s.Worker == "idle" })
	p.waitEmbed(1, "the second embed to stop", 20*time.Second, func(s pageState) bool { return s.Worker == "idle" })

	// The third embed waits for its button (load=click), even in view.
	if err := chromedp.Do(p.ctx, chromedp.ScrollIntoView(chromedp.CSS("iframe:nth-of-type(3)"))); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	if s := p.embedState(2); s.Worker != "loading" || s.Ready != nil {
		t.Errorf("the load=click embed loaded without its button: %v", s)
	}
	p.viewShot("notes-load-this-demo")
	p.clickIn(2, "#btn-load")
	p.waitEmbed(2, "the third embed to load after its button", 90*time.Second, func(s pageState) bool { return s.Ready != nil && s.Demo == "q1" })

	// Copy embed code: on the clipboard (allowed here), the same as embeds.html's.
	origin := strings.TrimSuffix(srv.URL, "/")
	for _, name := range []string{"clipboard-write", "clipboard-read"} {
		if _, err := chromedp.Call(p.ctx, browser.SetPermission, browser.SetPermissionParams{Permission: &browser.PermissionDescriptor{Name: name}, Setting: browser.PermissionSettingGranted, Origin: origin, BrowserContextID: chromedp.FromContext(p.ctx).BrowserContextID}); err != nil {
			t.Fatalf("grant %s: %v", name, err)
		}
	}
	if _, err := chromedp.Call(p.ctx, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
		t.Fatal(err)
	}
	p.clickIn(0, "#btn-copy-embed")
	var copied string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline) && copied == ""; time.Sleep(200 * time.Millisecond) {
		copied, _ = chromedp.Run(p.ctx, chromedp.Evaluate[string](`navigator.clipboard.readText()`, chromedp.EvalAwaitPromise))
	}
	if note := p.embedText(0, "#copy-note"); !strings.Contains(note, "Copied") {
		t.Errorf("after Copy embed code the embed says %q, want a confirmation", note)
	}
	shown := look[string](p, `document.querySelector('iframe').contentDocument.getElementById('embed-code').value`)
	p.open(srv.URL + "embeds.html")
	want := ""
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && want == ""; time.Sleep(200 * time.Millisecond) {
		want = look[string](p, `(document.getElementById('code-q2') || {}).value || ''`)
	}
	if copied != want || shown != want {
		t.Errorf("Copy embed code of q2:\nclipboard %q\nfield     %q\nembeds.html %q", copied, shown, want)
	}
	for _, part := range []string{`src="` + srv.URL + `?demo=q2&amp;embed=1"`, `width="640"`, `title="FashionLab: `} {
		if !strings.Contains(want, part) {
			t.Errorf("the q2 snippet %q lacks %s", want, part)
		}
	}
	demos, err := experiments.Demos()
	if err != nil {
		t.Fatal(err)
	}
	previews := 0 // every demo but the custom configuration
	for _, d := range demos {
		if d.ID != "custom" {
			previews++
		}
	}
	if n := look[int](p, `document.querySelectorAll('.embed-card iframe').length`); n != previews {
		t.Errorf("embeds.html previews %d demos, want %d (q1 … q5 and the fast demo)", n, previews)
	}
	// The README lists the same snippets, for a site at https://example.org/fashionlab/.
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"q1", "q2", "q3", "q4", "q5"} {
		code := look[string](p, fmt.Sprintf(`document.getElementById('code-%s').value`, d))
		if code = strings.ReplaceAll(code, srv.URL, "https://example.org/fashionlab/"); !strings.Contains(string(readme), code) {
			t.Errorf("README.md lacks the %s snippet of embeds.html:\n%s", d, code)
		}
	}
	p.shot("embeds-page")
}

// viewShot saves what the window shows (not the whole page) as name.png.
func (p *person) viewShot(name string) {
	b, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	if err == nil {
		err = os.WriteFile(filepath.Join(shared.shots, name+".png"), b, 0o644)
	}
	if err != nil {
		p.t.Logf("screenshot %s: %v", name, err)
	}
}

// maxEmbedHeight is the tallest an embed may be at 640 px, so that a
// reader of the notes sees it whole on a laptop's screen or two.
const maxEmbedHeight = 1400

// snippetHeight matches the height of an embed's snippet.
var snippetHeight = regexp.MustCompile(`height="(\d+)"`)

// copiedSnippetHeight presses Copy embed code and returns the height of
// the snippet it shows in the embed code field (waiting up to 5 s for it).
func (p *person) copiedSnippetHeight() int {
	p.t.Helper()
	p.click("#btn-copy-embed")
	var code string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline) && code == ""; time.Sleep(100 * time.Millisecond) {
		code = look[string](p, `document.getElementById('embed-code').value`)
	}
	m := snippetHeight.FindStringSubmatch(code)
	if m == nil {
		p.t.Fatalf("the embed code %q has no height", code)
	}
	h, _ := strconv.Atoi(m[1])
	return h
}

// TestEmbedsFit640 opens every demo's embed in a window 640 px wide, the
// width of its snippet: no sideways scrolling, only the panels that
// matter for the demo, the snippet's height holds the whole embed, and
// no snippet is taller than maxEmbedHeight.
func TestEmbedsFit640(t *testing.T) {
	p := newPerson(t, "?demo=q1&embed=1", 640, 900)
	tests := []struct {
		demo  string
		shown []string // panels shown, in this order
		gone  []string // panels not shown
	}{
		{"q1", []string{"#explain", "#visual", "#controls"}, []string{"#charts", "#results", "#config", "#tab-maps"}},
		{"q2", []string{"#explain", "#controls", "#charts"}, []string{"#visual", "#config", "#exchange"}},
		{"q3", []string{"#explain", "#controls", "#charts"}, []string{"#visual", "#config", "#exchange"}},
		{"q4", []string{"#explain", "#controls", "#charts"}, []string{"#visual", "#config", "#exchange"}},
		{"q5", []string{"#explain", "#controls", "#charts"}, []string{"#visual", "#config", "#exchange"}},
		{"fast", []string{"#explain", "#controls", "#charts"}, []string{"#visual", "#config", "#exchange", "#results"}},
		{"custom", []string{"#explain", "#config", "#controls", "#charts"}, []string{"#visual", "#exchange", "#results"}},
	}
	for _, tt := range tests {
		t.Run(tt.demo, func(t *testing.T) {
			p.t = t
			p.open("?demo=" + tt.demo + "&embed=1")
			p.waitReady()
			p.waitLaidOut()
			if w := look[[]int](p, `[document.documentElement.scrollWidth, document.documentElement.clientWidth]`); w[0] > w[1] {
				t.Errorf("the %s embed is %d px wide in a window showing %d px (sideways scrolling)", tt.demo, w[0], w[1])
			}
			last := -1.0
			for _, sel := range tt.shown {
				top := look[float64](p, fmt.Sprintf(`(() => { const r = document.querySelector(%q).getBoundingClientRect(); return r.height > 0 ? r.top : -1; })()`, sel))
				if top < 0 {
					t.Errorf("%s is not shown in the %s embed", sel, tt.demo)
				} else if top < last {
					t.Errorf("%s comes before the panel listed ahead of it in the %s embed", sel, tt.demo)
				}
				last = top
			}
			for _, sel := range tt.gone {
				if look[bool](p, fmt.Sprintf(`document.querySelector(%q).getClientRects().length > 0`, sel)) {
					t.Errorf("%s is shown in the %s embed, which does not need it", sel, tt.demo)
				}
			}
			height := look[int](p, `document.documentElement.scrollHeight`)
			p.shot("embed-640-" + tt.demo)
			h := p.copiedSnippetHeight()
			t.Logf("%s embed: %d px tall, snippet height %d", tt.demo, height, h)
			if height > h || h > maxEmbedHeight {
				t.Errorf("the %s embed is %d px tall at 640 px, its snippet %d px: want the embed within the snippet and the snippet at most %d px", tt.demo, height, h, maxEmbedHeight)
			}
			if note := p.text("#copy-note"); note == "" {
				t.Error("Copy embed code says nothing")
			}
		})
	}
}
