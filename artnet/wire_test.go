package artnet_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/spec"
)

// responseTypes maps each command with a documented answer to the type the
// SDK decodes it into (and the server will encode it from).
var responseTypes = map[string]any{
	"customer/regenerate-api-key":                  artnet.APIKeyResponse{},
	"customer/emails-list":                         artnet.EmailsListResponse{},
	"customer/email-details":                       artnet.EmailDetailsResponse{},
	"customer/get-language":                        artnet.LanguageResponse{},
	"customer/details":                             artnet.CustomerDetailsResponse{},
	"services/list":                                artnet.ServicesListResponse{},
	"services/details":                             artnet.ServiceDetailsResponse{},
	"domain/details":                               artnet.ServiceDetailsOf[artnet.DomainDetails]{},
	"easyisp/details":                              artnet.ServiceDetailsOf[artnet.HostingDetails]{},
	"avx/details":                                  artnet.ServiceDetailsOf[artnet.HostingDetails]{},
	"hosting-artnet/details":                       artnet.ServiceDetailsOf[artnet.HostingDetails]{},
	"ssl/details":                                  artnet.ServiceDetailsOf[artnet.SSLDetails]{},
	"software/details":                             artnet.ServiceDetailsOf[artnet.SoftwareDetails]{},
	"link-service/details":                         artnet.ServiceDetailsOf[artnet.LinkDetails]{},
	"fail-over-ip/details":                         artnet.ServiceDetailsOf[artnet.FailOverIPDetails]{},
	"additional-ip/details":                        artnet.ServiceDetailsOf[artnet.AdditionalIPDetails]{},
	"additional-ip/order-info":                     artnet.AdditionalIPOrderInfoResponse{},
	"additional-ip/order":                          artnet.AdditionalIPOrderResponse{},
	"vps/details":                                  artnet.ServiceDetailsOf[artnet.VPSDetails]{},
	"dedicated/details":                            artnet.ServiceDetailsOf[artnet.DedicatedDetails]{},
	"dedicated/transfer-usage-details":             artnet.TransferUsageDetailsResponse{},
	"dedicated/ilo-details":                        artnet.ILODetailsResponse{},
	"dedicated/power-details":                      artnet.PowerDetailsResponse{},
	"colocation/details":                           artnet.ServiceDetailsOf[artnet.ColocationDetails]{},
	"colocation/transfer-usage-details":            artnet.TransferUsageDetailsResponse{},
	"colocation/power-details":                     artnet.PowerDetailsResponse{},
	"ip-blackholing/list":                          artnet.BlackholedIPsListResponse{},
	"dns/list":                                     artnet.DNSZonesListResponse{},
	"dns/details-secoundary":                       artnet.DNSZoneResponse{},
	"dns/add-secoundary":                           artnet.DNSZoneResponse{},
	"dns/details-primary":                          artnet.DNSPrimaryZoneResponse{},
	"dns/dnssec-enable":                            artnet.DNSSECDetailsResponse{},
	"dns/dnssec-details":                           artnet.DNSSECDetailsResponse{},
	"dns/add-primary":                              artnet.DNSZoneResponse{},
	"rev-dns/list":                                 artnet.RevDNSSubnetworksListResponse{},
	"rev-dns/details":                              artnet.RevDNSSubclassResponse{},
	"rev-dns/edit":                                 artnet.RevDNSEditResponse{},
	"firewall/list":                                artnet.FirewallRulesetsListResponse{},
	"firewall/details":                             artnet.FirewallRulesetDetailsResponse{},
	"offer-dedicated/custom-offer":                 artnet.CustomOfferResponse{},
	"offer-dedicated/express-offer":                artnet.ExpressOfferResponse{},
	"offer-dedicated/express-reservations-list":    artnet.ExpressOfferResponse{},
	"offer-dedicated/express-order":                artnet.ExpressOrderResponse{},
	"cloud-instance/list":                          artnet.CloudInstancesListResponse{},
	"cloud-instance/details":                       artnet.CloudInstanceDetailsResponse{},
	"cloud-instance/resources-allowed-ranges":      artnet.ResourcesRangesResponse{},
	"cloud-instance/resources-calculate-price":     artnet.PriceResourcesResponse{},
	"cloud-instance/boot-installation-images-list": artnet.InstallationImagesListResponse{},
	"invoices/list":                                artnet.InvoicesListResponse{},
	"invoices/details":                             artnet.InvoiceDetailsResponse{},
	"invoices/download-proforma":                   artnet.ProformaResponse{},
	"api-keys/list":                                artnet.APIKeysListResponse{},
	"api-keys/create":                              artnet.APIKeyDetailsResponse{},
}

// extraFields are JSON fields of a type that the command's documented
// answer lacks, because the type is shared with a command that has them.
// They are omitted when empty.
var extraFields = map[string]bool{
	"dns/add-primary zone_details.master_nameserver":      true, // DNSZone serves both add commands
	"firewall/details ruleset_details.rules.in.protocol":  true, // FirewallRule serves firewall/save too
	"firewall/details ruleset_details.rules.out.protocol": true,
	"invoices/list invoices_list.seller":                  true, // Invoice serves invoices/details too
	"invoices/list invoices_list.buyer":                   true,
	"invoices/list invoices_list.lines":                   true,
	"api-keys/list api_keys_list.api_key":                 true, // APIKeyDetails serves api-keys/create too
}

// TestWireTypesMatchDocumentation encodes a filled value of each answer
// type and compares its JSON field names and shapes with the documented
// response fields; it then decodes the JSON back and checks that nothing is
// lost.
func TestWireTypesMatchDocumentation(t *testing.T) {
	for _, cmd := range spec.All() {
		proto, ok := responseTypes[cmd.Path()]
		if cmd.ListOf != "" {
			proto, ok = artnet.ServicesListResponse{}, true
		}
		if len(cmd.Response) == 0 {
			if ok {
				t.Errorf("%s: documented without an answer, but has a type", cmd.Path())
			}
			continue
		}
		if !ok {
			t.Errorf("%s: no answer type", cmd.Path())
			continue
		}
		v := reflect.New(reflect.TypeOf(proto))
		fill(v.Elem())
		b, err := json.Marshal(v.Interface())
		if err != nil {
			t.Fatalf("%s: %v", cmd.Path(), err)
		}
		var tree map[string]any
		if err := json.Unmarshal(b, &tree); err != nil {
			t.Fatal(err)
		}
		compareFields(t, cmd.Path(), "", cmd.Response, tree)

		back := reflect.New(reflect.TypeOf(proto))
		if err := json.Unmarshal(b, back.Interface()); err != nil {
			t.Errorf("%s: cannot decode its own encoding: %v\n%s", cmd.Path(), err, b)
			continue
		}
		b2, _ := json.Marshal(back.Interface())
		if !bytes.Equal(b, b2) {
			t.Errorf("%s: round trip changed the answer:\n%s\n%s", cmd.Path(), b, b2)
		}
	}
}

func compareFields(t *testing.T, path, prefix string, fields []spec.Field, obj map[string]any) {
	t.Helper()
	documented := map[string]bool{}
	for _, f := range fields {
		documented[f.Name] = true
		name := prefix + f.Name
		val, ok := obj[f.Name]
		if !ok {
			t.Errorf("%s: field %s missing from the JSON", path, name)
			continue
		}
		m, isObj := val.(map[string]any)
		list, isList := val.([]any)
		switch {
		case f.Type == "object":
			if !isObj {
				t.Errorf("%s: %s is %T, documented as an object", path, name, val)
				continue
			}
			compareFields(t, path, name+".", f.Children, m)
		case strings.Contains(f.Type, "list") || strings.HasPrefix(f.Type, "array"):
			if !isList || len(list) != 1 {
				t.Errorf("%s: %s is %T, documented as %s", path, name, val, f.Type)
				continue
			}
			item, itemObj := list[0].(map[string]any)
			if len(f.Children) > 0 {
				if !itemObj {
					t.Errorf("%s: items of %s are %T, documented as objects", path, name, list[0])
					continue
				}
				compareFields(t, path, name+".", f.Children, item)
			} else if itemObj {
				t.Errorf("%s: items of %s are objects, documented as %s", path, name, f.Type)
			}
		default:
			if isObj || isList {
				t.Errorf("%s: %s is %T, documented as %s", path, name, val, f.Type)
			}
		}
	}
	var extra []string
	for k := range obj {
		if !documented[k] && !extraFields[path+" "+prefix+k] {
			extra = append(extra, prefix+k)
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		t.Errorf("%s: undocumented fields %v", path, extra)
	}
}

// fill sets every field of v to a non-zero value, lists to one item.
func fill(v reflect.Value) {
	switch v.Type() {
	case reflect.TypeOf(artnet.Timestamp{}):
		v.Set(reflect.ValueOf(artnet.Unix(1700000000)))
		return
	case reflect.TypeOf(json.Number("")):
		v.SetString("2.4")
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i))
			}
		}
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem())
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(s.Index(0))
		v.Set(s)
	case reflect.String:
		v.SetString("x")
	case reflect.Int, reflect.Int64:
		v.SetInt(12345)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Interface:
		// ServiceDetails in the server's generic answer: not used here.
	default:
		panic("fill: unhandled kind " + v.Kind().String())
	}
}

func TestDocumentationExample(t *testing.T) {
	// The example answer of /services/details from the documentation.
	doc := `{ "service": { "id": 12345, "type": "dedicated", "name": "HP DL120 G7 123.123.123.123", "custom_description": null,
	  "expiration_time": 1481213614, "payment_details": { "price": 527, "price_brutto": 648.21, "currency": "EUR", "payment_period": "1" },
	  "parent_service_id": 0, "ip": "123.123.123.123" }, "success": true }`
	var r artnet.ServiceDetailsResponse
	if err := json.Unmarshal([]byte(doc), &r); err != nil {
		t.Fatal(err)
	}
	s := r.Service
	if s.ID != 12345 || s.PaymentDetails.Price != 52700 || s.PaymentDetails.PriceBrutto != 64821 ||
		s.PaymentDetails.PaymentPeriod != 1 || s.ExpirationTime.Unix() != 1481213614 || s.CustomDescription != nil {
		t.Fatalf("decoded %+v", s)
	}
}

func TestMoney4(t *testing.T) {
	for _, c := range []struct {
		in   string
		want artnet.Money4
		out  string
	}{
		{"1.2345", 12345, "1.2345"},
		{"0.5", 5000, "0.5"},
		{"12", 120000, "12"},
		{"0.0001", 1, "0.0001"},
		{"-3.10", -31000, "-3.1"},
		{"7.0500", 70500, "7.05"},
		{"-0.0001", -1, "-0.0001"},
	} {
		got, err := artnet.ParseMoney4(c.in)
		if err != nil || got != c.want || got.String() != c.out {
			t.Errorf("ParseMoney4(%q) = %d (%s), %v; want %d (%s)", c.in, got, got, err, c.want, c.out)
		}
	}
	for _, bad := range []string{"", "1.23456", "1.", ".5", "1e3", "abc", "1.2.3", "--1", "99999999999999999999"} {
		if _, err := artnet.ParseMoney4(bad); err == nil {
			t.Errorf("ParseMoney4(%q) accepted", bad)
		}
	}
	var p artnet.PriceResources
	if err := json.Unmarshal([]byte(`{"price":"0.4567","currency":"PLN","period":"24h"}`), &p); err != nil || p.Price != 4567 {
		t.Fatalf("string price: %v %v", p.Price, err)
	}
	if err := json.Unmarshal([]byte(`{"price":0.1234,"currency":"PLN","period":"24h"}`), &p); err != nil || p.Price != 1234 {
		t.Fatalf("number price: %v %v", p.Price, err)
	}
	if b, _ := json.Marshal(p); string(b) != `{"price":0.1234,"currency":"PLN","period":"24h"}` {
		t.Fatalf("encoded %s", b)
	}
	if err := json.Unmarshal([]byte(`{"price":0.12345}`), &p); err == nil {
		t.Fatal("five decimals accepted")
	}
	for m, want := range map[artnet.Money4]artnet.Money{12345: 123, 12350: 124, -12350: -124, 4: 0, 50: 1} {
		if got := m.Money(); got != want {
			t.Errorf("Money4(%d).Money() = %d, want %d", m, got, want)
		}
	}
}

func TestWireDecoding(t *testing.T) {
	// transfer usage periods with both ends of the time range.
	var tu artnet.TransferUsageDetailsResponse
	err := json.Unmarshal([]byte(`{"transfer_usage_details":{"periods_list":[
		{"time_range":{"from":1700000000,"to":1702592000},"transfer_usage":{"up":123456789012,"down":42}}]},"success":true}`), &tu)
	if err != nil {
		t.Fatal(err)
	}
	p := tu.TransferUsageDetails.PeriodsList[0]
	if p.TimeRange.From.Unix() != 1700000000 || p.TimeRange.To.Unix() != 1702592000 || p.TransferUsage.Up != 123456789012 {
		t.Fatalf("%+v", p)
	}

	// "object-list" fields read a single object as a list of one.
	var offer artnet.CustomOfferResponse
	err = json.Unmarshal([]byte(`{"resources":[{"platforms":{"model_name":"DL360","price":{"price":100,"currency":"PLN","payment_period":"1"},
		"resources":[{"cpu":"E5","hdd_controller":"P420"}]},"rams":null}]}`), &offer)
	if err != nil {
		t.Fatal(err)
	}
	pl := offer.Resources[0].Platforms
	if len(pl) != 1 || pl[0].ModelName != "DL360" || len(pl[0].Price) != 1 || pl[0].Price[0].Price != 10000 || pl[0].Resources[0].CPU != "E5" {
		t.Fatalf("%+v", offer)
	}

	// Express prices: reseller only for resellers.
	var ex artnet.ExpressOfferResponse
	if err := json.Unmarshal([]byte(`{"offer":[{"id":5,"prices":{"regular":{"price":199.99,"currency":"PLN","payment_period":1}}}]}`), &ex); err != nil {
		t.Fatal(err)
	}
	if ex.Offer[0].Prices.Regular.Price != 19999 || ex.Offer[0].Prices.Reseller != nil {
		t.Fatalf("%+v", ex.Offer[0].Prices)
	}
	if b, _ := json.Marshal(ex.Offer[0].Prices); strings.Contains(string(b), "reseller") {
		t.Fatalf("reseller price written for a customer: %s", b)
	}

	// Secondary zones carry master_nameserver; primary ones do not.
	b, _ := json.Marshal(artnet.DNSZone{ID: 1, Domain: "a.test", Type: artnet.DNSZoneTypePrimary})
	if strings.Contains(string(b), "master_nameserver") {
		t.Fatalf("primary zone with master_nameserver: %s", b)
	}

	// Cloud instance details: the list item's fields plus two objects.
	var ci artnet.CloudInstanceDetailsResponse
	err = json.Unmarshal([]byte(`{"instance_details":{"id":7,"name":"i-7","custom_name":"web","price_resources":{"price":1.2345,"currency":"PLN","period":"24h"},
		"vnc_configuration":{"host":"vnc.test","port":5907},"resources":{"cpu_cores":2,"ram":2048,"hdd":40,"bandwidth":100},
		"state":"running","state_time":1700000000,"boot_status":"boot","custom_properties":{"display_name":"web","notes":"n"},
		"network_configuration":{"ip":"10.0.0.7","mask":"255.255.255.0","gateway_ip":"10.0.0.1","dns_list":["10.0.0.2"]}}}`), &ci)
	if err != nil {
		t.Fatal(err)
	}
	d := ci.InstanceDetails
	if d.ID != 7 || d.PriceResources.Price != 12345 || d.VNCConfiguration.Port != 5907 || d.StateTime.Unix() != 1700000000 ||
		d.CustomProperties.Notes != "n" || d.NetworkConfiguration.DNSList[0] != "10.0.0.2" || d.BootStatus != artnet.BootStatusBoot {
		t.Fatalf("%+v", d)
	}
}
