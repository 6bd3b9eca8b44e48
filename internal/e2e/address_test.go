//go:build !js

package e2e

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// firstEpoch returns the numbers of epoch 1 of the page's last run (losses,
// accuracies, gradient norm), as the page logs them.
func (p *person) firstEpoch() map[string]any {
	p.t.Helper()
	return look[map[string]any](p, `(() => { const rs = fashionlab.state().runs; const e = rs[rs.length - 1].epochs.find((e) => e.epoch === 1);
		return { epoch: e.epoch, train_loss: e.train_loss, train_acc: e.train_acc, val_loss: e.val_loss, val_acc: e.val_acc, grad_norm: e.grad_norm }; })()`)
}

// waitStarted waits until the page opened at address has read its
// demos and limits (the worker may still be loading).
func (p *person) waitStarted(address string) {
	p.t.Helper()
	const started = `!!(window.fashionlab && fashionlab.state().limits)`
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if ok, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](started)); err == nil && ok {
			return
		}
	}
	p.t.Fatalf("the page at %s did not start in 30 s", address)
}

// value returns the text of a form field or control.
func (p *person) value(sel string) string {
	p.t.Helper()
	return look[string](p, fmt.Sprintf(`document.querySelector(%q).value`, sel))
}

// trainOnce presses Start and waits until the run has finished.
func (p *person) trainOnce() {
	p.t.Helper()
	p.click("#btn-start")
	p.waitFor("the run to finish", 120*time.Second, func(s pageState) bool {
		return len(s.Runs) == 1 && s.Runs[0].Status == "done" && len(s.Runs[0].Epochs) > 0 && s.Runs[0].Epochs[len(s.Runs[0].Epochs)-1].Epoch >= 1
	})
}

// TestAddressReproducesTheSetup covers the URL round trip: the settings a
// person types go into the address, and that address opened in a new tab
// shows the same form, lab and panel and trains the same first epoch.
func TestAddressReproducesTheSetup(t *testing.T) {
	p := newPerson(t, "?demo=custom", 1280, 900)
	p.waitReady()
	p.shortRun(1, 600)
	p.typeInto("#f-lr", "0.003")
	p.typeInto("#f-seed", "7")
	p.typeInto("#f-batch_size", "32")
	p.typeInto("#f-dense_hiddens", "32,16")
	p.click("#tab-lab")
	p.typeInto("#lab-seed", "4")
	p.waitFor("the form to be checked", 10*time.Second, func(s pageState) bool { return !s.Form.Pending && len(s.Form.Problems) == 0 })

	href := look[string](p, `location.href`)
	u, err := url.Parse(href)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	want := map[string]string{"demo": "custom", "epochs": "1", "train_limit": "600", "eval_train_size": "200", "lr": "0.003", "seed": "7", "batch_size": "32", "dense_hiddens": "32,16", "view": "lab", "lab_seed": "4"}
	for k, v := range want {
		if got := q.Get(k); got != v {
			t.Errorf("address %s: %s=%q, want %q", href, k, got, v)
		}
	}
	for _, k := range []string{"momentum", "net", "activation", "optimizer", "dx", "rot", "normalize", "max_steps"} {
		if q.Has(k) {
			t.Errorf("address %s writes %s, which is the demo's default", href, k)
		}
	}
	p.trainOnce()
	first := p.firstEpoch()

	p2 := newPerson(t, "?"+u.RawQuery, 1280, 900)
	p2.waitReady()
	fields := map[string]string{"#f-epochs": "1", "#f-train_limit": "600", "#f-eval_train_size": "200", "#f-lr": "0.003", "#f-seed": "7", "#f-batch_size": "32", "#f-dense_hiddens": "32,16", "#lab-seed": "4"}
	for sel, v := range fields {
		if got := p2.value(sel); got != v {
			t.Errorf("the new tab shows %s = %q, want %q", sel, got, v)
		}
	}
	if s, _ := p2.read(); s.Demo != "custom" || s.Mode != "lab" {
		t.Errorf("the new tab shows demo %q, panel %q; want custom, lab", s.Demo, s.Mode)
	}
	if got := look[string](p2, `document.getElementById('tab-lab').getAttribute('aria-pressed')`); got != "true" {
		t.Errorf("the lab tab is not shown as chosen (aria-pressed %q)", got)
	}
	if again := look[string](p2, `location.href`); again != href {
		t.Errorf("the new tab rewrote the address to %s, want %s", again, href)
	}
	p2.trainOnce()
	second := p2.firstEpoch()
	a, _ := json.Marshal(first)
	b, _ := json.Marshal(second)
	if string(a) != string(b) {
		t.Errorf("the same address trained a different first epoch:\n first %s\nsecond %s", a, b)
	}
	t.Logf("epoch 1 of both tabs: %s", a)
}

// TestAddressRefusesBadValues covers bad or out-of-range values: one
// message names each parameter and its allowed values, the parameter
// keeps its default and the page still trains.
func TestAddressRefusesBadValues(t *testing.T) {
	p := newPerson(t, "?demo=custom&lr=abc&epochs=100000&view=sideways&dx=11&dense_hiddens=64*65&colour=red&seed=7", 1280, 900)
	p.waitReady()
	msg := p.text("#messages")
	for _, want := range []string{"lr", "Learning rate", "epochs", "from 1 to 200", "view", "maps or lab", "dx", "from -10 to 10", "dense_hiddens", "at most 64 layers", `"colour"`} {
		if !strings.Contains(msg, want) {
			t.Errorf("messages %q do not say %q", msg, want)
		}
	}
	if strings.Contains(msg, "seed (Seed)") {
		t.Errorf("messages %q complain about the valid seed", msg)
	}
	defaults := newPerson(t, "?demo=custom", 1280, 900)
	defaults.waitReady()
	for _, sel := range []string{"#f-lr", "#f-epochs", "#f-dense_hiddens", "#lab-dx"} {
		if got, want := p.value(sel), defaults.value(sel); got != want {
			t.Errorf("%s shows %q after a bad value, want the default %q", sel, got, want)
		}
	}
	if got := p.value("#f-seed"); got != "7" {
		t.Errorf("the valid seed beside bad values shows %q, want 7", got)
	}
	if s, _ := p.read(); s.Mode != "maps" {
		t.Errorf("panel %q after a bad view, want the default maps", s.Mode)
	}
	p.shortRun(1, 300)
	p.trainOnce()
}

// fuzzQuery returns a random query string: known keys, unknown ones,
// repeated keys, and values valid, at the bounds, huge, negative,
// malformed, percent-broken or unicode.
func fuzzQuery(r *rand.Rand) string {
	keys := []string{"net", "n_channels", "kernel_sizes", "strides", "paddings", "dense_hiddens", "activation", "optimizer", "lr", "momentum",
		"batch_size", "epochs", "seed", "train_limit", "eval_train_size", "max_steps", "normalize", "shuffle", "view", "dx", "dy", "rot", "f", "lab_seed",
		"demo", "embed", "workers", "x", "", "lr ", "LR", "épochs", "__proto__", "constructor", "toString"}
	values := []string{"0", "1", "-1", "2", "3", "7", "15", "16", "28", "32", "64", "90", "200", "201", "360", "4096", "4097", "0.001", "1e-8", "1e-9", "10", "10.5",
		"0.999", "1", "1e308", "-1e999", "1e999", "9007199254740993", "NaN", "Infinity", "-0", "0x10", " 5", "5 ", "", "abc", "１２", "٣", "🙂", "16,32,48",
		"64*54", "64*65", "1*0", "3*", "*3", "1,,2", ",", "1,2,3,4,5,6,7,8,9", "relu", "tanh", "sigmoid", "mlp", "cnn", "adam", "sgd", "maps", "lab",
		"random", "trained", "%", "%E0%A4%A", "+", "&", "=", "q1", "custom", strings.Repeat("9", 400), strings.Repeat("1,", 100) + "1"}
	n := r.Intn(8)
	var parts []string
	for range n {
		k := keys[r.Intn(len(keys))]
		v := values[r.Intn(len(values))]
		if r.Intn(4) == 0 {
			// A mutation: a byte of the value replaced, cut, or doubled.
			b := []byte(v)
			if len(b) > 0 {
				switch i := r.Intn(len(b)); r.Intn(3) {
				case 0:
					b[i] = byte(r.Intn(256))
				case 1:
					b = b[:i]
				default:
					b = append(b, b...)
				}
			}
			v = string(b)
		}
		if r.Intn(2) == 0 {
			v = url.QueryEscape(v)
		}
		parts = append(parts, k+"="+v)
		if r.Intn(6) == 0 {
			parts = append(parts, k+"="+values[r.Intn(len(values))]) // repeated key
		}
	}
	return "?" + strings.Join(parts, "&")
}

// fuzzCheck runs in the page: it imports the address module and the
// limits, parses every query against a demo's defaults, and returns the
// queries that threw, gave a value outside the limits, or did not survive
// serialize then parse; it reads the worker count of each too.
const fuzzCheck = `(async (cases) => {
  const base = location.href;
  const u = await import(new URL('url-state.js', base).href);
  const { LIMITS } = await import(new URL('protocol.js', base).href);
  const presets = await (await fetch(new URL('presets.json', base).href)).json();
  const cnn = presets.demos.flatMap((d) => d.runs).find((r) => r.config.net === 'cnn').config;
  const bad = [];
  const within = (k, v, d) => {
    if (u.CHOICE_KEYS[k]) return u.CHOICE_KEYS[k].includes(v);
    if (u.BOOLEAN_KEYS.includes(k)) return typeof v === 'boolean';
    const l = u.LAB_LIMITS[k] || LIMITS[k];
    if (!l) return JSON.stringify(v) === JSON.stringify(d[k]);
    const ok = (x) => typeof x === 'number' && Number.isFinite(x) && x >= l.min && x <= l.max && (!l.integer || Number.isInteger(x)) && (!l.step || x % l.step === 0);
    if (u.LIST_KEYS.includes(k)) return Array.isArray(v) && v.length <= l.max_len && v.every(ok);
    return ok(v);
  };
  let problems = 0;
  for (const [i, q] of cases.entries()) {
    const demo = presets.demos[i % presets.demos.length];
    const d = u.defaultsFor(demo, cnn);
    let r;
    try { r = u.parse(q, LIMITS, d); } catch (e) { bad.push(q + ': threw ' + e); continue; }
    problems += r.problems.length;
    if (Object.keys(r.values).sort().join() !== Object.keys(d).sort().join()) { bad.push(q + ': keys ' + Object.keys(r.values)); continue; }
    for (const [k, v] of Object.entries(r.values)) if (k !== 'demo' && !within(k, v, d)) bad.push(q + ': ' + k + ' = ' + JSON.stringify(v) + ' outside the limits');
    for (const p of r.problems) if (typeof p.message !== 'string' || !p.message.includes(p.param)) bad.push(q + ': problem does not name its parameter: ' + JSON.stringify(p));
    let wt;
    try { wt = u.readWeights(q, base); } catch (e) { bad.push(q + ': readWeights threw ' + e); continue; }
    const given = new URLSearchParams(q).has('weights');
    if (wt.url !== null && !/^https?:\/\//.test(wt.url)) bad.push(q + ': weights address ' + wt.url + ' is not http(s)');
    if (given && wt.url === null && !wt.problem.includes('weights')) bad.push(q + ': a refused weights address without a message naming it');
    if (!given && (wt.url !== null || wt.problem !== '')) bad.push(q + ': weights read from an address without it');
    let s, back;
    try { s = u.serialize(r.values, d); back = u.parse(s, LIMITS, d); } catch (e) { bad.push(q + ': round trip threw ' + e); continue; }
    if (JSON.stringify(back.values) !== JSON.stringify(r.values) || back.problems.length) bad.push(q + ': round trip via ' + s + ' gave ' + JSON.stringify(back));
    let w;
    try { w = u.readWorkers(q); } catch (e) { bad.push(q + ': readWorkers threw ' + e); continue; }
    const l = u.WORKER_LIMITS;
    if (w.forced && (!Number.isInteger(w.workers) || w.workers < l.min || w.workers > l.max)) bad.push(q + ': workers = ' + JSON.stringify(w));
    if (!w.forced && w.workers !== null) bad.push(q + ': a count ' + w.workers + ' the address did not give (the worker chooses it)');
    if (w.problem !== null && (typeof w.problem !== 'string' || !w.problem.includes('workers'))) bad.push(q + ': workers problem ' + JSON.stringify(w.problem));
    if (w.problem) problems++;
  }
  return { bad: bad.slice(0, 20), problems, count: cases.length };
})`

// TestAddressParserFuzz feeds the page's address parser hundreds of random
// and mutated query strings (through a dynamic import: the parser only
// reads) and then opens a few of them as addresses.
func TestAddressParserFuzz(t *testing.T) {
	p := newPerson(t, "?demo=custom", 1280, 900)
	p.waitStarted("?demo=custom")
	r := rand.New(rand.NewSource(9))
	cases := []string{"", "?", "?demo=q3", "?lr=0.01&lr=0.02", "?dense_hiddens=64*54", "?n_channels=16,32&net=cnn",
		"?weights=", "?weights=%20", "?weights=javascript:alert(1)", "?weights=data:,x", "?weights=//elsewhere.example/m.safetensors", "?weights=%zz",
		"?weights=a.safetensors&weights=b.safetensors", "?weights=http://[::1", "?weights=runs/x/model.safetensors&lr=0.01"}
	for len(cases) < 400 {
		cases = append(cases, fuzzQuery(r))
	}
	js, err := json.Marshal(cases)
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		Bad      []string `json:"bad"`
		Problems int      `json:"problems"`
		Count    int      `json:"count"`
	}
	res, err := chromedp.Run(p.ctx, chromedp.Evaluate[result](fuzzCheck+"("+string(js)+")", chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if res.Count != len(cases) {
		t.Fatalf("the page checked %d queries, want %d", res.Count, len(cases))
	}
	if res.Problems == 0 {
		t.Errorf("no problem reported for %d random queries: the fuzzing fed nothing bad", res.Count)
	}
	for _, b := range res.Bad {
		t.Error(b)
	}
	t.Logf("%d queries parsed, %d problems reported", res.Count, res.Problems)

	for _, q := range cases[len(cases)-5:] {
		p.open(q)
		p.waitStarted(q)
		s, _ := p.read()
		if len(s.Errors) > 0 {
			t.Errorf("address %s broke the page: %v", q, s.Errors)
		}
		if !p.enabled("#tab-lab") || p.text("#demo-title") == "" {
			t.Errorf("address %s left the page without its controls", q)
		}
	}
}

// TestEditingADemoKeepsItsForm covers an edit of a demo's form: the demo
// becomes Custom with the demo's network and the edit, and the address
// says so.
func TestEditingADemoKeepsItsForm(t *testing.T) {
	p := newPerson(t, "?demo=q1", 1280, 900)
	p.waitReady()
	p.typeInto("#f-lr", "0.002")
	s := p.waitFor("the custom demo", 10*time.Second, func(s pageState) bool { return s.Demo == "custom" })
	if got := p.value("#f-lr"); got != "0.002" {
		t.Errorf("the learning rate shows %q after typing 0.002", got)
	}
	if got := p.value("#f-net"); got != "cnn" {
		t.Errorf("the network kind shows %q after editing q1's CNN, want cnn", got)
	}
	u, err := url.Parse(look[string](p, `location.href`))
	if err != nil {
		t.Fatal(err)
	}
	if q := u.Query(); q.Get("demo") != "custom" || q.Get("lr") != "0.002" || q.Get("net") != "cnn" {
		t.Errorf("address %s after editing q1, want demo=custom, net=cnn and lr=0.002 (state %v)", u, s)
	}
}

// TestAnAddressWithADoubleSlashPathKeepsWorking opens the page at a path
// of "//": rewriting the address must stay on the page's own host (a
// relative "//?demo=…" would name another host, and the browser refuses
// it), so the page starts and its settings still go into the address.
func TestAnAddressWithADoubleSlashPathKeepsWorking(t *testing.T) {
	p := newPerson(t, "/?demo=custom", 1280, 900)
	p.waitReady()
	p.typeInto("#f-lr", "0.003")
	p.waitFor("the address to follow the form", 10*time.Second, func(pageState) bool {
		return strings.Contains(look[string](p, `location.search`), "lr=0.003")
	})
	if s, _ := p.read(); len(s.Errors) > 0 {
		t.Errorf("page errors: %v", s.Errors)
	}
}
