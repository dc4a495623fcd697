package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

var offerTests = []namedTest{
	{"ExpressServers", testExpressServers},
	{"ExpressSellRace", testExpressSellRace},
	{"InvoiceNumbers", testInvoiceNumbers},
	{"InvoiceScoping", testInvoiceScoping},
	{"AccessTokens", testAccessTokens},
	{"MailStates", testMailStates},
}

func offerCustomer(t *testing.T, s store.Store, name string) int64 {
	t.Helper()
	c := store.Customer{Name: name, Language: "en", Currency: "PLN", Reseller: true}
	if err := s.CustomerCreate(ctx(t), &c); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func putServer(t *testing.T, s store.Store, id int64) {
	t.Helper()
	if err := s.ExpressServerPut(ctx(t), store.ExpressServer{ID: id, Hardware: []byte(`{"server":{"model":"X"}}`),
		RegularPrice: 100, ResellerPrice: 90, Currency: "PLN", PaymentPeriod: 1}); err != nil {
		t.Fatal(err)
	}
}

func testExpressServers(t *testing.T, s store.Store) {
	a, b := offerCustomer(t, s, "a"), offerCustomer(t, s, "b")
	putServer(t, s, 1)
	putServer(t, s, 2)
	if err := s.ExpressReserve(ctx(t), 1, a, 200, 100); err != nil {
		t.Fatal(err)
	}
	if err := s.ExpressReserve(ctx(t), 1, b, 200, 150); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("reserve another's: %v", err)
	}
	if err := s.ExpressReserve(ctx(t), 9, b, 200, 150); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("reserve a missing one: %v", err)
	}
	if err := s.ExpressSell(ctx(t), 1, b, 150); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("sell another's reservation: %v", err)
	}
	if err := s.ExpressReservationCancel(ctx(t), 1, b, 150); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("cancel another's: %v", err)
	}
	// At 200 the reservation has lapsed: b may reserve, and a may not cancel.
	if err := s.ExpressReservationCancel(ctx(t), 1, a, 200); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("cancel a lapsed one: %v", err)
	}
	if err := s.ExpressReserve(ctx(t), 1, b, 400, 200); err != nil {
		t.Fatal(err)
	}
	srv, err := s.ExpressServerGet(ctx(t), 1)
	if err != nil || srv.ReservedBy != b || srv.ReservedUntil != 400 || !srv.Reserved(399) || srv.Reserved(400) {
		t.Fatalf("server %+v %v", srv, err)
	}
	if err := s.ExpressReserve(ctx(t), 2, a, 300, 200); err != nil {
		t.Fatal(err)
	}
	if n, err := s.ExpressReservationsExpire(ctx(t), 300); err != nil || n != 1 {
		t.Fatalf("expire: %d %v", n, err)
	}
	if err := s.ExpressSell(ctx(t), 1, b, 350); err != nil {
		t.Fatal(err)
	}
	if err := s.ExpressSoldService(ctx(t), 1, 0); err != nil {
		t.Fatal(err)
	}
	if err := s.ExpressSell(ctx(t), 1, b, 360); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("sell twice: %v", err)
	}
	if err := s.ExpressReserve(ctx(t), 1, a, 900, 360); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("reserve a sold one: %v", err)
	}
	all, err := s.ExpressServersAll(ctx(t))
	if err != nil || len(all) != 2 || all[0].SoldTo != b || all[0].SoldAt != 350 || all[0].ReservedBy != 0 || all[1].ReservedBy != 0 {
		t.Fatalf("all %+v %v", all, err)
	}
	if err := s.CustomerLock(ctx(t), a); err != nil {
		t.Fatal(err)
	}
	if err := s.CustomerLock(ctx(t), 999999); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("lock a missing customer: %v", err)
	}
}

func testExpressSellRace(t *testing.T, s store.Store) {
	putServer(t, s, 1)
	var custs []int64
	for i := range 10 {
		custs = append(custs, offerCustomer(t, s, fmt.Sprint("c", i)))
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for _, c := range custs {
		wg.Go(func() {
			err := s.InTx(ctx(t), func(tx store.Store) error { return tx.ExpressSell(ctx(t), 1, c, 100) })
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				wins++
			} else if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("customer %d: %v", c, err)
			}
		})
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("%d sales of one server", wins)
	}
}

func testInvoiceNumbers(t *testing.T, s store.Store) {
	c := offerCustomer(t, s, "a")
	next := func(year int) int64 {
		var n int64
		if err := s.InTx(ctx(t), func(tx store.Store) error {
			var err error
			n, err = tx.InvoiceNextNumber(ctx(t), year)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if a, b, c := next(2026), next(2026), next(2027); a != 1 || b != 2 || c != 1 {
		t.Fatalf("numbers %d %d %d", a, b, c)
	}
	// A rolled-back transaction returns its number.
	errRollback := errors.New("rollback")
	if err := s.InTx(ctx(t), func(tx store.Store) error {
		if n, err := tx.InvoiceNextNumber(ctx(t), 2026); err != nil || n != 3 {
			t.Fatalf("in tx: %d %v", n, err)
		}
		return errRollback
	}); !errors.Is(err, errRollback) {
		t.Fatal(err)
	}
	if n := next(2026); n != 3 {
		t.Fatalf("after a rollback: %d", n)
	}
	// Concurrent transactions get distinct, consecutive numbers.
	var wg sync.WaitGroup
	var mu sync.Mutex
	got := map[int64]bool{}
	for range 10 {
		wg.Go(func() {
			n := next(2030)
			mu.Lock()
			got[n] = true
			mu.Unlock()
		})
	}
	wg.Wait()
	for i := int64(1); i <= 10; i++ {
		if !got[i] {
			t.Fatalf("numbers %v", got)
		}
	}
	inv := store.Invoice{CustomerID: c, Number: "PF/2026/000001", Kind: "proforma", ServiceID: 5, IssuedAt: 10, SaleAt: 10, DueAt: 20,
		Currency: "PLN", Net: 100, VAT: 23, Gross: 123, Seller: []byte(`{}`), Buyer: []byte(`{}`), Lines: []byte(`[]`)}
	if err := s.InvoiceCreate(ctx(t), &inv); err != nil || inv.ID == 0 {
		t.Fatalf("create %v", err)
	}
	dup := inv
	dup.ID = 0
	if err := s.InvoiceCreate(ctx(t), &dup); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate number: %v", err)
	}
}

func testInvoiceScoping(t *testing.T, s store.Store) {
	a, b := offerCustomer(t, s, "a"), offerCustomer(t, s, "b")
	for i, c := range []int64{a, a, b} {
		inv := store.Invoice{CustomerID: c, Number: fmt.Sprintf("PF/2026/%06d", i+1), Kind: "proforma", Currency: "PLN",
			Net: int64(i), Seller: []byte(`{}`), Buyer: []byte(`{}`), Lines: []byte(`[]`)}
		if err := s.InvoiceCreate(ctx(t), &inv); err != nil {
			t.Fatal(err)
		}
	}
	list, err := s.InvoiceList(ctx(t), a, 0, 0)
	if err != nil || len(list) != 2 || list[0].Number != "PF/2026/000002" {
		t.Fatalf("list %+v %v", list, err)
	}
	if page, _ := s.InvoiceList(ctx(t), a, 1, 1); len(page) != 1 || page[0].Number != "PF/2026/000001" {
		t.Fatalf("page %+v", page)
	}
	if _, err := s.InvoiceGet(ctx(t), b, "PF/2026/000001"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another customer's invoice: %v", err)
	}
	if inv, err := s.InvoiceGet(ctx(t), b, "PF/2026/000003"); err != nil || inv.CustomerID != b {
		t.Fatalf("own invoice: %+v %v", inv, err)
	}
	if all, _ := s.InvoicesAll(ctx(t)); len(all) != 3 {
		t.Fatalf("all %d", len(all))
	}
}

func testAccessTokens(t *testing.T, s store.Store) {
	c := offerCustomer(t, s, "a")
	if err := s.AccessTokenCreate(ctx(t), store.AccessToken{Hash: hash("t"), Purpose: "server-management", CustomerID: c, ServiceID: 7, ExpiresAt: 99}); err != nil {
		t.Fatal(err)
	}
	tok, err := s.AccessTokenGet(ctx(t), hash("t"))
	if err != nil || tok.ServiceID != 7 || tok.CustomerID != c || tok.ExpiresAt != 99 || tok.Purpose != "server-management" {
		t.Fatalf("token %+v %v", tok, err)
	}
	if _, err := s.AccessTokenGet(ctx(t), hash("u")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown token: %v", err)
	}
}

func testMailStates(t *testing.T, s store.Store) {
	c := offerCustomer(t, s, "a")
	e := store.Email{CustomerID: c, Time: 5, Address: "a@example.test", Subject: "s", Body: "b"}
	if err := s.EmailCreate(ctx(t), &e); err != nil {
		t.Fatal(err)
	}
	m, err := s.MailGet(ctx(t), e.ID)
	if err != nil || m.Status != store.MailRecorded || m.Attempts != 0 || m.Subject != "s" {
		t.Fatalf("recorded %+v %v", m, err)
	}
	if err := s.MailRequeue(ctx(t), e.ID); err == nil {
		t.Fatal("requeue without delivery configured")
	}
	if err := s.MailAttempt(ctx(t), e.ID, store.MailQueued, "451 later", 6); err != nil {
		t.Fatal(err)
	}
	if err := s.MailAttempt(ctx(t), e.ID, store.MailSent, "", 7); err != nil {
		t.Fatal(err)
	}
	if err := s.MailAttempt(ctx(t), e.ID, store.MailSent, "", 8); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("marked sent twice: %v", err)
	}
	m, _ = s.MailGet(ctx(t), e.ID)
	if m.Status != store.MailSent || m.Attempts != 2 || m.SentAt != 7 || m.LastError != "" {
		t.Fatalf("sent %+v", m)
	}
	if list, err := s.MailList(ctx(t), store.MailSent, 0); err != nil || len(list) != 1 {
		t.Fatalf("list sent %+v %v", list, err)
	}
	if list, _ := s.MailList(ctx(t), store.MailFailed, 0); len(list) != 0 {
		t.Fatalf("list failed %+v", list)
	}
	if _, err := s.MailGet(ctx(t), 999999); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing: %v", err)
	}
}
