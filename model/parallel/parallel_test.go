package parallel

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fashionlab/internal/goroutinetest"
)

// TestRunCallsEveryPartOnce checks that Run calls each part exactly once,
// with worker numbers below Threads() that no two concurrent calls share,
// whether the workers help or the machine was found busy and every part
// runs on the caller.
func TestRunCallsEveryPartOnce(t *testing.T) {
	tests := []struct {
		threads, parts int
		busy           bool
	}{
		{1, 5, false},
		{2, 1, false},
		{2, 2, false},
		{2, 100, false},
		{3, 7, false},
		{4, 1000, false},
		{4, 100, true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("threads=%d/parts=%d/busy=%v", tt.threads, tt.parts, tt.busy), func(t *testing.T) {
			p := New(tt.threads)
			for rep := range 20 {
				if tt.busy {
					p.startOnce.Do(p.startWorkers)
					p.workers.contended(time.Now(), true)
				}
				calls := make([]atomic.Int32, tt.parts)
				busy := make([]atomic.Bool, tt.threads)
				var bad atomic.Value
				p.Do(tt.parts, func(w, i int) {
					if w < 0 || w >= tt.threads {
						bad.Store(fmt.Sprintf("worker %d out of [0, %d)", w, tt.threads))
						return
					}
					if tt.busy && w != 0 {
						bad.Store(fmt.Sprintf("part %d ran on worker %d while the machine was busy", i, w))
					}
					if !busy[w].CompareAndSwap(false, true) {
						bad.Store(fmt.Sprintf("worker %d ran two parts at once", w))
						return
					}
					calls[i].Add(1)
					busy[w].Store(false)
				})
				if b := bad.Load(); b != nil {
					t.Fatalf("repetition %d: %s", rep, b)
				}
				for i := range calls {
					if n := calls[i].Load(); n != 1 {
						t.Fatalf("repetition %d: part %d ran %d times", rep, i, n)
					}
				}
			}
		})
	}
}

// TestForCoversTheRange checks that For's chunks tile [0, n) exactly, at
// most one per thread, and that small passes stay in one chunk.
func TestForCoversTheRange(t *testing.T) {
	tests := []struct {
		threads, n, work int
		wantChunks       int
	}{
		{1, 1000, 1 << 30, 1},
		{2, 1000, MinParallelWork - 1, 1},
		{2, 1000, 1 << 30, 2},
		{3, 2, 1 << 30, 2},
		{4, 1000, 3 * MinParallelWork, 3},
		{4, 0, 1 << 30, 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("threads=%d/n=%d/work=%d", tt.threads, tt.n, tt.work), func(t *testing.T) {
			p := New(tt.threads)
			hits := make([]int32, tt.n)
			var mu sync.Mutex
			chunks := 0
			p.For(tt.n, tt.work, func(lo, hi int) {
				mu.Lock()
				defer mu.Unlock()
				chunks++
				for i := lo; i < hi; i++ {
					hits[i]++
				}
			})
			if chunks != tt.wantChunks {
				t.Errorf("%d chunks, want %d", chunks, tt.wantChunks)
			}
			for i, h := range hits {
				if h != 1 {
					t.Fatalf("index %d covered %d times", i, h)
				}
			}
		})
	}
}

// TestOneThreadStartsNoGoroutine checks that a one-thread Pool runs
// everything on the caller.
func TestOneThreadStartsNoGoroutine(t *testing.T) {
	p := New(1)
	before := runtime.NumGoroutine()
	p.For(1<<20, 1<<30, func(lo, hi int) {})
	p.Do(16, func(w, i int) {
		if w != 0 {
			t.Errorf("part %d ran on worker %d", i, w)
		}
	})
	if p.workers != nil {
		t.Error("a one-thread Pool started workers")
	}
	if after := runtime.NumGoroutine(); after > before {
		t.Errorf("%d goroutines after, %d before", after, before)
	}
}

// TestWorkersExit checks that a Pool's workers go away with it, so
// short-lived Pools do not leak goroutines.
func TestWorkersExit(t *testing.T) {
	base := runtime.NumGoroutine()
	func() {
		for range 20 {
			p := New(3)
			p.Do(8, func(int, int) {})
		}
	}()
	goroutinetest.Settles(t, base, "the Pools")
}

// TestNewDefaultsToGOMAXPROCS checks the thread count New settles on.
func TestNewDefaultsToGOMAXPROCS(t *testing.T) {
	tests := []struct{ in, want int }{
		{0, runtime.GOMAXPROCS(0)},
		{-3, runtime.GOMAXPROCS(0)},
		{1, 1},
		{5, 5},
		{MaxThreads + 1, MaxThreads},
	}
	for _, tt := range tests {
		if got := New(tt.in).Threads(); got != tt.want {
			t.Errorf("New(%d).Threads() = %d, want %d", tt.in, got, tt.want)
		}
	}
}
