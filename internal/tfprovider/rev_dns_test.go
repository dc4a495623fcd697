package tfprovider

import (
	"context"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// ptrOf returns the PTR of addr on the server ("" when none).
func (n *artnetdNode) ptrOf(t testing.TB, addr string) string {
	t.Helper()
	_, d, err := locate(context.Background(), n.Client, netip.MustParseAddr(addr))
	if err != nil {
		t.Fatal(err)
	}
	ptr, _ := findPTR(d, netip.MustParseAddr(addr))
	return ptr
}

// setPTR sets (or with ptr "" deletes) a PTR through the SDK: the change
// made by hand of the drift steps.
func (n *artnetdNode) setPTR(t testing.TB, addr, ptr string) {
	t.Helper()
	if _, err := editPTR(context.Background(), n.Client, netip.MustParseAddr(addr), ptr); err != nil {
		t.Fatal(err)
	}
}

func TestAccRevDNS(t *testing.T) {
	t.Parallel()
	n := startArtnetd(t)
	cfg := func(v4ptr, v6ptr string) string {
		return n.config(fmt.Sprintf(`
resource "artnet_rev_dns" "v4" {
  address = "123.123.124.3"
  ptr     = %q
}

resource "artnet_rev_dns" "v6" {
  address = "2a01:1234:5678::5"
  ptr     = %q
}
`, v4ptr, v6ptr))
	}
	digPTR := func(name string) []string { return n.dig(t, name, "PTR") }
	const v4name = "3.124.123.123.in-addr.arpa"
	const v6name = "5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.7.6.5.4.3.2.1.1.0.a.2.ip6.arpa"
	accTest(t,
		resource.TestStep{
			Config: cfg("Host3.Acme.Test.", "v6.acme.test"),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("artnet_rev_dns.v4", "ptr", "Host3.Acme.Test."),
				resource.TestCheckResourceAttr("artnet_rev_dns.v4", "subnetwork_id", "501"),
				resource.TestCheckResourceAttr("artnet_rev_dns.v4", "dns_subclass", "123.123.124"),
				resource.TestCheckResourceAttr("artnet_rev_dns.v4", "origin", "3"),
				resource.TestCheckResourceAttr("artnet_rev_dns.v6", "subnetwork_id", "502"),
				resource.TestCheckResourceAttr("artnet_rev_dns.v6", "origin", "0:0:0:5"),
				func(*terraform.State) error {
					if got := digPTR(v4name); !slices.Equal(got, []string{"host3.acme.test."}) {
						return fmt.Errorf("dig %s: %q", v4name, got)
					}
					if got := digPTR(v6name); !slices.Equal(got, []string{"v6.acme.test."}) {
						return fmt.Errorf("dig %s: %q", v6name, got)
					}
					return nil
				},
			),
		},
		resource.TestStep{ResourceName: "artnet_rev_dns.v4", ImportState: true, ImportStateVerify: true,
			ImportStateId: "123.123.124.3", ImportStateVerifyIdentifierAttribute: "address",
			ImportStateVerifyIgnore: []string{"ptr"}}, // the server's spelling
		resource.TestStep{ResourceName: "artnet_rev_dns.v6", ImportState: true, ImportStateVerify: true,
			ImportStateId: "2a01:1234:5678::5", ImportStateVerifyIdentifierAttribute: "address"},
		// Update in place.
		resource.TestStep{
			Config: cfg("host3.acme.test", "v6-new.acme.test"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("artnet_rev_dns.v4", plancheck.ResourceActionUpdate),
				plancheck.ExpectResourceAction("artnet_rev_dns.v6", plancheck.ResourceActionUpdate),
			}},
			Check: func(*terraform.State) error {
				if got := digPTR(v6name); !slices.Equal(got, []string{"v6-new.acme.test."}) {
					return fmt.Errorf("dig %s: %q", v6name, got)
				}
				return nil
			},
		},
		// Drift: a PTR changed through the API, another deleted.
		resource.TestStep{
			PreConfig: func() {
				n.setPTR(t, "123.123.124.3", "elsewhere.acme.test")
				n.setPTR(t, "2a01:1234:5678::5", "")
			},
			Config: cfg("host3.acme.test", "v6-new.acme.test"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("artnet_rev_dns.v4", plancheck.ResourceActionUpdate),
				plancheck.ExpectResourceAction("artnet_rev_dns.v6", plancheck.ResourceActionCreate),
			}},
			Check: func(*terraform.State) error {
				if got := n.ptrOf(t, "123.123.124.3"); got != "host3.acme.test" {
					return fmt.Errorf("PTR %q", got)
				}
				return nil
			},
		},
	)
	for _, a := range []string{"123.123.124.3", "2a01:1234:5678::5"} {
		if got := n.ptrOf(t, a); got != "" {
			t.Errorf("PTR of %s left after destroy: %q", a, got)
		}
	}
	if got := digPTR(v4name); len(got) != 0 {
		t.Errorf("dig %s after destroy: %q", v4name, got)
	}
}

func TestAccRevDNSErrors(t *testing.T) {
	t.Parallel()
	n := startArtnetd(t)
	accTest(t, resource.TestStep{
		Config: n.config(`resource "artnet_rev_dns" "x" {
  address = "not-an-ip"
  ptr = "a.example"
}`),
		PlanOnly:    true,
		ExpectError: regexp.MustCompile(`is not an IPv4 or IPv6 address`),
	})
	accTest(t, resource.TestStep{
		Config: n.config(`resource "artnet_rev_dns" "x" {
  address = "198.51.100.1"
  ptr = "a.example"
}`),
		ExpectError: regexp.MustCompile(`none of the customer's subnetworks`),
	})
	// An address of the subnetwork's /24 but outside the /29: the API's
	// warning is the error.
	accTest(t, resource.TestStep{
		Config: n.config(`resource "artnet_rev_dns" "x" {
  address = "123.123.124.9"
  ptr = "a.example"
}`),
		ExpectError: regexp.MustCompile(`none of the customer's subnetworks|` + artnet.ErrCodeInvalidOrigin),
	})
}
