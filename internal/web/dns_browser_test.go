package web_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/artnet-panel/artnet-panel/internal/web/webtest"
)

// Browser tests of the DNS, reverse DNS and domain pages against the built
// artnetd (serve --demo) with its DNS server on: what a page saves is
// asked of the DNS server with dig.

// startDNS starts artnetd with its DNS server on 127.0.0.1:0 and returns
// it with the DNS server's address; extra are more flags.
func startDNS(t *testing.T, extra ...string) (*webtest.Artnetd, string) {
	t.Helper()
	a := webtest.Start(t, append([]string{"--dns", "127.0.0.1:0"}, extra...)...)
	re := regexp.MustCompile(`"msg":"dns listening","addr":"([^"]+)"`)
	for range 200 {
		if m := re.FindStringSubmatch(a.Log()); m != nil {
			return a, m[1]
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("artnetd logged no dns address:\n%s", a.Log())
	return nil, ""
}

// dig asks the DNS server at addr (host:port) with dig +short and returns
// the answer's lines; opts are dig's other arguments (name, type, -x).
func dig(t *testing.T, addr string, opts ...string) []string {
	t.Helper()
	host, port, _ := strings.Cut(addr, ":")
	args := append([]string{"@" + host, "-p", port, "+short", "+norecurse", "+time=5", "+tries=1"}, opts...)
	out, err := exec.Command("dig", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("dig %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// digStatus returns the status of the DNS server's answer (NOERROR,
// REFUSED, NXDOMAIN...).
func digStatus(t *testing.T, addr string, opts ...string) string {
	t.Helper()
	host, port, _ := strings.Cut(addr, ":")
	args := append([]string{"@" + host, "-p", port, "+norecurse", "+time=5", "+tries=1"}, opts...)
	out, _ := exec.Command("dig", args...).CombinedOutput()
	m := regexp.MustCompile(`status: ([A-Z]+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("dig %s: no status\n%s", strings.Join(args, " "), out)
	}
	return string(m[1])
}

// submit fills the form fields (CSS selector → value), clicks the submit
// button and waits for an element matching waitFor on the page that
// answers. The messages of the last form are removed first, so waitFor
// finds the next page's. (Values are set by a script: chromedp.SetValue
// cannot set an empty value.)
func submit(b *webtest.Browser, fields map[string]string, button, waitFor string) {
	b.T.Helper()
	js := `document.querySelectorAll(".done, .error, .field-error").forEach(e => e.remove());`
	for sel, v := range fields {
		js += fmt.Sprintf(`(e => { e.value = %q; e.dispatchEvent(new Event("input", {bubbles: true})); })(document.querySelector(%q));`, v, sel)
	}
	webtest.Run(b, chromedp.Evaluate[bool](js+" true"))
	b.Do(chromedp.Click(chromedp.CSS(button)), chromedp.WaitVisible(chromedp.CSS(waitFor)))
}

// shot checks the page with axe-core and saves its screenshot.
func shot(b *webtest.Browser, name string) {
	b.T.Helper()
	b.Axe()
	b.Screenshot(name)
}

// acceptDialogs makes the tab accept every JavaScript confirm() (the
// record delete buttons ask with data-confirm).
func acceptDialogs(b *webtest.Browser) {
	dialogs := chromedp.Events(b.Ctx, page.JavascriptDialogOpening)
	go func() {
		for _, err := range dialogs {
			if err != nil {
				return
			}
			chromedp.Call(b.Ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
}

// fetch requests path in the page (same origin, the session's cookie)
// and returns the status and the body.
func fetch(b *webtest.Browser, method, path string, form url.Values) (int, string) {
	b.T.Helper()
	js := fmt.Sprintf(`fetch(%q, {method: %q, redirect: "manual"%s}).then(r => r.text().then(t => ({status: r.status, body: t})))`,
		path, method, bodyOpt(form))
	res := webtest.Run(b, chromedp.Evaluate[struct {
		Status int    `json:"status"`
		Body   string `json:"body"`
	}](js, chromedp.EvalAwaitPromise))
	return res.Status, res.Body
}

func bodyOpt(form url.Values) string {
	if form == nil {
		return ""
	}
	q, _ := json.Marshal(form.Encode())
	return `, headers: {"Content-Type": "application/x-www-form-urlencoded"}, body: ` + string(q)
}

// TestDNSPages: the zone list, a record edited in the browser and
// answered by the DNS server, a bad record's field error, a zone added
// and deleted, a secondary zone, in both languages with axe-core and
// screenshots.
func TestDNSPages(t *testing.T) {
	a, dnsAddr := startDNS(t)
	b := webtest.NewBrowser(t, a)
	acceptDialogs(b)
	b.SignInDemo()

	for _, lang := range []string{"pl", "en"} {
		a.SetLanguage(t, lang)
		b.Go("/dns")
		if !b.Exists(`#zones tr[data-zone="acme.test"]`) {
			t.Fatalf("%s: acme.test is not listed", lang)
		}
		shot(b, "dns-list")
		b.Go("/dns/1")
		shot(b, "dns-zone")
		b.Go("/dns/1/records/2")
		shot(b, "dns-record-edit")
		b.Go("/dns/1/records/new?type=SRV")
		if n := len(fieldsOf(b)); n != 4 {
			t.Errorf("%s: an SRV record has %d data fields, want 4", lang, n)
		}
		shot(b, "dns-record-new-srv")
		b.Go("/dns/1/delete")
		shot(b, "dns-delete")
	}
	a.SetLanguage(t, "en")

	// Edit the apex A record (record 0) and ask the DNS server.
	if got := dig(t, dnsAddr, "acme.test", "A"); strings.Join(got, ",") != "123.123.123.123" {
		t.Fatalf("acme.test A before: %v", got)
	}
	b.Go("/dns/1/records/0")
	if l := b.Text(`label[for="r-data1"]`); l != "IPv4 address" {
		t.Errorf("A data1 label %q", l)
	}
	submit(b, map[string]string{"#r-data1": "123.123.123.200"}, `#record-form button[type=submit]`, ".done")
	if got := dig(t, dnsAddr, "acme.test", "A"); strings.Join(got, ",") != "123.123.123.200" {
		t.Fatalf("acme.test A after the edit: %v", got)
	}

	// Add an MX record with its labelled fields.
	b.Go("/dns/1/records/new?type=MX")
	if l := b.Text(`label[for="r-data2"]`); l != "Mail server" {
		t.Errorf("MX data2 label %q", l)
	}
	submit(b, map[string]string{"#r-name": "shop", "#r-ttl": "600", "#r-data1": "5", "#r-data2": "mx.example.net."},
		`#record-form button[type=submit]`, ".done")
	if got := dig(t, dnsAddr, "shop.acme.test", "MX"); strings.Join(got, ",") != "5 mx.example.net." {
		t.Fatalf("shop.acme.test MX: %v", got)
	}

	// A bad address: the field's error, nothing saved.
	b.Go("/dns/1/records/new?type=A")
	submit(b, map[string]string{"#r-name": "bad", "#r-data1": "300.1.1.1"}, `#record-form button[type=submit]`, "#e-data1")
	if !strings.Contains(b.Text("#page-error"), "Incorrect parameter value") {
		t.Errorf("page error %q", b.Text("#page-error"))
	}
	shot(b, "dns-record-error")
	if got := dig(t, dnsAddr, "bad.acme.test", "A"); len(got) != 0 {
		t.Errorf("bad.acme.test A: %v", got)
	}

	// Delete the MX record just added (the last one) from the zone page.
	b.Go("/dns/1")
	rows := countRows(b, "#records tbody tr")
	last := fmt.Sprint(rows - 1)
	b.Do(chromedp.Click(chromedp.CSS(`#records tr[data-n="`+last+`"] form button`)), chromedp.WaitVisible(chromedp.CSS(".done")))
	if got := countRows(b, "#records tbody tr"); got != rows-1 {
		t.Errorf("records after delete: %d, want %d", got, rows-1)
	}
	if got := dig(t, dnsAddr, "shop.acme.test", "MX"); len(got) != 0 {
		t.Errorf("shop.acme.test MX after delete: %v", got)
	}

	// Add a primary zone (the demo customer may host acme-shop.test), give
	// it a record, see it served, delete it after the confirmation page.
	b.Go("/dns")
	submit(b, map[string]string{"#primary-domain": "acme-shop.test"}, `#add-primary button[type=submit]`, ".done")
	del := webtest.Run(b, chromedp.AttributeValue(chromedp.CSS("#delete-zone-link"), "href")).Value
	zonePath := strings.TrimSuffix(del, "/delete")
	if !regexp.MustCompile(`^/dns/\d+$`).MatchString(zonePath) || !strings.Contains(b.Text("h1"), "acme-shop.test") {
		t.Fatalf("after adding a zone: %s %q", zonePath, b.Text("h1"))
	}
	if got := digStatus(t, dnsAddr, "acme-shop.test", "SOA"); got != "NOERROR" {
		t.Fatalf("acme-shop.test SOA: %s", got)
	}
	b.Go(zonePath + "/records/new?type=TXT")
	submit(b, map[string]string{"#r-name": "@", "#r-data1": "hello from the browser"}, `#record-form button[type=submit]`, ".done")
	if got := dig(t, dnsAddr, "acme-shop.test", "TXT"); strings.Join(got, ",") != `"hello from the browser"` {
		t.Errorf("acme-shop.test TXT: %v", got)
	}
	// A domain the customer may not host: the catalogue's text.
	b.Go("/dns")
	submit(b, map[string]string{"#primary-domain": "example.org"}, `#add-primary button[type=submit]`, "#page-error")
	if got := b.Text("#page-error"); got != "You are not allowed to add this domain" {
		t.Errorf("example.org: %q", got)
	}
	shot(b, "dns-add-error")
	b.Go(zonePath)
	b.Do(chromedp.Click(chromedp.CSS("#delete-zone-link")), chromedp.WaitVisible(chromedp.CSS("#delete-zone")))
	if !strings.Contains(b.Text("main p"), "acme-shop.test") {
		t.Errorf("confirmation page: %q", b.Text("main p"))
	}
	submit(b, nil, `#delete-zone button[type=submit]`, ".done")
	if got := b.Text(".done"); got != "The zone was deleted." {
		t.Errorf("after deleting: %q", got)
	}
	if b.Exists(`#zones tr[data-zone="acme-shop.test"]`) {
		t.Error("the deleted zone is still listed")
	}
	if got := digStatus(t, dnsAddr, "acme-shop.test", "SOA"); got == "NOERROR" {
		t.Errorf("acme-shop.test SOA after delete: %s", got)
	}

	// A secondary zone: its master on the details page.
	b.Go("/dns")
	submit(b, map[string]string{"#secondary-domain": "sec.acme.test", "#secondary-master": "192.0.2.53"},
		`#add-secondary button[type=submit]`, ".done")
	if got := b.Text("#master"); got != "192.0.2.53" {
		t.Errorf("secondary zone's master %q", got)
	}
	del = webtest.Run(b, chromedp.AttributeValue(chromedp.CSS("#delete-zone-link"), "href")).Value
	secPath := strings.TrimSuffix(del, "/delete")
	for _, lang := range []string{"pl", "en"} {
		a.SetLanguage(t, lang)
		b.Go(secPath)
		shot(b, "dns-secondary")
	}
	b.Go(secPath + "/delete")
	submit(b, nil, `#delete-zone button[type=submit]`, ".done")
	if b.Exists(`#zones tr[data-zone="sec.acme.test"]`) {
		t.Error("the deleted secondary zone is still listed")
	}
}

// fieldsOf returns the names of the data fields of the record form.
func fieldsOf(b *webtest.Browser) []string {
	return webtest.Run(b, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#record-form [name^=data]")].map(e => e.name)`))
}

func countRows(b *webtest.Browser, sel string) int {
	return webtest.Run(b, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)))
}

// TestDNSSerialLock: two browsers edit the same record; the second save
// finds the zone changed meanwhile, shows so with a reload link and does
// not overwrite the first.
func TestDNSSerialLock(t *testing.T) {
	a, dnsAddr := startDNS(t)
	a.SetLanguage(t, "en")
	b1 := webtest.NewBrowser(t, a)
	b2 := webtest.NewBrowser(t, a)
	b1.SignInDemo()
	b2.SignInDemo()
	// Record 3 is mail A 123.123.123.124.
	b1.Go("/dns/1/records/3")
	b2.Go("/dns/1/records/3")
	submit(b1, map[string]string{"#r-data1": "123.123.123.201"}, `#record-form button[type=submit]`, ".done")
	submit(b2, map[string]string{"#r-data1": "123.123.123.202"}, `#record-form button[type=submit]`, "#conflict")
	if got := b2.Text("#conflict"); !strings.Contains(got, "changed meanwhile") {
		t.Errorf("conflict message %q", got)
	}
	if got := b2.Text("#page-error"); got != "Incorrect SOA serial number" {
		t.Errorf("catalogue text %q", got)
	}
	// The form keeps what the second person typed.
	typed := webtest.Run(b2, chromedp.Value(chromedp.CSS("#r-data1")))
	if typed != "123.123.123.202" {
		t.Errorf("the form lost the typed value: %q", typed)
	}
	if ttl := webtest.Run(b2, chromedp.Value(chromedp.CSS("#r-ttl"))); ttl != "300" {
		t.Errorf("the form lost the TTL: %q", ttl)
	}
	b2.Axe()
	b2.Screenshot("dns-conflict")
	if got := dig(t, dnsAddr, "mail.acme.test", "A"); strings.Join(got, ",") != "123.123.123.201" {
		t.Fatalf("mail.acme.test A: %v (the first edit must stay)", got)
	}
	// The reload link shows the zone as it is now; saving again works.
	b2.Do(chromedp.Click(chromedp.CSS("#conflict a")), chromedp.WaitVisible(chromedp.CSS("#records")))
	if p := b2.Path(); p != "/dns/1" {
		t.Errorf("reload link: %s", p)
	}
	b2.Go("/dns/1/records/3")
	submit(b2, map[string]string{"#r-data1": "123.123.123.202"}, `#record-form button[type=submit]`, ".done")
	if got := dig(t, dnsAddr, "mail.acme.test", "A"); strings.Join(got, ",") != "123.123.123.202" {
		t.Fatalf("mail.acme.test A after reload and save: %v", got)
	}
	a.SetLanguage(t, "pl")
	b1.Go("/dns/1/records/3")
	b2.Go("/dns/1/records/3")
	submit(b1, map[string]string{"#r-data1": "123.123.123.203"}, `#record-form button[type=submit]`, ".done")
	submit(b2, map[string]string{"#r-data1": "123.123.123.204"}, `#record-form button[type=submit]`, "#conflict")
	if got := b2.Text("#page-error"); got != "Niepoprawny numer seryjny SOA" {
		t.Errorf("catalogue text (pl) %q", got)
	}
	b2.Screenshot("dns-conflict")
	// A record deleted from a zone page read before another change: the
	// conflict, the record still there.
	acceptDialogs(b1)
	b1.Go("/dns/1")
	b2.Go("/dns/1/records/3")
	submit(b2, map[string]string{"#r-data1": "123.123.123.205"}, `#record-form button[type=submit]`, ".done")
	rows := countRows(b1, "#records tbody tr")
	b1.Do(chromedp.Click(chromedp.CSS(`#records tr[data-n="3"] form button`)), chromedp.WaitVisible(chromedp.CSS("#conflict")))
	if got := countRows(b1, "#records tbody tr"); got != rows {
		t.Errorf("records after a refused delete: %d, want %d", got, rows)
	}
	if got := dig(t, dnsAddr, "mail.acme.test", "A"); strings.Join(got, ",") != "123.123.123.205" {
		t.Fatalf("mail.acme.test A after a refused delete: %v", got)
	}
	b1.Axe()
	b1.Screenshot("dns-delete-conflict")
}

// TestRevDNSPages: PTR records set in the browser and answered by the DNS
// server (IPv4 and IPv6), a bad host name's warning, axe and screenshots.
func TestRevDNSPages(t *testing.T) {
	a, dnsAddr := startDNS(t)
	b := webtest.NewBrowser(t, a)
	b.SignInDemo()
	sub4 := "/revdns/501?subclass=" + url.QueryEscape("123.123.124")
	sub6 := "/revdns/502?subclass=" + url.QueryEscape("2a01:1234:5678::/64")
	for _, lang := range []string{"pl", "en"} {
		a.SetLanguage(t, lang)
		b.Go("/revdns")
		shot(b, "revdns-list")
		b.Go(sub4)
		shot(b, "revdns-v4")
		b.Go(sub6)
		shot(b, "revdns-v6")
	}
	a.SetLanguage(t, "en")
	// The /29 lists its eight addresses.
	b.Go(sub4)
	if n := countRows(b, "#ptrs tbody tr"); n != 8 {
		t.Errorf("123.123.124.0/29: %d rows, want 8", n)
	}
	submit(b, map[string]string{`tr[data-address="123.123.124.3"] input[name^=ptr]`: "host3.acme.test"}, "#ptr-form button[type=submit]", ".done")
	if got := dig(t, dnsAddr, "-x", "123.123.124.3", "PTR"); strings.Join(got, ",") != "host3.acme.test." {
		t.Fatalf("PTR of 123.123.124.3: %v", got)
	}
	// Emptying the field deletes the record.
	submit(b, map[string]string{`tr[data-address="123.123.124.3"] input[name^=ptr]`: ""}, "#ptr-form button[type=submit]", ".done")
	if got := dig(t, dnsAddr, "-x", "123.123.124.3", "PTR"); len(got) != 0 {
		t.Errorf("PTR of 123.123.124.3 after delete: %v", got)
	}
	// A bad host name: the warning, the record not set.
	submit(b, map[string]string{`tr[data-address="123.123.124.4"] input[name^=ptr]`: "bad name"}, "#ptr-form button[type=submit]", "#warnings")
	if got := b.Text("#warnings"); !strings.Contains(got, "123.123.124.4") || !strings.Contains(got, "Incorrect parameter value") {
		t.Errorf("warnings %q", got)
	}
	if v := webtest.Run(b, chromedp.Value(chromedp.CSS(`tr[data-address="123.123.124.4"] input[name^=ptr]`))); v != "bad name" {
		t.Errorf("the refused value was not kept for correction: %q", v)
	}
	if !b.Exists(`tr[data-address="123.123.124.4"] input[aria-invalid=true]`) {
		t.Error("the refused row is not marked invalid")
	}
	shot(b, "revdns-warning")
	// IPv6: a new record by address.
	b.Go(sub6)
	submit(b, map[string]string{`input[name="new_address[1]"]`: "2a01:1234:5678::5", `input[name="new_ptr[1]"]`: "v6.acme.test"},
		"#ptr-form button[type=submit]", ".done")
	if got := dig(t, dnsAddr, "-x", "2a01:1234:5678::5", "PTR"); strings.Join(got, ",") != "v6.acme.test." {
		t.Fatalf("PTR of 2a01:1234:5678::5: %v", got)
	}
	if !b.Exists(`#ptrs tr[data-address="2a01:1234:5678::5"]`) {
		t.Error("the new IPv6 record is not listed")
	}
	// Serial lock: a form read before another change is refused.
	b2 := webtest.NewBrowser(t, a)
	b2.SignInDemo()
	b.Go(sub4)
	b2.Go(sub4)
	submit(b, map[string]string{`tr[data-address="123.123.124.5"] input[name^=ptr]`: "five.acme.test"}, "#ptr-form button[type=submit]", ".done")
	submit(b2, map[string]string{`tr[data-address="123.123.124.5"] input[name^=ptr]`: "other.acme.test"}, "#ptr-form button[type=submit]", "#conflict")
	if got := dig(t, dnsAddr, "-x", "123.123.124.5", "PTR"); strings.Join(got, ",") != "five.acme.test." {
		t.Fatalf("PTR of 123.123.124.5: %v (the first edit must stay)", got)
	}
}

// TestDomainPages: the domains, a delegation whose name servers are
// reordered in the browser; the registry (the simulator of --demo) holds
// them in that order.
func TestDomainPages(t *testing.T) {
	a := webtest.Start(t)
	b := webtest.NewBrowser(t, a)
	b.SignInDemo()
	for _, lang := range []string{"pl", "en"} {
		a.SetLanguage(t, lang)
		b.Go("/domains")
		shot(b, "domains")
		b.Go("/domains/12348")
		shot(b, "domain")
	}
	// Add a server in front, keep the two others in their order.
	submit(b, map[string]string{`input[name="server[3]"]`: "ns3.example.net", `input[name="position[3]"]`: "0"},
		"#ns-form button[type=submit]", ".done")
	want := []string{"ns3.example.net", "ns1.artnet.pl", "ns2.artnet.pl"}
	if got := formServers(b); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("servers after save: %v, want %v", got, want)
	}
	if got := registryServers(t, a); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("registry: %v, want %v", got, want)
	}
	// Move the first to the end by its position number.
	submit(b, map[string]string{`input[name="position[1]"]`: "9"}, "#ns-form button[type=submit]", ".done")
	want = []string{"ns1.artnet.pl", "ns2.artnet.pl", "ns3.example.net"}
	if got := formServers(b); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("servers after reorder: %v, want %v", got, want)
	}
	if got := registryServers(t, a); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("registry after reorder: %v, want %v", got, want)
	}
	// One server only: the catalogue's text, nothing changed.
	submit(b, map[string]string{`input[name="server[2]"]`: "", `input[name="server[3]"]`: ""}, "#ns-form button[type=submit]", "#page-error")
	if got := b.Text("#page-error"); got != "Not enough DNS servers given (at least two are required)" {
		t.Errorf("one server: %q", got)
	}
	shot(b, "domain-error")
	if got := registryServers(t, a); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("registry after a refused change: %v", got)
	}
}

// formServers returns the names of the name-server form in row order.
func formServers(b *webtest.Browser) []string {
	return webtest.Run(b, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#ns input[name^=server]")].map(e => e.value).filter(v => v)`))
}

// registryServers asks artnetd admin registry check for the delegation
// of acme.test the registry simulator holds.
func registryServers(t *testing.T, a *webtest.Artnetd) []string {
	t.Helper()
	out := a.Admin(t, "", "admin", "registry", "check", "--db", a.DB, "--registry", "sim", "acme.test")
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 0 && f[0] == "registry" {
			return f[1:]
		}
	}
	t.Fatalf("admin registry check:\n%s", out)
	return nil
}

// TestDNSIsolation: another customer's zone, subnetwork and domain answer
// exactly like ones that do not exist, and a delete posted for another
// customer's zone changes nothing.
func TestDNSIsolation(t *testing.T) {
	a := webtest.Start(t)
	inv := filepath.Join(t.TempDir(), "other.json")
	other := `{"customers": [{
  "customer": {"id": 30001, "name": "Other sp. z o.o.", "email": "it@other.test", "country_code": "PL", "language": "en", "currency": "PLN", "business": true},
  "api_key": "otherotherotherotherotherotherother1", "api_access": true, "reseller": false,
  "services": [
    {"service": {"id": 30010, "type": "domain", "name": "other.test", "custom_description": null, "expiration_time": 1893456000, "parent_service_id": 0, "ip": "",
                 "payment_details": {"price": 50, "price_brutto": 61.5, "currency": "PLN", "payment_period": 12}},
     "details": {"domain_name": "other.test", "manageable": true, "dns_servers": ["ns1.other.test", "ns2.other.test"]}},
    {"service": {"id": 30011, "type": "additional-ip", "name": "IP 123.123.200.0/29", "custom_description": null, "expiration_time": 1893456000, "parent_service_id": 0, "ip": "123.123.200.0",
                 "payment_details": {"price": 10, "price_brutto": 12.3, "currency": "PLN", "payment_period": 1}},
     "details": {"subnetworks": [{"id": 30020, "ip": "123.123.200.0", "mask": "255.255.255.248", "mask_short": "/29", "type": "IPv4"}]}}],
  "dns_zones": [{"id": 300, "domain": "other.test", "type": "primary", "serial": 2025010101,
                 "records": [{"name": "@", "ttl": 3600, "type": "A", "data1": "192.0.2.10"}]}]}]}`
	if err := os.WriteFile(inv, []byte(other), 0o600); err != nil {
		t.Fatal(err)
	}
	a.Admin(t, "", "admin", "import", "--db", a.DB, inv)
	b := webtest.NewBrowser(t, a)
	b.SignInDemo()
	pairs := [][2]string{
		{"/dns/300", "/dns/999999"},
		{"/dns/300/delete", "/dns/999999/delete"},
		{"/dns/300/records/0", "/dns/999999/records/0"},
		{"/dns/300/records/new", "/dns/999999/records/new"},
		{"/revdns/30020?subclass=123.123.200", "/revdns/999999?subclass=123.123.200"},
		{"/domains/30010", "/domains/999999"},
		// A service of the customer's that is not a domain.
		{"/domains/12345", "/domains/999999"},
	}
	for _, p := range pairs {
		s1, b1 := fetch(b, "GET", p[0], nil)
		s2, b2 := fetch(b, "GET", p[1], nil)
		// The page names its own path (the language switch comes back to it).
		b1 = strings.ReplaceAll(b1, p[0], p[1])
		if s1 != 404 || s2 != 404 || b1 != b2 {
			t.Errorf("GET %s: %d, GET %s: %d; same body: %v", p[0], s1, p[1], s2, b1 == b2)
		}
	}
	posts := []struct {
		other, missing string
		form           url.Values
	}{
		{"/dns/300/delete", "/dns/999999/delete", url.Values{}},
		{"/dns/300/records", "/dns/999999/records", url.Values{"serial": {"2025010101"}, "n": {"0"}, "delete": {"1"}}},
		{"/revdns/30020", "/revdns/999999", url.Values{"subclass": {"123.123.200"}, "serial": {"0"}, "origin[0]": {"1"}, "old[0]": {""}, "ptr[0]": {"x.acme.test"}}},
		{"/domains/30010", "/domains/999999", url.Values{"server[1]": {"ns1.acme.test"}, "position[1]": {"1"}, "server[2]": {"ns2.acme.test"}, "position[2]": {"2"}}},
	}
	for _, p := range posts {
		s1, b1 := fetch(b, "POST", p.other, p.form)
		s2, b2 := fetch(b, "POST", p.missing, p.form)
		b1 = strings.ReplaceAll(b1, p.other, p.missing)
		if s1 != 404 || s2 != 404 || b1 != b2 {
			t.Errorf("POST %s: %d, POST %s: %d; same body: %v", p.other, s1, p.missing, s2, b1 == b2)
		}
	}
	// The other customer's objects are as they were.
	resp := apiAs(t, a, 30001, "otherotherotherotherotherotherother1", "dns/details-primary", url.Values{"zone_id": {"300"}})
	if !strings.Contains(resp, `"data1":"192.0.2.10"`) {
		t.Errorf("zone 300 changed: %s", resp)
	}
	resp = apiAs(t, a, 30001, "otherotherotherotherotherotherother1", "domain/details", url.Values{"service_id": {"30010"}})
	if !strings.Contains(resp, `"dns_servers":["ns1.other.test","ns2.other.test"]`) {
		t.Errorf("domain 30010 changed: %s", resp)
	}
	resp = apiAs(t, a, 30001, "otherotherotherotherotherotherother1", "rev-dns/details", url.Values{"subnetwork_id": {"30020"}, "dns_subclass": {"123.123.200"}})
	if !strings.Contains(resp, `"ptr_records":[]`) {
		t.Errorf("subnetwork 30020 changed: %s", resp)
	}
	// The list shows the customer's zones only.
	b.Go("/dns")
	if b.Exists(`#zones tr[data-zone="other.test"]`) {
		t.Error("another customer's zone is listed")
	}
}

// apiAs calls the JSON API as customer id with key and returns the body.
func apiAs(t *testing.T, a *webtest.Artnetd, id int64, key, command string, params url.Values) string {
	t.Helper()
	v := url.Values{"id": {fmt.Sprint(id)}, "api_key": {key}}
	for k, vs := range params {
		v[k] = vs
	}
	resp, err := http.PostForm(a.URL+"/api/"+command, v)
	if err != nil {
		t.Fatalf("%s: %v", command, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s: %v", command, err)
	}
	return string(out)
}

// TestDNSWithoutJavaScript: with the page's scripts off, the record form,
// the zone's deletion (its confirmation page) and the PTR form work by
// plain form posts and redirects.
func TestDNSWithoutJavaScript(t *testing.T) {
	a, dnsAddr := startDNS(t)
	a.SetLanguage(t, "en")
	b := webtest.NewBrowser(t, a)
	b.SignInDemo()
	if _, err := chromedp.Call(b.Ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	b.Go("/dns/1/records/new?type=A")
	if webtest.Run(b, chromedp.Evaluate[bool](`typeof htmx !== "undefined"`)) {
		t.Fatal("htmx runs: the page's scripts are not off")
	}
	submit(b, map[string]string{"#r-name": "nojs", "#r-data1": "192.0.2.77"}, "#record-form button[type=submit]", ".done")
	if got := dig(t, dnsAddr, "nojs.acme.test", "A"); strings.Join(got, ",") != "192.0.2.77" {
		t.Fatalf("nojs.acme.test A: %v", got)
	}
	b.Go("/dns")
	submit(b, map[string]string{"#primary-domain": "acme-shop.test"}, "#add-primary button[type=submit]", ".done")
	b.Do(chromedp.Click(chromedp.CSS("#delete-zone-link")), chromedp.WaitVisible(chromedp.CSS("#delete-zone")))
	submit(b, nil, "#delete-zone button[type=submit]", ".done")
	if b.Exists(`#zones tr[data-zone="acme-shop.test"]`) {
		t.Error("the deleted zone is still listed")
	}
	b.Go("/revdns/501?subclass=123.123.124")
	submit(b, map[string]string{`tr[data-address="123.123.124.6"] input[name^=ptr]`: "six.acme.test"}, "#ptr-form button[type=submit]", ".done")
	if got := dig(t, dnsAddr, "-x", "123.123.124.6", "PTR"); strings.Join(got, ",") != "six.acme.test." {
		t.Fatalf("PTR of 123.123.124.6: %v", got)
	}
}
