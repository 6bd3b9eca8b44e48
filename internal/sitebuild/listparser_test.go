package sitebuild

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"fashionlab/model"
	"fashionlab/model/train"
	"fashionlab/wasm/protocol"
)

// listCases are texts of list fields, read by Go's model.ParseInts and by
// the page's parseList (site/fields.js).
var listCases = []string{
	"", " ", "16,32,48", "64*54", " 64 * 54 , 3", "256,256", "0,0,0",
	"1.5", "a", "16,,32", "16,", ",16", "1 2", "16;32",
	"64*0", "64*-1", "64*10000", "64*10001", "64*10000,1", "64*5000,64*5000", "64*5000,64*5001", "1*9999,2,3",
	"+5", "-5", "0012", "1_000", "0x10", "1e3", "Infinity", "NaN",
	"9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
	"64**2", "64*2*3", "*3", "5*", "5* ", "5*+2", "5*02",
	"\u00a05\u00a0", "\u00855", "\ufeff5", "\uff15", "\t7\n", " 3 ,\u30004",
}

// TestTheJavaScriptListParserIsModelParseInts runs the page's parseList
// in Node.js on listCases and checks that it accepts what
// model.ParseInts accepts, with the same numbers, and refuses the rest.
func TestTheJavaScriptListParserIsModelParseInts(t *testing.T) {
	cases, _ := json.Marshal(listCases)
	out := runFieldsModule(t, "the page's parser", `import { parseList } from './fields.js';
const cases = `+string(cases)+`;
console.log(JSON.stringify(cases.map((c) => parseList(c))));
`)
	var got []struct {
		List  []float64 `json:"list"`
		Error string    `json:"error"`
	}
	if err := json.Unmarshal(out, &got); err != nil || len(got) != len(listCases) {
		t.Fatalf("node printed %q (%v), want %d results", out, err, len(listCases))
	}
	accepted := 0
	for i, c := range listCases {
		want, werr := model.ParseInts(c)
		js := got[i]
		switch {
		case werr != nil && js.Error == "":
			t.Errorf("%q: Go refuses it (%v), the page reads %v", c, werr, js.List)
		case werr == nil && js.Error != "":
			t.Errorf("%q: Go reads %v, the page refuses it (%s)", c, want, js.Error)
		case werr == nil:
			accepted++
			w := make([]float64, len(want))
			for j, x := range want {
				w[j] = float64(x)
			}
			if js.List == nil {
				js.List = []float64{}
			}
			if !slices.Equal(w, js.List) {
				t.Errorf("%q: Go reads %d values, the page %d, or they differ", c, len(w), len(js.List))
			}
		}
	}
	if accepted < 8 || accepted > len(listCases)-8 {
		t.Errorf("%d of %d cases accepted: the cases do not test both sides", accepted, len(listCases))
	}
}

// TestThePagesValuesRoundTripTheWireForm runs site/fields.js in Node.js on
// the homework's MLP and CNN with the default settings (as Go encodes
// them): the flat values of the form (valuesOf) give back the same
// configuration, settings and step limit (wireOf), a CNN's fields do not
// apply to the MLP, and a run's short label names the network.
func TestThePagesValuesRoundTripTheWireForm(t *testing.T) {
	type wire struct {
		Config   map[string]any `json:"config"`
		Settings map[string]any `json:"settings"`
		MaxSteps float64        `json:"maxSteps"`
	}
	var cases []wire
	for _, c := range []model.Config{model.DefaultMLP(), model.DefaultCNN()} {
		var w wire
		cj, _ := json.Marshal(c)
		sj, _ := json.Marshal(train.DefaultSettings())
		if err := json.Unmarshal(cj, &w.Config); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(sj, &w.Settings); err != nil {
			t.Fatal(err)
		}
		w.MaxSteps = 7
		cases = append(cases, w)
	}
	in, _ := json.Marshal(cases)
	out := runFieldsModule(t, "the page's field functions", `import { valuesOf, wireOf, brief, isConvolutional } from './fields.js';
const cases = `+string(in)+`;
console.log(JSON.stringify(cases.map((c) => ({ wire: wireOf(valuesOf(c.config, c.settings, c.maxSteps)), brief: brief(c.config, c.settings), conv: isConvolutional(c.config) }))));
`)
	var got []struct {
		Wire  wire   `json:"wire"`
		Brief string `json:"brief"`
		Conv  bool   `json:"conv"`
	}
	if err := json.Unmarshal(out, &got); err != nil || len(got) != len(cases) {
		t.Fatalf("node printed %q (%v)", out, err)
	}
	wantBrief := []string{"MLP dense 256,256 relu adam lr 0.0001", "CNN 16,32,48 k3,3,3 dense 256,256 relu adam lr 0.0001"}
	for i, c := range cases {
		g := got[i]
		// Go leaves out the empty lists of an MLP and a zero momentum
		// (omitempty: dropout, keep_best); the page writes every field that applies.
		for _, m := range []struct{ got, want map[string]any }{{g.Wire.Settings, c.Settings}, {g.Wire.Config, c.Config}} {
			for k, v := range m.got {
				if _, ok := m.want[k]; !ok && (v == 0.0 || v == false) {
					delete(m.got, k)
				}
			}
		}
		if a, b := mustMarshal(t, g.Wire), mustMarshal(t, c); a != b {
			t.Errorf("case %d: the page's round trip gives %s, want %s", i, a, b)
		}
		if g.Brief != wantBrief[i] || g.Conv != (i == 1) {
			t.Errorf("case %d: label %q and convolutional %v, want %q and %v", i, g.Brief, g.Conv, wantBrief[i], i == 1)
		}
	}
}

// runFieldsModule runs the ES module runner in Node.js beside the page's
// site/fields.js (and the protocol module it imports) and returns what it
// printed. Without node it skips, or fails under FASHIONLAB_REQUIRE_BROWSER=1;
// need says what node is needed for.
func runFieldsModule(t *testing.T, need, runner string) []byte {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("FASHIONLAB_REQUIRE_BROWSER") == "1" {
			t.Fatalf("needs node (Node.js) to run %s", need)
		}
		t.Skipf("needs node (Node.js) to run %s", need)
	}
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join("..", "..", "site", "fields.js"))
	if err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{"fields.js": string(src), "protocol.js": protocol.JSModule(100), "run.mjs": runner, "package.json": `{"type": "module"}`} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, err := exec.Command(node, filepath.Join(dir, "run.mjs")).Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	return out
}

func mustMarshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
