package panel_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/store/postgres"
	"github.com/artnet-panel/artnet-panel/internal/store/postgres/pgtest"
	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"
)

// offerBackends runs fn on SQLite and on PostgreSQL.
func offerBackends(t *testing.T, fn func(t *testing.T, st store.Store)) {
	t.Run("sqlite", func(t *testing.T) {
		st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "offer.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		fn(t, st)
	})
	t.Run("postgres", func(t *testing.T) {
		st, err := postgres.Open(t.Context(), pgtest.NewSchema(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		fn(t, st)
	})
}

// clock is an injected clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

const hwJSON = `{"server":{"vendor":"Dell","model":"PowerEdge R640"},"cpu":[{"vendor":"Intel","model":"Xeon Silver 4214","clock":2.2,"cores":12,"ht":true}],"ram":[{"capacity":32,"type":"DDR4","speed":2933}],"hdd":[{"capacity":960,"type":"SSD","speed":"SATA"}],"hdd_controller":[{"model":"PERC H730P","builtin":true}]}`

type offerFixture struct {
	p        *panel.Panel
	clk      *clock
	reseller int64 // reseller, language pl, Polish name
	other    int64 // another reseller, language en
	regular  int64 // not a reseller
}

func newOfferFixture(t *testing.T, st store.Store) offerFixture {
	ctx := t.Context()
	clk := &clock{now: time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)}
	f := offerFixture{p: &panel.Panel{Store: st, Now: clk.Now}, clk: clk}
	for _, c := range []struct {
		id       *int64
		name     string
		nip      string
		lang     string
		reseller bool
	}{
		{&f.reseller, "Zażółć Gęślą Jaźń sp. z o.o.", "5261040828", "pl", true},
		{&f.other, "Other Reseller Ltd", "7740001454", "en", true},
		{&f.regular, "Regular Customer", "", "en", false},
	} {
		cust := store.Customer{Name: c.name, NIP: c.nip, Street: "ul. Łódzka 5", Postcode: "90-001", City: "Łódź",
			CountryCode: "PL", Email: strings.ToLower(strings.Fields(c.name)[0]) + "@example.test", Language: c.lang,
			Currency: "PLN", APIAccess: true, Reseller: c.reseller}
		if err := st.CustomerCreate(ctx, &cust); err != nil {
			t.Fatal(err)
		}
		*c.id = cust.ID
	}
	for id := int64(1); id <= 6; id++ {
		if err := st.ExpressServerPut(ctx, store.ExpressServer{ID: id, Hardware: []byte(hwJSON), RegularPrice: 64900,
			ResellerPrice: 54950, Currency: "PLN", PaymentPeriod: 1}); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func wantOfferCode(t *testing.T, err error, code string) {
	t.Helper()
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Code != code {
		t.Fatalf("got %v, want %s", err, code)
	}
}

func ids(list []artnet.ExpressServer) []int64 {
	var out []int64
	for _, s := range list {
		out = append(out, s.ID)
	}
	return out
}

func TestOfferReservations(t *testing.T) {
	offerBackends(t, func(t *testing.T, st store.Store) {
		ctx := t.Context()
		f := newOfferFixture(t, st)
		p := f.p

		// Prices: the reseller price only for resellers.
		list, err := p.ExpressOffer(ctx, f.regular)
		if err != nil || len(list) != 6 || list[0].Prices.Reseller != nil || list[0].Prices.Regular.Price != 64900 {
			t.Fatalf("regular offer: %+v %v", list, err)
		}
		list, err = p.ExpressOffer(ctx, f.reseller)
		if err != nil || list[0].Prices.Reseller == nil || list[0].Prices.Reseller.Price != 54950 || list[0].HardwareConfiguration.Server.Model != "PowerEdge R640" {
			t.Fatalf("reseller offer: %+v %v", list, err)
		}

		wantOfferCode(t, p.ExpressReservation(ctx, f.regular, 1), apperr.CodeInvalidServerID) // resellers only
		wantOfferCode(t, p.ExpressReservationCancel(ctx, f.regular, 1), apperr.CodeInvalidServerID)
		wantOfferCode(t, p.ExpressReservation(ctx, f.reseller, 99), apperr.CodeInvalidServerID) // unknown
		for _, id := range []int64{1, 2, 3} {
			if err := p.ExpressReservation(ctx, f.reseller, id); err != nil {
				t.Fatalf("reserve %d: %v", id, err)
			}
		}
		if err := p.ExpressReservation(ctx, f.reseller, 1); err != nil { // own again: fine, not extended
			t.Fatal(err)
		}
		wantOfferCode(t, p.ExpressReservation(ctx, f.reseller, 4), apperr.CodeInvalidServerID) // a 4th
		wantOfferCode(t, p.ExpressReservation(ctx, f.other, 1), apperr.CodeInvalidServerID)    // someone else's
		if _, err := p.ExpressOrder(ctx, f.other, 1); err == nil {
			t.Fatal("ordered a server reserved by another customer")
		}
		res, err := p.ExpressReservationsList(ctx, f.reseller)
		if err != nil || fmt.Sprint(ids(res)) != "[1 2 3]" {
			t.Fatalf("reservations: %v %v", ids(res), err)
		}
		others, _ := p.ExpressOffer(ctx, f.other)
		if fmt.Sprint(ids(others)) != "[4 5 6]" {
			t.Fatalf("the other reseller's offer: %v", ids(others))
		}
		own, _ := p.ExpressOffer(ctx, f.reseller)
		if len(own) != 6 {
			t.Fatalf("own offer has %v", ids(own))
		}
		if err := p.ExpressReservationCancel(ctx, f.reseller, 3); err != nil {
			t.Fatal(err)
		}
		wantOfferCode(t, p.ExpressReservationCancel(ctx, f.reseller, 3), apperr.CodeInvalidServerID)
		wantOfferCode(t, p.ExpressReservationCancel(ctx, f.other, 1), apperr.CodeInvalidServerID)
		if err := p.ExpressReservation(ctx, f.reseller, 4); err != nil { // room again
			t.Fatal(err)
		}

		// 48 hours later the reservations lapse by themselves.
		f.clk.Add(panel.ReservationTTL - time.Second)
		if res, _ := p.ExpressReservationsList(ctx, f.reseller); len(res) != 3 {
			t.Fatalf("before 48 h: %v", ids(res))
		}
		f.clk.Add(time.Second)
		if res, _ := p.ExpressReservationsList(ctx, f.reseller); len(res) != 0 {
			t.Fatalf("after 48 h: %v", ids(res))
		}
		if others, _ := p.ExpressOffer(ctx, f.other); len(others) != 6 {
			t.Fatalf("after 48 h the other reseller sees %v", ids(others))
		}
		if err := p.ExpressReservation(ctx, f.other, 1); err != nil {
			t.Fatalf("reserve a lapsed server: %v", err)
		}
		if n, err := p.ExpireReservations(ctx); err != nil || n != 2 { // 2 and 4 (1 was taken over)
			t.Fatalf("expired %d %v", n, err)
		}
		if _, err := p.ExpressOrder(ctx, f.other, 1); err != nil {
			t.Fatalf("order own reserved server: %v", err)
		}
		wantOfferCode(t, p.ExpressReservation(ctx, f.reseller, 1), apperr.CodeInvalidServerID) // sold
		if res, _ := p.ExpressReservationsList(ctx, f.other); len(res) != 0 {
			t.Fatalf("a sold server stays reserved: %v", ids(res))
		}
	})
}

func TestOfferOrder(t *testing.T) {
	offerBackends(t, func(t *testing.T, st store.Store) {
		ctx := t.Context()
		f := newOfferFixture(t, st)
		p := f.p
		p.Orders.ManagementURL = "https://panel.test/manage"

		d, err := p.ExpressOrder(ctx, f.reseller, 2)
		if err != nil {
			t.Fatal(err)
		}
		if d.InvoiceNumber != "PF/2026/000001" {
			t.Fatalf("invoice number %q", d.InvoiceNumber)
		}
		u, err := url.Parse(d.ManagementPanelURL)
		if err != nil || u.Host != "panel.test" || u.Query().Get("service_id") != fmt.Sprint(d.ServiceID) || len(u.Query().Get("token")) != 43 {
			t.Fatalf("management URL %q", d.ManagementPanelURL)
		}
		token := u.Query().Get("token")
		if tok, ok := p.CheckAccessToken(ctx, token); !ok || tok.ServiceID != d.ServiceID || tok.CustomerID != f.reseller {
			t.Fatalf("token: %+v %v", tok, ok)
		}
		if _, ok := p.CheckAccessToken(ctx, token+"x"); ok {
			t.Fatal("a wrong token works")
		}

		// The service: a dedicated server at the reseller price.
		svc, err := st.ServiceGet(ctx, f.reseller, d.ServiceID)
		if err != nil || svc.Type != artnet.ServiceTypeDedicated || svc.PriceMinor != 54950 || svc.PriceBruttoMinor != 67589 || svc.Currency != "PLN" {
			t.Fatalf("service %+v %v", svc, err)
		}
		det, err := p.ModuleDetails(ctx, f.reseller, d.ServiceID, artnet.ServiceTypeDedicated)
		if err != nil || det.(*artnet.DedicatedDetails).HardwareConfiguration.Server.Model != "PowerEdge R640" {
			t.Fatalf("details %+v %v", det, err)
		}
		// Gone from the offer; not orderable again.
		if list, _ := p.ExpressOffer(ctx, f.other); fmt.Sprint(ids(list)) != "[1 3 4 5 6]" {
			t.Fatalf("offer after the order: %v", ids(list))
		}
		_, err = p.ExpressOrder(ctx, f.other, 2)
		wantOfferCode(t, err, apperr.CodeInvalidServerID)
		_, err = p.ExpressOrder(ctx, f.other, 77)
		wantOfferCode(t, err, apperr.CodeInvalidServerID)

		// The invoice: exact amounts (549.50 net, 23 % = 126.385 → 126.39).
		inv, err := p.InvoiceDetails(ctx, f.reseller, d.InvoiceNumber)
		if err != nil {
			t.Fatal(err)
		}
		if inv.TotalNet != 54950 || inv.TotalVAT != 12639 || inv.TotalGross != 67589 || inv.IssueDate != "2026-12-04" ||
			inv.DueDate != "2026-12-11" || inv.Buyer.NIP != "5261040828" || inv.Seller.NIP != panel.DefaultSeller.NIP || len(inv.Lines) != 1 {
			t.Fatalf("invoice %+v", inv)
		}
		_, err = p.InvoiceDetails(ctx, f.other, d.InvoiceNumber) // another customer's
		wantOfferCode(t, err, apperr.CodeInvalidInvoiceNumber)
		list, err := p.InvoicesList(ctx, f.reseller, 0, 0)
		if err != nil || len(list) != 1 || list[0].Number != d.InvoiceNumber || list[0].Lines != nil {
			t.Fatalf("list %+v %v", list, err)
		}

		// The e-mail, in the customer's language, carries the link.
		mails, err := st.EmailList(ctx, f.reseller, 0, 0)
		if err != nil || len(mails) != 1 || mails[0].Subject != "Zamówienie serwera dedykowanego" ||
			!strings.Contains(mails[0].Body, d.InvoiceNumber) || !strings.Contains(mails[0].Body, d.ManagementPanelURL) {
			t.Fatalf("e-mails %+v %v", mails, err)
		}

		// The next order gets the next number; a new year starts at 1.
		d2, err := p.ExpressOrder(ctx, f.regular, 3)
		if err != nil || d2.InvoiceNumber != "PF/2026/000002" {
			t.Fatalf("second order %+v %v", d2, err)
		}
		if inv2, _ := p.InvoiceDetails(ctx, f.regular, d2.InvoiceNumber); inv2.TotalNet != 64900 {
			t.Fatalf("regular price invoice %+v", inv2)
		}
		f.clk.Add(28 * 24 * time.Hour) // 2027-01-01 10:00 UTC
		d3, err := p.ExpressOrder(ctx, f.regular, 4)
		if err != nil || d3.InvoiceNumber != "PF/2027/000001" {
			t.Fatalf("new year %+v %v", d3, err)
		}
		f.clk.Add(31 * 24 * time.Hour)
		if _, ok := p.CheckAccessToken(ctx, token); ok {
			t.Fatal("the token outlived its 30 days")
		}

		// The PDF reads right.
		doc, err := p.InvoiceProforma(ctx, f.reseller, d.InvoiceNumber)
		if err != nil || doc.ContentType != "application/pdf" || doc.FileName != "PF_2026_000001.pdf" {
			t.Fatalf("pdf %q %q %v", doc.FileName, doc.ContentType, err)
		}
		raw, err := base64.StdEncoding.DecodeString(doc.Content)
		if err != nil {
			t.Fatal(err)
		}
		text := pdfText(t, raw)
		for _, want := range []string{"Faktura pro forma nr PF/2026/000001", "NIP: 5261040828", "NIP: " + panel.DefaultSeller.NIP,
			"Zażółć Gęślą Jaźń sp. z o.o.", "Łódź", "Sprzedawca", "Nabywca", "Data sprzedaży", "Termin płatności",
			"549,50", "126,39", "675,89", "23%", "2026-12-04", "2026-12-11", "Do zapłaty: 675,89 PLN", "Gdańsk"} {
			if !strings.Contains(text, want) {
				t.Errorf("PDF text lacks %q:\n%s", want, text)
			}
		}
	})
}

// pdfText extracts the text of a PDF with pdftotext (Debian poppler-utils,
// installed by scripts/test.sh); with ARTNET_TEST_PDF_DIR set the PDF and
// a PNG of its page (pdftoppm) are left there to look at.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	dir := t.TempDir()
	if d := os.Getenv("ARTNET_TEST_PDF_DIR"); d != "" {
		dir = d
	}
	path := filepath.Join(dir, "proforma.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext (apt-get install poppler-utils): %v", err)
	}
	if os.Getenv("ARTNET_TEST_PDF_DIR") != "" {
		if err := exec.Command("pdftoppm", "-png", "-r", "80", path, filepath.Join(dir, "proforma")).Run(); err != nil {
			t.Fatalf("pdftoppm: %v", err)
		}
	}
	return string(out)
}

// TestOfferOrderRace: twenty customers order one server at once; exactly
// one wins, the others get invalid-server-id and leave nothing (service,
// invoice, invoice number, e-mail, token).
func TestOfferOrderRace(t *testing.T) {
	offerBackends(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		f := newOfferFixture(t, st)
		var custs []int64
		for i := range 20 {
			c := store.Customer{Name: fmt.Sprintf("Racer %d", i), Email: fmt.Sprintf("r%d@example.test", i), Language: "en", Currency: "PLN", Reseller: i%2 == 0}
			if err := st.CustomerCreate(ctx, &c); err != nil {
				t.Fatal(err)
			}
			custs = append(custs, c.ID)
		}
		var wins, lost atomic.Int32
		var winner atomic.Int64
		var wg sync.WaitGroup
		start := make(chan struct{})
		for _, c := range custs {
			wg.Go(func() {
				<-start
				d, err := f.p.ExpressOrder(ctx, c, 5)
				var ae *apperr.Error
				switch {
				case err == nil:
					wins.Add(1)
					winner.Store(c)
					if d.InvoiceNumber != "PF/2026/000001" {
						t.Errorf("winner's invoice %q", d.InvoiceNumber)
					}
				case errors.As(err, &ae) && ae.Code == apperr.CodeInvalidServerID:
					lost.Add(1)
				default:
					t.Errorf("customer %d: %v", c, err)
				}
			})
		}
		close(start)
		wg.Wait()
		if wins.Load() != 1 || lost.Load() != 19 {
			t.Fatalf("%d won, %d lost", wins.Load(), lost.Load())
		}
		for _, c := range custs {
			svcs, _ := st.ServiceList(ctx, store.ServiceFilter{CustomerID: c})
			invs, _ := st.InvoiceList(ctx, c, 0, 0)
			mails, _ := st.EmailList(ctx, c, 0, 0)
			want := 0
			if c == winner.Load() {
				want = 1
			}
			if len(svcs) != want || len(invs) != want || len(mails) != want {
				t.Errorf("customer %d: %d services, %d invoices, %d e-mails, want %d", c, len(svcs), len(invs), len(mails), want)
			}
		}
		srv, _ := st.ExpressServerGet(ctx, 5)
		if srv.SoldTo != winner.Load() || srv.SoldServiceID == 0 {
			t.Fatalf("server %+v", srv)
		}
		// The losers took no number: the next order gets 2.
		d, err := f.p.ExpressOrder(ctx, f.regular, 6)
		if err != nil || d.InvoiceNumber != "PF/2026/000002" {
			t.Fatalf("next order %+v %v", d, err)
		}
	})
}
