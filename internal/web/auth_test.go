package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/web/webtest"
	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"
)

// noRedirect is an HTTP client that shows redirects instead of following.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// TestTwoFactor enrols TOTP in the browser, then signs in with the
// password and: a wrong code (refused), the right code, a recovery code
// (once only). A wrong password is refused before any code is asked.
func TestTwoFactor(t *testing.T) {
	a := webtest.Start(t)
	b := webtest.NewBrowser(t, a)
	a.SetLanguage(t, "en")
	b.SignInDemo()
	b.Go("/account/totp")
	b.Axe()
	b.Screenshot("totp-off")
	b.Do(b.ClickNext(`form[action="/account/totp/start"] button`), chromedp.WaitVisible(chromedp.CSS("#totp-secret")))
	secret := b.Text("#totp-secret")
	if !b.Exists(`img[src="/account/totp/qr.png"]`) {
		t.Fatal("no QR image")
	}
	b.Axe()
	b.Screenshot("totp-enrol")
	// A wrong code does not enable it.
	b.Submit(map[string]string{"#code": "000000"}, `form[action="/account/totp/confirm"] button`, "#page-error")
	if got := b.Text("#page-error"); !strings.HasPrefix(got, "Incorrect parameter value") {
		t.Fatalf("wrong enrolment code: %q", got)
	}
	code, _ := totp.GenerateCode(secret, time.Now())
	b.Submit(map[string]string{"#code": code}, `form[action="/account/totp/confirm"] button`, "#recovery-codes")
	codes := strings.Fields(b.Text("#recovery-codes"))
	if len(codes) != RecoveryCodes {
		t.Fatalf("recovery codes: %q", codes)
	}
	b.Screenshot("totp-codes")
	b.Go("/account/totp")
	if b.Exists("#recovery-codes") || !strings.Contains(b.Text("#totp-state"), "is on") {
		t.Fatal("recovery codes shown again, or two-factor not on")
	}

	signOut := func() {
		b.Do(b.ClickNext(`form[action="/signout"] button`), chromedp.WaitVisible(chromedp.CSS("#login")))
	}
	password := func(pw string) {
		b.Submit(map[string]string{"#login": fmt.Sprint(a.CustomerID), "#password": pw}, `form[action="/signin"] button`, "#page-error, #code")
	}
	signOut()
	// Wrong password: refused with the catalogue's text.
	password("wrong password!")
	if got := b.Text("#page-error"); got != "Authorization failed" {
		t.Fatalf("wrong password: %q", got)
	}
	b.Screenshot("signin-wrong")
	// Right password, then a wrong code, then the right one.
	password(a.Password)
	if b.Path() != "/signin/code?next=%2F" {
		t.Fatalf("after the password: %s, want the code step", b.Path())
	}
	b.Axe()
	b.Screenshot("signin-code")
	b.Go("/account") // a pending session signs nothing in
	if !strings.HasPrefix(b.Path(), "/signin") {
		t.Fatalf("pending session opened %s", b.Path())
	}
	b.Go("/signin/code")
	b.Submit(map[string]string{"#code": "123456"}, `form[action="/signin/code"] button`, "#page-error")
	if got := b.Text("#page-error"); got != "Authorization failed" {
		t.Fatalf("wrong code: %q", got)
	}
	// The enrolment's code does not work twice: the next step's does.
	b.Submit(map[string]string{"#code": code}, `form[action="/signin/code"] button`, "#page-error")
	code, _ = totp.GenerateCode(secret, time.Now().Add(30*time.Second))
	b.Submit(map[string]string{"#code": code}, `form[action="/signin/code"] button`, "nav.side")
	b.Go("/account")
	if b.Path() != "/account" {
		t.Fatalf("signed in with the code, /account went to %s", b.Path())
	}
	// A recovery code works once.
	signOut()
	password(a.Password)
	b.Submit(map[string]string{"#code": codes[0]}, `form[action="/signin/code"] button`, "nav.side")
	signOut()
	password(a.Password)
	b.Submit(map[string]string{"#code": codes[0]}, `form[action="/signin/code"] button`, "#page-error")
	// Turn it off again with the password.
	b.Submit(map[string]string{"#code": codes[1]}, `form[action="/signin/code"] button`, "nav.side")
	b.Go("/account/totp")
	b.Submit(map[string]string{"#dis-password": a.Password}, `form[action="/account/totp/disable"] button`, "#totp-state")
	if got := b.Text("#totp-state"); got != "Two-factor sign-in is off." {
		t.Fatalf("after disabling: %q", got)
	}
}

// TestAccountForms edits the customer data with a bad NIP (the field
// error, nothing saved), saves a good change, changes the language on the
// page, changes the password, and regenerates the API key (shown once).
func TestAccountForms(t *testing.T) {
	a := webtest.Start(t)
	b := webtest.NewBrowser(t, a)
	a.SetLanguage(t, "pl")
	b.SignInDemo()
	b.Go("/account")
	b.Submit(map[string]string{"#f-customer\\[nip\\]": "1234567890"}, `#customer-form button[type=submit]`, "#e-customer\\[nip\\]")
	if got := b.Text("#e-customer\\[nip\\]"); !strings.HasPrefix(got, "Niepoprawna wartość parametru") {
		t.Fatalf("bad NIP field error: %q", got)
	}
	if got := webtest.Run(b, chromedp.Value(chromedp.CSS("#f-customer\\[nip\\]"))); got != "1234567890" {
		t.Fatalf("the bad value was not kept in the form: %q", got)
	}
	b.Axe()
	b.Screenshot("account-bad-nip")
	if nip := details(t, a)["nip"]; nip == "1234567890" {
		t.Fatal("the bad NIP was saved")
	}
	b.Go("/account")
	b.Submit(map[string]string{"#f-customer\\[city\\]": "Kraków"}, `#customer-form button[type=submit]`, ".done")
	if city := details(t, a)["city"]; city != "Kraków" {
		t.Fatalf("city after saving: %q", city)
	}
	// Language: the page's own form.
	b.Do(chromedp.SetValue(chromedp.CSS("#language"), "en"), b.ClickNext(`form[action="/account/language"].row button`),
		chromedp.WaitReady(chromedp.CSS(`html[lang="en"]`)))
	if got := b.Text("h1"); got != "Account" {
		t.Fatalf("after switching to English: h1 %q", got)
	}
	if lang := details(t, a)["language"]; lang != "en" {
		t.Fatalf("language stored: %q", lang)
	}
	// The header switch goes back to Polish, staying on the page.
	b.Do(b.ClickNext(`header form[action="/account/language"] button`), chromedp.WaitReady(chromedp.CSS(`html[lang="pl"]`)))
	if got := b.Text("h1"); got != "Konto" {
		t.Fatalf("after the header switch: h1 %q", got)
	}
	// Password: mismatch, then a real change.
	b.Submit(map[string]string{"#pw-current": a.Password, "#pw-new": "a new password 1", "#pw-repeat": "a new password 2"}, `#password-form button`, "#password-error")
	b.Submit(map[string]string{"#pw-current": a.Password, "#pw-new": "a new password 1", "#pw-repeat": "a new password 1"}, `#password-form button`, ".done")
	// API key: regenerated, shown once, the old one refused.
	old := a.APIKey
	b.Do(webtest.Void(chromedp.Evaluate[bool](`(window.confirm = () => true, true)`)), b.ClickNext(`form[action="/account/api-key"] button`), chromedp.WaitVisible(chromedp.CSS("#new-api-key")))
	a.APIKey = b.Text("#new-api-key")
	if a.APIKey == old || len(a.APIKey) < 32 {
		t.Fatalf("new key %q", a.APIKey)
	}
	details(t, a) // the new key works
	b.Screenshot("account-new-key")
	b.Go("/account")
	if b.Exists("#new-api-key") {
		t.Fatal("the API key is shown again")
	}
	resp, err := http.PostForm(a.URL+"/api/customer/details", url.Values{"id": {fmt.Sprint(a.CustomerID)}, "api_key": {old}})
	if err != nil {
		t.Fatal(err)
	}
	var body struct{ Success bool }
	json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if body.Success {
		t.Fatal("the old API key still works")
	}
	// Sign in again with the new password.
	b.Do(b.ClickNext(`form[action="/signout"] button`), chromedp.WaitVisible(chromedp.CSS("#login")))
	b.SignIn(fmt.Sprint(a.CustomerID), "a new password 1")
}

// details returns the demo customer's data through the API.
func details(t *testing.T, a *webtest.Artnetd) map[string]any {
	t.Helper()
	return a.API(t, "customer/details", nil)["customer"].(map[string]any)
}

// TestSessionsSecurity: logout deletes the session server-side (the old
// cookie no longer works), a session revoked in one browser stops another,
// another customer's session id answers not-found, and a form posted from
// another origin is refused.
func TestSessionsSecurity(t *testing.T) {
	a := webtest.Start(t)
	b1 := webtest.NewBrowser(t, a)
	b1.SignInDemo()
	old := b1.Cookie(sessionCookie)
	if old == nil || !old.Secure || !old.HTTPOnly || old.SameSite != "Lax" {
		t.Fatalf("session cookie %+v: want Secure, HttpOnly, SameSite=Lax", old)
	}
	b1.Do(b1.ClickNext(`form[action="/signout"] button`), chromedp.WaitVisible(chromedp.CSS("#login")))
	if b1.Cookie(sessionCookie) != nil {
		t.Fatal("cookie kept after sign-out")
	}
	req, _ := http.NewRequest("GET", a.URL+"/account", nil)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: old.Value})
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/signin") {
		t.Fatalf("the signed-out cookie: %d %s, want 303 to the sign-in page", resp.StatusCode, resp.Header.Get("Location"))
	}

	// Two browsers; the first revokes the second.
	b1.SignInDemo()
	b2 := webtest.NewBrowser(t, a)
	b2.SignInDemo()
	b1.Go("/account")
	rows := webtest.Run(b1, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#sessions tbody tr")].map(r => r.id)`))
	if len(rows) != 2 {
		t.Fatalf("sessions listed: %v", rows)
	}
	b1.Axe()
	b1.Screenshot("account-sessions")
	mine := webtest.Run(b1, chromedp.Evaluate[string](`[...document.querySelectorAll("#sessions tbody tr")].find(r => r.textContent.includes("(")).id`))
	other := rows[0]
	if other == mine {
		other = rows[1]
	}
	b1.Do(b1.ClickNext("#"+other+" button"), chromedp.WaitVisible(chromedp.CSS(".done")))
	b2.Go("/account")
	if !strings.HasPrefix(b2.Path(), "/signin") {
		t.Fatalf("revoked session still opens %s", b2.Path())
	}

	// Another customer: created and given a password with the admin CLI.
	a.Admin(t, "", "admin", "customer", "create", "--db", a.DB, "--name", "Other Customer", "--email", "other@example.test")
	a.Admin(t, "other customer pw\n", "admin", "customer", "set-password", "--db", a.DB, "--id", fmt.Sprint(a.CustomerID+1))
	b2.SignIn("other@example.test", "other customer pw")
	b2.Go("/account")
	otherRow := webtest.Run(b2, chromedp.Evaluate[string](`document.querySelector("#sessions tbody tr").id`))
	// The demo customer posts a revoke of the other customer's session.
	b1.Go("/account")
	b1.Do(webtest.Void(chromedp.Evaluate[bool](`(() => { const f = document.querySelector("#sessions form"); f.action = "/account/sessions/`+strings.TrimPrefix(otherRow, "session-")+`/revoke"; f.removeAttribute("hx-post"); document.body.removeAttribute("hx-boost"); f.submit(); return true })()`)),
		chromedp.WaitVisible(chromedp.CSS("h1")))
	lang := webtest.Run(b1, chromedp.Evaluate[string](`document.documentElement.lang`))
	if got := b1.Text("h1"); got != text(lang, "common.notfound") {
		t.Fatalf("another customer's session id: h1 %q, want not found", got)
	}
	b2.Go("/account")
	if b2.Path() != "/account" {
		t.Fatal("the other customer's session was revoked by the demo customer")
	}

	// A form posted from another origin (another port of 127.0.0.1: same
	// site, so the SameSite=Lax cookie goes along) is refused.
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, `<!doctype html><html lang="en"><title>x</title><form id="f" method="post" action="%s/account/edit">`+
			`<input name="customer[city]" value="Evil"><button>go</button></form>`, a.URL)
	}))
	defer evil.Close()
	b1.Go("/account") // signed in
	b1.Do(chromedp.Navigate(evil.URL), chromedp.Click(chromedp.CSS("#f button")))
	// The poll may meet the navigation itself ("target navigated"): again.
	arrived := chromedp.Poll[bool](`location.href.startsWith(` + strconv.Quote(a.URL) + `) && document.readyState === "complete"`)
	for i := 0; ; i++ {
		ctx, cancel := context.WithTimeout(b1.Ctx, 10*time.Second)
		_, err := chromedp.Run(ctx, arrived)
		cancel()
		if err == nil {
			break
		}
		if i == 5 {
			t.Fatalf("the cross-origin POST's answer never showed: %v", err)
		}
	}
	body := b1.Text("body")
	if !strings.Contains(body, text("pl", "common.badform")) && !strings.Contains(body, text("en", "common.badform")) {
		t.Fatalf("cross-origin POST answered %q", body)
	}
	if city := details(t, a)["city"]; city == "Evil" {
		t.Fatal("the cross-origin POST changed the customer")
	}
	// The same from a plain client with a foreign Origin.
	b1.Go("/account")
	cookie := b1.Cookie(sessionCookie)
	req, _ = http.NewRequest("POST", a.URL+"/account/edit", strings.NewReader("customer%5Bcity%5D=Evil"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: cookie.Value})
	resp, err = noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("POST with a foreign Origin: %d, want 403", resp.StatusCode)
	}
}
