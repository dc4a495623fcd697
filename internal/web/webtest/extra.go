package webtest

import (
	"context"
	"encoding/json"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/demo"
	"github.com/artnet-panel/artnet-panel/internal/inventory"
	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"

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

// Import adds the customers of inventory (the JSON of artnetd admin
// import) to a's SQLite database while artnetd runs: the other customers
// of isolation tests. Cloud instances' console passwords are sealed with
// the demo's cloud secret key, the one serve --demo opens them with.
func (a *Artnetd) Import(t testing.TB, inventoryJSON string) {
	t.Helper()
	var v inventory.Inventory
	if err := json.Unmarshal([]byte(inventoryJSON), &v); err != nil {
		t.Fatalf("inventory: %v", err)
	}
	v.CloudSecretKey = demo.CloudSecretKey
	ctx := context.Background()
	db, err := sqlite.Open(ctx, strings.TrimPrefix(a.DB, "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := inventory.Import(ctx, db, v); err != nil {
		t.Fatalf("import: %v", err)
	}
}

// SetWebPassword sets customer id's web panel password through the built
// artnetd (admin customer set-password, the operator's way).
func (a *Artnetd) SetWebPassword(t testing.TB, id int64, password string) {
	t.Helper()
	a.Admin(t, password+"\n", "admin", "customer", "set-password", "--db", a.DB, "--id", strconv.FormatInt(id, 10))
}
