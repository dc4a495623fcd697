package httpapi_test

import (
	"context"
	"errors"
	"net/netip"
	"reflect"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/bgp"
	"github.com/artnet-panel/artnet-panel/internal/driver/bgpsim"
)

// withBGP gives the panel a BGP simulator holding the stored state.
func withBGP(t *testing.T, e *testEnv) *bgpsim.Simulator {
	t.Helper()
	sim := &bgpsim.Simulator{}
	e.api.Panel.BGP = sim
	if err := e.api.Panel.BGPReconcile(context.Background()); err != nil {
		t.Fatal(err)
	}
	return sim
}

func host(ip string) netip.Prefix {
	a := netip.MustParseAddr(ip)
	return netip.PrefixFrom(a, a.BitLen())
}

func TestIPBlackholing(t *testing.T) {
	e := newEnv(t)
	sim := withBGP(t, e)
	list := func(who func(string, ...string) answer) any {
		return mustOK(t, who("ip-blackholing/list")).get("blackholed_ips_list")
	}
	if l := list(e.asA); !reflect.DeepEqual(l, []any{}) {
		t.Fatalf("initial list %v", l)
	}
	// Every kind of address of A: a service's ip, an additional IP, an
	// address inside an IPv4 and an IPv6 subnetwork, a VPS's additional
	// IP, a fail-over IP's virtual IP.
	for _, ip := range []string{"123.123.123.123", "123.123.123.124", "123.123.124.5", "2a01:1234:5678::abcd", "123.123.126.21", "123.123.127.1"} {
		mustOK(t, e.asA("ip-blackholing/enable", "ip", ip))
		a, ok := sim.Route(host(ip))
		if !ok || !a.IsBlackhole() || !reflect.DeepEqual(a.Communities, []uint32{bgp.CommunityBlackhole, bgp.CommunityNoExport}) {
			t.Fatalf("%s: route %v, %v", ip, a, ok)
		}
		want := "192.0.2.1"
		if netip.MustParseAddr(ip).Is6() {
			want = "100::1"
		}
		if a.NextHop.String() != want {
			t.Fatalf("%s: next hop %s, want %s", ip, a.NextHop, want)
		}
	}
	// The blackhole wins over the fail-over route of 123.123.127.1.
	if a, _ := sim.Route(host("123.123.127.1")); !a.IsBlackhole() {
		t.Fatalf("fail-over IP blackholed but routed %v", a)
	}
	// Errors, in the documented order.
	mustFail(t, e.asA("ip-blackholing/enable", "ip", "123.123.124"), "incorrect-ip")
	mustFail(t, e.asA("ip-blackholing/enable", "ip", "10.9.9.9"), "ip-not-allowed") // B's server
	mustFail(t, e.asB("ip-blackholing/enable", "ip", "123.123.123.123"), "ip-not-allowed")
	mustFail(t, e.asA("ip-blackholing/enable", "ip", "123.123.124.8"), "ip-not-allowed") // just past the /29
	mustFail(t, e.asA("ip-blackholing/enable", "ip", "123.123.124.5"), "ip-already-blackholed")
	mustFail(t, e.asA("ip-blackholing/enable", "ip", "2a01:1234:5678:0::ABCD"), "ip-already-blackholed")
	mustFail(t, e.asA("ip-blackholing/disable", "ip", "nope"), "incorrect-ip")
	mustFail(t, e.asA("ip-blackholing/disable", "ip", "10.9.9.9"), "ip-not-allowed")
	mustFail(t, e.asA("ip-blackholing/disable", "ip", "123.123.124.6"), "ip-not-blackholed")
	// An administrator's blackhole is listed and cannot be removed by the
	// customer.
	if err := e.api.Panel.AdminBlackholeAdd(context.Background(), idA, "123.123.125.10"); err != nil {
		t.Fatal(err)
	}
	mustFail(t, e.asA("ip-blackholing/disable", "ip", "123.123.125.10"), "admin-blackhole")
	want := []any{
		map[string]any{"ip": "123.123.123.123", "type": "customer"},
		map[string]any{"ip": "123.123.123.124", "type": "customer"},
		map[string]any{"ip": "123.123.124.5", "type": "customer"},
		map[string]any{"ip": "123.123.125.10", "type": "admin"},
		map[string]any{"ip": "123.123.126.21", "type": "customer"},
		map[string]any{"ip": "123.123.127.1", "type": "customer"},
		map[string]any{"ip": "2a01:1234:5678::abcd", "type": "customer"},
	}
	if l := list(e.asA); !reflect.DeepEqual(l, want) {
		t.Fatalf("list = %v\nwant %v", l, want)
	}
	if l := list(e.asB); !reflect.DeepEqual(l, []any{}) {
		t.Fatalf("B sees %v", l)
	}
	// Disabling withdraws; the fail-over route comes back.
	mustOK(t, e.asA("ip-blackholing/disable", "ip", "123.123.124.5"))
	mustOK(t, e.asA("ip-blackholing/disable", "ip", "123.123.127.1"))
	if _, ok := sim.Route(host("123.123.124.5")); ok {
		t.Fatal("blackhole still announced after disable")
	}
	if a, _ := sim.Route(host("123.123.127.1")); a.IsBlackhole() || a.NextHop.String() != "123.123.123.123" {
		t.Fatalf("fail-over route after the blackhole went: %v", a)
	}
	if len(sim.Routes()) != 6 { // 4 blackholes of A, the admin one, the fail-over route
		t.Fatalf("routes: %v", sim.Routes())
	}
	// A speaker failure stores nothing.
	sim.Fail(errors.New("session down"))
	mustFail(t, e.asA("ip-blackholing/enable", "ip", "123.123.124.6"), "internal-blackholing-ip-error")
	sim.Fail(nil)
	mustOK(t, e.asA("ip-blackholing/enable", "ip", "123.123.124.6"))
	// A disable the speaker refused leaves the blackhole stored.
	sim.Fail(errors.New("session down"))
	mustFail(t, e.asA("ip-blackholing/disable", "ip", "123.123.124.6"), "internal-blackholing-ip-error")
	sim.Fail(nil)
	mustFail(t, e.asA("ip-blackholing/enable", "ip", "123.123.124.6"), "ip-already-blackholed")
}

func TestFailOverIPSwitch(t *testing.T) {
	e := newEnv(t)
	sim := withBGP(t, e)
	vip := host("123.123.127.1")
	if a, _ := sim.Route(vip); a.NextHop.String() != "123.123.123.123" || len(a.Communities) != 0 {
		t.Fatalf("initial fail-over route %v", a)
	}
	_, announced0, withdrawn0 := sim.Counts()
	mustOK(t, e.asA("fail-over-ip/switch", "service_id", "12353", "real_ip", "123.123.125.10"))
	if got := mustOK(t, e.asA("fail-over-ip/details", "service_id", "12353")).get("service_details", "real_ip"); got != "123.123.125.10" {
		t.Fatalf("details real_ip %v", got)
	}
	if a, _ := sim.Route(vip); a.NextHop.String() != "123.123.125.10" {
		t.Fatalf("route after the switch %v", a)
	}
	if _, announced, withdrawn := sim.Counts(); announced != announced0+1 || withdrawn != withdrawn0 {
		t.Fatalf("the switch announced %d and withdrew %d routes, want one announcement", announced-announced0, withdrawn-withdrawn0)
	}
	mustFail(t, e.asA("fail-over-ip/switch", "service_id", "12353", "real_ip", "123.123.126.20"), "ip-not-allowed")
	mustFail(t, e.asA("fail-over-ip/switch", "service_id", "12353", "real_ip", "not-an-ip"), "incorrect-param-value")
	mustFail(t, e.asA("fail-over-ip/switch", "service_id", "12345", "real_ip", "123.123.125.10"), "invalid-service-type")
	mustFail(t, e.asB("fail-over-ip/switch", "service_id", "12353", "real_ip", "123.123.123.123"), "authorization-failed")
	sim.Fail(errors.New("down"))
	mustFail(t, e.asA("fail-over-ip/switch", "service_id", "12353", "real_ip", "123.123.123.123"), "internal-fail-over-ip-error")
	sim.Fail(nil)
	if got := mustOK(t, e.asA("fail-over-ip/details", "service_id", "12353")).get("service_details", "real_ip"); got != "123.123.125.10" {
		t.Fatalf("a failed switch changed real_ip to %v", got)
	}
}
