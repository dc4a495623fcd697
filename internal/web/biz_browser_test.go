package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"
	"github.com/artnet-panel/artnet-panel/internal/web/webtest"
)

// Browser tests of the business pages: dashboard, services, invoices,
// e-mails and the dedicated offer, in Chromium against the built artnetd
// with the demo data.

// demoServices are the demo customer's services, one of each type.
var demoServices = []int64{12345, 12346, 12347, 12348, 12349, 12350, 12351, 12352, 12353, 12354, 12355, 12356, 12357}

// bizPages are the pages every language is checked on: path, a CSS
// selector the page shows, the screenshot's name.
func bizPages() [][3]string {
	p := [][3]string{
		{"/", "#by-type", "dashboard"},
		{"/services", "#services", "services"},
		{"/services?service_type=dedicated", "#services", "services-dedicated"},
		{"/invoices", "#invoices-none", "invoices-empty"},
		{"/emails", "#emails", "emails"},
		{"/emails/1", "#email-body", "email"},
		{"/offer", "#express-offer", "offer"},
		{"/offer/express/503/order", "#order-form", "offer-confirm"},
		{"/offer/custom", "#custom-form", "offer-custom"},
		{"/offer/custom?platform=0&hdd0=2&ram0=4&cpu0=1&bandwidth=0&other0=1&ip=0", "#quote-gross", "offer-custom-quote"},
	}
	for _, id := range demoServices {
		s := strconv.FormatInt(id, 10)
		p = append(p, [3]string{"/services/" + s, "#service-module", "service-" + s})
	}
	return p
}

// TestBizPagesAxe opens every business page in Polish and in English:
// each shows its content, passes axe-core (no serious or critical
// violation) and logs no console error; a screenshot of each is saved.
func TestBizPagesAxe(t *testing.T) {
	a := webtest.Start(t)
	b := webtest.NewBrowser(t, a)
	b.SignInDemo()
	for _, lang := range []string{"pl", "en"} {
		a.SetLanguage(t, lang)
		for _, p := range bizPages() {
			b.Go(p[0])
			if !b.Exists(p[1]) {
				t.Errorf("%s (%s): no %s", p[0], lang, p[1])
				continue
			}
			if got := webtest.Run(b, chromedp.Evaluate[string](`document.documentElement.lang`)); got != lang {
				t.Errorf("%s: lang %q, want %q", p[0], got, lang)
			}
			if strings.Contains(b.Text("main"), "[") && regexp.MustCompile(`\[[a-z]+\.[a-z.\-]+\]`).MatchString(b.Text("main")) {
				t.Errorf("%s (%s): a text key without a text: %s", p[0], lang, b.Text("main"))
			}
			b.Axe()
			b.Screenshot(p[2])
		}
	}
	b.CheckErrors()
}

// TestBizDashboard: the counts by type link to the filtered list, the
// last e-mails are listed, and a service that expires within 30 days is
// shown with its days left (one added to the database as an operator's
// import would; the running server hears of it through the change feed).
func TestBizDashboard(t *testing.T) {
	a := webtest.Start(t)
	a.SetLanguage(t, "pl")
	b := webtest.NewBrowser(t, a)
	b.SignInDemo()
	b.Go("/")
	if got := b.Text("#by-type tfoot"); !strings.Contains(got, "13") {
		t.Errorf("total: %q", got)
	}
	if !strings.Contains(b.Text("#expiring"), "Żadna usługa") {
		t.Errorf("expiring before: %q", b.Text("#expiring"))
	}
	if !strings.Contains(b.Text("#last-emails"), "Welcome to Artnet") {
		t.Errorf("last e-mails: %q", b.Text("#last-emails"))
	}
	b.Do(chromedp.Click(chromedp.CSS(`#by-type a[href="/services?service_type=ssl"]`)), chromedp.WaitVisible(chromedp.CSS("#services")))
	if rows := webtest.Run(b, chromedp.Evaluate[int](`document.querySelectorAll("#services tbody tr").length`)); rows != 1 {
		t.Errorf("ssl services: %d rows", rows)
	}
	ctx := context.Background()
	db, err := sqlite.Open(ctx, strings.TrimPrefix(a.DB, "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := store.Service{CustomerID: a.CustomerID, Type: "ssl", Name: "SSL expiring.test", Currency: "PLN", PaymentPeriod: 12,
		ExpirationTime: time.Now().Add(10*24*time.Hour + time.Hour).Unix(), PriceMinor: 10000, PriceBruttoMinor: 12300,
		Details: []byte(`{"domain": "expiring.test", "certificate": {"pl": "Certyfikat DV", "en": "DV certificate"}}`)}
	if err := db.ServiceCreate(ctx, &svc); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; {
		b.Go("/")
		got := b.Text("#expiring")
		if strings.Contains(got, "SSL expiring.test") {
			if !strings.Contains(got, "10 dni do końca") {
				t.Errorf("expiring: %q", got)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the expiring service is not shown: %q", got)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if got := b.Text("#by-type tfoot"); !strings.Contains(got, "14") {
		t.Errorf("total after: %q", got)
	}
	b.Screenshot("expiring")
}

// TestBizServicesFiltersAndPaging: the filter form maps to services/list's
// parameters and the paging links walk the list.
func TestBizServicesFiltersAndPaging(t *testing.T) {
	a := webtest.Start(t)
	a.SetLanguage(t, "en")
	b := webtest.NewBrowser(t, a)
	b.SignInDemo()
	rows := func() []string {
		return webtest.Run(b, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#services tbody tr td:first-child")).map(td => td.textContent.trim())`))
	}
	b.Go("/services")
	if got := rows(); len(got) != 13 || got[0] != "12345" || b.Exists("#page-next") {
		t.Fatalf("first page: %v (next link %v)", got, b.Exists("#page-next"))
	}
	// 10 a page: 12345…12354, then 12355…12357.
	b.Do(chromedp.SetValue(chromedp.CSS("#f-limit"), "10"), chromedp.Click(chromedp.CSS(`form.filters button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("#page-next")))
	if got := rows(); len(got) != 10 || got[9] != "12354" {
		t.Fatalf("page 1 of 10: %v", got)
	}
	b.Do(chromedp.Click(chromedp.CSS("#page-next")), chromedp.WaitVisible(chromedp.CSS("#page-prev")))
	if got := rows(); len(got) != 3 || got[0] != "12355" || b.Exists("#page-next") {
		t.Fatalf("page 2 of 10: %v", got)
	}
	if p := b.Path(); !strings.Contains(p, "limit=10") || !strings.Contains(p, "offset=10") {
		t.Errorf("page 2 path %q", p)
	}
	if got := b.Text("#shown"); !strings.Contains(got, "11–13") {
		t.Errorf("shown %q", got)
	}
	b.Do(chromedp.Click(chromedp.CSS("#page-prev")), chromedp.WaitVisible(chromedp.CSS("#page-next")))
	if got := rows(); len(got) != 10 || got[0] != "12345" {
		t.Fatalf("back to page 1: %v", got)
	}
	// The children of 12345: the additional IP and the licence.
	b.Go("/services?parent_service_id=12345")
	if got := rows(); strings.Join(got, ",") != "12349,12355" {
		t.Errorf("children of 12345: %v", got)
	}
	// Type and parent together, then a type with paging.
	b.Go("/services?parent_service_id=12345&service_type=software")
	if got := rows(); strings.Join(got, ",") != "12355" {
		t.Errorf("software children of 12345: %v", got)
	}
	b.Go("/services")
	b.Do(chromedp.SetValue(chromedp.CSS("#f-type"), "vps"), chromedp.Click(chromedp.CSS(`form.filters button[type=submit]`)))
	waitPath(t, b, "service_type=vps")
	if got := rows(); strings.Join(got, ",") != "12347" {
		t.Errorf("vps: %v", got)
	}
	if p := b.Path(); !strings.Contains(p, "service_type=vps") {
		t.Errorf("vps path %q", p)
	}
	// A bad filter value answers the command's error text.
	b.Go("/services?service_type=nonsense")
	if got := b.Text("#page-error"); !strings.HasPrefix(got, apperr.Describe(apperr.CodeIncorrectParamValue, "").EN) {
		t.Errorf("bad type error: %q", got)
	}
	b.Go("/services?limit=-1")
	if !b.Exists("#page-error") {
		t.Error("negative limit: no error")
	}
}

// TestBizOrderInvoicePDF orders an express server in the browser (price
// shown before, confirmation), lands on its proforma invoice, finds it in
// the invoices list and downloads its PDF, which pdftotext reads.
func TestBizOrderInvoicePDF(t *testing.T) {
	a := webtest.Start(t)
	b := webtest.NewBrowser(t, a)
	b.SignInDemo()
	a.SetLanguage(t, "en")
	b.Go("/offer")
	b.Do(chromedp.Click(chromedp.CSS(`#express-503 a.button`)), chromedp.WaitVisible(chromedp.CSS("#order-form")))
	// 299 PLN net + 23 % VAT = 367.77 PLN.
	if got := b.Text("#order-gross"); got != "367.77 PLN" {
		t.Errorf("gross before the order: %q", got)
	}
	b.Screenshot("confirm")
	b.Do(chromedp.Click(chromedp.CSS("#order-submit")), chromedp.WaitVisible(chromedp.CSS("#invoice-lines")))
	if p := b.Path(); !regexp.MustCompile(`^/invoices/PF/\d{4}/000001\?ordered=1$`).MatchString(p) {
		t.Fatalf("after the order: %q", p)
	}
	if got := b.Text("#amount-due"); got != "367.77 PLN" {
		t.Errorf("amount due %q", got)
	}
	number := strings.TrimPrefix(strings.TrimSuffix(b.Path(), "?ordered=1"), "/invoices/")
	b.Screenshot("ordered")
	b.Go("/invoices")
	if got := b.Text("#invoices"); !strings.Contains(got, number) || !strings.Contains(got, "367.77 PLN") {
		t.Errorf("invoices list: %q", got)
	}
	b.Axe()
	b.Screenshot("invoices")
	// The server is sold: no longer on offer.
	b.Go("/offer")
	if b.Exists("#express-503") {
		t.Error("503 still on offer after the order")
	}

	// Download the PDF as a customer does: the link on the invoice page.
	dir := t.TempDir()
	if _, err := chromedp.CallBrowser(b.Ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(b.Ctx, 30*time.Second)
	defer cancel()
	events := chromedp.BrowserEvents(ctx, browser.DownloadProgress)
	b.Go("/invoices/" + number)
	b.Do(chromedp.Click(chromedp.CSS("#invoice-pdf")))
	var file string
	for ev, err := range events {
		if err != nil {
			t.Fatalf("download: %v", err)
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			file = filepath.Join(dir, ev.GUID)
			break
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			t.Fatal("download cancelled")
		}
	}
	out, err := exec.Command("pdftotext", "-layout", file, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	text := string(out)
	for _, want := range []string{strings.ReplaceAll(number, "%2F", "/"), "ACME sp. z o.o.", "5261040828", "SYS-5019C-M"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(strings.ReplaceAll(text, " ", ""), "367,77") && !strings.Contains(text, "367.77") {
		t.Errorf("PDF text lacks the gross amount:\n%s", text)
	}
}

func ptr[T any](v T) *T { return &v }

// waitPath waits until the page shown has a path containing want (a
// boosted form swaps the page in place: the old one stays until then).
func waitPath(t *testing.T, b *webtest.Browser, want string) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(b.Path(), want); {
		if time.Now().After(deadline) {
			t.Fatalf("the page is still %q, want %q", b.Path(), want)
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.Do(chromedp.WaitReady(chromedp.CSS("main")))
}

// client is a signed-in HTTP client of the panel (no browser): it keeps
// the session cookie itself (the cookie is Secure, and net/http's jar
// sends Secure cookies over https only).
type client struct {
	t      *testing.T
	base   string
	cookie string
}

func signIn(t *testing.T, a *webtest.Artnetd, login, password string) *client {
	c := &client{t: t, base: a.URL}
	resp := c.do("POST", "/signin", url.Values{"login": {login}, "password": {password}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: HTTP %d", resp.StatusCode)
	}
	return c
}

// do sends a request without following redirects.
func (c *client) do(method, path string, form url.Values) *http.Response {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if c.cookie != "" {
		req.Header.Set("Cookie", c.cookie)
	}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	for _, ck := range resp.Cookies() {
		if ck.Name == "artnet_session" && ck.Value != "" {
			c.cookie = ck.Name + "=" + ck.Value
		}
	}
	return resp
}

// get returns the status and body of a page.
func (c *client) get(path string) (int, string) {
	c.t.Helper()
	resp := c.do("GET", path, nil)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestBizOrderIdempotent: the confirmation form carries an
// Idempotency-Key; sending it twice (a double click, a reload) orders once
// and both land on the same invoice. A new form for the sold server
// answers the catalogue's invalid-server-id text.
func TestBizOrderIdempotent(t *testing.T) {
	a := webtest.Start(t)
	c := signIn(t, a, strconv.FormatInt(a.CustomerID, 10), a.Password)
	_, page := c.get("/offer/express/502/order")
	m := regexp.MustCompile(`name="idempotency_key" value="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no key in the form:\n%s", page)
	}
	var where []string
	for range 2 {
		resp := c.do("POST", "/offer/express/502/order", url.Values{"idempotency_key": {m[1]}})
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("order: HTTP %d", resp.StatusCode)
		}
		where = append(where, resp.Header.Get("Location"))
	}
	if where[0] != where[1] || !strings.HasPrefix(where[0], "/invoices/PF/") {
		t.Errorf("two sends landed on %v", where)
	}
	list := a.API(t, "invoices/list", nil)["invoices_list"].([]any)
	if len(list) != 1 {
		t.Errorf("%d invoices after two sends of one form", len(list))
	}
	// Another form (a new key) for the sold server: the order is refused.
	resp := c.do("POST", "/offer/express/502/order", url.Values{"idempotency_key": {"another-key-123"}})
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(b), apperr.Describe(apperr.CodeInvalidServerID, "").EN) {
		t.Errorf("second order of a sold server: HTTP %d\n%s", resp.StatusCode, b)
	}
}

// TestBizIsolation: another customer's service, e-mail and invoice answer
// exactly as missing ones (404, the same page).
func TestBizIsolation(t *testing.T) {
	a := webtest.Start(t)
	other := addOtherCustomer(t, a)
	// The other customer orders: its invoice is PF/YYYY/000001.
	resp, err := http.PostForm(a.URL+"/api/offer-dedicated/express-order", url.Values{"id": {"19099"}, "api_key": {other}, "server_id": {"501"}})
	if err != nil {
		t.Fatal(err)
	}
	var order struct {
		Success      bool
		OrderDetails struct {
			InvoiceNumber string `json:"invoice_number"`
			ServiceID     int64  `json:"service_id"`
		} `json:"order_details"`
	}
	json.NewDecoder(resp.Body).Decode(&order)
	resp.Body.Close()
	if !order.Success {
		t.Fatal("the other customer's order failed")
	}
	c := signIn(t, a, strconv.FormatInt(a.CustomerID, 10), a.Password)
	pairs := [][2]string{
		{"/services/99001", "/services/999991"},
		{"/services/" + strconv.FormatInt(order.OrderDetails.ServiceID, 10), "/services/999992"},
		{"/emails/9001", "/emails/999993"},
		{"/invoices/" + order.OrderDetails.InvoiceNumber, "/invoices/PF/2000/999999"},
		{"/invoices/" + order.OrderDetails.InvoiceNumber + "/pdf", "/invoices/PF/2000/999999/pdf"},
	}
	for _, p := range pairs {
		st1, body1 := c.get(p[0])
		st2, body2 := c.get(p[1])
		// The pages differ only by their own path (the language switch
		// comes back to it).
		body1, body2 = strings.ReplaceAll(body1, p[0], "PATH"), strings.ReplaceAll(body2, p[1], "PATH")
		if st1 != http.StatusNotFound || st1 != st2 || body1 != body2 {
			t.Errorf("%s: HTTP %d, %s (missing): HTTP %d; bodies equal %v", p[0], st1, p[1], st2, body1 == body2)
		}
		if strings.Contains(body1, "Other Ltd") || strings.Contains(body1, "other@other.test") {
			t.Errorf("%s shows the other customer's data", p[0])
		}
	}
	// Lists show only the customer's own objects.
	for _, path := range []string{"/services?limit=100", "/emails", "/invoices", "/"} {
		_, body := c.get(path)
		if strings.Contains(body, "99001") || strings.Contains(body, "Other secret") || strings.Contains(body, order.OrderDetails.InvoiceNumber) {
			t.Errorf("%s shows the other customer's objects", path)
		}
	}
}

// addOtherCustomer imports customer 19099 (a service 99001 and an e-mail
// 9001) into a's database and returns its API key.
func addOtherCustomer(t *testing.T, a *webtest.Artnetd) string {
	t.Helper()
	const key = "otherotherotherotherotherother0123456789"
	inv := `{"customers": [{"customer": {"id": 19099, "name": "Other Ltd", "email": "other@other.test",
	  "country_code": "PL", "language": "en", "currency": "PLN", "business": true},
	 "api_key": "` + key + `", "api_access": true, "reseller": true,
	 "services": [{"service": {"id": 99001, "type": "other", "name": "Other secret", "custom_description": null,
	   "expiration_time": 1893456000, "parent_service_id": 0, "ip": "",
	   "payment_details": {"price": 1, "price_brutto": 1.23, "currency": "PLN", "payment_period": 1}}, "details": {}}],
	 "emails": [{"id": 9001, "time": 1764230400, "address": "other@other.test", "subject": "Other secret", "body": "x"}]}]}`
	a.Import(t, inv)
	a.SetWebPassword(t, 19099, otherPassword)
	return key
}

// otherPassword is the web password of customer 19099.
const otherPassword = "other-customer-password-1"

// TestBizReservations: a reseller sees its prices and reserves an express
// server (shown as reserved, in its reservations), then cancels it; a
// customer who is no reseller is offered no reservation.
func TestBizReservations(t *testing.T) {
	a := webtest.Start(t)
	addOtherCustomer(t, a)
	b := webtest.NewBrowser(t, a)
	b.SignIn("19099", otherPassword)
	b.Go("/offer")
	if got := b.Text("#express-502 .price"); !strings.Contains(got, "769.00 PLN") || !strings.Contains(got, "reseller price") {
		t.Errorf("reseller price: %q", got)
	}
	b.Do(chromedp.Click(chromedp.CSS(`#express-502 form[action="/offer/express/502/reserve"] button`)),
		chromedp.WaitVisible(chromedp.CSS("#reservations")))
	if got := b.Text("#reservations"); !strings.Contains(got, "#502") {
		t.Errorf("reservations: %q", got)
	}
	if !strings.Contains(b.Text("#express-502"), "Reserved by you") || !strings.Contains(b.Text("p.done"), "reserved for 48 hours") {
		t.Errorf("after the reservation: %q / %q", b.Text("#express-502"), b.Text("p.done"))
	}
	b.Axe()
	b.Screenshot("reserved")
	b.Do(chromedp.Click(chromedp.CSS(`#reservations form[action="/offer/express/502/cancel"] button`)),
		chromedp.WaitVisible(chromedp.CSS("#reservations-none")))
	if !b.Exists(`#express-502 form[action="/offer/express/502/reserve"]`) {
		t.Error("no reserve button after the cancellation")
	}
	// The demo customer is no reseller: regular prices, no reservation.
	c := signIn(t, a, strconv.FormatInt(a.CustomerID, 10), a.Password)
	_, page := c.get("/offer")
	if strings.Contains(page, "/reserve") || !strings.Contains(page, "899.00 PLN") {
		t.Errorf("the demo customer's offer offers reservations or lacks the regular price")
	}
	// Reserving anyway (a form made by hand) answers the catalogue's text.
	resp := c.do("POST", "/offer/express/502/reserve", url.Values{})
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(body), apperr.Describe(apperr.CodeInvalidServerID, "").EN) {
		t.Errorf("reservation by a non-reseller: HTTP %d", resp.StatusCode)
	}
}
