package storetest

import (
	"errors"
	"reflect"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// domainTests are the conformance tests of the store's domain part.
var domainTests = []namedTest{
	{"ServiceDetailsUpdate", testServiceDetailsUpdate},
	{"ServiceDetailsUpdateScoping", testServiceDetailsUpdateScoping},
	{"ServiceDetailsUpdateTx", testServiceDetailsUpdateTx},
	{"AllowanceList", testAllowanceList},
}

func mustGetService(t *testing.T, s store.Store, customerID, id int64) store.Service {
	t.Helper()
	sv, err := s.ServiceGet(ctx(t), customerID, id)
	if err != nil {
		t.Fatalf("ServiceGet(%d, %d): %v", customerID, id, err)
	}
	return sv
}

func testServiceDetailsUpdate(t *testing.T, s store.Store) {
	cust := newCustomer(t, s)
	sv := newService(t, s, cust, "domain", 0)
	other := newService(t, s, cust, "domain", 0)
	// Stored verbatim, byte for byte, like on create.
	details := []byte("{\"domain_name\":\"zażółć.pl\", \"manageable\":true,\n\"dns_servers\":[\"ns1.example.net\",\"ns2.example.net\"]}")
	if err := s.ServiceDetailsUpdate(ctx(t), cust, sv.ID, details); err != nil {
		t.Fatalf("ServiceDetailsUpdate: %v", err)
	}
	got := mustGetService(t, s, cust, sv.ID)
	if string(got.Details) != string(details) {
		t.Errorf("Details = %q, want %q", got.Details, details)
	}
	// Every other field is kept.
	want := sv
	want.Details = details
	if !reflect.DeepEqual(got, want) {
		t.Errorf("service after the update = %+v, want %+v", got, want)
	}
	if o := mustGetService(t, s, cust, other.ID); string(o.Details) != string(other.Details) {
		t.Errorf("another service's details changed to %q", o.Details)
	}
	// nil stores NULL.
	if err := s.ServiceDetailsUpdate(ctx(t), cust, sv.ID, nil); err != nil {
		t.Fatalf("ServiceDetailsUpdate(nil): %v", err)
	}
	if got := mustGetService(t, s, cust, sv.ID); got.Details != nil {
		t.Errorf("Details after nil = %q, want nil", got.Details)
	}
	wantErr(t, "ServiceDetailsUpdate(missing service)",
		s.ServiceDetailsUpdate(ctx(t), cust, other.ID+1000, []byte(`{}`)), store.ErrNotFound)
}

func testServiceDetailsUpdateScoping(t *testing.T, s store.Store) {
	a, b := newCustomer(t, s), newCustomer(t, s)
	svA := newService(t, s, a, "domain", 0)
	wantErr(t, "ServiceDetailsUpdate(another customer's service)",
		s.ServiceDetailsUpdate(ctx(t), b, svA.ID, []byte(`{"manageable":false}`)), store.ErrNotFound)
	wantErr(t, "ServiceDetailsUpdate(unknown customer)",
		s.ServiceDetailsUpdate(ctx(t), b+1000, svA.ID, []byte(`{"manageable":false}`)), store.ErrNotFound)
	if got := mustGetService(t, s, a, svA.ID); string(got.Details) != string(svA.Details) {
		t.Errorf("B changed A's details to %q", got.Details)
	}
}

func testServiceDetailsUpdateTx(t *testing.T, s store.Store) {
	cust := newCustomer(t, s)
	sv := newService(t, s, cust, "domain", 0)
	rollback := errors.New("roll back")
	err := s.InTx(ctx(t), func(tx store.Store) error {
		if err := tx.ServiceDetailsUpdate(ctx(t), cust, sv.ID, []byte(`{"in":"tx"}`)); err != nil {
			return err
		}
		if got := mustGetService(t, tx, cust, sv.ID); string(got.Details) != `{"in":"tx"}` {
			t.Errorf("inside the transaction Details = %q", got.Details)
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatalf("InTx = %v", err)
	}
	if got := mustGetService(t, s, cust, sv.ID); string(got.Details) != string(sv.Details) {
		t.Errorf("rolled back update left Details = %q", got.Details)
	}
	err = s.InTx(ctx(t), func(tx store.Store) error {
		return tx.ServiceDetailsUpdate(ctx(t), cust, sv.ID, []byte(`{"committed":true}`))
	})
	if err != nil {
		t.Fatalf("InTx: %v", err)
	}
	if got := mustGetService(t, s, cust, sv.ID); string(got.Details) != `{"committed":true}` {
		t.Errorf("committed update: Details = %q", got.Details)
	}
}

func testAllowanceList(t *testing.T, s store.Store) {
	a, b := newCustomer(t, s), newCustomer(t, s)
	if list, err := s.AllowanceList(ctx(t), a); err != nil || len(list) != 0 {
		t.Fatalf("AllowanceList of a customer without allowances = %v, %v", list, err)
	}
	for _, d := range []string{"zeta.example", "alpha.example", "xn--przykad-rjb.pl", "alpha.example", "shop.alpha.example"} {
		if err := s.AllowanceAdd(ctx(t), a, d); err != nil {
			t.Fatalf("AllowanceAdd(%s): %v", d, err)
		}
	}
	if err := s.AllowanceAdd(ctx(t), b, "beta.example"); err != nil {
		t.Fatalf("AllowanceAdd: %v", err)
	}
	want := []string{"alpha.example", "shop.alpha.example", "xn--przykad-rjb.pl", "zeta.example"}
	if list, err := s.AllowanceList(ctx(t), a); err != nil || !reflect.DeepEqual(list, want) {
		t.Errorf("AllowanceList(a) = %q, %v; want %q", list, err, want)
	}
	if list, err := s.AllowanceList(ctx(t), b); err != nil || !reflect.DeepEqual(list, []string{"beta.example"}) {
		t.Errorf("AllowanceList(b) = %q, %v", list, err)
	}
	if list, err := s.AllowanceList(ctx(t), b+1000); err != nil || len(list) != 0 {
		t.Errorf("AllowanceList(unknown customer) = %q, %v", list, err)
	}
	// Inside a transaction, uncommitted allowances are seen.
	err := s.InTx(ctx(t), func(tx store.Store) error {
		if err := tx.AllowanceAdd(ctx(t), b, "another.example"); err != nil {
			return err
		}
		list, err := tx.AllowanceList(ctx(t), b)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(list, []string{"another.example", "beta.example"}) {
			t.Errorf("AllowanceList in the transaction = %q", list)
		}
		return errors.New("roll back")
	})
	if err == nil || err.Error() != "roll back" {
		t.Fatalf("InTx: %v", err)
	}
	if list, _ := s.AllowanceList(ctx(t), b); !reflect.DeepEqual(list, []string{"beta.example"}) {
		t.Errorf("after the rollback AllowanceList(b) = %q", list)
	}
}
