package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// The tests of this file run commands against a real artnetd (SQLite,
// demo inventory) and check stdout, stderr and the exit status.

var demoServiceNames = []string{
	"HP DL120 G7 123.123.123.123", "Colocation 1U rack A12", "VPS SSD 4 vps12347", "acme.test",
	"Additional IP for 12345", "avx-acme", "easyisp-acme", "hosting-acme", "Fail-over IP 123.123.127.1",
	"Internet link 100/100 Mbps", "Windows Server 2022 Standard", "SSL acme.test", "Remote hands (10 h)",
}

func TestServicesListTable(t *testing.T) {
	s := newTestServer(t)
	r := invocation{env: s.env(t)}.run(t, "services", "list").wantCode(t, 0)
	lines := strings.Split(strings.TrimRight(r.stdout, "\n"), "\n")
	if len(lines) != 14 {
		t.Fatalf("want a header and 13 rows, got %d lines:\n%s", len(lines), r.stdout)
	}
	if !strings.HasPrefix(lines[0], "ID ") || !strings.Contains(lines[0], "TYPE") || !strings.Contains(lines[0], "NAME") {
		t.Fatalf("header %q", lines[0])
	}
	// Columns are aligned: TYPE starts at the same offset on every line.
	col := strings.Index(lines[0], "TYPE")
	for i, name := range demoServiceNames {
		if !strings.Contains(lines[i+1], name) {
			t.Fatalf("row %d %q lacks %q", i+1, lines[i+1], name)
		}
		if lines[i+1][col-1] != ' ' || lines[i+1][col] == ' ' {
			t.Fatalf("row %q not aligned with the header", lines[i+1])
		}
	}
	if !strings.Contains(lines[1], "648.21 PLN") || !strings.Contains(lines[1], "2030-01-01") {
		t.Fatalf("row 1: %q", lines[1])
	}
	if r.stderr != "" {
		t.Fatalf("stderr: %q", r.stderr)
	}

	r = invocation{env: s.env(t)}.run(t, "services", "list", "--type", "dedicated").wantCode(t, 0)
	if n := strings.Count(r.stdout, "\n"); n != 2 || !strings.Contains(r.stdout, "12345") {
		t.Fatalf("--type dedicated:\n%s", r.stdout)
	}
	r = invocation{env: s.env(t)}.run(t, "dedicated", "list").wantCode(t, 0)
	if n := strings.Count(r.stdout, "\n"); n != 2 || !strings.Contains(r.stdout, "HP DL120") {
		t.Fatalf("dedicated list:\n%s", r.stdout)
	}
}

// apiAnswer posts a command directly and returns its answer without
// "success", as a generic value.
func apiAnswer(t *testing.T, s *testServer, path string, params ...string) map[string]any {
	t.Helper()
	v := url.Values{"id": {"19052"}, "api_key": {demoKey}}
	for i := 0; i+1 < len(params); i += 2 {
		v.Add(params[i], params[i+1])
	}
	resp, err := http.PostForm(s.URL+"/"+path, v)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil || m["success"] != true {
		t.Fatalf("%s: %v %s", path, err, b)
	}
	delete(m, "success")
	return m
}

func TestJSONOutputIsTheAPIAnswer(t *testing.T) {
	s := newTestServer(t)
	for _, c := range []struct {
		args   []string
		path   string
		params []string
	}{
		{[]string{"services", "list"}, "services/list", nil},
		{[]string{"services", "details", "12345"}, "services/details", []string{"service_id", "12345"}},
		{[]string{"dedicated", "details", "12345"}, "dedicated/details", []string{"service_id", "12345"}},
		{[]string{"fail-over-ip", "details", "12353"}, "fail-over-ip/details", []string{"service_id", "12353"}},
		{[]string{"vps", "details", "12347"}, "vps/details", []string{"service_id", "12347"}},
		{[]string{"customer", "details"}, "customer/details", nil},
		{[]string{"customer", "emails-list"}, "customer/emails-list", nil},
		{[]string{"customer", "email-details", "1"}, "customer/email-details", []string{"email_id", "1"}},
	} {
		want := apiAnswer(t, s, c.path, c.params...)
		for _, format := range []string{"json", "yaml"} {
			r := invocation{env: s.env(t)}.run(t, append(c.args, "-o", format)...).wantCode(t, 0)
			var got map[string]any
			var err error
			if format == "json" {
				err = json.Unmarshal([]byte(r.stdout), &got)
			} else {
				err = yaml.Unmarshal([]byte(r.stdout), &got)
			}
			if err != nil {
				t.Fatalf("%v -o %s: %v\n%s", c.args, format, err, r.stdout)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%v -o %s:\n got %v\nwant %v", c.args, format, got, want)
			}
		}
	}

	// Parsed back into the SDK's types.
	r := invocation{env: s.env(t)}.run(t, "services", "list", "-o", "json").wantCode(t, 0)
	var list artnet.ServicesListResponse
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil || len(list.ServicesList) != 13 {
		t.Fatalf("%v: %d services", err, len(list.ServicesList))
	}
	r = invocation{env: s.env(t)}.run(t, "services", "list", "-o", "yaml").wantCode(t, 0)
	if !strings.HasPrefix(r.stdout, "services_list:\n- id: 12345\n  type: dedicated\n") {
		t.Fatalf("yaml keeps the API's field order:\n%s", r.stdout[:min(200, len(r.stdout))])
	}
	list = artnet.ServicesListResponse{}
	if err := yaml.Unmarshal([]byte(r.stdout), &list); err != nil || len(list.ServicesList) != 13 || list.ServicesList[0].PaymentDetails.PriceBrutto != 64821 {
		t.Fatalf("yaml: %v %+v", err, list)
	}
}

func TestDetailsTable(t *testing.T) {
	s := newTestServer(t)
	r := invocation{env: s.env(t)}.run(t, "services", "details", "12345").wantCode(t, 0)
	for _, want := range []string{
		"id:                 12345\n",
		"type:               dedicated\n",
		"custom_description: -\n",
		"expiration_time:    2030-01-01 00:00:00 UTC\n",
		"payment_details:\n  price:          527.00\n  price_brutto:   648.21\n  currency:       PLN\n  payment_period: 1\n",
		"ip:                 123.123.123.123\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Fatalf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	r = invocation{env: s.env(t)}.run(t, "dedicated", "details", "12345").wantCode(t, 0)
	if !strings.Contains(r.stdout, "  cpu:\n    - vendor: Intel\n      model:  Xeon E3-1220\n") {
		t.Fatalf("nested lists:\n%s", r.stdout)
	}
}

// Money in tables and details has two decimals, cloud 24 h prices the
// four the API gives them with; -o json keeps the API's numbers.
func TestMoneyDecimals(t *testing.T) {
	s := newTestServer(t)
	r := invocation{env: s.env(t)}.run(t, "services", "list").wantCode(t, 0)
	for _, want := range []string{" 648.21 PLN ", " 430.50 PLN ", " 12.30 PLN ", " 984.00 PLN ", " 615.00 PLN "} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("services list lacks %q:\n%s", want, r.stdout)
		}
	}
	for cmd, want := range map[string][]string{
		"services details 12346":                           {"  price:          350.00\n  price_brutto:   430.50\n"},
		"offer-dedicated express-offer":                    {" 649.00 PLN / 1 mo "},
		"cloud-instance list":                              {" 3.3000 PLN "},
		"cloud-instance details 1":                         {"  price:    3.3000\n"},
		"cloud-instance resources-calculate-price --cpu 2": {"3.2000 PLN / 24h\n"},
		"offer-dedicated custom-offer":                     {"price:          450.00\n"},
	} {
		r := invocation{env: s.env(t)}.run(t, strings.Fields(cmd)...).wantCode(t, 0)
		for _, w := range want {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("%s lacks %q:\n%s", cmd, w, r.stdout)
			}
		}
	}
	r = invocation{env: s.env(t)}.run(t, "services", "details", "12346", "-o", "json").wantCode(t, 0)
	if !strings.Contains(r.stdout, `"price_brutto": 430.5,`) {
		t.Errorf("-o json changed the API's number:\n%s", r.stdout)
	}
}

func TestErrorsInTheUsersLanguage(t *testing.T) {
	s := newTestServer(t)
	for _, c := range []struct {
		lang, flag, want string
	}{
		{"", "", "error: authorization-failed: Authorization failed\n"},
		{"en_US.UTF-8", "", "error: authorization-failed: Authorization failed\n"},
		{"pl_PL.UTF-8", "", "error: authorization-failed: Błąd autoryzacji\n"},
		{"pl_PL.UTF-8", "--lang=en", "error: authorization-failed: Authorization failed\n"},
		{"C", "--lang=pl", "error: authorization-failed: Błąd autoryzacji\n"},
	} {
		env := s.env(t)
		env["LANG"] = c.lang
		args := []string{"services", "details", "99999"}
		if c.flag != "" {
			args = append(args, c.flag)
		}
		r := invocation{env: env}.run(t, args...).wantCode(t, exitError)
		if r.stderr != c.want || r.stdout != "" {
			t.Fatalf("LANG=%s %s: stdout %q stderr %q, want stderr %q", c.lang, c.flag, r.stdout, r.stderr, c.want)
		}
	}
	// When LANG names neither language, the customer's own language decides.
	env := s.env(t)
	env["LANG"] = "C.UTF-8"
	invocation{env: env}.run(t, "customer", "change-language", "pl").wantCode(t, 0)
	r := invocation{env: env}.run(t, "services", "details", "99999").wantCode(t, exitError)
	if r.stderr != "error: authorization-failed: Błąd autoryzacji\n" {
		t.Fatalf("customer language pl, LANG=C: stderr %q", r.stderr)
	}
	env["LANG"] = "en_GB.UTF-8"
	r = invocation{env: env}.run(t, "services", "details", "99999").wantCode(t, exitError)
	if r.stderr != "error: authorization-failed: Authorization failed\n" {
		t.Fatalf("LANG=en_GB wins over the customer's language: stderr %q", r.stderr)
	}

	// A wrong key.
	env = s.env(t)
	env["ARTNET_API_KEY"] = "WRONGkeyWRONGkeyWRONGkeyWRONGkeyWRONGkey"
	r = invocation{env: env}.run(t, "customer", "details").wantCode(t, exitError)
	if !strings.HasPrefix(r.stderr, "error: authorization-failed: ") {
		t.Fatalf("stderr %q", r.stderr)
	}
}

// A command the server does not offer prints its not-implemented error.
func TestNotImplementedCommand(t *testing.T) {
	s := newTestServer(t, "vps/power-on")
	r := invocation{env: s.env(t)}.run(t, "vps", "power-on", "12347").wantCode(t, exitError)
	if r.stderr != "error: not-implemented: Command is not implemented on this server yet\n" {
		t.Fatalf("stderr %q", r.stderr)
	}
	if !slices.Contains(s.requests(), "/api/vps/power-on") {
		t.Fatalf("requests %v", s.requests())
	}
}

func TestDestructiveRefusedWithoutTerminal(t *testing.T) {
	s := newTestServer(t)
	r := invocation{env: s.env(t)}.run(t, "dedicated", "power-off", "12345").wantCode(t, exitError)
	if !strings.Contains(r.stderr, "add --yes") {
		t.Fatalf("stderr %q", r.stderr)
	}
	r = invocation{env: s.env(t)}.run(t, "customer", "regenerate-api-key").wantCode(t, exitError)
	if len(s.requests()) != 0 {
		t.Fatalf("requests sent: %v", s.requests())
	}
	// With --yes it reaches the server (the demo server is on the power
	// simulator).
	r = invocation{env: s.env(t)}.run(t, "dedicated", "power-off", "12345", "--yes").wantCode(t, 0)
	if r.stderr != "" || !slices.Equal(s.requests(), []string{"/api/dedicated/power-off"}) {
		t.Fatalf("stderr %q requests %v", r.stderr, s.requests())
	}
}

func TestCustomerEditThenDetails(t *testing.T) {
	s := newTestServer(t)
	env := s.env(t)
	r := invocation{env: env}.run(t, "customer", "edit", "--city", "Kraków", "--postcode", "30-001").wantCode(t, 0)
	if r.stdout != "Customer details saved.\n" {
		t.Fatalf("stdout %q", r.stdout)
	}
	r = invocation{env: env}.run(t, "customer", "details", "-o", "json").wantCode(t, 0)
	var got artnet.CustomerDetailsResponse
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	c := got.Customer
	if c.City != "Kraków" || c.Postcode != "30-001" || c.Name != "ACME sp. z o.o." || c.Street != "ul. Marszałkowska 1" {
		t.Fatalf("customer %+v", c)
	}
	r = invocation{env: env}.run(t, "customer", "edit", "--email", "not-an-email").wantCode(t, exitError)
	if !strings.HasPrefix(r.stderr, "error: incorrect-param-value: ") {
		t.Fatalf("stderr %q", r.stderr)
	}
	r = invocation{env: env}.run(t, "-o", "json", "customer", "edit", "--tel", "+48 12 000 00 00").wantCode(t, 0)
	if strings.TrimSpace(r.stdout) != "{}" {
		t.Fatalf("json of a command without answer: %q", r.stdout)
	}
}

func TestContexts(t *testing.T) {
	s := newTestServer(t)
	cfgDir := filepath.Join(t.TempDir(), "artnet")
	cfgPath := filepath.Join(cfgDir, "config.yaml")
	env := map[string]string{"ARTNET_CONFIG": cfgPath}

	// No credentials at all.
	r := invocation{env: env}.run(t, "services", "list").wantCode(t, exitError)
	if !strings.Contains(r.stderr, "artnet context create") {
		t.Fatalf("stderr %q", r.stderr)
	}

	// create reads the key from stdin, never echoes it.
	r = invocation{env: env, stdin: demoKey + "\n"}.run(t, "context", "create", "demo", "--id", "19052", "--endpoint", s.URL).wantCode(t, 0)
	if strings.Contains(r.stdout+r.stderr, demoKey) {
		t.Fatal("the key was echoed")
	}
	st, err := os.Stat(cfgPath)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("config file: %v %v", st.Mode(), err)
	}
	if st, err := os.Stat(cfgDir); err != nil || st.Mode().Perm() != 0o700 {
		t.Fatalf("config dir: %v %v", st.Mode(), err)
	}
	// ... or from a hidden prompt on a terminal.
	r = invocation{env: env, stdinTTY: true, secret: "OTHERkeyOTHERkeyOTHERkeyOTHERkeyOTHERkey"}.run(t, "context", "create", "other", "--id", "20001").wantCode(t, 0)
	if !strings.Contains(r.stderr, "API key: ") || strings.Contains(r.stdout+r.stderr, "OTHERkey") {
		t.Fatalf("prompt: stdout %q stderr %q", r.stdout, r.stderr)
	}
	invocation{env: env, stdin: "x\n"}.run(t, "context", "create", "demo", "--id", "1").wantCode(t, exitError)
	invocation{env: env, stdin: demoKey}.run(t, "context", "create", "bad", "--id", "1", "--api-key", demoKey).wantCode(t, exitUsage)
	invocation{env: env, stdin: demoKey}.run(t, "context", "create", "noid").wantCode(t, exitUsage)

	// list never shows keys.
	for _, format := range []string{"table", "json", "yaml"} {
		r = invocation{env: env}.run(t, "context", "list", "-o", format).wantCode(t, 0)
		if strings.Contains(r.stdout, demoKey) || strings.Contains(r.stdout, "OTHERkey") || strings.Contains(r.stdout, "api_key") {
			t.Fatalf("context list -o %s shows a key:\n%s", format, r.stdout)
		}
		if !strings.Contains(r.stdout, "demo") || !strings.Contains(r.stdout, "other") || !strings.Contains(r.stdout, "19052") {
			t.Fatalf("context list -o %s:\n%s", format, r.stdout)
		}
	}
	r = invocation{env: env}.run(t, "context", "list").wantCode(t, 0)
	if !regexpMatch(`\*\s+demo\s+19052\s+`+regexpQuote(s.URL), r.stdout) {
		t.Fatalf("the first context is the current one:\n%s", r.stdout)
	}

	// Commands use the current context.
	r = invocation{env: env}.run(t, "customer", "get-language").wantCode(t, 0)
	if r.stdout != "en\n" {
		t.Fatalf("stdout %q", r.stdout)
	}

	// Precedence: flags > environment > context.
	wrong := "WRONGkeyWRONGkeyWRONGkeyWRONGkeyWRONGkey"
	envWrong := map[string]string{"ARTNET_CONFIG": cfgPath, "ARTNET_API_KEY": wrong}
	invocation{env: envWrong}.run(t, "customer", "get-language").wantCode(t, exitError)
	invocation{env: envWrong}.run(t, "customer", "get-language", "--api-key", demoKey).wantCode(t, 0)
	envRight := map[string]string{"ARTNET_CONFIG": cfgPath, "ARTNET_API_KEY": demoKey}
	invocation{env: envRight}.run(t, "customer", "get-language", "--api-key", wrong).wantCode(t, exitError)
	invocation{env: map[string]string{"ARTNET_CONFIG": cfgPath, "ARTNET_ID": "20001"}}.run(t, "customer", "get-language").wantCode(t, exitError)
	invocation{env: map[string]string{"ARTNET_CONFIG": cfgPath, "ARTNET_ID": "20001"}}.run(t, "customer", "get-language", "--id", "19052").wantCode(t, 0)
	invocation{env: map[string]string{"ARTNET_CONFIG": cfgPath, "ARTNET_ENDPOINT": "http://127.0.0.1:1/api"}}.run(t, "customer", "get-language").wantCode(t, exitError)

	// --context and use.
	envEndpoint := map[string]string{"ARTNET_CONFIG": cfgPath, "ARTNET_ENDPOINT": s.URL}
	r = invocation{env: envEndpoint}.run(t, "customer", "get-language", "--context", "other").wantCode(t, exitError)
	if !strings.Contains(r.stderr, "authorization-failed") { // other's id and key, the endpoint of the environment
		t.Fatalf("stderr %q", r.stderr)
	}
	invocation{env: env}.run(t, "customer", "get-language", "--context", "nope").wantCode(t, exitError)
	invocation{env: env}.run(t, "context", "use", "other").wantCode(t, 0)
	r = invocation{env: env}.run(t, "context", "list").wantCode(t, 0)
	if !regexpMatch(`\*\s+other\s+20001`, r.stdout) {
		t.Fatalf("after use other:\n%s", r.stdout)
	}
	invocation{env: env}.run(t, "context", "use", "nope").wantCode(t, exitError)
	invocation{env: env}.run(t, "context", "delete", "other").wantCode(t, 0)
	invocation{env: env}.run(t, "context", "delete", "other").wantCode(t, exitError)
	r = invocation{env: env}.run(t, "context", "list").wantCode(t, 0)
	if strings.Contains(r.stdout, "other") || strings.Contains(r.stdout, "*") {
		t.Fatalf("after delete:\n%s", r.stdout)
	}
	invocation{env: env}.run(t, "context", "use", "demo").wantCode(t, 0)

	// The file stays private after rewrites.
	if st, err := os.Stat(cfgPath); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("config file: %v %v", st.Mode(), err)
	}

	// A file others can read is used, with a warning.
	os.Chmod(cfgPath, 0o644)
	r = invocation{env: env}.run(t, "customer", "get-language").wantCode(t, 0)
	if !strings.Contains(r.stderr, "warning: ") || !strings.Contains(r.stderr, "chmod 600") {
		t.Fatalf("stderr %q", r.stderr)
	}
	os.Chmod(cfgPath, 0o600)
}

func TestRegenerateAPIKeyUpdatesTheContext(t *testing.T) {
	s := newTestServer(t)
	cfgPath := filepath.Join(t.TempDir(), "config.yaml")
	env := map[string]string{"ARTNET_CONFIG": cfgPath}
	invocation{env: env, stdin: demoKey}.run(t, "context", "create", "demo", "--id", "19052", "--endpoint", s.URL).wantCode(t, 0)

	r := invocation{env: env}.run(t, "customer", "regenerate-api-key", "--yes").wantCode(t, 0)
	key, ok := strings.CutPrefix(strings.TrimSpace(r.stdout), "New API key: ")
	if !ok || len(key) < 32 || strings.Count(r.stdout, key) != 1 || strings.Contains(r.stderr, key) {
		t.Fatalf("stdout %q stderr %q", r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, `context "demo" now holds the new one`) {
		t.Fatalf("stderr %q", r.stderr)
	}
	cfg, _, err := loadConfig(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	if e, _ := cfg.Lookup("demo"); e.APIKey != key {
		t.Fatalf("context key not updated")
	}
	// The context works with the new key; the old one is dead.
	invocation{env: env}.run(t, "customer", "details").wantCode(t, 0)
	invocation{env: map[string]string{"ARTNET_CONFIG": cfgPath, "ARTNET_API_KEY": demoKey}}.run(t, "customer", "details").wantCode(t, exitError)

	// A key from the environment is not saved anywhere.
	envKey := map[string]string{"ARTNET_CONFIG": cfgPath, "ARTNET_API_KEY": key}
	r = invocation{env: envKey}.run(t, "customer", "regenerate-api-key", "--yes", "-o", "json").wantCode(t, 0)
	var resp artnet.APIKeyResponse
	if err := json.Unmarshal([]byte(r.stdout), &resp); err != nil || resp.APIKey == "" || resp.APIKey == key {
		t.Fatalf("json %q: %v", r.stdout, err)
	}
	if !strings.Contains(r.stderr, "ARTNET_API_KEY") {
		t.Fatalf("stderr %q", r.stderr)
	}
	cfg, _, _ = loadConfig(cfgPath)
	if e, _ := cfg.Lookup("demo"); e.APIKey != key {
		t.Fatalf("context changed though the key came from the environment")
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"servics", "list"},
		{"services", "lst"},
		{"services", "list", "--bogus"},
		{"services", "details"},
		{"customer", "details", "extra"},
		{"dedicated", "power-off"},
		{"context", "create"},
	} {
		r := noEnv(t).run(t, args...).wantCode(t, exitUsage)
		if !strings.HasPrefix(r.stderr, "error: ") || r.stdout != "" {
			t.Fatalf("%v: stdout %q stderr %q", args, r.stdout, r.stderr)
		}
	}
	// An invalid value caught by the SDK before sending is a usage error
	// too.
	s := newTestServer(t)
	r := invocation{env: s.env(t)}.run(t, "services", "list", "--type", "nope").wantCode(t, exitUsage)
	if !strings.Contains(r.stderr, "service_type") || len(s.requests()) != 0 {
		t.Fatalf("stderr %q requests %v", r.stderr, s.requests())
	}
}

func TestHelpAndCompletion(t *testing.T) {
	r := noEnv(t).run(t).wantCode(t, 0)
	for _, want := range []string{"API modules:", "services", "cloud-instance", "Configuration:", "context", "completion"} {
		if !strings.Contains(r.stdout, want) {
			t.Fatalf("help lacks %q:\n%s", want, r.stdout)
		}
	}
	r = noEnv(t).run(t, "dns", "edit-primary-records", "--help").wantCode(t, 0)
	if !strings.Contains(r.stdout, "NAME [TTL] TYPE DATA1") || !strings.Contains(r.stdout, "/dns/edit-primary-records") {
		t.Fatalf("help:\n%s", r.stdout)
	}
	r = noEnv(t).run(t, "--help").wantCode(t, 0)
	if !strings.Contains(r.stdout, "--api-key") || !strings.Contains(r.stdout, "discouraged") {
		t.Fatalf("help:\n%s", r.stdout)
	}
	for _, shell := range []string{"bash", "zsh", "fish"} {
		r = noEnv(t).run(t, "completion", shell).wantCode(t, 0)
		if !strings.Contains(r.stdout, "artnet") {
			t.Fatalf("completion %s:\n%s", shell, r.stdout[:min(300, len(r.stdout))])
		}
	}
}
