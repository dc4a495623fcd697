package web

import (
	"net/http"
	"strconv"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/passwd"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// The account page's security part: password, sessions, API key.

var securityTexts = texts{
	"security.title":          {"Bezpieczeństwo", "Security"},
	"security.password":       {"Zmiana hasła", "Change password"},
	"security.current":        {"Obecne hasło", "Current password"},
	"security.new":            {"Nowe hasło (co najmniej 10 znaków)", "New password (at least 10 characters)"},
	"security.repeat":         {"Powtórz nowe hasło", "Repeat the new password"},
	"security.changed":        {"Zmieniono hasło; inne sesje wylogowano.", "Password changed; other sessions were signed out."},
	"security.sessions":       {"Sesje", "Sessions"},
	"security.started":        {"Rozpoczęta (UTC)", "Started (UTC)"},
	"security.seen":           {"Ostatnio (UTC)", "Last seen (UTC)"},
	"security.client":         {"Adres", "Address"},
	"security.browser":        {"Przeglądarka", "Browser"},
	"security.this":           {"ta sesja", "this session"},
	"security.revoke":         {"Wyloguj", "Sign out"},
	"security.revoke.label":   {"Wyloguj sesję", "Sign out session"},
	"security.revoked":        {"Wylogowano sesję.", "The session was signed out."},
	"security.twofactor":      {"Logowanie dwuetapowe", "Two-factor sign-in"},
	"security.twofactor.go":   {"Ustawienia logowania dwuetapowego", "Two-factor sign-in settings"},
	"security.api":            {"Dostęp do API", "API access"},
	"security.api.on":         {"Dostęp do API jest włączony.", "API access is on."},
	"security.api.off":        {"Dostęp do API jest wyłączony (włącza go operator).", "API access is off (the operator turns it on)."},
	"security.api.regen":      {"Wygeneruj nowy klucz API", "Generate a new API key"},
	"security.api.confirm":    {"Stary klucz przestanie działać. Kontynuować?", "The old key will stop working. Continue?"},
	"security.api.new":        {"Nowy klucz API (pokazany tylko teraz; stary już nie działa):", "New API key (shown only now; the old one no longer works):"},
	"security.api.id":         {"Identyfikator klienta do API (id)", "Customer id for the API (id)"},
	"security.mismatch":       {"Hasła się różnią", "The passwords differ"},
	"security.pw.wrong":       {"Błędne obecne hasło", "Wrong current password"},
	"security.pw.short":       {"Hasło za krótkie (co najmniej 10 znaków)", "Password too short (at least 10 characters)"},
	"security.sessions.other": {"Wyloguj wszystkie inne sesje", "Sign out all other sessions"},
}

func init() {
	register(securityTexts)
	handle("POST /account/password", accountPassword)
	handle("POST /account/sessions/{id}/revoke", sessionRevoke)
	handle("POST /account/sessions/revoke-others", sessionRevokeOthers)
	handle("POST /account/api-key", apiKeyRegenerate)
}

// securityView is the security part of the account page.
type securityView struct {
	Sessions  []store.WebSession
	Current   int64
	TwoFactor bool
	APIAccess bool
	NewKey    string // the key just generated, shown once
	// PasswordErr is the password form's error (a text, or "").
	PasswordErr string
}

func (q *Req) securityData() (*securityView, error) {
	ctx := q.R.Context()
	list, err := q.S.Store.WebSessionList(ctx, q.CustomerID)
	if err != nil {
		return nil, err
	}
	v := &securityView{Current: q.Session.ID}
	for _, s := range list {
		if !s.Pending {
			v.Sessions = append(v.Sessions, s)
		}
	}
	l, err := q.S.Store.WebLoginGet(ctx, q.CustomerID)
	if err != nil {
		return nil, err
	}
	v.TwoFactor = l.TOTPEnabled
	cred, err := q.S.Store.CustomerAuth(ctx, q.CustomerID)
	if err != nil {
		return nil, err
	}
	v.APIAccess = cred.APIAccess
	return v, nil
}

// accountPassword changes the password: the current one (a wrong one counts
// in the failed-login guard), the new one twice. Every other session ends.
func accountPassword(q *Req) {
	cur, pw, rep := q.R.PostFormValue("current"), q.R.PostFormValue("new"), q.R.PostFormValue("repeat")
	fail := func(key string) {
		q.renderAccountWith(http.StatusUnprocessableEntity, func(v *accountView) { v.Security.PasswordErr = q.T(key) })
	}
	switch {
	case pw != rep:
		fail("security.mismatch")
		return
	case passwd.Validate(pw) != nil:
		fail("security.pw.short")
		return
	case !q.checkPassword(cur):
		fail("security.pw.wrong")
		return
	}
	h, err := passwd.Hash(pw)
	if err == nil {
		err = q.S.Store.WebPasswordSet(q.R.Context(), q.CustomerID, h)
	}
	if err == nil {
		err = q.S.Store.WebSessionDeleteOthers(q.R.Context(), q.CustomerID, q.Session.ID)
	}
	if err != nil {
		q.renderAccount(http.StatusInternalServerError, q.Error(err), nil, "")
		return
	}
	q.Redirect("/account?done=security.changed")
}

// sessionRevoke ends one of the customer's sessions; another customer's
// session id answers not-found like a missing one.
func sessionRevoke(q *Req) {
	id, err := strconv.ParseInt(q.R.PathValue("id"), 10, 64)
	if err == nil {
		err = q.S.Store.WebSessionDelete(q.R.Context(), q.CustomerID, id)
	}
	if err != nil {
		q.NotFound()
		return
	}
	if id == q.Session.ID {
		q.S.endSession(q)
		q.Redirect("/signin?out=1")
		return
	}
	q.Redirect("/account?done=security.revoked")
}

func sessionRevokeOthers(q *Req) {
	if err := q.S.Store.WebSessionDeleteOthers(q.R.Context(), q.CustomerID, q.Session.ID); err != nil {
		q.renderAccount(http.StatusInternalServerError, q.Error(err), nil, "")
		return
	}
	q.Redirect("/account?done=security.revoked")
}

// apiKeyRegenerate runs customer/regenerate-api-key and shows the new key
// once, in this answer only (never stored in a page that can be reloaded).
func apiKeyRegenerate(q *Req) {
	resp, err := q.Invoke("customer/regenerate-api-key", nil)
	if err != nil {
		q.renderAccount(http.StatusUnprocessableEntity, q.Error(err), nil, "")
		return
	}
	key := ""
	switch r := resp.(type) {
	case artnet.APIKeyResponse:
		key = r.APIKey
	case *artnet.APIKeyResponse:
		key = r.APIKey
	default:
		q.renderAccount(http.StatusInternalServerError, q.Error(apperr.New(apperr.CodeInternal)), nil, "")
		return
	}
	q.renderAccountWith(http.StatusOK, func(v *accountView) { v.Security.NewKey = key })
}
