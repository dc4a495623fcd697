package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/store/postgres/pgtest"
	"github.com/artnet-panel/artnet-panel/internal/web/webtest"
	"github.com/chromedp/chromedp"
)

// TestSessionAcrossNodes runs two artnetd nodes on one PostgreSQL
// database: a session signed in on node 1 opens pages on node 2, and once
// revoked on node 1 (sign-out there) it stops working on node 2 at once
// (sessions are read from the database, no cache).
func TestSessionAcrossNodes(t *testing.T) {
	dsn := pgtest.NewSchema(t)
	n1 := webtest.StartDB(t, dsn, true)
	n2 := webtest.StartDB(t, dsn, false)
	b := webtest.NewBrowser(t, n1)
	b.SignInDemo()
	cookie := b.Cookie(sessionCookie)
	if cookie == nil {
		t.Fatal("no session cookie")
	}
	get := func() *http.Response {
		t.Helper()
		req, _ := http.NewRequest("GET", n2.URL+"/account", nil)
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: cookie.Value})
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if resp := get(); resp.StatusCode != http.StatusOK {
		t.Fatalf("node 2 with node 1's session: %d, want 200", resp.StatusCode)
	}
	b.Go("/account")
	b.Do(b.ClickNext(`form[action="/signout"] button`), chromedp.WaitVisible(chromedp.CSS("#login")))
	if resp := get(); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/signin") {
		t.Fatalf("node 2 after the sign-out on node 1: %d %s, want 303 to the sign-in page", resp.StatusCode, resp.Header.Get("Location"))
	}
}
