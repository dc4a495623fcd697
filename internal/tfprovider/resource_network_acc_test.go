package tfprovider

// Acceptance tests of artnet_firewall_ruleset (artnetd --firewall nft in a
// network namespace of the test), artnet_ip_blackhole and
// artnet_failover_ip (artnetd's embedded BGP speaker announcing to a
// GoBGP collector of the test): tofu applies, the kernel's table and the
// BGP peer show the result.

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/bgp"
	"github.com/artnet-panel/artnet-panel/internal/driver/gobgp"
	"github.com/artnet-panel/artnet-panel/internal/testpeer"
	"github.com/artnet-panel/artnet-panel/internal/testpeer/netlab"
)

// plans checks the action the plan of a step takes on addr.
func plans(addr string, action plancheck.ResourceActionType) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, action)}}
}

// newNetns returns the gateway namespace of a netlab (removed when the
// test ends; the test skips loudly without root, as every nftables test
// does) for artnetd's --firewall-netns.
func newNetns(t *testing.T) string {
	t.Helper()
	lab := netlab.New(t)
	testpeer.NeedTool(t, "nft", "nftables")
	return lab.GatewayNS
}

// nftTable lists artnetd's nftables table in ns.
func nftTable(t *testing.T, ns string) string {
	t.Helper()
	out, err := exec.Command("ip", "netns", "exec", ns, "nft", "list", "table", "inet", "artnet").CombinedOutput()
	if err != nil {
		t.Fatalf("nft list table inet artnet: %v: %s", err, out)
	}
	return string(out)
}

// chainRules returns the rule lines of chain in an nft listing.
func chainRules(table, chain string) []string {
	_, rest, ok := strings.Cut(table, "\tchain "+chain+" {\n")
	if !ok {
		return nil
	}
	body, _, _ := strings.Cut(rest, "\t}")
	var out []string
	for _, l := range strings.Split(body, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// checkKernel checks that the table's chain of the demo ruleset fw-12345
// (rs0_in: the demo's only other ruleset has no rules) holds exactly want
// followed by the driver's own last rule (a packet no rule matched is
// dropped).
func checkKernel(t *testing.T, ns string, want ...string) resource.TestCheckFunc {
	want = append(want, "drop")
	return func(*terraform.State) error {
		table := nftTable(t, ns)
		if got := chainRules(table, "rs0_in"); !slices.Equal(got, want) {
			return fmt.Errorf("the kernel's chain rs0_in holds %q, want %q\n%s", got, want, table)
		}
		return nil
	}
}

// checkConfirmed checks that no save of the ruleset waits for a
// confirmation (the provider confirmed its own).
func checkConfirmed(c *artnet.Client, id string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		err := c.Firewall.SaveConfirm(context.Background(), id)
		if !artnet.IsError(err, artnet.ErrCodeNothingToConfirm) {
			return fmt.Errorf("firewall/save-confirm of %s after the apply: %v, want nothing-to-confirm (the apply left its save unconfirmed)", id, err)
		}
		return nil
	}
}

func TestAccFirewallRuleset(t *testing.T) {
	t.Parallel()
	ns := newNetns(t)
	n := startArtnetd(t, "--firewall", "nft", "--firewall-netns", ns)
	const addr = "artnet_firewall_ruleset.web"
	v1 := n.config(`
resource "artnet_firewall_ruleset" "web" {
  ruleset_id = "fw-12345"
  rules = {
    in = [
      { policy = "ACCEPT", protocol = 6, source = { ip = "198.51.100.0", mask_short = 24 }, destination = { port = { begin = 22 } } },
      { policy = "ACCEPT", protocol = 6, destination = { port = { begin = 443 } } },
      { policy = "DROP" },
    ]
  }
}`)
	v2 := n.config(`
resource "artnet_firewall_ruleset" "web" {
  ruleset_id     = "fw-12345"
  enabled        = true
  confirm_within = 120
  rules = {
    in = [
      { policy = "ACCEPT", protocol = 17, source = { ip = "203.0.113.7" }, destination = { port = { begin = 8000, end = 8080 } } },
      { policy = "ACCEPT", protocol = 1 },
      { policy = "DROP", protocol = 6 },
    ]
    out = [
      { policy = "DROP", destination = { ip = "192.0.2.0", mask_short = 24 } },
    ]
  }
}`)
	v2Kernel := []string{"ip saddr 203.0.113.7 udp dport 8000-8080 accept", "meta l4proto icmp accept", "meta l4proto tcp drop"}
	ctx := context.Background()
	accTest(t,
		resource.TestStep{
			Config: v1,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(addr, "enabled", "true"),
				resource.TestCheckResourceAttr(addr, "confirm_within", "60"),
				resource.TestCheckResourceAttr(addr, "maximum_rules_number", "10"),
				resource.TestCheckResourceAttr(addr, "services_ids_list.0", "12345"),
				// What the server derives is planned and stored.
				resource.TestCheckResourceAttr(addr, "rules.in.0.destination.port.end", "22"),
				resource.TestCheckResourceAttr(addr, "rules.in.0.destination.mask_short", "0"),
				resource.TestCheckResourceAttr(addr, "rules.in.#", "3"),
				resource.TestCheckResourceAttr(addr, "rules.out.#", "0"),
				checkKernel(t, ns, "ip saddr 198.51.100.0/24 tcp dport 22 accept", "tcp dport 443 accept", "drop"),
				checkConfirmed(n.Client, "fw-12345"),
			),
		},
		resource.TestStep{
			Config:           v2,
			ConfigPlanChecks: plans(addr, plancheck.ResourceActionUpdate),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(addr, "rules.in.0.source.mask_short", "32"),
				resource.TestCheckResourceAttr(addr, "rules.out.#", "1"),
				checkKernel(t, ns, v2Kernel...),
				checkConfirmed(n.Client, "fw-12345"),
			),
		},
		resource.TestStep{
			ResourceName: addr, ImportState: true, ImportStateId: "fw-12345",
			ImportStateVerify: true, ImportStateVerifyIdentifierAttribute: "ruleset_id",
			// confirm_within is the provider's, not the server's: an import
			// takes the default.
			ImportStateVerifyIgnore: []string{"confirm_within"},
		},
		resource.TestStep{
			// Changed by hand: filtering off and other rules.
			PreConfig: func() {
				if err := n.Client.Firewall.Disable(ctx, "fw-12345"); err != nil {
					t.Fatal(err)
				}
				err := n.Client.Firewall.Save(ctx, artnet.FirewallSaveOpts{RulesetID: "fw-12345",
					In: []artnet.FirewallRule{{Policy: artnet.FirewallAccept}}})
				if err != nil {
					t.Fatal(err)
				}
			},
			Config:           v2,
			ConfigPlanChecks: plans(addr, plancheck.ResourceActionUpdate),
			Check:            resource.ComposeAggregateTestCheckFunc(resource.TestCheckResourceAttr(addr, "enabled", "true"), checkKernel(t, ns, v2Kernel...)),
		},
		resource.TestStep{
			// Refused at plan time by the server's rules: nothing is sent.
			Config:      strings.Replace(v2, "protocol = 17", "protocol = 1", 1),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`Protocol 1 has no ports`),
		},
		resource.TestStep{
			Config:      strings.Replace(v2, `ip = "203.0.113.7"`, `ip = "2001:DB8::7"`, 1),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Write "2001:DB8::7".*as "2001:db8::7"`),
		},
		resource.TestStep{
			// 11 rules: fw-12345 holds at most 10 in each direction.
			Config:      n.config(`resource "artnet_firewall_ruleset" "web" {` + "\n" + `  ruleset_id = "fw-12345"` + "\n" + `  rules = { out = [` + strings.Repeat(`{ policy = "DROP" }, `, 11) + `] }` + "\n}"),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`at most 10 rules in each direction`),
		},
		resource.TestStep{
			Config:      strings.Replace(v2, `"fw-12345"`, `"fw-99999"`, 1),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`not one of your firewall rulesets`),
		},
		// Nothing was sent: the plan of the applied configuration is empty.
		resource.TestStep{Config: v2, PlanOnly: true},
	)
	// Destroyed: filtering off, no rules, in the API and in the kernel.
	d, err := n.Client.Firewall.Details(ctx, "fw-12345")
	if err != nil {
		t.Fatal(err)
	}
	if d.Enabled || len(d.Rules.In) != 0 || len(d.Rules.Out) != 0 {
		t.Fatalf("after destroy: %+v", d)
	}
	// Disabled: no packet is sent to the ruleset's chain any more.
	if table := nftTable(t, ns); strings.Contains(table, "fw-12345") || strings.Contains(table, "chain rs0_in") {
		t.Fatalf("after destroy the kernel still filters for fw-12345:\n%s", table)
	}
}

// startBGP starts a GoBGP collector on 127.0.0.3 and artnetd (--demo)
// with its embedded speaker peering with it.
func startBGP(t *testing.T) (*artnetdNode, *gobgp.Collector) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	col, err := gobgp.StartCollector(ctx, netip.MustParseAddr("127.0.0.3"), 64511, netip.MustParseAddr("127.0.0.1"), 64510)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(col.Close)
	n := startArtnetd(t, "--bgp-asn", "64510", "--bgp-router-id", "127.0.0.1", "--bgp-local-address", "127.0.0.1",
		"--bgp-peers", fmt.Sprintf("64511@127.0.0.3:%d", col.Port))
	return n, col
}

// checkRIB waits (at most 30 s) until the collector's routes satisfy ok.
func checkRIB(col *gobgp.Collector, what string, ok func(map[netip.Prefix]bgp.Announcement) bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if rib, err := col.WaitRIB(ctx, ok); err != nil {
			return fmt.Errorf("the BGP peer never saw %s: %v; it holds %v", what, err, rib)
		}
		return nil
	}
}

func blackholed(p string) func(map[netip.Prefix]bgp.Announcement) bool {
	pfx := netip.MustParsePrefix(p)
	return func(r map[netip.Prefix]bgp.Announcement) bool { a, ok := r[pfx]; return ok && a.IsBlackhole() }
}

func notAnnounced(p string) func(map[netip.Prefix]bgp.Announcement) bool {
	pfx := netip.MustParsePrefix(p)
	return func(r map[netip.Prefix]bgp.Announcement) bool { _, ok := r[pfx]; return !ok }
}

func TestAccIPBlackhole(t *testing.T) {
	t.Parallel()
	n, col := startBGP(t)
	const addr = "artnet_ip_blackhole.ddos"
	v4 := n.config(`resource "artnet_ip_blackhole" "ddos" { ip = "123.123.124.5" }`)
	v6 := n.config(`resource "artnet_ip_blackhole" "ddos" { ip = "2a01:1234:5678::5" }`)
	// 123.123.124.6 is blackholed by the operator in the demo.
	withAdmin := v6 + "\n" + `resource "artnet_ip_blackhole" "admin" { ip = "123.123.124.6" }`
	ctx := context.Background()
	accTest(t,
		resource.TestStep{
			Config: v4,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(addr, "type", "customer"),
				checkRIB(col, "the blackhole of 123.123.124.5", blackholed("123.123.124.5/32")),
			),
		},
		resource.TestStep{
			// The address is the blackhole: a new one replaces it.
			Config:           v6,
			ConfigPlanChecks: plans(addr, plancheck.ResourceActionDestroyBeforeCreate),
			Check: resource.ComposeAggregateTestCheckFunc(
				checkRIB(col, "the IPv6 blackhole and the IPv4 one withdrawn", func(r map[netip.Prefix]bgp.Announcement) bool {
					return blackholed("2a01:1234:5678::5/128")(r) && notAnnounced("123.123.124.5/32")(r)
				}),
			),
		},
		resource.TestStep{
			ResourceName: addr, ImportState: true, ImportStateId: "2a01:1234:5678::5",
			ImportStateVerify: true, ImportStateVerifyIdentifierAttribute: "ip",
		},
		resource.TestStep{
			// Lifted by hand: the plan blackholes it again.
			PreConfig: func() {
				if err := n.Client.IPBlackholing.Disable(ctx, "2a01:1234:5678::5"); err != nil {
					t.Fatal(err)
				}
			},
			Config:           v6,
			ConfigPlanChecks: plans(addr, plancheck.ResourceActionCreate),
			Check:            checkRIB(col, "the blackhole again", blackholed("2a01:1234:5678::5/128")),
		},
		resource.TestStep{
			Config:      withAdmin,
			ExpectError: regexp.MustCompile(`already blackholed by the network administrator`),
		},
		resource.TestStep{
			// An admin blackhole can be imported to watch it; destroy
			// leaves it (checked below).
			Config: withAdmin, ResourceName: "artnet_ip_blackhole.admin", ImportState: true, ImportStateId: "123.123.124.6",
			ImportStatePersist: true,
			ImportStateCheck: func(s []*terraform.InstanceState) error {
				for _, is := range s {
					if is.Attributes["ip"] == "123.123.124.6" && is.Attributes["type"] == "admin" {
						return nil
					}
				}
				return fmt.Errorf("imported %v, want 123.123.124.6 of type admin", s)
			},
		},
		resource.TestStep{
			// Not one of the customer's addresses: refused by the server.
			Config:      n.config(`resource "artnet_ip_blackhole" "ddos" { ip = "10.1.2.3" }`),
			ExpectError: regexp.MustCompile(`ip-not-allowed`),
		},
	)
	list, err := n.Client.IPBlackholing.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(list, artnet.BlackholedIP{IP: "123.123.124.6", Type: artnet.BlackholeTypeAdmin}) ||
		slices.ContainsFunc(list, func(b artnet.BlackholedIP) bool { return b.Type == artnet.BlackholeTypeCustomer }) {
		t.Fatalf("after destroy the blackholes are %v: want the admin one only", list)
	}
	if err := checkRIB(col, "the withdrawal", func(r map[netip.Prefix]bgp.Announcement) bool {
		return notAnnounced("2a01:1234:5678::5/128")(r) && blackholed("123.123.124.6/32")(r)
	})(nil); err != nil {
		t.Fatal(err)
	}
}

func TestAccFailoverIP(t *testing.T) {
	t.Parallel()
	n, col := startBGP(t)
	const addr = "artnet_failover_ip.vip"
	cfg := func(ip string) string {
		return n.config(fmt.Sprintf(`resource "artnet_failover_ip" "vip" {
  service_id = 12353
  real_ip    = %q
}`, ip))
	}
	routedTo := func(ip string) resource.TestCheckFunc {
		return checkRIB(col, "123.123.127.1 routed to "+ip, func(r map[netip.Prefix]bgp.Announcement) bool {
			return r[netip.MustParsePrefix("123.123.127.1/32")].NextHop.String() == ip
		})
	}
	ctx := context.Background()
	accTest(t,
		resource.TestStep{
			Config: cfg("123.123.125.10"),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(addr, "virtual_ip", "123.123.127.1"),
				resource.TestCheckResourceAttr(addr, "real_ips_allowed_list.#", "2"),
				routedTo("123.123.125.10"),
			),
		},
		resource.TestStep{
			Config:           cfg("123.123.123.123"),
			ConfigPlanChecks: plans(addr, plancheck.ResourceActionUpdate),
			Check:            routedTo("123.123.123.123"),
		},
		resource.TestStep{
			ResourceName: addr, ImportState: true, ImportStateId: "12353",
			ImportStateVerify: true, ImportStateVerifyIdentifierAttribute: "service_id",
		},
		resource.TestStep{
			PreConfig: func() {
				if err := n.Client.FailOverIP.Switch(ctx, artnet.FailOverIPSwitchOpts{ServiceID: 12353, RealIP: "123.123.125.10"}); err != nil {
					t.Fatal(err)
				}
			},
			Config:           cfg("123.123.123.123"),
			ConfigPlanChecks: plans(addr, plancheck.ResourceActionUpdate),
			Check:            routedTo("123.123.123.123"),
		},
		resource.TestStep{
			// Checked at plan time against real_ips_allowed_list.
			Config: cfg("123.123.125.99"), PlanOnly: true,
			ExpectError: regexp.MustCompile(`not in the service's real_ips_allowed_list`),
		},
	)
	// Destroy left the address where it was.
	d, err := n.Client.FailOverIP.Details(ctx, 12353)
	if err != nil {
		t.Fatal(err)
	}
	if d.RealIP != "123.123.123.123" {
		t.Fatalf("after destroy real_ip is %q, want it left at 123.123.123.123", d.RealIP)
	}
	if err := routedTo("123.123.123.123")(nil); err != nil {
		t.Fatal(err)
	}
}

// An apply that breaks between the save and its confirmation rolls back
// by itself: the provider runs with a sub-key that may save but not
// confirm (api-key-out-of-scope stands for any failure after the save:
// a lost connection, a killed process). The apply fails saying when the
// previous rules come back; the server restores them after
// confirm_within (30 s), in the API and in the kernel, and the plan of
// the previous configuration is then empty again.
func TestAccFirewallRulesetRollback(t *testing.T) {
	t.Parallel()
	ns := newNetns(t)
	n := startArtnetd(t, "--firewall", "nft", "--firewall-netns", ns)
	ctx := context.Background()
	sub, err := n.Client.APIKeys.Create(ctx, artnet.APIKeyCreateOpts{Label: "no confirm",
		Scope: []string{"firewall/list", "firewall/details", "firewall/save", "firewall/enable", "firewall/disable"}})
	if err != nil {
		t.Fatal(err)
	}
	good := `
resource "artnet_firewall_ruleset" "web" {
  ruleset_id = "fw-12345"
  rules = { in = [{ policy = "ACCEPT", protocol = 6, destination = { port = { begin = 22 } } }, { policy = "DROP" }] }
}`
	// Locks everything out; saved, never confirmed.
	broken := `
resource "artnet_firewall_ruleset" "web" {
  ruleset_id     = "fw-12345"
  confirm_within = 30
  rules          = { in = [{ policy = "DROP" }] }
}`
	goodKernel := []string{"tcp dport 22 accept", "drop"}
	accTest(t,
		resource.TestStep{Config: n.config(good), Check: checkKernel(t, ns, goodKernel...)},
		resource.TestStep{
			Config:      strings.Replace(n.config(broken), n.APIKey, sub.APIKey, 1),
			ExpectError: regexp.MustCompile(`(?s)api-key-out-of-scope.*restores the previous rules`),
		},
		resource.TestStep{
			PreConfig: func() {
				// The broken rules are in force until the server restores
				// the previous ones (it checks every second).
				deadline := time.Now().Add(2 * time.Minute)
				for {
					d, err := n.Client.Firewall.Details(ctx, "fw-12345")
					if err != nil {
						t.Fatal(err)
					}
					if len(d.Rules.In) == 2 {
						return
					}
					if time.Now().After(deadline) {
						t.Fatalf("the unconfirmed save was not rolled back: %+v", d.Rules)
					}
					time.Sleep(500 * time.Millisecond)
				}
			},
			Config:   n.config(good),
			PlanOnly: true,
			Check:    checkKernel(t, ns, goodKernel...),
		},
		resource.TestStep{Config: n.config(good), Check: checkKernel(t, ns, goodKernel...)},
	)
}

// Destroying what the API cannot delete, or what is not the customer's
// to remove, leaves it and says so: the warnings as tofu prints them (the
// built provider through dev_overrides, as TestExamples runs it).
func TestAccDestroyLeavesWithWarning(t *testing.T) {
	t.Parallel()
	n := startArtnetd(t)
	cli := newTofuCLI(t, n)
	dir := t.TempDir()
	main := `terraform {
  required_providers {
    artnet = { source = "artnet-panel/artnet" }
  }
}
resource "artnet_failover_ip" "vip" {
  service_id = 12353
  real_ip    = "123.123.125.10"
}
resource "artnet_cloud_instance" "web" {
  instance_id       = 1
  custom_properties = { notes = "left by destroy" }
}
resource "artnet_ip_blackhole" "admin" {
  ip = "123.123.124.6"
}
`
	if err := os.WriteFile(dir+"/main.tf", []byte(main), 0o600); err != nil {
		t.Fatal(err)
	}
	cli.mustRun(dir, "import", "-input=false", "-no-color", "artnet_ip_blackhole.admin", "123.123.124.6")
	cli.mustRun(dir, "apply", "-auto-approve", "-input=false", "-no-color")
	out := cli.mustRun(dir, "destroy", "-auto-approve", "-input=false", "-no-color")
	for _, want := range []string{"Warning: Fail-over IP left in place", "Warning: Cloud instance left as it is", "Warning: Blackhole left in place"} {
		if !strings.Contains(out, want) {
			t.Errorf("tofu destroy did not warn %q:\n%s", want, out)
		}
	}
	ctx := context.Background()
	if d, err := n.Client.FailOverIP.Details(ctx, 12353); err != nil || d.RealIP != "123.123.125.10" {
		t.Errorf("fail-over IP after destroy: %+v, %v", d, err)
	}
	if d, err := n.Client.CloudInstance.Details(ctx, 1); err != nil || d.CustomProperties.Notes != "left by destroy" || d.State != "running" {
		t.Errorf("instance after destroy: %+v, %v", d, err)
	}
	if list, err := n.Client.IPBlackholing.List(ctx); err != nil || !slices.Contains(list, artnet.BlackholedIP{IP: "123.123.124.6", Type: artnet.BlackholeTypeAdmin}) {
		t.Errorf("blackholes after destroy: %v, %v", list, err)
	}
}
