package cli

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// The tests of this file intercept the run functions (runF): they check
// how flags and arguments are parsed, without calling the API.

func noEnv(t *testing.T) invocation {
	return invocation{env: map[string]string{"ARTNET_CONFIG": filepath.Join(t.TempDir(), "config.yaml")}}
}

func TestServicesListFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want ServicesListOptions
		out  string
		code int
	}{
		{"defaults", []string{"services", "list"}, ServicesListOptions{}, "table", 0},
		{"all flags", []string{"services", "list", "--type", "dedicated", "--limit", "50", "--offset", "5", "--parent-service-id", "12345"},
			ServicesListOptions{Type: "dedicated", Limit: 50, Offset: 5, ParentServiceID: 12345}, "table", 0},
		{"json", []string{"-o", "json", "services", "list", "--limit=2"}, ServicesListOptions{Limit: 2}, "json", 0},
		{"yaml after", []string{"services", "list", "--output", "yaml"}, ServicesListOptions{}, "yaml", 0},
		{"bad limit", []string{"services", "list", "--limit", "many"}, ServicesListOptions{}, "", exitUsage},
		{"bad output", []string{"services", "list", "-o", "xml"}, ServicesListOptions{}, "", exitUsage},
		{"bad lang", []string{"services", "list", "--lang", "de"}, ServicesListOptions{}, "", exitUsage},
		{"extra argument", []string{"services", "list", "dedicated"}, ServicesListOptions{}, "", exitUsage},
		{"unknown flag", []string{"services", "list", "--kind", "vps"}, ServicesListOptions{}, "", exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *ServicesListOptions
			r := noEnv(t).runWith(t, "services", func(f *Factory) *cobra.Command {
				return newCmdServicesList(f, func(o *ServicesListOptions) error { got = o; return nil })
			}, tt.args...).wantCode(t, tt.code)
			if tt.code != 0 {
				if got != nil {
					t.Fatal("run function called despite a usage error")
				}
				if !strings.Contains(r.stderr, "error: ") || !strings.Contains(r.stderr, "--help") {
					t.Fatalf("stderr = %q", r.stderr)
				}
				return
			}
			if got.Type != tt.want.Type || got.Limit != tt.want.Limit || got.Offset != tt.want.Offset || got.ParentServiceID != tt.want.ParentServiceID {
				t.Fatalf("options = %+v, want %+v", *got, tt.want)
			}
			if got.Output != tt.out {
				t.Fatalf("output = %q, want %q", got.Output, tt.out)
			}
		})
	}
}

func TestIDArgument(t *testing.T) {
	tests := []struct {
		args []string
		want int64
		code int
	}{
		{[]string{"services", "details", "12345"}, 12345, 0},
		{[]string{"services", "details", "--service-id", "12345"}, 12345, 0},
		{[]string{"services", "details", "12345", "--service-id=12345"}, 12345, 0},
		{[]string{"services", "details", "12345", "--service-id=1"}, 0, exitUsage},
		{[]string{"services", "details"}, 0, exitUsage},
		{[]string{"services", "details", "abc"}, 0, exitUsage},
		{[]string{"services", "details", "-5"}, 0, exitUsage},
		{[]string{"services", "details", "0"}, 0, exitUsage},
		{[]string{"services", "details", "1", "2"}, 0, exitUsage},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var got int64
			noEnv(t).runWith(t, "services", func(f *Factory) *cobra.Command {
				return newCmdServicesDetails(f, func(o *IDOptions) error { got = o.ID; return nil })
			}, tt.args...).wantCode(t, tt.code)
			if got != tt.want {
				t.Fatalf("id = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestCustomerEditSendsOnlyGivenFlags(t *testing.T) {
	var got artnet.CustomerEditOpts
	noEnv(t).runWith(t, "customer", func(f *Factory) *cobra.Command {
		return newCmdCustomerEdit(f, func(o *CustomerEditOptions) error { got = o.Edit; return nil })
	}, "customer", "edit", "--name", "ACME S.A.", "--city", "Kraków", "--country-code", "PL", "--business=false").wantCode(t, 0)
	want := artnet.CustomerEditOpts{Name: artnet.Ptr("ACME S.A."), City: artnet.Ptr("Kraków"), CountryCode: artnet.Ptr("PL"), Business: artnet.Ptr(false)}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("edit = %+v, want %+v", got, want)
	}

	// An empty value is a change too (clearing the fax number).
	got = artnet.CustomerEditOpts{}
	noEnv(t).runWith(t, "customer", func(f *Factory) *cobra.Command {
		return newCmdCustomerEdit(f, func(o *CustomerEditOptions) error { got = o.Edit; return nil })
	}, "customer", "edit", "--fax=").wantCode(t, 0)
	if got.Fax == nil || *got.Fax != "" || got.Name != nil || got.Business != nil {
		t.Fatalf("edit = %+v", got)
	}

	r := noEnv(t).runWith(t, "customer", func(f *Factory) *cobra.Command {
		return newCmdCustomerEdit(f, func(o *CustomerEditOptions) error { t.Fatal("called"); return nil })
	}, "customer", "edit").wantCode(t, exitUsage)
	if !strings.Contains(r.stderr, "nothing to change") {
		t.Fatalf("stderr = %q", r.stderr)
	}
}

func TestDNSEditPrimaryRecordsFlags(t *testing.T) {
	dir := t.TempDir()
	recordsFile := filepath.Join(dir, "records.yaml")
	os.WriteFile(recordsFile, []byte("- {name: '@', ttl: 60, type: MX, data1: 10, data2: mx.example.com.}\n"), 0o600)
	tests := []struct {
		name  string
		args  []string
		want  []artnet.DNSRecord
		clear bool
		code  int
	}{
		{"records", []string{"7", "--serial", "2024010101",
			"--record", "www 3600 A 1.2.3.4",
			"--record", "@ mx 10 mail.example.com.",
			"--record", `- 300 TXT "v=spf1 mx -all"`,
			"--record", `_sip._tcp 60 SRV 10 60 5060 sip.example.com.`},
			[]artnet.DNSRecord{
				{Name: "www", TTL: 3600, Type: "A", Data1: "1.2.3.4"},
				{Name: "@", Type: "MX", Data1: "10", Data2: "mail.example.com."},
				{Name: "", TTL: 300, Type: "TXT", Data1: "v=spf1 mx -all"},
				{Name: "_sip._tcp", TTL: 60, Type: "SRV", Data1: "10", Data2: "60", Data3: "5060", Data4: "sip.example.com."},
			}, false, 0},
		{"file then flags", []string{"--zone-id", "7", "--serial", "1", "--records-file", recordsFile, "--record", "www A 1.2.3.4"},
			[]artnet.DNSRecord{
				{Name: "@", TTL: 60, Type: "MX", Data1: "10", Data2: "mx.example.com."},
				{Name: "www", Type: "A", Data1: "1.2.3.4"},
			}, false, 0},
		{"clear", []string{"7", "--serial", "1", "--clear"}, nil, true, 0},
		{"no records", []string{"7", "--serial", "1"}, nil, false, exitUsage},
		{"records and clear", []string{"7", "--serial", "1", "--clear", "--record", "www A 1.2.3.4"}, nil, false, exitUsage},
		{"no serial", []string{"7", "--record", "www A 1.2.3.4"}, nil, false, exitUsage},
		{"bad type", []string{"7", "--serial", "1", "--record", "www 60 PTR x."}, nil, false, exitUsage},
		{"no data", []string{"7", "--serial", "1", "--record", "www 60 A"}, nil, false, exitUsage},
		{"unterminated quote", []string{"7", "--serial", "1", "--record", `@ TXT "abc`}, nil, false, exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *DNSEditPrimaryRecordsOptions
			noEnv(t).runWith(t, "dns", func(f *Factory) *cobra.Command {
				return newCmdDNSEditPrimaryRecords(f, func(o *DNSEditPrimaryRecordsOptions) error { got = o; return nil })
			}, append([]string{"dns", "edit-primary-records"}, tt.args...)...).wantCode(t, tt.code)
			if tt.code != 0 {
				return
			}
			if got.ZoneID != 7 || got.Clear != tt.clear || !reflect.DeepEqual(got.Records, tt.want) {
				t.Fatalf("options: zone %d clear %v records %+v\nwant %+v", got.ZoneID, got.Clear, got.Records, tt.want)
			}
		})
	}
}

func TestRecordSyntaxRoundTrip(t *testing.T) {
	for _, s := range []string{
		"www 3600 A 1.2.3.4",
		"@ MX 10 mail.example.com.",
		`- 300 TXT "v=spf1 mx -all"`,
		`@ TXT "say \"hi\" \\ bye"`,
		`"" 60 CNAME www.example.com.`,
		"_sip._tcp 60 SRV 10 60 5060 sip.example.com.",
	} {
		r, err := parseRecord(s)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		back, err := parseRecord(formatRecord(r))
		if err != nil || back != r {
			t.Fatalf("%s: formatted as %q, parsed back as %+v (%v), want %+v", s, formatRecord(r), back, err, r)
		}
	}
}

func TestDestructiveCommandsAskFirst(t *testing.T) {
	called := false
	cmd := func(f *Factory) *cobra.Command {
		return newCmdDedicatedPowerOff(f, func(o *IDOptions) error { called = true; return nil })
	}
	// No terminal, no --yes: refused before anything runs.
	r := noEnv(t).runWith(t, "dedicated", cmd, "dedicated", "power-off", "12345").wantCode(t, exitError)
	if called || !strings.Contains(r.stderr, "--yes") || !strings.Contains(r.stderr, "not a terminal") {
		t.Fatalf("called=%v stderr=%q", called, r.stderr)
	}
	// --yes runs it.
	noEnv(t).runWith(t, "dedicated", cmd, "dedicated", "power-off", "12345", "--yes").wantCode(t, 0)
	if !called {
		t.Fatal("not run with --yes")
	}
	// On a terminal it asks; anything but y/yes declines.
	for answer, run := range map[string]bool{"y\n": true, "yes\n": true, "n\n": false, "\n": false, "": false} {
		called = false
		in := noEnv(t)
		in.stdin, in.stdinTTY = answer, true
		r := in.runWith(t, "dedicated", cmd, "dedicated", "power-off", "12345")
		if called != run {
			t.Fatalf("answer %q: run=%v", answer, called)
		}
		if !strings.Contains(r.stderr, "Are you sure? [y/N]") || !strings.Contains(r.stderr, "artnet dedicated power-off 12345") {
			t.Fatalf("answer %q: stderr=%q", answer, r.stderr)
		}
		if !run && (r.code != exitError || !strings.Contains(r.stderr, "aborted")) {
			t.Fatalf("answer %q: exit %d stderr=%q", answer, r.code, r.stderr)
		}
	}
}

func TestFirewallSaveRulesFile(t *testing.T) {
	dir := t.TempDir()
	jsonFile := filepath.Join(dir, "rules.json")
	os.WriteFile(jsonFile, []byte(`{"ruleset_details": {"id": "fw-1", "enabled": true, "rules": {
		"in": [{"policy": "ACCEPT", "protocol": "6", "source": {"ip": "0.0.0.0", "mask_short": 0, "port": {"begin": "", "end": ""}},
		        "destination": {"ip": "123.123.123.123", "mask_short": 32, "port": {"begin": "22", "end": "22"}}},
		       {"policy": "DROP"}],
		"out": []}}}`), 0o600)
	yamlFile := filepath.Join(dir, "rules.yaml")
	os.WriteFile(yamlFile, []byte("in:\n  - policy: ACCEPT\n    protocol: 6\n    destination: {ip: 123.123.123.123, mask_short: 32, port: {begin: 22, end: 22}}\n  - policy: DROP\n"), 0o600)
	badFile := filepath.Join(dir, "bad.json")
	os.WriteFile(badFile, []byte(`{"in": [{"policy": "ACCEPT", "destinaton": {}}]}`), 0o600)

	want := artnet.FirewallRules{In: []artnet.FirewallRule{
		{Policy: "ACCEPT", Protocol: "6", Source: artnet.FirewallAddress{IP: "0.0.0.0"},
			Destination: artnet.FirewallAddress{IP: "123.123.123.123", MaskShort: 32, Port: artnet.FirewallPort{Begin: "22", End: "22"}}},
		{Policy: "DROP"},
	}, Out: []artnet.FirewallRule{}}
	for _, file := range []string{jsonFile, yamlFile} {
		var got *FirewallSaveOptions
		noEnv(t).runWith(t, "firewall", func(f *Factory) *cobra.Command {
			return newCmdFirewallSave(f, func(o *FirewallSaveOptions) error { got = o; return nil })
		}, "firewall", "save", "fw-1", "--rules-file", file).wantCode(t, 0)
		if file == yamlFile {
			want.In[0].Source = artnet.FirewallAddress{}
			want.Out = nil
		}
		if got.RulesetID != "fw-1" || !reflect.DeepEqual(got.Rules, want) {
			t.Fatalf("%s: %+v\nwant %+v", file, got.Rules, want)
		}
	}
	r := noEnv(t).runWith(t, "firewall", func(f *Factory) *cobra.Command {
		return newCmdFirewallSave(f, func(o *FirewallSaveOptions) error { t.Fatal("called"); return nil })
	}, "firewall", "save", "fw-1", "--rules-file", badFile).wantCode(t, exitUsage)
	if !strings.Contains(r.stderr, "destinaton") {
		t.Fatalf("stderr = %q", r.stderr)
	}
}

func TestFirewallConfirmWithin(t *testing.T) {
	file := filepath.Join(t.TempDir(), "rules.json")
	os.WriteFile(file, []byte(`{"in": [{"policy": "DROP"}]}`), 0o600)
	save := func(args ...string) (*FirewallSaveOptions, result) {
		var got *FirewallSaveOptions
		r := noEnv(t).runWith(t, "firewall", func(f *Factory) *cobra.Command {
			return newCmdFirewallSave(f, func(o *FirewallSaveOptions) error { got = o; return nil })
		}, append([]string{"firewall", "save", "fw-1", "--rules-file", file}, args...)...)
		return got, r
	}
	for arg, want := range map[string]time.Duration{"": 0, "2m": 2 * time.Minute, "30s": 30 * time.Second, "1h": time.Hour, "90s": 90 * time.Second} {
		args := []string{}
		if arg != "" {
			args = append(args, "--confirm-within", arg)
		}
		got, r := save(args...)
		r.wantCode(t, 0)
		if got.ConfirmWithin != want {
			t.Errorf("--confirm-within %q: %s, want %s", arg, got.ConfirmWithin, want)
		}
	}
	for _, arg := range []string{"29s", "0", "61m", "1m30.5s", "-2m", "two minutes"} {
		got, r := save("--confirm-within", arg)
		r.wantCode(t, exitUsage)
		if got != nil || !strings.Contains(r.stderr, "--confirm-within") {
			t.Errorf("--confirm-within %q: run=%v, stderr %q", arg, got != nil, r.stderr)
		}
	}

	// confirm takes the ruleset id; save-confirm (the API's name) is an alias.
	for _, name := range []string{"confirm", "save-confirm"} {
		var got *ArgOptions
		noEnv(t).runWith(t, "firewall", func(f *Factory) *cobra.Command {
			return newCmdFirewallSaveConfirm(f, func(o *ArgOptions) error { got = o; return nil })
		}, "firewall", name, "fw-1").wantCode(t, 0)
		if got == nil || got.Value != "fw-1" {
			t.Errorf("firewall %s fw-1: %+v", name, got)
		}
	}
	noEnv(t).runWith(t, "firewall", func(f *Factory) *cobra.Command {
		return newCmdFirewallSaveConfirm(f, func(o *ArgOptions) error { t.Fatal("called"); return nil })
	}, "firewall", "confirm").wantCode(t, exitUsage)
}

func TestMoreFlags(t *testing.T) {
	t.Run("rev-dns edit", func(t *testing.T) {
		var got *RevDNSEditOptions
		noEnv(t).runWith(t, "rev-dns", func(f *Factory) *cobra.Command {
			return newCmdRevDNSEdit(f, func(o *RevDNSEditOptions) error { got = o; return nil })
		}, "rev-dns", "edit", "501", "--dns-subclass", "124.123.123", "--serial", "42", "--ptr", "1=mail.example.com.", "--delete", "2").wantCode(t, 0)
		want := []artnet.PTRRecordEdit{{Origin: "1", PTR: "mail.example.com."}, {Origin: "2", Delete: true}}
		if got.SubnetworkID != 501 || got.DNSSubclass != "124.123.123" || got.Serial != 42 || !reflect.DeepEqual(got.PTRRecords, want) {
			t.Fatalf("%+v", got)
		}
	})
	t.Run("domain edit-dns-servers keeps order", func(t *testing.T) {
		var got *DomainEditDNSServersOptions
		noEnv(t).runWith(t, "domain", func(f *Factory) *cobra.Command {
			return newCmdDomainEditDNSServers(f, func(o *DomainEditDNSServersOptions) error { got = o; return nil })
		}, "domain", "edit-dns-servers", "12348", "--dns-server", "ns2.example.com", "--dns-server", "ns1.example.com").wantCode(t, 0)
		if got.ServiceID != 12348 || !reflect.DeepEqual(got.DNSServers, []string{"ns2.example.com", "ns1.example.com"}) {
			t.Fatalf("%+v", got)
		}
	})
	t.Run("cloud-instance resources-negotiate", func(t *testing.T) {
		var got *ResourcesNegotiateOptions
		noEnv(t).runWith(t, "cloud-instance", func(f *Factory) *cobra.Command {
			return newCmdCloudInstanceResourcesNegotiate(f, func(o *ResourcesNegotiateOptions) error { got = o; return nil })
		}, "cloud-instance", "resources-negotiate", "77", "--cpu", "4", "--hdd", "40", "--shutdown", "--instance-password", "s3cret", "--yes").wantCode(t, 0)
		if got.InstanceID != 77 || !got.Shutdown || got.Password != "s3cret" || got.Resources != (artnet.CloudResources{CPU: 4, HDD: 40}) {
			t.Fatalf("%+v", got)
		}
	})
	t.Run("cloud-instance password from stdin", func(t *testing.T) {
		var pw string
		in := noEnv(t)
		in.stdin = "from-stdin\n"
		in.runWith(t, "cloud-instance", func(f *Factory) *cobra.Command {
			return newCmdCloudInstanceDelete(f, func(o *InstanceOptions) error {
				var err error
				pw, err = o.InstancePassword()
				return err
			})
		}, "cloud-instance", "delete", "77", "--yes").wantCode(t, 0)
		if pw != "from-stdin" {
			t.Fatalf("password %q", pw)
		}
	})
	t.Run("customer change-language", func(t *testing.T) {
		var got string
		noEnv(t).runWith(t, "customer", func(f *Factory) *cobra.Command {
			return newCmdCustomerChangeLanguage(f, func(o *ArgOptions) error { got = o.Value; return nil })
		}, "customer", "change-language", "pl").wantCode(t, 0)
		if got != "pl" {
			t.Fatalf("language %q", got)
		}
	})
	t.Run("resources-calculate-price without instance", func(t *testing.T) {
		var got *ResourcesCalculatePriceOptions
		noEnv(t).runWith(t, "cloud-instance", func(f *Factory) *cobra.Command {
			return newCmdCloudInstanceResourcesCalculatePrice(f, func(o *ResourcesCalculatePriceOptions) error { got = o; return nil })
		}, "cloud-instance", "resources-calculate-price", "--cpu", "2", "--ram", "2048").wantCode(t, 0)
		if got.InstanceID != 0 || got.Resources != (artnet.CloudResources{CPU: 2, RAM: 2048}) {
			t.Fatalf("%+v", got)
		}
	})
}

func TestWrap(t *testing.T) {
	got := wrap("Changes DNS records for specified primary zone. You have to provide actual value of SOA serial number.", 30)
	want := "Changes DNS records for\nspecified primary zone. You\nhave to provide actual value\nof SOA serial number."
	if got != want {
		t.Fatalf("%q", got)
	}
}
