package cli

import (
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/spec"
)

// apiCommands returns the commands of root that run an API command, by
// their API path ("services/list").
func apiCommands(root *cobra.Command) map[string]*cobra.Command {
	out := map[string]*cobra.Command{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if p, ok := c.Annotations["api"]; ok {
			out[p] = c
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return out
}

func TestEveryAPICommandHasACommand(t *testing.T) {
	f, _, _ := noEnv(t).factory()
	root := NewCmdRoot(f)
	cmds := apiCommands(root)
	all := spec.All()
	documented := 0
	for _, sc := range all {
		if !sc.Extension {
			documented++
		}
	}
	if documented != 93 || len(cmds) != len(all) {
		t.Fatalf("%d catalogue commands (%d documented, want 93), %d CLI commands", len(all), documented, len(cmds))
	}
	for _, sc := range all {
		c, ok := cmds[sc.Path()]
		if !ok {
			t.Errorf("%s: no command", sc.Path())
			continue
		}
		if got := c.CommandPath(); got != "artnet "+sc.Module+" "+cliName(sc) {
			t.Errorf("%s: command is %q", sc.Path(), got)
		}
		// A command named otherwise on the command line answers to the
		// API's name too.
		if found, _, err := root.Find([]string{sc.Module, sc.Name}); err != nil || found != c {
			t.Errorf("%s: artnet %s %s finds %v, %v", sc.Path(), sc.Module, sc.Name, found, err)
		}
		if sc.Extension != strings.Contains(c.Long, "This command is an extension of artnetd") {
			t.Errorf("%s: extension=%v, help %q", sc.Path(), sc.Extension, c.Long)
		}
		// Parameters added by artnetd have a flag that says so.
		for _, p := range sc.Params {
			if !p.Extension {
				continue
			}
			if fl := c.Flags().Lookup(flagName(p.Name)); fl == nil || !strings.Contains(fl.Usage, "artnetd") {
				t.Errorf("%s: extension parameter %s: flag %+v", sc.Path(), p.Name, fl)
			}
		}
		if sc.Destructive != (c.Flags().Lookup("yes") != nil) {
			t.Errorf("%s: destructive=%v, --yes=%v", sc.Path(), sc.Destructive, c.Flags().Lookup("yes") != nil)
		}
		if c.Short == "" || !strings.Contains(c.Long, "/"+sc.Path()) {
			t.Errorf("%s: help %q / %q", sc.Path(), c.Short, c.Long)
		}
		// The SDK agrees on the destructive commands.
		if cmd, ok := artnet.LookupCommand(sc.Path()); !ok || cmd.Destructive != sc.Destructive {
			t.Errorf("%s: SDK command %+v", sc.Path(), cmd)
		}
	}
	// Modules are in the documentation's order in the tree.
	var modules []string
	for _, m := range spec.Modules() {
		modules = append(modules, m.Name)
		if c, _, err := root.Find([]string{m.Name}); err != nil || c.Name() != m.Name {
			t.Errorf("module %s: %v", m.Name, err)
		}
	}
	if len(modules) != 22 { // 20 documented, api-keys and invoices (extensions)
		t.Fatalf("%d modules", len(modules))
	}
}

// minimalArgs are arguments that make each command send its request
// (values the SDK accepts); the server answers whatever it answers.
var minimalArgs = map[string][]string{
	"customer/regenerate-api-key":                  {"--yes"},
	"customer/email-details":                       {"1"},
	"customer/change-language":                     {"en"},
	"customer/edit":                                {"--city", "Warszawa"},
	"services/details":                             {"12345"},
	"domain/details":                               {"12348"},
	"domain/edit-dns-servers":                      {"12348", "--dns-server", "ns1.example.com", "--dns-server", "ns2.example.com"},
	"easyisp/details":                              {"12351"},
	"avx/details":                                  {"12350"},
	"hosting-artnet/details":                       {"12352"},
	"ssl/details":                                  {"12356"},
	"software/details":                             {"12355"},
	"link-service/details":                         {"12354"},
	"fail-over-ip/details":                         {"12353"},
	"fail-over-ip/switch":                          {"12353", "--real-ip", "123.123.125.10"},
	"additional-ip/details":                        {"12349"},
	"additional-ip/order-info":                     {"12345"},
	"additional-ip/order":                          {"12345", "--ips-number", "1"},
	"vps/details":                                  {"12347"},
	"vps/power-on":                                 {"12347"},
	"vps/power-off":                                {"12347", "--yes"},
	"vps/power-restart":                            {"12347", "--yes"},
	"dedicated/details":                            {"12345"},
	"dedicated/transfer-usage-details":             {"12345"},
	"dedicated/ilo-details":                        {"12345"},
	"dedicated/ilo-access-enable":                  {"12345", "--remote-ip", "198.51.100.7"},
	"dedicated/ilo-access-disable":                 {"12345"},
	"dedicated/power-details":                      {"12345"},
	"dedicated/power-on":                           {"12345"},
	"dedicated/power-off":                          {"12345", "--yes"},
	"dedicated/power-restart":                      {"12345", "--yes"},
	"colocation/details":                           {"12346"},
	"colocation/transfer-usage-details":            {"12346"},
	"colocation/power-details":                     {"12346"},
	"colocation/power-on":                          {"12346"},
	"colocation/power-off":                         {"12346", "--yes"},
	"colocation/power-restart":                     {"12346", "--yes"},
	"ip-blackholing/enable":                        {"123.123.124.1", "--yes"},
	"ip-blackholing/disable":                       {"123.123.124.1"},
	"dns/delete":                                   {"1", "--yes"},
	"dns/details-secoundary":                       {"1"},
	"dns/add-secoundary":                           {"acme.test", "--master-nameserver", "ns.acme.test"},
	"dns/details-primary":                          {"1"},
	"dns/add-primary":                              {"acme.test"},
	"dns/edit-primary-records":                     {"1", "--serial", "1", "--record", "www 3600 A 1.2.3.4"},
	"dns/dnssec-enable":                            {"1", "--algorithm", "ED25519"},
	"dns/dnssec-disable":                           {"1", "--yes"},
	"dns/dnssec-details":                           {"1"},
	"rev-dns/details":                              {"501", "--dns-subclass", "124.123.123"},
	"rev-dns/edit":                                 {"501", "--dns-subclass", "124.123.123", "--serial", "1", "--ptr", "1=a.acme.test."},
	"firewall/details":                             {"fw-12345"},
	"firewall/enable":                              {"fw-12345"},
	"firewall/disable":                             {"fw-12345"},
	"firewall/save":                                {"fw-12345", "--rules-file", "-", "--confirm-within", "2m"},
	"firewall/save-confirm":                        {"fw-12345"},
	"offer-dedicated/express-reservation":          {"1"},
	"offer-dedicated/express-reservation-cancel":   {"1"},
	"offer-dedicated/express-order":                {"1"},
	"cloud-instance/details":                       {"1"},
	"cloud-instance/action-power-on":               {"1"},
	"cloud-instance/action-power-off":              {"1", "--yes"},
	"cloud-instance/action-power-restart":          {"1", "--yes"},
	"cloud-instance/action-shutdown":               {"1", "--yes"},
	"cloud-instance/action-reboot":                 {"1", "--yes"},
	"cloud-instance/resources-allowed-ranges":      {"1"},
	"cloud-instance/resources-calculate-price":     {"--cpu", "2"},
	"cloud-instance/resources-negotiate":           {"1", "--cpu", "2", "--yes"},
	"cloud-instance/boot-installation-images-list": {"1"},
	"cloud-instance/boot-mode-installation-image":  {"1", "--installation-image", "debian", "--yes"},
	"cloud-instance/boot-mode-boot":                {"1", "--yes"},
	"cloud-instance/custom-properties-edit":        {"1", "--display-name", "web"},
	"cloud-instance/password-change":               {"1", "--new-password", "n3wpass"},
	"cloud-instance/delete":                        {"1", "--yes"},
	"invoices/details":                             {"PF/2026/000001"},
	"api-keys/create":                              {"--label", "dns bot", "--scope", "dns/*", "--service-id", "1", "--source-prefix", "192.0.2.0/24", "--expires-in", "24h"},
	"api-keys/delete":                              {"1", "--yes"},
	"invoices/download-proforma":                   {"PF/2026/000001", "--file", "/dev/null"},
}

// TestEveryCommandReachesItsAPICommand runs each command (the 93 documented
// and the extensions) by its CLI name against a real server: each sends
// exactly one request to its own path, and ends with success or an API
// error (not-implemented for the commands whose server side has not
// landed), never a usage error.
func TestEveryCommandReachesItsAPICommand(t *testing.T) {
	for _, sc := range spec.All() {
		t.Run(sc.Path(), func(t *testing.T) {
			s := newTestServer(t)
			env := s.env(t)
			env["ARTNET_INSTANCE_PASSWORD"] = "instance-pw"
			args := append([]string{sc.Module, cliName(sc)}, minimalArgs[sc.Path()]...)
			r := invocation{env: env, stdin: `{"in": [{"policy": "DROP"}]}`}.run(t, args...)
			if r.code == exitUsage {
				t.Fatalf("usage error: %s", r.stderr)
			}
			if got := s.requests(); !slices.Equal(got, []string{"/api/" + sc.Path()}) {
				t.Fatalf("requests %v\nstderr %s", got, r.stderr)
			}
			if r.code != 0 && !strings.HasPrefix(r.stderr, "error: ") {
				t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
			}
			t.Logf("exit %d: %s%s", r.code, firstLine(r.stdout), firstLine(r.stderr))
			if r.code == 0 && r.stdout == "" {
				t.Fatalf("no output")
			}
		})
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
