package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/metrics"
	"github.com/artnet-panel/artnet-panel/internal/passwd"
)

var signinTexts = texts{
	"signin.title":    {"Logowanie", "Sign in"},
	"signin.login":    {"Numer klienta lub e-mail", "Customer number or e-mail"},
	"signin.password": {"Hasło", "Password"},
	"signin.submit":   {"Zaloguj", "Sign in"},
	"signin.intro":    {"Zaloguj się do Panelu Klienta.", "Sign in to the Customers Panel."},
	"signin.out":      {"Wylogowano.", "You are signed out."},
}

func init() {
	register(signinTexts)
	handlePublic("GET /signin", signinPage)
	handlePublic("POST /signin", signinPost)
	handlePublic("POST /signout", signoutPost)
	handle("/", func(q *Req) { q.NotFound() })
}

// signinForm is the sign-in page's data.
type signinForm struct {
	Next string
}

func signinPage(q *Req) {
	v := &View{Title: "signin.title", Data: signinForm{Next: localPath(q.R.URL.Query().Get("next"))}}
	switch {
	case q.R.URL.Query().Get("out") == "1":
		v.Done = "signin.out"
	case q.R.URL.Query().Get("reset") == "1":
		v.Done = "reset.done"
	}
	q.Render(http.StatusOK, "signin.html", v)
}

// signinPost checks the customer number (or e-mail) and the password.
// A failure counts in the shared failed-login guard (as a failed API
// login does) and answers authorization-failed whatever was wrong; a
// blocked address answers too-many-failed-logins without checking.
func signinPost(q *Req) {
	s := q.S
	next := localPath(q.R.PostFormValue("next"))
	fail := func(err error) {
		q.Render(http.StatusUnprocessableEntity, "signin.html", &View{Title: "signin.title", Err: q.Error(err),
			Data: signinForm{Next: next}, Form: q.R.PostForm})
	}
	if wait := s.Guard.Blocked(q.Remote); wait > 0 {
		metrics.BlockedRequests.Inc()
		fail(apperr.New(apperr.CodeTooManyFailedLogins))
		return
	}
	login := strings.TrimSpace(q.R.PostFormValue("login"))
	pw := q.R.PostFormValue("password")
	id := s.findCustomer(q, login)
	hash := ""
	if id > 0 {
		if l, err := s.Store.WebLoginGet(q.R.Context(), id); err == nil {
			hash = l.PasswordHash
		}
	}
	// Check always runs (an unknown customer costs what a wrong password does).
	if !passwd.Check(hash, pw) || id <= 0 {
		metrics.FailedLogins.Inc()
		if s.Guard.Fail(q.Remote) {
			metrics.LoginBlocks.Inc()
		}
		fail(apperr.New(apperr.CodeAuthorizationFailed))
		return
	}
	l, err := s.Store.WebLoginGet(q.R.Context(), id)
	if err != nil {
		fail(err)
		return
	}
	pending := l.TOTPEnabled
	if err := s.startSession(q, id, pending); err != nil {
		fail(err)
		return
	}
	if pending {
		q.Redirect("/signin/code?next=" + url.QueryEscape(next))
		return
	}
	q.Redirect(next)
}

// findCustomer returns the customer of a customer number or of an e-mail
// address that exactly one customer has; 0: none.
func (s *Server) findCustomer(q *Req, login string) int64 {
	if login == "" || len(login) > 255 {
		return 0
	}
	if id, err := strconv.ParseInt(login, 10, 64); err == nil {
		return id
	}
	if !strings.Contains(login, "@") {
		return 0
	}
	ids, err := s.Store.WebCustomersByEmail(q.R.Context(), login)
	if err != nil || len(ids) != 1 {
		return 0
	}
	return ids[0]
}

// signoutPost deletes the session server-side and clears the cookie.
func signoutPost(q *Req) {
	q.S.endSession(q)
	q.Redirect("/signin?out=1")
}
