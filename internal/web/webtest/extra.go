package webtest

import (
	"context"
	"os/exec"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// Cookie returns the browser's cookie name for the server (nil: none).
func (b *Browser) Cookie(name string) *network.Cookie {
	b.T.Helper()
	ctx, cancel := context.WithTimeout(b.Ctx, b.Timeout)
	defer cancel()
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{b.Base + "/"}})
	if err != nil {
		b.T.Fatalf("cookies: %v", err)
	}
	for _, c := range res.Cookies {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Admin runs the built artnetd with args (e.g. "admin", "customer",
// "set-password", "--db", a.DB, "--id", "1") and stdin as its standard
// input, and returns its standard output; it fails t on an error.
func (a *Artnetd) Admin(t testing.TB, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("artnetd %v: %v\n%s", args, err, stderr.String())
	}
	return string(out)
}

// Void turns an action with a value into one for Browser.Do.
func Void[T any](a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := a(ctx, t)
		return chromedp.Void{}, err
	}
}

// Eval runs a JavaScript expression on the page (its value ignored).
func (b *Browser) Eval(js string) {
	b.T.Helper()
	b.Do(Void(chromedp.Evaluate[any](js)))
}
