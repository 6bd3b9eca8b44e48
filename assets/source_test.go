//go:build !js

package assets

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// noEnv is a Getenv that finds nothing.
func noEnv(string) string { return "" }

// envWith returns a Getenv that sets only EnvDir.
func envWith(dir string) func(string) string {
	return func(key string) string {
		if key == EnvDir {
			return dir
		}
		return ""
	}
}

// digestsOf returns the digests of files.
func digestsOf(files map[string][]byte) map[string]digest {
	d := make(map[string]digest)
	for name, data := range files {
		sum := sha256.Sum256(data)
		d[name] = digest{size: int64(len(data)), sha256: hex.EncodeToString(sum[:])}
	}
	return d
}

// fileServer serves files by name and counts the requests per name.
type fileServer struct {
	*httptest.Server
	mu    sync.Mutex
	files map[string][]byte
	hits  map[string]int
}

func newFileServer(t *testing.T, files map[string][]byte) *fileServer {
	s := &fileServer{files: files, hits: make(map[string]int)}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/data/")
		s.mu.Lock()
		s.hits[name]++
		data, ok := s.files[name]
		s.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(data)
	}))
	t.Cleanup(s.Close)
	return s
}

// requests returns how often each file was requested.
func (s *fileServer) requests() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.hits)
}

// entries returns the names in dir, or nil if it does not exist.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	list, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range list {
		names = append(names, e.Name())
	}
	return names
}

func TestLocateSearchesInOrder(t *testing.T) {
	files := dataFiles(t, fakeRaw(3, 2))
	root := t.TempDir()
	full := func(name string) string {
		dir := filepath.Join(root, name)
		writeFiles(t, dir, files)
		return dir
	}
	flagDir, envDir, sysDir, cacheDir := full("flag"), full("env"), full("system"), full("cache")
	empty := filepath.Join(root, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		src  Source
		want string
	}{
		{"the data directory comes first", Source{Dir: flagDir, Getenv: envWith(envDir), systemDir: sysDir, CacheDir: cacheDir}, flagDir},
		{"the environment comes second", Source{Getenv: envWith(envDir), systemDir: sysDir, CacheDir: cacheDir}, envDir},
		{"the system directory comes third", Source{Getenv: noEnv, systemDir: sysDir, CacheDir: cacheDir}, sysDir},
		{"the cache comes fourth", Source{Getenv: noEnv, systemDir: empty, CacheDir: cacheDir}, cacheDir},
		{"an incomplete system directory is passed over", Source{Getenv: noEnv, systemDir: flagDir + "-nothing", CacheDir: cacheDir}, cacheDir},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.src.NoDownload = true
			got, err := tt.src.Locate(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Locate = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestANamedDirectoryHasNoFallback(t *testing.T) {
	var missing *MissingError
	files := dataFiles(t, fakeRaw(3, 2))
	root := t.TempDir()
	good := filepath.Join(root, "good")
	writeFiles(t, good, files)
	partial := filepath.Join(root, "partial")
	delete(files, TrainLabelsFile)
	delete(files, TestImagesFile)
	writeFiles(t, partial, files)
	nowhere := filepath.Join(root, "nowhere")

	tests := []struct {
		name    string
		src     Source
		wantMsg string
	}{
		{"a data directory lacking files", Source{Dir: partial, Getenv: envWith(good)},
			partial + " (the data directory): missing train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz"},
		{"a data directory that does not exist", Source{Dir: nowhere, Getenv: envWith(good)},
			nowhere + " (the data directory): no such directory"},
		{"an environment directory lacking files", Source{Getenv: envWith(partial), systemDir: good},
			partial + " ($FASHIONMNIST_DIR): missing train-labels-idx1-ubyte.gz"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.src.CacheDir = good
			_, err := tt.src.Locate(context.Background())
			checkError(t, err, &missing, tt.wantMsg)
			if !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("errors.Is(%v, fs.ErrNotExist) = false, want true", err)
			}
		})
	}
}

func TestLocateWithoutDataOrDownloadSaysWhereItLooked(t *testing.T) {
	var notFound *NotFoundError
	root := t.TempDir()
	src := Source{Getenv: noEnv, systemDir: filepath.Join(root, "sys"), CacheDir: filepath.Join(root, "cache"), NoDownload: true}
	_, err := src.Locate(context.Background())
	checkError(t, err, &notFound, filepath.Join(root, "sys")+", "+filepath.Join(root, "cache")+", and downloading is turned off")
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("errors.Is(%v, fs.ErrNotExist) = false, want true", err)
	}
}

func TestLocateDownloadsIntoTheCache(t *testing.T) {
	raw := fakeRaw(5, 4)
	files := dataFiles(t, raw)
	srv := newFileServer(t, files)
	root := t.TempDir()
	cache := filepath.Join(root, "cache", "nested")
	var progress bytes.Buffer
	src := Source{
		Getenv:    noEnv,
		systemDir: filepath.Join(root, "sys"),
		CacheDir:  cache,
		BaseURL:   srv.URL + "/data", // no trailing slash: joined correctly all the same
		Client:    srv.Client(),
		Progress:  &progress,
		digests:   digestsOf(files),
	}
	got, err := Load(context.Background(), src)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if !reflect.DeepEqual(got, raw) {
		t.Errorf("Load returned a different data set than was served")
	}
	names := entries(t, cache)
	want := []string{TestImagesFile, TestLabelsFile, TrainImagesFile, TrainLabelsFile}
	if !slices.Equal(names, want) {
		t.Errorf("cache holds %v, want exactly %v", names, want)
	}
	for _, name := range fileNames() {
		if !strings.Contains(progress.String(), name) {
			t.Errorf("progress output %q does not mention %s", progress.String(), name)
		}
	}

	// A second call finds the files in the cache and downloads nothing.
	if dir, err := src.Locate(context.Background()); err != nil || dir != cache {
		t.Fatalf("second Locate = %q, %v; want %q", dir, err, cache)
	}
	for name, n := range srv.requests() {
		if n != 1 {
			t.Errorf("%s was requested %d times, want once", name, n)
		}
	}
}

func TestDownloadOnlyFetchesMissingFiles(t *testing.T) {
	files := dataFiles(t, fakeRaw(5, 4))
	srv := newFileServer(t, files)
	root := t.TempDir()
	cache := filepath.Join(root, "cache")
	writeFiles(t, cache, map[string][]byte{TrainImagesFile: files[TrainImagesFile]})
	src := Source{Getenv: noEnv, systemDir: filepath.Join(root, "sys"), CacheDir: cache,
		BaseURL: srv.URL + "/data/", Client: srv.Client(), digests: digestsOf(files)}
	if _, err := src.Locate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if hits := srv.requests(); hits[TrainImagesFile] != 0 || hits[TestLabelsFile] != 1 {
		t.Errorf("requests %v, want none for the cached file and one for each other", hits)
	}
}

func TestFailedDownloadsLeaveNoFileBehind(t *testing.T) {
	var (
		checksum *ChecksumError
		status   *HTTPError
	)
	files := dataFiles(t, fakeRaw(5, 4))
	tests := []struct {
		name     string
		serve    func(map[string][]byte) // changes what the server has
		digests  func(map[string]digest) // changes what is expected
		wantType any
		wantMsg  string
	}{
		{
			name:     "a corrupted file fails its checksum",
			serve:    func(f map[string][]byte) { f[TrainImagesFile] = bytes.Repeat([]byte{1}, len(f[TrainImagesFile])) },
			wantType: &checksum, wantMsg: "/data/train-images-idx3-ubyte.gz: checksum mismatch",
		},
		{
			name: "a wrong expected digest fails",
			digests: func(d map[string]digest) {
				x := d[TrainImagesFile]
				x.sha256 = strings.Repeat("0", 64)
				d[TrainImagesFile] = x
			},
			wantType: &checksum, wantMsg: "want " + strconv.Itoa(len(files[TrainImagesFile])) + " bytes with sha256 " + strings.Repeat("0", 64),
		},
		{
			name:     "a file longer than published fails",
			serve:    func(f map[string][]byte) { f[TrainImagesFile] = append(slices.Clone(f[TrainImagesFile]), 0) },
			wantType: &checksum, wantMsg: "got " + strconv.Itoa(len(files[TrainImagesFile])+1) + " bytes",
		},
		{
			name:     "a missing file is an HTTP error",
			serve:    func(f map[string][]byte) { delete(f, TrainImagesFile) },
			wantType: &status, wantMsg: "/data/train-images-idx3-ubyte.gz: HTTP status 404 Not Found",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			served := maps.Clone(files)
			want := digestsOf(files)
			if tt.serve != nil {
				tt.serve(served)
			}
			if tt.digests != nil {
				tt.digests(want)
			}
			srv := newFileServer(t, served)
			cache := filepath.Join(t.TempDir(), "cache")
			src := Source{Getenv: noEnv, systemDir: t.TempDir(), CacheDir: cache,
				BaseURL: srv.URL + "/data/", Client: srv.Client(), digests: want}
			_, err := src.Locate(context.Background())
			checkError(t, err, tt.wantType, tt.wantMsg)
			if names := entries(t, cache); len(names) != 0 {
				t.Errorf("cache holds %v after the failed download, want nothing", names)
			}
		})
	}
}

func TestDownloadStopsWhenTheContextIsCancelled(t *testing.T) {
	files := dataFiles(t, fakeRaw(50, 4))
	started := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data := files[strings.TrimPrefix(r.URL.Path, "/")]
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		w.Write(data[:len(data)/2])
		w.(http.Flusher).Flush()
		close(started)
		<-r.Context().Done() // hold the rest back until the client gives up
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-started
		cancel()
	}()
	cache := filepath.Join(t.TempDir(), "cache")
	src := Source{Getenv: noEnv, systemDir: t.TempDir(), CacheDir: cache,
		BaseURL: srv.URL, Client: srv.Client(), digests: digestsOf(files)}
	_, err := src.Locate(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Locate error = %v, want context.Canceled", err)
	}
	if err != nil && !strings.HasPrefix(err.Error(), "assets: ") {
		t.Errorf("error %q lacks the prefix %q", err, "assets: ")
	}
	if names := entries(t, cache); len(names) != 0 {
		t.Errorf("cache holds %v after the cancelled download, want nothing", names)
	}
}
