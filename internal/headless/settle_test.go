//go:build !js

package headless

import (
	"context"
	"os"
	"testing"
	"time"
)

func TestSettleReadsTheBrowsersCPUTimeAndReturnsOnceItIsIdle(t *testing.T) {
	if _, err := os.Stat(ChromiumPath); err != nil {
		if os.Getenv("FASHIONLAB_REQUIRE_BROWSER") == "1" {
			t.Fatalf("no %s", ChromiumPath)
		}
		t.Skipf("no %s", ChromiumPath)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	b, err := Launch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	before, err := b.cpuTime()
	if err != nil {
		t.Fatal(err)
	}
	if before <= 0 {
		t.Fatalf("a started browser has used %v of CPU", before)
	}
	const most = 60 * time.Second
	waited, err := b.Settle(ctx, 0.1, most)
	if err != nil {
		t.Fatal(err)
	}
	if waited >= most {
		t.Errorf("Settle waited its whole %v: an idle browser was never seen", most)
	}
	after, err := b.cpuTime()
	if err != nil {
		t.Fatal(err)
	}
	if after < before {
		t.Errorf("the browser's CPU time went back from %v to %v", before, after)
	}
	t.Logf("settled after %v; CPU %v then %v", waited.Round(time.Millisecond), before, after)
}
