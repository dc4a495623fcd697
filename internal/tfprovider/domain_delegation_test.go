package tfprovider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// demoDomainService is the demo's domain service (acme.test).
const demoDomainService = 12348

func (n *artnetdNode) dnsServers(t testing.TB) []string {
	t.Helper()
	d, err := n.Client.Domain.Details(context.Background(), demoDomainService)
	if err != nil {
		t.Fatal(err)
	}
	return d.DNSServers
}

func TestAccDomainDelegation(t *testing.T) {
	t.Parallel()
	n := startArtnetd(t)
	cfg := func(servers string) string {
		return n.config(fmt.Sprintf(`
resource "artnet_domain_delegation" "d" {
  service_id  = %d
  dns_servers = %s
}
`, demoDomainService, servers))
	}
	accTest(t,
		resource.TestStep{
			Config: cfg(`["NS1.Example.NET.", "ns2.example.net"]`),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("artnet_domain_delegation.d", "domain_name", "acme.test"),
				resource.TestCheckResourceAttr("artnet_domain_delegation.d", "dns_servers.0", "NS1.Example.NET."),
				func(*terraform.State) error {
					if got := n.dnsServers(t); !slices.Equal(got, []string{"ns1.example.net", "ns2.example.net"}) {
						return fmt.Errorf("dns_servers on the server: %q", got)
					}
					return nil
				},
			),
		},
		resource.TestStep{ResourceName: "artnet_domain_delegation.d", ImportState: true, ImportStateVerify: true,
			ImportStateId: fmt.Sprint(demoDomainService), ImportStateVerifyIdentifierAttribute: "service_id",
			ImportStateVerifyIgnore: []string{"dns_servers.0"}}, // the server's spelling
		// Order is significant: swapping is an update.
		resource.TestStep{
			Config: cfg(`["ns2.example.net", "ns1.example.net", "ns3.example.net"]`),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("artnet_domain_delegation.d", plancheck.ResourceActionUpdate),
			}},
			Check: func(*terraform.State) error {
				if got := n.dnsServers(t); !slices.Equal(got, []string{"ns2.example.net", "ns1.example.net", "ns3.example.net"}) {
					return fmt.Errorf("dns_servers on the server: %q", got)
				}
				return nil
			},
		},
		// Drift: changed through the API.
		resource.TestStep{
			PreConfig: func() {
				if err := n.Client.Domain.EditDNSServers(context.Background(), artnet.DomainEditDNSServersOpts{
					ServiceID: demoDomainService, DNSServers: []string{"ns1.other.net", "ns2.other.net"}}); err != nil {
					t.Fatal(err)
				}
			},
			Config: cfg(`["ns2.example.net", "ns1.example.net", "ns3.example.net"]`),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("artnet_domain_delegation.d", plancheck.ResourceActionUpdate),
			}},
		},
	)
	// Destroy leaves the delegation where it is.
	if got := n.dnsServers(t); !slices.Equal(got, []string{"ns2.example.net", "ns1.example.net", "ns3.example.net"}) {
		t.Errorf("dns_servers after destroy: %q", got)
	}
}

func TestAccDomainDelegationValidation(t *testing.T) {
	t.Parallel()
	n := startArtnetd(t)
	for _, tc := range []struct{ servers, want string }{
		{`["ns1.example.net"]`, "dns-servers-insufficient"},
		{`["ns1.example.net", "192.0.2.1"]`, "is an IP address"},
		{`["ns1.example.net", "NS1.example.net."]`, "is also dns_servers[0]"},
	} {
		accTest(t, resource.TestStep{PlanOnly: true, ExpectError: regexp.MustCompile(regexp.QuoteMeta(tc.want)),
			Config: n.config(fmt.Sprintf("resource \"artnet_domain_delegation\" \"d\" {\n  service_id = 1\n  dns_servers = %s\n}\n", tc.servers))})
	}
	// A service that is not the customer's: the API's answer.
	accTest(t, resource.TestStep{ExpectError: regexp.MustCompile(artnet.ErrCodeAuthorizationFailed),
		Config: n.config("resource \"artnet_domain_delegation\" \"d\" {\n  service_id = 999999\n  dns_servers = [\"a.example.net\", \"b.example.net\"]\n}\n")})
}
