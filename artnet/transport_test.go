package artnet_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// fakeServer answers each request with the next of answers (the last one
// repeats) and counts the requests. It stands for a proxy or an overloaded
// server, which the in-process artnetd cannot be made to be.
type fakeServer struct {
	srv      *httptest.Server
	requests atomic.Int64
	bodies   chan string
}

type fakeAnswer struct {
	status     int
	retryAfter string
	body       string
	hangup     bool // close the connection without answering
}

const servicesOK = `{"services_list":[{"id":1,"type":"vps","name":"v","custom_description":null,"expiration_time":0,` +
	`"payment_details":{"price":1,"price_brutto":1.23,"currency":"PLN","payment_period":"1"},"parent_service_id":0,"ip":""}],"success":true}`

func newFake(t *testing.T, answers ...fakeAnswer) *fakeServer {
	f := &fakeServer{bodies: make(chan string, 100)}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(f.requests.Add(1))
		b, _ := io.ReadAll(r.Body)
		select {
		case f.bodies <- string(b):
		default:
		}
		a := answers[min(n, len(answers))-1]
		if a.hangup {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		if a.retryAfter != "" {
			w.Header().Set("Retry-After", a.retryAfter)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(a.status)
		io.WriteString(w, a.body)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeServer) client(opts ...artnet.Option) *artnet.Client {
	return artnet.NewClient(demoID, demoKey, append([]artnet.Option{artnet.WithEndpoint(f.srv.URL + "/api")}, opts...)...)
}

const tooMany = `{"success":false,"error":{"code":"too-many-failed-logins","description":{"pl":"Zbyt wiele","en":"Too many failed logins"}}}`

func TestRetryAfterOn429(t *testing.T) {
	f := newFake(t, fakeAnswer{status: 429, retryAfter: "1", body: tooMany}, fakeAnswer{status: 200, body: servicesOK})
	start := time.Now()
	list, err := f.client(artnet.WithRetry(3, time.Millisecond)).Services.List(context.Background(), artnet.ServiceListOpts{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].PaymentDetails.PriceBrutto != 123 {
		t.Fatalf("list = %+v", list)
	}
	if n := f.requests.Load(); n != 2 {
		t.Fatalf("%d requests, want 2", n)
	}
	if d := time.Since(start); d < time.Second {
		t.Fatalf("retried after %s, before Retry-After (1s)", d)
	}
}

func TestRetry5xxWithBackoff(t *testing.T) {
	f := newFake(t,
		fakeAnswer{status: 503, body: "<html>Service Unavailable</html>"},
		fakeAnswer{status: 502, body: `{"success":false,"error":{"code":"internal-error","description":{"pl":"b","en":"e"}}}`},
		fakeAnswer{status: 200, body: servicesOK})
	start := time.Now()
	if _, err := f.client(artnet.WithRetry(3, 5*time.Millisecond)).Dedicated.List(context.Background(), artnet.ListOpts{}); err != nil {
		t.Fatal(err)
	}
	if n := f.requests.Load(); n != 3 {
		t.Fatalf("%d requests, want 3", n)
	}
	// Full jitter: at most 5 ms + 10 ms of waiting.
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("took %s", d)
	}
}

func TestRetryNetworkError(t *testing.T) {
	f := newFake(t, fakeAnswer{hangup: true}, fakeAnswer{status: 200, body: `{"language":"pl","success":true}`})
	lang, err := f.client(artnet.WithRetry(2, time.Millisecond)).Customer.GetLanguage(context.Background())
	if err != nil || lang != "pl" {
		t.Fatalf("GetLanguage = %q, %v", lang, err)
	}
	if n := f.requests.Load(); n != 2 {
		t.Fatalf("%d requests, want 2", n)
	}
	// A write is not repeated after a network error: it may have been done.
	f = newFake(t, fakeAnswer{hangup: true}, fakeAnswer{status: 200, body: `{"success":true}`})
	err = f.client(artnet.WithRetry(2, time.Millisecond)).Customer.ChangeLanguage(context.Background(), "pl")
	if err == nil || artnet.IsError(err) {
		t.Fatalf("ChangeLanguage after a hang-up = %v, want a network error", err)
	}
	if n := f.requests.Load(); n != 1 {
		t.Fatalf("a write was sent %d times", n)
	}
}

func TestRetriesExhausted(t *testing.T) {
	f := newFake(t, fakeAnswer{status: 500, body: "oops"})
	_, err := f.client(artnet.WithRetry(2, time.Millisecond)).Services.Details(context.Background(), 1)
	var re *artnet.ResponseError
	if !errors.As(err, &re) || re.HTTPStatus != 500 || re.Snippet != "oops" || !strings.Contains(err.Error(), "HTTP 500") {
		t.Fatalf("err = %v", err)
	}
	if n := f.requests.Load(); n != 3 {
		t.Fatalf("%d requests, want 1 + 2 retries", n)
	}
}

func TestWritesAreNotRetried(t *testing.T) {
	f := newFake(t, fakeAnswer{status: 429, retryAfter: "1", body: tooMany}, fakeAnswer{status: 200, body: `{"success":true}`})
	err := f.client(artnet.WithRetry(3, time.Millisecond)).Dedicated.PowerOff(context.Background(), 12345)
	e := wantCode(t, err, artnet.ErrCodeTooManyFailedLogins)
	if e.HTTPStatus != 429 || e.RetryAfter != time.Second {
		t.Fatalf("HTTPStatus %d RetryAfter %s", e.HTTPStatus, e.RetryAfter)
	}
	if n := f.requests.Load(); n != 1 {
		t.Fatalf("a write was sent %d times", n)
	}
	f = newFake(t, fakeAnswer{status: 503, body: "busy"})
	if err := f.client(artnet.WithRetry(3, time.Millisecond)).CloudInstance.Delete(context.Background(), artnet.InstanceAuth{InstanceID: 1, Password: "abcd"}); err == nil {
		t.Fatal("no error")
	}
	if n := f.requests.Load(); n != 1 {
		t.Fatalf("a write was sent %d times", n)
	}
	// Commands the SDK does not know are treated as writes.
	f = newFake(t, fakeAnswer{status: 503, body: "busy"})
	f.client(artnet.WithRetry(3, time.Millisecond)).Call(context.Background(), "invoices/download-everything", nil, nil)
	if n := f.requests.Load(); n != 1 {
		t.Fatalf("an unknown command was sent %d times", n)
	}
}

func TestContextCancelsWait(t *testing.T) {
	f := newFake(t, fakeAnswer{status: 503, retryAfter: "30", body: "busy"})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := f.client(artnet.WithRetry(5, time.Millisecond)).Firewall.List(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the context's", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("waited %s after the context ended", d)
	}
	if n := f.requests.Load(); n != 1 {
		t.Fatalf("%d requests", n)
	}
	// A context already done sends nothing useful and fails at once.
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	if _, err := f.client().Customer.Details(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

func TestMalformedAnswers(t *testing.T) {
	for _, a := range []fakeAnswer{
		{status: 200, body: "<html>hello</html>"},
		{status: 200, body: `{"services_list":[]}`},               // no success
		{status: 200, body: `{"success":false}`},                  // no error object
		{status: 200, body: `{"success":true,"services_list":7}`}, // wrong shape
		{status: 404, body: "not found"},
	} {
		f := newFake(t, a)
		_, err := f.client(artnet.WithRetry(0, 0)).Services.List(context.Background(), artnet.ServiceListOpts{})
		var re *artnet.ResponseError
		if !errors.As(err, &re) || re.HTTPStatus != a.status || artnet.IsError(err) {
			t.Errorf("%d %s: err = %v", a.status, a.body, err)
		}
	}
}

func TestErrorEnvelope(t *testing.T) {
	f := newFake(t, fakeAnswer{status: 200, body: `{"success":false,"error":{"code":"rules-syntax-error",` +
		`"description":{"pl":"Błąd składni reguł","en":"Rules syntax error"},` +
		`"errors_details":[{"direction":"in","index":"2","field":"policy","message":"bad policy"},{"index":3,"message":"m"}]}}`})
	err := f.client().Firewall.Save(context.Background(), artnet.FirewallSaveOpts{RulesetID: "fw-1"})
	e := wantCode(t, err, artnet.ErrCodeRulesSyntaxError)
	if err.Error() != "artnet: rules-syntax-error: Rules syntax error" {
		t.Fatalf("message %q", err.Error())
	}
	want := []artnet.ErrorDetail{{Direction: "in", Index: "2", Field: "policy", Message: "bad policy"}, {Index: "3", Message: "m"}}
	if len(e.ErrorsDetails) != 2 || e.ErrorsDetails[0] != want[0] || e.ErrorsDetails[1] != want[1] {
		t.Fatalf("details = %+v", e.ErrorsDetails)
	}
	if artnet.IsError(err, artnet.ErrCodeTooManyRules) || !artnet.IsError(err) || artnet.IsError(errors.New("x")) {
		t.Fatal("IsError")
	}
}

func TestDebugRedactsSecrets(t *testing.T) {
	s := newServer(t)
	var buf bytes.Buffer
	c := s.client(artnet.WithDebug(&buf), artnet.WithUserAgent("sdk-test/1"))
	ctx := context.Background()
	if _, err := c.Customer.Details(ctx); err != nil {
		t.Fatal(err)
	}
	newKey, err := c.Customer.RegenerateAPIKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c.CloudInstance.PasswordChange(ctx, artnet.CloudPasswordChangeOpts{InstanceID: 7, Password: "old-Secret1", NewPassword: "new-Secret2"})
	c.CloudInstance.PowerOn(ctx, artnet.InstanceAuth{InstanceID: 7, Password: "old-Secret1"})
	out := buf.String()
	for _, secret := range []string{demoKey, newKey, "old-Secret1", "new-Secret2"} {
		if strings.Contains(out, secret) {
			t.Fatalf("debug output contains a secret %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{"POST", "/api/customer/details", "200", "api_key=REDACTED", "instance_password=REDACTED",
		"instance_new_password=REDACTED", `"api_key":"REDACTED"`, `"name":"ACME sp. z o.o."`, "authorization-failed"} {
		if !strings.Contains(out, want) {
			t.Errorf("debug output lacks %q:\n%s", want, out)
		}
	}
}

// TestValidationSendsNothing checks that invalid options are refused before
// any request.
func TestValidationSendsNothing(t *testing.T) {
	f := newFake(t, fakeAnswer{status: 200, body: `{"success":true}`})
	c := f.client()
	ctx := context.Background()
	long := strings.Repeat("x", 36)
	ignore := func(_ any, err error) error { return err }
	cases := map[string]func() error{
		"emails-list limit":     func() error { return ignore(c.Customer.EmailsList(ctx, artnet.EmailsListOpts{Limit: -1})) },
		"email-details id":      func() error { return ignore(c.Customer.EmailDetails(ctx, 0)) },
		"change-language":       func() error { return c.Customer.ChangeLanguage(ctx, "PL") },
		"edit empty name":       func() error { return c.Customer.Edit(ctx, artnet.CustomerEditOpts{Name: artnet.Ptr(" ")}) },
		"services type":         func() error { return ignore(c.Services.List(ctx, artnet.ServiceListOpts{Type: "mainframe"})) },
		"services offset":       func() error { return ignore(c.Services.List(ctx, artnet.ServiceListOpts{Offset: -5})) },
		"services details":      func() error { return ignore(c.Services.Details(ctx, -1)) },
		"module list parent":    func() error { return ignore(c.VPS.List(ctx, artnet.ListOpts{ParentServiceID: -1})) },
		"module details":        func() error { return ignore(c.SSL.Details(ctx, 0)) },
		"edit-dns-servers none": func() error { return c.Domain.EditDNSServers(ctx, artnet.DomainEditDNSServersOpts{ServiceID: 1}) },
		"edit-dns-servers blank": func() error {
			return c.Domain.EditDNSServers(ctx, artnet.DomainEditDNSServersOpts{ServiceID: 1, DNSServers: []string{"ns1", ""}})
		},
		"foip switch": func() error { return c.FailOverIP.Switch(ctx, artnet.FailOverIPSwitchOpts{ServiceID: 1}) },
		"order ips": func() error {
			return ignore(c.AdditionalIP.Order(ctx, artnet.AdditionalIPOrderOpts{ParentServiceID: 1}))
		},
		"order-info": func() error { return ignore(c.AdditionalIP.OrderInfo(ctx, 0)) },
		"power":      func() error { return c.Dedicated.PowerOff(ctx, 0) },
		"ilo enable": func() error {
			return c.Dedicated.ILOAccessEnable(ctx, artnet.DedicatedILOAccessEnableOpts{ServiceID: 1})
		},
		"blackhole":     func() error { return c.IPBlackholing.Enable(ctx, "") },
		"dns delete":    func() error { return c.DNS.Delete(ctx, 0) },
		"dns secondary": func() error { return ignore(c.DNS.AddSecondary(ctx, artnet.DNSAddSecondaryOpts{Domain: "a.test"})) },
		"dns record type": func() error {
			return c.DNS.EditPrimaryRecords(ctx, artnet.DNSEditPrimaryRecordsOpts{ZoneID: 1, Records: []artnet.DNSRecord{{Type: "PTR", Data1: "x"}}})
		},
		"dns record data": func() error {
			return c.DNS.EditPrimaryRecords(ctx, artnet.DNSEditPrimaryRecordsOpts{ZoneID: 1, Records: []artnet.DNSRecord{{Type: "A"}}})
		},
		"dns serial": func() error {
			return c.DNS.EditPrimaryRecords(ctx, artnet.DNSEditPrimaryRecordsOpts{ZoneID: 1, Serial: -1})
		},
		"revdns subclass": func() error {
			return ignore(c.RevDNS.Details(ctx, artnet.RevDNSDetailsOpts{SubnetworkID: 1}))
		},
		"revdns ptr": func() error {
			return ignore(c.RevDNS.Edit(ctx, artnet.RevDNSEditOpts{SubnetworkID: 1, DNSSubclass: "x", PTRRecords: []artnet.PTRRecordEdit{{Origin: "1"}}}))
		},
		"firewall id": func() error { return ignore(c.Firewall.Details(ctx, "")) },
		"firewall policy": func() error {
			return c.Firewall.Save(ctx, artnet.FirewallSaveOpts{RulesetID: "fw", In: []artnet.FirewallRule{{Policy: "REJECT"}}})
		},
		"firewall mask": func() error {
			return c.Firewall.Save(ctx, artnet.FirewallSaveOpts{RulesetID: "fw", Out: []artnet.FirewallRule{{Policy: "DROP",
				Source: artnet.FirewallAddress{IP: "1.2.3.4", MaskShort: 33}}}})
		},
		"firewall port": func() error {
			return c.Firewall.Save(ctx, artnet.FirewallSaveOpts{RulesetID: "fw", In: []artnet.FirewallRule{{Policy: "DROP",
				Destination: artnet.FirewallAddress{Port: artnet.FirewallPort{Begin: "80", End: "http"}}}}})
		},
		"firewall port order": func() error {
			return c.Firewall.Save(ctx, artnet.FirewallSaveOpts{RulesetID: "fw", In: []artnet.FirewallRule{{Policy: "DROP",
				Destination: artnet.FirewallAddress{Port: artnet.FirewallPort{Begin: "90", End: "80"}}}}})
		},
		"firewall confirm_within short": func() error {
			return c.Firewall.Save(ctx, artnet.FirewallSaveOpts{RulesetID: "fw", ConfirmWithin: 29 * time.Second})
		},
		"firewall confirm_within long": func() error {
			return c.Firewall.Save(ctx, artnet.FirewallSaveOpts{RulesetID: "fw", ConfirmWithin: time.Hour + time.Second})
		},
		"firewall confirm_within fraction": func() error {
			return c.Firewall.Save(ctx, artnet.FirewallSaveOpts{RulesetID: "fw", ConfirmWithin: 90*time.Second + time.Millisecond})
		},
		"firewall confirm_within negative": func() error {
			return c.Firewall.Save(ctx, artnet.FirewallSaveOpts{RulesetID: "fw", ConfirmWithin: -time.Minute})
		},
		"firewall save-confirm id": func() error { return c.Firewall.SaveConfirm(ctx, " ") },
		"express order":            func() error { return ignore(c.OfferDedicated.ExpressOrder(ctx, 0)) },
		"cloud password": func() error {
			return c.CloudInstance.PowerOn(ctx, artnet.InstanceAuth{InstanceID: 1})
		},
		"cloud negotiate empty": func() error {
			return c.CloudInstance.ResourcesNegotiate(ctx, artnet.CloudResourcesNegotiateOpts{InstanceID: 1, Password: "abcd"})
		},
		"cloud price negative": func() error {
			return ignore(c.CloudInstance.ResourcesCalculatePrice(ctx, artnet.CloudResourcesCalculatePriceOpts{Resources: artnet.CloudResources{RAM: -1}}))
		},
		"cloud image": func() error {
			return c.CloudInstance.BootModeInstallationImage(ctx, artnet.CloudBootModeInstallationImageOpts{InstanceID: 1, Password: "abcd"})
		},
		"cloud display name": func() error {
			return c.CloudInstance.CustomPropertiesEdit(ctx, artnet.CloudCustomPropertiesEditOpts{InstanceID: 1, DisplayName: &long})
		},
		"cloud new password short": func() error {
			return c.CloudInstance.PasswordChange(ctx, artnet.CloudPasswordChangeOpts{InstanceID: 1, Password: "abcd", NewPassword: "abc"})
		},
		"cloud new password chars": func() error {
			return c.CloudInstance.PasswordChange(ctx, artnet.CloudPasswordChangeOpts{InstanceID: 1, Password: "abcd", NewPassword: "pass word"})
		},
		"services all": func() error {
			for _, err := range c.Services.All(ctx, artnet.ServiceListOpts{Limit: -1}) {
				return err
			}
			return nil
		},
		"module all": func() error {
			for _, err := range c.Colocation.All(ctx, artnet.ListOpts{Offset: -1}) {
				return err
			}
			return nil
		},
		"all emails": func() error {
			for _, err := range c.Customer.AllEmails(ctx, artnet.EmailsListOpts{Limit: -1}) {
				return err
			}
			return nil
		},
	}
	for name, call := range cases {
		err := call()
		var ve *artnet.ValidationError
		if !errors.As(err, &ve) || ve.Field == "" || !strings.HasPrefix(err.Error(), "artnet: invalid ") {
			t.Errorf("%s: err = %v, want a validation error", name, err)
		}
	}
	if n := f.requests.Load(); n != 0 {
		t.Fatalf("invalid options sent %d requests", n)
	}
}

func TestUserAgentAndEndpoint(t *testing.T) {
	var ua, path string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ua, path = r.UserAgent(), r.URL.Path
		io.WriteString(w, `{"success":true,"language":"en"}`)
	}))
	defer srv.Close()
	c := artnet.NewClient(1, "k", artnet.WithEndpoint(srv.URL+"/panel/api/"), artnet.WithHTTPClient(srv.Client()))
	if _, err := c.Customer.GetLanguage(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ua != artnet.DefaultUserAgent || path != "/panel/api/customer/get-language" {
		t.Fatalf("User-Agent %q, path %q", ua, path)
	}
	c = artnet.NewClient(1, "k", artnet.WithEndpoint(srv.URL+"/api"), artnet.WithUserAgent("my-tool/2.0"))
	c.Customer.GetLanguage(context.Background())
	if ua != "my-tool/2.0" {
		t.Fatalf("User-Agent %q", ua)
	}
	if c.CustomerID() != 1 {
		t.Fatal("CustomerID")
	}
}

// TestConcurrentUse runs calls from many goroutines on one client while
// the key is regenerated (run with -race).
func TestConcurrentUse(t *testing.T) {
	s := newServer(t)
	var buf syncWriter
	c := s.client(artnet.WithDebug(&buf))
	ctx := context.Background()
	done := make(chan error, 20)
	call := func() {
		_, err := c.Services.Details(ctx, svcVPS)
		done <- err
	}
	for i := 0; i < 20; i++ {
		go call()
	}
	for i := 0; i < 20; i++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	// Calls racing the regeneration may use the old key (and fail), but
	// the client must stay consistent; afterwards every call works.
	for i := 0; i < 3; i++ {
		go call()
	}
	key, err := c.Customer.RegenerateAPIKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if err := <-done; err != nil && !artnet.IsError(err, artnet.ErrCodeAuthorizationFailed) {
			t.Fatal(err)
		}
	}
	for i := 0; i < 10; i++ {
		go call()
	}
	for i := 0; i < 10; i++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if strings.Contains(buf.String(), key) || strings.Contains(buf.String(), demoKey) {
		t.Fatal("a key reached the debug log")
	}
	// Leading and trailing slashes of Call's path are ignored.
	if err := c.Call(ctx, "/customer/get-language/", nil, nil); err != nil {
		t.Fatal(err)
	}
}

type syncWriter struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}
