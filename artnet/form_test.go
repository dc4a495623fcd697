package artnet_test

import (
	"strings"
	"testing"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/form"
)

func TestFormKeepsOrder(t *testing.T) {
	var f artnet.Form
	f.Add("zone_id", "7").AddInt("serial", 2024010101)
	for i, name := range []string{"www", "@", "", "mail"} {
		n := string(rune('0' + i))
		f.Add("records["+n+"][name]", name).Add("records["+n+"][type]", "A")
	}
	f.AddList("dns_servers", []string{"ns2.example.com", "ns1.example.com"})
	f.AddBool("shutdown", false).Add("customer[name]", "Zażółć & gęślą=jaźń")
	enc := f.Encode()
	if !strings.HasPrefix(enc, "zone_id=7&serial=2024010101&records%5B0%5D%5Bname%5D=www&") {
		t.Fatalf("encoding does not keep the order: %s", enc)
	}
	if f.Len() != 14 {
		t.Fatalf("Len = %d", f.Len())
	}
	if v, ok := f.Get("customer[name]"); !ok || v != "Zażółć & gęślą=jaźń" {
		t.Fatalf("Get = %q %v", v, ok)
	}

	// The server's PHP-style parser reads back the same tree, in order.
	v, err := form.ParseURLEncoded([]byte(enc), form.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	records := v.Get("records")
	if strings.Join(records.Keys(), ",") != "0,1,2,3" {
		t.Fatalf("records keys %v", records.Keys())
	}
	var names []string
	for _, k := range records.Keys() {
		names = append(names, records.Get(k).Get("name").String())
	}
	if strings.Join(names, ",") != "www,@,,mail" {
		t.Fatalf("record names %v", names)
	}
	servers := v.Get("dns_servers")
	if servers.Len() != 2 || servers.Get("0").String() != "ns2.example.com" || servers.Get("1").String() != "ns1.example.com" {
		t.Fatalf("dns_servers = %v", servers.Keys())
	}
	if v.Get("customer").Get("name").String() != "Zażółć & gęślą=jaźń" || v.Get("shutdown").String() != "false" {
		t.Fatal("values changed in transit")
	}
	var empty *artnet.Form
	if empty.Encode() != "" || empty.Len() != 0 {
		t.Fatal("nil Form")
	}
}
