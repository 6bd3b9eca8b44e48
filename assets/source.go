//go:build !js

package assets

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
)

// EnvDir is the environment variable that names a directory holding the four
// data set files.
const EnvDir = "FASHIONMNIST_DIR"

// SystemDir is where the Debian package dataset-fashion-mnist installs the
// four data set files.
const SystemDir = "/usr/share/datasets/fashion-mnist"

// DefaultBaseURL is where the data set is published. The host serves plain
// HTTP only; every downloaded file is checked against its published SHA-256
// digest before it is kept.
const DefaultBaseURL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"

// Source says where to look for the data. The zero value looks in
// $FASHIONMNIST_DIR, then in SystemDir, then in the user's cache directory,
// and downloads into the cache directory as a last resort.
type Source struct {
	// Dir, when not empty, is the only place looked in, typically given by a
	// -data flag. If it lacks any of the four files, Locate fails without
	// looking elsewhere.
	Dir string
	// Getenv reads the environment; nil means os.Getenv. Only EnvDir is read.
	// A directory named there is, like Dir, used without fallback.
	Getenv func(string) string
	// CacheDir is where downloaded files are kept; "" means the directory
	// fashionlab/fashion-mnist inside os.UserCacheDir().
	CacheDir string
	// NoDownload makes Locate fail with a NotFoundError instead of
	// downloading.
	NoDownload bool
	// BaseURL is the URL the four file names are appended to; "" means
	// DefaultBaseURL.
	BaseURL string
	// Client does the downloads; nil means http.DefaultClient.
	Client *http.Client
	// Progress receives a progress bar for each download; nil means none.
	Progress io.Writer

	// systemDir replaces SystemDir when not empty, so that tests need not
	// depend on what is installed.
	systemDir string
	// digests replaces the published sizes and digests when not nil, so that
	// tests can serve small files.
	digests map[string]digest
}

// Locate returns a directory holding the four data set files. It tries, in
// order: s.Dir; the directory named by $FASHIONMNIST_DIR; SystemDir; the cache
// directory; and finally downloads the missing files into the cache
// directory, unless s.NoDownload is set. A directory given by s.Dir or by the
// environment must hold all four files, or Locate returns a MissingError. The
// context bounds the download.
func (s Source) Locate(ctx context.Context) (dir string, err error) {
	if s.Dir != "" {
		if err := checkNamedDir(s.Dir, "the data directory"); err != nil {
			return "", err
		}
		return s.Dir, nil
	}
	getenv := s.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	if d := getenv(EnvDir); d != "" {
		if err := checkNamedDir(d, "$"+EnvDir); err != nil {
			return "", err
		}
		return d, nil
	}
	system := s.systemDir
	if system == "" {
		system = SystemDir
	}
	searched := []string{system}
	if len(missingFiles(system)) == 0 {
		return system, nil
	}
	cache, cacheErr := s.cacheDir()
	if cacheErr == nil {
		searched = append(searched, cache)
		if len(missingFiles(cache)) == 0 {
			return cache, nil
		}
	}
	if s.NoDownload {
		return "", &NotFoundError{Searched: searched}
	}
	if cacheErr != nil {
		return "", fmt.Errorf("assets: no cache directory to download into: %w", cacheErr)
	}
	if err := s.download(ctx, cache); err != nil {
		return "", err
	}
	return cache, nil
}

// Load locates the data set as Locate does and reads it as LoadDir does.
func Load(ctx context.Context, s Source) (*Raw, error) {
	dir, err := s.Locate(ctx)
	if err != nil {
		return nil, err
	}
	return LoadDir(dir)
}

// cacheDir returns the directory that holds downloaded files.
func (s Source) cacheDir() (string, error) {
	if s.CacheDir != "" {
		return s.CacheDir, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(base, "fashionlab", "fashion-mnist"), nil
}

// checkNamedDir reports whether dir, which the user named through origin,
// holds all four files.
func checkNamedDir(dir, origin string) error {
	st, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return &MissingError{Dir: dir, Origin: origin}
	}
	if err != nil {
		return fileError(dir, err)
	}
	if !st.IsDir() {
		return &FileError{Path: dir, Err: errors.New("not a directory")}
	}
	if missing := missingFiles(dir); len(missing) > 0 {
		return &MissingError{Dir: dir, Origin: origin, Files: missing}
	}
	return nil
}

// missingFiles returns the names of the data set files that are not regular
// files in dir.
func missingFiles(dir string) []string {
	var missing []string
	for _, name := range fileNames() {
		if !isRegular(filepath.Join(dir, name)) {
			missing = append(missing, name)
		}
	}
	return missing
}

// isRegular reports whether path is a regular file, following symbolic links.
func isRegular(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}
