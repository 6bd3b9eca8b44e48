package ops

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// minParallelWork is the number of float32 values below which an
// element-wise pass stays on the calling goroutine: handing work to
// another goroutine costs about a microsecond, the time to stream some
// 64 KB.
const minParallelWork = 1 << 15

// parallelFor splits [0, n) into contiguous chunks, one per usable
// processor (runtime.GOMAXPROCS, so a single-threaded build such as wasm
// never starts a goroutine), and calls fn on each; it returns when all are
// done. work is the total number of values touched, used to keep small
// passes serial. fn must write disjoint outputs per index, so that the
// result does not depend on the partition: every caller in this package
// splits over images or over independent elements, never over a sum.
func parallelFor(n, work int, fn func(lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), n, max(1, work/minParallelWork))
	if workers <= 1 {
		fn(0, n)
		return
	}
	parallelDo(workers, workers, func(_, i int) {
		fn(n*i/workers, n*(i+1)/workers)
	})
}

// ParallelFor is parallelFor for other packages: fn is called on
// contiguous chunks of [0, n), at most one per processor, and must write
// disjoint outputs per index. work sizes the parallelism as in
// parallelFor, in values touched.
func ParallelFor(n, work int, fn func(lo, hi int)) { parallelFor(n, work, fn) }

// parallelDo calls fn(worker, i) for every i in [0, n) on the calling
// goroutine (worker 0) and up to workers−1 pool workers (1, 2, ...),
// which take the next index as they become free; concurrent calls of fn
// always have distinct worker numbers, so fn may index per-worker scratch
// by it. A pool worker that starts late finds the work done (or is
// replaced by the caller), so a busy machine costs nothing but the
// parallelism. It returns when every call has returned.
func parallelDo(n, workers int, fn func(worker, i int)) {
	workers = min(workers, n)
	if workers <= 1 {
		for i := range n {
			fn(0, i)
		}
		return
	}
	j := &doJob{n: n, fn: fn}
	helpers := make([]*doHelper, workers-1)
	for w := range helpers {
		h := &doHelper{j: j, worker: w + 1}
		helpers[w] = h
		j.wg.Add(1)
		pool.submit(h)
	}
	j.help(0)
	for _, h := range helpers {
		if h.started.CompareAndSwap(false, true) {
			// Never picked up: nothing left for it to do.
			j.wg.Done()
		}
	}
	j.wg.Wait()
}

type doJob struct {
	next atomic.Int64
	n    int
	fn   func(worker, i int)
	wg   sync.WaitGroup
}

func (j *doJob) help(worker int) {
	for {
		i := int(j.next.Add(1) - 1)
		if i >= j.n {
			return
		}
		j.fn(worker, i)
	}
}

type doHelper struct {
	j       *doJob
	worker  int
	started atomic.Bool
}

func (h *doHelper) run() {
	if !h.started.CompareAndSwap(false, true) {
		return // the caller finished without it
	}
	h.j.help(h.worker)
	h.j.wg.Done()
}

// spinWait is how long a pool worker keeps polling for the next task
// before it blocks: waking a goroutine whose processor has halted costs
// tens of microseconds on a virtual machine, and the passes of a training
// step come back to back.
const spinWait = 200 * time.Microsecond

// workerPool runs helpers on persistent goroutines.
type workerPool struct {
	mu      sync.Mutex
	tasks   chan *doHelper
	started int
}

var pool = &workerPool{tasks: make(chan *doHelper, 64)}

// submit hands h to an idle worker, starting one if fewer than
// GOMAXPROCS−1 exist.
func (p *workerPool) submit(h *doHelper) {
	p.mu.Lock()
	if p.started < runtime.GOMAXPROCS(0)-1 {
		p.started++
		go p.work()
	}
	p.mu.Unlock()
	select {
	case p.tasks <- h:
	default:
		go h.run() // the queue is full: every worker is busy
	}
}

func (p *workerPool) work() {
	for h := range p.tasks {
		h.run()
		if runtime.GOMAXPROCS(0) == 1 {
			continue
		}
		deadline := time.Now().Add(spinWait)
	spin:
		for {
			select {
			case next := <-p.tasks:
				next.run()
				deadline = time.Now().Add(spinWait)
			default:
				if time.Now().After(deadline) {
					break spin
				}
				runtime.Gosched()
			}
		}
	}
}
