package tfprovider

import (
	"reflect"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/panel"
)

// The plan-time checks and the planned (canonical) form of a rule agree
// with the server's own parser (panel.ParseFirewallRules): a rule the
// plan accepts is stored exactly as planned, and one the plan refuses is
// refused by the server too.
func TestFirewallRulesPlanMatchesServer(t *testing.T) {
	s := types.StringValue
	n := types.Int64Value
	null := types.Int64Null()
	nullS := types.StringNull()
	addr := func(ip types.String, mask types.Int64, port *fwPortModel) *fwAddrModel {
		return &fwAddrModel{IP: ip, MaskShort: mask, Port: port}
	}
	port := func(b, e types.Int64) *fwPortModel { return &fwPortModel{Begin: b, End: e} }
	cases := []struct {
		name string
		rule fwRuleModel
		ok   bool
		// planOnly: refused at plan time though the SDK could not even
		// send it (it sends mask_short only with ip): the planned 8 would
		// be read back as 0.
		planOnly bool
	}{
		{"accept all", fwRuleModel{Policy: s("ACCEPT"), Protocol: null}, true, false},
		{"tcp 22 from a network", fwRuleModel{Policy: s("ACCEPT"), Protocol: n(6),
			Source: addr(s("10.0.0.0"), n(8), nil), Destination: addr(nullS, null, port(n(22), null))}, true, false},
		{"one address, mask left out", fwRuleModel{Policy: s("DROP"), Protocol: null, Source: addr(s("192.0.2.7"), null, nil)}, true, false},
		{"ipv6, mask left out", fwRuleModel{Policy: s("DROP"), Protocol: null, Source: addr(s("2001:db8::1"), null, nil)}, true, false},
		{"udp range given by its end", fwRuleModel{Policy: s("ACCEPT"), Protocol: n(17), Destination: addr(nullS, null, port(null, n(53)))}, true, false},
		{"port range", fwRuleModel{Policy: s("ACCEPT"), Protocol: n(6), Destination: addr(s("198.51.100.0"), n(24), port(n(8000), n(8080)))}, true, false},
		{"mask 0 with ip", fwRuleModel{Policy: s("DROP"), Protocol: n(1), Source: addr(s("0.0.0.0"), n(0), nil)}, true, false},
		{"lower-case policy", fwRuleModel{Policy: s("accept"), Protocol: null}, false, false},
		{"protocol 256", fwRuleModel{Policy: s("ACCEPT"), Protocol: n(256)}, false, false},
		{"port without protocol", fwRuleModel{Policy: s("ACCEPT"), Protocol: null, Destination: addr(nullS, null, port(n(80), null))}, false, false},
		{"icmp with a port", fwRuleModel{Policy: s("ACCEPT"), Protocol: n(1), Destination: addr(nullS, null, port(n(80), null))}, false, false},
		{"port 0", fwRuleModel{Policy: s("ACCEPT"), Protocol: n(6), Destination: addr(nullS, null, port(n(0), null))}, false, false},
		{"port 65536", fwRuleModel{Policy: s("ACCEPT"), Protocol: n(6), Destination: addr(nullS, null, port(n(1), n(65536)))}, false, false},
		{"begin above end", fwRuleModel{Policy: s("ACCEPT"), Protocol: n(6), Destination: addr(nullS, null, port(n(90), n(80)))}, false, false},
		{"mask 33 on ipv4", fwRuleModel{Policy: s("ACCEPT"), Source: addr(s("10.0.0.0"), n(33), nil)}, false, false},
		{"mask without ip", fwRuleModel{Policy: s("ACCEPT"), Source: addr(nullS, n(8), nil)}, false, true},
		{"not an address", fwRuleModel{Policy: s("ACCEPT"), Source: addr(s("10.0.0"), null, nil)}, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var diags diag.Diagnostics
			validateRule(&diags, path.Root("rules").AtName("in").AtListIndex(0), c.rule)
			planned := canonicalRules([]fwRuleModel{clone(c.rule)})
			_, serverErr := panel.ParseFirewallRules(inputs(toAPIRules(planned)), nil)
			if c.ok != !diags.HasError() {
				t.Fatalf("plan check: ok=%v, want %v (%v)", !diags.HasError(), c.ok, diags)
			}
			if !c.planOnly && c.ok != (serverErr == nil) {
				t.Fatalf("server: %v, want ok=%v", serverErr, c.ok)
			}
			if !c.ok {
				return
			}
			stored, _ := panel.ParseFirewallRules(inputs(toAPIRules(planned)), nil)
			back, err := fromAPIRules(stored.In)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, planned) {
				t.Fatalf("planned %+v, the server stores and answers %+v", planned[0], back[0])
			}
		})
	}
}

// Non-canonical addresses are refused at plan time with the form to write.
func TestCanonicalIP(t *testing.T) {
	for in, ok := range map[string]bool{"192.0.2.1": true, "2001:db8::1": true, "2001:DB8::1": false,
		"2001:db8:0::1": false, "::ffff:192.0.2.1": false, "192.0.2.1/32": false, "fe80::1%eth0": false} {
		var d diag.Diagnostics
		if _, got := canonicalIP(&d, path.Root("ip"), in); got != ok {
			t.Errorf("%q: ok=%v, want %v (%v)", in, got, ok, d)
		}
	}
}

func clone(r fwRuleModel) fwRuleModel {
	cp := func(a *fwAddrModel) *fwAddrModel {
		if a == nil {
			return nil
		}
		c := *a
		if a.Port != nil {
			p := *a.Port
			c.Port = &p
		}
		return &c
	}
	r.Source, r.Destination = cp(r.Source), cp(r.Destination)
	return r
}

// inputs turns API rules into the server's form input (as the HTTP layer
// reads rules[in][N][...]).
func inputs(rules []artnet.FirewallRule) []panel.FirewallRuleInput {
	var out []panel.FirewallRuleInput
	for i, r := range rules {
		a := func(x artnet.FirewallAddress) panel.FirewallAddrInput {
			in := panel.FirewallAddrInput{IP: x.IP, PortBegin: x.Port.Begin, PortEnd: x.Port.End}
			if x.IP != "" {
				in.MaskShort = strconv.FormatInt(x.MaskShort, 10)
			}
			return in
		}
		out = append(out, panel.FirewallRuleInput{N: strconv.Itoa(i), Policy: r.Policy, Protocol: r.Protocol, Source: a(r.Source), Destination: a(r.Destination)})
	}
	return out
}
