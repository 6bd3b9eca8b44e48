//go:build !js

package headless

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestServerRecordsEachResponse(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{"index.html": "<p>page</p>", "a.txt": "first file", "b.bin": strings.Repeat("\x01", 70000)}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	srv, err := Serve(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	get := func(name string) {
		t.Helper()
		// Without Accept-Encoding the body is sent as it is.
		req, _ := http.NewRequest("GET", srv.URL+name, nil)
		req.Header.Set("Accept-Encoding", "identity")
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	get("a.txt")
	srv.ResetBytes()
	for _, name := range []string{"b.bin", "a.txt", "a.txt"} {
		get(name)
	}
	got := srv.Requests()
	want := []struct {
		path  string
		bytes int
	}{{"/b.bin", 70000}, {"/a.txt", 10}, {"/a.txt", 10}}
	if len(got) != len(want) {
		t.Fatalf("%d responses recorded after the reset, want %d: %+v", len(got), len(want), got)
	}
	var total int64
	for i, w := range want {
		r := got[i]
		if r.Path != w.path || r.Bytes != int64(w.bytes) || r.Last.Before(r.First) {
			t.Errorf("response %d: %s, %d bytes, %v to %v; want %s, %d bytes", i, r.Path, r.Bytes, r.First, r.Last, w.path, w.bytes)
		}
		total += r.Bytes
	}
	if n := srv.BytesBefore(got[len(got)-1].Last.Add(1)); n != total {
		t.Errorf("BytesBefore the last write = %d, want %d", n, total)
	}
}
