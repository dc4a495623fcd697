package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/artnet-panel/artnet-panel/internal/bgp"
	"github.com/artnet-panel/artnet-panel/internal/demo"
	"github.com/artnet-panel/artnet-panel/internal/driver/gobgp"
	"github.com/artnet-panel/artnet-panel/internal/driver/nft"
	"github.com/artnet-panel/artnet-panel/internal/driver/powersim"
	"github.com/artnet-panel/artnet-panel/internal/driver/registry"
	"github.com/artnet-panel/artnet-panel/internal/httpapi"
	"github.com/artnet-panel/artnet-panel/internal/inventory"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/power"
	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"
	"github.com/artnet-panel/artnet-panel/internal/testpeer/eppreg"
	"github.com/artnet-panel/artnet-panel/internal/testpeer/netlab"
)

// The demo customer of the scripts' server (internal/demo: one service of
// each of the 13 types), with a known key.
const (
	demoID  = 19052
	demoKey = "SCRIPTkeySCRIPTkeySCRIPTkeySCRIPTkey1234"
	// The scripts' reseller.
	resellerID  = 19053
	resellerKey = "RESELLERkeyRESELLERkeyRESELLERkey1234567"
)

// TestMain makes the test binary the artnet command of the scripts.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"artnet": main})
}

// TestScripts runs the acceptance scenarios of testdata/script. Each script
// gets its own artnetd (httptest, SQLite, the demo inventory imported) and
// ARTNET_ENDPOINT, ARTNET_ID and ARTNET_API_KEY pointing at it.
func TestScripts(t *testing.T) {
	// One EPP test registry (TLS, every frame validated against the RFC
	// schemas) for every script's server; only domain.txtar changes it.
	reg := eppreg.Start(t, eppreg.Options{})
	reg.AddDomain("acme.test", "ns1.artnet.pl", "ns2.artnet.pl")
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Setup:               func(env *testscript.Env) error { return setupServer(env, reg) },
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"eppns":    cmdEPPNS,
			"eppfail":  cmdEPPFail,
			"jsonget":  cmdJSONGet,
			"jsonsave": cmdJSONSave,
			"bgproute": cmdBGPRoute,
			"nftrules": cmdNFTRules,
			"traffic":  cmdTraffic,
		},
	})
}

// setupServer starts an artnetd over a fresh database holding the imported
// demo inventory and points the script's environment at it.
func setupServer(env *testscript.Env, reg *eppreg.Server) error {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(env.WorkDir, ".artnetd.db"))
	if err != nil {
		return err
	}
	inv, err := demo.Inventory()
	if err != nil {
		st.Close()
		return err
	}
	inv.Customers[0].APIKey = demoKey
	// A reseller (offer-dedicated reservations are for resellers only).
	reseller := inv.Customers[0].Customer
	reseller.ID, reseller.Name, reseller.Language, reseller.Email = resellerID, "Hurtownia Serwerów sp. z o.o.", "pl", "biuro@hurtownia.test"
	inv.Customers = append(inv.Customers, inventory.Customer{Customer: reseller, APIKey: resellerKey, Reseller: true})
	inv.IPPools = scriptPools
	if err := inventory.Import(ctx, st, inv); err != nil {
		st.Close()
		return err
	}
	// The real BGP driver (embedded GoBGP) announces to a second GoBGP
	// speaker on 127.0.0.5, which bgproute reads.
	local := netip.MustParseAddr("127.0.0.1")
	col, err := gobgp.StartCollector(ctx, netip.MustParseAddr("127.0.0.5"), 64521, local, 64520)
	if err != nil {
		st.Close()
		return err
	}
	speaker, err := gobgp.Start(ctx, gobgp.Config{ASN: 64520, RouterID: local, LocalAddr: local,
		Peers: []gobgp.Peer{col.PeerSpec()}, ConnectRetry: time.Second})
	if err != nil {
		col.Close()
		st.Close()
		return err
	}
	p := panel.New(st)
	p.BGP = speaker
	p.Power = &power.Registry{}
	p.Power.Register("sim", powersim.New(st)) // the demo servers' power
	env.Values[panelKey{}] = p
	p.Cloud = scriptCloud(env)
	// The EPP driver, on the shared test registry; ns1.acme.test has glue.
	epp := registry.NewEPP(registry.EPPConfig{Addr: reg.Addr, ClientID: reg.ClientID, Password: reg.Password,
		TLS: reg.ClientTLS, Logger: slog.New(slog.DiscardHandler),
		Glue: func(_ context.Context, host string) ([]netip.Addr, error) {
			if host == "ns1.acme.test" {
				return []netip.Addr{netip.MustParseAddr("192.0.2.53")}, nil
			}
			return nil, fmt.Errorf("%s: no address", host)
		}})
	env.Defer(func() { epp.Close() })
	p.Registry = epp
	env.Values[eppKey{}] = reg
	if err := p.BGPReconcile(ctx); err != nil {
		return err
	}
	// The real firewall driver (nftables) drives the gateway namespace of a
	// netlab, which nftrules reads.
	// Without root the scenarios run on the panel's stored state only and
	// nftrules says SKIP.
	if os.Geteuid() == 0 {
		lab, err := netlab.Create("acli")
		if err != nil {
			return err
		}
		env.Defer(func() { lab.Close() })
		p.Firewall = &nft.Driver{Table: "artnet", NetNS: lab.GatewayNS}
		if err := p.FirewallReconcile(ctx); err != nil {
			return err
		}
		env.Values[labKey{}] = lab
	}
	env.Values[collectorKey{}] = col
	api := httpapi.New(p, slog.New(slog.DiscardHandler))
	// A script's .disable file lists commands or modules its server turns
	// off (as artnetd serve --disable-commands does).
	if b, err := os.ReadFile(filepath.Join(env.WorkDir, ".disable")); err == nil {
		if err := api.Disable(strings.Fields(string(b))...); err != nil {
			return err
		}
	}
	api.Ready.Store(true)
	srv := httptest.NewServer(api)
	env.Defer(func() {
		srv.Close()
		speaker.Close()
		col.Close()
		st.Close()
	})
	env.Setenv("ARTNET_ENDPOINT", srv.URL+"/api")
	env.Setenv("ARTNET_ID", strconv.Itoa(demoID))
	env.Setenv("ARTNET_API_KEY", demoKey)
	env.Setenv("ARTNET_CONFIG", filepath.Join(env.WorkDir, ".config", "artnet", "config.yaml"))
	env.Setenv("DEMO_KEY", demoKey)
	env.Setenv("RESELLER_ID", strconv.Itoa(resellerID))
	env.Setenv("RESELLER_KEY", resellerKey)
	env.Setenv("YEAR", strconv.Itoa(time.Now().In(warsaw).Year())) // of invoice numbers
	env.Setenv("LANG", "")
	return nil
}

// scriptPools is the IP pool of the scripts' server.
var scriptPools = []inventory.IPPool{{ID: 1, Network: "198.51.100.128/26",
	Exclude: []string{"198.51.100.128", "198.51.100.129", "198.51.100.191"}, MaxPerServer: 8,
	OneIPMonthlyPrice: []panel.IPPrice{{Currency: "PLN", Price: 1000, PriceBrutto: 1230}, {Currency: "EUR", Price: 250, PriceBrutto: 308}}}}

var warsaw, _ = time.LoadLocation("Europe/Warsaw")

type collectorKey struct{}

type eppKey struct{}

// cmdEPPNS checks the test registry's delegation of a domain (any order):
//
//	eppns DOMAIN NS...
func cmdEPPNS(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 1 {
		ts.Fatalf("usage: eppns DOMAIN NS...")
	}
	reg := ts.Value(eppKey{}).(*eppreg.Server)
	got, _ := reg.Delegation(args[0])
	got, want := slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(args[1:]))
	if slices.Equal(got, want) == neg {
		ts.Fatalf("the registry's delegation of %s is %v, want %s%v", args[0], got, map[bool]string{true: "not ", false: ""}[neg], want)
	}
}

// cmdEPPFail makes the test registry answer the next command CMD
// (domain:update, domain:info, host:create...) with CODE, or stall, or
// drop the connection:
//
//	eppfail CMD CODE|stall|drop
func cmdEPPFail(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 || neg {
		ts.Fatalf("usage: eppfail CMD CODE|stall|drop")
	}
	reg := ts.Value(eppKey{}).(*eppreg.Server)
	switch args[1] {
	case "stall":
		reg.Inject(args[0], eppreg.Action{Stall: true})
	case "drop":
		reg.Inject(args[0], eppreg.Action{Drop: true})
	default:
		code, err := strconv.Atoi(args[1])
		if err != nil {
			ts.Fatalf("eppfail: %q is no result code", args[1])
		}
		reg.Inject(args[0], eppreg.Action{Code: code, Msg: "refused by the test registry"})
	}
}

type labKey struct{}

// cmdNFTRules checks our nftables table in the scenario's gateway
// namespace: every argument is a regular expression that some line of
// `nft list table inet artnet` must match (with !: none may).
func cmdNFTRules(ts *testscript.TestScript, neg bool, args []string) {
	lab, _ := ts.Value(labKey{}).(*netlab.Lab)
	if lab == nil {
		fmt.Fprintln(os.Stderr, "*** SKIP nftrules (needs root and network namespaces) ***")
		ts.Logf("SKIP nftrules: not root")
		return
	}
	out, err := lab.Exec(lab.GatewayNS, "nft", "list", "table", "inet", "artnet")
	if err != nil {
		ts.Fatalf("nft list table: %v: %s", err, out)
	}
	for _, a := range args {
		re := regexp.MustCompile("(?m)" + a)
		if re.MatchString(out) == neg {
			ts.Fatalf("nftrules %q (negated %v) against the kernel's table:\n%s", a, neg, out)
		}
	}
}

// cmdBGPRoute waits (up to 30 seconds) until the BGP peer of the script's
// server holds a route:
//
//	bgproute PREFIX NEXTHOP [COMMUNITY...]
//	! bgproute PREFIX
//
// The route must have exactly that next hop and those communities
// ("65535:666"); with !, until the peer holds no route for PREFIX.
func cmdBGPRoute(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 1 || (!neg && len(args) < 2) {
		ts.Fatalf("usage: bgproute PREFIX NEXTHOP [COMMUNITY...]")
	}
	col := ts.Value(collectorKey{}).(*gobgp.Collector)
	pfx := netip.MustParsePrefix(args[0])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var got bgp.Announcement
	_, err := col.WaitRIB(ctx, func(rib map[netip.Prefix]bgp.Announcement) bool {
		a, ok := rib[pfx]
		got = a
		if neg {
			return !ok
		}
		if !ok || a.NextHop.String() != args[1] || len(a.Communities) != len(args)-2 {
			return false
		}
		for i, c := range a.Communities {
			if bgp.FormatCommunity(c) != args[2+i] {
				return false
			}
		}
		return true
	})
	if err != nil {
		ts.Fatalf("bgproute %v: the peer holds %v", args, got)
	}
	ts.Logf("peer: %v", got)
}

// cmdJSONGet checks a value of a JSON file:
//
//	jsonget FILE PATH WANT
//
// PATH is dot-separated object keys and list indexes; "len" after a list
// is its length. WANT is compared with the value
// written as JSON (strings without quotes).
// cmdJSONSave writes the string at PATH of the JSON in FILE to OUT (a key
// answered once, for the next command's stdin).
func cmdJSONSave(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 || neg {
		ts.Fatalf("usage: jsonsave FILE PATH OUT")
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(ts.ReadFile(args[0])), &v); err != nil {
		ts.Fatalf("%s: not JSON: %v", args[0], err)
	}
	keys := strings.Split(args[1], ".")
	for _, k := range keys[:len(keys)-1] {
		v, _ = v[k].(map[string]any)
	}
	s, ok := v[keys[len(keys)-1]].(string)
	if !ok {
		ts.Fatalf("%s: not a string", args[1])
	}
	if err := os.WriteFile(ts.MkAbs(args[2]), []byte(s+"\n"), 0o600); err != nil {
		ts.Fatalf("%v", err)
	}
}

func cmdJSONGet(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: jsonget FILE PATH WANT")
	}
	var v any
	if err := json.Unmarshal([]byte(ts.ReadFile(args[0])), &v); err != nil {
		ts.Fatalf("%s: not JSON: %v", args[0], err)
	}
	for _, k := range strings.Split(args[1], ".") {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[k]; !ok {
				ts.Fatalf("%s: no key %q", args[1], k)
			}
		case []any:
			if k == "len" {
				v = float64(len(x))
				continue
			}
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(x) {
				ts.Fatalf("%s: bad index %q (length %d)", args[1], k, len(x))
			}
			v = x[i]
		default:
			ts.Fatalf("%s: %q of a %T", args[1], k, v)
		}
	}
	got := fmt.Sprint(v)
	if s, ok := v.(string); !ok {
		b, _ := json.Marshal(v)
		got = string(b)
	} else {
		got = s
	}
	if (got == args[2]) == neg {
		ts.Fatalf("%s = %s, want %s%s", args[1], got, map[bool]string{true: "not ", false: ""}[neg], args[2])
	}
}
