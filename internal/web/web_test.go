package web

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/web/webtest"
)

func TestAPIPath(t *testing.T) {
	api := []string{"/api", "/api/", "/api/customer/details", "/api/docs", "/api/openapi.json", "/panel/api/dns/list",
		"/panel/api", "/healthz", "/manage"}
	web := []string{"/", "/signin", "/account", "/apis", "/api-docs", "/panel", "/panel/apix", "/static/app.css", "/healthzz"}
	for _, p := range api {
		if !APIPath(p) {
			t.Errorf("APIPath(%q) = false, want the API", p)
		}
	}
	for _, p := range web {
		if APIPath(p) {
			t.Errorf("APIPath(%q) = true, want the web panel", p)
		}
	}
}

// TestTexts checks that every text has both languages and that every key
// the templates and handlers name is registered.
func TestTexts(t *testing.T) {
	for _, k := range textKeys() {
		v := allTexts[k]
		if v[0] == "" || v[1] == "" {
			t.Errorf("text %q: missing Polish or English", k)
		}
	}
	keys := regexp.MustCompile(`(?:\.T|\$\.T) "([a-z0-9_.]+)"`)
	tmpl, err := templateFS.ReadDir("templates")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range tmpl {
		b, _ := templateFS.ReadFile("templates/" + e.Name())
		for _, m := range keys.FindAllStringSubmatch(string(b), -1) {
			if _, ok := allTexts[m[1]]; !ok {
				t.Errorf("%s: text %q not registered", e.Name(), m[1])
			}
		}
	}
	for _, n := range nav {
		if _, ok := allTexts[n.Text]; !ok {
			t.Errorf("nav %s: text %q not registered", n.Key, n.Text)
		}
	}
}

// TestSignInAccount signs the demo customer in with its password and shows
// the account page in Polish and English: no console error, no CSP
// violation, no serious axe-core violation.
func TestSignInAccount(t *testing.T) {
	a := webtest.Start(t)
	resp, err := http.Get(a.URL + "/signin")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for h, want := range map[string]string{
		"Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
		"Referrer-Policy":         "same-origin",
		"X-Content-Type-Options":  "nosniff",
	} {
		if got := resp.Header.Get(h); got != want {
			t.Errorf("%s: %q, want %q", h, got, want)
		}
	}
	// The API keeps its paths: JSON, not a page.
	if resp, err = http.Get(a.URL + "/api/docs"); err != nil || resp.Header.Get("Content-Security-Policy") == contentSecurityPolicy {
		t.Fatalf("/api/docs went to the web panel: %v %v", err, resp.Header)
	}
	resp.Body.Close()
	b := webtest.NewBrowser(t, a)
	b.Go("/account")
	if p := b.Path(); p != "/signin?next=%2Faccount" {
		t.Fatalf("signed out, /account went to %q, want the sign-in page", p)
	}
	b.Axe()
	b.Screenshot("signin")
	b.Go("/signin?lang=en")
	if got := b.Text("h1"); got != "Sign in" {
		t.Fatalf("sign-in page in English: h1 %q", got)
	}
	b.Axe()
	b.Screenshot("signin")
	b.SignInDemo()
	for _, lang := range []string{"pl", "en"} {
		a.SetLanguage(t, lang)
		b.Go("/account")
		if got, want := b.Text("h1"), text(lang, "account.title"); got != want {
			t.Fatalf("%s: h1 %q, want %q", lang, got, want)
		}
		if got := b.Text("#customer-number"); got != itoa(a.CustomerID) {
			t.Fatalf("%s: customer number %q, want %d", lang, got, a.CustomerID)
		}
		b.Axe()
		b.Screenshot("account")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestPageShots opens each page of this file set in Polish and English:
// axe-core on every one, a screenshot of every one, the not-found page for
// an unknown path.
func TestPageShots(t *testing.T) {
	a := webtest.Start(t)
	b := webtest.NewBrowser(t, a)
	for _, lang := range []string{"pl", "en"} {
		for _, p := range []string{"/signin", "/signin/reset"} {
			b.Go(p + "?lang=" + lang)
			b.Axe()
			b.Screenshot(strings.ReplaceAll(strings.Trim(p, "/"), "/", "-"))
		}
	}
	b.SignInDemo()
	for _, lang := range []string{"pl", "en"} {
		a.SetLanguage(t, lang)
		for _, p := range []string{"/account", "/account/totp", "/no-such-page"} {
			b.Go(p)
			b.Axe()
			b.Screenshot(strings.ReplaceAll(strings.Trim(p, "/"), "/", "-"))
		}
		if got := b.Text("h1"); got != text(lang, "common.notfound") {
			t.Fatalf("%s: unknown path h1 %q", lang, got)
		}
	}
}
