package gemm

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time this process has used. On a shared machine the
// wall clock also counts time spent waiting for a core, so benchmarks report
// throughput per CPU-second as well.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
