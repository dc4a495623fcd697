package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/artnet-panel/artnet-panel/internal/testpeer"
	"github.com/artnet-panel/artnet-panel/internal/web/webtest"
)

// Browser tests of the firewall pages against the built artnetd with the
// real nftables driver (--firewall nft) in a network namespace of the
// test: what the editor saves is read back from the kernel's table.

var fwNetnsSeq atomic.Int32

// fwNetns creates a network namespace, deleted when the test ends (after
// the artnetd started later has stopped: cleanups run last-in first-out).
func fwNetns(t *testing.T) string {
	t.Helper()
	testpeer.NeedTool(t, "nft", "nftables")
	ns := fmt.Sprintf("artnet-webfw-%d-%d", os.Getpid(), fwNetnsSeq.Add(1))
	if out, err := exec.Command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add %s: %v: %s", ns, err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("ip", "netns", "del", ns).CombinedOutput(); err != nil {
			t.Errorf("ip netns del %s: %v: %s", ns, err, out)
		}
	})
	return ns
}

// fwChain returns the rule lines of chain in artnetd's table in ns (nil
// when the chain is not there).
func fwChain(t *testing.T, ns, chain string) []string {
	t.Helper()
	out, err := exec.Command("ip", "netns", "exec", ns, "nft", "list", "table", "inet", "artnet").CombinedOutput()
	if err != nil {
		t.Fatalf("nft list table inet artnet: %v: %s", err, out)
	}
	_, rest, ok := strings.Cut(string(out), "\tchain "+chain+" {\n")
	if !ok {
		return nil
	}
	body, _, _ := strings.Cut(rest, "\t}")
	var lines []string
	for _, l := range strings.Split(body, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// fwKernel checks that the chain of the demo ruleset fw-12345's incoming
// rules (rs0_in) holds exactly want, then the driver's closing drop.
func fwKernel(t *testing.T, ns, when string, want ...string) {
	t.Helper()
	want = append(slices.Clone(want), "drop")
	if got := fwChain(t, ns, "rs0_in"); !slices.Equal(got, want) {
		t.Fatalf("%s: the kernel's chain rs0_in holds\n%q\nwant\n%q", when, got, want)
	}
}

// fwValue returns the value of the form field with the given id.
func fwValue(b *webtest.Browser, id string) string {
	b.T.Helper()
	return webtest.Run(b, chromedp.Evaluate[string](fmt.Sprintf(`document.getElementById(%q).value`, id)))
}

// fwWaitRolledBack waits (at most 70 s: the window is 30 s and the sweep
// runs every second) until the page, refetched by the countdown, shows no
// pending confirmation and the rolled-back message.
func fwWaitRolledBack(b *webtest.Browser, text string) {
	b.T.Helper()
	deadline := time.Now().Add(70 * time.Second)
	for {
		got := webtest.Run(b, chromedp.Evaluate[string](`(() => { const d = document.querySelector("main p.done");
			return document.getElementById("fw-pending") ? "" : (d ? d.textContent : "") })()`))
		if got == text {
			return
		}
		if time.Now().After(deadline) {
			b.T.Fatalf("the page did not show %q within 70 s (shows %q)", text, b.Text("main"))
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// TestFirewallEditor: the rulesets list, the editor saving into the
// kernel (a changed rule and an added one), a bad port shown at its field
// with the kernel unchanged, reordering, a commit-confirmed save kept
// with "keep these rules", one left to roll back (the page shows the
// previous rules, so does the kernel), filtering off and on, in both
// languages with axe-core and screenshots.
func TestFirewallEditor(t *testing.T) {
	ns := fwNetns(t)
	a := webtest.Start(t, "--firewall", "nft", "--firewall-netns", ns)
	a.SetLanguage(t, "pl")
	b := webtest.NewBrowser(t, a)
	acceptDialogs(b)
	b.SignInDemo()

	initial := []string{"tcp dport 22 accept", "tcp dport 80 accept", "tcp dport 443 accept", "meta l4proto icmp accept"}
	fwKernel(t, ns, "at start", initial...)

	b.Go("/firewall")
	if got := b.Text(`tr[data-id="fw-12345"] td.state`); got != "włączona" {
		t.Errorf("list: state of fw-12345 %q", got)
	}
	shot(b, "list")
	b.Do(b.ClickNext(`a[href="/firewall/fw-12345"]`))
	if got := fwValue(b, "fw-in-1-destination-port-begin"); got != "80" {
		t.Fatalf("editor: rule 2's destination port %q, want 80", got)
	}
	shot(b, "editor")

	// A rule changed and one added (an unsaved edit first), then saved.
	b.Do(b.ClickNext("#fw-add-in"))
	if !b.Exists("#fw-unsaved") || !b.Exists("#fw-in-4-policy") {
		t.Fatal("add a rule: no new row or no unsaved note")
	}
	fwKernel(t, ns, "after adding a row, unsaved", initial...)
	submit(b, map[string]string{
		"#fw-in-1-destination-port-begin": "8080",
		"#fw-in-4-policy":                 "DROP",
		"#fw-in-4-protocol":               "17",
		"#fw-in-4-source-ip":              "198.51.100.0",
		"#fw-in-4-source-mask_short":      "24",
		"#fw-in-4-destination-port-begin": "53",
		"#fw-in-4-destination-port-end":   "54",
	}, "#fw-save", "p.done")
	if got := b.Text("p.done"); got != "Zapisano reguły." {
		t.Errorf("after save: %q", got)
	}
	saved := []string{"tcp dport 22 accept", "tcp dport 8080 accept", "tcp dport 443 accept", "meta l4proto icmp accept",
		"ip saddr 198.51.100.0/24 udp dport 53-54 drop"}
	fwKernel(t, ns, "after the save", saved...)

	// A bad port: shown at its field, nothing changes.
	submit(b, map[string]string{"#fw-in-0-destination-port-begin": "70000"}, "#fw-save", "#fw-in-0-destination-port-begin-err")
	if got := b.Text("#fw-in-0-destination-port-begin-err"); !strings.Contains(got, `"70000"`) || !strings.Contains(got, "65535") {
		t.Errorf("field error: %q", got)
	}
	if got := webtest.Run(b, chromedp.Evaluate[string](`document.getElementById("fw-in-0-destination-port-begin").getAttribute("aria-invalid")`)); got != "true" {
		t.Errorf("the bad field is not aria-invalid: %q", got)
	}
	if got := fwValue(b, "fw-in-1-destination-port-begin"); got != "8080" {
		t.Errorf("after the error, the other fields as posted: %q", got)
	}
	if !b.Exists("#page-error") {
		t.Error("no page error after the refused save")
	}
	shot(b, "field-error")
	fwKernel(t, ns, "after a bad port", saved...)

	// Reorder: 22 down, the UDP drop up, then save.
	b.Go("/firewall/fw-12345")
	b.Do(b.ClickNext(`button[value="down:in:0"]`))
	b.Do(b.ClickNext(`button[value="up:in:4"]`))
	for i, want := range []string{"8080", "22", "443", "53", ""} {
		if got := fwValue(b, fmt.Sprintf("fw-in-%d-destination-port-begin", i)); got != want {
			t.Errorf("reordered, unsaved: rule %d port %q, want %q", i+1, got, want)
		}
	}
	fwKernel(t, ns, "reordered, unsaved", saved...)
	b.Do(b.ClickNext("#fw-save"))
	reordered := []string{"tcp dport 8080 accept", "tcp dport 22 accept", "tcp dport 443 accept",
		"ip saddr 198.51.100.0/24 udp dport 53-54 drop", "meta l4proto icmp accept"}
	fwKernel(t, ns, "after saving the new order", reordered...)

	// Commit-confirmed, kept: the ICMP rule removed with a 30 s window.
	b.Do(b.ClickNext(`button[value="del:in:4"]`))
	submit(b, map[string]string{"#fw-confirm": "30"}, "#fw-save", "#fw-keep")
	kept := reordered[:4]
	fwKernel(t, ns, "commit-confirmed save", kept...)
	b.Do(chromedp.WaitVisible(chromedp.CSS("#fw-countdown")))
	if got := b.Text("#fw-countdown"); !strings.HasPrefix(got, "0:") {
		t.Errorf("countdown %q", got)
	}
	if !strings.Contains(b.Text("#fw-deadline"), "(UTC)") {
		t.Errorf("deadline: %q", b.Text("#fw-deadline"))
	}
	shot(b, "pending")
	b.Do(b.ClickNext("#fw-keep"))
	if got := b.Text("p.done"); got != "Potwierdzono: nowe reguły zostają." || b.Exists("#fw-pending") {
		t.Errorf("after keep: %q, pending shown %v", got, b.Exists("#fw-pending"))
	}
	keptAt := time.Now()

	// Commit-confirmed, not kept: 8080 → 8081 with a 30 s window; the
	// countdown ends, the page shows the previous rules (the kept ones,
	// whose own window has passed by then) and so does the kernel.
	submit(b, map[string]string{"#fw-in-0-destination-port-begin": "8081", "#fw-confirm": "30"}, "#fw-save", "#fw-keep")
	fwKernel(t, ns, "second commit-confirmed save", append([]string{"tcp dport 8081 accept"}, kept[1:]...)...)
	fwWaitRolledBack(b, "Nie potwierdzono zmian na czas: przywrócono poprzednie reguły (poniżej).")
	if time.Since(keptAt) < 30*time.Second {
		t.Fatalf("rolled back %s after the keep, before the kept save's window passed", time.Since(keptAt))
	}
	if got := fwValue(b, "fw-in-0-destination-port-begin"); got != "8080" {
		t.Errorf("rolled back: the page shows port %q, want 8080", got)
	}
	if !strings.Contains(b.Path(), "after=") {
		t.Errorf("rolled back: address %q", b.Path())
	}
	shot(b, "rolledback")
	fwKernel(t, ns, "rolled back", kept...)

	// Filtering off (asks first) and on.
	b.Do(b.ClickNext("#fw-disable"))
	if got := b.Text("p.done"); got != "Wyłączono filtrowanie." {
		t.Errorf("disable: %q", got)
	}
	if got := fwChain(t, ns, "rs0_in"); got != nil {
		t.Errorf("disabled: the kernel still has rs0_in: %q", got)
	}
	b.Do(b.ClickNext("#fw-enable"))
	fwKernel(t, ns, "enabled again", kept...)

	// English.
	a.SetLanguage(t, "en")
	b.Go("/firewall")
	if got := b.Text(`tr[data-id="fw-12345"] td.state`); got != "on" {
		t.Errorf("list (en): state %q", got)
	}
	shot(b, "list")
	b.Go("/firewall/fw-12345")
	shot(b, "editor")
	submit(b, map[string]string{"#fw-in-3-source-mask_short": "33"}, "#fw-save", "#fw-in-3-source-mask_short-err")
	if got := b.Text("#fw-in-3-source-mask_short-err"); !strings.Contains(got, "0 to 32") {
		t.Errorf("mask error (en): %q", got)
	}
	shot(b, "field-error")
	fwKernel(t, ns, "after a bad mask", kept...)
	b.Go("/firewall/fw-12345")
	submit(b, map[string]string{"#fw-in-1-destination-port-begin": "2222", "#fw-confirm": "30"}, "#fw-save", "#fw-keep")
	b.Do(chromedp.WaitVisible(chromedp.CSS("#fw-countdown")))
	shot(b, "pending")
	fwWaitRolledBack(b, "The change was not confirmed in time: the previous rules are back (below).")
	shot(b, "rolledback")
	fwKernel(t, ns, "rolled back (en)", kept...)

	// Kept elsewhere (another tab, the API): when this page's countdown
	// ends it says the rules stay, not that they were rolled back.
	submit(b, map[string]string{"#fw-in-1-destination-port-begin": "2222", "#fw-confirm": "30"}, "#fw-save", "#fw-keep")
	a.API(t, "firewall/save-confirm", url.Values{"ruleset_id": {"fw-12345"}})
	fwWaitRolledBack(b, "Confirmed: the new rules stay.")
	if got := fwValue(b, "fw-in-1-destination-port-begin"); got != "2222" {
		t.Errorf("kept elsewhere: the page shows port %q, want 2222", got)
	}
	fwKernel(t, ns, "kept elsewhere", kept[0], "tcp dport 2222 accept", kept[2], kept[3])
}

// TestFirewallWithoutJavaScript: with the page's scripts off, moving a
// rule is a plain form post that re-renders the form, the save reaches the
// kernel, and a commit-confirmed save shows its deadline as text (no
// countdown) with a working "keep these rules" button.
func TestFirewallWithoutJavaScript(t *testing.T) {
	ns := fwNetns(t)
	a := webtest.Start(t, "--firewall", "nft", "--firewall-netns", ns)
	a.SetLanguage(t, "en")
	b := webtest.NewBrowser(t, a)
	b.SignInDemo()
	if _, err := chromedp.Call(b.Ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	b.Go("/firewall/fw-12345")
	if webtest.Run(b, chromedp.Evaluate[bool](`typeof htmx !== "undefined"`)) {
		t.Fatal("htmx runs: the page's scripts are not off")
	}
	b.Do(b.ClickNext(`button[value="down:in:0"]`))
	if got := fwValue(b, "fw-in-0-destination-port-begin") + "," + fwValue(b, "fw-in-1-destination-port-begin"); got != "80,22" {
		t.Fatalf("moved without JavaScript: ports %s, want 80,22", got)
	}
	fwKernel(t, ns, "moved, unsaved", "tcp dport 22 accept", "tcp dport 80 accept", "tcp dport 443 accept", "meta l4proto icmp accept")
	submit(b, map[string]string{"#fw-confirm": "60"}, "#fw-save", "#fw-keep")
	moved := []string{"tcp dport 80 accept", "tcp dport 22 accept", "tcp dport 443 accept", "meta l4proto icmp accept"}
	fwKernel(t, ns, "saved without JavaScript", moved...)
	if !strings.Contains(b.Text("#fw-deadline"), "(UTC)") {
		t.Errorf("deadline: %q", b.Text("#fw-deadline"))
	}
	if !webtest.Run(b, chromedp.Evaluate[bool](`document.querySelector("[data-fw-show]").hidden`)) {
		t.Error("without JavaScript the countdown is shown")
	}
	b.Do(b.ClickNext("#fw-keep"))
	if got := b.Text("p.done"); got != "Confirmed: the new rules stay." || b.Exists("#fw-pending") {
		t.Errorf("after keep: %q", got)
	}
	fwKernel(t, ns, "kept without JavaScript", moved...)

	// More rules than the ruleset takes (the form offers no more "add"
	// once full; posted by hand): the error is at the direction, nothing
	// changes.
	many := url.Values{"op": {"save"}}
	for i := range 11 {
		many.Set(fmt.Sprintf("rules[in][%d][policy]", i), "ACCEPT")
	}
	status, body := fetch(b, "POST", "/firewall/fw-12345", many)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="fw-dir-in-err"`) || !strings.Contains(body, "at most 10 rules") {
		t.Errorf("11 incoming rules: %d, want 422 with the error at the incoming rules", status)
	}
	fwKernel(t, ns, "after too many rules", moved...)
}

// TestFirewallIsolation: another customer's ruleset answers exactly like
// a missing one (404) on every route, is not listed, and nothing the
// demo customer posts changes it.
func TestFirewallIsolation(t *testing.T) {
	a := webtest.Start(t)
	const key = "fwotherfwotherfwotherfwother0123456789ab"
	inv := `{"customers": [{"customer": {"id": 19088, "name": "Other FW", "language": "en", "currency": "PLN"},
	  "api_key": "` + key + `", "api_access": true,
	  "services": [{"service": {"id": 98001, "type": "dedicated", "name": "other-fw", "expiration_time": 0, "parent_service_id": 0,
	    "ip": "192.0.2.10", "custom_description": null,
	    "payment_details": {"price": 1, "price_brutto": 1.23, "currency": "PLN", "payment_period": 1}},
	   "details": {"network_configuration": {"ip": "192.0.2.10"}, "features": {"firewall_management": true}, "active": true}}]}],
	 "firewall_rulesets": [{"id": "fw-other-1", "enabled": true, "maximum_rules_number": 10, "protocol": "",
	   "rules": {"in": [{"policy": "ACCEPT", "protocol": "6", "source": {"ip": "", "mask_short": 0, "port": {"begin": "", "end": ""}},
	     "destination": {"ip": "", "mask_short": 0, "port": {"begin": "25", "end": "25"}}}], "out": []},
	   "services_ids_list": [98001]}]}`
	a.Import(t, inv)

	a.SetLanguage(t, "pl")
	b := webtest.NewBrowser(t, a)
	b.SignInDemo()
	b.Go("/firewall")
	if b.Exists(`tr[data-id="fw-other-1"]`) || strings.Contains(b.Text("main"), "fw-other-1") {
		t.Error("the list shows the other customer's ruleset")
	}
	save := url.Values{"op": {"save"}, "rules[in][0][policy]": {"DROP"}}
	for _, id := range []string{"fw-other-1", "fw-missing"} {
		for _, r := range []struct {
			method, path string
			form         url.Values
		}{
			{"GET", "/firewall/" + id, nil},
			{"GET", "/firewall/" + id + "?after=1", nil},
			{"POST", "/firewall/" + id, save},
			{"POST", "/firewall/" + id, url.Values{"op": {"add:in"}}},
			{"POST", "/firewall/" + id, url.Values{"op": {"down:in:0"}, "rules[in][0][policy]": {"DROP"}, "rules[in][1][policy]": {"ACCEPT"}}},
			{"POST", "/firewall/" + id + "/enable", url.Values{}},
			{"POST", "/firewall/" + id + "/disable", url.Values{}},
			{"POST", "/firewall/" + id + "/confirm", url.Values{}},
		} {
			status, body := fetch(b, r.method, r.path, r.form)
			if status != http.StatusNotFound || !strings.Contains(body, "Nie znaleziono strony.") {
				t.Errorf("%s %s: %d, want the not-found page", r.method, r.path, status)
			}
			if strings.Contains(body, "198.51") || strings.Contains(body, "dport") || strings.Contains(body, `value="25"`) {
				t.Errorf("%s %s shows the other customer's rules", r.method, r.path)
			}
		}
	}
	// The other customer's ruleset is as it was.
	other := &webtest.Artnetd{URL: a.URL, CustomerID: 19088, APIKey: key}
	d := other.API(t, "firewall/details", url.Values{"ruleset_id": {"fw-other-1"}})
	det, _ := json.Marshal(d["ruleset_details"])
	if !strings.Contains(string(det), `"enabled":true`) || !strings.Contains(string(det), `"begin":"25"`) || strings.Contains(string(det), "DROP") {
		t.Errorf("the other customer's ruleset changed: %s", det)
	}
}
