package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/passwd"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// Password reset by e-mail: the customer gives the customer number or
// e-mail address; when it names a customer, a random 256-bit token (stored
// as SHA-256, valid ResetTTL, single use) goes out in a link by e-mail
// through the outbox and the mail queue (the e-mail is in the customer's
// e-mails list with the token hidden: panel.HideResetTokens). The answer is the same whether or not a customer was
// found. The link's page sets a new password; every session then ends.
// Links use Server.BaseURL (--web-url), never the request's Host: a
// forged Host must not send a customer a link to another site.

// ResetTTL is how long a reset link works.
const ResetTTL = time.Hour

var resetTexts = texts{
	"reset.title":     {"Reset hasła", "Reset password"},
	"reset.link":      {"Nie pamiętasz hasła?", "Forgot your password?"},
	"reset.intro":     {"Podaj numer klienta lub adres e-mail konta. Wyślemy link do ustawienia nowego hasła.", "Enter your customer number or the account's e-mail address. We will send a link to set a new password."},
	"reset.send":      {"Wyślij link", "Send the link"},
	"reset.sent":      {"Jeśli konto istnieje, wysłaliśmy na jego adres e-mail link ważny przez godzinę.", "If the account exists, a link valid for one hour was sent to its e-mail address."},
	"reset.new":       {"Ustaw nowe hasło", "Set a new password"},
	"reset.bad":       {"Link jest nieważny, wygasł albo został już użyty.", "The link is invalid, has expired or was already used."},
	"reset.done":      {"Ustawiono nowe hasło. Zaloguj się.", "The new password is set. Please sign in."},
	"reset.off":       {"Reset hasła e-mailem nie jest dostępny na tym serwerze; skontaktuj się z Biurem Obsługi Klienta.", "Password reset by e-mail is not available on this server; please contact Customer Service."},
	"reset.mail.subj": {"Reset hasła do Panelu Klienta", "Customers Panel password reset"},
	"reset.mail.body": {"Dzień dobry,\n\nktoś (być może Ty) poprosił o reset hasła do Panelu Klienta dla konta %d.\nNowe hasło ustawisz tutaj (link działa raz, przez godzinę):\n\n%s\n\nJeśli to nie Ty, zignoruj tę wiadomość.\n\n-- \nArtnet",
		"Hello,\n\nsomeone (perhaps you) asked to reset the Customers Panel password of account %d.\nSet a new password here (the link works once, for one hour):\n\n%s\n\nIf it was not you, ignore this message.\n\n-- \nArtnet"},
}

func init() {
	register(resetTexts)
	handlePublic("GET /signin/reset", resetPage)
	handlePublic("POST /signin/reset", resetPost)
	handlePublic("GET /signin/reset/{token}", resetTokenPage)
	handlePublic("POST /signin/reset/{token}", resetTokenPost)
}

// resetView is the reset pages' data.
type resetView struct {
	Off   bool   // no BaseURL: reset by e-mail is off
	Token string // the link's token (the new-password form)
	Bad   bool   // the token is not valid
}

func resetPage(q *Req) {
	q.Render(http.StatusOK, "reset.html", &View{Title: "reset.title", Data: resetView{Off: q.S.BaseURL == ""}})
}

func resetPost(q *Req) {
	s := q.S
	if s.BaseURL == "" {
		resetPage(q)
		return
	}
	if wait := s.Guard.Blocked(q.Remote); wait > 0 {
		q.Render(http.StatusTooManyRequests, "reset.html", &View{Title: "reset.title", Err: q.Error(apperr.New(apperr.CodeTooManyFailedLogins))})
		return
	}
	if id := s.findCustomer(q, strings.TrimSpace(q.R.PostFormValue("login"))); id > 0 {
		if err := s.sendReset(q, id); err != nil && !errors.Is(err, store.ErrNotFound) {
			q.S.Logger.Error("web: password reset", "request_id", q.RequestID, "err", err.Error())
		}
	}
	q.Render(http.StatusOK, "reset.html", &View{Title: "reset.title", Done: "reset.sent", Data: resetView{}})
}

// sendReset stores a new token for the customer and writes the e-mail
// with its link, in one transaction.
func (s *Server) sendReset(q *Req, customerID int64) error {
	ctx := q.R.Context()
	token := newToken()
	now := s.now()
	return s.Store.InTx(ctx, func(tx store.Store) error {
		c, err := tx.CustomerGet(ctx, customerID)
		if err != nil {
			return err
		}
		if c.Email == "" {
			return store.ErrNotFound
		}
		if err := tx.WebResetCreate(ctx, customerID, hashToken(token), now.Add(ResetTTL).UnixMilli()); err != nil {
			return err
		}
		lang := langOf(c.Language)
		link := strings.TrimSuffix(s.BaseURL, "/") + panel.ResetLinkPath + url.PathEscape(token)
		return tx.EmailCreate(ctx, &store.Email{CustomerID: customerID, Time: now.Unix(), Address: c.Email,
			Subject: text(lang, "reset.mail.subj"), Body: fmt.Sprintf(text(lang, "reset.mail.body"), customerID, link)})
	})
}

func resetTokenPage(q *Req) {
	q.Render(http.StatusOK, "reset.html", &View{Title: "reset.title", Data: resetView{Token: q.R.PathValue("token")}})
}

// resetTokenPost checks the new password, then uses the token (once) and
// sets it; every session of the customer ends.
func resetTokenPost(q *Req) {
	s := q.S
	token := q.R.PathValue("token")
	pw, rep := q.R.PostFormValue("new"), q.R.PostFormValue("repeat")
	fail := func(status int, pe *PageError, v resetView) {
		q.Render(status, "reset.html", &View{Title: "reset.title", Err: pe, Data: v})
	}
	switch {
	case pw != rep:
		fail(http.StatusUnprocessableEntity, &PageError{Text: q.T("security.mismatch")}, resetView{Token: token})
		return
	case passwd.Validate(pw) != nil:
		fail(http.StatusUnprocessableEntity, &PageError{Text: q.T("security.pw.short")}, resetView{Token: token})
		return
	}
	id, err := s.Store.WebResetUse(q.R.Context(), hashToken(token), s.now().UnixMilli())
	if err != nil {
		fail(http.StatusNotFound, &PageError{Text: q.T("reset.bad")}, resetView{Bad: true})
		return
	}
	h, err := passwd.Hash(pw)
	if err == nil {
		err = s.Store.WebPasswordSet(q.R.Context(), id, h)
	}
	if err == nil {
		err = s.Store.WebSessionDeleteOthers(q.R.Context(), id, 0)
	}
	if err != nil {
		fail(http.StatusInternalServerError, q.Error(err), resetView{})
		return
	}
	q.Redirect("/signin?reset=1")
}
