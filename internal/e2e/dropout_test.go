//go:build !js

package e2e

import (
	"fmt"
	"net/url"
	"testing"
	"time"
)

// runSummary is what the page shows of one run after it ends: its
// configuration's dropout as the page sent it, and its last epoch.
type runSummary struct {
	Status   string   `json:"status"`
	Dropout  *float64 `json:"dropout"`
	TrainAcc float64  `json:"train_acc"`
	ValAcc   float64  `json:"val_acc"`
}

// lastRun reads the page's last run.
func (p *person) lastRun() runSummary {
	p.t.Helper()
	return look[runSummary](p, `(() => { const rs = fashionlab.state().runs; const r = rs[rs.length - 1]; const e = r.epochs[r.epochs.length - 1] || {};
		return { status: r.status, dropout: r.config && r.config.dropout !== undefined ? r.config.dropout : null, train_acc: e.train_acc || 0, val_acc: e.val_acc || 0 }; })()`)
}

// trainRun presses Start and waits until the page holds n runs, all ended.
func (p *person) trainRun(n int) runSummary {
	p.t.Helper()
	p.click("#btn-start")
	p.waitFor(fmt.Sprintf("run %d to finish", n), 3*time.Minute, func(s pageState) bool {
		return len(s.Runs) == n && s.Current == nil && len(s.Queued) == 0 && s.Runs[n-1].Status == "done"
	})
	return p.lastRun()
}

// TestDropoutFromTheCustomForm covers dropout on the page: a person opens
// Custom, types a dropout into its field and presses Start; the run trains
// well above chance (0.1) and its configuration carries the dropout. The
// same run with dropout 0 trains a different last epoch, so the dropout
// reached the model rather than stopping at the form.
func TestDropoutFromTheCustomForm(t *testing.T) {
	p := newPersonFor(t, "?demo=custom", 1280, 900, 8*time.Minute)
	p.waitReady()
	p.shortRun(2, 3000)
	p.typeInto("#f-dropout", "0.5")
	p.waitFor("the form to be checked", 10*time.Second, func(s pageState) bool { return !s.Form.Pending && len(s.Form.Problems) == 0 })
	u, err := url.Parse(look[string](p, `location.href`))
	if err != nil {
		t.Fatal(err)
	}
	if got := u.Query().Get("dropout"); got != "0.5" {
		t.Errorf("the address says dropout=%q after typing 0.5 into the field, want 0.5", got)
	}
	with := p.trainRun(1)
	if with.Dropout == nil || *with.Dropout != 0.5 {
		t.Fatalf("the run's configuration carries dropout %v, want 0.5 (run %+v)", with.Dropout, with)
	}
	if with.ValAcc < 0.55 {
		t.Errorf("with dropout 0.5 the run reached validation accuracy %.3f, want at least 0.55 (chance is 0.1)", with.ValAcc)
	}
	p.shot("dropout-custom")

	p.typeInto("#f-dropout", "0")
	p.waitFor("the form to be checked", 10*time.Second, func(s pageState) bool { return !s.Form.Pending && len(s.Form.Problems) == 0 })
	without := p.trainRun(2)
	if without.Dropout != nil && *without.Dropout != 0 {
		t.Fatalf("after typing 0 the run's configuration carries dropout %v", *without.Dropout)
	}
	if with.TrainAcc == without.TrainAcc && with.ValAcc == without.ValAcc {
		t.Errorf("dropout 0.5 and 0 trained the same last epoch (train %.4f, validation %.4f): the dropout did not reach the model", with.TrainAcc, with.ValAcc)
	}
	t.Logf("2 epochs on 3,000 images: dropout 0.5 train %.4f validation %.4f; dropout 0 train %.4f validation %.4f",
		with.TrainAcc, with.ValAcc, without.TrainAcc, without.ValAcc)
}

// TestDropoutFromTheAddress covers the address: ?dropout=0.5 fills the
// Custom form's field, and the run started from it carries the dropout.
func TestDropoutFromTheAddress(t *testing.T) {
	p := newPersonFor(t, "?demo=custom&dropout=0.5&epochs=2&train_limit=3000&eval_train_size=200", 1280, 900, 5*time.Minute)
	p.waitReady()
	if got := p.value("#f-dropout"); got != "0.5" {
		t.Fatalf("?dropout=0.5 shows %q in the dropout field, want 0.5", got)
	}
	if s, _ := p.read(); len(s.Form.Problems) > 0 {
		t.Fatalf("?dropout=0.5 gives form problems: %+v", s.Form.Problems)
	}
	run := p.trainRun(1)
	if run.Dropout == nil || *run.Dropout != 0.5 {
		t.Errorf("the run started from ?dropout=0.5 carries dropout %v, want 0.5", run.Dropout)
	}
	if run.ValAcc < 0.55 {
		t.Errorf("the run reached validation accuracy %.3f, want at least 0.55 (chance is 0.1)", run.ValAcc)
	}
}
