package sitebuild

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"fashionlab/model"
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
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("FASHIONLAB_REQUIRE_BROWSER") == "1" {
			t.Fatal("needs node (Node.js) to run the page's parser")
		}
		t.Skip("needs node (Node.js) to run the page's parser")
	}
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join("..", "..", "site", "fields.js"))
	if err != nil {
		t.Fatal(err)
	}
	cases, _ := json.Marshal(listCases)
	runner := `import { parseList } from './fields.js';
const cases = ` + string(cases) + `;
console.log(JSON.stringify(cases.map((c) => parseList(c))));
`
	for name, body := range map[string]string{"fields.js": string(src), "protocol.js": protocol.JSModule(100), "run.mjs": runner, "package.json": `{"type": "module"}`} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, err := exec.Command(node, filepath.Join(dir, "run.mjs")).Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
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
