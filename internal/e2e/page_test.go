//go:build !js

package e2e

import (
	"testing"
	"time"
)

func TestSmoke(t *testing.T) {
	p := newPerson(t, "?demo=custom", 1280, 900)
	p.waitReady()
	p.shot("smoke-ready")
	if !p.enabled("#btn-start") {
		t.Fatalf("Start disabled: %q", p.text("#why"))
	}
	p.typeInto("#f-epochs", "1")
	p.typeInto("#f-train_limit", "1000")
	time.Sleep(500 * time.Millisecond)
	p.click("#btn-start")
	s := p.waitFor("run done", 60*time.Second, func(s pageState) bool { return len(s.Runs) == 1 && s.Runs[0].Status == "done" })
	t.Logf("%v", s)
	p.shot("smoke-done")
}
