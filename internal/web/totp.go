package web

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"image/png"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/metrics"
	"github.com/artnet-panel/artnet-panel/internal/passwd"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// Two-factor sign-in: TOTP (RFC 6238: SHA-1, 6 digits, 30 s, one step of
// clock skew either way, each code accepted once; github.com/pquerna/otp) with RecoveryCodes
// one-time recovery codes. The secret is sealed in the store (seal.go);
// the recovery codes are stored as SHA-256 (they are random, 50 bits).
// Enrolment stores the new secret disabled; the first right code enables
// it and shows the recovery codes, once.

// RecoveryCodes is how many recovery codes enrolment gives.
const RecoveryCodes = 10

// totpIssuer names the account in authenticator apps.
const totpIssuer = "Artnet"

var totpTexts = texts{
	"totp.title":        {"Logowanie dwuetapowe", "Two-factor sign-in"},
	"totp.on":           {"Logowanie dwuetapowe jest włączone.", "Two-factor sign-in is on."},
	"totp.off":          {"Logowanie dwuetapowe jest wyłączone.", "Two-factor sign-in is off."},
	"totp.left":         {"Pozostałe kody odzyskiwania", "Recovery codes left"},
	"totp.start":        {"Włącz logowanie dwuetapowe", "Turn on two-factor sign-in"},
	"totp.scan":         {"Zeskanuj kod QR aplikacją uwierzytelniającą albo wpisz klucz ręcznie, a potem podaj wyświetlony kod.", "Scan the QR code with an authenticator app or type the key in by hand, then enter the code it shows."},
	"totp.qr":           {"Kod QR konfiguracji aplikacji uwierzytelniającej", "QR code to set up an authenticator app"},
	"totp.key":          {"Klucz", "Key"},
	"totp.code":         {"Kod z aplikacji", "Code from the app"},
	"totp.confirm":      {"Potwierdź i włącz", "Confirm and turn on"},
	"totp.codes":        {"Kody odzyskiwania", "Recovery codes"},
	"totp.codes.once":   {"Zapisz te kody w bezpiecznym miejscu. Każdy działa raz, zamiast kodu z aplikacji. Nie pokażemy ich ponownie.", "Keep these codes somewhere safe. Each works once instead of a code from the app. They will not be shown again."},
	"totp.disable":      {"Wyłącz logowanie dwuetapowe", "Turn off two-factor sign-in"},
	"totp.disabled":     {"Wyłączono logowanie dwuetapowe.", "Two-factor sign-in is off now."},
	"totp.password":     {"Obecne hasło", "Current password"},
	"totp.nokey":        {"Logowanie dwuetapowe nie jest dostępne na tym serwerze (brak klucza --web-secret-key).", "Two-factor sign-in is not available on this server (no --web-secret-key)."},
	"signin.code.title": {"Kod logowania", "Sign-in code"},
	"signin.code.intro": {"Podaj kod z aplikacji uwierzytelniającej albo jeden z kodów odzyskiwania.", "Enter the code from your authenticator app or one of your recovery codes."},
	"signin.code":       {"Kod", "Code"},
	"signin.code.go":    {"Dalej", "Continue"},
}

func init() {
	register(totpTexts)
	handle("GET /account/totp", totpPage)
	handle("POST /account/totp/start", totpStart)
	handle("GET /account/totp/qr.png", totpQR)
	handle("POST /account/totp/confirm", totpConfirm)
	handle("POST /account/totp/disable", totpDisable)
	handlePublic("GET /signin/code", signinCodePage)
	handlePublic("POST /signin/code", signinCodePost)
}

// totpView is the enrolment page's data.
type totpView struct {
	Enabled  bool
	Pending  bool   // a secret waits for its first code
	Secret   string // the pending secret, to type in by hand
	Codes    []string
	Left     int
	Unusable bool // no secret key on this server
}

func totpPage(q *Req) { q.renderTOTP(http.StatusOK, nil, nil) }

func (q *Req) renderTOTP(status int, pe *PageError, codes []string) {
	l, err := q.S.Store.WebLoginGet(q.R.Context(), q.CustomerID)
	if err != nil {
		pe = q.Error(err)
	}
	v := totpView{Enabled: l.TOTPEnabled, Codes: codes, Unusable: q.S.SecretKey == nil}
	if !l.TOTPEnabled && l.TOTPSecret != "" {
		if secret, err := q.S.openTOTP(q.CustomerID, l.TOTPSecret); err == nil {
			v.Pending, v.Secret = true, secret
		}
	}
	if l.TOTPEnabled {
		v.Left, _ = q.S.Store.WebRecoveryCount(q.R.Context(), q.CustomerID)
	}
	done := q.R.URL.Query().Get("done")
	if _, ok := allTexts[done]; !ok {
		done = ""
	}
	q.Render(status, "totp.html", &View{Title: "totp.title", Nav: "account", Data: v, Err: pe, Done: done})
}

// totpStart stores a new secret, disabled until confirmed.
func totpStart(q *Req) {
	l, err := q.S.Store.WebLoginGet(q.R.Context(), q.CustomerID)
	if err != nil || l.TOTPEnabled {
		q.Redirect("/account/totp")
		return
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: totpIssuer, AccountName: strconv.FormatInt(q.CustomerID, 10)})
	if err != nil {
		q.renderTOTP(http.StatusInternalServerError, q.Error(err), nil)
		return
	}
	sealed, err := q.S.sealTOTP(q.CustomerID, key.Secret())
	if err == errNoKey {
		q.Redirect("/account/totp")
		return
	}
	if err == nil {
		err = q.S.Store.WebTOTPSet(q.R.Context(), q.CustomerID, sealed, false, nil)
	}
	if err != nil {
		q.renderTOTP(http.StatusInternalServerError, q.Error(err), nil)
		return
	}
	q.Redirect("/account/totp")
}

// totpKey returns the otpauth key of the customer's pending secret.
func totpKey(customerID int64, secret string) (*otp.Key, error) {
	v := url.Values{"secret": {secret}, "issuer": {totpIssuer}, "algorithm": {"SHA1"}, "digits": {"6"}, "period": {"30"}}
	return otp.NewKeyFromURL("otpauth://totp/" + url.PathEscape(totpIssuer+":"+strconv.FormatInt(customerID, 10)) + "?" + v.Encode())
}

// totpQR serves the pending secret's otpauth QR code as a PNG (a
// same-origin image: the CSP allows no data: URI).
func totpQR(q *Req) {
	l, err := q.S.Store.WebLoginGet(q.R.Context(), q.CustomerID)
	if err != nil || l.TOTPEnabled || l.TOTPSecret == "" {
		q.NotFound()
		return
	}
	secret, err := q.S.openTOTP(q.CustomerID, l.TOTPSecret)
	if err != nil {
		q.NotFound()
		return
	}
	key, err := totpKey(q.CustomerID, secret)
	var img bytes.Buffer
	if err == nil {
		im, ierr := key.Image(240, 240)
		if err = ierr; err == nil {
			err = png.Encode(&img, im)
		}
	}
	if err != nil {
		q.S.Logger.Error("web: totp qr", "request_id", q.RequestID, "err", err.Error())
		http.Error(q.W, "internal error", http.StatusInternalServerError)
		return
	}
	q.W.Header().Set("Content-Type", "image/png")
	q.W.Header().Set("Cache-Control", "no-store")
	q.W.Write(img.Bytes())
}

// totpConfirm enables the pending secret when the code is right and shows
// the new recovery codes once.
func totpConfirm(q *Req) {
	l, err := q.S.Store.WebLoginGet(q.R.Context(), q.CustomerID)
	if err != nil || l.TOTPEnabled || l.TOTPSecret == "" {
		q.Redirect("/account/totp")
		return
	}
	secret, err := q.S.openTOTP(q.CustomerID, l.TOTPSecret)
	if err != nil || !q.useCode(q.CustomerID, q.R.PostFormValue("code"), secret) {
		q.renderTOTP(http.StatusUnprocessableEntity, q.Error(apperr.Errorf(apperr.CodeIncorrectParamValue, "code: wrong code")), nil)
		return
	}
	codes, hashes := newRecoveryCodes()
	if err := q.S.Store.WebTOTPSet(q.R.Context(), q.CustomerID, l.TOTPSecret, true, hashes); err != nil {
		q.renderTOTP(http.StatusInternalServerError, q.Error(err), nil)
		return
	}
	q.renderTOTP(http.StatusOK, nil, codes)
}

// totpDisable turns the second factor off after the current password.
func totpDisable(q *Req) {
	if !q.checkPassword(q.R.PostFormValue("password")) {
		q.renderTOTP(http.StatusUnprocessableEntity, q.Error(apperr.Errorf(apperr.CodePasswordInvalid, "password: wrong password")), nil)
		return
	}
	if err := q.S.Store.WebTOTPSet(q.R.Context(), q.CustomerID, "", false, nil); err != nil {
		q.renderTOTP(http.StatusInternalServerError, q.Error(err), nil)
		return
	}
	q.Redirect("/account/totp?done=totp.disabled")
}

// checkPassword checks the signed-in customer's current password; a wrong
// one counts in the failed-login guard (a stolen session cannot guess it).
func (q *Req) checkPassword(pw string) bool {
	l, err := q.S.Store.WebLoginGet(q.R.Context(), q.CustomerID)
	if err == nil && passwd.Check(l.PasswordHash, pw) {
		return true
	}
	metrics.FailedLogins.Inc()
	if q.S.Guard.Fail(q.Remote) {
		metrics.LoginBlocks.Inc()
	}
	return false
}

// codeStep returns the time step (30-second periods since the Unix epoch,
// one step of skew either way) whose 6-digit TOTP code is code (spaces
// ignored); false: none.
func codeStep(code, secret string, now time.Time) (int64, bool) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != 6 {
		return 0, false
	}
	opts := totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}
	cur := now.Unix() / 30
	found, ok := int64(0), false
	for step := cur - 1; step <= cur+1; step++ {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*30, 0), opts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			found, ok = step, true
		}
	}
	return found, ok
}

// useCode reports whether code is the customer's TOTP code now and was
// not accepted before (each code works once: the store keeps the last
// step accepted).
func (q *Req) useCode(customerID int64, code, secret string) bool {
	step, ok := codeStep(code, secret, q.S.now())
	if !ok {
		return false
	}
	fresh, err := q.S.Store.WebTOTPUse(q.R.Context(), customerID, step)
	return err == nil && fresh
}

// newRecoveryCodes returns RecoveryCodes new codes ("abcde-fghij") and
// their hashes.
func newRecoveryCodes() ([]string, [][]byte) {
	var codes []string
	var hashes [][]byte
	for range RecoveryCodes {
		b := make([]byte, 7)
		rand.Read(b)
		c := strings.ToLower(base32.StdEncoding.EncodeToString(b))[:10]
		codes = append(codes, c[:5]+"-"+c[5:])
		hashes = append(hashes, recoveryHash(c))
	}
	return codes, hashes
}

// recoveryHash is the stored form of a recovery code (dashes, spaces and
// case ignored).
func recoveryHash(code string) []byte {
	c := strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(code)))
	h := sha256.Sum256([]byte("artnet-recovery:" + c))
	return h[:]
}

// signinCodePage asks a pending session for its second factor.
func signinCodePage(q *Req) {
	sess, err := q.S.session(q.R)
	if err != nil || !sess.Pending {
		q.Redirect("/signin")
		return
	}
	q.Render(http.StatusOK, "signin_code.html", &View{Title: "signin.code.title", Data: signinForm{Next: localPath(q.R.URL.Query().Get("next"))}})
}

// signinCodePost checks the TOTP code or a recovery code of a pending
// session; a failure counts in the failed-login guard. Success replaces
// the pending session by a new, complete one (a new id).
func signinCodePost(q *Req) {
	s := q.S
	next := localPath(q.R.PostFormValue("next"))
	sess, err := s.session(q.R)
	if err != nil || !sess.Pending {
		q.Redirect("/signin")
		return
	}
	fail := func(code string) {
		q.Render(http.StatusUnprocessableEntity, "signin_code.html", &View{Title: "signin.code.title",
			Err: q.Error(apperr.New(code)), Data: signinForm{Next: next}})
	}
	if wait := s.Guard.Blocked(q.Remote); wait > 0 {
		metrics.BlockedRequests.Inc()
		fail(apperr.CodeTooManyFailedLogins)
		return
	}
	code := q.R.PostFormValue("code")
	ok := false
	if l, err := s.Store.WebLoginGet(q.R.Context(), sess.CustomerID); err == nil && l.TOTPEnabled {
		if secret, err := s.openTOTP(sess.CustomerID, l.TOTPSecret); err == nil && q.useCode(sess.CustomerID, code, secret) {
			ok = true
		} else if len(code) > 6 {
			ok, _ = s.Store.WebRecoveryUse(q.R.Context(), sess.CustomerID, recoveryHash(code))
		}
	}
	if !ok {
		metrics.FailedLogins.Inc()
		if s.Guard.Fail(q.Remote) {
			metrics.LoginBlocks.Inc()
		}
		fail(apperr.CodeAuthorizationFailed)
		return
	}
	if err := s.startSession(q, sess.CustomerID, false); err != nil {
		fail(apperr.CodeInternal)
		return
	}
	q.Redirect(next)
}
