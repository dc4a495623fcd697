package httpapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestOfferAndInvoices drives offer-dedicated and the invoices extension
// over HTTP: A (the demo customer) is not a reseller, B becomes one.
func TestOfferAndInvoices(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	b, err := e.store.CustomerGet(ctx, idB)
	if err != nil {
		t.Fatal(err)
	}
	b.Reseller = true
	if err := e.store.CustomerUpdate(ctx, b); err != nil {
		t.Fatal(err)
	}

	custom := mustOK(t, e.asA("offer-dedicated/custom-offer")).get("resources").([]any)
	if len(custom) != 1 {
		t.Fatalf("custom offer %v", custom)
	}
	offer := mustOK(t, e.asA("offer-dedicated/express-offer")).get("offer").([]any)
	first := offer[0].(map[string]any)
	if len(offer) != 3 || first["id"] != 501.0 || first["prices"].(map[string]any)["reseller"] != nil {
		t.Fatalf("A's offer %v", offer)
	}
	offerB := mustOK(t, e.asB("offer-dedicated/express-offer")).get("offer").([]any)
	if p := offerB[0].(map[string]any)["prices"].(map[string]any)["reseller"].(map[string]any); p["price"] != 549.5 {
		t.Fatalf("B's reseller price %v", p)
	}

	mustFail(t, e.asA("offer-dedicated/express-reservation", "server_id", "501"), "invalid-server-id") // not a reseller
	mustFail(t, e.asB("offer-dedicated/express-reservation", "server_id", "999"), "invalid-server-id")
	mustFail(t, e.asB("offer-dedicated/express-reservation", "server_id", "x"), "incorrect-param-value")
	mustOK(t, e.asB("offer-dedicated/express-reservation", "server_id", "501"))
	if l := mustOK(t, e.asB("offer-dedicated/express-reservations-list")).get("offer").([]any); len(l) != 1 {
		t.Fatalf("B's reservations %v", l)
	}
	if l := mustOK(t, e.asA("offer-dedicated/express-reservations-list")).get("offer").([]any); len(l) != 0 {
		t.Fatalf("A's reservations %v", l)
	}
	if l := mustOK(t, e.asA("offer-dedicated/express-offer")).get("offer").([]any); len(l) != 2 {
		t.Fatalf("A sees B's reserved server: %v", l)
	}
	mustFail(t, e.asA("offer-dedicated/express-order", "server_id", "501"), "invalid-server-id")
	mustFail(t, e.asA("offer-dedicated/express-reservation-cancel", "server_id", "501"), "invalid-server-id")
	mustOK(t, e.asB("offer-dedicated/express-reservation-cancel", "server_id", "501"))

	d := mustOK(t, e.asA("offer-dedicated/express-order", "server_id", "501")).get("order_details").(map[string]any)
	number, _ := d["invoice_number"].(string)
	if !regexp.MustCompile(`^PF/\d{4}/000001$`).MatchString(number) ||
		!regexp.MustCompile(`^https://panel\.artnet\.invalid/manage\?service_id=\d+&token=[A-Za-z0-9_-]{43}$`).MatchString(d["management_panel_url"].(string)) {
		t.Fatalf("order_details %v", d)
	}
	mustFail(t, e.asB("offer-dedicated/express-order", "server_id", "501"), "invalid-server-id") // sold

	// The management link opens the server's page; a changed token or
	// another service does not.
	link, _ := url.Parse(d["management_panel_url"].(string))
	get := func(q string) (int, string) {
		resp, err := http.Get(e.srv.URL + "/manage?" + q)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if code, body := get(link.RawQuery); code != 200 || !strings.Contains(body, "Dell PowerEdge R640") || !strings.Contains(body, "Server management panel") {
		t.Fatalf("management page %d %s", code, body)
	}
	tok := link.Query().Get("token")
	if code, _ := get("service_id=12345&token=" + tok); code != 403 {
		t.Fatalf("another service: %d", code)
	}
	changed := tok[:42] + "A"
	if changed == tok {
		changed = tok[:42] + "B"
	}
	if code, _ := get("service_id=" + link.Query().Get("service_id") + "&token=" + changed); code != 403 {
		t.Fatalf("a changed token: %d", code)
	}
	if a := e.call("customer/details", idA, tok); a.success() {
		t.Fatal("the management token works as an API key")
	}

	list := mustOK(t, e.asA("invoices/list")).get("invoices_list").([]any)
	if len(list) != 1 || list[0].(map[string]any)["total_gross"] != 798.27 { // 649 + 23 %
		t.Fatalf("invoices %v", list)
	}
	inv := mustOK(t, e.asA("invoices/details", "invoice_number", number)).get("invoice").(map[string]any)
	if inv["total_net"] != 649.0 || inv["total_vat"] != 149.27 || inv["buyer"].(map[string]any)["nip"] != "5261040828" {
		t.Fatalf("invoice %v", inv)
	}
	mustFail(t, e.asB("invoices/details", "invoice_number", number), "invalid-invoice-number")
	mustFail(t, e.asB("invoices/download-proforma", "invoice_number", number), "invalid-invoice-number")
	mustFail(t, e.asA("invoices/details"), "incorrect-param-value")
	doc := mustOK(t, e.asA("invoices/download-proforma", "invoice_number", number)).get("proforma").(map[string]any)
	pdf, err := base64.StdEncoding.DecodeString(doc["content"].(string))
	if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) || doc["content_type"] != "application/pdf" {
		t.Fatalf("proforma %v %v", doc["file_name"], err)
	}
	if l := mustOK(t, e.asB("invoices/list")).get("invoices_list").([]any); len(l) != 0 {
		t.Fatalf("B sees %v", l)
	}
}
