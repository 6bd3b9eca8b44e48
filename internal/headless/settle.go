//go:build !js

package headless

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Settle waits until the browser's start-up work is over: Chromium keeps
// both cores of a small machine busy for a second or more after it starts
// (it prepares its own pages, such as the address bar's popup), which a
// page opened at once would share. A person's browser has long been
// running when they open a page, so a measurement of a page's start-up
// settles first. It waits until the browser's processes used less than
// idle of one core over a quarter second, or until most has passed, and
// returns how long it waited. Where /proc cannot be read it waits most.
func (b *Browser) Settle(ctx context.Context, idle float64, most time.Duration) (time.Duration, error) {
	const window = 250 * time.Millisecond
	start := time.Now()
	last, err := b.cpuTime()
	for time.Since(start) < most {
		select {
		case <-ctx.Done():
			return time.Since(start), ctx.Err()
		case <-time.After(window):
		}
		if err != nil {
			continue
		}
		now, cerr := b.cpuTime()
		if cerr != nil {
			err = cerr
			continue
		}
		if (now - last).Seconds() < idle*window.Seconds() {
			return time.Since(start), nil
		}
		last = now
	}
	return time.Since(start), nil
}

// cpuTime is the CPU time the browser's processes have used: those whose
// command line names the browser's own profile folder.
func (b *Browser) cpuTime() (time.Duration, error) {
	dirs, err := filepath.Glob("/proc/[0-9]*")
	if err != nil || len(dirs) == 0 {
		return 0, fmt.Errorf("headless: no /proc: %v", err)
	}
	// Chromium's helper processes do not all carry the profile flag; its
	// child processes do carry the browser's pid as their parent chain, so
	// collect the profile's processes first, then their descendants.
	type proc struct {
		ppid  int
		ticks int64
		ours  bool
	}
	procs := map[int]*proc{}
	for _, d := range dirs {
		pid, err := strconv.Atoi(filepath.Base(d))
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join(d, "stat"))
		if err != nil {
			continue
		}
		// The command name is in parentheses and may hold spaces.
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(stat[i+1:]))
		if len(f) < 13 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		utime, _ := strconv.ParseInt(f[11], 10, 64)
		stime, _ := strconv.ParseInt(f[12], 10, 64)
		cmdline, _ := os.ReadFile(filepath.Join(d, "cmdline"))
		procs[pid] = &proc{ppid: ppid, ticks: utime + stime, ours: bytes.Contains(cmdline, []byte(b.dir))}
	}
	var ticks int64
	for _, p := range procs {
		for q, hops := p, 0; q != nil && hops < 8; q, hops = procs[q.ppid], hops+1 {
			if q.ours {
				ticks += p.ticks
				break
			}
		}
	}
	if ticks == 0 {
		return 0, fmt.Errorf("headless: no processes of the browser's profile %s", b.dir)
	}
	// Linux counts CPU time in ticks of 1/100 s (USER_HZ).
	return time.Duration(ticks) * 10 * time.Millisecond, nil
}
