package web_test

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/web/webtest"
)

// Browser tests of the servers pages (page_servers.go): the list, power
// switched through the dialog and through the confirmation page without
// JavaScript (the simulated power lines of artnetd --demo: dedicated
// 12345, colocation 12346, VPS 12347), the polled power state, the
// transfer chart against the API, iLO access prefilled through trusted
// proxies, another customer's servers and the commands' errors.

// srvShot checks the page with axe-core and saves its screenshot.
func srvShot(b *webtest.Browser, name string) {
	b.T.Helper()
	b.Axe()
	b.Screenshot(name)
}

// srvPowerState returns a server's power state through the API.
func srvPowerState(t *testing.T, a *webtest.Artnetd, module string, id int64) string {
	t.Helper()
	params := url.Values{"service_id": {strconv.FormatInt(id, 10)}}
	if module == "vps" {
		d := a.API(t, "vps/details", params)["service_details"].(map[string]any)
		return d["power_state"].(string)
	}
	return a.API(t, module+"/power-details", params)["power_details"].(map[string]any)["state"].(string)
}

// srvDialog runs a power action of the details page shown through its
// dialog: opens it with the action's link, answers with its submit
// button and waits for the page after the redirect with the state the
// action leads to.
func srvDialog(b *webtest.Browser, op, want string) {
	b.T.Helper()
	b.Do(chromedp.Click(chromedp.CSS("#power-"+op)), chromedp.WaitVisible(chromedp.CSS("#power-dialog-"+op+"[open]")))
	if p := b.Path(); !strings.HasPrefix(p, "/services/") || strings.Contains(p, "/power/") {
		b.T.Fatalf("the action link navigated to %s instead of opening the dialog", p)
	}
	b.Do(b.ClickNext("#power-dialog-"+op+" button[name=confirm]"),
		chromedp.WaitVisible(chromedp.CSS(`#power-state[data-state="`+want+`"]:not([data-polling]) #power-reached`)))
	if !b.Exists(`p.done[role="status"]`) {
		b.T.Errorf("%s: no success message", op)
	}
}

// TestServersPower: the servers list links to the details page; on the
// dedicated server the dialog's cancel sends nothing, off, on and restart
// through the dialog switch the (simulated) power line, which the page and
// power-details show; a page whose state is not yet the action's target
// polls the fragment until the state changes; in both languages with
// axe-core and screenshots.
func TestServersPower(t *testing.T) {
	a := webtest.Start(t)
	b := webtest.NewBrowser(t, a)
	b.SignInDemo()
	for _, lang := range []string{"pl", "en"} {
		a.SetLanguage(t, lang)
		b.Go("/servers")
		for _, id := range []string{"12345", "12346", "12347"} {
			if !b.Exists(`a[href="/services/` + id + `"]`) {
				t.Errorf("%s: /servers does not link server %s", lang, id)
			}
		}
		if b.Exists(`a[href="/services/12348"]`) {
			t.Errorf("%s: /servers lists the domain", lang)
		}
		if !b.Exists(`nav.side a[href="/servers"][aria-current="page"]`) {
			t.Errorf("%s: the navigation does not mark servers", lang)
		}
		srvShot(b, "list")
		// htmx swaps the details page in (a boosted link: the window
		// stays), and the dialogs work on it.
		b.Eval(`window.srvSameDocument = true`)
		b.Do(b.ClickNext(`#servers-dedicated a[href="/services/12345"]`), chromedp.WaitVisible(chromedp.CSS("#power-state")))
		if !webtest.Run(b, chromedp.Evaluate[bool](`window.srvSameDocument === true`)) {
			t.Errorf("%s: the details page was not swapped in by htmx", lang)
		}
		srvShot(b, "details")

		// Cancel: the dialog closes, nothing is sent.
		switched := strings.Count(a.Log(), `"msg":"power switched"`)
		b.Do(chromedp.Click(chromedp.CSS("#power-off")), chromedp.WaitVisible(chromedp.CSS("#power-dialog-off[open]")))
		srvShot(b, "dialog")
		b.Do(chromedp.Click(chromedp.CSS("#power-dialog-off button[data-close]")), chromedp.WaitNotVisible(chromedp.CSS("#power-dialog-off")))
		if b.Path() != "/services/12345" || b.Exists(`p.done[role="status"]`) {
			t.Errorf("%s: cancel left %s", lang, b.Path())
		}
		if st := srvPowerState(t, a, "dedicated", 12345); st != "on" || strings.Count(a.Log(), `"msg":"power switched"`) != switched {
			t.Fatalf("%s: after cancel the power is %s, or a switch was logged", lang, st)
		}

		srvDialog(b, "off", "off")
		if st := srvPowerState(t, a, "dedicated", 12345); st != "off" {
			t.Fatalf("%s: after power off: %s", lang, st)
		}
		wantOff := map[string]string{"pl": "wyłączone", "en": "off"}[lang]
		if got := b.Text("#power-now"); got != wantOff {
			t.Errorf("%s: power shown %q, want %q", lang, got, wantOff)
		}
		srvShot(b, "off")
		srvDialog(b, "on", "on")
		if st := srvPowerState(t, a, "dedicated", 12345); st != "on" {
			t.Fatalf("%s: after power on: %s", lang, st)
		}
		before := strings.Count(a.Log(), `"operation":"restart"`)
		srvDialog(b, "restart", "on")
		if st := srvPowerState(t, a, "dedicated", 12345); st != "on" {
			t.Fatalf("%s: after restart: %s", lang, st)
		}
		if n := strings.Count(a.Log(), `"operation":"restart"`); n != before+1 {
			t.Errorf("%s: the log shows %d restarts, want %d", lang, n, before+1)
		}

		// The page shown right after an action whose state has not come
		// yet: the fragment polls until the power line is off.
		b.Go(fmt.Sprintf("/services/12345?target=off&since=%d", time.Now().Unix()))
		if !b.Exists(`#power-state[data-polling][hx-trigger="every 2s"]`) {
			t.Fatalf("%s: the state fragment does not poll", lang)
		}
		srvShot(b, "changing")
		b.Eval(`window.srvSameDocument = "polling"`)
		a.API(t, "dedicated/power-off", url.Values{"service_id": {"12345"}, "confirm": {"confirm"}})
		b.Do(chromedp.WaitVisible(chromedp.CSS(`#power-state[data-state="off"]:not([data-polling]) #power-reached`)))
		if !webtest.Run(b, chromedp.Evaluate[bool](`window.srvSameDocument === "polling"`)) {
			t.Errorf("%s: the state changed by a new page, not by the polled fragment", lang)
		}
		if b.Exists("[hx-trigger]") {
			t.Errorf("%s: still polling after the state came", lang)
		}
		a.API(t, "dedicated/power-on", url.Values{"service_id": {"12345"}, "confirm": {"confirm"}})
		// An action long ago: no polling, the page says it gave up.
		b.Go(fmt.Sprintf("/services/12345?target=off&since=%d", time.Now().Add(-5*time.Minute).Unix()))
		if !b.Exists("#power-timeout") || b.Exists("#power-state[hx-trigger]") {
			t.Errorf("%s: an old action still polls or does not say it timed out", lang)
		}
	}
}

// TestServersFragment: GET /services/{id}/power-state answers the
// fragment alone to htmx, with hx-trigger while the state is not the
// target and without it once it is.
func TestServersFragment(t *testing.T) {
	a := webtest.Start(t)
	c := signIn(t, a, strconv.FormatInt(a.CustomerID, 10), a.Password)
	now := strconv.FormatInt(time.Now().Unix(), 10)
	for _, tc := range []struct {
		path string
		poll bool
	}{
		{"/services/12345/power-state?target=off&since=" + now, true},
		{"/services/12345/power-state?target=on&since=" + now, false},
		{"/services/12346/power-state?target=off&since=" + now, true},
		{"/services/12347/power-state?target=off&since=" + now, true},
		{"/services/12347/power-state?target=on&since=" + now, false},
		{"/services/12347/power-state", false},
	} {
		st, body := srvHX(t, c, tc.path)
		if st != http.StatusOK || !strings.HasPrefix(body, `<div id="power-state"`) || strings.Contains(body, "<main") {
			t.Errorf("%s: HTTP %d, not the fragment alone:\n%s", tc.path, st, body)
		}
		if got := strings.Contains(body, `hx-trigger="every 2s"`); got != tc.poll {
			t.Errorf("%s: polls %v, want %v", tc.path, got, tc.poll)
		}
	}
}

// srvHX sends an htmx GET (HX-Request) with c's session.
func srvHX(t *testing.T, c *client, path string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", c.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("HX-Request", "true")
	req.Header.Set("Cookie", c.cookie)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

// TestServersColocationVPS: the colocation restarts and the VPS goes off
// and on through the dialog; power-details and vps/details agree.
func TestServersColocationVPS(t *testing.T) {
	a := webtest.Start(t)
	b := webtest.NewBrowser(t, a)
	b.SignInDemo()
	for _, lang := range []string{"pl", "en"} {
		a.SetLanguage(t, lang)
		b.Go("/servers")
		b.Do(b.ClickNext(`#servers-colocation a[href="/services/12346"]`), chromedp.WaitVisible(chromedp.CSS("#power-state")))
		if b.Exists("#ilo") {
			t.Errorf("%s: a colocation shows iLO", lang)
		}
		srvShot(b, "colocation")
		srvDialog(b, "off", "off")
		if st := srvPowerState(t, a, "colocation", 12346); st != "off" {
			t.Fatalf("%s: colocation after off: %s", lang, st)
		}
		srvDialog(b, "restart", "on")
		if st := srvPowerState(t, a, "colocation", 12346); st != "on" {
			t.Fatalf("%s: colocation after restart: %s", lang, st)
		}

		b.Go("/servers")
		b.Do(b.ClickNext(`#servers-vps a[href="/services/12347"]`), chromedp.WaitVisible(chromedp.CSS("#power-state")))
		if b.Exists("#transfer-chart") || b.Exists("#ilo") {
			t.Errorf("%s: a VPS shows a transfer chart or iLO", lang)
		}
		srvShot(b, "vps")
		srvDialog(b, "off", "off")
		if st := srvPowerState(t, a, "vps", 12347); st != "off" {
			t.Fatalf("%s: VPS after off: %s", lang, st)
		}
		srvShot(b, "vps-off")
		srvDialog(b, "on", "on")
		if st := srvPowerState(t, a, "vps", 12347); st != "on" {
			t.Fatalf("%s: VPS after on: %s", lang, st)
		}
	}
}

// TestServersWithoutJavaScript: with the page's scripts off the action
// link goes to the confirmation page, whose button sends confirm=confirm;
// its cancel link goes back and changes nothing.
func TestServersWithoutJavaScript(t *testing.T) {
	a := webtest.Start(t)
	b := webtest.NewBrowser(t, a)
	b.SignInDemo()
	for _, lang := range []string{"pl", "en"} {
		a.SetLanguage(t, lang)
		b.Go("/services/12345/power/off")
		srvShot(b, "confirm")
	}
	if _, err := chromedp.Call(b.Ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	b.Go("/services/12345")
	if webtest.Run(b, chromedp.Evaluate[bool](`typeof htmx !== "undefined"`)) {
		t.Fatal("htmx runs: the page's scripts are not off")
	}
	b.Do(b.ClickNext("#power-off"), chromedp.WaitVisible(chromedp.CSS("#power-confirm")))
	if p := b.Path(); p != "/services/12345/power/off" {
		t.Fatalf("the action link went to %s", p)
	}
	b.Do(b.ClickNext(`#power-confirm a[href="/services/12345"]`), chromedp.WaitVisible(chromedp.CSS("#power-state")))
	if st := srvPowerState(t, a, "dedicated", 12345); st != "on" {
		t.Fatalf("after the cancel link the power is %s", st)
	}
	b.Do(b.ClickNext("#power-off"), chromedp.WaitVisible(chromedp.CSS("#power-confirm")))
	b.Do(b.ClickNext("#power-confirm button[name=confirm]"), chromedp.WaitVisible(chromedp.CSS(`#power-state[data-state="off"]`)))
	if !strings.HasPrefix(b.Path(), "/services/12345?") || !b.Exists(`p.done[role="status"]`) {
		t.Errorf("after the confirmation: %s", b.Path())
	}
	if st := srvPowerState(t, a, "dedicated", 12345); st != "off" {
		t.Fatalf("after the confirmation page the power is %s", st)
	}
	b.Do(b.ClickNext("#power-on"), b.ClickNext("#power-confirm button[name=confirm]"),
		chromedp.WaitVisible(chromedp.CSS(`#power-state[data-state="on"]`)))
	if st := srvPowerState(t, a, "dedicated", 12345); st != "on" {
		t.Fatalf("after power on without JavaScript: %s", st)
	}
}

// TestServersChart: the transfer chart of the dedicated server and of the
// colocation has one bar pair per period of transfer-usage-details, with
// its numbers, the tallest bar for the largest value, role="img" with a
// title and a description, and the table with the same numbers.
func TestServersChart(t *testing.T) {
	a := webtest.Start(t)
	b := webtest.NewBrowser(t, a)
	b.SignInDemo()
	type pair struct {
		Period, Up, Down int64
		UpH, DownH       float64
	}
	for _, lang := range []string{"pl", "en"} {
		a.SetLanguage(t, lang)
		for _, srv := range []struct {
			module string
			id     string
		}{{"dedicated", "12345"}, {"colocation", "12346"}} {
			var api struct {
				TransferUsageDetails struct {
					PeriodsList []struct {
						TimeRange struct {
							From int64 `json:"from"`
						} `json:"time_range"`
						TransferUsage struct {
							Up   int64 `json:"up"`
							Down int64 `json:"down"`
						} `json:"transfer_usage"`
					} `json:"periods_list"`
				} `json:"transfer_usage_details"`
			}
			raw, _ := json.Marshal(a.API(t, srv.module+"/transfer-usage-details", url.Values{"service_id": {srv.id}}))
			if err := json.Unmarshal(raw, &api); err != nil {
				t.Fatal(err)
			}
			periods := api.TransferUsageDetails.PeriodsList
			if len(periods) != 4 {
				t.Fatalf("%s: %d periods in the API", srv.id, len(periods))
			}
			b.Go("/services/" + srv.id)
			got := webtest.Run(b, chromedp.Evaluate[[]pair](`[...document.querySelectorAll("#transfer-chart svg g.bar-pair")].map(g => ({
				Period: +g.dataset.period, Up: +g.dataset.up, Down: +g.dataset.down,
				UpH: +g.querySelector("rect.bar-up").getAttribute("height"), DownH: +g.querySelector("rect.bar-down").getAttribute("height"),
				}))`))
			if len(got) != len(periods) {
				t.Fatalf("%s %s: %d bar pairs, %d periods", lang, srv.id, len(got), len(periods))
			}
			var maxV int64
			var maxH float64
			for i, p := range periods {
				g := got[i]
				if g.Period != p.TimeRange.From || g.Up != p.TransferUsage.Up || g.Down != p.TransferUsage.Down {
					t.Errorf("%s %s: bar pair %d is %+v, the API says from %d up %d down %d", lang, srv.id, i, g, p.TimeRange.From, p.TransferUsage.Up, p.TransferUsage.Down)
				}
				maxV = max(maxV, p.TransferUsage.Up, p.TransferUsage.Down)
				maxH = max(maxH, g.UpH, g.DownH)
			}
			// Heights are proportional to the values.
			for i, p := range periods {
				for _, c := range [][2]float64{{float64(p.TransferUsage.Up), got[i].UpH}, {float64(p.TransferUsage.Down), got[i].DownH}} {
					if want := c[0] / float64(maxV) * maxH; c[1] < want-0.6 || c[1] > want+0.6 {
						t.Errorf("%s %s: pair %d height %.1f, want %.1f", lang, srv.id, i, c[1], want)
					}
				}
			}
			if !b.Exists(`#transfer-chart svg[role="img"][aria-labelledby="chart-title chart-desc"] > title#chart-title`) || !b.Exists("#transfer-chart svg > desc#chart-desc") {
				t.Errorf("%s %s: the chart has no role img, title or desc", lang, srv.id)
			}
			if n := webtest.Run(b, chromedp.Evaluate[int](`document.querySelectorAll("#transfer tbody tr").length`)); n != len(periods) {
				t.Errorf("%s %s: %d table rows", lang, srv.id, n)
			}
			if b.Exists("#transfer-chart [style]") {
				t.Errorf("%s %s: style attribute in the chart", lang, srv.id)
			}
			if srv.id == "12345" {
				srvShot(b, "chart")
			}
		}
	}
}

// TestServersILO: with --trusted-proxies 127.0.0.1/32 the iLO form is
// prefilled with the X-Forwarded-For address Chromium sends; access opens
// for it (ilo-details) and closes; without the flag the header is ignored
// (the TCP peer 127.0.0.1 is prefilled, and the command refuses it at the
// field).
func TestServersILO(t *testing.T) {
	const visitor = "203.0.113.7"
	xff := func(b *webtest.Browser) {
		t.Helper()
		if _, err := chromedp.Call(b.Ctx, network.Enable, network.EnableParams{}); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Call(b.Ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"X-Forwarded-For": visitor}}); err != nil {
			t.Fatal(err)
		}
	}
	ilo := func(a *webtest.Artnetd) map[string]any {
		return a.API(t, "dedicated/ilo-details", url.Values{"service_id": {"12345"}})["ilo_details"].(map[string]any)
	}

	a := webtest.Start(t, "--trusted-proxies", "127.0.0.1/32")
	b := webtest.NewBrowser(t, a)
	xff(b)
	b.SignInDemo()
	for _, lang := range []string{"pl", "en"} {
		a.SetLanguage(t, lang)
		b.Go("/services/12345")
		if got := webtest.Run(b, chromedp.Value(chromedp.CSS("#ilo-remote"))); got != visitor {
			t.Fatalf("%s: iLO address prefilled %q, want %q", lang, got, visitor)
		}
		srvShot(b, "ilo")
		b.Do(b.ClickNext("#ilo-enable button[type=submit]"), chromedp.WaitVisible(chromedp.CSS("#ilo-disable")))
		if d := ilo(a); d["access_enabled"] != true || d["access_ip"] != visitor {
			t.Fatalf("%s: ilo-details after enable: %v", lang, d)
		}
		if got := b.Text("#ilo-access"); !strings.Contains(got, visitor) {
			t.Errorf("%s: access shown %q", lang, got)
		}
		srvShot(b, "ilo-open")
		b.Do(b.ClickNext("#ilo-disable button[type=submit]"), chromedp.WaitVisible(chromedp.CSS("#ilo-enable")))
		if d := ilo(a); d["access_enabled"] != false {
			t.Fatalf("%s: ilo-details after disable: %v", lang, d)
		}
		if b.Exists("#ilo-disable") {
			t.Errorf("%s: the close button stays", lang)
		}
	}

	// Without --trusted-proxies the header is ignored.
	a2 := webtest.Start(t)
	b2 := webtest.NewBrowser(t, a2)
	xff(b2)
	b2.SignInDemo()
	for _, lang := range []string{"pl", "en"} {
		a2.SetLanguage(t, lang)
		b2.Go("/services/12345")
		if got := webtest.Run(b2, chromedp.Value(chromedp.CSS("#ilo-remote"))); got != "127.0.0.1" {
			t.Fatalf("%s: without trusted proxies the address prefilled is %q, want 127.0.0.1", lang, got)
		}
		b2.Do(b2.ClickNext("#ilo-enable button[type=submit]"), chromedp.WaitVisible(chromedp.CSS("#ilo-remote-error")))
		want := apperr.Describe(apperr.CodeIncorrectParamValue, "").EN
		if lang == "pl" {
			want = apperr.Describe(apperr.CodeIncorrectParamValue, "").PL
		}
		if got := b2.Text("#ilo-remote-error"); !strings.HasPrefix(got, want+":") || !strings.Contains(got, "127.0.0.1") {
			t.Errorf("%s: field error %q, want %q", lang, got, want)
		}
		if !b2.Exists(`#ilo-remote[aria-invalid="true"]`) {
			t.Errorf("%s: the field is not marked invalid", lang)
		}
		srvShot(b2, "ilo-error")
		if d := ilo(a2); d["access_enabled"] != false {
			t.Fatalf("%s: access opened for 127.0.0.1: %v", lang, d)
		}
	}
}

// TestServersErrors: the commands' errors with the catalogue's text, as
// the other customer: a suspended VPS (service-suspended), a colocation
// whose power driver this node lacks (internal-operation-error), a
// dedicated server without power management (no power section;
// unsupported-feature on its confirmation page); a post without confirm
// answers unconfirmed.
func TestServersErrors(t *testing.T) {
	a := webtest.Start(t)
	addServersCustomer(t, a)
	b := webtest.NewBrowser(t, a)
	b.SignIn(strconv.FormatInt(srvOtherID, 10), srvOtherPassword)
	pageErr := func(code, lang string) string {
		d := apperr.Describe(code, "")
		if lang == "pl" {
			return d.PL
		}
		return d.EN
	}
	for _, lang := range []string{"pl", "en"} {
		srvOtherLanguage(t, a, lang)
		b.Go("/services/99103")
		b.Do(chromedp.Click(chromedp.CSS("#power-off")), chromedp.WaitVisible(chromedp.CSS("#power-dialog-off[open]")))
		b.Do(b.ClickNext("#power-dialog-off button[name=confirm]"), chromedp.WaitVisible(chromedp.CSS("#page-error")))
		if got := b.Text("#page-error"); got != pageErr(apperr.CodeServiceSuspended, lang) {
			t.Errorf("%s: suspended VPS: %q", lang, got)
		}
		srvShot(b, "error-suspended")

		b.Go("/services/99105")
		b.Do(chromedp.Click(chromedp.CSS("#power-restart")), chromedp.WaitVisible(chromedp.CSS("#power-dialog-restart[open]")))
		b.Do(b.ClickNext("#power-dialog-restart button[name=confirm]"), chromedp.WaitVisible(chromedp.CSS("#page-error")))
		if got := b.Text("#page-error"); got != pageErr(apperr.CodeInternalOperationError, lang) {
			t.Errorf("%s: colocation without its driver: %q", lang, got)
		}

		b.Go("/services/99104")
		if b.Exists("#power") {
			t.Errorf("%s: a server without power management shows power", lang)
		}
		b.Go("/services/99104/power/on")
		b.Do(b.ClickNext("#power-confirm button[name=confirm]"), chromedp.WaitVisible(chromedp.CSS("#page-error")))
		if got := b.Text("#page-error"); got != pageErr(apperr.CodeUnsupportedFeature, lang) {
			t.Errorf("%s: server without power management: %q", lang, got)
		}
		srvShot(b, "error-unsupported")
	}
	c := signIn(t, a, strconv.FormatInt(srvOtherID, 10), srvOtherPassword)
	resp := c.do("POST", "/services/99101/power/off", url.Values{})
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(body), html.EscapeString(pageErr(apperr.CodeUnconfirmed, "en"))) {
		t.Errorf("post without confirm: HTTP %d\n%s", resp.StatusCode, body)
	}
	resp = c.do("POST", "/services/99101/power/off", url.Values{"confirm": {"yes"}})
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("post with confirm=yes: HTTP %d", resp.StatusCode)
	}
	if st := srvOtherPower(t, a, "dedicated", 99101); st != "on" {
		t.Errorf("unconfirmed posts switched the power: %s", st)
	}
}

// TestServersIsolation: the other customer's servers answer every route
// of the servers pages exactly as a missing service (404, the same page),
// the power POST and the fragment included, and their power does not
// change; services that are no servers answer 404 too; /servers lists
// only the customer's own.
func TestServersIsolation(t *testing.T) {
	a := webtest.Start(t)
	addServersCustomer(t, a)
	c := signIn(t, a, strconv.FormatInt(a.CustomerID, 10), a.Password)
	routes := []struct {
		method, path string
		form         url.Values
	}{
		{"GET", "/services/%s", nil},
		{"GET", "/services/%s/power/off", nil},
		{"GET", "/services/%s/power/restart", nil},
		{"POST", "/services/%s/power/off", url.Values{"confirm": {"confirm"}}},
		{"POST", "/services/%s/power/on", url.Values{"confirm": {"confirm"}}},
		{"POST", "/services/%s/power/restart", url.Values{"confirm": {"confirm"}}},
		{"GET", "/services/%s/power-state", nil},
		{"GET", "/services/%s/power-state?target=off&since=1", nil},
		{"POST", "/services/%s/ilo/enable", url.Values{"remote_ip": {"203.0.113.9"}}},
		{"POST", "/services/%s/ilo/disable", url.Values{}},
	}
	body := func(method, path string, form url.Values) (int, string) {
		resp := c.do(method, path, form)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, id := range []string{"99101", "99102", "99103"} {
		for _, r := range routes {
			p1, p2 := fmt.Sprintf(r.path, id), fmt.Sprintf(r.path, "999999")
			st1, b1 := body(r.method, p1, r.form)
			st2, b2 := body(r.method, p2, r.form)
			for _, p := range [][2]string{{p1, p2}, {html.EscapeString(p1), html.EscapeString(p2)}} {
				b1, b2 = strings.ReplaceAll(b1, p[0], "PATH"), strings.ReplaceAll(b2, p[1], "PATH")
			}
			if st1 != http.StatusNotFound || st2 != st1 || b1 != b2 {
				t.Errorf("%s %s: HTTP %d, missing %s: HTTP %d; bodies equal %v", r.method, p1, st1, p2, st2, b1 == b2)
			}
			if strings.Contains(b1, "Other servers") || strings.Contains(b1, "Other DL") {
				t.Errorf("%s %s shows the other customer's data", r.method, p1)
			}
		}
	}
	// The power routes of services that are no servers.
	for _, r := range routes[1:8] {
		if st, _ := body(r.method, fmt.Sprintf(r.path, "12348"), r.form); st != http.StatusNotFound {
			t.Errorf("%s %s (a domain): HTTP %d", r.method, fmt.Sprintf(r.path, "12348"), st)
		}
	}
	for _, r := range routes[8:] {
		if st, _ := body(r.method, fmt.Sprintf(r.path, "12346"), r.form); st != http.StatusNotFound {
			t.Errorf("%s %s (iLO of a colocation): HTTP %d", r.method, fmt.Sprintf(r.path, "12346"), st)
		}
	}
	for _, s := range []struct {
		module string
		id     int64
	}{{"dedicated", 99101}, {"colocation", 99102}} {
		if st := srvOtherPower(t, a, s.module, s.id); st != "on" {
			t.Errorf("%s %d of the other customer: power %s", s.module, s.id, st)
		}
	}
	_, list := c.get("/servers")
	for _, id := range []string{"99101", "99102", "99103", "99104", "99105"} {
		if strings.Contains(list, id) {
			t.Errorf("/servers lists the other customer's %s", id)
		}
	}
	if d := srvOtherAPI(t, a, "dedicated/ilo-details", url.Values{"service_id": {"99101"}})["ilo_details"].(map[string]any); d["access_enabled"] != false {
		t.Errorf("the other customer's iLO opened: %v", d)
	}
}

// The other customer of the servers tests: srvOtherID with its servers
// 99101 (dedicated, simulated power, iLO), 99102 (colocation, simulated
// power), 99103 (VPS, suspended, simulated power), 99104 (dedicated
// without power management) and 99105 (colocation whose power driver no
// node has).
const (
	srvOtherID       = 19077
	srvOtherKey      = "serversotherserversotherserversother0123"
	srvOtherPassword = "servers-other-password-1"
)

// addServersCustomer imports the other customer into a's database.
func addServersCustomer(t *testing.T, a *webtest.Artnetd) {
	t.Helper()
	payment := `"expiration_time": 1893456000, "parent_service_id": 0, "payment_details": {"price": 1, "price_brutto": 1.23, "currency": "PLN", "payment_period": 1}`
	network := func(ip string) string {
		return `"network_configuration": {"ip": "` + ip + `", "additional_ips": [], "subnetworks": []}`
	}
	hardware := `"hardware_configuration": {"server": {"vendor": "HP", "model": "DL360"}, "cpu": [], "ram": [], "hdd": [], "hdd_controller": []}`
	inv := `{"customers": [{"customer": {"id": 19077, "name": "Other servers Ltd", "email": "servers@other.test",
	  "country_code": "PL", "language": "pl", "currency": "PLN", "business": true},
	 "api_key": "` + srvOtherKey + `", "api_access": true, "reseller": false,
	 "services": [
	  {"service": {"id": 99101, "type": "dedicated", "name": "Other DL360 A", "custom_description": null, "ip": "198.51.100.1", ` + payment + `},
	   "details": {` + hardware + `, ` + network("198.51.100.1") + `, "features": {"ilo_access_management": true, "power_management": true, "firewall_management": false}, "active": true},
	   "ilo_details": {"available": true, "ip": "10.99.0.1", "access_enabled": false, "access_ip": ""},
	   "power_management": {"driver": "sim"}, "power_details": {"manageable": true, "state": "on"}},
	  {"service": {"id": 99102, "type": "colocation", "name": "Other colocation B", "custom_description": null, "ip": "198.51.100.2", ` + payment + `},
	   "details": {` + network("198.51.100.2") + `, "features": {"power_management": true, "firewall_management": false}, "active": true},
	   "power_management": {"driver": "sim"}, "power_details": {"manageable": true, "state": "on"}},
	  {"service": {"id": 99103, "type": "vps", "name": "Other VPS C", "custom_description": null, "ip": "198.51.100.3", ` + payment + `},
	   "details": {"newtwork_configuration": {"ip": "198.51.100.3", "additional_ips_list": []}, "features": {"power_management": true}, "power_state": "on", "active": false},
	   "power_management": {"driver": "sim"}},
	  {"service": {"id": 99104, "type": "dedicated", "name": "Other DL360 D", "custom_description": null, "ip": "198.51.100.4", ` + payment + `},
	   "details": {` + hardware + `, ` + network("198.51.100.4") + `, "features": {"ilo_access_management": false, "power_management": false, "firewall_management": false}, "active": true}},
	  {"service": {"id": 99105, "type": "colocation", "name": "Other colocation E", "custom_description": null, "ip": "198.51.100.5", ` + payment + `},
	   "details": {` + network("198.51.100.5") + `, "features": {"power_management": true, "firewall_management": false}, "active": true},
	   "power_management": {"driver": "pdu"}}
	 ]}]}`
	a.Import(t, inv)
	a.SetWebPassword(t, srvOtherID, srvOtherPassword)
}

// srvOtherAPI calls the JSON API as the other customer; it fails t unless
// the answer is a success.
func srvOtherAPI(t *testing.T, a *webtest.Artnetd, command string, params url.Values) map[string]any {
	t.Helper()
	return a.APIAs(t, srvOtherID, srvOtherKey, command, params)
}

// srvOtherPower returns the power state of the other customer's server.
func srvOtherPower(t *testing.T, a *webtest.Artnetd, module string, id int64) string {
	t.Helper()
	d := srvOtherAPI(t, a, module+"/power-details", url.Values{"service_id": {strconv.FormatInt(id, 10)}})
	return d["power_details"].(map[string]any)["state"].(string)
}

// srvOtherLanguage sets the other customer's language.
func srvOtherLanguage(t *testing.T, a *webtest.Artnetd, lang string) {
	t.Helper()
	srvOtherAPI(t, a, "customer/change-language", url.Values{"language": {lang}})
}
