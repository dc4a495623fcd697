package httpapi_test

import (
	"context"
	"errors"
	"testing"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/form"
	"github.com/artnet-panel/artnet-panel/internal/httpapi"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// TestInvoke runs commands through Server.Invoke (the web panel's path):
// the typed answer, the catalogue's parameter check, the command's own
// validation, the customer isolation and the audit journal row with the
// given request id and client, exactly as through POST /api/....
func TestInvoke(t *testing.T) {
	e := newEnv(t, "vps")
	ctx := httpapi.WithRequestID(context.Background(), "web-req-1")
	params := func(s string) *form.Value {
		v, err := form.ParseURLEncoded([]byte(s), form.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	a := panel.Principal{CustomerID: idA}
	resp, err := e.api.Invoke(ctx, a, "customer/details", nil, "192.0.2.9")
	if err != nil || resp.(artnet.CustomerDetailsResponse).Customer.ID != idA {
		t.Fatalf("customer/details = %+v, %v", resp, err)
	}
	// The customer's own validation, naming the field; nothing saved.
	_, err = e.api.Invoke(ctx, a, "customer/edit", params("customer%5Bnip%5D=1234567890"), "192.0.2.9")
	var ae *apperr.Error
	if !apperr.Is(err, apperr.CodeIncorrectParamValue) || !errorsAs(err, &ae) || ae.Detail[:14] != "customer[nip]:" {
		t.Fatalf("bad NIP: %v", err)
	}
	// The catalogue's check of required parameters.
	if _, err := e.api.Invoke(ctx, a, "customer/change-language", nil, "192.0.2.9"); !apperr.Is(err, apperr.CodeInvalidParamValue, apperr.CodeIncorrectParamValue) {
		t.Fatalf("missing language: %v", err)
	}
	// Isolation: B's zone answers like a missing one.
	if _, err := e.api.Invoke(ctx, a, "dns/details-primary", params("zone_id=40001"), "192.0.2.9"); !apperr.Is(err, apperr.CodeInvalidZoneID, apperr.CodeInvalidID) {
		t.Fatalf("another customer's zone: %v", err)
	}
	// Unknown and disabled commands.
	if _, err := e.api.Invoke(ctx, a, "no/such", nil, ""); !apperr.Is(err, apperr.CodeUnknownCommand) {
		t.Fatalf("unknown command: %v", err)
	}
	if _, err := e.api.Invoke(ctx, a, "vps/power-on", params("service_id=1"), ""); !apperr.Is(err, apperr.CodeNotImplemented) {
		t.Fatalf("disabled command: %v", err)
	}
	// The journal: the failed edit, with the request id and client.
	rows, err := e.store.AuditList(context.Background(), store.AuditFilter{CustomerID: idA})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows {
		if r.Command == "customer/edit" && r.Result == apperr.CodeIncorrectParamValue && r.RequestID == "web-req-1" && r.Client == "192.0.2.9" {
			found = true
		}
		if r.Command == "customer/details" {
			t.Fatalf("a read-only command was journaled: %+v", r)
		}
	}
	if !found {
		t.Fatalf("no journal row of the failed edit: %+v", rows)
	}
}

func errorsAs(err error, target **apperr.Error) bool { return errors.As(err, target) }
