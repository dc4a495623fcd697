package web_test

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/artnet-panel/artnet-panel/internal/web/webtest"
)

// digDNSSEC asks the DNS server at addr for name's DNSKEY set with the DO
// bit and returns dig's answer section (one record a line).
func digDNSSEC(t *testing.T, addr, name string) string {
	t.Helper()
	host, port, _ := strings.Cut(addr, ":")
	args := []string{"@" + host, "-p", port, "+dnssec", "+norecurse", "+noall", "+answer", "+time=5", "+tries=1", name, "DNSKEY"}
	out, err := exec.Command("dig", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("dig %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// reloadUntil opens path until an element matches sel (what the DNSSEC
// lifecycle loop does next is not at once).
func reloadUntil(b *webtest.Browser, path, sel string) {
	b.T.Helper()
	for range 100 {
		b.Go(path)
		if b.Exists(sel) {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	b.T.Fatalf("%s: no %s", path, sel)
}

// TestDNSSECPage: the DNSSEC section of a primary zone's page. DNSSEC is
// enabled in the browser (artnetd --demo seals the keys with the demo
// key), the page shows the DS records and the DNS server answers the
// DNSKEY set signed; disabling goes through the confirmation page and
// leaves the zone "disabling". Both languages, axe-core, screenshots.
func TestDNSSECPage(t *testing.T) {
	// The DS set goes to the (simulated) registry a second after signing,
	// so that disabling has a DS to remove first.
	a, dnsAddr := startDNS(t, "--dnssec-propagation", "1s", "--dnssec-tick", "1s")
	b := webtest.NewBrowser(t, a)
	b.SignInDemo()

	for _, lang := range []string{"pl", "en"} {
		a.SetLanguage(t, lang)
		b.Go("/dns/1")
		if got := webtest.Run(b, chromedp.AttributeValue(chromedp.CSS("#dnssec-state"), "data-state")).Value; got != "off" {
			t.Fatalf("%s: DNSSEC state %q, want off", lang, got)
		}
		if b.Exists("#ds-list") {
			t.Errorf("%s: DS records of an unsigned zone", lang)
		}
		shot(b, "dnssec-off")
	}
	a.SetLanguage(t, "en")
	if got := b.Text("#dnssec-state"); got != "off" {
		t.Errorf("state text %q", got)
	}
	if got := digDNSSEC(t, dnsAddr, "acme.test"); strings.Contains(got, "DNSKEY") {
		t.Fatalf("DNSKEY of the unsigned zone:\n%s", got)
	}

	// Enable with the default algorithm.
	if got := webtest.Run(b, chromedp.Evaluate[string](`document.querySelector("#dnssec-alg").value`)); got != "ECDSAP256SHA256" {
		t.Errorf("default algorithm %q", got)
	}
	submit(b, nil, `#dnssec-enable button[type=submit]`, ".done")
	if got := b.Text(".done"); got != "DNSSEC was enabled: the zone is signed." {
		t.Errorf("after enabling: %q", got)
	}
	if got := webtest.Run(b, chromedp.AttributeValue(chromedp.CSS("#dnssec-state"), "data-state")).Value; got != "signing" {
		t.Fatalf("state after enabling %q", got)
	}
	if got := b.Text("#dnssec-algorithm"); got != "ECDSA P-256 with SHA-256 (13)" {
		t.Errorf("algorithm %q", got)
	}
	ds := strings.Fields(b.Text("#ds-list"))
	// acme.test. TTL IN DS <tag> 13 2 <digest>
	if len(ds) < 8 || ds[0] != "acme.test." || ds[3] != "DS" || ds[5] != "13" || ds[6] != "2" || !regexp.MustCompile(`^[0-9A-Fa-f]{64}$`).MatchString(ds[7]) {
		t.Errorf("DS records shown: %q", b.Text("#ds-list"))
	}
	if !b.Exists("#dnssec-rollover") {
		t.Error("no next rollover")
	}
	// acme.test is a domain at the registry: the DS set reaches it.
	reloadUntil(b, "/dns/1", `#dnssec-registry[data-registry="holds"]`)
	ans := digDNSSEC(t, dnsAddr, "acme.test")
	if !regexp.MustCompile(`(?m)^acme\.test\.\s+\d+\s+IN\s+DNSKEY\s+257 3 13 `).MatchString(ans) ||
		!regexp.MustCompile(`(?m)^acme\.test\.\s+\d+\s+IN\s+RRSIG\s+DNSKEY 13 `).MatchString(ans) {
		t.Errorf("dig +dnssec DNSKEY acme.test: want a KSK and its RRSIG:\n%s", ans)
	}
	for _, lang := range []string{"pl", "en"} {
		a.SetLanguage(t, lang)
		b.Go("/dns/1")
		shot(b, "dnssec-signing")
		b.Go("/dns/1/dnssec/disable")
		shot(b, "dnssec-disable")
	}
	a.SetLanguage(t, "en")

	// Enabling a signed zone again: the catalogue's text.
	if status, body := fetch(b, "POST", "/dns/1/dnssec/enable", nil); status != 422 || !strings.Contains(body, `id="page-error">DNSSEC is already on for this zone`) {
		i := strings.Index(body, "page-error")
		t.Errorf("enable twice: %d %q", status, body[max(0, i-20):min(len(body), i+120)])
	}

	// Disable: the link goes to the confirmation page (the safe order).
	b.Go("/dns/1")
	b.Do(chromedp.Click(chromedp.CSS("#dnssec-disable-link")), chromedp.WaitVisible(chromedp.CSS("#dnssec-disable")))
	q := b.Text("#dnssec-disable-question")
	if !strings.Contains(q, "acme.test") || !strings.Contains(q, "first the DS records are removed") {
		t.Errorf("confirmation page: %q", q)
	}
	submit(b, nil, `#dnssec-disable button[type=submit]`, ".done")
	if got := webtest.Run(b, chromedp.AttributeValue(chromedp.CSS("#dnssec-state"), "data-state")).Value; got != "disabling" {
		t.Fatalf("state after disabling %q", got)
	}
	if !b.Exists(`#dnssec-enable button`) || b.Exists("#dnssec-disable-link") || b.Exists("#ds-list") {
		t.Error("a disabling zone: want the enable-again button, no disable link, no DS to give")
	}
	// The DS goes from the registry first; then the unsign time is known.
	reloadUntil(b, "/dns/1", "#dnssec-unsign")
	if b.Exists("#registry-ds-list") {
		t.Errorf("the registry still holds %q", b.Text("#registry-ds-list"))
	}
	// Still signed until the TTLs have passed.
	if ans := digDNSSEC(t, dnsAddr, "acme.test"); !strings.Contains(ans, "RRSIG") {
		t.Errorf("a disabling zone is served unsigned at once:\n%s", ans)
	}
	for _, lang := range []string{"pl", "en"} {
		a.SetLanguage(t, lang)
		b.Go("/dns/1")
		shot(b, "dnssec-disabling")
	}
}

// TestDNSSECNoKey: a node without a DNSSEC sealing key (no --demo, no
// --dnssec-secret-key) answers dns/dnssec-enable with an error; the page
// shows its catalogue text and the zone stays unsigned.
func TestDNSSECNoKey(t *testing.T) {
	seeded := webtest.Start(t)
	n := webtest.StartDB(t, seeded.DB, false)
	n.CustomerID, n.Password = seeded.CustomerID, seeded.Password
	b := webtest.NewBrowser(t, n)
	b.SignInDemo()
	b.Go("/dns/1")
	submit(b, nil, `#dnssec-enable button[type=submit]`, "#page-error")
	if got := b.Text("#page-error"); got != "Internal DNS error" && got != "Wewnętrzny błąd DNS" {
		t.Errorf("page error %q", got)
	}
	if got := webtest.Run(b, chromedp.AttributeValue(chromedp.CSS("#dnssec-state"), "data-state")).Value; got != "off" {
		t.Errorf("state %q, want off", got)
	}
	if b.Exists(".done") || b.Exists("#ds-list") {
		t.Error("more than the error after a failed enable")
	}
}
