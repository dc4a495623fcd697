package web

import (
	"fmt"
	"io"
	"mime/quotedprintable"
	"net"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/web/webtest"
	"github.com/chromedp/chromedp"
	"github.com/emersion/go-smtp"
)

// mailbox is an SMTP server of the test (emersion/go-smtp, no TLS, no
// AUTH) keeping each delivered message, quoted-printable decoded.
type mailbox struct {
	mu   sync.Mutex
	msgs []string
}

func startMailbox(t *testing.T) (*mailbox, int) {
	t.Helper()
	m := &mailbox{}
	srv := smtp.NewServer(m)
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return m, ln.Addr().(*net.TCPAddr).Port
}

func (m *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailboxSession{m}, nil }

// wait returns the first delivered message matching re's first match.
func (m *mailbox) wait(t *testing.T, re *regexp.Regexp) string {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		m.mu.Lock()
		for _, msg := range m.msgs {
			if found := re.FindString(msg); found != "" {
				m.mu.Unlock()
				return found
			}
		}
		m.mu.Unlock()
	}
	t.Fatalf("no delivered e-mail matches %s", re)
	return ""
}

type mailboxSession struct{ m *mailbox }

func (s *mailboxSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailboxSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *mailboxSession) Reset()                               {}
func (s *mailboxSession) Logout() error                        { return nil }
func (s *mailboxSession) Data(r io.Reader) error {
	b, err := io.ReadAll(quotedprintable.NewReader(r))
	if err != nil {
		return err
	}
	s.m.mu.Lock()
	s.m.msgs = append(s.m.msgs, string(b))
	s.m.mu.Unlock()
	return nil
}

// TestPasswordReset asks for a reset link in the browser, reads it from
// the e-mail delivered by SMTP (the copy the API answers has the token
// hidden), sets a new password with the link, signs in with it, and finds
// the link dead the second time. An unknown account gets the same answer
// and no e-mail.
func TestPasswordReset(t *testing.T) {
	box, port := startMailbox(t)
	a := webtest.Start(t, "--smtp-host", "127.0.0.1", "--smtp-port", fmt.Sprint(port), "--smtp-tls", "none",
		"--mail-from", "panel@artnet.test")
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
	if body := mail["body"].(string); !strings.Contains(body, a.URL+"/signin/reset/…") {
		t.Fatalf("the API's copy of the e-mail does not hide the token: %q", body)
	}
	link := box.wait(t, regexp.MustCompile(`http://\S+/signin/reset/[A-Za-z0-9_-]{43}`))
	if !strings.HasPrefix(link, a.URL+"/signin/reset/") {
		t.Fatalf("no link to this server: %q", link)
	}
	if strings.Contains(fmt.Sprint(mail), strings.TrimPrefix(link, a.URL+"/signin/reset/")) {
		t.Fatal("the API answers the delivered token")
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
