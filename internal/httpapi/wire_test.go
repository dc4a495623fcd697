package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestBothPrefixesAndBodies(t *testing.T) {
	e := newEnv(t)
	body := "api_key=" + keyA + "&id=19052&service_id=12345"
	for _, prefix := range []string{"/api/", "/panel/api/"} {
		a := mustOK(t, e.post(prefix+"services/details", "application/x-www-form-urlencoded", strings.NewReader(body)))
		if a.get("service", "id") != float64(12345) {
			t.Fatalf("%s: wrong service: %s", prefix, a.raw)
		}
		ct, mp := multipartBody(t, "id", "19052", "api_key", keyA, "service_id", "12346")
		a = mustOK(t, e.post(prefix+"services/details", ct, mp))
		if a.get("service", "id") != float64(12346) {
			t.Fatalf("%s multipart: wrong service: %s", prefix, a.raw)
		}
	}
	// Nested parameters in multipart bodies.
	ct, mp := multipartBody(t, "id", "20001", "api_key", keyB, "customer[city]", "Kraków")
	mustOK(t, e.post("/api/customer/edit", ct, mp))
	if got := mustOK(t, e.asB("customer/details")).get("customer", "city"); got != "Kraków" {
		t.Fatalf("city = %v after multipart edit", got)
	}
}

func TestEnvelopeErrors(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/api/nosuch/command", "/api/services", "/panel/api/services/nosuch", "/api/a/b/c"} {
		a := e.post(path, "application/x-www-form-urlencoded", strings.NewReader("id=19052&api_key="+keyA))
		mustFail(t, a, "unknown-command")
		if a.get("error", "description", "pl") != "Nieznane polecenie" || a.get("error", "description", "en") != "Unknown command" {
			t.Fatalf("%s: descriptions differ from the documented example: %s", path, a.raw)
		}
	}
	// GET is not how the API is called.
	resp, err := http.Get(e.srv.URL + "/api/services/list?id=19052&api_key=" + keyA)
	if err != nil {
		t.Fatal(err)
	}
	a := readAnswer(t, resp)
	if a.status != http.StatusMethodNotAllowed || a.code() != "method-not-allowed" || resp.Header.Get("Allow") != "POST" {
		t.Fatalf("GET: %d %s", a.status, a.raw)
	}
	// Body over 1 MiB.
	big := "id=19052&api_key=" + keyA + "&x=" + strings.Repeat("a", 1<<20)
	a = e.post("/api/services/list", "application/x-www-form-urlencoded", strings.NewReader(big))
	if a.status != http.StatusRequestEntityTooLarge || a.code() != "request-too-large" {
		t.Fatalf("big body: %d %s", a.status, a.raw)
	}
	// Too many parameters.
	many := "id=19052&api_key=" + keyA + strings.Repeat("&p[]=1", 25_000)
	a = e.post("/api/services/list", "application/x-www-form-urlencoded", strings.NewReader(many))
	if a.status != http.StatusRequestEntityTooLarge || a.code() != "too-many-parameters" {
		t.Fatalf("many params: %d %s", a.status, a.raw)
	}
	// A command the node turned off answers not-implemented, after
	// authentication.
	off := newEnv(t, "customer/get-language")
	mustFail(t, off.asA("customer/get-language"), "not-implemented")
	mustFail(t, off.call("customer/get-language", idA, "wrong"), "authorization-failed")
	if off.api.Implemented("customer/get-language") || !e.api.Implemented("customer/get-language") {
		t.Error("Implemented does not follow Disable")
	}
	if err := off.api.Disable("customer/details", "no-such-module"); err == nil || !off.api.Implemented("customer/details") {
		t.Errorf("Disable of an unknown name: %v, and it disabled the known one", err)
	}
	// Authentication failures.
	mustFail(t, e.call("customer/details", idA, ""), "authorization-failed")
	mustFail(t, e.call("customer/details", 0, keyA), "authorization-failed")
	mustFail(t, e.call("customer/details", 987654, keyA), "authorization-failed")
	mustFail(t, e.call("customer/details", idB, keyA), "authorization-failed")
	a = e.post("/api/customer/details", "application/x-www-form-urlencoded", strings.NewReader("id=abc&api_key="+keyA))
	mustFail(t, a, "authorization-failed")
}

func TestAPIAccessSwitch(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	if err := e.store.CustomerSetAPIAccess(ctx, idA, false); err != nil {
		t.Fatal(err)
	}
	mustFail(t, e.asA("customer/details"), "authorization-failed")
	if err := e.store.CustomerSetAPIAccess(ctx, idA, true); err != nil {
		t.Fatal(err)
	}
	mustOK(t, e.asA("customer/details"))
}

func TestRequestID(t *testing.T) {
	e := newEnv(t)
	a := e.asA("customer/details")
	id := a.header.Get("X-Request-Id")
	if len(id) < 8 {
		t.Fatalf("X-Request-Id = %q", id)
	}
	if !strings.Contains(e.logBuf.String(), `"request_id":"`+id+`"`) {
		t.Fatal("the access log does not carry the request id")
	}
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/customer/details", strings.NewReader("id=19052&api_key="+keyA))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Request-Id", "client-chosen-42")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("X-Request-Id"); got != "client-chosen-42" {
		t.Fatalf("X-Request-Id = %q, want the client's", got)
	}
}

func TestLogHasNoSecrets(t *testing.T) {
	e := newEnv(t)
	mustOK(t, e.asA("customer/details"))
	mustFail(t, e.call("customer/details", idA, "WrongKeyWrongKeyWrongKeyWrongKey42"), "authorization-failed")
	mustOK(t, e.asB("services/list"))
	log := e.logBuf.String()
	for _, secret := range []string{keyA, keyB, "WrongKeyWrongKeyWrongKeyWrongKey42", "api_key"} {
		if strings.Contains(log, secret) {
			t.Fatalf("the log contains %q:\n%s", secret, log)
		}
	}
	if strings.Count(log, `"msg":"request"`) != 3 {
		t.Fatalf("want 3 access log lines:\n%s", log)
	}
}

func TestInternalErrorsAreHidden(t *testing.T) {
	e := newEnv(t)
	e.store.Close() // every query now fails inside the driver
	a := mustFail(t, e.asA("customer/details"), "internal-error")
	if strings.Contains(strings.ToLower(string(a.raw)), "sql") || strings.Contains(string(a.raw), "closed") {
		t.Fatalf("internal detail leaked: %s", a.raw)
	}
	id := a.header.Get("X-Request-Id")
	if !strings.Contains(e.logBuf.String(), `"msg":"internal error","request_id":"`+id+`"`) {
		t.Fatalf("internal error not logged with request id %s:\n%s", id, e.logBuf.String())
	}
}

func TestHealthz(t *testing.T) {
	e := newEnv(t)
	resp, err := http.Get(e.srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("healthz = %d", resp.StatusCode)
	}
	e.api.Ready.Store(false)
	resp, err = http.Get(e.srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("healthz while not ready = %d", resp.StatusCode)
	}
}

// serveFrom sends one command through the handler as if from addr.
func serveFrom(t *testing.T, e *testEnv, addr string, id int64, key string) answer {
	t.Helper()
	v := url.Values{"id": {strconv.FormatInt(id, 10)}, "api_key": {key}}
	r := httptest.NewRequest("POST", "/api/customer/get-language", strings.NewReader(v.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.RemoteAddr = addr + ":40000"
	w := httptest.NewRecorder()
	e.api.ServeHTTP(w, r)
	return readAnswer(t, w.Result())
}

func TestBruteForceProtection(t *testing.T) {
	e := newEnv(t)
	now := time.Unix(1_800_000_000, 0)
	e.api.Guard.Now = func() time.Time { return now }
	attacker, other := "198.51.100.7", "203.0.113.9"
	for i := 0; i < 10; i++ {
		mustFail(t, serveFrom(t, e, attacker, idA, "guess"+strconv.Itoa(i)), "authorization-failed")
	}
	a := serveFrom(t, e, attacker, idA, keyA) // even the right key
	if a.status != http.StatusTooManyRequests || a.code() != "too-many-failed-logins" {
		t.Fatalf("11th attempt: %d %s", a.status, a.raw)
	}
	if ra, _ := strconv.Atoi(a.header.Get("Retry-After")); ra < 590 || ra > 600 {
		t.Fatalf("Retry-After = %q, want about 600", a.header.Get("Retry-After"))
	}
	mustOK(t, serveFrom(t, e, other, idA, keyA))
	now = now.Add(9 * time.Minute)
	if a := serveFrom(t, e, attacker, idA, keyA); a.status != http.StatusTooManyRequests {
		t.Fatalf("still blocked after 9 minutes expected, got %d", a.status)
	}
	now = now.Add(61 * time.Second)
	mustOK(t, serveFrom(t, e, attacker, idA, keyA))

	// Failures spread wider than the window never block.
	slow := "192.0.2.1"
	for i := 0; i < 15; i++ {
		mustFail(t, serveFrom(t, e, slow, idA, "guess"), "authorization-failed")
		now = now.Add(70 * time.Second) // 10 failures span 630 s > 10 minutes
	}
	// The numbers are configurable.
	e.api.Guard.MaxFailures = 2
	strict := "192.0.2.2"
	serveFrom(t, e, strict, idA, "a")
	serveFrom(t, e, strict, idA, "b")
	if a := serveFrom(t, e, strict, idA, keyA); a.status != http.StatusTooManyRequests {
		t.Fatalf("MaxFailures=2: third attempt got %d", a.status)
	}
}

func TestEveryResponseHasARequestID(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/healthz", "/api/openapi.json", "/api/docs", "/nosuch"} {
		resp, err := http.Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if len(resp.Header.Get("X-Request-Id")) < 8 {
			t.Errorf("GET %s: no X-Request-Id", path)
		}
	}
}
