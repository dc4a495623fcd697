package web_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/bgp"
	"github.com/artnet-panel/artnet-panel/internal/driver/gobgp"
	"github.com/artnet-panel/artnet-panel/internal/web/webtest"
)

// Browser tests of the network pages. The BGP tests run artnetd with its
// embedded GoBGP speaker peering with an independent GoBGP speaker of the
// test (the collector, on 127.0.0.3): what the pages change is looked up
// in the routes the peer received.

// startNetBGP starts a GoBGP collector on 127.0.0.3 and artnetd (--demo)
// with its speaker peering with it.
func startNetBGP(t *testing.T) (*webtest.Artnetd, *gobgp.Collector) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	col, err := gobgp.StartCollector(ctx, netip.MustParseAddr("127.0.0.3"), 64511, netip.MustParseAddr("127.0.0.1"), 64510)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(col.Close)
	a := webtest.Start(t, "--bgp-asn", "64510", "--bgp-router-id", "127.0.0.1", "--bgp-local-address", "127.0.0.1",
		"--bgp-peers", fmt.Sprintf("64511@127.0.0.3:%d", col.Port), "--bgp-blackhole-nexthop", "198.18.0.1")
	return a, col
}

// netWaitRIB waits (at most 60 s) until the peer's routes satisfy ok.
func netWaitRIB(t *testing.T, col *gobgp.Collector, what string, ok func(map[netip.Prefix]bgp.Announcement) bool) map[netip.Prefix]bgp.Announcement {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	rib, err := col.WaitRIB(ctx, ok)
	if err != nil {
		t.Fatalf("the BGP peer never saw %s: %v; it holds %v", what, err, rib)
	}
	return rib
}

// netCatalogue returns the catalogue's text of code in lang.
func netCatalogue(code, lang string) string {
	d := apperr.Describe(code, "")
	if lang == "pl" {
		return d.PL
	}
	return d.EN
}

// TestNetworkBlackholes: an address blackholed in the browser reaches the
// BGP peer as its host route with the BLACKHOLE community and the discard
// next hop, and is withdrawn when disabled (with JavaScript: data-confirm;
// without: the confirmation page); bad addresses show the catalogue's
// text at the field; the administrator's blackhole has no button and a
// forced disable shows the command's refusal. Both languages, axe-core,
// screenshots.
func TestNetworkBlackholes(t *testing.T) {
	a, col := startNetBGP(t)
	b := webtest.NewBrowser(t, a)
	b.SignInDemo()
	acceptDialogs(b)
	bh4 := netip.MustParsePrefix("123.123.124.5/32")
	bh6 := netip.MustParsePrefix("2a01:1234:5678::5/128")
	admin := netip.MustParsePrefix("123.123.124.6/32")
	// The demo's operator blackhole is announced from the start.
	netWaitRIB(t, col, "the operator's blackhole", func(r map[netip.Prefix]bgp.Announcement) bool { return r[admin].IsBlackhole() })

	for _, lang := range []string{"en", "pl"} {
		a.SetLanguage(t, lang)
		b.Go("/network")
		if got := b.Text("#overview-blackholes"); !strings.Contains(got, "123.123.124.6") {
			t.Errorf("%s overview: %q", lang, got)
		}
		if got := b.Text("#overview-failover"); !strings.Contains(got, "123.123.127.1") || !strings.Contains(got, "123.123.123.123") {
			t.Errorf("%s overview fail-over: %q", lang, got)
		}
		shot(b, "overview")
		b.Go("/network/blackholes")
		// The administrator's blackhole: listed, no button.
		if !b.Exists(`#blackholes tr[data-ip="123.123.124.6"][data-type="admin"]`) || b.Exists(`#blackholes tr[data-ip="123.123.124.6"] form`) {
			t.Errorf("%s: the admin blackhole is not listed or has a button", lang)
		}
		// Field errors: the catalogue's texts under the field.
		for _, c := range []struct{ ip, code string }{
			{"not-an-address", apperr.CodeIncorrectIP},
			{"8.8.8.8", apperr.CodeIPNotAllowed},
			{"123.123.124.6", apperr.CodeIPAlreadyBlackholed},
		} {
			submit(b, map[string]string{"#bh-ip": c.ip}, "#blackhole-enable button[type=submit]", "#e-bh-ip")
			if got := b.Text("#e-bh-ip"); !strings.HasPrefix(got, netCatalogue(c.code, lang)) {
				t.Errorf("%s enable %s: field error %q, want %q", lang, c.ip, got, netCatalogue(c.code, lang))
			}
			if got := webtest.Run(b, chromedp.Evaluate[string](`document.querySelector("#bh-ip").value`)); got != c.ip {
				t.Errorf("%s enable %s: the field shows %q", lang, c.ip, got)
			}
		}
		shot(b, "field-error")
		b.Go("/network/blackholes/123.123.124.6/disable")
		if b.Exists("#blackhole-disable") || !strings.Contains(b.Text("#page-error"), netCatalogue(apperr.CodeAdminBlackhole, lang)) {
			t.Errorf("%s: the admin blackhole's confirmation page offers a button or no reason", lang)
		}
		shot(b, "admin-disable")
	}

	// Enable IPv4 and IPv6 in the browser: the peer receives them.
	a.SetLanguage(t, "en")
	b.Go("/network/blackholes")
	submit(b, map[string]string{"#bh-ip": "123.123.124.5"}, "#blackhole-enable button[type=submit]", ".done")
	submit(b, map[string]string{"#bh-ip": "2a01:1234:5678::5"}, "#blackhole-enable button[type=submit]", ".done")
	if !b.Exists(`#blackholes tr[data-ip="123.123.124.5"][data-type="customer"] form`) || !b.Exists(`#blackholes tr[data-ip="2a01:1234:5678::5"] form`) {
		t.Fatal("the blackholes set in the browser are not listed with a button")
	}
	rib := netWaitRIB(t, col, "the blackholes set in the browser", func(r map[netip.Prefix]bgp.Announcement) bool {
		_, ok4 := r[bh4]
		_, ok6 := r[bh6]
		return ok4 && ok6
	})
	if r := rib[bh4]; !r.IsBlackhole() || r.NextHop.String() != "198.18.0.1" || bgp.FormatCommunity(r.Communities[0]) != "65535:666" {
		t.Errorf("the peer received %s as %v", bh4, r)
	}
	if r := rib[bh6]; !r.IsBlackhole() || r.NextHop.String() != "100::1" {
		t.Errorf("the peer received %s as %v", bh6, r)
	}
	shot(b, "enabled")
	a.SetLanguage(t, "pl")
	b.Go("/network/blackholes?done=net.bh.enabled")
	shot(b, "enabled")
	a.SetLanguage(t, "en")

	// Disable with JavaScript: data-confirm asks (accepted), no page between.
	b.Do(b.ClickNext(`#blackholes tr[data-ip="123.123.124.5"] button`), chromedp.WaitVisible(chromedp.CSS(".done")))
	if p := b.Path(); p != "/network/blackholes?done=net.bh.disabled" {
		t.Errorf("after the confirmed disable: %s", p)
	}
	if b.Exists(`#blackholes tr[data-ip="123.123.124.5"]`) {
		t.Error("the disabled blackhole is still listed")
	}
	netWaitRIB(t, col, "the withdrawal of "+bh4.String(), func(r map[netip.Prefix]bgp.Announcement) bool { _, ok := r[bh4]; return !ok })
	if ups := col.UpdatesFor(bh4); len(ups) < 2 || !ups[len(ups)-1].Withdraw {
		t.Errorf("the peer saw %+v for %s, want an announcement then a withdrawal", ups, bh4)
	}

	// The confirmation page (axe-core needs JavaScript: checked before
	// it is turned off).
	for _, lang := range []string{"en", "pl"} {
		a.SetLanguage(t, lang)
		b.Go("/network/blackholes/2a01:1234:5678::5/disable")
		shot(b, "confirm")
	}
	// Without JavaScript the same button leads to the confirmation page.
	if _, err := chromedp.Call(b.Ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	b.Go("/network/blackholes")
	b.Do(b.ClickNext(`#blackholes tr[data-ip="2a01:1234:5678::5"] button`), chromedp.WaitVisible(chromedp.CSS("#blackhole-disable")))
	if p := b.Path(); p != "/network/blackholes/2a01:1234:5678::5/disable" {
		t.Errorf("the unconfirmed disable went to %s", p)
	}
	// Still announced: nothing happens before the confirmation.
	if r, err := col.RIB(context.Background()); err != nil || !r[bh6].IsBlackhole() {
		t.Errorf("before the confirmation the peer holds %v (%v)", r, err)
	}
	submit(b, nil, "#blackhole-disable button[type=submit]", ".done")
	netWaitRIB(t, col, "the withdrawal of "+bh6.String(), func(r map[netip.Prefix]bgp.Announcement) bool { _, ok := r[bh6]; return !ok })
	if _, err := chromedp.Call(b.Ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false}); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "pl"} {
		a.SetLanguage(t, lang)
		b.Go("/network/blackholes?done=net.bh.disabled")
		shot(b, "disabled")
	}

	// A forced disable of the administrator's blackhole: refused with the
	// catalogue's text; the route stays.
	for _, lang := range []string{"en", "pl"} {
		a.SetLanguage(t, lang)
		b.Go("/network/blackholes")
		status, body := fetch(b, "POST", "/network/blackholes/123.123.124.6/disable", url.Values{"confirmed": {"1"}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, netCatalogue(apperr.CodeAdminBlackhole, lang)) {
			t.Errorf("%s forced admin disable: HTTP %d", lang, status)
		}
	}
	if r, err := col.RIB(context.Background()); err != nil || !r[admin].IsBlackhole() {
		t.Errorf("the operator's blackhole left the peer: %v (%v)", r, err)
	}
	list := a.API(t, "ip-blackholing/list", nil)["blackholed_ips_list"].([]any)
	if len(list) != 1 {
		t.Errorf("blackholes left: %v", list)
	}
}

// TestNetworkFailover: a fail-over IP switched in the browser reaches the
// BGP peer as the virtual IP's route with the new next hop, and
// fail-over-ip/details answers the new real_ip; a target not allowed
// shows the catalogue's text at the field.
func TestNetworkFailover(t *testing.T) {
	a, col := startNetBGP(t)
	b := webtest.NewBrowser(t, a)
	b.SignInDemo()
	vip := netip.MustParsePrefix("123.123.127.1/32")
	netWaitRIB(t, col, "the fail-over route", func(r map[netip.Prefix]bgp.Announcement) bool {
		return r[vip].NextHop.String() == "123.123.123.123"
	})
	for _, lang := range []string{"en", "pl"} {
		a.SetLanguage(t, lang)
		b.Go("/network/failover")
		if got := b.Text(`#failover tr[data-id="12353"] td.real`); got != "123.123.123.123" {
			t.Errorf("%s list: current target %q", lang, got)
		}
		shot(b, "list")
		b.Do(b.ClickNext(`#failover tr[data-id="12353"] a[href="/network/failover/12353"]`))
		if got := b.Text("#real-ip"); got != "123.123.123.123" {
			t.Errorf("%s details: current target %q", lang, got)
		}
		opts := webtest.Run(b, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#fo-real option")].map(o => o.value)`))
		if strings.Join(opts, ",") != "123.123.123.123,123.123.125.10" {
			t.Errorf("%s: the select offers %v", lang, opts)
		}
		shot(b, "details")
		// A target not on the allowed list (an option added by hand).
		b.Eval(`(() => { const o = document.createElement("option"); o.value = o.text = "8.8.8.8"; document.querySelector("#fo-real").append(o); })()`)
		submit(b, map[string]string{"#fo-real": "8.8.8.8"}, "#failover-switch button[type=submit]", "#e-fo-real")
		if got := b.Text("#e-fo-real"); !strings.HasPrefix(got, netCatalogue(apperr.CodeIPNotAllowed, lang)) {
			t.Errorf("%s: field error %q", lang, got)
		}
		shot(b, "field-error")
	}
	before := len(col.UpdatesFor(vip))
	a.SetLanguage(t, "en")
	b.Go("/network/failover/12353")
	submit(b, map[string]string{"#fo-real": "123.123.125.10"}, "#failover-switch button[type=submit]", ".done")
	if got := b.Text("#real-ip"); got != "123.123.125.10" {
		t.Errorf("after the switch the page shows %q", got)
	}
	shot(b, "switched")
	a.SetLanguage(t, "pl")
	b.Go("/network/failover/12353?done=net.fo.switched")
	shot(b, "switched")
	got := a.API(t, "fail-over-ip/details", url.Values{"service_id": {"12353"}})["service_details"].(map[string]any)["real_ip"]
	if got != "123.123.125.10" {
		t.Errorf("fail-over-ip/details real_ip %v", got)
	}
	netWaitRIB(t, col, "the switched route", func(r map[netip.Prefix]bgp.Announcement) bool {
		return r[vip].NextHop.String() == "123.123.125.10"
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if ups := col.WaitUpdates(ctx, vip, before+1)[before:]; len(ups) != 1 || ups[0].Withdraw {
		t.Errorf("the switch reached the peer as %+v, want one announcement", ups)
	}
	b.Go("/network")
	if got := b.Text("#overview-failover"); !strings.Contains(got, "123.123.125.10") {
		t.Errorf("overview after the switch: %q", got)
	}
}

// netMoney formats an amount of the API's answer as the pages do.
func netMoney(v float64, lang string) string {
	s := fmt.Sprintf("%.2f PLN", v)
	if lang == "pl" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// TestNetworkAdditionalIPs: the order shows order-info's price of one
// address, the confirmation repeats it with the total for the number
// asked, a bad number shows the catalogue's text at the field, the
// ordered addresses are shown and listed, and the confirmation form sent
// twice orders once.
func TestNetworkAdditionalIPs(t *testing.T) {
	a := webtest.Start(t)
	b := webtest.NewBrowser(t, a)
	b.SignInDemo()
	info := a.API(t, "additional-ip/order-info", url.Values{"parent_service_id": {"12345"}})["order_info"].(map[string]any)
	one := info["one_ip_payment_details"].(map[string]any)
	price, gross := one["price"].(float64), one["price_brutto"].(float64)
	if max := info["maximum_ips_number"].(float64); max != 8 {
		t.Fatalf("order-info maximum %v", max)
	}
	for _, lang := range []string{"en", "pl"} {
		a.SetLanguage(t, lang)
		b.Go("/network/additional-ips")
		if !b.Exists(`#aips tr[data-id="12349"]`) || !strings.Contains(b.Text(`#aips tr[data-id="12349"]`), "123.123.123.124/32") {
			t.Errorf("%s: the demo's additional IP is not listed", lang)
		}
		shot(b, "list")
		b.Go("/network/additional-ips/12349")
		if !b.Exists(`#addresses tr[data-ip="123.123.123.124"]`) {
			t.Errorf("%s: the service's address is not shown", lang)
		}
		shot(b, "details")
		b.Go("/network/additional-ips")
		b.Do(chromedp.SetValue(chromedp.CSS("#order-parent"), "12345"), b.ClickNext("#order-server button[type=submit]"),
			chromedp.WaitVisible(chromedp.CSS("#one-price")))
		if got := b.Text("#price-one"); got != netMoney(price, lang) {
			t.Errorf("%s order page: one address %q, order-info says %s", lang, got, netMoney(price, lang))
		}
		if got := b.Text("#price-one-gross"); got != netMoney(gross, lang) {
			t.Errorf("%s order page: gross %q, order-info says %s", lang, got, netMoney(gross, lang))
		}
		if got := b.Text("#max-ips"); got != "8" {
			t.Errorf("%s order page: maximum %q", lang, got)
		}
		shot(b, "order")
		// A number above the maximum: the catalogue's text at the field
		// (the browser's own check of max is bypassed by a form of its own).
		b.Eval(`document.querySelector("#ips-number").removeAttribute("max")`)
		submit(b, map[string]string{"#ips-number": "9"}, "#order-number button[type=submit]", "#e-ips-number")
		if got := b.Text("#e-ips-number"); !strings.HasPrefix(got, netCatalogue(apperr.CodeInvalidIPsNumber, lang)) {
			t.Errorf("%s: field error %q", lang, got)
		}
		shot(b, "order-error")
		submit(b, map[string]string{"#ips-number": "2"}, "#order-number button[type=submit]", "#order-price")
		for sel, want := range map[string]string{
			"#price-one": netMoney(price, lang), "#price-one-gross": netMoney(gross, lang),
			"#order-net": netMoney(2*price, lang), "#order-gross": netMoney(2*gross, lang), "#order-number-value": "2",
		} {
			if got := b.Text(sel); got != want {
				t.Errorf("%s confirmation %s: %q, want %q", lang, sel, got, want)
			}
		}
		shot(b, "confirm")
	}
	// Order in the browser.
	a.SetLanguage(t, "en")
	b.Go("/network/additional-ips/order/confirm?parent_service_id=12345&ips_number=2")
	b.Do(b.ClickNext("#order-submit"), chromedp.WaitVisible(chromedp.CSS("#addresses")))
	m := regexp.MustCompile(`^/network/additional-ips/(\d+)\?done=net.aip.ordered$`).FindStringSubmatch(b.Path())
	if m == nil {
		t.Fatalf("after the order: %s", b.Path())
	}
	newID := m[1]
	shown := webtest.Run(b, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#addresses tbody tr")].map(r => r.cells[0].textContent + "/" + r.cells[1].textContent)`))
	d := a.API(t, "additional-ip/details", url.Values{"service_id": {newID}})["service_details"].(map[string]any)
	var want []string
	for _, s := range d["subnetworks"].([]any) {
		sn := s.(map[string]any)
		want = append(want, sn["ip"].(string)+"/"+sn["mask"].(string))
	}
	if len(shown) != 2 || strings.Join(shown, ",") != strings.Join(want, ",") || !strings.HasPrefix(shown[0], "123.123.129.") ||
		!strings.HasSuffix(shown[0], "/255.255.255.255") {
		t.Errorf("the page shows %v, additional-ip/details %v", shown, want)
	}
	if got := b.Text("#ordered-count"); got != "2" {
		t.Errorf("ordered count %q", got)
	}
	if got := b.Text(`main a[href="/services/12345"]`); got != "HP DL120 G7 123.123.123.123 #12345" {
		t.Errorf("the server of the order: %q", got)
	}
	shot(b, "ordered")
	a.SetLanguage(t, "pl")
	b.Go("/network/additional-ips/" + newID + "?done=net.aip.ordered")
	shot(b, "ordered")
	b.Go("/network/additional-ips")
	if !b.Exists(`#aips tr[data-id="` + newID + `"]`) {
		t.Error("the new service is not listed")
	}

	// The confirmation form sent twice (a double click, a reload): one
	// order, both land on the same new service.
	c := signIn(t, a, strconv.FormatInt(a.CustomerID, 10), a.Password)
	_, page := c.get("/network/additional-ips/order/confirm?parent_service_id=12345&ips_number=2")
	k := regexp.MustCompile(`name="idempotency_key" value="([^"]+)"`).FindStringSubmatch(page)
	if k == nil {
		t.Fatalf("no key in the confirmation form:\n%s", page)
	}
	var where []string
	for range 2 {
		resp := c.do("POST", "/network/additional-ips/order", url.Values{"parent_service_id": {"12345"}, "ips_number": {"2"}, "idempotency_key": {k[1]}})
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("order: HTTP %d", resp.StatusCode)
		}
		where = append(where, resp.Header.Get("Location"))
	}
	if where[0] != where[1] || where[0] == "/network/additional-ips/"+newID+"?done=net.aip.ordered" {
		t.Errorf("two sends landed on %v", where)
	}
	list := a.API(t, "additional-ip/list", nil)["services_list"].([]any)
	if len(list) != 3 { // the demo's, the browser's order, the form sent twice
		t.Errorf("%d additional IP services after two orders, one sent twice", len(list))
	}
	if max := a.API(t, "additional-ip/order-info", url.Values{"parent_service_id": {"12345"}})["order_info"].(map[string]any)["maximum_ips_number"]; max != 4.0 {
		t.Errorf("maximum after ordering 2 + 2 addresses: %v", max)
	}
	// More addresses than are left (4): refused.
	resp := c.do("POST", "/network/additional-ips/order", url.Values{"parent_service_id": {"12345"}, "ips_number": {"5"}, "idempotency_key": {"other-key-network-1"}})
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(body), `id="e-ips-number">`+netCatalogue(apperr.CodeInvalidIPsNumber, "pl")) {
		t.Errorf("an order above the maximum: HTTP %d\n%s", resp.StatusCode, body)
	}
}

// TestNetworkIsolation: another customer's fail-over IP, additional IP
// service, server (as an order's parent) and blackhole answer every
// route exactly like missing ones, and stay as they were; the lists show
// only the customer's own.
func TestNetworkIsolation(t *testing.T) {
	a := webtest.Start(t)
	inv := filepath.Join(t.TempDir(), "other.json")
	const key = "netothernetothernetothernetother12345678"
	other := `{"customers": [{
  "customer": {"id": 30101, "name": "Other Net sp. z o.o.", "email": "net@other.test", "country_code": "PL", "language": "en", "currency": "PLN", "business": true},
  "api_key": "` + key + `", "api_access": true, "reseller": false,
  "services": [
    {"service": {"id": 30110, "type": "vps", "name": "Other VPS", "custom_description": null, "expiration_time": 1893456000, "parent_service_id": 0, "ip": "123.123.210.10",
                 "payment_details": {"price": 49, "price_brutto": 60.27, "currency": "PLN", "payment_period": 1}},
     "details": {"newtwork_configuration": {"ip": "123.123.210.10", "additional_ips_list": ["123.123.210.11"]}, "features": {"power_management": false}, "power_state": "on", "active": true}},
    {"service": {"id": 30111, "type": "foip", "name": "Other fail-over", "custom_description": null, "expiration_time": 1893456000, "parent_service_id": 0, "ip": "123.123.210.100",
                 "payment_details": {"price": 25, "price_brutto": 30.75, "currency": "PLN", "payment_period": 1}},
     "details": {"virtual_ip": "123.123.210.100", "real_ip": "123.123.210.10", "real_ips_allowed_list": ["123.123.210.10", "123.123.210.11"]}},
    {"service": {"id": 30112, "type": "additional-ip", "name": "Other additional IP", "custom_description": null, "expiration_time": 1893456000, "parent_service_id": 30110, "ip": "123.123.210.20",
                 "payment_details": {"price": 10, "price_brutto": 12.3, "currency": "PLN", "payment_period": 1}},
     "details": {"subnetworks": [{"id": 30120, "ip": "123.123.210.20", "mask": "255.255.255.255", "mask_short": "/32", "type": "IPv4"}]}}],
  "blackholed_ips": [{"ip": "123.123.210.11", "type": "customer"}]}]}`
	if err := os.WriteFile(inv, []byte(other), 0o600); err != nil {
		t.Fatal(err)
	}
	a.Admin(t, "", "admin", "import", "--db", a.DB, inv)
	b := webtest.NewBrowser(t, a)
	b.SignInDemo()
	gets := [][2]string{
		{"/network/failover/30111", "/network/failover/999999"},
		{"/network/additional-ips/30112", "/network/additional-ips/999999"},
		{"/network/additional-ips/order?parent_service_id=30110", "/network/additional-ips/order?parent_service_id=999999"},
		{"/network/additional-ips/order/confirm?parent_service_id=30110&ips_number=1", "/network/additional-ips/order/confirm?parent_service_id=999999&ips_number=1"},
		{"/network/blackholes/123.123.210.11/disable", "/network/blackholes/198.51.100.99/disable"},
		// The customer's own services of another kind.
		{"/network/failover/12345", "/network/failover/999999"},
		{"/network/additional-ips/12353", "/network/additional-ips/999999"},
		{"/network/additional-ips/order?parent_service_id=12348", "/network/additional-ips/order?parent_service_id=999999"},
		// The customer's own address, not blackholed.
		{"/network/blackholes/123.123.124.5/disable", "/network/blackholes/198.51.100.99/disable"},
	}
	for _, p := range gets {
		s1, b1 := fetch(b, "GET", p[0], nil)
		s2, b2 := fetch(b, "GET", p[1], nil)
		// The page names its own path (the language switch comes back to it).
		b1 = strings.ReplaceAll(strings.ReplaceAll(b1, p[0], p[1]), html.EscapeString(p[0]), html.EscapeString(p[1]))
		if s1 != 404 || s2 != 404 || b1 != b2 {
			t.Errorf("GET %s: %d, GET %s: %d; same body: %v", p[0], s1, p[1], s2, b1 == b2)
		}
	}
	posts := []struct {
		other, missing    string
		form, missingForm url.Values
	}{
		{"/network/failover/30111/switch", "/network/failover/999999/switch", url.Values{"real_ip": {"123.123.210.11"}}, nil},
		{"/network/blackholes/123.123.210.11/disable", "/network/blackholes/198.51.100.99/disable", url.Values{"confirmed": {"1"}}, nil},
		{"/network/additional-ips/order", "/network/additional-ips/order",
			url.Values{"parent_service_id": {"30110"}, "ips_number": {"1"}, "idempotency_key": {"isolation-key-1"}},
			url.Values{"parent_service_id": {"999999"}, "ips_number": {"1"}, "idempotency_key": {"isolation-key-2"}}},
	}
	for _, p := range posts {
		mf := p.missingForm
		if mf == nil {
			mf = p.form
		}
		s1, b1 := fetch(b, "POST", p.other, p.form)
		s2, b2 := fetch(b, "POST", p.missing, mf)
		b1 = strings.ReplaceAll(b1, p.other, p.missing)
		if s1 != 404 || s2 != 404 || b1 != b2 {
			t.Errorf("POST %s: %d, POST %s: %d; same body: %v", p.other, s1, p.missing, s2, b1 == b2)
		}
	}
	// Blackholing another customer's address is refused exactly like an
	// address of no one's (the form shows the address typed).
	s1, b1 := fetch(b, "POST", "/network/blackholes", url.Values{"ip": {"123.123.210.10"}})
	s2, b2 := fetch(b, "POST", "/network/blackholes", url.Values{"ip": {"198.51.100.99"}})
	if b1 = strings.ReplaceAll(b1, "123.123.210.10", "198.51.100.99"); s1 != 422 || s1 != s2 || b1 != b2 {
		t.Errorf("enable of another customer's address: %d, of no one's: %d; same body: %v", s1, s2, b1 == b2)
	}
	// The other customer's objects are as they were.
	if resp := apiAs(t, a, 30101, key, "fail-over-ip/details", url.Values{"service_id": {"30111"}}); !strings.Contains(resp, `"real_ip":"123.123.210.10"`) {
		t.Errorf("fail-over 30111 changed: %s", resp)
	}
	if resp := apiAs(t, a, 30101, key, "ip-blackholing/list", nil); !strings.Contains(resp, `"ip":"123.123.210.11"`) {
		t.Errorf("the other customer's blackhole changed: %s", resp)
	}
	if resp := apiAs(t, a, 30101, key, "additional-ip/list", nil); strings.Count(resp, `"id":`) != 1 {
		t.Errorf("the other customer's additional IPs changed: %s", resp)
	}
	// The lists show the customer's own objects only.
	for _, path := range []string{"/network", "/network/blackholes", "/network/failover", "/network/additional-ips"} {
		_, body := fetch(b, "GET", path, nil)
		if strings.Contains(body, "123.123.210.") || strings.Contains(body, "Other ") || strings.Contains(body, "3011") {
			t.Errorf("%s shows the other customer's objects", path)
		}
	}
}
