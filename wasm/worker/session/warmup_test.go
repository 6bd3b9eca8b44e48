package session

import (
	"fmt"
	"testing"
)

func TestTheWarmUpLeavesNoTraceInTheRuns(t *testing.T) {
	sub := randomSubset()
	for _, tt := range runSettings {
		t.Run(tt.name, func(t *testing.T) {
			want := referenceRun(t, sub, tt.settings)

			s, rec := newSessionOver(sub)
			s.WarmUpWhenIdle()
			if n := s.warm(func() bool { return false }); n != len(warmUpNets()) {
				t.Fatalf("the warm-up trained %d steps, want %d", n, len(warmUpNets()))
			}
			if ev := rec.take(); len(ev) != 0 {
				t.Fatalf("the warm-up sent %d events: %+v", len(ev), ev)
			}
			if s.warmUp {
				t.Error("the warm-up would run again")
			}
			s.Handle(mlpStart(1, tt.settings))
			got := runToEnd(t, s, rec)
			if g, w := fmt.Sprintf("%+v", stripSeconds(got)), fmt.Sprintf("%+v", stripSeconds(want)); g != w {
				t.Errorf("after the warm-up the run logged\n%s\nwant\n%s", g, w)
			}
		})
	}
}

func TestTheWarmUpGivesWayToACommand(t *testing.T) {
	s, rec := newSessionOver(randomSubset())
	s.WarmUpWhenIdle()
	if n := s.warm(func() bool { return true }); n != 0 {
		t.Errorf("with a command waiting the warm-up trained %d steps", n)
	}
	if ev := rec.take(); len(ev) != 0 {
		t.Errorf("the warm-up sent %d events", len(ev))
	}
}
