package sitebuild

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// bundledEntries returns the page scripts loaded with <script type="module">.
// Each is replaced in the built site by one minified file holding it and
// every module it imports: a browser then fetches one script instead of a
// tree of twenty modules, each level of which waited for the one above it.
// The modules stay beside it, unchanged, for the worker and the tests that
// import them one by one.
func bundledEntries() []string { return []string{"main.js", "embeds-page.js"} }

// bundle replaces each of bundledEntries in dir by its bundle.
func bundle(dir string) error {
	for _, name := range bundledEntries() {
		p := filepath.Join(dir, name)
		res := api.Build(api.BuildOptions{
			EntryPoints:       []string{p},
			Bundle:            true,
			Format:            api.FormatESModule,
			Target:            api.ES2022,
			MinifyWhitespace:  true,
			MinifySyntax:      true,
			MinifyIdentifiers: true,
			LegalComments:     api.LegalCommentsNone,
			Write:             false,
			LogLevel:          api.LogLevelSilent,
		})
		if len(res.Errors) > 0 {
			msgs := make([]string, 0, len(res.Errors))
			for _, e := range res.Errors {
				where := ""
				if e.Location != nil {
					where = fmt.Sprintf("%s:%d: ", e.Location.File, e.Location.Line)
				}
				msgs = append(msgs, where+e.Text)
			}
			return fmt.Errorf("sitebuild: bundling %s: %s", name, strings.Join(msgs, "; "))
		}
		if len(res.OutputFiles) != 1 {
			return fmt.Errorf("sitebuild: bundling %s gave %d files, want 1", name, len(res.OutputFiles))
		}
		if err := os.WriteFile(p, res.OutputFiles[0].Contents, 0o644); err != nil {
			return fmt.Errorf("sitebuild: %w", err)
		}
	}
	return nil
}
