package artnet_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/form"
	"github.com/artnet-panel/artnet-panel/internal/spec"
)

// calls returns one call of each typed method with valid options, keyed by
// command path. Ids are the demo customer's where the server knows them.
func calls(c *artnet.Client) map[string]func(context.Context) error {
	auth := artnet.InstanceAuth{InstanceID: 7, Password: "s3cret.pass"}
	rule := artnet.FirewallRule{
		Policy: artnet.FirewallAccept, Protocol: "6",
		Source:      artnet.FirewallAddress{IP: "0.0.0.0", MaskShort: 0},
		Destination: artnet.FirewallAddress{IP: "123.123.123.123", MaskShort: 32, Port: artnet.FirewallPort{Begin: "22", End: "22"}},
	}
	ignore := func(_ any, err error) error { return err }
	list := func(f func(context.Context, artnet.ListOpts) ([]artnet.Service, error)) func(context.Context) error {
		return func(ctx context.Context) error { return ignore(f(ctx, artnet.ListOpts{Limit: 10})) }
	}
	return map[string]func(context.Context) error{
		"customer/regenerate-api-key": func(ctx context.Context) error { return ignore(c.Customer.RegenerateAPIKey(ctx)) },
		"customer/emails-list": func(ctx context.Context) error {
			return ignore(c.Customer.EmailsList(ctx, artnet.EmailsListOpts{Limit: 10, Offset: 0}))
		},
		"customer/email-details":   func(ctx context.Context) error { return ignore(c.Customer.EmailDetails(ctx, 1)) },
		"customer/change-language": func(ctx context.Context) error { return c.Customer.ChangeLanguage(ctx, "pl") },
		"customer/get-language":    func(ctx context.Context) error { return ignore(c.Customer.GetLanguage(ctx)) },
		"customer/details":         func(ctx context.Context) error { return ignore(c.Customer.Details(ctx)) },
		"customer/edit": func(ctx context.Context) error {
			return c.Customer.Edit(ctx, artnet.CustomerEditOpts{City: artnet.Ptr("Gdańsk"), Business: artnet.Ptr(true)})
		},
		"services/list": func(ctx context.Context) error {
			return ignore(c.Services.List(ctx, artnet.ServiceListOpts{Type: artnet.ServiceTypeVPS, Limit: 5, Offset: 0, ParentServiceID: 0}))
		},
		"services/details": func(ctx context.Context) error { return ignore(c.Services.Details(ctx, svcVPS)) },

		"domain/list":    list(c.Domain.List),
		"domain/details": func(ctx context.Context) error { return ignore(c.Domain.Details(ctx, svcDomain)) },
		"domain/edit-dns-servers": func(ctx context.Context) error {
			return c.Domain.EditDNSServers(ctx, artnet.DomainEditDNSServersOpts{ServiceID: svcDomain, DNSServers: []string{"ns1.example.com", "ns2.example.com"}})
		},
		"easyisp/list":           list(c.EasyISP.List),
		"easyisp/details":        func(ctx context.Context) error { return ignore(c.EasyISP.Details(ctx, svcEasyISP)) },
		"avx/list":               list(c.AVX.List),
		"avx/details":            func(ctx context.Context) error { return ignore(c.AVX.Details(ctx, svcAVX)) },
		"hosting-artnet/list":    list(c.HostingArtnet.List),
		"hosting-artnet/details": func(ctx context.Context) error { return ignore(c.HostingArtnet.Details(ctx, svcHosting)) },
		"ssl/list":               list(c.SSL.List),
		"ssl/details":            func(ctx context.Context) error { return ignore(c.SSL.Details(ctx, svcSSL)) },
		"software/list":          list(c.Software.List),
		"software/details":       func(ctx context.Context) error { return ignore(c.Software.Details(ctx, svcSoftware)) },
		"link-service/list":      list(c.LinkService.List),
		"link-service/details":   func(ctx context.Context) error { return ignore(c.LinkService.Details(ctx, svcLink)) },
		"fail-over-ip/list":      list(c.FailOverIP.List),
		"fail-over-ip/details":   func(ctx context.Context) error { return ignore(c.FailOverIP.Details(ctx, svcFOIP)) },
		"fail-over-ip/switch": func(ctx context.Context) error {
			return c.FailOverIP.Switch(ctx, artnet.FailOverIPSwitchOpts{ServiceID: svcFOIP, RealIP: "123.123.125.10"})
		},
		"additional-ip/list":       list(c.AdditionalIP.List),
		"additional-ip/details":    func(ctx context.Context) error { return ignore(c.AdditionalIP.Details(ctx, svcAdditionalIP)) },
		"additional-ip/order-info": func(ctx context.Context) error { return ignore(c.AdditionalIP.OrderInfo(ctx, svcDedicated)) },
		"additional-ip/order": func(ctx context.Context) error {
			return ignore(c.AdditionalIP.Order(ctx, artnet.AdditionalIPOrderOpts{ParentServiceID: svcDedicated, IPsNumber: 2}))
		},
		"vps/list":          list(c.VPS.List),
		"vps/details":       func(ctx context.Context) error { return ignore(c.VPS.Details(ctx, svcVPS)) },
		"vps/power-on":      func(ctx context.Context) error { return c.VPS.PowerOn(ctx, svcVPS) },
		"vps/power-off":     func(ctx context.Context) error { return c.VPS.PowerOff(ctx, svcVPS) },
		"vps/power-restart": func(ctx context.Context) error { return c.VPS.PowerRestart(ctx, svcVPS) },

		"dedicated/list":    list(c.Dedicated.List),
		"dedicated/details": func(ctx context.Context) error { return ignore(c.Dedicated.Details(ctx, svcDedicated)) },
		"dedicated/transfer-usage-details": func(ctx context.Context) error {
			return ignore(c.Dedicated.TransferUsageDetails(ctx, svcDedicated))
		},
		"dedicated/ilo-details": func(ctx context.Context) error { return ignore(c.Dedicated.ILODetails(ctx, svcDedicated)) },
		"dedicated/ilo-access-enable": func(ctx context.Context) error {
			return c.Dedicated.ILOAccessEnable(ctx, artnet.DedicatedILOAccessEnableOpts{ServiceID: svcDedicated, RemoteIP: "198.51.100.7"})
		},
		"dedicated/ilo-access-disable": func(ctx context.Context) error { return c.Dedicated.ILOAccessDisable(ctx, svcDedicated) },
		"dedicated/power-details":      func(ctx context.Context) error { return ignore(c.Dedicated.PowerDetails(ctx, svcDedicated)) },
		"dedicated/power-on":           func(ctx context.Context) error { return c.Dedicated.PowerOn(ctx, svcDedicated) },
		"dedicated/power-off":          func(ctx context.Context) error { return c.Dedicated.PowerOff(ctx, svcDedicated) },
		"dedicated/power-restart":      func(ctx context.Context) error { return c.Dedicated.PowerRestart(ctx, svcDedicated) },

		"colocation/list":    list(c.Colocation.List),
		"colocation/details": func(ctx context.Context) error { return ignore(c.Colocation.Details(ctx, svcColocation)) },
		"colocation/transfer-usage-details": func(ctx context.Context) error {
			return ignore(c.Colocation.TransferUsageDetails(ctx, svcColocation))
		},
		"colocation/power-details": func(ctx context.Context) error { return ignore(c.Colocation.PowerDetails(ctx, svcColocation)) },
		"colocation/power-on":      func(ctx context.Context) error { return c.Colocation.PowerOn(ctx, svcColocation) },
		"colocation/power-off":     func(ctx context.Context) error { return c.Colocation.PowerOff(ctx, svcColocation) },
		"colocation/power-restart": func(ctx context.Context) error { return c.Colocation.PowerRestart(ctx, svcColocation) },

		"ip-blackholing/list":    func(ctx context.Context) error { return ignore(c.IPBlackholing.List(ctx)) },
		"ip-blackholing/enable":  func(ctx context.Context) error { return c.IPBlackholing.Enable(ctx, "123.123.124.3") },
		"ip-blackholing/disable": func(ctx context.Context) error { return c.IPBlackholing.Disable(ctx, "123.123.124.3") },

		"dns/list":   func(ctx context.Context) error { return ignore(c.DNS.List(ctx)) },
		"dns/delete": func(ctx context.Context) error { return c.DNS.Delete(ctx, 1) },
		"dns/details-secoundary": func(ctx context.Context) error {
			return ignore(c.DNS.DetailsSecondary(ctx, 1))
		},
		"dns/add-secoundary": func(ctx context.Context) error {
			return ignore(c.DNS.AddSecondary(ctx, artnet.DNSAddSecondaryOpts{Domain: "acme.test", MasterNameserver: "ns.acme.test"}))
		},
		"dns/details-primary": func(ctx context.Context) error { return ignore(c.DNS.DetailsPrimary(ctx, 1)) },
		"dns/add-primary":     func(ctx context.Context) error { return ignore(c.DNS.AddPrimary(ctx, "acme.test")) },
		"dns/edit-primary-records": func(ctx context.Context) error {
			return c.DNS.EditPrimaryRecords(ctx, artnet.DNSEditPrimaryRecordsOpts{ZoneID: 1, Serial: 2024010101, Records: []artnet.DNSRecord{
				{Name: "@", TTL: 3600, Type: artnet.DNSRecordA, Data1: "123.123.123.123"},
				{Name: "www", Type: artnet.DNSRecordCNAME, Data1: "@"},
				{Name: "@", TTL: 3600, Type: artnet.DNSRecordMX, Data1: "10", Data2: "mail.acme.test."},
				{Name: "_sip._tcp", Type: artnet.DNSRecordSRV, Data1: "10", Data2: "5", Data3: "5060", Data4: "sip.acme.test."},
			}})
		},

		"dns/dnssec-enable": func(ctx context.Context) error {
			return ignore(c.DNS.DNSSECEnable(ctx, artnet.DNSSECEnableOpts{ZoneID: 1, Algorithm: artnet.DNSSECAlgorithmED25519}))
		},
		"dns/dnssec-disable": func(ctx context.Context) error { return c.DNS.DNSSECDisable(ctx, 1) },
		"dns/dnssec-details": func(ctx context.Context) error { return ignore(c.DNS.DNSSECDetails(ctx, 1)) },

		"rev-dns/list": func(ctx context.Context) error { return ignore(c.RevDNS.List(ctx)) },
		"rev-dns/details": func(ctx context.Context) error {
			return ignore(c.RevDNS.Details(ctx, artnet.RevDNSDetailsOpts{SubnetworkID: 501, DNSSubclass: "124.123.123.in-addr.arpa"}))
		},
		"rev-dns/edit": func(ctx context.Context) error {
			return ignore(c.RevDNS.Edit(ctx, artnet.RevDNSEditOpts{SubnetworkID: 501, DNSSubclass: "124.123.123.in-addr.arpa", Serial: 7,
				PTRRecords: []artnet.PTRRecordEdit{{Origin: "1", PTR: "gw.acme.test."}, {Origin: "2", Delete: true}}}))
		},

		"firewall/list":    func(ctx context.Context) error { return ignore(c.Firewall.List(ctx)) },
		"firewall/details": func(ctx context.Context) error { return ignore(c.Firewall.Details(ctx, "fw-12345")) },
		"firewall/enable":  func(ctx context.Context) error { return c.Firewall.Enable(ctx, "fw-12345") },
		"firewall/disable": func(ctx context.Context) error { return c.Firewall.Disable(ctx, "fw-12345") },
		"firewall/save": func(ctx context.Context) error {
			return c.Firewall.Save(ctx, artnet.FirewallSaveOpts{RulesetID: "fw-12345",
				In: []artnet.FirewallRule{rule, {Policy: artnet.FirewallDrop}}, Out: []artnet.FirewallRule{{Policy: artnet.FirewallAccept}},
				ConfirmWithin: 2 * time.Minute})
		},
		// Extension: confirms the save above (the catalogue puts it after).
		"firewall/save-confirm": func(ctx context.Context) error { return c.Firewall.SaveConfirm(ctx, "fw-12345") },

		"offer-dedicated/custom-offer":  func(ctx context.Context) error { return ignore(c.OfferDedicated.CustomOffer(ctx)) },
		"offer-dedicated/express-offer": func(ctx context.Context) error { return ignore(c.OfferDedicated.ExpressOffer(ctx)) },
		"offer-dedicated/express-reservations-list": func(ctx context.Context) error {
			return ignore(c.OfferDedicated.ExpressReservationsList(ctx))
		},
		"offer-dedicated/express-reservation": func(ctx context.Context) error { return c.OfferDedicated.ExpressReservation(ctx, 501) },
		"offer-dedicated/express-reservation-cancel": func(ctx context.Context) error {
			return c.OfferDedicated.ExpressReservationCancel(ctx, 501)
		},
		"offer-dedicated/express-order": func(ctx context.Context) error { return ignore(c.OfferDedicated.ExpressOrder(ctx, 501)) },

		"cloud-instance/list":                 func(ctx context.Context) error { return ignore(c.CloudInstance.List(ctx)) },
		"cloud-instance/details":              func(ctx context.Context) error { return ignore(c.CloudInstance.Details(ctx, 7)) },
		"cloud-instance/action-power-on":      func(ctx context.Context) error { return c.CloudInstance.PowerOn(ctx, auth) },
		"cloud-instance/action-power-off":     func(ctx context.Context) error { return c.CloudInstance.PowerOff(ctx, auth) },
		"cloud-instance/action-power-restart": func(ctx context.Context) error { return c.CloudInstance.PowerRestart(ctx, auth) },
		"cloud-instance/action-shutdown":      func(ctx context.Context) error { return c.CloudInstance.Shutdown(ctx, auth) },
		"cloud-instance/action-reboot":        func(ctx context.Context) error { return c.CloudInstance.Reboot(ctx, auth) },
		"cloud-instance/resources-allowed-ranges": func(ctx context.Context) error {
			return ignore(c.CloudInstance.ResourcesAllowedRanges(ctx, 7))
		},
		"cloud-instance/resources-calculate-price": func(ctx context.Context) error {
			return ignore(c.CloudInstance.ResourcesCalculatePrice(ctx, artnet.CloudResourcesCalculatePriceOpts{
				InstanceID: 7, Resources: artnet.CloudResources{CPU: 2, RAM: 2048, HDD: 40, Bandwidth: 100}}))
		},
		"cloud-instance/resources-negotiate": func(ctx context.Context) error {
			return c.CloudInstance.ResourcesNegotiate(ctx, artnet.CloudResourcesNegotiateOpts{InstanceID: 7, Password: "s3cret.pass",
				Shutdown: true, Resources: artnet.CloudResources{CPU: 4, HDD: 80}})
		},
		"cloud-instance/boot-installation-images-list": func(ctx context.Context) error {
			return ignore(c.CloudInstance.BootInstallationImagesList(ctx, 7))
		},
		"cloud-instance/boot-mode-installation-image": func(ctx context.Context) error {
			return c.CloudInstance.BootModeInstallationImage(ctx, artnet.CloudBootModeInstallationImageOpts{
				InstanceID: 7, Password: "s3cret.pass", InstallationImage: "debian-12", Shutdown: false})
		},
		"cloud-instance/boot-mode-boot": func(ctx context.Context) error {
			return c.CloudInstance.BootModeBoot(ctx, artnet.CloudBootModeBootOpts{InstanceID: 7, Password: "s3cret.pass", Shutdown: true})
		},
		"cloud-instance/custom-properties-edit": func(ctx context.Context) error {
			return c.CloudInstance.CustomPropertiesEdit(ctx, artnet.CloudCustomPropertiesEditOpts{InstanceID: 7,
				DisplayName: artnet.Ptr("web-1"), Notes: artnet.Ptr("front end")})
		},
		"cloud-instance/password-change": func(ctx context.Context) error {
			return c.CloudInstance.PasswordChange(ctx, artnet.CloudPasswordChangeOpts{InstanceID: 7, Password: "s3cret.pass", NewPassword: "N3w-pass!"})
		},
		"cloud-instance/delete": func(ctx context.Context) error { return c.CloudInstance.Delete(ctx, auth) },

		// Extension module api-keys.
		"api-keys/list": func(ctx context.Context) error { return ignore(c.APIKeys.List(ctx)) },
		"api-keys/create": func(ctx context.Context) error {
			return ignore(c.APIKeys.Create(ctx, artnet.APIKeyCreateOpts{Label: "dns bot", Scope: []string{"dns/*", artnet.ScopeReadOnly},
				ServiceIDs: []int64{1}, SourcePrefixes: []string{"192.0.2.0/24"}, ExpiresAt: time.Now().Add(time.Hour)}))
		},
		"api-keys/delete": func(ctx context.Context) error { return c.APIKeys.Delete(ctx, 1) },

		// Extension module invoices.
		"invoices/list": func(ctx context.Context) error {
			return ignore(c.Invoices.List(ctx, artnet.InvoicesListOpts{Limit: 10}))
		},
		"invoices/details": func(ctx context.Context) error { return ignore(c.Invoices.Details(ctx, "PF/2026/000001")) },
		"invoices/download-proforma": func(ctx context.Context) error {
			return ignore(c.Invoices.DownloadProforma(ctx, "PF/2026/000001"))
		},
	}
}

// TestCommandTable checks the SDK's command table against the server's
// catalogue: the same paths (93 documented, then this server's
// extensions) in the same order, the same flags.
func TestCommandTable(t *testing.T) {
	cmds := artnet.Commands()
	all := spec.All()
	documented, extensions := 0, 0
	for _, c := range cmds {
		if c.Extension {
			extensions++
		} else {
			documented++
		}
	}
	if documented != 93 || extensions == 0 || len(cmds) != len(all) {
		t.Fatalf("SDK knows %d commands (%d documented, %d extensions), catalogue has %d (want 93 documented and the extensions)",
			len(cmds), documented, extensions, len(all))
	}
	if c, ok := artnet.LookupCommand("firewall/save-confirm"); !ok || !c.Extension || c.ReadOnly || c.Destructive {
		t.Errorf("firewall/save-confirm: %+v, %v", c, ok)
	}
	for i, sc := range all {
		c := cmds[i]
		if c.Path != sc.Path() || c.ReadOnly != sc.ReadOnly || c.Destructive != sc.Destructive || c.Extension != sc.Extension || c.Idempotent != sc.IdempotencyKey {
			t.Errorf("command %d: SDK %+v, catalogue %s ReadOnly=%v Destructive=%v Extension=%v",
				i, c, sc.Path(), sc.ReadOnly, sc.Destructive, sc.Extension)
		}
		if got, ok := artnet.LookupCommand(sc.Path()); !ok || got != c {
			t.Errorf("LookupCommand(%s) = %+v, %v", sc.Path(), got, ok)
		}
	}
	if _, ok := artnet.LookupCommand("no/such"); ok {
		t.Error("LookupCommand found an unknown command")
	}
}

// TestEveryCommandHasAMethod checks that the table of typed calls covers
// exactly the catalogue.
func TestEveryCommandHasAMethod(t *testing.T) {
	table := calls(artnet.NewClient(1, "k"))
	for _, c := range spec.All() {
		if table[c.Path()] == nil {
			t.Errorf("no typed call for %s", c.Path())
		}
		delete(table, c.Path())
	}
	for p := range table {
		t.Errorf("typed call for unknown command %s", p)
	}
}

// TestEveryCommandAgainstServer calls every typed method against the real
// server: commands that have landed answer success or one of their
// documented errors; the others answer not-implemented.
func TestEveryCommandAgainstServer(t *testing.T) {
	s := newServer(t)
	c := s.client()
	table := calls(c)
	ctx := context.Background()
	implemented := 0
	for _, cmd := range spec.All() {
		err := table[cmd.Path()](ctx)
		if !s.api.Implemented(cmd.Path()) {
			if !artnet.IsError(err, artnet.ErrCodeNotImplemented) {
				t.Errorf("%s: want not-implemented, got %v", cmd.Path(), err)
			}
			continue
		}
		implemented++
		if err != nil && !artnet.IsError(err, append(slices.Clone(cmd.Errors), artnet.ErrCodeAuthorizationFailed)...) {
			t.Errorf("%s: %v (neither success nor a documented error)", cmd.Path(), err)
		}
	}
	t.Logf("%d of %d commands implemented by the server", implemented, len(spec.All()))
	if implemented != len(spec.All()) {
		t.Errorf("%d of %d commands implemented; every documented command and extension has landed", implemented, len(spec.All()))
	}
}

// TestRequestsMatchCatalogue records the form each typed method sends and
// checks it against the command's catalogue entry: every required parameter
// present, no undeclared parameter, numbers and booleans well formed, and
// the path and credentials right.
func TestRequestsMatchCatalogue(t *testing.T) {
	var mu sync.Mutex
	var got []recorded
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, recorded{path: r.URL.Path, ctype: r.Header.Get("Content-Type"), method: r.Method, body: string(body)})
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"success":true}`)
	}))
	defer srv.Close()
	c := artnet.NewClient(demoID, demoKey, artnet.WithEndpoint(srv.URL+"/api/"))
	table := calls(c)
	for _, cmd := range spec.All() {
		got = nil
		if err := table[cmd.Path()](context.Background()); err != nil {
			t.Errorf("%s: %v", cmd.Path(), err)
			continue
		}
		if len(got) != 1 {
			t.Errorf("%s: %d requests", cmd.Path(), len(got))
			continue
		}
		r := got[0]
		if r.path != "/api/"+cmd.Path() || r.method != http.MethodPost || r.ctype != "application/x-www-form-urlencoded" {
			t.Errorf("%s: sent %s %s (%s)", cmd.Path(), r.method, r.path, r.ctype)
		}
		v, err := form.ParseURLEncoded([]byte(r.body), form.Limits{})
		if err != nil {
			t.Errorf("%s: body %q: %v", cmd.Path(), r.body, err)
			continue
		}
		if v.Get("id").String() != strconv.Itoa(demoID) || v.Get("api_key").String() == "" {
			t.Errorf("%s: no credentials in %q", cmd.Path(), r.body)
		}
		for _, p := range cmd.Params {
			if p.Required && v.Get(p.Name) == nil {
				t.Errorf("%s: required %s not sent: %q", cmd.Path(), p.Name, r.body)
			}
		}
		for _, k := range v.Keys() {
			if k == "id" || k == "api_key" {
				continue
			}
			p, ok := cmd.Param(k)
			if !ok {
				t.Errorf("%s: undeclared parameter %s", cmd.Path(), k)
				continue
			}
			checkParam(t, cmd.Path(), k, p, v.Get(k))
		}
	}
}

type recorded struct{ path, ctype, method, body string }

func checkParam(t *testing.T, path, name string, p spec.Param, v *form.Value) {
	t.Helper()
	switch p.Type {
	case spec.String:
		if !v.IsLeaf() {
			t.Errorf("%s: %s is not a single value", path, name)
		}
	case spec.Number:
		if _, err := strconv.ParseInt(v.String(), 10, 64); !v.IsLeaf() || (err != nil && !(p.AllowEmpty && v.String() == "")) {
			t.Errorf("%s: %s = %q is not a number", path, name, v.String())
		}
	case spec.Bool:
		if s := v.String(); !v.IsLeaf() || (s != "true" && s != "false") {
			t.Errorf("%s: %s = %q is not a boolean", path, name, s)
		}
	case spec.List:
		if v.IsLeaf() {
			t.Errorf("%s: %s is not a list", path, name)
		}
	case spec.Object:
		checkChildren(t, path, name, p.Children, v)
	case spec.ObjectList:
		if v.IsLeaf() {
			t.Errorf("%s: %s is not a list of objects", path, name)
			return
		}
		for i, k := range v.Keys() {
			if k != strconv.Itoa(i) {
				t.Errorf("%s: %s items are not numbered 0, 1, ... in order: %v", path, name, v.Keys())
			}
			checkChildren(t, path, name+"["+k+"]", p.Children, v.Get(k))
		}
	}
}

func checkChildren(t *testing.T, path, name string, children []spec.Param, v *form.Value) {
	t.Helper()
	if v.IsLeaf() {
		t.Errorf("%s: %s is not an object", path, name)
		return
	}
	for _, c := range children {
		if c.Required && v.Get(c.Name) == nil {
			t.Errorf("%s: required %s[%s] not sent", path, name, c.Name)
		}
	}
	for _, k := range v.Keys() {
		i := slices.IndexFunc(children, func(c spec.Param) bool { return c.Name == k })
		if i < 0 {
			t.Errorf("%s: undeclared parameter %s[%s]", path, name, k)
			continue
		}
		checkParam(t, path, name+"["+k+"]", children[i], v.Get(k))
	}
}

// TestErrorCodes checks that every code the catalogue documents has a
// constant.
func TestErrorCodes(t *testing.T) {
	known := map[string]bool{}
	for _, c := range artnet.ErrorCodesForTest {
		if known[c] {
			t.Errorf("code %s listed twice", c)
		}
		known[c] = true
	}
	for _, cmd := range spec.All() {
		for _, code := range cmd.Errors {
			if !known[code] {
				t.Errorf("%s: code %s has no ErrCode constant", cmd.Path(), code)
			}
		}
	}
	for _, code := range []string{"not-implemented", "too-many-failed-logins", "unknown-command", "internal-error"} {
		if !known[code] {
			t.Errorf("no constant for %s", code)
		}
	}
}
