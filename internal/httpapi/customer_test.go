package httpapi_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/httpapi"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

func TestCustomerDetails(t *testing.T) {
	e := newEnv(t)
	a := mustOK(t, e.asA("customer/details"))
	want := map[string]any{
		"id": float64(idA), "name": "ACME sp. z o.o.", "nip": "5261040828", "postcode": "00-001",
		"country_code": "PL", "country_label": "Poland", "business": true, "language": "en", "currency": "PLN",
		"email": "it@acme.test", "correspondence_city": "Warszawa",
	}
	for k, v := range want {
		if got := a.get("customer", k); got != v {
			t.Errorf("customer.%s = %v, want %v", k, got, v)
		}
	}
	// Every documented field is present.
	fields := []string{"id", "name", "nip", "regon", "street", "postcode", "city", "country_code", "country_label",
		"tel", "fax", "email", "email_tech", "email_invoice", "correspondence_name", "correspondence_street",
		"correspondence_postcode", "correspondence_city", "business", "language", "currency"}
	cust := a.get("customer").(map[string]any)
	for _, f := range fields {
		if _, ok := cust[f]; !ok {
			t.Errorf("customer.%s missing", f)
		}
	}
	// The label follows the customer's language.
	b := mustOK(t, e.asB("customer/details"))
	if got := b.get("customer", "country_label"); got != "Polska" {
		t.Errorf("B country_label = %v, want Polska", got)
	}
}

func TestLanguage(t *testing.T) {
	e := newEnv(t)
	if got := mustOK(t, e.asA("customer/get-language")).get("language"); got != "en" {
		t.Fatalf("language = %v, want en", got)
	}
	for _, bad := range []string{"de", "PL", "", "english"} {
		mustFail(t, e.asA("customer/change-language", "language", bad), "incorrect-param-value")
	}
	if got := mustOK(t, e.asA("customer/get-language")).get("language"); got != "en" {
		t.Fatalf("a rejected change changed the language to %v", got)
	}
	mustOK(t, e.asA("customer/change-language", "language", "pl"))
	if got := mustOK(t, e.asA("customer/get-language")).get("language"); got != "pl" {
		t.Fatalf("language = %v, want pl", got)
	}
	// The confirmation is written in the new language and is the newest e-mail.
	list := mustOK(t, e.asA("customer/emails-list", "limit", "1"))
	if got := list.get("emails_list", "0", "subject"); got != "Zmiana języka konta" {
		t.Fatalf("newest e-mail subject = %v, want the Polish confirmation", got)
	}
	id := fmt.Sprint(int64(list.get("emails_list", "0", "id").(float64)))
	body := mustOK(t, e.asA("customer/email-details", "email_id", id)).get("email", "body").(string)
	if !strings.Contains(body, "polski") {
		t.Fatalf("confirmation body does not name the language: %q", body)
	}
}

func TestEmails(t *testing.T) {
	e := newEnv(t)
	// Two messages from the panel on top of the imported one.
	mustOK(t, e.asA("customer/change-language", "language", "pl"))
	mustOK(t, e.asA("customer/change-language", "language", "en"))
	all := mustOK(t, e.asA("customer/emails-list")).get("emails_list").([]any)
	if len(all) != 3 {
		t.Fatalf("emails_list has %d entries, want 3", len(all))
	}
	var prevTime, prevID float64 = 1 << 62, 1 << 62
	for i, it := range all {
		m := it.(map[string]any)
		tm, id := m["time"].(float64), m["id"].(float64)
		if tm > prevTime || (tm == prevTime && id > prevID) {
			t.Fatalf("entry %d is newer than the one before it", i)
		}
		prevTime, prevID = tm, id
		for _, f := range []string{"id", "time", "subject"} {
			if _, ok := m[f]; !ok {
				t.Fatalf("entry %d lacks %s", i, f)
			}
		}
	}
	if got := all[2].(map[string]any)["subject"]; got != "Welcome to Artnet" {
		t.Fatalf("oldest e-mail = %v", got)
	}
	page := mustOK(t, e.asA("customer/emails-list", "limit", "1", "offset", "1")).get("emails_list").([]any)
	if len(page) != 1 || page[0].(map[string]any)["id"] != all[1].(map[string]any)["id"] {
		t.Fatalf("limit=1 offset=1 gave %v, want the second entry %v", page, all[1])
	}
	mustFail(t, e.asA("customer/emails-list", "limit", "x"), "incorrect-param-value")
	mustFail(t, e.asA("customer/emails-list", "offset", "-1"), "incorrect-param-value")

	d := mustOK(t, e.asA("customer/email-details", "email_id", "1"))
	for k, v := range map[string]any{"id": float64(1), "address": "it@acme.test", "subject": "Welcome to Artnet"} {
		if got := d.get("email", k); got != v {
			t.Errorf("email.%s = %v, want %v", k, got, v)
		}
	}
	mustFail(t, e.asA("customer/email-details", "email_id", "999999"), "invalid-id")
	mustFail(t, e.asA("customer/email-details", "email_id", fmt.Sprint(emailB)), "invalid-id")
	mustFail(t, e.asA("customer/email-details"), "incorrect-param-value")
	mustFail(t, e.asA("customer/email-details", "email_id", "abc"), "incorrect-param-value")
}

func TestRegenerateAPIKey(t *testing.T) {
	e := newEnv(t)
	a := mustOK(t, e.asA("customer/regenerate-api-key"))
	key, _ := a.get("api_key").(string)
	if len(key) < 32 || key == keyA {
		t.Fatalf("new key %q: want a fresh key of at least 32 characters", key)
	}
	mustFail(t, e.asA("customer/details"), "authorization-failed")
	mustOK(t, e.call("customer/details", idA, key))
	// The notice is in the customer's language and does not contain the key.
	list := mustOK(t, e.call("customer/emails-list", idA, key, "limit", "1"))
	if got := list.get("emails_list", "0", "subject"); got != "A new API key has been generated" {
		t.Fatalf("newest e-mail = %v", got)
	}
	id := fmt.Sprint(int64(list.get("emails_list", "0", "id").(float64)))
	body := mustOK(t, e.call("customer/email-details", idA, key, "email_id", id)).get("email", "body").(string)
	if strings.Contains(body, key) {
		t.Fatal("the notice e-mail contains the key")
	}
	// Only the hash is stored.
	c, err := e.store.CustomerGet(context.Background(), idA)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(c.APIKeyHash), key) || len(c.APIKeyHash) != 32 {
		t.Fatalf("stored key hash looks wrong: %d bytes", len(c.APIKeyHash))
	}
	if strings.Contains(e.logBuf.String(), key) {
		t.Fatal("the new key appears in the log")
	}
}

func TestCustomerEdit(t *testing.T) {
	e := newEnv(t)
	before := mustOK(t, e.asB("customer/details")).get("customer").(map[string]any)

	bad := []struct{ field, value string }{
		{"email", "not-an-address"},
		{"email", "Jan <jan@beta.test>"},
		{"email_tech", "x@"},
		{"country_code", "XX"},
		{"country_code", "POL"},
		{"postcode", "30001"},
		{"postcode", "3-0001"},
		{"correspondence_postcode", "AB-123"},
		{"nip", "1234567890"},
		{"regon", "123456789"},
		{"regon", "44051401358"},
		{"name", ""},
		{"name", "bad\x00name"},
		{"tel", "call me"},
		{"business", "maybe"},
	}
	for _, c := range bad {
		a := mustFail(t, e.asB("customer/edit", "customer["+c.field+"]", c.value, "customer[city]", "Changed"), "incorrect-param-value")
		if !strings.Contains(a.get("error", "description", "en").(string), c.field) {
			t.Errorf("%s=%q: description does not name the field: %s", c.field, c.value, a.raw)
		}
	}
	after := mustOK(t, e.asB("customer/details")).get("customer").(map[string]any)
	if fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("rejected edits changed the customer:\nbefore %v\nafter  %v", before, after)
	}

	// Only the given fields change; valid Polish identifiers are accepted.
	mustOK(t, e.asB("customer/edit",
		"customer[name]", "Beta sp. j.", "customer[nip]", "PL 526-104-08-28", "customer[regon]", "02070803628",
		"customer[postcode]", "31-002", "customer[email_invoice]", "faktury@beta.test", "customer[business]", "true"))
	got := mustOK(t, e.asB("customer/details")).get("customer").(map[string]any)
	changed := map[string]any{"name": "Beta sp. j.", "nip": "PL 526-104-08-28", "regon": "02070803628",
		"postcode": "31-002", "email_invoice": "faktury@beta.test", "business": true}
	for k, v := range got {
		want, ok := changed[k]
		if !ok {
			want = before[k]
		}
		if fmt.Sprint(v) != fmt.Sprint(want) {
			t.Errorf("customer.%s = %v, want %v", k, v, want)
		}
	}

	// Moving abroad lifts the Polish postcode rule; moving back re-checks it.
	mustOK(t, e.asB("customer/edit", "customer[country_code]", "gb", "customer[postcode]", "SW1A 1AA"))
	if got := mustOK(t, e.asB("customer/details")).get("customer", "country_code"); got != "GB" {
		t.Fatalf("country_code = %v, want GB (normalised)", got)
	}
	mustFail(t, e.asB("customer/edit", "customer[country_code]", "PL"), "incorrect-param-value")
	mustOK(t, e.asB("customer/edit", "customer[country_code]", "PL", "customer[postcode]", "00-950"))
}

// failingKeyStore fails to store API keys, as a broken database would.
type failingKeyStore struct{ store.Store }

func (f failingKeyStore) CustomerSetAPIKey(context.Context, int64, []byte) error {
	return errors.New("disk I/O error (simulated)")
}

func (f failingKeyStore) InTx(ctx context.Context, fn func(tx store.Store) error) error {
	return f.Store.InTx(ctx, func(tx store.Store) error { return fn(failingKeyStore{tx}) })
}

func TestRegenerateAPIKeyFailure(t *testing.T) {
	e := newEnv(t)
	api := httpapi.New(panel.New(failingKeyStore{e.store}), slog.New(slog.NewJSONHandler(e.logBuf, nil)))
	srv := httptest.NewServer(api)
	defer srv.Close()
	e.srv = srv
	a := mustFail(t, e.asA("customer/regenerate-api-key"), "internal-update-error")
	if strings.Contains(string(a.raw), "disk") || a.get("api_key") != nil {
		t.Fatalf("failure answer leaks or returns a key: %s", a.raw)
	}
	if !strings.Contains(e.logBuf.String(), "disk I/O error (simulated)") {
		t.Fatal("the cause is not logged")
	}
	// The old key still works and no notice was written.
	mustOK(t, e.asA("customer/details"))
	if n := len(mustOK(t, e.asA("customer/emails-list")).get("emails_list").([]any)); n != 1 {
		t.Fatalf("%d e-mails after a failed regeneration, want 1", n)
	}
}
