// Package storetest is the conformance suite every store.Store
// implementation must pass.
package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// Exercise runs the suite. newStore must return a new, empty, migrated store
// each time it is called and arrange (with t.Cleanup) for it to be closed
// and removed when the test ends.
func Exercise(t *testing.T, newStore func(t *testing.T) store.Store) {
	tests := []namedTest{
		{"CustomerRoundTrip", testCustomerRoundTrip},
		{"CustomerExplicitIDs", testCustomerExplicitIDs},
		{"CustomerNotFound", testCustomerNotFound},
		{"CustomerUpdateKeepsCredentials", testCustomerUpdate},
		{"CustomerCredentials", testCustomerCredentials},
		{"CustomerList", testCustomerList},
		{"ServiceRoundTrip", testServiceRoundTrip},
		{"ServiceExplicitIDs", testServiceExplicitIDs},
		{"ServiceUnknownCustomer", testServiceUnknownCustomer},
		{"ServiceListFilters", testServiceListFilters},
		{"ServiceListPaging", testServiceListPaging},
		{"Scoping", testScoping},
		{"EmailRoundTrip", testEmailRoundTrip},
		{"EmailListOrderAndPaging", testEmailList},
		{"TxCommit", testTxCommit},
		{"TxRollback", testTxRollback},
		{"TxNested", testTxNested},
		{"TxPanic", testTxPanic},
		{"ConcurrentWriters", testConcurrentWriters},
		{"ZoneRoundTrip", testZoneRoundTrip},
		{"ZoneDomainUnique", testZoneDomainUnique},
		{"ZoneScoping", testZoneScoping},
		{"ZoneRecordsReplace", testZoneRecordsReplace},
		{"ZoneRecordsReplaceConcurrent", testZoneRecordsReplaceConcurrent},
		{"ZoneDelete", testZoneDelete},
		{"ZonesAll", testZonesAll},
		{"DomainAllowed", testDomainAllowed},
		{"ZoneTx", testZoneTx},
	}
	tests = append(tests, revDNSTests...)
	tests = append(tests, secondaryTests...)
	tests = append(tests, domainTests...)
	tests = append(tests, firewallTests...)
	tests = append(tests, bgpTests...)
	tests = append(tests, powerTests...)
	tests = append(tests, changeTests...)
	tests = append(tests, auditTests...)
	tests = append(tests, cloudTests...)
	tests = append(tests, offerTests...)
	tests = append(tests, apiKeyTests...)
	tests = append(tests, idempotencyTests...)
	tests = append(tests, rateLimitTests...)
	tests = append(tests, webTests...)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, newStore(t))
		})
	}
}

// namedTest is one conformance test.
type namedTest struct {
	name string
	fn   func(t *testing.T, s store.Store)
}

func ctx(t *testing.T) context.Context { return t.Context() }

func hash(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

func ptr[T any](v T) *T { return &v }

// fullCustomer returns a customer with every field set to something that
// depends on tag.
func fullCustomer(tag string) store.Customer {
	return store.Customer{
		Name:                   "Name " + tag + " Sp. z o.o. — zażółć gęślą jaźń",
		NIP:                    "526-000-00-" + tag,
		REGON:                  "0123456" + tag,
		Street:                 "ul. Długa 1/" + tag,
		Postcode:               "00-95" + tag,
		City:                   "Warszawa " + tag,
		CountryCode:            "PL",
		Tel:                    "+48 22 000 00 " + tag,
		Fax:                    "+48 22 111 11 " + tag,
		Email:                  "biuro" + tag + "@example.pl",
		EmailTech:              "tech" + tag + "@example.pl",
		EmailInvoice:           "fv" + tag + "@example.pl",
		CorrespondenceName:     "Dział " + tag,
		CorrespondenceStreet:   "ul. Krótka " + tag,
		CorrespondencePostcode: "30-00" + tag,
		CorrespondenceCity:     "Kraków " + tag,
		Business:               true,
		Language:               "pl",
		Currency:               "PLN",
		APIKeyHash:             hash("key " + tag),
		APIAccess:              true,
		Reseller:               true,
	}
}

// newCustomer creates a minimal valid customer and returns its id.
func newCustomer(t *testing.T, s store.Store) int64 {
	t.Helper()
	c := store.Customer{Name: "c", Language: "en", Currency: "EUR"}
	if err := s.CustomerCreate(ctx(t), &c); err != nil {
		t.Fatalf("CustomerCreate: %v", err)
	}
	if c.ID == 0 {
		t.Fatal("CustomerCreate did not assign an id")
	}
	return c.ID
}

func newService(t *testing.T, s store.Store, customerID int64, typ string, parent int64) store.Service {
	t.Helper()
	sv := store.Service{
		CustomerID: customerID, Type: typ, Name: typ + " service", ParentServiceID: parent,
		Currency: "PLN", PaymentPeriod: 12, Details: []byte(`{}`),
	}
	if err := s.ServiceCreate(ctx(t), &sv); err != nil {
		t.Fatalf("ServiceCreate: %v", err)
	}
	if sv.ID == 0 {
		t.Fatal("ServiceCreate did not assign an id")
	}
	return sv
}

func mustGetCustomer(t *testing.T, s store.Store, id int64) store.Customer {
	t.Helper()
	c, err := s.CustomerGet(ctx(t), id)
	if err != nil {
		t.Fatalf("CustomerGet(%d): %v", id, err)
	}
	return c
}

func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: error %v, want %v", what, err, want)
	}
}

func serviceIDs(list []store.Service) []int64 {
	ids := make([]int64, len(list))
	for i, s := range list {
		ids[i] = s.ID
	}
	return ids
}

func emailIDs(list []store.Email) []int64 {
	ids := make([]int64, len(list))
	for i, e := range list {
		ids[i] = e.ID
	}
	return ids
}

func testCustomerRoundTrip(t *testing.T, s store.Store) {
	noKey := fullCustomer("2")
	noKey.APIKeyHash = nil
	noKey.APIAccess = false
	noKey.Business = false
	noKey.Reseller = false
	noKey.Language = "en"
	noKey.Currency = "EUR"
	for _, tc := range []struct {
		name string
		c    store.Customer
	}{
		{"all fields", fullCustomer("1")},
		{"nil key hash, false flags", noKey},
		{"empty strings", store.Customer{Language: "en"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.c
			if err := s.CustomerCreate(ctx(t), &c); err != nil {
				t.Fatalf("CustomerCreate: %v", err)
			}
			if c.ID <= 0 {
				t.Fatalf("assigned id %d", c.ID)
			}
			got := mustGetCustomer(t, s, c.ID)
			if !reflect.DeepEqual(got, c) {
				t.Errorf("CustomerGet:\n got %#v\nwant %#v", got, c)
			}
			if (got.APIKeyHash == nil) != (tc.c.APIKeyHash == nil) {
				t.Errorf("APIKeyHash nil = %v, want %v", got.APIKeyHash == nil, tc.c.APIKeyHash == nil)
			}
		})
	}
	t.Run("invalid language rejected", func(t *testing.T) {
		c := store.Customer{Name: "x", Language: "de"}
		if err := s.CustomerCreate(ctx(t), &c); err == nil {
			t.Error("CustomerCreate with language \"de\" succeeded")
		}
	})
}

func testCustomerExplicitIDs(t *testing.T, s store.Store) {
	seen := map[int64]bool{}
	create := func(id int64) int64 {
		t.Helper()
		c := fullCustomer(fmt.Sprint(id % 10))
		c.ID = id
		if err := s.CustomerCreate(ctx(t), &c); err != nil {
			t.Fatalf("CustomerCreate(id %d): %v", id, err)
		}
		if id != 0 && c.ID != id {
			t.Fatalf("explicit id %d became %d", id, c.ID)
		}
		if seen[c.ID] {
			t.Fatalf("id %d assigned twice", c.ID)
		}
		seen[c.ID] = true
		if got := mustGetCustomer(t, s, c.ID); got.ID != c.ID || got.Name != c.Name {
			t.Fatalf("CustomerGet(%d) = %d %q", c.ID, got.ID, got.Name)
		}
		return c.ID
	}
	a1, a2 := create(0), create(0)
	create(a2 + 1) // the very next automatic id, taken explicitly
	create(1000)
	create(10)
	for range 5 {
		if id := create(0); id == a1 || id == a2 {
			t.Fatalf("automatic id %d reused", id)
		}
	}

	c := fullCustomer("9")
	c.ID = 1000
	c.Name = "intruder"
	wantErr(t, "CustomerCreate(duplicate id 1000)", s.CustomerCreate(ctx(t), &c), store.ErrConflict)
	if got := mustGetCustomer(t, s, 1000); got.Name == "intruder" {
		t.Error("duplicate create overwrote customer 1000")
	}
	c.ID = a1
	wantErr(t, "CustomerCreate(duplicate automatic id)", s.CustomerCreate(ctx(t), &c), store.ErrConflict)

	list, err := s.CustomerList(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != len(seen) {
		t.Errorf("CustomerList has %d customers, want %d", len(list), len(seen))
	}
}

func testCustomerNotFound(t *testing.T, s store.Store) {
	id := newCustomer(t, s)
	missing := id + 1000
	_, err := s.CustomerGet(ctx(t), missing)
	wantErr(t, "CustomerGet", err, store.ErrNotFound)
	c := fullCustomer("1")
	c.ID = missing
	wantErr(t, "CustomerUpdate", s.CustomerUpdate(ctx(t), c), store.ErrNotFound)
	wantErr(t, "CustomerSetAPIKey", s.CustomerSetAPIKey(ctx(t), missing, hash("k")), store.ErrNotFound)
	wantErr(t, "CustomerSetAPIAccess", s.CustomerSetAPIAccess(ctx(t), missing, true), store.ErrNotFound)
	if _, err := s.CustomerGet(ctx(t), missing); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("failed update created customer %d", missing)
	}
}

func testCustomerUpdate(t *testing.T, s store.Store) {
	orig := fullCustomer("1")
	if err := s.CustomerCreate(ctx(t), &orig); err != nil {
		t.Fatal(err)
	}
	other := newCustomer(t, s)
	otherBefore := mustGetCustomer(t, s, other)

	upd := fullCustomer("7")
	upd.ID = orig.ID
	upd.Business, upd.Reseller = false, false
	upd.Language, upd.Currency = "en", "EUR"
	// Credentials in the struct must be ignored.
	upd.APIKeyHash = hash("attacker")
	upd.APIAccess = false
	if err := s.CustomerUpdate(ctx(t), upd); err != nil {
		t.Fatalf("CustomerUpdate: %v", err)
	}
	want := upd
	want.APIKeyHash, want.APIAccess = orig.APIKeyHash, orig.APIAccess
	if got := mustGetCustomer(t, s, orig.ID); !reflect.DeepEqual(got, want) {
		t.Errorf("after CustomerUpdate:\n got %#v\nwant %#v", got, want)
	}
	if got := mustGetCustomer(t, s, other); !reflect.DeepEqual(got, otherBefore) {
		t.Errorf("CustomerUpdate changed another customer: %#v", got)
	}

	// An update that changes nothing still finds the row.
	if err := s.CustomerUpdate(ctx(t), upd); err != nil {
		t.Errorf("repeated CustomerUpdate: %v", err)
	}
}

func testCustomerCredentials(t *testing.T, s store.Store) {
	c := fullCustomer("1")
	c.APIKeyHash, c.APIAccess = nil, false
	if err := s.CustomerCreate(ctx(t), &c); err != nil {
		t.Fatal(err)
	}
	other := fullCustomer("2")
	if err := s.CustomerCreate(ctx(t), &other); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name   string
		apply  func() error
		key    []byte
		access bool
	}{
		{"set key", func() error { return s.CustomerSetAPIKey(ctx(t), c.ID, hash("k1")) }, hash("k1"), false},
		{"enable access", func() error { return s.CustomerSetAPIAccess(ctx(t), c.ID, true) }, hash("k1"), true},
		{"replace key", func() error { return s.CustomerSetAPIKey(ctx(t), c.ID, hash("k2")) }, hash("k2"), true},
		{"enable again", func() error { return s.CustomerSetAPIAccess(ctx(t), c.ID, true) }, hash("k2"), true},
		{"disable access", func() error { return s.CustomerSetAPIAccess(ctx(t), c.ID, false) }, hash("k2"), false},
		{"remove key", func() error { return s.CustomerSetAPIKey(ctx(t), c.ID, nil) }, nil, false},
	}
	for _, st := range steps {
		if err := st.apply(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		got := mustGetCustomer(t, s, c.ID)
		if !bytes.Equal(got.APIKeyHash, st.key) || (got.APIKeyHash == nil) != (st.key == nil) || got.APIAccess != st.access {
			t.Errorf("%s: key %x (nil %v) access %v, want %x (nil %v) %v", st.name,
				got.APIKeyHash, got.APIKeyHash == nil, got.APIAccess, st.key, st.key == nil, st.access)
		}
		auth, err := s.CustomerAuth(ctx(t), c.ID)
		if err != nil {
			t.Fatalf("%s: CustomerAuth: %v", st.name, err)
		}
		if !bytes.Equal(auth.APIKeyHash, st.key) || (auth.APIKeyHash == nil) != (st.key == nil) || auth.APIAccess != st.access {
			t.Errorf("%s: CustomerAuth gives key %x access %v, want %x %v", st.name, auth.APIKeyHash, auth.APIAccess, st.key, st.access)
		}
		rest := got
		rest.APIKeyHash, rest.APIAccess = c.APIKeyHash, c.APIAccess
		if !reflect.DeepEqual(rest, c) {
			t.Errorf("%s changed other fields: %#v", st.name, got)
		}
	}
	if got := mustGetCustomer(t, s, other.ID); !reflect.DeepEqual(got, other) {
		t.Errorf("credentials of another customer changed: %#v", got)
	}
	if _, err := s.CustomerAuth(ctx(t), other.ID+1000); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("CustomerAuth of a missing customer: %v, want ErrNotFound", err)
	}
}

func testCustomerList(t *testing.T, s store.Store) {
	list, err := s.CustomerList(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 0 {
		t.Fatalf("new store lists %d customers", len(list))
	}
	var want []store.Customer
	for _, id := range []int64{30, 10, 20} {
		c := fullCustomer(fmt.Sprint(id / 10))
		c.ID = id
		if id == 20 {
			c.APIKeyHash = nil
		}
		if err := s.CustomerCreate(ctx(t), &c); err != nil {
			t.Fatal(err)
		}
		want = append(want, c)
	}
	slices.SortFunc(want, func(a, b store.Customer) int { return int(a.ID - b.ID) })
	list, err = s.CustomerList(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(list, want) {
		t.Errorf("CustomerList:\n got %#v\nwant %#v", list, want)
	}
}

func testServiceRoundTrip(t *testing.T, s store.Store) {
	cust := newCustomer(t, s)
	for _, tc := range []struct {
		name string
		s    store.Service
	}{
		{"all fields", store.Service{
			Type: "hosting", Name: "Hosting Pro — ąę", CustomDescription: ptr("Opis usługi ż"),
			ExpirationTime: 1767225600, PriceMinor: 12345, PriceBruttoMinor: 15184,
			Currency: "PLN", PaymentPeriod: 12, ParentServiceID: 77, IP: "2001:db8::1",
			Details: []byte(`{"quota_mb":10240,"domains":["example.pl","przykład.pl"],"ftp":{"user":"u1","enabled":true}}`),
		}},
		{"nil description", store.Service{Type: "domain", Name: "example.pl", Details: []byte(`{"tld":"pl"}`)}},
		{"empty description", store.Service{Type: "domain", CustomDescription: ptr(""), Details: []byte(`{}`)}},
		{"details kept byte for byte", store.Service{
			Type: "vps",
			// Key order, whitespace, escapes and duplicate keys a JSONB
			// column would normalise.
			Details: []byte("{ \"z\" : 1,\n\t\"a\":[1, 2.50, {\"b\":null}], \"esc\":\"\\u0105\\n\\\"\", \"a\":2, \"big\":12345678901234567890 }"),
		}},
		{"nil details", store.Service{Type: "other"}},
		{"negative and large numbers", store.Service{
			Type: "credit", PriceMinor: -500, PriceBruttoMinor: -615, ExpirationTime: 1 << 40,
			PaymentPeriod: 0, ParentServiceID: 1 << 50, Details: []byte(`{}`),
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sv := tc.s
			sv.CustomerID = cust
			if err := s.ServiceCreate(ctx(t), &sv); err != nil {
				t.Fatalf("ServiceCreate: %v", err)
			}
			if sv.ID <= 0 {
				t.Fatalf("assigned id %d", sv.ID)
			}
			got, err := s.ServiceGet(ctx(t), cust, sv.ID)
			if err != nil {
				t.Fatalf("ServiceGet: %v", err)
			}
			if !reflect.DeepEqual(got, sv) {
				t.Errorf("ServiceGet:\n got %#v\nwant %#v", got, sv)
			}
			if (got.CustomDescription == nil) != (tc.s.CustomDescription == nil) {
				t.Errorf("CustomDescription nil = %v, want %v", got.CustomDescription == nil, tc.s.CustomDescription == nil)
			}
			if string(got.Details) != string(tc.s.Details) || (got.Details == nil) != (tc.s.Details == nil) {
				t.Errorf("Details = %q (nil %v), want %q", got.Details, got.Details == nil, tc.s.Details)
			}
			list, err := s.ServiceList(ctx(t), store.ServiceFilter{CustomerID: cust})
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(list, func(x store.Service) bool { return x.ID == sv.ID })
			if i < 0 {
				t.Fatalf("ServiceList misses service %d", sv.ID)
			}
			if !reflect.DeepEqual(list[i], sv) {
				t.Errorf("ServiceList entry:\n got %#v\nwant %#v", list[i], sv)
			}
		})
	}
	_, err := s.ServiceGet(ctx(t), cust, 999999)
	wantErr(t, "ServiceGet(missing)", err, store.ErrNotFound)
}

func testServiceExplicitIDs(t *testing.T, s store.Store) {
	cust := newCustomer(t, s)
	seen := map[int64]bool{}
	create := func(id int64) int64 {
		t.Helper()
		sv := store.Service{ID: id, CustomerID: cust, Type: "t", Name: fmt.Sprint("n", id), Details: []byte(`{}`)}
		if err := s.ServiceCreate(ctx(t), &sv); err != nil {
			t.Fatalf("ServiceCreate(id %d): %v", id, err)
		}
		if id != 0 && sv.ID != id {
			t.Fatalf("explicit id %d became %d", id, sv.ID)
		}
		if seen[sv.ID] {
			t.Fatalf("id %d assigned twice", sv.ID)
		}
		seen[sv.ID] = true
		return sv.ID
	}
	a := create(0)
	create(a + 1)
	create(a + 2)
	create(5000)
	create(4000)
	for range 5 {
		create(0)
	}
	sv := store.Service{ID: 5000, CustomerID: cust, Type: "dup", Details: []byte(`{}`)}
	wantErr(t, "ServiceCreate(duplicate id)", s.ServiceCreate(ctx(t), &sv), store.ErrConflict)
	// The same id under another customer is still the same primary key.
	other := newCustomer(t, s)
	sv.CustomerID = other
	wantErr(t, "ServiceCreate(duplicate id, other customer)", s.ServiceCreate(ctx(t), &sv), store.ErrConflict)
	got, err := s.ServiceGet(ctx(t), cust, 5000)
	if err != nil || got.Type != "t" {
		t.Errorf("ServiceGet(5000) = %+v, %v after failed duplicate", got, err)
	}
	list, err := s.ServiceList(ctx(t), store.ServiceFilter{CustomerID: cust})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != len(seen) {
		t.Errorf("ServiceList has %d services, want %d", len(list), len(seen))
	}
}

func testServiceUnknownCustomer(t *testing.T, s store.Store) {
	newCustomer(t, s)
	sv := store.Service{CustomerID: 424242, Type: "hosting", Details: []byte(`{}`)}
	wantErr(t, "ServiceCreate(unknown customer)", s.ServiceCreate(ctx(t), &sv), store.ErrNotFound)
	sv.ID = 77
	wantErr(t, "ServiceCreate(unknown customer, explicit id)", s.ServiceCreate(ctx(t), &sv), store.ErrNotFound)
	e := store.Email{CustomerID: 424242, Time: 1, Address: "a@b"}
	wantErr(t, "EmailCreate(unknown customer)", s.EmailCreate(ctx(t), &e), store.ErrNotFound)
}

func testServiceListFilters(t *testing.T, s store.Store) {
	a, b := newCustomer(t, s), newCustomer(t, s)
	// Interleave both customers' services so that ids are not contiguous.
	var ha, da, hb store.Service
	ids := map[string]int64{}
	ha = newService(t, s, a, "hosting", 0)
	ids["a-hosting"] = ha.ID
	hb = newService(t, s, b, "hosting", 0)
	ids["b-hosting"] = hb.ID
	da = newService(t, s, a, "domain", 0)
	ids["a-domain"] = da.ID
	ids["a-mail-under-hosting"] = newService(t, s, a, "mail", ha.ID).ID
	ids["b-mail-under-b-hosting"] = newService(t, s, b, "mail", hb.ID).ID
	ids["a-dns-under-domain"] = newService(t, s, a, "dns", da.ID).ID
	ids["a-mail2-under-hosting"] = newService(t, s, a, "mail", ha.ID).ID
	ids["a-domain-under-hosting"] = newService(t, s, a, "domain", ha.ID).ID
	ids["b-domain"] = newService(t, s, b, "domain", 0).ID

	id := func(names ...string) []int64 {
		out := []int64{}
		for _, n := range names {
			out = append(out, ids[n])
		}
		slices.Sort(out)
		return out
	}
	for _, tc := range []struct {
		name string
		f    store.ServiceFilter
		want []int64
	}{
		{"all of a", store.ServiceFilter{CustomerID: a}, id("a-hosting", "a-domain", "a-mail-under-hosting", "a-dns-under-domain", "a-mail2-under-hosting", "a-domain-under-hosting")},
		{"all of b", store.ServiceFilter{CustomerID: b}, id("b-hosting", "b-mail-under-b-hosting", "b-domain")},
		{"type", store.ServiceFilter{CustomerID: a, Type: "domain"}, id("a-domain", "a-domain-under-hosting")},
		{"type mail", store.ServiceFilter{CustomerID: a, Type: "mail"}, id("a-mail-under-hosting", "a-mail2-under-hosting")},
		{"parent", store.ServiceFilter{CustomerID: a, ParentServiceID: ha.ID}, id("a-mail-under-hosting", "a-mail2-under-hosting", "a-domain-under-hosting")},
		{"type and parent", store.ServiceFilter{CustomerID: a, Type: "mail", ParentServiceID: ha.ID}, id("a-mail-under-hosting", "a-mail2-under-hosting")},
		{"type and other parent", store.ServiceFilter{CustomerID: a, Type: "mail", ParentServiceID: da.ID}, id()},
		{"parent of other customer", store.ServiceFilter{CustomerID: a, ParentServiceID: hb.ID}, id()},
		{"b's parent under b", store.ServiceFilter{CustomerID: b, ParentServiceID: hb.ID}, id("b-mail-under-b-hosting")},
		{"unknown type", store.ServiceFilter{CustomerID: a, Type: "nope"}, id()},
		{"unknown customer", store.ServiceFilter{CustomerID: 999999}, id()},
		{"type limit", store.ServiceFilter{CustomerID: a, Type: "mail", Limit: 1}, id("a-mail-under-hosting")},
		{"type offset", store.ServiceFilter{CustomerID: a, Type: "mail", Offset: 1}, id("a-mail2-under-hosting")},
		{"parent limit offset", store.ServiceFilter{CustomerID: a, ParentServiceID: ha.ID, Limit: 1, Offset: 1}, id("a-mail2-under-hosting")},
		{"type parent limit", store.ServiceFilter{CustomerID: a, Type: "mail", ParentServiceID: ha.ID, Limit: 1, Offset: 1}, id("a-mail2-under-hosting")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			list, err := s.ServiceList(ctx(t), tc.f)
			if err != nil {
				t.Fatalf("ServiceList(%+v): %v", tc.f, err)
			}
			if got := serviceIDs(list); !slices.Equal(got, tc.want) {
				t.Errorf("ServiceList(%+v) = %v, want %v", tc.f, got, tc.want)
			}
			for _, sv := range list {
				if sv.CustomerID != tc.f.CustomerID {
					t.Errorf("service %d of customer %d listed for %d", sv.ID, sv.CustomerID, tc.f.CustomerID)
				}
			}
		})
	}
}

func testServiceListPaging(t *testing.T, s store.Store) {
	cust := newCustomer(t, s)
	other := newCustomer(t, s)
	// Explicit ids in scrambled order, plus another customer's services in
	// between: the list must come out by id regardless of insertion order.
	var want []int64
	for i := range 25 {
		id := int64(100 + (i*7)%25*3)
		sv := store.Service{ID: id, CustomerID: cust, Type: "t", Details: []byte(`{}`)}
		if err := s.ServiceCreate(ctx(t), &sv); err != nil {
			t.Fatal(err)
		}
		want = append(want, id)
		o := store.Service{ID: id + 1, CustomerID: other, Type: "t", Details: []byte(`{}`)}
		if err := s.ServiceCreate(ctx(t), &o); err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(want)

	var walked []int64
	var pages []int
	for off := 0; ; off += 10 {
		list, err := s.ServiceList(ctx(t), store.ServiceFilter{CustomerID: cust, Limit: 10, Offset: off})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) == 0 {
			break
		}
		pages = append(pages, len(list))
		walked = append(walked, serviceIDs(list)...)
		if off > 100 {
			t.Fatal("paging does not end")
		}
	}
	if !slices.Equal(pages, []int{10, 10, 5}) {
		t.Errorf("page sizes %v, want [10 10 5]", pages)
	}
	if !slices.Equal(walked, want) {
		t.Errorf("walked ids %v, want each of %v exactly once in order", walked, want)
	}

	for _, tc := range []struct {
		limit, offset int
		want          []int64
	}{
		{0, 0, want},
		{0, 20, want[20:]},
		{100, 0, want},
		{5, 22, want[22:]},
		{1, 24, want[24:]},
		{10, 25, nil},
		{10, 1000, nil},
	} {
		list, err := s.ServiceList(ctx(t), store.ServiceFilter{CustomerID: cust, Limit: tc.limit, Offset: tc.offset})
		if err != nil {
			t.Fatal(err)
		}
		if got := serviceIDs(list); !slices.Equal(got, tc.want) && !(len(got) == 0 && len(tc.want) == 0) {
			t.Errorf("limit %d offset %d: %v, want %v", tc.limit, tc.offset, got, tc.want)
		}
	}
}

func testScoping(t *testing.T, s store.Store) {
	a, b := newCustomer(t, s), newCustomer(t, s)
	sa := newService(t, s, a, "hosting", 0)
	ea := store.Email{CustomerID: a, Time: 100, Address: "a@example.pl", Subject: "s", Body: "b"}
	if err := s.EmailCreate(ctx(t), &ea); err != nil {
		t.Fatal(err)
	}

	if _, err := s.ServiceGet(ctx(t), b, sa.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("customer b got a's service: err %v", err)
	}
	if _, err := s.ServiceGet(ctx(t), a, sa.ID); err != nil {
		t.Errorf("customer a cannot get its service: %v", err)
	}
	for _, f := range []store.ServiceFilter{
		{CustomerID: b},
		{CustomerID: b, Type: "hosting"},
		{CustomerID: b, ParentServiceID: sa.ID},
		{CustomerID: 0},
	} {
		list, err := s.ServiceList(ctx(t), f)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 0 {
			t.Errorf("ServiceList(%+v) leaks %v", f, serviceIDs(list))
		}
	}
	if _, err := s.EmailGet(ctx(t), b, ea.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("customer b got a's e-mail: err %v", err)
	}
	if list, err := s.EmailList(ctx(t), b, 0, 0); err != nil || len(list) != 0 {
		t.Errorf("EmailList(b) = %v, %v; want empty", emailIDs(list), err)
	}
	if list, err := s.EmailList(ctx(t), a, 0, 0); err != nil || len(list) != 1 {
		t.Errorf("EmailList(a) = %v, %v; want 1 e-mail", emailIDs(list), err)
	}
}

func testEmailRoundTrip(t *testing.T, s store.Store) {
	cust := newCustomer(t, s)
	e := store.Email{
		CustomerID: cust, Time: 1735689600, Address: "Jan Kowalski <jan@example.pl>",
		Subject: "Faktura nr 1/2025 — płatność",
		Body:    "Dzień dobry,\r\n\r\nw załączeniu faktura.\n\x00binary-ish\tend",
	}
	if err := s.EmailCreate(ctx(t), &e); err != nil {
		// NUL bytes are not valid in PostgreSQL text; fall back without.
		e.Body = "Dzień dobry,\r\n\r\nw załączeniu faktura.\n\tend"
		if err := s.EmailCreate(ctx(t), &e); err != nil {
			t.Fatalf("EmailCreate: %v", err)
		}
	}
	if e.ID <= 0 {
		t.Fatalf("assigned id %d", e.ID)
	}
	got, err := s.EmailGet(ctx(t), cust, e.ID)
	if err != nil {
		t.Fatalf("EmailGet: %v", err)
	}
	if got != e {
		t.Errorf("EmailGet:\n got %#v\nwant %#v", got, e)
	}
	_, err = s.EmailGet(ctx(t), cust, e.ID+1000)
	wantErr(t, "EmailGet(missing)", err, store.ErrNotFound)

	dup := store.Email{ID: e.ID, CustomerID: cust, Time: 1}
	wantErr(t, "EmailCreate(duplicate id)", s.EmailCreate(ctx(t), &dup), store.ErrConflict)
	ex := store.Email{ID: e.ID + 50, CustomerID: cust, Time: 2}
	if err := s.EmailCreate(ctx(t), &ex); err != nil || ex.ID != e.ID+50 {
		t.Fatalf("EmailCreate(explicit id): id %d, %v", ex.ID, err)
	}
	next := store.Email{CustomerID: cust, Time: 3}
	if err := s.EmailCreate(ctx(t), &next); err != nil {
		t.Fatalf("EmailCreate after explicit id: %v", err)
	}
	if next.ID == e.ID || next.ID == ex.ID {
		t.Errorf("automatic id %d collides", next.ID)
	}
}

func testEmailList(t *testing.T, s store.Store) {
	a, b := newCustomer(t, s), newCustomer(t, s)
	// (id, time): ties on time are broken by id descending; the ids are
	// explicit and inserted out of order.
	rows := []struct{ id, time int64 }{
		{10, 100}, {11, 300}, {12, 200}, {13, 300}, {14, 50}, {9, 300}, {15, 200}, {20, 1},
	}
	for _, r := range rows {
		e := store.Email{ID: r.id, CustomerID: a, Time: r.time, Address: "a@x", Subject: fmt.Sprint("s", r.id)}
		if err := s.EmailCreate(ctx(t), &e); err != nil {
			t.Fatal(err)
		}
		o := store.Email{ID: r.id + 100, CustomerID: b, Time: r.time + 1}
		if err := s.EmailCreate(ctx(t), &o); err != nil {
			t.Fatal(err)
		}
	}
	want := []int64{13, 11, 9, 15, 12, 10, 14, 20}
	for _, tc := range []struct {
		limit, offset int
		want          []int64
	}{
		{0, 0, want},
		{3, 0, want[:3]},
		{3, 3, want[3:6]},
		{3, 6, want[6:]},
		{0, 5, want[5:]},
		{10, 8, nil},
		{1, 2, want[2:3]},
	} {
		list, err := s.EmailList(ctx(t), a, tc.limit, tc.offset)
		if err != nil {
			t.Fatal(err)
		}
		if got := emailIDs(list); !slices.Equal(got, tc.want) && !(len(got) == 0 && len(tc.want) == 0) {
			t.Errorf("EmailList(limit %d, offset %d) = %v, want %v", tc.limit, tc.offset, got, tc.want)
		}
		for _, e := range list {
			if e.CustomerID != a || e.Subject != fmt.Sprint("s", e.ID) {
				t.Errorf("EmailList returned %+v", e)
			}
		}
	}
}

func testTxCommit(t *testing.T, s store.Store) {
	var c store.Customer
	var sv store.Service
	err := s.InTx(ctx(t), func(tx store.Store) error {
		c = fullCustomer("1")
		if err := tx.CustomerCreate(ctx(t), &c); err != nil {
			return err
		}
		sv = store.Service{CustomerID: c.ID, Type: "hosting", Details: []byte(`{"a":1}`)}
		if err := tx.ServiceCreate(ctx(t), &sv); err != nil {
			return err
		}
		// The transaction sees its own writes.
		if _, err := tx.ServiceGet(ctx(t), c.ID, sv.ID); err != nil {
			return fmt.Errorf("ServiceGet in tx: %w", err)
		}
		if err := tx.CustomerSetAPIAccess(ctx(t), c.ID, false); err != nil {
			return err
		}
		got, err := tx.CustomerGet(ctx(t), c.ID)
		if err != nil || got.APIAccess {
			return fmt.Errorf("CustomerGet in tx: %+v, %v", got, err)
		}
		e := store.Email{CustomerID: c.ID, Time: 5}
		return tx.EmailCreate(ctx(t), &e)
	})
	if err != nil {
		t.Fatalf("InTx: %v", err)
	}
	got := mustGetCustomer(t, s, c.ID)
	if got.Name != c.Name || got.APIAccess {
		t.Errorf("committed customer %+v", got)
	}
	if _, err := s.ServiceGet(ctx(t), c.ID, sv.ID); err != nil {
		t.Errorf("committed service: %v", err)
	}
	if list, _ := s.EmailList(ctx(t), c.ID, 0, 0); len(list) != 1 {
		t.Errorf("committed e-mails: %d", len(list))
	}
}

func testTxRollback(t *testing.T, s store.Store) {
	base := fullCustomer("1")
	if err := s.CustomerCreate(ctx(t), &base); err != nil {
		t.Fatal(err)
	}
	baseSvc := newService(t, s, base.ID, "hosting", 0)
	errBoom := errors.New("boom")
	var newID, svcID, emailID int64
	err := s.InTx(ctx(t), func(tx store.Store) error {
		c := fullCustomer("2")
		if err := tx.CustomerCreate(ctx(t), &c); err != nil {
			return err
		}
		newID = c.ID
		sv := store.Service{CustomerID: base.ID, Type: "domain", Details: []byte(`{}`)}
		if err := tx.ServiceCreate(ctx(t), &sv); err != nil {
			return err
		}
		svcID = sv.ID
		e := store.Email{CustomerID: base.ID, Time: 9}
		if err := tx.EmailCreate(ctx(t), &e); err != nil {
			return err
		}
		emailID = e.ID
		upd := base
		upd.Name = "changed in rolled back tx"
		if err := tx.CustomerUpdate(ctx(t), upd); err != nil {
			return err
		}
		if err := tx.CustomerSetAPIKey(ctx(t), base.ID, nil); err != nil {
			return err
		}
		return errBoom
	})
	if err != errBoom {
		t.Fatalf("InTx returned %v, want fn's error as is", err)
	}
	if _, err := s.CustomerGet(ctx(t), newID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("customer created in rolled back tx exists (err %v)", err)
	}
	if _, err := s.ServiceGet(ctx(t), base.ID, svcID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("service created in rolled back tx exists (err %v)", err)
	}
	if _, err := s.EmailGet(ctx(t), base.ID, emailID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("e-mail created in rolled back tx exists (err %v)", err)
	}
	if got := mustGetCustomer(t, s, base.ID); !reflect.DeepEqual(got, base) {
		t.Errorf("update in rolled back tx persisted: %#v", got)
	}
	if list, _ := s.ServiceList(ctx(t), store.ServiceFilter{CustomerID: base.ID}); !slices.Equal(serviceIDs(list), []int64{baseSvc.ID}) {
		t.Errorf("services after rollback: %v", serviceIDs(list))
	}

	// A store error inside fn, returned by fn, also rolls back.
	err = s.InTx(ctx(t), func(tx store.Store) error {
		c := fullCustomer("3")
		if err := tx.CustomerCreate(ctx(t), &c); err != nil {
			return err
		}
		newID = c.ID
		_, err := tx.CustomerGet(ctx(t), 987654)
		return err
	})
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("InTx returned %v, want ErrNotFound", err)
	}
	if _, err := s.CustomerGet(ctx(t), newID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("customer created in failed tx exists (err %v)", err)
	}
	// The store is still usable for writes afterwards.
	newService(t, s, base.ID, "after", 0)
}

func testTxNested(t *testing.T, s store.Store) {
	var inner, outer int64
	errOuter := errors.New("outer fails")
	err := s.InTx(ctx(t), func(tx store.Store) error {
		outer = newCustomer(t, tx)
		err := tx.InTx(ctx(t), func(tx2 store.Store) error {
			inner = newCustomer(t, tx2)
			// The nested function runs in the same transaction.
			_, err := tx2.CustomerGet(ctx(t), outer)
			return err
		})
		if err != nil {
			return err
		}
		if _, err := tx.CustomerGet(ctx(t), inner); err != nil {
			return fmt.Errorf("inner write not visible in outer tx: %w", err)
		}
		return errOuter
	})
	if err != errOuter {
		t.Fatalf("InTx: %v", err)
	}
	for _, id := range []int64{inner, outer} {
		if _, err := s.CustomerGet(ctx(t), id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("customer %d survived the outer rollback (err %v)", id, err)
		}
	}

	err = s.InTx(ctx(t), func(tx store.Store) error {
		return tx.InTx(ctx(t), func(tx2 store.Store) error {
			inner = newCustomer(t, tx2)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	mustGetCustomer(t, s, inner)
}

func testTxPanic(t *testing.T, s store.Store) {
	var id int64
	func() {
		defer func() {
			if p := recover(); p != "fn panics" {
				t.Errorf("recovered %v, want the panic to propagate", p)
			}
		}()
		_ = s.InTx(ctx(t), func(tx store.Store) error {
			id = newCustomer(t, tx)
			panic("fn panics")
		})
	}()
	if _, err := s.CustomerGet(ctx(t), id); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("customer created before the panic exists (err %v)", err)
	}
	newCustomer(t, s) // the write connection was released
}

func testConcurrentWriters(t *testing.T, s store.Store) {
	const writers, perWriter = 8, 20
	cust := newCustomer(t, s)
	probe := newService(t, s, cust, "probe", 0)
	var wg sync.WaitGroup
	errs := make(chan error, writers*perWriter+writers)
	stop := make(chan struct{})
	// Readers run alongside the writers.
	var rwg sync.WaitGroup
	for range 4 {
		rwg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := s.ServiceGet(ctx(t), cust, probe.ID); err != nil {
					errs <- fmt.Errorf("reader: %w", err)
					return
				}
				if _, err := s.ServiceList(ctx(t), store.ServiceFilter{CustomerID: cust, Limit: 5}); err != nil {
					errs <- fmt.Errorf("reader: %w", err)
					return
				}
			}
		})
	}
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				err := s.InTx(ctx(t), func(tx store.Store) error {
					// Read, yield, then write: the classic SQLite
					// SQLITE_BUSY when transactions start deferred and
					// another writer commits in between.
					if _, err := tx.CustomerGet(ctx(t), cust); err != nil {
						return err
					}
					if _, err := tx.ServiceList(ctx(t), store.ServiceFilter{CustomerID: cust, Limit: 3}); err != nil {
						return err
					}
					time.Sleep(100 * time.Microsecond)
					sv := store.Service{CustomerID: cust, Type: "w", Name: fmt.Sprintf("%d-%d", w, i), Details: []byte(`{}`)}
					if err := tx.ServiceCreate(ctx(t), &sv); err != nil {
						return err
					}
					if _, err := tx.ServiceGet(ctx(t), cust, sv.ID); err != nil {
						return err
					}
					e := store.Email{CustomerID: cust, Time: int64(i)}
					return tx.EmailCreate(ctx(t), &e)
				})
				if err != nil {
					errs <- fmt.Errorf("writer %d insert %d: %w", w, i, err)
				}
				// Plain writes outside a transaction interleave too.
				if err := s.CustomerSetAPIAccess(ctx(t), cust, i%2 == 0); err != nil {
					errs <- fmt.Errorf("writer %d set access: %w", w, err)
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	rwg.Wait()
	close(errs)
	n := 0
	for err := range errs {
		if n++; n <= 10 {
			t.Error(err)
		}
	}
	list, err := s.ServiceList(ctx(t), store.ServiceFilter{CustomerID: cust, Type: "w"})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, sv := range list {
		names[sv.Name] = true
	}
	if len(list) != writers*perWriter || len(names) != writers*perWriter {
		t.Errorf("%d services (%d distinct), want %d", len(list), len(names), writers*perWriter)
	}
	emails, err := s.EmailList(ctx(t), cust, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(emails) != writers*perWriter {
		t.Errorf("%d e-mails, want %d", len(emails), writers*perWriter)
	}
}
