package artnet_test

import (
	"context"
	"slices"
	"testing"

	"github.com/artnet-panel/artnet-panel/artnet"
)

func TestServicesListAndDetails(t *testing.T) {
	s := newServer(t)
	c := s.client()
	ctx := context.Background()

	all := must[[]artnet.Service](t)(c.Services.List(ctx, artnet.ServiceListOpts{}))
	if len(all) != 13 {
		t.Fatalf("%d services, want 13", len(all))
	}
	types := map[string]bool{}
	for _, svc := range all {
		types[svc.Type] = true
	}
	for _, typ := range artnet.ServiceTypes {
		if !types[typ] {
			t.Errorf("no service of type %s", typ)
		}
	}
	ded := must[[]artnet.Service](t)(c.Services.List(ctx, artnet.ServiceListOpts{Type: artnet.ServiceTypeDedicated, Limit: 50}))
	if len(ded) != 1 || ded[0].ID != svcDedicated {
		t.Fatalf("dedicated = %+v", ded)
	}
	children := must[[]artnet.Service](t)(c.Services.List(ctx, artnet.ServiceListOpts{ParentServiceID: svcDedicated}))
	if len(children) != 2 {
		t.Fatalf("children of %d: %+v", svcDedicated, children)
	}

	svc := must[*artnet.Service](t)(c.Services.Details(ctx, svcDedicated))
	pd := svc.PaymentDetails
	if svc.Name != "HP DL120 G7 123.123.123.123" || svc.CustomDescription != nil || svc.IP != "123.123.123.123" ||
		pd.Price != 52700 || pd.PriceBrutto != 64821 || pd.Currency != "PLN" || pd.PaymentPeriod != 1 ||
		svc.ExpirationTime.Unix() != 1893456000 {
		t.Fatalf("details = %+v", svc)
	}
	if d := must[*artnet.Service](t)(c.Services.Details(ctx, svcColocation)); d.CustomDescription == nil || *d.CustomDescription != "backup node" {
		t.Fatalf("custom_description = %v", d.CustomDescription)
	}
	_, err := c.Services.Details(ctx, 999999)
	wantCode(t, err, artnet.ErrCodeAuthorizationFailed)
}

func TestServicesAllPaging(t *testing.T) {
	s := newServer(t)
	c := s.client()
	ctx := context.Background()
	want := must[[]artnet.Service](t)(c.Services.List(ctx, artnet.ServiceListOpts{}))

	before := s.requests.Load()
	var got []artnet.Service
	for svc, err := range c.Services.All(ctx, artnet.ServiceListOpts{Limit: 5}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, svc)
	}
	if n := s.requests.Load() - before; n != 3 {
		t.Fatalf("13 services in pages of 5 took %d requests, want 3", n)
	}
	if !slices.EqualFunc(got, want, func(a, b artnet.Service) bool { return a.ID == b.ID }) {
		t.Fatalf("All = %v services, want %v", len(got), len(want))
	}

	// Stopping early stops fetching.
	before = s.requests.Load()
	n := 0
	for _, err := range c.Services.All(ctx, artnet.ServiceListOpts{Limit: 5}) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 3 {
			break
		}
	}
	if r := s.requests.Load() - before; r != 1 {
		t.Fatalf("breaking out of the first page made %d requests", r)
	}

	// Default page size (100) and a starting offset.
	var rest []int64
	for svc, err := range c.Services.All(ctx, artnet.ServiceListOpts{Offset: 10}) {
		if err != nil {
			t.Fatal(err)
		}
		rest = append(rest, svc.ID)
	}
	if len(rest) != 3 || rest[0] != want[10].ID {
		t.Fatalf("All from offset 10 = %v", rest)
	}

	// Every module's All walks its own list.
	for svc, err := range c.Dedicated.All(ctx, artnet.ListOpts{Limit: 1}) {
		if err != nil || svc.ID != svcDedicated {
			t.Fatalf("Dedicated.All: %v %v", svc.ID, err)
		}
	}
}

func TestServiceModules(t *testing.T) {
	s := newServer(t)
	c := s.client()
	ctx := context.Background()
	type module struct {
		name    string
		id      int64
		typ     string
		list    func(artnet.ListOpts) ([]artnet.Service, error)
		details func(int64) (any, error)
		check   func(d any) bool
	}
	wrap := func(f func(context.Context, artnet.ListOpts) ([]artnet.Service, error)) func(artnet.ListOpts) ([]artnet.Service, error) {
		return func(o artnet.ListOpts) ([]artnet.Service, error) { return f(ctx, o) }
	}
	modules := []module{
		{"domain", svcDomain, artnet.ServiceTypeDomain, wrap(c.Domain.List),
			func(id int64) (any, error) { return c.Domain.Details(ctx, id) },
			func(d any) bool {
				x := d.(*artnet.DomainDetails)
				return x.ID == svcDomain && x.DomainName == "acme.test" && x.Manageable && slices.Equal(x.DNSServers, []string{"ns1.artnet.pl", "ns2.artnet.pl"})
			}},
		{"easyisp", svcEasyISP, artnet.ServiceTypeEasyISP, wrap(c.EasyISP.List),
			func(id int64) (any, error) { return c.EasyISP.Details(ctx, id) },
			func(d any) bool {
				x := d.(*artnet.HostingDetails)
				return x.Login == "acmeisp" && x.Package == "EasyISP Business"
			}},
		{"avx", svcAVX, artnet.ServiceTypeAVX, wrap(c.AVX.List),
			func(id int64) (any, error) { return c.AVX.Details(ctx, id) },
			func(d any) bool {
				x := d.(*artnet.HostingDetails)
				return x.Login == "acme" && x.Package == "AVX Start"
			}},
		{"hosting-artnet", svcHosting, artnet.ServiceTypeHostingArtnet, wrap(c.HostingArtnet.List),
			func(id int64) (any, error) { return c.HostingArtnet.Details(ctx, id) },
			func(d any) bool { x := d.(*artnet.HostingDetails); return x.ID == svcHosting && x.Login == "acmehost" }},
		{"ssl", svcSSL, artnet.ServiceTypeSSL, wrap(c.SSL.List),
			func(id int64) (any, error) { return c.SSL.Details(ctx, id) },
			func(d any) bool {
				x := d.(*artnet.SSLDetails)
				return x.Domain == "www.acme.test" && x.Certificate.PL == "Certyfikat DV RapidSSL"
			}},
		{"software", svcSoftware, artnet.ServiceTypeSoftware, wrap(c.Software.List),
			func(id int64) (any, error) { return c.Software.Details(ctx, id) },
			func(d any) bool { x := d.(*artnet.SoftwareDetails); return x.Licence.LicencesNumber == 4 }},
		{"link-service", svcLink, artnet.ServiceTypeLink, wrap(c.LinkService.List),
			func(id int64) (any, error) { return c.LinkService.Details(ctx, id) },
			func(d any) bool {
				x := d.(*artnet.LinkDetails)
				return x.Bandwidth.Up == 100 && x.NetworkConfiguration.MaskShort == "/30"
			}},
		{"fail-over-ip", svcFOIP, artnet.ServiceTypeFOIP, wrap(c.FailOverIP.List),
			func(id int64) (any, error) { return c.FailOverIP.Details(ctx, id) },
			func(d any) bool {
				x := d.(*artnet.FailOverIPDetails)
				return x.VirtualIP == "123.123.127.1" && x.RealIP == "123.123.123.123" && len(x.RealIPsAllowedList) == 2
			}},
		{"additional-ip", svcAdditionalIP, artnet.ServiceTypeAdditionalIP, wrap(c.AdditionalIP.List),
			func(id int64) (any, error) { return c.AdditionalIP.Details(ctx, id) },
			func(d any) bool {
				x := d.(*artnet.AdditionalIPDetails)
				return len(x.Subnetworks) == 1 && x.Subnetworks[0].MaskShort == "/32"
			}},
		{"vps", svcVPS, artnet.ServiceTypeVPS, wrap(c.VPS.List),
			func(id int64) (any, error) { return c.VPS.Details(ctx, id) },
			func(d any) bool {
				x := d.(*artnet.VPSDetails)
				return x.PowerState == "on" && x.Active && x.NewtworkConfiguration.AdditionalIPsList[0] == "123.123.126.21"
			}},
		{"dedicated", svcDedicated, artnet.ServiceTypeDedicated, wrap(c.Dedicated.List),
			func(id int64) (any, error) { return c.Dedicated.Details(ctx, id) },
			func(d any) bool {
				x := d.(*artnet.DedicatedDetails)
				return x.HardwareConfiguration.CPU[0].Clock.String() == "3.1" && x.NetworkConfiguration.FirewallRulesetID == "fw-12345" &&
					x.Features.ILOAccessManagement && len(x.NetworkConfiguration.Subnetworks) == 2
			}},
		{"colocation", svcColocation, artnet.ServiceTypeColocation, wrap(c.Colocation.List),
			func(id int64) (any, error) { return c.Colocation.Details(ctx, id) },
			func(d any) bool {
				x := d.(*artnet.ColocationDetails)
				return x.NetworkConfiguration.FirewallRulesetID == "fw-12346" && x.Features.PowerManagement
			}},
	}
	for _, m := range modules {
		t.Run(m.name, func(t *testing.T) {
			list, err := m.list(artnet.ListOpts{})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].ID != m.id || list[0].Type != m.typ {
				t.Fatalf("list = %+v", list)
			}
			d, err := m.details(m.id)
			if err != nil {
				t.Fatal(err)
			}
			if !m.check(d) {
				t.Fatalf("details = %+v", d)
			}
			// A service of another type is not this module's.
			_, err = m.details(svcOther)
			wantCode(t, err, artnet.ErrCodeAuthorizationFailed)
		})
	}
}
