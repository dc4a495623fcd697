package web

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/coder/websocket"

	"github.com/artnet-panel/artnet-panel/internal/driver/qemu"
	"github.com/artnet-panel/artnet-panel/internal/testpeer"
	"github.com/artnet-panel/artnet-panel/internal/web/webtest"
)

// consoleInventory: customer 500 owns cloud instance 7 (powered on, a
// machine with no operating system: SeaBIOS says "No bootable device"),
// customer 501 owns nothing.
const consoleInventory = `{
  "customers": [{
    "customer": {"id": 500, "name": "Console owner", "email": "owner@example.test", "language": "pl"},
    "api_key": "ConsoleKeyConsoleKeyConsoleKeyConsoleKe",
    "services": [],
    "cloud_instances": [{
      "id": 7, "name": "t-console-7", "custom_name": "konsola", "state": "running", "boot_status": "boot",
      "vnc_configuration": {"host": "127.0.0.1", "port": VNCPORT},
      "resources": {"cpu_cores": 1, "ram": 64, "hdd": 1, "bandwidth": 10},
      "network_configuration": {"ip": "192.0.2.70", "mask": "255.255.255.0", "gateway_ip": "192.0.2.1", "dns_list": []},
      "instance_password": "Console.pw1"
    }]
  }, {
    "customer": {"id": 501, "name": "Other customer", "email": "other@example.test", "language": "pl"},
    "services": []
  }],
  "cloud_price_list": {"currency": "PLN", "cpu_core": "1", "ram_gb": "1", "hdd_gb": "0.1", "bandwidth_mbps": "0.001"},
  "cloud_resources_ranges": {"cpu": {"min": 1, "max": 2, "step": 1}, "ram": {"min": 64, "max": 256, "step": 64},
                             "hdd": {"min": 1, "max": 4, "step": 1}, "bandwidth": {"min": 10, "max": 100, "step": 10}}
}`

const (
	consoleMachine  = "t-console-7"
	consoleOwnerPW  = "owner console pw"
	consoleOtherPW  = "other console pw"
	consoleNotFound = 404
)

// consoleState waits (up to 90 s: QEMU emulates the machine with TCG on
// a busy host) until the console page's state is want.
func consoleState(b *webtest.Browser, want string) {
	b.T.Helper()
	b.Do(webtest.Void(chromedp.Poll[bool](`(document.getElementById("console") || {dataset: {}}).dataset.state === `+fmt.Sprintf("%q", want),
		chromedp.WithPollingTimeout(90*time.Second), chromedp.WithPollingInterval(200*time.Millisecond))))
}

// wsDial opens the console's WebSocket with a session cookie (a raw
// client: no browser) and returns the answer's status and, after a 101,
// the first 12 bytes the proxy sends.
func wsDial(t *testing.T, a *webtest.Artnetd, path, cookie, origin string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	h := http.Header{"Origin": {origin}}
	if cookie != "" {
		h.Set("Cookie", "artnet_session="+cookie)
	}
	ws, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(a.URL, "http")+path, &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		if resp == nil {
			t.Fatalf("websocket %s: %v", path, err)
		}
		return resp.StatusCode, ""
	}
	defer ws.CloseNow()
	c := websocket.NetConn(ctx, ws, websocket.MessageBinary)
	v := make([]byte, 12)
	if _, err := io.ReadFull(c, v); err != nil {
		t.Fatalf("websocket %s: read: %v", path, err)
	}
	return resp.StatusCode, string(v)
}

// The console of a cloud instance on a node that runs QEMU: the owner's
// browser opens /cloud/7/console, noVNC connects through the panel's
// WebSocket (no password asked: the proxy authenticates to QEMU's VNC
// server) and its canvas shows the machine's screen, the same picture as
// QEMU's own screendump (SeaBIOS's boot text: not blank, two colours).
// Another customer gets 404 on the page and on the WebSocket (no upgrade:
// no VNC byte), a page of another origin 403; without JavaScript the page
// says the console needs it.
func TestConsoleQEMU(t *testing.T) {
	testpeer.NeedQEMU(t)
	t.Setenv("ARTNETD_CLOUD_SECRET_KEY", strings.Repeat("c0", 32))
	stateDir := t.TempDir()
	// Registered before artnetd starts, so it runs after artnetd stops:
	// the machine outlives artnetd.
	t.Cleanup(func() {
		(&qemu.Driver{StateDir: stateDir, Timeout: 30 * time.Second}).Delete(context.Background(), consoleMachine)
	})
	inv := strings.Replace(consoleInventory, "VNCPORT", fmt.Sprint(testpeer.FreeVNCPort(t)), 1)
	a := webtest.StartInventory(t, inv, "--hypervisor", "qemu", "--qemu-state-dir", stateDir, "--qemu-accel", "auto")
	a.CustomerID, a.APIKey = 500, "ConsoleKeyConsoleKeyConsoleKeyConsoleKe"
	a.Admin(t, consoleOwnerPW+"\n", "admin", "customer", "set-password", "--db", a.DB, "--id", "500")
	a.Admin(t, consoleOtherPW+"\n", "admin", "customer", "set-password", "--db", a.DB, "--id", "501")
	// The reconciler starts the machine (meant to be on).
	for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(500 * time.Millisecond) {
		d := a.API(t, "cloud-instance/details", url.Values{"instance_id": {"7"}})
		if d["instance_details"].(map[string]any)["state"] == "running" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the machine is not running after 90 s: %v", d)
		}
	}

	b := webtest.NewBrowser(t, a)
	b.Timeout = 2 * time.Minute
	b.SignIn("500", consoleOwnerPW)
	for _, lang := range []string{"pl", "en"} {
		a.SetLanguage(t, lang)
		b.Go("/cloud/7/console")
		if got, want := b.Text("h1"), text(lang, "console.title")+" konsola"; got != want {
			t.Fatalf("h1 %q, want %q", got, want)
		}
		consoleState(b, "connected")
		if got := b.Text("#console-status"); got != text(lang, "console.connected") {
			t.Errorf("status %q, want %q", got, text(lang, "console.connected"))
		}
		// The canvas shows the machine's screen: QEMU's own screendump,
		// taken right after it (the two may catch different moments of
		// the boot, so the comparison is retried), with SeaBIOS's text.
		var nonBlack, colours int
		var diff float64
		for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(time.Second) {
			url := webtest.Run(b, chromedp.Evaluate[string](`document.querySelector("#console-screen canvas").toDataURL("image/png")`))
			shown := webtest.DataURLImage(t, url)
			dump := webtest.QEMUScreen(t, stateDir, consoleMachine)
			nonBlack, colours = webtest.ScreenStats(shown)
			diff = webtest.ScreenDiff(shown, dump)
			// SeaBIOS's text screen down to "No bootable device." has
			// some 4000 lit pixels; the text cursor blinks.
			if nonBlack >= 3000 && colours >= 2 && diff <= 0.01 {
				t.Logf("%s: canvas %v as QEMU's screen (%.4f of the pixels differ), %d lit pixels, %d colours", lang, shown.Rect.Size(), diff, nonBlack, colours)
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the canvas does not show the machine's screen after 90 s: %d lit pixels, %d colours, %.3f differ from QEMU's screendump (canvas %v, screendump %v)",
					nonBlack, colours, diff, shown.Rect.Size(), dump.Rect.Size())
			}
		}
		b.Axe()
		b.Screenshot("console")
		// Ctrl+Alt+Del reaches the guest (SeaBIOS reboots: no error).
		if lang == "en" {
			b.Do(chromedp.Click(chromedp.CSS("#console-cad")))
		}
	}
	if l := a.Log(); !strings.Contains(l, `"msg":"console connected"`) || !strings.Contains(l, `"instance_id":7`) || strings.Contains(l, "Console.") {
		t.Errorf("the proxy's log lines (connected, with the instance id, never the password):\n%s", l)
	}
	// The owner's own raw WebSocket: 101 and the proxy's RFB greeting.
	owner := b.Cookie("artnet_session").Value
	if code, greeting := wsDial(t, a, "/cloud/7/console/ws", owner, a.URL); code != http.StatusSwitchingProtocols || greeting != "RFB 003.008\n" {
		t.Fatalf("the owner's WebSocket: %d %q, want 101 and RFB 003.008", code, greeting)
	}
	// A page of another origin cannot open it with the owner's cookie.
	if code, _ := wsDial(t, a, "/cloud/7/console/ws", owner, "http://evil.example"); code != http.StatusForbidden {
		t.Fatalf("another origin's WebSocket: %d, want 403", code)
	}
	// An htmx navigation is told to load the page whole (its module
	// script must run).
	req, _ := http.NewRequest("GET", a.URL+"/cloud/7/console", nil)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Boosted", "true")
	req.Header.Set("Cookie", "artnet_session="+owner)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.Header.Get("HX-Redirect") != "/cloud/7/console" {
		t.Fatalf("boosted request: %v, HX-Redirect %q", err, resp.Header.Get("HX-Redirect"))
	}

	// Without JavaScript the page says the console needs it.
	noScript := func(off bool) {
		if _, err := chromedp.Call(b.Ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: off}); err != nil {
			t.Fatal(err)
		}
	}
	noScript(true)
	for _, lang := range []string{"pl", "en"} {
		a.SetLanguage(t, lang)
		b.Go("/cloud/7/console")
		if got := b.Text("#console-nojs"); got != text(lang, "console.nojs") {
			t.Errorf("%s without JavaScript: %q", lang, got)
		}
		if b.Exists("#console:not([hidden])") {
			t.Errorf("%s: without JavaScript the console's controls are shown", lang)
		}
		b.Screenshot("console-nojs")
	}
	noScript(false)

	// Another customer: 404 on the page, as for a missing instance, and on
	// the WebSocket: no upgrade, so no VNC byte; the proxy logged nothing
	// for it.
	b2 := webtest.NewBrowser(t, a)
	b2.SignIn("501", consoleOtherPW)
	for _, path := range []string{"/cloud/7/console", "/cloud/999/console"} {
		b2.Go(path)
		if got := b2.Text("h1"); got != text("pl", "common.notfound") {
			t.Errorf("another customer's %s: h1 %q, want not found", path, got)
		}
	}
	b2.Axe()
	other := b2.Cookie("artnet_session").Value
	before := strings.Count(a.Log(), `"msg":"console connected"`)
	for _, path := range []string{"/cloud/7/console", "/cloud/7/console/ws", "/cloud/999/console/ws"} {
		if code, greeting := wsDial(t, a, path, other, a.URL); code != consoleNotFound || greeting != "" {
			t.Errorf("another customer's WebSocket %s: %d %q, want 404 and no byte", path, code, greeting)
		}
	}
	// A raw upgrade request: the whole answer is an HTTP 404 page.
	raw := rawUpgrade(t, a, "/cloud/7/console/ws", other)
	if !strings.HasPrefix(raw, "HTTP/1.1 404 ") || strings.Contains(raw, "RFB") || strings.Contains(strings.ToLower(raw), "upgrade: websocket") {
		t.Errorf("another customer's raw upgrade: %.300q", raw)
	}
	if after := strings.Count(a.Log(), `"msg":"console connected"`); after != before || strings.Contains(a.Log(), `"customer_id":501`) {
		t.Errorf("the proxy ran for another customer:\n%s", a.Log())
	}

	// Signing out (from another tab, or a revocation on any node) ends the
	// open consoles of that session.
	a.SetLanguage(t, "pl")
	b3 := webtest.NewBrowser(t, a)
	b3.SignIn("500", consoleOwnerPW)
	b3.Go("/cloud/7/console")
	consoleState(b3, "connected")
	req, _ = http.NewRequest("POST", a.URL+"/signout", nil)
	req.Header.Set("Cookie", "artnet_session="+b3.Cookie("artnet_session").Value)
	if resp, err := http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	} else {
		resp.Body.Close()
	}
	consoleState(b3, "disconnected")
	if got := b3.Text("#console-status"); got != text("pl", "console.disconnected") {
		t.Errorf("status after the session ended %q", got)
	}
	b3.Screenshot("console-disconnected")
	if !strings.Contains(a.Log(), "console: the session ended") {
		t.Error("no log line for the console closed with its session")
	}
	a.SetLanguage(t, "en")

	// The machine powered off under an open console: QEMU closes the VNC
	// connection, the proxy closes the WebSocket cleanly and the page says
	// it is disconnected (and offers to connect again); reloaded, it says
	// the instance is not running.
	b.Go("/cloud/7/console")
	consoleState(b, "connected")
	a.API(t, "cloud-instance/action-power-off", url.Values{"instance_id": {"7"}, "instance_password": {"Console.pw1"}})
	consoleState(b, "disconnected")
	if got := b.Text("#console-status"); got != text("en", "console.disconnected") {
		t.Errorf("status after power-off %q", got)
	}
	if !b.Exists("#console-reconnect:not([hidden])") || !b.Exists("#console-cad[disabled]") {
		t.Error("after a disconnect: no reconnect button, or Ctrl+Alt+Del still enabled")
	}
	b.Screenshot("console-disconnected")
	for _, lang := range []string{"pl", "en"} {
		a.SetLanguage(t, lang)
		b.Go("/cloud/7/console")
		if got, want := b.Text("#console-stopped"), text(lang, "console.stopped"); got != want {
			t.Errorf("%s stopped instance: %q, want %q", lang, got, want)
		}
		b.Axe()
		b.Screenshot("console-stopped")
	}
	if !strings.Contains(a.Log(), `"msg":"console disconnected"`) {
		t.Errorf("no disconnect in the log:\n%s", a.Log())
	}

	// QEMU refuses the proxy's password (changed behind the panel's
	// back): the page says the console could not be opened; the log says
	// why.
	a.API(t, "cloud-instance/action-power-on", url.Values{"instance_id": {"7"}, "instance_password": {"Console.pw1"}})
	for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(500 * time.Millisecond) {
		d := a.API(t, "cloud-instance/details", url.Values{"instance_id": {"7"}})
		if d["instance_details"].(map[string]any)["state"] == "running" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the machine is not running after 90 s: %v", d)
		}
	}
	if err := (&qemu.Driver{StateDir: stateDir, Timeout: 30 * time.Second}).SetVNCPassword(context.Background(), consoleMachine, "changed"); err != nil {
		t.Fatal(err)
	}
	b.AllowConsole(`Security negotiation failed`)
	for _, lang := range []string{"pl", "en"} {
		a.SetLanguage(t, lang)
		b.Go("/cloud/7/console")
		consoleState(b, "refused")
		if got := b.Text("#console-status"); got != text(lang, "console.refused") {
			t.Errorf("%s status with a refused password %q", lang, got)
		}
		b.Screenshot("console-refused")
	}
	if !strings.Contains(a.Log(), "refused the console password") {
		t.Errorf("no authentication failure in the log:\n%s", a.Log())
	}
	if err := (&qemu.Driver{StateDir: stateDir, Timeout: 30 * time.Second}).SetVNCPassword(context.Background(), consoleMachine, "Console.pw1"); err != nil {
		t.Fatal(err)
	}
	b.Go("/account")

	// artnetd stops while a console is open (http.Server.Shutdown does
	// not close hijacked connections: CloseConsoles does), and the
	// console's WebSocket ends.
	connected := strings.Count(a.Log(), `"msg":"console connected"`)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(a.URL, "http")+"/cloud/7/console/ws",
		&websocket.DialOptions{HTTPHeader: http.Header{"Origin": {a.URL}, "Cookie": {"artnet_session=" + owner}}})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	open := websocket.NetConn(ctx, ws, websocket.MessageBinary)
	// RFB 3.8 up to the SecurityResult: version, security type None.
	hello := make([]byte, 12+2+4)
	if _, err := io.ReadFull(open, hello[:12]); err != nil {
		t.Fatal(err)
	}
	open.Write([]byte("RFB 003.008\n"))
	if _, err := io.ReadFull(open, hello[12:14]); err != nil {
		t.Fatal(err)
	}
	open.Write([]byte{1})
	if _, err := io.ReadFull(open, hello[14:]); err != nil {
		t.Fatal(err)
	}
	for strings.Count(a.Log(), `"msg":"console connected"`) == connected {
		if ctx.Err() != nil {
			t.Fatalf("the raw console did not connect:\n%s", a.Log())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !a.Stop(60 * time.Second) {
		t.Fatal("artnetd did not stop within 60 s with a console open")
	}
	if _, err := io.ReadAll(open); err != nil && ctx.Err() != nil {
		t.Fatalf("the console's WebSocket did not end: %v", err)
	}
}

// rawUpgrade sends a WebSocket upgrade request by hand and returns the
// whole answer (the connection is closed after it).
func rawUpgrade(t *testing.T, a *webtest.Artnetd, path, cookie string) string {
	t.Helper()
	u, _ := url.Parse(a.URL)
	req, _ := http.NewRequest("GET", a.URL+path, nil)
	req.Header = http.Header{"Connection": {"Upgrade"}, "Upgrade": {"websocket"}, "Sec-Websocket-Version": {"13"},
		"Sec-Websocket-Key": {"dGhlIHNhbXBsZSBub25jZQ=="}, "Origin": {a.URL}, "Cookie": {"artnet_session=" + cookie}}
	req.Close = true
	c, err := net.DialTimeout("tcp", u.Host, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	if err := req.Write(c); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var sb strings.Builder
	fmt.Fprintf(&sb, "HTTP/1.1 %s\r\n", resp.Status)
	resp.Header.Write(&sb)
	sb.WriteString("\r\n")
	sb.Write(body)
	return sb.String()
}

// On a node whose hypervisor does not run the machines (here the demo's
// simulator) the console page says so, and its WebSocket answers 503
// without an upgrade; an unknown instance is 404.
func TestConsoleNotHere(t *testing.T) {
	a := webtest.Start(t)
	b := webtest.NewBrowser(t, a)
	b.SignInDemo()
	for _, lang := range []string{"pl", "en"} {
		a.SetLanguage(t, lang)
		b.Go("/cloud/1/console")
		if got := b.Text("#console-unavailable"); got != text(lang, "console.unavailable") {
			t.Errorf("%s: %q, want the console is not available here", lang, got)
		}
		if b.Exists("#console") || b.Exists(`script[src="/static/console.js"]`) {
			t.Error("a node without the machines shows a console")
		}
		b.Axe()
		b.Screenshot("console-not-here")
	}
	// noVNC's ES modules are served as JavaScript (a module script of
	// another type does not run).
	for _, f := range []string{"/static/console.js", "/static/novnc/core/rfb.js", "/static/novnc/vendor/pako/lib/zlib/inflate.js"} {
		resp, err := http.Get(a.URL + f)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || !strings.HasPrefix(ct, "text/javascript") {
			t.Errorf("%s: %d %q, want 200 text/javascript", f, resp.StatusCode, ct)
		}
	}
	cookie := b.Cookie("artnet_session").Value
	if code, _ := wsDial(t, a, "/cloud/1/console/ws", cookie, a.URL); code != http.StatusServiceUnavailable {
		t.Errorf("WebSocket on a node without the machines: %d, want 503", code)
	}
	for _, path := range []string{"/cloud/2/console", "/cloud/x/console", "/cloud/0/console/ws"} {
		b.Go(path)
		if got := b.Text("h1"); got != text("en", "common.notfound") {
			t.Errorf("%s: h1 %q, want not found", path, got)
		}
	}
}
