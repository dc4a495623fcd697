package web

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// Sessions live in the database (store.WebStore), so every node sees
// them. The cookie carries a random 256-bit token; the store keeps its
// SHA-256 only. A session ends SessionIdle after its last request,
// SessionMax after sign-in, at sign-out (deleted), or when the customer
// revokes it on the account page.

// sessionCookie is the session cookie's name. Secure, HttpOnly,
// SameSite=Lax, Path=/ and no Domain.
const sessionCookie = "artnet_session"

// langCookie keeps the language chosen on the public pages.
const langCookie = "artnet_lang"

// touchEvery is how stale SeenAt may get before a request writes it.
const touchEveryMs = 60_000

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// newToken returns a random 256-bit token, base64url.
func newToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// startSession creates a session of the customer (pending: the second
// factor is still to give), ends the one the browser had, and sets the
// new cookie: a new id at every sign-in.
func (s *Server) startSession(q *Req, customerID int64, pending bool) error {
	s.endSession(q)
	token := newToken()
	now := s.now()
	// Sessions past their end are deleted here (and when met).
	s.Store.WebSessionPrune(q.R.Context(), now.UnixMilli(), now.Add(-s.SessionIdle).UnixMilli())
	ua := q.R.UserAgent()
	if len(ua) > 200 {
		ua = ua[:200]
	}
	sess := store.WebSession{CustomerID: customerID, TokenHash: hashToken(token), CreatedAt: now.UnixMilli(),
		SeenAt: now.UnixMilli(), ExpiresAt: now.Add(s.SessionMax).UnixMilli(), Client: q.Remote, UserAgent: ua, Pending: pending}
	if err := s.Store.WebSessionCreate(q.R.Context(), &sess); err != nil {
		return err
	}
	q.Session = sess
	http.SetCookie(q.W, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", Secure: true, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, MaxAge: int(s.SessionMax.Seconds())})
	return nil
}

// endSession deletes the browser's session server-side, if any, and
// clears the cookie. The public pages keep the customer's language.
func (s *Server) endSession(q *Req) {
	if sess, err := s.session(q.R); err == nil {
		s.Store.WebSessionDelete(q.R.Context(), sess.CustomerID, sess.ID)
		if c, err := s.Store.CustomerGet(q.R.Context(), sess.CustomerID); err == nil {
			q.Lang = langOf(c.Language)
			setLang(q.W, q.Lang)
		}
	}
	http.SetCookie(q.W, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", Secure: true, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// errNoSession: no cookie, an unknown token, or a session past its end.
var errNoSession = errors.New("no session")

// session returns the browser's live session (pending ones too).
func (s *Server) session(r *http.Request) (store.WebSession, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" || len(c.Value) > 100 {
		return store.WebSession{}, errNoSession
	}
	sess, err := s.Store.WebSessionGet(r.Context(), hashToken(c.Value))
	if errors.Is(err, store.ErrNotFound) {
		return sess, errNoSession
	}
	if err != nil {
		return sess, err
	}
	now := s.now().UnixMilli()
	if now >= sess.ExpiresAt || now >= sess.SeenAt+s.SessionIdle.Milliseconds() {
		s.Store.WebSessionDelete(r.Context(), sess.CustomerID, sess.ID)
		return sess, errNoSession
	}
	return sess, nil
}

// newReq returns the Req of a request.
func (s *Server) newReq(w http.ResponseWriter, r *http.Request) *Req {
	id := r.Header.Get("X-Request-Id")
	if id == "" || len(id) > 64 {
		id = newToken()[:16]
	}
	w.Header().Set("X-Request-Id", id)
	lang := languages[0]
	if c, err := r.Cookie(langCookie); err == nil {
		lang = langOf(c.Value)
	}
	return &Req{W: w, R: r, S: s, Lang: lang, RequestID: id, Remote: s.API.ClientAddr(r)}
}

// setLang keeps the language of the public pages (sign-in) in a cookie.
func setLang(w http.ResponseWriter, lang string) {
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: langOf(lang), Path: "/", Secure: true, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, MaxAge: 365 * 24 * 3600})
}

// servePublic serves a page anyone may open. ?lang=xx switches the
// language of the public pages (kept in a cookie).
func (s *Server) servePublic(w http.ResponseWriter, r *http.Request, h func(*Req)) {
	q := s.newReq(w, r)
	if l := r.URL.Query().Get("lang"); l != "" {
		q.Lang = langOf(l)
		setLang(w, q.Lang)
	}
	h(q)
}

// serveSignedIn serves a page of a signed-in customer; without a live,
// complete session the browser goes to the sign-in page (and comes back
// after it).
func (s *Server) serveSignedIn(w http.ResponseWriter, r *http.Request, h func(*Req)) {
	q := s.newReq(w, r)
	sess, err := s.session(r)
	if err != nil || sess.Pending {
		if err != nil && !errors.Is(err, errNoSession) {
			s.Logger.Error("web: session", "request_id", q.RequestID, "err", err.Error())
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		target := "/signin"
		if r.Method == http.MethodGet && r.URL.Path != "/" {
			target += "?next=" + url.QueryEscape(r.URL.RequestURI())
		}
		if r.Header.Get("HX-Request") == "true" {
			w.Header().Set("HX-Redirect", target)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
		return
	}
	q.Session, q.CustomerID = sess, sess.CustomerID
	if now := s.now().UnixMilli(); now-sess.SeenAt >= touchEveryMs {
		s.Store.WebSessionTouch(r.Context(), sess.CustomerID, sess.ID, now)
	}
	c, err := s.Store.CustomerGet(r.Context(), sess.CustomerID)
	if err == nil {
		q.Lang = langOf(c.Language)
	}
	h(q)
}

// localPath returns next when it is a path of this site ("/x", not
// "//host" nor "/\host"), else "/".
func localPath(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}
