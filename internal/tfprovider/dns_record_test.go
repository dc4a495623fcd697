package tfprovider

import (
	"context"
	"errors"
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

// addZone adds a primary zone through the SDK and returns its id.
func (n *artnetdNode) addZone(t testing.TB, domain string) int64 {
	t.Helper()
	z, err := n.Client.DNS.AddPrimary(context.Background(), domain)
	if err != nil {
		t.Fatal(err)
	}
	return z.ID
}

// editRecords changes a zone's records through the SDK (a change made by
// hand): edit gets the records and returns the new set.
func (n *artnetdNode) editRecords(t testing.TB, zoneID int64, edit func([]artnet.DNSRecord) []artnet.DNSRecord) {
	t.Helper()
	ctx := context.Background()
	z, err := n.Client.DNS.DetailsPrimary(ctx, zoneID)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Client.DNS.EditPrimaryRecords(ctx, artnet.DNSEditPrimaryRecordsOpts{
		ZoneID: zoneID, Serial: z.Serial, Records: edit(z.Records)}); err != nil {
		t.Fatal(err)
	}
}

// records returns the zone's records.
func (n *artnetdNode) records(t testing.TB, zoneID int64) []artnet.DNSRecord {
	t.Helper()
	z, err := n.Client.DNS.DetailsPrimary(context.Background(), zoneID)
	if err != nil {
		t.Fatal(err)
	}
	return z.Records
}

func TestAccDNSRecord(t *testing.T) {
	t.Parallel()
	n := startArtnetd(t)
	zone := `resource "artnet_dns_zone" "z" {
  domain = "rec.acme.test"
}
`
	named := func(wwwName, wwwIP string, wwwTTL int) string {
		return n.config(zone + fmt.Sprintf(`
resource "artnet_dns_record" "www" {
  zone_id = artnet_dns_zone.z.id
  name    = %q
  type    = "A"
  ttl     = %d
  data1   = %q
}

resource "artnet_dns_record" "mx" {
  zone_id = artnet_dns_zone.z.id
  name    = "@"
  type    = "MX"
  data1   = "10"
  data2   = "mail"
}

resource "artnet_dns_record" "txt" {
  zone_id = artnet_dns_zone.z.id
  name    = "@"
  type    = "TXT"
  data1   = "v=spf1 ip4:192.0.2.0/24 -all"
}
`, wwwName, wwwTTL, wwwIP))
	}
	records := func(wwwIP string, wwwTTL int) string { return named("www", wwwIP, wwwTTL) }
	zoneID := func(s *terraform.State) int64 {
		id, err := stateID(s, "artnet_dns_zone.z")
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	var zid int64
	wwwAt := -1 // the position of www in the zone
	// A record the configuration does not manage: every change keeps it.
	unmanaged := artnet.DNSRecord{Name: "keep", TTL: 600, Type: "AAAA", Data1: "2001:db8::1"}
	accTest(t,
		resource.TestStep{
			Config: records("192.0.2.10", 300),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("artnet_dns_record.mx", "ttl", "3600"),
				resource.TestCheckNoResourceAttr("artnet_dns_record.mx", "data3"),
				func(s *terraform.State) error {
					zid = zoneID(s)
					if got := n.records(t, zid); len(got) != 3 {
						return fmt.Errorf("zone records %+v", got)
					}
					if got := n.dig(t, "www.rec.acme.test", "A"); !slices.Equal(got, []string{"192.0.2.10"}) {
						return fmt.Errorf("dig www A: %q", got)
					}
					if got := n.dig(t, "rec.acme.test", "MX"); !slices.Equal(got, []string{"10 mail.rec.acme.test."}) {
						return fmt.Errorf("dig MX: %q", got)
					}
					if got := n.dig(t, "rec.acme.test", "TXT"); !slices.Equal(got, []string{`"v=spf1 ip4:192.0.2.0/24 -all"`}) {
						return fmt.Errorf("dig TXT: %q", got)
					}
					return nil
				},
			),
		},
		// Import gives the same state; the TXT id has a "/" in its data.
		resource.TestStep{ResourceName: "artnet_dns_record.www", ImportState: true, ImportStateVerify: true},
		resource.TestStep{ResourceName: "artnet_dns_record.mx", ImportState: true, ImportStateVerify: true},
		resource.TestStep{ResourceName: "artnet_dns_record.txt", ImportState: true, ImportStateVerify: true},
		// Update in place: new address and TTL; a record added by hand
		// meanwhile is kept.
		resource.TestStep{
			PreConfig: func() {
				n.editRecords(t, zid, func(recs []artnet.DNSRecord) []artnet.DNSRecord { return append(recs, unmanaged) })
			},
			Config: records("192.0.2.11", 600),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("artnet_dns_record.www", plancheck.ResourceActionUpdate),
				plancheck.ExpectResourceAction("artnet_dns_record.mx", plancheck.ResourceActionNoop),
			}},
			Check: func(*terraform.State) error {
				recs := n.records(t, zid)
				if len(recs) != 4 || !slices.Contains(recs, unmanaged) {
					return fmt.Errorf("zone records %+v", recs)
				}
				if !slices.Contains(recs, artnet.DNSRecord{Name: "www", TTL: 600, Type: "A", Data1: "192.0.2.11"}) {
					return fmt.Errorf("www not updated: %+v", recs)
				}
				if got := n.dig(t, "www.rec.acme.test", "A"); !slices.Equal(got, []string{"192.0.2.11"}) {
					return fmt.Errorf("dig www A: %q", got)
				}
				return nil
			},
		},
		// Drift: the TTL changed through the API is planned back; a
		// record deleted through the API is planned again.
		resource.TestStep{
			PreConfig: func() {
				n.editRecords(t, zid, func(old []artnet.DNSRecord) (recs []artnet.DNSRecord) {
					for _, r := range old {
						switch r.Type {
						case "A":
							r.TTL = 120
						case "MX":
							continue
						}
						recs = append(recs, r)
					}
					return recs
				})
			},
			Config: records("192.0.2.11", 600),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("artnet_dns_record.www", plancheck.ResourceActionUpdate),
				plancheck.ExpectResourceAction("artnet_dns_record.mx", plancheck.ResourceActionCreate),
				plancheck.ExpectResourceAction("artnet_dns_record.txt", plancheck.ResourceActionNoop),
			}},
			Check: func(*terraform.State) error {
				if recs := n.records(t, zid); len(recs) != 4 {
					return fmt.Errorf("zone records %+v", recs)
				}
				return nil
			},
		},
		// A new name is an update in place too (the record keeps its
		// position in the zone).
		resource.TestStep{
			PreConfig: func() {
				wwwAt = slices.IndexFunc(n.records(t, zid), func(r artnet.DNSRecord) bool { return r.Name == "www" })
			},
			Config: named("web", "192.0.2.11", 600),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("artnet_dns_record.www", plancheck.ResourceActionUpdate),
			}},
			Check: func(*terraform.State) error {
				recs := n.records(t, zid)
				if len(recs) != 4 || wwwAt < 0 || recs[wwwAt] != (artnet.DNSRecord{Name: "web", TTL: 600, Type: "A", Data1: "192.0.2.11"}) {
					return fmt.Errorf("zone records %+v", recs)
				}
				if got := n.dig(t, "web.rec.acme.test", "A"); !slices.Equal(got, []string{"192.0.2.11"}) {
					return fmt.Errorf("dig web A: %q", got)
				}
				if got := n.dig(t, "www.rec.acme.test", "A"); len(got) != 0 {
					return fmt.Errorf("dig www A after the rename: %q", got)
				}
				return nil
			},
		},
		// Destroying the records keeps the unmanaged one.
		resource.TestStep{
			Config: n.config(zone),
			Check: func(*terraform.State) error {
				if recs := n.records(t, zid); !slices.Equal(recs, []artnet.DNSRecord{unmanaged}) {
					return fmt.Errorf("zone records %+v", recs)
				}
				return nil
			},
		},
	)
}

// TestDNSRecordSerialRetry: a change made by someone else between the
// provider's read and its write (the zone's serial moved on) is not
// overwritten: the provider reads again and applies its change on top.
func TestDNSRecordSerialRetry(t *testing.T) {
	t.Parallel()
	n := startArtnetd(t)
	ctx := context.Background()
	zid := n.addZone(t, "race.acme.test")
	other := artnet.DNSRecord{Name: "other", TTL: 3600, Type: "A", Data1: "192.0.2.1"}
	mine := artnet.DNSRecord{Name: "mine", TTL: 3600, Type: "A", Data1: "192.0.2.2"}
	rounds := 0
	err := editZone(ctx, n.Client, zid, func(domain string, recs []artnet.DNSRecord) ([]artnet.DNSRecord, error) {
		rounds++
		if rounds == 1 {
			// Another writer, after our read.
			z, err := n.Client.DNS.DetailsPrimary(ctx, zid)
			if err != nil {
				return nil, err
			}
			if err := n.Client.DNS.EditPrimaryRecords(ctx, artnet.DNSEditPrimaryRecordsOpts{
				ZoneID: zid, Serial: z.Serial, Records: append(z.Records, other)}); err != nil {
				return nil, err
			}
		}
		return append(recs, mine), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if rounds != 2 {
		t.Errorf("%d rounds, want 2 (one serial mismatch)", rounds)
	}
	if got := n.records(t, zid); !slices.Equal(got, []artnet.DNSRecord{other, mine}) {
		t.Errorf("records %+v", got)
	}

	// A zone that changes under every attempt: the bounded retries end
	// with the API's incorrect-soa-serial, and nothing of ours is written.
	rounds = 0
	err = editZone(ctx, n.Client, zid, func(domain string, recs []artnet.DNSRecord) ([]artnet.DNSRecord, error) {
		rounds++
		z, err := n.Client.DNS.DetailsPrimary(ctx, zid)
		if err != nil {
			return nil, err
		}
		bump := artnet.DNSRecord{Name: "bump" + strconv.Itoa(rounds), TTL: 3600, Type: "A", Data1: "192.0.2.3"}
		if err := n.Client.DNS.EditPrimaryRecords(ctx, artnet.DNSEditPrimaryRecordsOpts{
			ZoneID: zid, Serial: z.Serial, Records: append(z.Records, bump)}); err != nil {
			return nil, err
		}
		return append(recs, artnet.DNSRecord{Name: "never", TTL: 3600, Type: "A", Data1: "192.0.2.4"}), nil
	})
	if !artnet.IsError(err, artnet.ErrCodeIncorrectSOASerial) || rounds != maxEditAttempts {
		t.Errorf("after %d rounds: %v", rounds, err)
	}
	for _, r := range n.records(t, zid) {
		if r.Name == "never" {
			t.Errorf("a write with a stale serial went through: %+v", r)
		}
	}
	var apiErr *artnet.Error
	if !errors.As(err, &apiErr) {
		t.Errorf("%T is not an API error", err)
	}
}

// TestAccDNSRecordValidation: the server's record rules fail the plan.
func TestAccDNSRecordValidation(t *testing.T) {
	t.Parallel()
	n := startArtnetd(t)
	for _, tc := range []struct{ body, want string }{
		{`type = "A"
  data1 = "2001:db8::1"`, "is not an IPv4 address"},
		{`type = "PTR"
  data1 = "x"`, "value must be one of"},
		{`type = "A"
  ttl = 30
  data1 = "192.0.2.1"`, "between 60 and 604800"},
		{`type = "MX"
  data1 = "high"
  data2 = "mail"`, "is not a number from 0 to 65535"},
		{`type = "A"
  data1 = "192.0.2.1"
  data2 = "extra"`, "leave it empty"},
		{`type = "CAA"
  data1 = "0"
  data2 = "bogus"
  data3 = "x"`, "want issue, issuewild or iodef"},
	} {
		hcl := fmt.Sprintf("resource \"artnet_dns_record\" \"r\" {\n  zone_id = 1\n  name = \"x\"\n  %s\n}\n", tc.body)
		accTest(t, resource.TestStep{Config: n.config(hcl), PlanOnly: true, ExpectError: regexp.MustCompile(regexp.QuoteMeta(tc.want))})
	}
}
