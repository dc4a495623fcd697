package inventory_test

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/inventory"
	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"
)

const okCustomer = `"customer": {"id": 7, "name": "Klient", "language": "pl", "currency": "PLN"}`

// svc is a service entry of type typ with the given parent and details.
func svc(id, parent int, typ, details string) string {
	return `{"service": {"id": ` + strconv.Itoa(id) + `, "type": "` + typ + `", "name": "s", "expiration_time": 0,
	  "payment_details": {"price": 1, "price_brutto": 1.23, "currency": "PLN", "payment_period": 1},
	  "parent_service_id": ` + strconv.Itoa(parent) + `, "ip": "", "custom_description": null}, "details": ` + details + `}`
}

func TestImportErrorsNameThePath(t *testing.T) {
	cases := []struct {
		name, doc, wantPath string
	}{
		{"unknown top-level field", `{"customers": [], "resellers": []}`, "$.resellers"},
		{"unknown customer field", `{"customers": [{` + okCustomer + `, "vip": true}]}`, "$.customers[0].vip"},
		{"type error", `{"customers": [{"customer": {"id": "seven", "name": "x"}}]}`, "$.customers[0].customer.id"},
		{"money with three decimals", `{"customers": [{` + okCustomer + `, "services": [` +
			strings.Replace(svc(10, 0, "vps", `{}`), `1.23`, `1.234`, 1) + `]}]}`, "$.customers[0].services[0].service.payment_details.price_brutto"},
		{"unknown service type", `{"customers": [{` + okCustomer + `, "services": [` + svc(10, 0, "mainframe", `{}`) + `]}]}`,
			"$.customers[0].services[0].service.type"},
		{"unknown details field", `{"customers": [{` + okCustomer + `, "services": [` + svc(10, 0, "vps", `{"power": "on"}`) + `]}]}`,
			"$.customers[0].services[0].details.power"},
		{"details of the wrong shape", `{"customers": [{` + okCustomer + `, "services": [` + svc(10, 0, "dedicated", `{"hardware_configuration": {"cpu": [{"cores": "four"}]}}`) + `]}]}`,
			"$.customers[0].services[0].details.hardware_configuration.cpu[0].cores"},
		{"details id differs", `{"customers": [{` + okCustomer + `, "services": [` + svc(10, 0, "avx", `{"id": 11}`) + `]}]}`,
			"$.customers[0].services[0].details.id"},
		{"duplicate service id", `{"customers": [{` + okCustomer + `, "services": [` + svc(10, 0, "avx", `{}`) + `,` + svc(10, 0, "ssl", `{}`) + `]}]}`,
			"$.customers[0].services[1].service.id"},
		{"bad language", `{"customers": [{"customer": {"id": 7, "name": "x", "language": "de"}}]}`, "$.customers[0].customer.language"},
		{"short api key", `{"customers": [{` + okCustomer + `, "api_key": "short"}]}`, "$.customers[0].api_key"},
		{"yaml type error", "customers:\n  - customer:\n      id: 7\n      name: x\n      business: maybe\n", "$.customers[0].customer.business"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			inv, err := inventory.Parse([]byte(c.doc))
			if err == nil {
				err = inventory.Import(context.Background(), openStore(t), inv)
			}
			if err == nil || !strings.Contains(err.Error(), c.wantPath+":") {
				t.Fatalf("error = %v, want one naming %s", err, c.wantPath)
			}
		})
	}
}

func openStore(t *testing.T) *sqlite.DB {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "inv.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestImportParentMustBelongToTheCustomer(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	doc := `{"customers": [
	  {"customer": {"id": 1, "name": "A"}, "services": [` + svc(10, 0, "dedicated", `{}`) + `]},
	  {"customer": {"id": 2, "name": "B"}, "services": [` + svc(20, 10, "additional-ip", `{}`) + `]}]}`
	inv, err := inventory.Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	err = inventory.Import(ctx, st, inv)
	if err == nil || !strings.Contains(err.Error(), "$.customers[1].services[0].service.parent_service_id") {
		t.Fatalf("error = %v", err)
	}
	if list, _ := st.CustomerList(ctx); len(list) != 0 {
		t.Fatalf("a failed import left %d customers", len(list))
	}
}

func TestExportKeepsKeysHashed(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	key := "K3yK3yK3yK3yK3yK3yK3yK3yK3yK3yK3yK3y"
	inv, err := inventory.Parse([]byte(`{"customers": [{` + okCustomer + `, "api_key": "` + key + `", "reseller": true}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := inventory.Import(ctx, st, inv); err != nil {
		t.Fatal(err)
	}
	out, err := inventory.Export(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := inventory.MarshalJSON(out)
	if strings.Contains(string(b), key) || !strings.Contains(string(b), `"api_key_sha256": "`) || !strings.Contains(string(b), `"reseller": true`) {
		t.Fatalf("export:\n%s", b)
	}
}
