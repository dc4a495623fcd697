package web

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/web/webtest"
	"github.com/chromedp/chromedp"
)

// TestPasswordReset asks for a reset link in the browser, reads the
// e-mail through the API, sets a new password with the link, signs in
// with it, and finds the link dead the second time. An unknown account
// gets the same answer and no e-mail.
func TestPasswordReset(t *testing.T) {
	a := webtest.Start(t)
	b := webtest.NewBrowser(t, a)
	a.SetLanguage(t, "en")
	b.Go("/signin?lang=en")
	b.Do(b.ClickNext(`a[href="/signin/reset"]`), chromedp.WaitVisible(chromedp.CSS("#login")))
	b.Axe()
	b.Screenshot("reset-ask")
	mails := func() []any {
		return a.API(t, "customer/emails-list", nil)["emails_list"].([]any)
	}
	before := len(mails())
	b.Submit(map[string]string{"#login": "nobody@example.test"}, `form[action="/signin/reset"] button`, ".done")
	unknown := b.Text(".done")
	if len(mails()) != before {
		t.Fatal("an e-mail went out for an unknown account")
	}
	b.Go("/signin/reset")
	b.Submit(map[string]string{"#login": "IT@acme.test"}, `form[action="/signin/reset"] button`, ".done")
	if got := b.Text(".done"); got != unknown || got != text("en", "reset.sent") {
		t.Fatalf("answers differ: known %q, unknown %q", got, unknown)
	}
	list := mails()
	if len(list) != before+1 {
		t.Fatalf("e-mails: %d, want %d", len(list), before+1)
	}
	last := list[0].(map[string]any)
	if last["subject"] != text("en", "reset.mail.subj") {
		t.Fatalf("newest e-mail %v", last)
	}
	mail := a.API(t, "customer/email-details", url.Values{"email_id": {fmt.Sprint(last["id"])}})["email"].(map[string]any)
	link := regexp.MustCompile(`http://\S+/signin/reset/\S+`).FindString(mail["body"].(string))
	if !strings.HasPrefix(link, a.URL+"/signin/reset/") {
		t.Fatalf("no link to this server in %q", mail["body"])
	}
	path := strings.TrimPrefix(link, a.URL)
	b.Go(path)
	b.Axe()
	b.Screenshot("reset-new")
	b.Submit(map[string]string{"#pw-new": "reset password 1", "#pw-repeat": "reset password 2"}, `form[action^="/signin/reset/"] button`, "#page-error")
	b.Submit(map[string]string{"#pw-new": "reset password 1", "#pw-repeat": "reset password 1"}, `form[action^="/signin/reset/"] button`, ".done")
	if got := b.Text(".done"); got != text("en", "reset.done") {
		t.Fatalf("after the reset: %q", got)
	}
	b.SignIn("it@acme.test", "reset password 1")
	b.Do(b.ClickNext(`form[action="/signout"] button`), chromedp.WaitVisible(chromedp.CSS("#login")))
	// The link works once.
	b.Go(path)
	b.Submit(map[string]string{"#pw-new": "reset password 3", "#pw-repeat": "reset password 3"}, `form[action^="/signin/reset/"] button`, "#page-error")
	if got := b.Text("#page-error"); got != text("en", "reset.bad") {
		t.Fatalf("second use of the link: %q", got)
	}
}
