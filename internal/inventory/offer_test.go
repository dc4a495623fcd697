package inventory_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/demo"
	"github.com/artnet-panel/artnet-panel/internal/inventory"
	"github.com/artnet-panel/artnet-panel/internal/panel"
)

// TestOfferRoundTrip: the demo offer is imported; after a reservation and
// a sale, export writes them, and the export imports into an empty
// database with the same offer.
func TestOfferRoundTrip(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	inv, err := demo.Inventory()
	if err != nil {
		t.Fatal(err)
	}
	reseller := inv.Customers[0]
	reseller.Customer.ID, reseller.Reseller, reseller.Services, reseller.Emails = 19060, true, nil, nil
	reseller.DNSZones, reseller.RevDNS, reseller.BlackholedIPs, reseller.DNSAllowedDomains = nil, nil, nil, nil
	reseller.CloudInstances = nil
	inv.Customers = append(inv.Customers, reseller)
	inv.InvoiceSeller = &panel.DefaultSeller
	if err := inventory.Import(ctx, st, inv); err != nil {
		t.Fatal(err)
	}
	p := panel.New(st)
	if err := p.ExpressReservation(ctx, 19060, 502); err != nil {
		t.Fatal(err)
	}
	order, err := p.ExpressOrder(ctx, 19052, 501)
	if err != nil {
		t.Fatal(err)
	}
	out, err := inventory.Export(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.ExpressOffer) != 3 || len(out.CustomOffer) != 1 || out.InvoiceSeller == nil || out.InvoiceSeller.NIP != panel.DefaultSeller.NIP {
		t.Fatalf("export: %+v", out.ExpressOffer)
	}
	sold, reserved := out.ExpressOffer[0], out.ExpressOffer[1]
	if sold.State != "sold" || sold.Sale == nil || sold.Sale.Customer != 19052 || sold.Sale.ServiceID != order.ServiceID ||
		reserved.State != "in-stock" || reserved.Reservation == nil || reserved.Reservation.Customer != 19060 ||
		reserved.Reservation.Until < time.Now().Add(47*time.Hour).Unix() || reserved.Prices.Reseller == nil || reserved.Prices.Reseller.Price != 76900 {
		t.Fatalf("export items %+v %+v", sold, reserved)
	}
	raw, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	again, err := inventory.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	st2 := openStore(t)
	if err := inventory.Import(ctx, st2, again); err != nil {
		t.Fatal(err)
	}
	out2, err := inventory.Export(ctx, st2)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(out.ExpressOffer)
	b, _ := json.Marshal(out2.ExpressOffer)
	if string(a) != string(b) {
		t.Fatalf("round trip changed express_offer:\n%s\n%s", a, b)
	}
	// Bad entries name their path.
	for _, c := range []struct{ doc, path string }{
		{`{"customers": [], "express_offer": [{"id": 1, "hardware_configuration": {"server": {"model": "X"}}, "prices": {"regular": {"price": 1, "currency": "PLN", "payment_period": 1}}}]}`, "$.express_offer[0].prices.reseller"},
		{`{"customers": [], "express_offer": [{"id": 1, "state": "gone", "hardware_configuration": {"server": {"model": "X"}}, "prices": {"regular": {"price": 1, "currency": "PLN", "payment_period": 1}, "reseller": {"price": 1, "currency": "PLN", "payment_period": 1}}}]}`, "$.express_offer[0].state"},
		{`{"customers": [], "express_offer": [{"id": 1, "hardware_configuration": {"server": {"model": "X"}}, "prices": {"regular": {"price": 1, "currency": "PLN", "payment_period": 1}, "reseller": {"price": 1, "currency": "PLN", "payment_period": 1}}, "reservation": {"customer": 5, "until": 9}}]}`, "$.express_offer[0].reservation.customer"},
		{`{"customers": [], "invoice_seller": {"name": "S", "nip": "123"}}`, "$.invoice_seller.nip"},
	} {
		inv, err := inventory.Parse([]byte(c.doc))
		if err == nil {
			err = inventory.Import(ctx, openStore(t), inv)
		}
		if err == nil || !strings.Contains(err.Error(), c.path) {
			t.Errorf("%s: error %v, want one naming %s", c.doc, err, c.path)
		}
	}
}
