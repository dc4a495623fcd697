package artnet_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/artnet"
)

func TestCustomerDetailsAndEdit(t *testing.T) {
	s := newServer(t)
	c := s.client()
	ctx := context.Background()

	cust := must[*artnet.Customer](t)(c.Customer.Details(ctx))
	if cust.ID != demoID || cust.Name != "ACME sp. z o.o." || cust.CountryCode != "PL" || !cust.Business || cust.Currency != "PLN" {
		t.Fatalf("details = %+v", cust)
	}

	err := c.Customer.Edit(ctx, artnet.CustomerEditOpts{
		Name: artnet.Ptr("ACME S.A."), City: artnet.Ptr("Kraków"), Postcode: artnet.Ptr("30-001"),
		Business: artnet.Ptr(false),
	})
	if err != nil {
		t.Fatal(err)
	}
	after := must[*artnet.Customer](t)(c.Customer.Details(ctx))
	if after.Name != "ACME S.A." || after.City != "Kraków" || after.Postcode != "30-001" || after.Business {
		t.Fatalf("after edit = %+v", after)
	}
	if after.Street != cust.Street || after.Email != cust.Email {
		t.Fatal("fields not given to Edit changed")
	}

	// A documented error from the server: the e-mail address is checked there.
	e := wantCode(t, c.Customer.Edit(ctx, artnet.CustomerEditOpts{Email: artnet.Ptr("not-an-address")}), artnet.ErrCodeIncorrectParamValue)
	if e.HTTPStatus != 200 || !strings.HasPrefix(e.Error(), "artnet: incorrect-param-value: ") {
		t.Fatalf("error = %q (HTTP %d)", e.Error(), e.HTTPStatus)
	}
}

func TestCustomerLanguage(t *testing.T) {
	s := newServer(t)
	c := s.client()
	ctx := context.Background()
	if lang := must[string](t)(c.Customer.GetLanguage(ctx)); lang != artnet.LanguageEN {
		t.Fatalf("language = %q", lang)
	}
	if err := c.Customer.ChangeLanguage(ctx, artnet.LanguagePL); err != nil {
		t.Fatal(err)
	}
	if lang := must[string](t)(c.Customer.GetLanguage(ctx)); lang != artnet.LanguagePL {
		t.Fatalf("language = %q after change", lang)
	}
	// The typed method refuses other languages before sending; the server's
	// documented answer is reachable through Call.
	before := s.requests.Load()
	var ve *artnet.ValidationError
	if err := c.Customer.ChangeLanguage(ctx, "de"); !errors.As(err, &ve) || ve.Field != "language" {
		t.Fatalf("ChangeLanguage(de) = %v, want a validation error", err)
	}
	if s.requests.Load() != before {
		t.Fatal("an invalid language was sent")
	}
	wantCode(t, c.Call(ctx, "customer/change-language", (&artnet.Form{}).Add("language", "de"), nil), artnet.ErrCodeIncorrectParamValue)
}

func TestCustomerEmails(t *testing.T) {
	s := newServer(t)
	c := s.client()
	ctx := context.Background()
	// Two more e-mails on top of the demo's one.
	for _, lang := range []string{"pl", "en"} {
		if err := c.Customer.ChangeLanguage(ctx, lang); err != nil {
			t.Fatal(err)
		}
	}
	all := must[[]artnet.EmailHeader](t)(c.Customer.EmailsList(ctx, artnet.EmailsListOpts{}))
	if len(all) != 3 || all[2].Subject != "Welcome to Artnet" || all[2].Time.Unix() != 1764230400 {
		t.Fatalf("emails = %+v", all)
	}
	page := must[[]artnet.EmailHeader](t)(c.Customer.EmailsList(ctx, artnet.EmailsListOpts{Limit: 1, Offset: 1}))
	if len(page) != 1 || page[0].ID != all[1].ID {
		t.Fatalf("limit 1 offset 1 = %+v, want %+v", page, all[1])
	}
	var walked []artnet.EmailHeader
	before := s.requests.Load()
	for e, err := range c.Customer.AllEmails(ctx, artnet.EmailsListOpts{Limit: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		walked = append(walked, e)
	}
	if len(walked) != 3 || walked[0].ID != all[0].ID || walked[2].ID != all[2].ID {
		t.Fatalf("AllEmails = %+v", walked)
	}
	if n := s.requests.Load() - before; n != 2 {
		t.Fatalf("AllEmails with Limit 2 made %d requests, want 2", n)
	}

	email := must[*artnet.Email](t)(c.Customer.EmailDetails(ctx, 1))
	if email.ID != 1 || email.Address != "it@acme.test" || !strings.Contains(email.Body, "ACME") || email.Time.Unix() != 1764230400 {
		t.Fatalf("email = %+v", email)
	}
	_, err := c.Customer.EmailDetails(ctx, 999999)
	wantCode(t, err, artnet.ErrCodeInvalidID)
}

func TestRegenerateAPIKey(t *testing.T) {
	s := newServer(t)
	c := s.client()
	ctx := context.Background()
	key := must[string](t)(c.Customer.RegenerateAPIKey(ctx))
	if len(key) < 32 || key == demoKey {
		t.Fatalf("new key %q", key)
	}
	// The client switched to the new key; the old one is dead.
	if _, err := c.Customer.Details(ctx); err != nil {
		t.Fatalf("the client did not switch to the new key: %v", err)
	}
	_, err := s.client().Customer.Details(ctx)
	wantCode(t, err, artnet.ErrCodeAuthorizationFailed)
	if _, err := s.clientAs(demoID, key).Customer.GetLanguage(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestFailedLoginsBlock checks the real server's 429: after 10 failed
// logins the address is blocked for minutes, longer than the client waits
// by itself, so even a read-only command returns at once with RetryAfter.
func TestFailedLoginsBlock(t *testing.T) {
	s := newServer(t)
	bad := s.clientAs(demoID, "wrong-key-wrong-key-wrong-key-wrong-key", artnet.WithRetry(3, time.Millisecond))
	ctx := context.Background()
	for i := 0; i < 10; i++ {
		_, err := bad.Customer.Details(ctx)
		wantCode(t, err, artnet.ErrCodeAuthorizationFailed)
	}
	before := s.requests.Load()
	start := time.Now()
	_, err := s.client(artnet.WithRetry(3, time.Millisecond)).Services.List(ctx, artnet.ServiceListOpts{})
	e := wantCode(t, err, artnet.ErrCodeTooManyFailedLogins)
	if e.HTTPStatus != 429 || e.RetryAfter < time.Minute {
		t.Fatalf("HTTP %d, RetryAfter %s", e.HTTPStatus, e.RetryAfter)
	}
	if n := s.requests.Load() - before; n != 1 || time.Since(start) > 5*time.Second {
		t.Fatalf("%d requests in %s: a long Retry-After must not be waited for", n, time.Since(start))
	}
}
