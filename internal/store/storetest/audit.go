package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// auditTests are the conformance tests of the audit journal and of the
// shared failed-login guard.
var auditTests = []namedTest{
	{"AuditCommitsWithChange", testAuditCommitsWithChange},
	{"AuditRollbackLeavesFailureRow", testAuditRollback},
	{"AuditReadOnlyTxWritesNothing", testAuditReadOnlyTx},
	{"AuditWriteOutsideTx", testAuditOutsideTx},
	{"AuditFinish", testAuditFinish},
	{"AuditListPrune", testAuditListPrune},
	{"LoginFailBlocks", testLoginFailBlocks},
	{"LoginFailConcurrent", testLoginFailConcurrent},
	{"LoginPrune", testLoginPrune},
}

func pendingAudit(customerID int64, command string) *store.PendingAudit {
	return store.NewPendingAudit(store.AuditEntry{CustomerID: customerID, Command: command,
		Params: `{"language":"pl"}`, RequestID: "req-" + command, Client: "192.0.2.1"})
}

func auditRows(t *testing.T, s store.Store, customerID int64) []store.AuditEntry {
	t.Helper()
	list, err := s.AuditList(ctx(t), store.AuditFilter{CustomerID: customerID})
	if err != nil {
		t.Fatalf("AuditList: %v", err)
	}
	return list
}

func testAuditCommitsWithChange(t *testing.T, s store.Store) {
	id := newCustomer(t, s)
	p := pendingAudit(id, "customer/change-language")
	actx := store.WithAudit(ctx(t), p)
	before := time.Now().UnixMilli()
	err := s.InTx(actx, func(tx store.Store) error {
		c, err := tx.CustomerGet(actx, id)
		if err != nil {
			return err
		}
		c.Language = "pl"
		return tx.CustomerUpdate(actx, c)
	})
	if err != nil {
		t.Fatal(err)
	}
	rows := auditRows(t, s, id)
	if len(rows) != 1 {
		t.Fatalf("audit rows = %+v, want 1", rows)
	}
	r := rows[0]
	if r.ID == 0 || r.ID != p.Written() || p.Pending() {
		t.Errorf("row %d, pending entry written as %d (pending %v)", r.ID, p.Written(), p.Pending())
	}
	if r.CustomerID != id || r.Command != "customer/change-language" || r.Params != `{"language":"pl"}` ||
		r.Result != store.AuditResultOK || r.RequestID != "req-customer/change-language" || r.Client != "192.0.2.1" {
		t.Errorf("row = %+v", r)
	}
	if r.At < before || r.At > time.Now().UnixMilli() {
		t.Errorf("row at %d, not between %d and now", r.At, before)
	}
	// A second transaction of the same request writes no second row.
	if err := s.InTx(actx, func(tx store.Store) error { return tx.CustomerSetAPIAccess(actx, id, false) }); err != nil {
		t.Fatal(err)
	}
	if rows := auditRows(t, s, id); len(rows) != 1 {
		t.Errorf("after a second transaction: %d rows, want 1", len(rows))
	}
}

func testAuditRollback(t *testing.T, s store.Store) {
	id := newCustomer(t, s)
	p := pendingAudit(id, "customer/edit")
	actx := store.WithAudit(ctx(t), p)
	errBoom := errors.New("boom")
	err := s.InTx(actx, func(tx store.Store) error {
		c, err := tx.CustomerGet(actx, id)
		if err != nil {
			return err
		}
		c.Name = "rolled back"
		if err := tx.CustomerUpdate(actx, c); err != nil {
			return err
		}
		return errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("InTx = %v", err)
	}
	if c, _ := s.CustomerGet(ctx(t), id); c.Name == "rolled back" {
		t.Fatal("the change was not rolled back")
	}
	if rows := auditRows(t, s, id); len(rows) != 0 {
		t.Fatalf("rolled-back transaction left audit rows %+v", rows)
	}
	if !p.Pending() {
		t.Fatal("entry not pending after the rollback")
	}
	rid, err := p.Finish(ctx(t), s, "internal-update-error")
	if err != nil {
		t.Fatal(err)
	}
	rows := auditRows(t, s, id)
	if len(rows) != 1 || rows[0].ID != rid || rows[0].Result != "internal-update-error" || rows[0].Command != "customer/edit" {
		t.Fatalf("after Finish: rows %+v, want one failure row %d", rows, rid)
	}
}

func testAuditReadOnlyTx(t *testing.T, s store.Store) {
	id := newCustomer(t, s)
	p := pendingAudit(id, "customer/edit")
	actx := store.WithAudit(ctx(t), p)
	if err := s.InTx(actx, func(tx store.Store) error {
		_, err := tx.CustomerGet(actx, id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if rows := auditRows(t, s, id); len(rows) != 0 || !p.Pending() {
		t.Fatalf("a read-only transaction wrote %+v (pending %v)", rows, p.Pending())
	}
	// The transaction that changes something writes it.
	if err := s.InTx(actx, func(tx store.Store) error {
		return tx.EmailCreate(actx, &store.Email{CustomerID: id, Time: 1, Address: "a@example.com"})
	}); err != nil {
		t.Fatal(err)
	}
	if rows := auditRows(t, s, id); len(rows) != 1 || rows[0].ID != p.Written() {
		t.Fatalf("rows %+v, written %d", rows, p.Written())
	}
}

func testAuditOutsideTx(t *testing.T, s store.Store) {
	id := newCustomer(t, s)
	// Writes made on the store itself (not in InTx) are journaled in a
	// transaction of their own.
	for i, write := range []func(context.Context) error{
		func(c context.Context) error {
			cust, err := s.CustomerGet(c, id)
			if err != nil {
				return err
			}
			cust.City = "Kraków"
			return s.CustomerUpdate(c, cust)
		},
		func(c context.Context) error {
			return s.EmailCreate(c, &store.Email{CustomerID: id, Time: 2, Address: "b@example.com"})
		},
		func(c context.Context) error { return s.CustomerSetAPIKey(c, id, hash("k")) },
	} {
		p := pendingAudit(id, "customer/edit")
		if err := write(store.WithAudit(ctx(t), p)); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
		rows := auditRows(t, s, id)
		if len(rows) != i+1 || p.Written() == 0 || rows[i].ID != p.Written() {
			t.Fatalf("write %d: rows %+v, written %d", i, rows, p.Written())
		}
	}
	// A failing write outside a transaction leaves the entry pending.
	p := pendingAudit(id, "customer/edit")
	err := s.CustomerUpdate(store.WithAudit(ctx(t), p), store.Customer{ID: id + 1000, Language: "en", Currency: "EUR"})
	if !errors.Is(err, store.ErrNotFound) || !p.Pending() {
		t.Fatalf("update of a missing customer: %v, pending %v", err, p.Pending())
	}
	if rows := auditRows(t, s, id); len(rows) != 3 {
		t.Fatalf("failed write journaled: %+v", rows)
	}
}

func testAuditFinish(t *testing.T, s store.Store) {
	id := newCustomer(t, s)
	// Committed, then the command succeeds: no second row.
	p := pendingAudit(id, "customer/change-language")
	actx := store.WithAudit(ctx(t), p)
	if err := s.CustomerSetAPIAccess(actx, id, true); err != nil {
		t.Fatal(err)
	}
	if rid, err := p.Finish(ctx(t), s, ""); err != nil || rid != p.Written() {
		t.Fatalf("Finish = %d, %v; written %d", rid, err, p.Written())
	}
	// Committed, then the command fails: the row gets the error code.
	p2 := pendingAudit(id, "firewall/save")
	if err := s.CustomerSetAPIAccess(store.WithAudit(ctx(t), p2), id, true); err != nil {
		t.Fatal(err)
	}
	if _, err := p2.Finish(ctx(t), s, "internal-error"); err != nil {
		t.Fatal(err)
	}
	// Nothing written, success: one row written afterwards.
	p3 := pendingAudit(id, "vps/power-on")
	if _, err := p3.Finish(ctx(t), s, ""); err != nil {
		t.Fatal(err)
	}
	rows := auditRows(t, s, id)
	want := []string{"customer/change-language ok", "firewall/save internal-error", "vps/power-on ok"}
	if len(rows) != len(want) {
		t.Fatalf("rows %+v", rows)
	}
	for i, r := range rows {
		if got := r.Command + " " + r.Result; got != want[i] {
			t.Errorf("row %d: %s, want %s", i, got, want[i])
		}
	}
	if err := s.AuditSetResult(ctx(t), rows[2].ID+1000, "x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("AuditSetResult of a missing row = %v, want ErrNotFound", err)
	}
}

func testAuditListPrune(t *testing.T, s store.Store) {
	a, b := newCustomer(t, s), newCustomer(t, s)
	for i, e := range []store.AuditEntry{
		{At: 1000, CustomerID: a, Command: "dns/delete"},
		{At: 2000, CustomerID: b, Command: "dns/delete"},
		{At: 3000, CustomerID: a, Command: "dns/add-primary"},
		{At: 4000, CustomerID: a, Command: "rev-dns/edit"},
	} {
		e.Params, e.Result = "{}", "ok"
		if err := s.AuditWrite(ctx(t), &e); err != nil || e.ID == 0 {
			t.Fatalf("AuditWrite %d: %v (id %d)", i, err, e.ID)
		}
	}
	commands := func(f store.AuditFilter) []string {
		t.Helper()
		list, err := s.AuditList(ctx(t), f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range list {
			out = append(out, e.Command)
		}
		return out
	}
	check := func(what string, got []string, want ...string) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("%s: %q, want %q", what, got, want)
			return
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s: %q, want %q", what, got, want)
				return
			}
		}
	}
	check("customer a", commands(store.AuditFilter{CustomerID: a}), "dns/delete", "dns/add-primary", "rev-dns/edit")
	check("customer b", commands(store.AuditFilter{CustomerID: b}), "dns/delete")
	check("a since 2000", commands(store.AuditFilter{CustomerID: a, Since: 2000}), "dns/add-primary", "rev-dns/edit")
	check("all until 3000", commands(store.AuditFilter{Until: 3000}), "dns/delete", "dns/delete")
	check("a limit 1", commands(store.AuditFilter{CustomerID: a, Limit: 1}), "dns/delete")
	n, err := s.AuditPrune(ctx(t), 3000)
	if err != nil || n != 2 {
		t.Fatalf("AuditPrune = %d, %v; want 2", n, err)
	}
	check("after prune", commands(store.AuditFilter{}), "dns/add-primary", "rev-dns/edit")
}

var testLoginPolicy = store.LoginPolicy{MaxFailures: 10, Window: 600_000, Block: 600_000}

func testLoginFailBlocks(t *testing.T, s store.Store) {
	last := mustDNSChangesLast(t, s)
	const now = 1_700_000_000_000
	for i := 1; i < 10; i++ {
		until, err := s.LoginFail(ctx(t), "192.0.2.7", now+int64(i), testLoginPolicy)
		if err != nil || until != 0 {
			t.Fatalf("failure %d: blocked until %d, %v", i, until, err)
		}
	}
	// Another address is counted apart.
	if until, err := s.LoginFail(ctx(t), "2001:db8::1", now, testLoginPolicy); err != nil || until != 0 {
		t.Fatalf("other address: %d, %v", until, err)
	}
	until, err := s.LoginFail(ctx(t), "192.0.2.7", now+10, testLoginPolicy)
	if err != nil || until != now+10+600_000 {
		t.Fatalf("10th failure: blocked until %d, %v; want %d", until, err, now+10+600_000)
	}
	expectKindChanges(t, s, &last, "block", store.ChangeLoginBlock, "192.0.2.7")
	blocks, err := s.LoginBlocks(ctx(t), "", now+20)
	if err != nil || len(blocks) != 1 || blocks["192.0.2.7"] != until {
		t.Fatalf("LoginBlocks = %v, %v", blocks, err)
	}
	if b, _ := s.LoginBlocks(ctx(t), "2001:db8::1", now+20); len(b) != 0 {
		t.Fatalf("LoginBlocks(other) = %v", b)
	}
	if b, _ := s.LoginBlocks(ctx(t), "", until); len(b) != 0 {
		t.Fatalf("LoginBlocks after the block = %v", b)
	}
	// A failure while blocked reports the block.
	if u, err := s.LoginFail(ctx(t), "192.0.2.7", now+30, testLoginPolicy); err != nil || u != until {
		t.Fatalf("failure while blocked: %d, %v", u, err)
	}
	// The window slides: of the other address's failures, the one at
	// now leaves it at now+600,000, so eight more there make nine.
	for i := range 8 {
		if u, err := s.LoginFail(ctx(t), "2001:db8::1", now+600_000+int64(i), testLoginPolicy); err != nil || u != 0 {
			t.Fatalf("window slid, failure %d: %d, %v", i+1, u, err)
		}
	}
	// Failures spread wider than the window never block.
	for i := range 30 {
		if u, err := s.LoginFail(ctx(t), "192.0.2.99", now+int64(i)*70_000, testLoginPolicy); err != nil || u != 0 {
			t.Fatalf("slow failure %d: blocked until %d, %v", i+1, u, err)
		}
	}
	// Nine at the end of a window and one at the start of the next:
	// ten within ten minutes block.
	for i := range 9 {
		if u, _ := s.LoginFail(ctx(t), "192.0.2.98", now+500_000+int64(i), testLoginPolicy); u != 0 {
			t.Fatalf("failure %d blocks", i+1)
		}
	}
	if u, _ := s.LoginFail(ctx(t), "192.0.2.98", now+1_000_000, testLoginPolicy); u == 0 {
		t.Fatal("ten failures within ten minutes did not block")
	}
}

func testLoginFailConcurrent(t *testing.T, s store.Store) {
	last := mustDNSChangesLast(t, s)
	now := time.Now().UnixMilli()
	var wg sync.WaitGroup
	errs := make(chan error, 25)
	for range 25 {
		wg.Go(func() {
			_, err := s.LoginFail(ctx(t), "198.51.100.9", now, testLoginPolicy)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	// Counted one after the other: the 10th and the 20th block.
	expectKindChanges(t, s, &last, "blocks", store.ChangeLoginBlock, "198.51.100.9", "198.51.100.9")
}

func testLoginPrune(t *testing.T, s store.Store) {
	const now = 1_700_000_000_000
	for _, a := range []string{"192.0.2.1", "192.0.2.2"} {
		if _, err := s.LoginFail(ctx(t), a, now, testLoginPolicy); err != nil {
			t.Fatal(err)
		}
	}
	for range 10 {
		if _, err := s.LoginFail(ctx(t), "192.0.2.3", now, testLoginPolicy); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.LoginFail(ctx(t), "192.0.2.2", now+700_000, testLoginPolicy); err != nil {
		t.Fatal(err)
	}
	// Pruned at now+500,000, failures after now+100,000 counting: .1 is
	// forgotten, .2 (failed at now+700,000) and .3 (blocked until
	// now+600,000) are kept.
	if err := s.LoginPrune(ctx(t), now+500_000, now+100_000); err != nil {
		t.Fatal(err)
	}
	blocks, err := s.LoginBlocks(ctx(t), "", now+500_000)
	if err != nil || len(blocks) != 1 || blocks["192.0.2.3"] == 0 {
		t.Fatalf("blocks after prune = %v, %v", blocks, err)
	}
	// .2 still counts: nine more failures in its window block it.
	var until int64
	for range 9 {
		if until, err = s.LoginFail(ctx(t), "192.0.2.2", now+700_001, testLoginPolicy); err != nil {
			t.Fatal(err)
		}
	}
	if until == 0 {
		t.Fatal("the pruned table forgot the failures of a current window")
	}
}
