package tfprovider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// zoneByDomain returns the node's zone of domain (nil: none).
func (n *artnetdNode) zoneByDomain(t testing.TB, domain string) *artnet.DNSZone {
	t.Helper()
	zones, err := n.Client.DNS.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, z := range zones {
		if z.Domain == domain {
			return &z
		}
	}
	return nil
}

// stateID is the id attribute of a resource in the state.
func stateID(s *terraform.State, addr string) (int64, error) {
	rs, ok := s.RootModule().Resources[addr]
	if !ok {
		return 0, fmt.Errorf("%s not in the state", addr)
	}
	return strconv.ParseInt(rs.Primary.ID, 10, 64)
}

func TestAccDNSZone(t *testing.T) {
	t.Parallel()
	n := startArtnetd(t)
	primary := `resource "artnet_dns_zone" "p" {
  domain = "tf1.acme.test"
}
`
	secondary := func(master string) string {
		return fmt.Sprintf(`resource "artnet_dns_zone" "s" {
  domain            = "TF2.Acme.Test." # stored as tf2.acme.test: kept as written
  type              = "secoundary"
  master_nameserver = %q
}
`, master)
	}
	var firstID int64
	accTest(t,
		resource.TestStep{
			Config: n.config(primary + secondary("192.0.2.53")),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("artnet_dns_zone.p", "type", "primary"),
				resource.TestCheckResourceAttr("artnet_dns_zone.p", "nameservers.#", "2"),
				resource.TestCheckNoResourceAttr("artnet_dns_zone.p", "master_nameserver"),
				resource.TestCheckResourceAttr("artnet_dns_zone.s", "domain", "TF2.Acme.Test."),
				resource.TestCheckNoResourceAttr("artnet_dns_zone.s", "nameservers"),
				func(s *terraform.State) error {
					id, err := stateID(s, "artnet_dns_zone.p")
					if err != nil {
						return err
					}
					firstID = id
					z := n.zoneByDomain(t, "tf1.acme.test")
					if z == nil || z.ID != id || z.Type != artnet.DNSZoneTypePrimary {
						return fmt.Errorf("server zone %+v, state id %d", z, id)
					}
					if z := n.zoneByDomain(t, "tf2.acme.test"); z == nil || z.MasterNameserver != "192.0.2.53" {
						return fmt.Errorf("secondary zone on the server: %+v", z)
					}
					// The DNS server answers for the new primary zone.
					if soa := n.dig(t, "tf1.acme.test", "SOA"); len(soa) != 1 {
						return fmt.Errorf("dig tf1.acme.test SOA: %q", soa)
					}
					return nil
				},
			),
		},
		// Import gives the same state (both zones).
		resource.TestStep{ResourceName: "artnet_dns_zone.p", ImportState: true, ImportStateVerify: true},
		resource.TestStep{ResourceName: "artnet_dns_zone.s", ImportState: true, ImportStateVerify: true,
			// The import reads the server's spelling.
			ImportStateVerifyIgnore: []string{"domain"}},
		// A zone cannot be changed through the API: a new master replaces it.
		resource.TestStep{
			Config: n.config(primary + secondary("192.0.2.54")),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("artnet_dns_zone.s", plancheck.ResourceActionDestroyBeforeCreate),
				plancheck.ExpectResourceAction("artnet_dns_zone.p", plancheck.ResourceActionNoop),
			}},
			Check: func(*terraform.State) error {
				if z := n.zoneByDomain(t, "tf2.acme.test"); z == nil || z.MasterNameserver != "192.0.2.54" {
					return fmt.Errorf("secondary zone on the server: %+v", z)
				}
				return nil
			},
		},
		// Drift: the zone deleted through the API is planned again.
		resource.TestStep{
			PreConfig: func() {
				if err := n.Client.DNS.Delete(context.Background(), firstID); err != nil {
					t.Fatal(err)
				}
			},
			Config: n.config(primary + secondary("192.0.2.54")),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("artnet_dns_zone.p", plancheck.ResourceActionCreate),
				plancheck.ExpectResourceAction("artnet_dns_zone.s", plancheck.ResourceActionNoop),
			}},
			Check: func(s *terraform.State) error {
				id, err := stateID(s, "artnet_dns_zone.p")
				if err != nil {
					return err
				}
				if z := n.zoneByDomain(t, "tf1.acme.test"); z == nil || z.ID != id || id == firstID {
					return fmt.Errorf("recreated zone %+v, state id %d, first id %d", z, id, firstID)
				}
				return nil
			},
		},
	)
	// Destroyed at the end of the test case.
	for _, d := range []string{"tf1.acme.test", "tf2.acme.test"} {
		if z := n.zoneByDomain(t, d); z != nil {
			t.Errorf("zone %s left after destroy: %+v", d, z)
		}
	}
	if zones, _ := n.Client.DNS.List(context.Background()); !slices.ContainsFunc(zones, func(z artnet.DNSZone) bool { return z.Domain == "acme.test" }) {
		t.Errorf("the demo's own zone went: %+v", zones)
	}
}

// TestAccDNSZoneValidation: the server's rules fail the plan.
func TestAccDNSZoneValidation(t *testing.T) {
	t.Parallel()
	n := startArtnetd(t)
	for _, tc := range []struct{ hcl, want string }{
		{`resource "artnet_dns_zone" "z" { domain = "nodot" }`, "at least two labels"},
		{`resource "artnet_dns_zone" "z" {
  domain = "x.acme.test"
  type = "secondary"
}`, "value must be one of"},
		{`resource "artnet_dns_zone" "z" {
  domain = "x.acme.test"
  type = "secoundary"
}`, "Missing master_nameserver"},
		{`resource "artnet_dns_zone" "z" {
  domain = "x.acme.test"
  master_nameserver = "192.0.2.1"
}`, "for type = \"secoundary\" zones only"},
		{`resource "artnet_dns_zone" "z" {
  domain = "x.acme.test"
  type = "secoundary"
  master_nameserver = "127.0.0.1"
}`, "cannot be a master name server"},
	} {
		accTest(t, resource.TestStep{Config: n.config(tc.hcl), PlanOnly: true,
			ExpectError: regexp.MustCompile(regexp.QuoteMeta(tc.want))})
	}
	// The API's own refusal reaches the user with its code.
	accTest(t, resource.TestStep{
		Config:      n.config(`resource "artnet_dns_zone" "z" { domain = "not-ours.example" }`),
		ExpectError: regexp.MustCompile(`domain-not-allowed`),
	})
}
