//go:build !js

package assets

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"
)

// A digest is the expected size and SHA-256 of a published file.
type digest struct {
	size   int64
	sha256 string // hexadecimal
}

// publishedDigests returns the sizes and SHA-256 digests of the four files as
// published at DefaultBaseURL. The Debian package holds the same data with
// rewritten gzip headers (no file name, a different time stamp), so its
// files are smaller and have other digests; only downloads are checked
// against these.
func publishedDigests() map[string]digest {
	return map[string]digest{
		TrainImagesFile: {26421880, "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"},
		TrainLabelsFile: {29515, "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"},
		TestImagesFile:  {4422102, "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"},
		TestLabelsFile:  {5148, "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"},
	}
}

// download fetches into dir those of the four files that it lacks. Each file
// is written to a temporary file in dir and renamed to its final name only
// after its SHA-256 matches, so dir never holds a partial or unverified file
// under a data set name.
func (s Source) download(ctx context.Context, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fileError(dir, err)
	}
	digests := s.digests
	if digests == nil {
		digests = publishedDigests()
	}
	base := s.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	for _, name := range fileNames() {
		path := filepath.Join(dir, name)
		if isRegular(path) {
			continue // verified when an earlier call downloaded it
		}
		u, err := url.JoinPath(base, name)
		if err != nil {
			return fmt.Errorf("assets: bad base URL %q: %w", base, err)
		}
		if err := s.fetch(ctx, u, path, digests[name]); err != nil {
			return err
		}
	}
	return nil
}

// fetch downloads u to path, checking it against want.
func (s Source) fetch(ctx context.Context, u, path string, want digest) (err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("assets: downloading %s: %w", u, err)
	}
	client := s.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("assets: downloading: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return &HTTPError{URL: u, StatusCode: resp.StatusCode, Status: resp.Status}
	}

	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.part")
	if err != nil {
		return fileError(filepath.Dir(path), err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()

	h := sha256.New()
	var dst io.Writer = io.MultiWriter(tmp, h)
	if s.Progress != nil {
		bar := newBar(s.Progress, filepath.Base(path), want.size)
		defer func() {
			if !bar.IsFinished() {
				fmt.Fprintln(s.Progress)
			}
		}()
		dst = io.MultiWriter(dst, progressWriter{bar})
	}
	// Read at most one byte more than expected: enough to tell a file that
	// is too long, without letting a broken server fill the disk.
	n, err := io.Copy(dst, io.LimitReader(resp.Body, want.size+1))
	if err != nil {
		return fmt.Errorf("assets: downloading %s: %w", u, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); n != want.size || got != want.sha256 {
		return &ChecksumError{URL: u, Want: want.sha256, Got: got, WantSize: want.size, GotSize: n}
	}
	if err := tmp.Chmod(0o644); err != nil {
		return fileError(tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		return fileError(tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fileError(tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fileError(path, err)
	}
	return nil
}

// newBar returns a progress bar of size bytes, labelled name, drawn on w.
func newBar(w io.Writer, name string, size int64) *progressbar.ProgressBar {
	return progressbar.NewOptions64(size,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(name),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }),
	)
}

// progressWriter advances a progress bar by the bytes written through it.
// It never fails: a bar that cannot be drawn must not stop a download.
type progressWriter struct {
	bar *progressbar.ProgressBar
}

func (p progressWriter) Write(b []byte) (int, error) {
	_ = p.bar.Add(len(b))
	return len(b), nil
}
