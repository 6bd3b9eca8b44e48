package sitebuild

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"fashionlab/model/experiments"
	"fashionlab/model/train"
)

func TestThePageCarriesTheManifest(t *testing.T) {
	want := &Manifest{
		Worker: "worker.0123456789.wasm", Canvas: "canvas.0123456789.wasm", WasmExec: "wasm_exec.0123456789.js",
		SubsetParts: []string{"fashion-subset-1.aaaaaaaaaa.bin", "fashion-subset-2.bbbbbbbbbb.bin"}, SubsetFirstImages: 2000,
		SubsetBytes: 12345678, Train: 12000, Val: 2000, Test: 2000,
	}
	for _, name := range []string{"index.html"} {
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("..", "..", "site", name))
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), name)
			if err := os.WriteFile(path, src, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := inlineManifest(path, want); err != nil {
				t.Fatal(err)
			}
			out, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			line, err := InlinedManifest(out)
			if err != nil {
				t.Fatal(err)
			}
			var got Manifest
			if err := json.Unmarshal(line, &got); err != nil {
				t.Fatalf("the manifest %q: %v", line, err)
			}
			if !reflect.DeepEqual(&got, want) {
				t.Errorf("%s carries %+v, want %+v", name, got, *want)
			}
			if strings.Contains(string(out), manifestLine) {
				t.Error("the placeholder line is still there")
			}
			if err := inlineManifest(path, want); err == nil {
				t.Error("a file without the placeholder line was accepted")
			}
		})
	}
}

func TestTheFirstPartHoldsEveryDemosLimitedTrainingSet(t *testing.T) {
	demo := func(limits ...int) experiments.Demo {
		d := experiments.Demo{}
		for _, l := range limits {
			s := train.DefaultSettings()
			s.TrainLimit = l
			d.Runs = append(d.Runs, experiments.DemoRun{Settings: s})
		}
		return d
	}
	tests := []struct {
		name  string
		demos []experiments.Demo
		want  int
	}{
		{"no demos", nil, FirstImages},
		{"limits below the minimum", []experiments.Demo{demo(500, 0)}, FirstImages},
		{"the largest limit", []experiments.Demo{demo(2000), demo(1500, 3000)}, 3000},
		{"limits above the maximum are left to stream", []experiments.Demo{demo(2000, MaxFirstImages+1)}, 2000},
		{"no limit (the whole part) is left to stream", []experiments.Demo{demo(0)}, FirstImages},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := firstImages(tt.demos); got != tt.want {
				t.Errorf("firstImages = %d, want %d", got, tt.want)
			}
		})
	}
}
