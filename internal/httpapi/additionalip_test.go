package httpapi_test

import (
	"context"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/inventory"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

const poolInventory = `{"customers": [], "ip_pools": [
  {"id": 1, "network": "198.51.100.128/26", "exclude": ["198.51.100.128", "198.51.100.129", "198.51.100.191"],
   "max_per_server": 8,
   "one_ip_monthly_price": [{"currency": "PLN", "price": 10, "price_brutto": 12.3},
                            {"currency": "EUR", "price": 2.5, "price_brutto": 3.08}]}]}`

func importInventory(t *testing.T, st store.Store, text string) {
	t.Helper()
	inv, err := inventory.Parse([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if err := inventory.Import(context.Background(), st, inv); err != nil {
		t.Fatal(err)
	}
}

func TestAdditionalIPOrder(t *testing.T) {
	e := newEnv(t)
	withBGP(t, e)
	importInventory(t, e.store, poolInventory)
	info := mustOK(t, e.asA("additional-ip/order-info", "parent_service_id", "12345")).get("order_info")
	want := map[string]any{"maximum_ips_number": 8.0, "one_ip_payment_details": map[string]any{
		"price": 10.0, "price_brutto": 12.3, "currency": "PLN", "payment_period": 1.0}}
	if !reflect.DeepEqual(info, want) {
		t.Fatalf("order-info = %v\nwant %v", info, want)
	}
	mustFail(t, e.asA("additional-ip/order-info", "parent_service_id", "12348"), "invalid-parent-service-type") // a domain
	mustFail(t, e.asA("additional-ip/order", "parent_service_id", "12349", "ips_number", "1"), "invalid-parent-service-type")
	mustFail(t, e.asA("additional-ip/order-info", "parent_service_id", "30001"), "authorization-failed") // B's server
	mustFail(t, e.asA("additional-ip/order", "parent_service_id", "12345", "ips_number", "0"), "invalid-ips-number")
	mustFail(t, e.asA("additional-ip/order", "parent_service_id", "12345", "ips_number", "9"), "invalid-ips-number")

	a := mustOK(t, e.asA("additional-ip/order", "parent_service_id", "12345", "ips_number", "3"))
	d := a.get("order_details").(map[string]any)
	if d["ips_number"] != 3.0 || !reflect.DeepEqual(d["ips_configuration"], []any{
		map[string]any{"ip": "198.51.100.130", "mask": "255.255.255.255"},
		map[string]any{"ip": "198.51.100.131", "mask": "255.255.255.255"},
		map[string]any{"ip": "198.51.100.132", "mask": "255.255.255.255"}}) {
		t.Fatalf("order_details %v", d)
	}
	newID := strconv.FormatFloat(d["service_id"].(float64), 'f', 0, 64)
	svc := mustOK(t, e.asA("services/details", "service_id", newID)).get("service").(map[string]any)
	if svc["type"] != "additional-ip" || svc["parent_service_id"] != 12345.0 {
		t.Fatalf("new service %v", svc)
	}
	subs := mustOK(t, e.asA("additional-ip/details", "service_id", newID)).get("service_details", "subnetworks").([]any)
	if len(subs) != 3 || subs[0].(map[string]any)["mask_short"] != "/32" {
		t.Fatalf("subnetworks %v", subs)
	}
	// The parent's price grew by 3 × 10 (× payment period 1).
	pd := mustOK(t, e.asA("services/details", "service_id", "12345")).get("service", "payment_details").(map[string]any)
	if pd["price"] != 557.0 || pd["price_brutto"] != 685.11 {
		t.Fatalf("parent payment_details %v", pd)
	}
	mails := mustOK(t, e.asA("customer/emails-list")).get("emails_list").([]any)
	if s := mails[0].(map[string]any)["subject"]; s != "Additional IP addresses ordered" {
		t.Fatalf("newest e-mail %v", mails[0])
	}
	if got := mustOK(t, e.asA("additional-ip/order-info", "parent_service_id", "12345")).get("order_info", "maximum_ips_number"); got != 5.0 {
		t.Fatalf("maximum after ordering 3 of 8: %v", got)
	}
	// The colocation (another server) may still take 8.
	if got := mustOK(t, e.asA("additional-ip/order-info", "parent_service_id", "12346")).get("order_info", "maximum_ips_number"); got != 8.0 {
		t.Fatalf("colocation maximum %v", got)
	}
	// The new addresses can be blackholed and given PTR records at once.
	mustOK(t, e.asA("ip-blackholing/enable", "ip", "198.51.100.131"))
	subID := strconv.FormatFloat(subs[1].(map[string]any)["id"].(float64), 'f', 0, 64)
	serial := revDetails(t, e, subID, "198.51.100").get("subclass_details", "serial")
	mustOK(t, revEdit(e, idA, keyA, subID, "198.51.100", fmt.Sprint(serial), []string{"0", "131", "host131.acme.test"}))
	if recs := revRecords(revDetails(t, e, subID, "198.51.100")); !reflect.DeepEqual(recs, []string{"131=host131.acme.test@198.51.100.131"}) {
		t.Fatalf("PTR records %v", recs)
	}

	// A currency no pool prices: nothing can be ordered.
	usd := store.Service{CustomerID: idB, Type: "vps", Name: "USD vps", Currency: "USD", PaymentPeriod: 3, Details: []byte(`{}`)}
	if err := e.store.ServiceCreate(context.Background(), &usd); err != nil {
		t.Fatal(err)
	}
	info = mustOK(t, e.asB("additional-ip/order-info", "parent_service_id", strconv.FormatInt(usd.ID, 10))).get("order_info")
	if m := info.(map[string]any); m["maximum_ips_number"] != 0.0 || m["one_ip_payment_details"].(map[string]any)["payment_period"] != 3.0 {
		t.Fatalf("USD order-info %v", info)
	}
	mustFail(t, e.asB("additional-ip/order", "parent_service_id", strconv.FormatInt(usd.ID, 10), "ips_number", "1"), "invalid-ips-number")

	// Export writes the pools and the blackholes back.
	inv, err := inventory.Export(context.Background(), e.store)
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.IPPools) != 1 || inv.IPPools[0].Network != "198.51.100.128/26" || len(inv.IPPools[0].OneIPMonthlyPrice) != 2 {
		t.Fatalf("exported pools %+v", inv.IPPools)
	}
	if bh := inv.Customers[0].BlackholedIPs; len(bh) != 1 || bh[0].IP != "198.51.100.131" || bh[0].Type != "customer" {
		t.Fatalf("exported blackholes %+v", bh)
	}
}

// TestAdditionalIPOrderConcurrent: twenty customers order two addresses
// each at once from a pool with 30 free: no address is handed out twice,
// fifteen orders succeed and the others allocate nothing.
func TestAdditionalIPOrderConcurrent(t *testing.T) {
	e := newEnv(t)
	var b strings.Builder
	b.WriteString(`{"customers": [`)
	for i := range 20 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"customer": {"id": %d, "name": "C%d", "email": "c%d@example.test", "country_code": "PL", "language": "en", "currency": "PLN", "business": true},
		  "api_key": "KEY%037d", "services": [{"service": {"id": %d, "type": "dedicated", "name": "srv", "expiration_time": 1900000000,
		  "payment_details": {"price": 100, "price_brutto": 123, "currency": "PLN", "payment_period": 1}, "parent_service_id": 0, "ip": "", "custom_description": null},
		  "details": {"active": true}}]}`, 50000+i, i, i, i, 60000+i)
	}
	b.WriteString(`], "ip_pools": [{"id": 9, "network": "203.0.113.0/27", "exclude": ["203.0.113.0", "203.0.113.31"], "max_per_server": 2,
	  "one_ip_monthly_price": [{"currency": "PLN", "price": 10, "price_brutto": 12.3}]}]}`)
	importInventory(t, e.store, b.String())
	var wg sync.WaitGroup
	answers := make([]answer, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i] = e.call("additional-ip/order", int64(50000+i), fmt.Sprintf("KEY%037d", i), "parent_service_id", strconv.Itoa(60000+i), "ips_number", "2")
		}()
	}
	wg.Wait()
	seen := map[string]int{}
	ok := 0
	for i, a := range answers {
		if !a.success() {
			if a.code() != "invalid-ips-number" {
				t.Fatalf("order %d: %s", i, a.raw)
			}
			kids, _ := e.store.ServiceList(context.Background(), store.ServiceFilter{CustomerID: int64(50000 + i), Type: "additional-ip"})
			parent, _ := e.store.ServiceGet(context.Background(), int64(50000+i), int64(60000+i))
			if len(kids) != 0 || parent.PriceMinor != 10000 {
				t.Fatalf("failed order %d left %d services, parent price %d", i, len(kids), parent.PriceMinor)
			}
			continue
		}
		ok++
		for _, c := range a.get("order_details", "ips_configuration").([]any) {
			ip := c.(map[string]any)["ip"].(string)
			if j, dup := seen[ip]; dup {
				t.Fatalf("%s handed to orders %d and %d", ip, j, i)
			}
			seen[ip] = i
		}
	}
	allocs, err := e.store.IPAllocationsAll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if ok != 15 || len(seen) != 30 || len(allocs) != 30 {
		t.Fatalf("%d orders succeeded with %d addresses (%d allocations), want 15, 30", ok, len(seen), len(allocs))
	}
}
