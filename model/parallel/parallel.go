// Package parallel owns the worker goroutines of a computation. A Pool is
// created once, with the number of threads a run may use, and handed to
// everything that splits work: the matrix products (model/gemm), the ops'
// element-wise passes and convolution chunks (model/ops), the optimizer and
// the gradient norm (model/train). A Pool of n threads never has more than
// n goroutines working on its behalf, the caller's included, so a
// one-thread Pool starts no goroutine at all.
//
// Work is cut into parts by the caller, from the thread count and the
// shape of the work only; the Pool decides who runs each part. Parts are
// claimed, not assigned: whoever is free (the caller or a worker) takes
// the next one, so a worker that wakes late, or never because the machine
// is busy, costs nothing but the part the caller then runs itself. Since
// the cut never depends on who runs the parts, results do not depend on
// machine load.
//
// A worker keeps polling for 100µs after a job before it blocks: on a
// virtual machine, waking a blocked worker whose vCPU has halted takes
// 60-100µs, as long as a mid-sized matrix product, and the passes of a
// training step come back to back. When other processes want the cores,
// spinning and handing out parts backfire (a preempted worker holds up the
// whole job), so a Pool that sees its worker lose the CPU stops spinning,
// and one that waits on a preempted part runs every part on the caller's
// goroutine, for a back-off that starts at 10ms and doubles while the
// signs persist.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// MaxThreads bounds a Pool's thread count.
const MaxThreads = 1024

// Pool runs the parts of a job on the calling goroutine and up to
// Threads()-1 long-lived worker goroutines. It is safe for concurrent use;
// create one with New.
type Pool struct {
	threads int

	startOnce sync.Once
	workers   *workers
	jobs      sync.Pool // *job
}

// New returns a Pool of threads threads; threads <= 0 means
// runtime.GOMAXPROCS(0). Worker goroutines start with the first job that
// has more than one part. They exit once the Pool is unreachable.
func New(threads int) *Pool {
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	p := &Pool{threads: min(threads, MaxThreads)}
	p.jobs.New = func() any { return new(job) }
	return p
}

// Threads reports how many goroutines, the caller's included, may run the
// parts of one job.
func (p *Pool) Threads() int { return p.threads }

// Parts is a job cut into numbered parts.
type Parts interface {
	// Part runs part i. worker is in [0, Threads()): concurrent calls
	// always have distinct worker numbers, so Part may index per-worker
	// scratch by it. The caller's goroutine is worker 0.
	Part(worker, i int)
}

// PartFunc adapts a function to Parts.
type PartFunc func(worker, i int)

// Part calls f(worker, i).
func (f PartFunc) Part(worker, i int) { f(worker, i) }

// Run runs parts.Part for every i in [0, n) and returns when all have
// returned. At most min(n, Threads()) parts run at once.
func (p *Pool) Run(n int, parts Parts) {
	if n <= 0 {
		return
	}
	if n == 1 || p.threads == 1 {
		for i := range n {
			parts.Part(0, i)
		}
		return
	}
	p.startOnce.Do(p.startWorkers)
	w := p.workers
	if time.Now().UnixNano() < w.singleUntil.Load() {
		// The machine was found oversubscribed: a part handed to a
		// worker may wait a whole scheduler time slice, so run the same
		// parts on this goroutine for a while.
		for i := range n {
			parts.Part(0, i)
		}
		return
	}
	j := p.jobs.Get().(*job)
	j.parts = parts
	j.n.Store(int64(n))
	j.slots.Store(0)
	j.epoch++
	j.wg.Add(n)
	j.state.Store(uint64(j.epoch) << 32)
	for range min(n, p.threads) - 1 {
		select {
		case w.ch <- task{j, j.epoch}:
		default:
			// Workers are all busy (other callers share this Pool);
			// the parts nobody takes are run below.
		}
	}
	t0 := time.Now()
	j.help(j.epoch, 0)
	t1 := time.Now()
	j.wg.Wait()
	// Waiting long, and long relative to the caller's own share (which
	// rules out mere imbalance), means a worker lost its CPU.
	if now := time.Now(); now.Sub(t1) > slowPart && now.Sub(t1) > t1.Sub(t0) {
		w.contended(now, true)
	}
	j.parts = nil
	p.jobs.Put(j)
}

// Do runs fn(worker, i) for every i in [0, n), as Run does.
func (p *Pool) Do(n int, fn func(worker, i int)) { p.Run(n, PartFunc(fn)) }

// MinParallelWork is the number of values below which For stays on the
// calling goroutine: handing work to another goroutine costs about a
// microsecond, the time to stream some 64 KB.
const MinParallelWork = 1 << 15

// For splits [0, n) into contiguous chunks, at most one per thread and one
// per MinParallelWork of work, and calls fn on each; it returns when all
// are done. work is the total number of values the pass touches. fn must
// write disjoint outputs per index, so that the result does not depend on
// the partition.
func (p *Pool) For(n, work int, fn func(lo, hi int)) {
	chunks := min(p.threads, n, max(1, work/MinParallelWork))
	if chunks <= 1 {
		if n > 0 {
			fn(0, n)
		}
		return
	}
	p.Do(chunks, func(_, i int) {
		fn(n*i/chunks, n*(i+1)/chunks)
	})
}

// job is one Run call, recycled across calls.
type job struct {
	parts Parts
	n     atomic.Int64
	slots atomic.Int64   // worker numbers handed out
	wg    sync.WaitGroup // counts unfinished parts

	// state is epoch<<32 | next unclaimed part. The epoch lets a worker
	// holding a stale wake-up for a recycled job see that it has nothing
	// to do.
	state atomic.Uint64
	epoch uint32
}

// task wakes a worker to help with a job.
type task struct {
	j     *job
	epoch uint32
}

// help runs unclaimed parts of the job's current epoch until none is left.
// worker is the caller's number, or -1 for a worker goroutine that takes
// a number with its first part.
func (j *job) help(epoch uint32, worker int) {
	for {
		s := j.state.Load()
		if uint32(s>>32) != epoch || int64(s&0xffffffff) >= j.n.Load() {
			return
		}
		if j.state.CompareAndSwap(s, s+1) {
			// The claimed part keeps the job from being recycled until
			// it is done, so the number is taken in this epoch.
			if worker < 0 {
				worker = int(j.slots.Add(1))
			}
			j.parts.Part(worker, int(s&0xffffffff))
			j.wg.Done()
		}
	}
}

// workers is what a Pool's worker goroutines share. They do not refer to
// the Pool, so an unreachable Pool can be collected; closing ch then lets
// them exit.
type workers struct {
	ch chan task
	// Until these times (Unix nanoseconds) workers block instead of
	// spinning, and jobs stay on the caller's goroutine; set when the
	// machine was found oversubscribed.
	noSpinUntil, singleUntil atomic.Int64
	// backoff is the current back-off length and lastHit the time of the
	// last sign of contention (both in nanoseconds).
	backoff, lastHit atomic.Int64
}

func (p *Pool) startWorkers() {
	w := &workers{ch: make(chan task, 4*p.threads)}
	for i := 1; i < p.threads; i++ {
		go w.run()
	}
	runtime.AddCleanup(p, func(ch chan task) { close(ch) }, w.ch)
	p.workers = w
}

// spinWait is how long a worker keeps polling for the next job before it
// blocks. Waking a blocked worker costs 60-100µs on a virtual machine
// whose idle vCPU has halted (measured on the 2-core development VM), as
// long as a mid-sized product takes on one thread; the jobs of a training
// step come back to back, so a short spin lets each of them use every
// thread.
const spinWait = 100 * time.Microsecond

// On an oversubscribed machine (other processes want the cores) a part
// handed to a worker can be preempted halfway and hold up the whole job
// for a scheduler time slice, far longer than the job; spinning makes that
// likelier, since a thread that burns its CPU share polling is the one the
// OS preempts, and it takes CPU time from the caller's own thread. A
// spinning worker that finds it lost the CPU for spinPreempted, or a
// caller that waited more than slowPart for the other parts (and longer
// than its own share took, which rules out mere imbalance), reports
// contention; see contended. The thresholds sit well above the 100-800µs
// hiccups seen on a quiet VM and below the millisecond time slices of a
// busy one.
const (
	spinPreempted = 500 * time.Microsecond
	slowPart      = 2 * time.Millisecond
	minBackoff    = 10 * time.Millisecond
	maxBackoff    = time.Second
)

// contended records a sign that other processes want the cores: spinning
// (and, if single, handing out parts) stops for a while. One sign is often
// just the OS or the hypervisor taking the CPU for a moment, so the first
// back-off is short; signs that keep coming double it, up to maxBackoff.
func (w *workers) contended(now time.Time, single bool) {
	n := now.UnixNano()
	b := w.backoff.Load()
	if n-w.lastHit.Load() < 4*b {
		b = min(2*b, int64(maxBackoff))
	} else {
		b = int64(minBackoff)
	}
	w.backoff.Store(b)
	w.lastHit.Store(n)
	w.noSpinUntil.Store(n + b)
	if single {
		w.singleUntil.Store(n + b)
	}
}

func (w *workers) run() {
	for t := range w.ch {
		t.j.help(t.epoch, -1)
		last := time.Now()
		if runtime.GOMAXPROCS(0) == 1 || last.UnixNano() < w.noSpinUntil.Load() {
			// With one P, spinning would only take turns with the
			// goroutine that is about to send the next job.
			continue
		}
		deadline := last.Add(spinWait)
	spin:
		for {
			select {
			case next, ok := <-w.ch:
				if !ok {
					return
				}
				next.j.help(next.epoch, -1)
				last = time.Now()
				deadline = last.Add(spinWait)
			default:
				now := time.Now()
				if now.Sub(last) > spinPreempted {
					w.contended(now, false)
					break spin
				}
				if now.After(deadline) {
					break spin
				}
				last = now
				runtime.Gosched()
			}
		}
	}
}
