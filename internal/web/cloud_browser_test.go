package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"
	"github.com/artnet-panel/artnet-panel/internal/web/webtest"
)

// Browser tests of the cloud instance pages against the built artnetd
// (serve --demo: the simulated hypervisor runs the demo instance 1,
// "ACME web", whose password is demo1234).

// cloudPW is the demo instance's password (internal/demo).
const cloudPW = "demo1234"

// cloudDetails returns the demo instance's details through the API.
func cloudDetails(t *testing.T, a *webtest.Artnetd) map[string]any {
	t.Helper()
	return a.API(t, "cloud-instance/details", url.Values{"instance_id": {"1"}})["instance_details"].(map[string]any)
}

// cloudRes returns a resource of the details ("cpu_cores", "ram", ...).
func cloudRes(d map[string]any, name string) int64 {
	return int64(d["resources"].(map[string]any)[name].(float64))
}

// cloudSet sets the inputs (CSS selector → value) by a script and fires
// their input events, as typing does.
func cloudSet(b *webtest.Browser, fields map[string]string) {
	b.T.Helper()
	js := ""
	for sel, v := range fields {
		js += fmt.Sprintf(`(e => { e.value = %q; e.dispatchEvent(new Event("input", {bubbles: true})); })(document.querySelector(%q));`, v, sel)
	}
	webtest.Run(b, chromedp.Evaluate[bool](js+" true"))
}

// cloudAPIPrice is resources-calculate-price of the demo instance with
// the given resources, as the page formats it in English ("5.3000 PLN").
func cloudAPIPrice(t *testing.T, a *webtest.Artnetd, res map[string]string) string {
	t.Helper()
	p := url.Values{"instance_id": {"1"}}
	for k, v := range res {
		p.Set("resources["+k+"]", v)
	}
	pr := a.API(t, "cloud-instance/resources-calculate-price", p)["price_resources"].(map[string]any)
	return fmt.Sprintf("%.4f %s", pr["price"].(float64), pr["currency"])
}

// TestCloudPages opens the cloud pages in Polish and in English: the
// list, the details, the resources with a price calculated, the
// confirmation pages and a wrong password's error; each passes axe-core
// and is saved as a screenshot.
func TestCloudPages(t *testing.T) {
	a := webtest.Start(t)
	b := webtest.NewBrowser(t, a)
	acceptDialogs(b)
	b.SignInDemo()
	for _, lang := range []string{"pl", "en"} {
		a.SetLanguage(t, lang)
		b.Go("/cloud")
		if got := b.Text("#instance-1"); !strings.Contains(got, "ACME web") || !strings.Contains(got, "ci-acme-web") {
			t.Errorf("list (%s): %q", lang, got)
		}
		want := map[string]string{"pl": "3,3000 PLN", "en": "3.3000 PLN"}[lang]
		if got := b.Text("#instance-1 .price"); got != want {
			t.Errorf("list price (%s): %q, want %q", lang, got, want)
		}
		shot(b, "list")
		b.Go("/cloud/1")
		if got := b.Text("#network"); !strings.Contains(got, "123.123.127.10") || !strings.Contains(got, "123.123.120.2") {
			t.Errorf("network (%s): %q", lang, got)
		}
		if !b.Exists(`a#console-link[href="/cloud/1/console"][hx-boost="false"]`) {
			t.Errorf("details (%s): no console link", lang)
		}
		cloudNoKeys(t, b, lang)
		shot(b, "details")
		// A wrong password: the catalogue's text at the field.
		submit(b, map[string]string{"#power-password": "wrong-pw"}, "#power-power-on", "#e-power-password")
		if got, want := b.Text("#e-power-password"), apperr.Describe(apperr.CodeInstancePasswordIncorrect, ""); got != map[string]string{"pl": want.PL, "en": want.EN}[lang] {
			t.Errorf("wrong password (%s): %q", lang, got)
		}
		if v := webtest.Run(b, chromedp.Evaluate[string](`document.querySelector("#power-password").value`)); v != "" {
			t.Errorf("the password was written back into the form: %q", v)
		}
		if b.Path() != "/cloud/1" {
			t.Errorf("address after a failed form: %s", b.Path())
		}
		shot(b, "wrong-password")
		b.Go("/cloud/1/resources")
		submit(b, map[string]string{"#res-cpu": "4", "#res-ram": "4096"}, "#calculate", ".done")
		cloudNoKeys(t, b, lang)
		shot(b, "resources")
		submit(b, map[string]string{"#res-password": "wrong-pw"}, "#negotiate", "#e-res-password")
		shot(b, "resources-wrong-password")
		b.Go("/cloud/1/delete")
		shot(b, "delete-confirm")
	}
}

// cloudNoKeys fails when the page shows a text key without its text.
func cloudNoKeys(t *testing.T, b *webtest.Browser, lang string) {
	t.Helper()
	if m := regexp.MustCompile(`\[?cloud\.[a-z.\-]+\]?`).FindString(b.Text("main")); m != "" {
		t.Errorf("%s (%s): a text key without a text: %s", b.Path(), lang, m)
	}
}

// TestCloudLivePrice: moving the resource values updates the price
// element without a page load, to resources-calculate-price's answer;
// negotiating them (the form's confirm dialog accepted) changes the
// instance's resources; the form sent twice with its key negotiates once.
func TestCloudLivePrice(t *testing.T) {
	a := webtest.Start(t)
	a.SetLanguage(t, "en")
	b := webtest.NewBrowser(t, a)
	acceptDialogs(b)
	b.SignInDemo()
	b.Go("/cloud/1/resources")
	if got, want := b.Text("#price-value"), cloudAPIPrice(t, a, nil); got != want {
		t.Fatalf("price shown %q, want %q", got, want)
	}
	// No page load from here: the marked <main> stays.
	webtest.Run(b, chromedp.Evaluate[bool](`document.querySelector("main").dataset.mark = "same"; true`))
	steps := []map[string]string{
		{"cpu": "2"},
		{"cpu": "2", "ram": "3072"},
		{"cpu": "2", "ram": "3072", "hdd": "40", "bandwidth": "250"},
	}
	last := b.Text("#price-value")
	for _, s := range steps {
		fields := map[string]string{}
		for k, v := range s {
			fields["#res-"+k] = v
		}
		cloudSet(b, fields)
		want := cloudAPIPrice(t, a, s)
		if want == last {
			t.Fatalf("step %v does not change the price", s)
		}
		b.Do(webtest.Void(chromedp.Poll[bool](fmt.Sprintf(`(e => e !== null && e.textContent === %q)(document.querySelector("#price-value"))`, want))))
		last = want
	}
	if !b.Exists(`main[data-mark="same"]`) {
		t.Fatal("the page was loaded again")
	}
	// A value outside the ranges: the catalogue's text in the price.
	cloudSet(b, map[string]string{"#res-ram": "1000"})
	b.Do(chromedp.WaitVisible(chromedp.CSS("#price-error")))
	if got := b.Text("#price-error"); !strings.Contains(got, apperr.Describe(apperr.CodeInvalidParamValue, "").EN) {
		t.Errorf("price of a bad value: %q", got)
	}
	cloudSet(b, map[string]string{"#res-ram": "3072"})
	b.Do(chromedp.WaitVisible(chromedp.CSS("#price-value")))
	shot(b, "live-price")

	// Negotiate with a wrong password: the error at the field, nothing
	// changed; then with the right one.
	submit(b, map[string]string{"#res-password": "wrong-pw"}, "#negotiate", "#e-res-password")
	if d := cloudDetails(t, a); cloudRes(d, "cpu_cores") != 1 {
		t.Fatalf("a wrong password changed the resources: %v", d["resources"])
	}
	if got := b.Text("#res-cpu-hint"); got == "" || webtest.Run(b, chromedp.Evaluate[string](`document.querySelector("#res-cpu").value`)) != "2" {
		t.Errorf("the posted values were not kept")
	}
	shot(b, "negotiate-wrong-password")
	submit(b, map[string]string{"#res-password": cloudPW}, "#negotiate", ".done")
	d := cloudDetails(t, a)
	if cloudRes(d, "cpu_cores") != 2 || cloudRes(d, "ram") != 3072 || cloudRes(d, "hdd") != 40 || cloudRes(d, "bandwidth") != 250 {
		t.Fatalf("after negotiate: %v", d["resources"])
	}
	if b.Path() != "/cloud/1?done=cloud.done.negotiated" || !strings.Contains(b.Text("#resources"), "3072 MB RAM") {
		t.Errorf("after negotiate: %s %q", b.Path(), b.Text("#resources"))
	}

	// The same form sent twice: the second send does not negotiate again
	// (the resources changed meanwhile stay).
	c := signIn(t, a, strconv.FormatInt(a.CustomerID, 10), a.Password)
	_, page := c.get("/cloud/1/resources")
	m := regexp.MustCompile(`name="idempotency_key" value="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no idempotency key in the form")
	}
	form := url.Values{"idempotency_key": {m[1]}, "confirmed": {"1"}, "instance_password": {cloudPW},
		"resources[cpu]": {"3"}, "resources[ram]": {"3072"}, "resources[hdd]": {"40"}, "resources[bandwidth]": {"250"}}
	for i := range 2 {
		resp := c.do("POST", "/cloud/1/resources", form)
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("send %d: HTTP %d", i+1, resp.StatusCode)
		}
		if i == 0 {
			if cloudRes(cloudDetails(t, a), "cpu_cores") != 3 {
				t.Fatal("the first send did not negotiate")
			}
			a.API(t, "cloud-instance/resources-negotiate", url.Values{"instance_id": {"1"}, "instance_password": {cloudPW}, "resources[cpu]": {"4"}})
		}
	}
	if got := cloudRes(cloudDetails(t, a), "cpu_cores"); got != 4 {
		t.Errorf("after the second send of one form: %d CPUs, want 4 (negotiated once)", got)
	}
}

// TestCloudActions: power off and on (confirm dialogs accepted) with the
// state shown; a wrong password changes nothing; boot from the
// installation image and back; name and notes; the password changed, then
// the new one works and the old one answers the catalogue's error at the
// field; the instance deleted through its confirmation page.
func TestCloudActions(t *testing.T) {
	a := webtest.Start(t)
	a.SetLanguage(t, "en")
	b := webtest.NewBrowser(t, a)
	acceptDialogs(b)
	b.SignInDemo()
	b.Go("/cloud/1")
	if got := b.Text("#state"); !strings.HasPrefix(got, "running") {
		t.Fatalf("state %q", got)
	}
	// Wrong password: nothing changes.
	submit(b, map[string]string{"#power-password": "wrong-pw"}, "#power-power-off", "#e-power-password")
	if st := cloudDetails(t, a)["state"]; st != "running" {
		t.Fatalf("after a wrong password: %v", st)
	}
	submit(b, map[string]string{"#power-password": cloudPW}, "#power-power-off", ".done")
	if got := b.Text("#state"); !strings.HasPrefix(got, "stopped") || cloudDetails(t, a)["state"] != "stopped" {
		t.Fatalf("after power off: %q", got)
	}
	if b.Exists("#console-link") {
		t.Error("a console link for a stopped instance")
	}
	submit(b, map[string]string{"#power-password": cloudPW}, "#power-power-on", ".done")
	if got := b.Text("#state"); !strings.HasPrefix(got, "running") || cloudDetails(t, a)["state"] != "running" {
		t.Fatalf("after power on: %q", got)
	}
	for _, action := range []string{"power-restart", "reboot"} {
		submit(b, map[string]string{"#power-password": cloudPW}, "#power-"+action, ".done")
		if b.Path() != "/cloud/1?done=cloud.done."+action || cloudDetails(t, a)["state"] != "running" {
			t.Errorf("%s: %s, state %v", action, b.Path(), cloudDetails(t, a)["state"])
		}
	}

	// Boot mode: the installation image and back.
	b.Do(chromedp.Click(chromedp.CSS("#boot-install")))
	cloudSet(b, map[string]string{"#boot-image": "debian-12"})
	submit(b, map[string]string{"#boot-password": cloudPW}, "#boot-submit", ".done")
	if d := cloudDetails(t, a); d["boot_status"] != "install" || b.Text("#boot-status") != "from an installation image" {
		t.Fatalf("after boot from the image: %v %q", d["boot_status"], b.Text("#boot-status"))
	}
	b.Do(chromedp.Click(chromedp.CSS("#boot-boot")))
	submit(b, map[string]string{"#boot-password": cloudPW}, "#boot-submit", ".done")
	if d := cloudDetails(t, a); d["boot_status"] != "boot" {
		t.Fatalf("after boot from the disk: %v", d["boot_status"])
	}

	// Name and notes.
	submit(b, map[string]string{"#props-name": "Shop front", "#props-notes": "nginx, php"}, "#props-submit", ".done")
	if p := cloudDetails(t, a)["custom_properties"].(map[string]any); p["display_name"] != "Shop front" || p["notes"] != "nginx, php" {
		t.Fatalf("properties: %v", p)
	}
	if !strings.Contains(b.Text("h1"), "Shop front") {
		t.Errorf("title %q", b.Text("h1"))
	}

	// Password change: the repeat must match; then the new password works
	// and the old one is refused at the field.
	submit(b, map[string]string{"#pw-current": cloudPW, "#pw-new": "newpass.5", "#pw-repeat": "newpass.6"}, "#pw-submit", "#e-pw-repeat")
	submit(b, map[string]string{"#pw-current": cloudPW, "#pw-new": "newpass.5", "#pw-repeat": "newpass.5"}, "#pw-submit", ".done")
	submit(b, map[string]string{"#power-password": cloudPW}, "#power-power-off", "#e-power-password")
	if got := b.Text("#e-power-password"); got != apperr.Describe(apperr.CodeInstancePasswordIncorrect, "").EN {
		t.Errorf("the old password: %q", got)
	}
	if cloudDetails(t, a)["state"] != "running" {
		t.Fatal("the old password powered the instance off")
	}
	submit(b, map[string]string{"#power-password": "newpass.5"}, "#power-power-off", ".done")
	if cloudDetails(t, a)["state"] != "stopped" {
		t.Fatal("the new password did not power the instance off")
	}

	// Delete: its confirmation page; a wrong password first.
	b.Do(b.ClickNext("#delete-link"), chromedp.WaitVisible(chromedp.CSS("#confirm-form")))
	submit(b, map[string]string{"#confirm-password": cloudPW}, "#confirm-yes", "#e-confirm-password")
	shot(b, "delete-wrong-password")
	submit(b, map[string]string{"#confirm-password": "newpass.5"}, "#confirm-yes", ".done")
	if !b.Exists("#instances-none") || len(a.API(t, "cloud-instance/list", nil)["instances_list"].([]any)) != 0 {
		t.Fatal("the instance was not deleted")
	}
	for _, pw := range []string{cloudPW, "newpass.5", "newpass.6"} {
		if strings.Contains(a.Log(), pw) {
			t.Errorf("artnetd logged an instance password")
		}
	}
}

// TestCloudWithoutJavaScript: with the page's scripts off, power off asks
// on a confirmation page (with the password again), the calculate button
// shows the price of the values on the page sent again, and negotiate
// goes through its confirmation page too.
func TestCloudWithoutJavaScript(t *testing.T) {
	a := webtest.Start(t)
	b := webtest.NewBrowser(t, a)
	b.SignInDemo()
	cloudScripts(b, false)
	for _, lang := range []string{"pl", "en"} {
		a.SetLanguage(t, lang)
		b.Go("/cloud/1")
		if webtest.Run(b, chromedp.Evaluate[bool](`typeof htmx !== "undefined"`)) {
			t.Fatal("htmx runs: the page's scripts are not off")
		}
		submit(b, map[string]string{"#power-password": cloudPW}, "#power-power-off", "#confirm-form")
		if cloudDetails(t, a)["state"] != "running" {
			t.Fatal("power off without its confirmation")
		}
		if v := webtest.Run(b, chromedp.Evaluate[string](`document.querySelector("#confirm-password").value`)); v != "" {
			t.Errorf("the password was written into the confirmation page")
		}
		cloudShotNoJS(b, "power-off-confirm")
		submit(b, map[string]string{"#confirm-password": "wrong-pw"}, "#confirm-yes", "#e-confirm-password")
		cloudShotNoJS(b, "power-off-confirm-wrong-password")
		submit(b, map[string]string{"#confirm-password": cloudPW}, "#confirm-yes", ".done")
		if cloudDetails(t, a)["state"] != "stopped" {
			t.Fatal("power off confirmed: not stopped")
		}
		submit(b, map[string]string{"#power-password": cloudPW}, "#power-power-on", ".done")
		if cloudDetails(t, a)["state"] != "running" {
			t.Fatal("power on: not running")
		}
		// Resources: the calculate button, then negotiate through its
		// confirmation page.
		b.Go("/cloud/1/resources")
		res := map[string]string{"cpu": "3", "ram": "2048", "hdd": "20", "bandwidth": "100"}
		if lang == "en" {
			res = map[string]string{"cpu": "4", "ram": "4096", "hdd": "30", "bandwidth": "200"}
		}
		fields := map[string]string{}
		for k, v := range res {
			fields["#res-"+k] = v
		}
		submit(b, fields, "#calculate", ".done")
		want := cloudAPIPrice(t, a, res)
		if lang == "pl" {
			want = strings.Replace(want, ".", ",", 1)
		}
		if got := b.Text("#price-value"); got != want {
			t.Errorf("calculated price %q, want %q", got, want)
		}
		submit(b, map[string]string{"#res-password": cloudPW}, "#negotiate", "#confirm-form")
		if got := b.Text("#confirm-price"); got != want {
			t.Errorf("price on the confirmation page %q, want %q", got, want)
		}
		cloudShotNoJS(b, "negotiate-confirm")
		// A wrong password: the error on the confirmation page, which
		// carries a new key, so the right password then negotiates (the
		// failed key's answer is not replayed).
		submit(b, map[string]string{"#confirm-password": "wrong-pw"}, "#confirm-yes", "#e-confirm-password")
		if got := b.Text("#confirm-price"); got != want {
			t.Errorf("price on the confirmation page after a wrong password %q, want %q", got, want)
		}
		if d := cloudDetails(t, a); fmt.Sprint(cloudRes(d, "cpu_cores")) == res["cpu"] {
			t.Fatalf("negotiated with a wrong password: %v", d["resources"])
		}
		cloudShotNoJS(b, "negotiate-confirm-wrong-password")
		submit(b, map[string]string{"#confirm-password": cloudPW}, "#confirm-yes", ".done")
		if d := cloudDetails(t, a); fmt.Sprint(cloudRes(d, "cpu_cores")) != res["cpu"] || fmt.Sprint(cloudRes(d, "hdd")) != res["hdd"] {
			t.Fatalf("after negotiate: %v", d["resources"])
		}
		// Boot mode: the image, then the disk, each confirmed.
		b.Go("/cloud/1")
		b.Do(chromedp.Click(chromedp.CSS("#boot-install")))
		submit(b, map[string]string{"#boot-password": cloudPW, "#boot-image": "debian-12"}, "#boot-submit", "#confirm-form")
		if got := b.Text("#confirm-boot"); !strings.Contains(got, "Debian 12 64bit") {
			t.Errorf("boot confirmation: %q", got)
		}
		cloudShotNoJS(b, "boot-confirm")
		submit(b, map[string]string{"#confirm-password": cloudPW}, "#confirm-yes", ".done")
		if st := cloudDetails(t, a)["boot_status"]; st != "install" {
			t.Fatalf("boot status %v, want install", st)
		}
		b.Do(chromedp.Click(chromedp.CSS("#boot-boot")))
		submit(b, map[string]string{"#boot-password": cloudPW}, "#boot-submit", "#confirm-form")
		submit(b, map[string]string{"#confirm-password": cloudPW}, "#confirm-yes", ".done")
		if st := cloudDetails(t, a)["boot_status"]; st != "boot" {
			t.Fatalf("boot status %v, want boot", st)
		}
	}
}

// cloudScripts turns the page's scripts on or off.
func cloudScripts(b *webtest.Browser, on bool) {
	b.T.Helper()
	if _, err := chromedp.Call(b.Ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on}); err != nil {
		b.T.Fatal(err)
	}
}

// cloudShotNoJS checks the page shown without scripts with axe-core
// (which needs them: they are on while it runs; the page's own scripts
// did not run) and saves its screenshot.
func cloudShotNoJS(b *webtest.Browser, name string) {
	b.T.Helper()
	cloudScripts(b, true)
	shot(b, name)
	cloudScripts(b, false)
}

// TestCloudIsolation: another customer's instance answers exactly as a
// missing one (404, the same page) on every route, GET and POST, the
// price partial included, and changes nothing.
func TestCloudIsolation(t *testing.T) {
	a := webtest.Start(t)
	cloudOtherCustomer(t, a)
	c := signIn(t, a, strconv.FormatInt(a.CustomerID, 10), a.Password)
	if _, body := c.get("/cloud"); strings.Contains(body, "ci-other") || strings.Contains(body, "Other box") {
		t.Error("the list shows the other customer's instance")
	}
	routes := []struct {
		method, path string
		form         url.Values
	}{
		{"GET", "/cloud/%s", nil},
		{"GET", "/cloud/%s/resources", nil},
		{"GET", "/cloud/%s/delete", nil},
		{"POST", "/cloud/%s/power", url.Values{"action": {"power-off"}, "instance_password": {"other1234"}, "confirmed": {"1"}}},
		{"POST", "/cloud/%s/power", url.Values{"action": {"power-off"}, "instance_password": {"other1234"}}},
		{"POST", "/cloud/%s/boot", url.Values{"mode": {"install"}, "installation_image": {"debian-12"}, "instance_password": {"other1234"}, "confirmed": {"1"}}},
		{"POST", "/cloud/%s/properties", url.Values{"custom_properties[display_name]": {"taken"}}},
		{"POST", "/cloud/%s/password", url.Values{"instance_password": {"other1234"}, "instance_new_password": {"x12345"}, "instance_new_password_repeat": {"x12345"}}},
		{"POST", "/cloud/%s/password", url.Values{"instance_password": {"other1234"}, "instance_new_password": {"x12345"}, "instance_new_password_repeat": {"y"}}},
		{"POST", "/cloud/%s/delete", url.Values{"instance_password": {"other1234"}}},
		{"POST", "/cloud/%s/resources", url.Values{"resources[cpu]": {"2"}, "calculate": {"1"}}},
		{"POST", "/cloud/%s/resources", url.Values{"resources[cpu]": {"2"}, "instance_password": {"other1234"}, "confirmed": {"1"}, "idempotency_key": {"k-12345678"}}},
		{"POST", "/cloud/%s/resources/price", url.Values{"resources[cpu]": {"2"}}},
	}
	for _, r := range routes {
		p1, p2 := fmt.Sprintf(r.path, "2"), fmt.Sprintf(r.path, "999")
		st1, body1 := cloudSend(c, r.method, p1, r.form)
		st2, body2 := cloudSend(c, r.method, p2, r.form)
		body1, body2 = strings.ReplaceAll(body1, p1, "PATH"), strings.ReplaceAll(body2, p2, "PATH")
		if st1 != http.StatusNotFound || st2 != http.StatusNotFound || body1 != body2 {
			t.Errorf("%s %s: HTTP %d, missing %s: HTTP %d; bodies equal %v", r.method, p1, st1, p2, st2, body1 == body2)
		}
		if strings.Contains(body1, "ci-other") || strings.Contains(body1, "Other box") {
			t.Errorf("%s %s shows the other customer's instance", r.method, p1)
		}
	}
	// The price partial as htmx asks for it.
	req, _ := http.NewRequest("POST", a.URL+"/cloud/2/resources/price", strings.NewReader("resources%5Bcpu%5D=2"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	req.Header.Set("Cookie", c.cookie)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || strings.Contains(string(body), "PLN") {
		t.Errorf("htmx price of another customer's instance: HTTP %d %s", resp.StatusCode, body)
	}
	// Nothing of the other instance changed (read from the database).
	ctx := context.Background()
	db, err := sqlite.Open(ctx, strings.TrimPrefix(a.DB, "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	list, err := db.CloudInstanceList(ctx, 29099)
	if err != nil || len(list) != 1 {
		t.Fatalf("the other customer's instances: %v %v", list, err)
	}
	if i := list[0]; i.DisplayName != "Other box" || i.CPU != 1 || !i.PowerOn || i.BootStatus != "boot" {
		t.Errorf("the other customer's instance changed: %+v", i)
	}
}

// cloudSend sends a request of the isolation test and returns its status
// and body.
func cloudSend(c *client, method, path string, form url.Values) (int, string) {
	c.t.Helper()
	resp := c.do(method, path, form)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// cloudOtherCustomer imports customer 29099 with cloud instance 2
// ("ci-other", password other1234) into a's database.
func cloudOtherCustomer(t *testing.T, a *webtest.Artnetd) {
	t.Helper()
	inv := `{"customers": [{"customer": {"id": 29099, "name": "Other Cloud Ltd", "email": "cloud@other.test",
	  "country_code": "PL", "language": "en", "currency": "PLN", "business": true},
	 "cloud_instances": [{"id": 2, "name": "ci-other", "custom_name": "Other box", "state": "running", "boot_status": "boot",
	   "vnc_configuration": {"host": "127.0.0.1", "port": 5999},
	   "resources": {"cpu_cores": 1, "ram": 1024, "hdd": 10, "bandwidth": 100},
	   "custom_properties": {"display_name": "Other box", "notes": "secret"},
	   "network_configuration": {"ip": "192.0.2.99", "mask": "255.255.255.0", "gateway_ip": "192.0.2.1", "dns_list": []},
	   "instance_password": "other1234"}]}]}`
	a.Import(t, inv)
}

// TestCloudBlocked: wrong instance passwords count as failed logins; once
// the address is blocked, even the right password is refused with the
// catalogue's too-many-failed-logins at the field, and nothing changes.
func TestCloudBlocked(t *testing.T) {
	a := webtest.Start(t)
	a.SetLanguage(t, "en")
	c := signIn(t, a, strconv.FormatInt(a.CustomerID, 10), a.Password)
	for i := range 10 {
		st, body := cloudSend(c, "POST", "/cloud/1/power", url.Values{"action": {"power-on"}, "instance_password": {fmt.Sprintf("wrong-%d", i)}})
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, apperr.Describe(apperr.CodeInstancePasswordIncorrect, "").EN) {
			t.Fatalf("wrong password %d: HTTP %d", i+1, st)
		}
	}
	st, body := cloudSend(c, "POST", "/cloud/1/power", url.Values{"action": {"power-off"}, "instance_password": {cloudPW}, "confirmed": {"1"}})
	want := apperr.Describe(apperr.CodeTooManyFailedLogins, "").EN
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-power-password">`+want) {
		t.Errorf("the right password from a blocked address: HTTP %d\n%s", st, body)
	}
	ctx := context.Background()
	db, err := sqlite.Open(ctx, strings.TrimPrefix(a.DB, "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	list, err := db.CloudInstanceList(ctx, a.CustomerID)
	if err != nil || len(list) != 1 || !list[0].PowerOn {
		t.Errorf("the blocked address powered the instance off: %+v %v", list, err)
	}
}
