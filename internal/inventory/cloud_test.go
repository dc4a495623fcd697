package inventory_test

import (
	"context"
	"github.com/artnet-panel/artnet-panel/internal/driver/powersim"
	"github.com/artnet-panel/artnet-panel/internal/power"
	"strconv"
	"strings"
	"testing"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/inventory"
	"github.com/artnet-panel/artnet-panel/internal/panel"
)

var cloudFile = `{"customers": [{` + okCustomer + `,
  "services": [` + svcVPS + `],
  "cloud_instances": [{"id": 3, "name": "ci-3", "custom_name": "web", "state": "running", "boot_status": "install",
    "installation_image": "deb", "vnc_configuration": {"host": "", "port": 5903},
    "resources": {"cpu_cores": 2, "ram": 2048, "hdd": 20, "bandwidth": 100},
    "custom_properties": {"display_name": "web", "notes": "n"},
    "network_configuration": {"ip": "192.0.2.3", "mask": "255.255.255.0", "gateway_ip": "192.0.2.1", "dns_list": ["192.0.2.53"]},
    "instance_password": "Pass.word1"}]}],
  "installation_images_list": [{"label": "Debian", "distribution": "debian", "image": "deb", "file": "deb.iso"}],
  "cloud_price_list": {"currency": "PLN", "cpu_core": "1.25", "ram_gb": "0.5", "hdd_gb": "0.01", "bandwidth_mbps": "0.0001"},
  "cloud_resources_ranges": {"cpu": {"min": 1, "max": 4, "step": 1}, "ram": {"min": 512, "max": 4096, "step": 512},
                             "hdd": {"min": 10, "max": 100, "step": 10}, "bandwidth": {"min": 10, "max": 100, "step": 10}}}`

var svcVPS = strings.Replace(svc(12, 0, "vps", `{"features": {"power_management": true}, "active": true}`),
	`"details"`, `"power_management": {"driver": "qemu", "name": "vps-12", "cpus": 1, "ram": 256, "hdd": 5, "power_on": true}, "details"`, 1)

// The cloud keys survive export and import: the password as its stored
// forms (never the password), which import again without the key.
func TestCloudRoundTrip(t *testing.T) {
	ctx := context.Background()
	key := []byte("0123456789abcdef0123456789abcdef")
	inv, err := inventory.Parse([]byte(cloudFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := inventory.Import(ctx, openStore(t), inv); err == nil || !strings.Contains(err.Error(), "cloud_instances[0].instance_password") {
		t.Fatalf("import without the key: %v", err)
	}
	inv.CloudSecretKey = key
	st := openStore(t)
	if err := inventory.Import(ctx, st, inv); err != nil {
		t.Fatal(err)
	}
	out, err := inventory.Export(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := inventory.MarshalJSON(out)
	for _, want := range []string{`"instance_password_hash": "pbkdf2-sha256$`, `"instance_vnc_secret": "v1$`, `"installation_image": "deb"`,
		`"state": "running"`, `"host": "127.0.0.1"`, `"cpu_core": 1.25`, `"file": "deb.iso"`, `"driver": "qemu"`, `"power_on": true`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("export lacks %s:\n%s", want, b)
		}
	}
	if strings.Contains(string(b), "Pass.word1") {
		t.Fatalf("export holds the password:\n%s", b)
	}
	i, err := st.CloudInstanceGet(ctx, 7, 3)
	if err != nil || !panel.CheckInstancePassword(i.PasswordHash, "Pass.word1") {
		t.Fatalf("stored instance %+v, %v", i, err)
	}
	if vnc, err := panel.OpenVNCSecret(key, "ci-3", i.VNCSecret); err != nil || vnc != "Pass.wor" {
		t.Fatalf("console password %q, %v", vnc, err)
	}
	again, err := inventory.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	st2 := openStore(t)
	if err := inventory.Import(ctx, st2, again); err != nil {
		t.Fatalf("re-import of the export: %v", err)
	}
	out2, _ := inventory.Export(ctx, st2)
	b2, _ := inventory.MarshalJSON(out2)
	if string(b2) != string(b) {
		t.Fatalf("export of the re-import differs:\n%s\n---\n%s", b, b2)
	}
}

func TestCloudImportErrors(t *testing.T) {
	for _, c := range []struct{ from, to, path string }{
		{`"installation_image": "deb"`, `"installation_image": "nope"`, "cloud_instances[0].installation_image"},
		{`"name": "ci-3"`, `"name": "CI 3"`, "cloud_instances[0].name"},
		{`"port": 5903`, `"port": 80`, "cloud_instances[0].vnc_configuration.port"},
		{`"instance_password": "Pass.word1"`, `"instance_password": "no spaces"`, "cloud_instances[0].instance_password"},
		{`"state": "running"`, `"state": "on"`, "cloud_instances[0].state"},
		{`"driver": "qemu"`, `"driver": "xen"`, "services[0].power_management"},
		{`"step": 512`, `"step": 0`, "cloud_resources_ranges.ram"},
		{`"file": "deb.iso"`, `"file": ""`, "installation_images_list[0].file"},
	} {
		inv, err := inventory.Parse([]byte(strings.Replace(cloudFile, c.from, c.to, 1)))
		if err != nil {
			t.Fatal(err)
		}
		inv.CloudSecretKey = []byte("0123456789abcdef0123456789abcdef")
		st := openStore(t)
		err = inventory.Import(context.Background(), st, inv)
		if err == nil || !strings.Contains(err.Error(), c.path) {
			t.Errorf("%s → %s: %v, want an error at %s", c.from, c.to, err, c.path)
		}
		if list, _ := st.CustomerList(context.Background()); len(list) != 0 {
			t.Errorf("%s → %s: a failed import wrote customers", c.from, c.to)
		}
	}
}

// withoutCloudSettings is cloudFile, its instance booting from its disk,
// without some of its cloud settings.
func withoutCloudSettings(keys ...string) string {
	doc := strings.Replace(cloudFile, `"boot_status": "install",
    "installation_image": "deb",`, `"boot_status": "boot",`, 1)
	for _, k := range keys {
		start := strings.Index(doc, `,
  "`+k+`"`)
		end := strings.Index(doc[start+1:], `,
  "`)
		if end < 0 {
			doc = doc[:start] + "}"
		} else {
			doc = doc[:start] + doc[start+1+end:]
		}
	}
	return doc
}

// Cloud instances need usable prices and ranges: imported without them,
// resources-allowed-ranges would answer 0/0/0 and no price could be
// computed. The import refuses, naming the missing key.
func TestCloudSettingsRequired(t *testing.T) {
	ctx := context.Background()
	key := []byte("0123456789abcdef0123456789abcdef")
	for _, c := range []struct {
		drop []string
		path string
	}{
		{[]string{"installation_images_list", "cloud_price_list", "cloud_resources_ranges"}, "$.cloud_resources_ranges:"},
		{[]string{"cloud_resources_ranges"}, "$.cloud_resources_ranges:"},
		{[]string{"cloud_price_list"}, "$.cloud_price_list:"},
		{[]string{"cloud_price_list", "cloud_resources_ranges"}, "$.cloud_price_list:"},
	} {
		doc := withoutCloudSettings(c.drop...)
		for _, k := range append(c.drop, "installation_image") {
			if strings.Contains(doc, `"`+k+`"`) {
				t.Fatalf("%s still in %s", k, doc)
			}
		}
		inv, err := inventory.Parse([]byte(doc))
		if err != nil {
			t.Fatalf("without %v: %v", c.drop, err)
		}
		inv.CloudSecretKey = key
		st := openStore(t)
		err = inventory.Import(ctx, st, inv)
		if err == nil || !strings.Contains(err.Error(), c.path) {
			t.Errorf("without %v: %v, want an error at %s", c.drop, err, c.path)
		}
		if raw, _ := st.CloudSettings(ctx); raw != nil {
			t.Errorf("without %v: a failed import stored settings %s", c.drop, raw)
		}
	}

	// Settings stored by an earlier import serve the instances of a later
	// one, which then need not repeat them.
	st := openStore(t)
	settings, err := inventory.Parse([]byte(`{"customers": [],
  "cloud_price_list": {"currency": "PLN", "cpu_core": "1", "ram_gb": "1", "hdd_gb": "0.1", "bandwidth_mbps": "0.001"},
  "cloud_resources_ranges": {"cpu": {"min": 1, "max": 4, "step": 1}, "ram": {"min": 512, "max": 4096, "step": 512},
                             "hdd": {"min": 10, "max": 100, "step": 10}, "bandwidth": {"min": 0, "max": 100, "step": 10}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := inventory.Import(ctx, st, settings); err != nil {
		t.Fatal(err)
	}
	inv, err := inventory.Parse([]byte(withoutCloudSettings("installation_images_list", "cloud_price_list", "cloud_resources_ranges")))
	if err != nil {
		t.Fatal(err)
	}
	inv.CloudSecretKey = key
	if err := inventory.Import(ctx, st, inv); err != nil {
		t.Fatalf("instances over stored settings: %v", err)
	}
	rg, err := panel.New(st).CloudRanges(ctx, 7, 3)
	if err != nil || rg.RAM.Step != 512 || rg.Bandwidth.Max != 100 {
		t.Fatalf("ranges %+v, %v", rg, err)
	}
}

// Ranges that allow no value, or whose min (where a new instance starts)
// is not allowed, are refused with the path of the bad value.
func TestCloudRangesMustMakeSense(t *testing.T) {
	for _, c := range []struct{ from, to, path string }{
		{`"step": 512`, `"step": 0`, "$.cloud_resources_ranges.ram.step:"},
		{`"step": 512`, `"step": -512`, "$.cloud_resources_ranges.ram.step:"},
		{`"cpu": {"min": 1, "max": 4`, `"cpu": {"min": 5, "max": 4`, "$.cloud_resources_ranges.cpu.max:"},
		{`"cpu": {"min": 1`, `"cpu": {"min": 0`, "$.cloud_resources_ranges.cpu.min:"},
		{`"hdd": {"min": 10`, `"hdd": {"min": 15`, "$.cloud_resources_ranges.hdd.min:"},
		{`"bandwidth": {"min": 10`, `"bandwidth": {"min": -10`, "$.cloud_resources_ranges.bandwidth.min:"},
		{`"ram": {"min": 512, "max": 4096, "step": 512}`, `"ram": {"min": 0, "max": 0, "step": 0}`, "$.cloud_resources_ranges.ram.step:"},
		{`"currency": "PLN", "cpu_core"`, `"currency": "", "cpu_core"`, "$.cloud_price_list.currency:"},
		{`"hdd_gb": "0.01"`, `"hdd_gb": "-0.01"`, "$.cloud_price_list.hdd_gb:"},
	} {
		doc := strings.Replace(cloudFile, c.from, c.to, 1)
		if doc == cloudFile {
			t.Fatalf("%s is not in the file", c.from)
		}
		inv, err := inventory.Parse([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		inv.CloudSecretKey = []byte("0123456789abcdef0123456789abcdef")
		err = inventory.Import(context.Background(), openStore(t), inv)
		if err == nil || !strings.Contains(err.Error(), c.path) {
			t.Errorf("%s → %s: %v, want an error at %s", c.from, c.to, err, c.path)
		}
	}
}

// A VPS's details.power_state seeds its power state when power_on is not
// given; the two given and different are refused.
func TestVPSPowerStateFromDetails(t *testing.T) {
	ctx := context.Background()
	vps := func(state, pm string) string {
		return `{"customers": [{` + okCustomer + `, "services": [` + strings.Replace(
			svc(12, 0, "vps", `{"features": {"power_management": true}, "power_state": "`+state+`", "active": true}`),
			`"details"`, `"power_management": `+pm+`, "details"`, 1) + `]}]}`
	}
	for _, c := range []struct {
		state, pm string
		want      string
	}{
		{"on", `{"driver": "sim"}`, "on"},
		{"off", `{"driver": "sim"}`, "off"},
		{"on", `{"driver": "sim", "power_on": true}`, "on"},
		{"unknown", `{"driver": "sim", "power_on": true}`, "on"},
		{"unknown", `{"driver": "sim"}`, "off"},
	} {
		inv, err := inventory.Parse([]byte(vps(c.state, c.pm)))
		if err != nil {
			t.Fatal(err)
		}
		st := openStore(t)
		if err := inventory.Import(ctx, st, inv); err != nil {
			t.Fatalf("power_state %s, %s: %v", c.state, c.pm, err)
		}
		p := panel.New(st)
		p.Power = &power.Registry{} // a node with the switch simulator
		p.Power.Register("sim", powersim.New(st))
		d, err := p.VPSDetails(ctx, 7, 12)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.(*artnet.VPSDetails).PowerState; got != c.want {
			t.Errorf("power_state %s, %s: /vps/details says %s, want %s", c.state, c.pm, got, c.want)
		}
		// The export says the state in both places and imports again.
		out, err := inventory.Export(ctx, st)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := inventory.MarshalJSON(out)
		if !strings.Contains(string(b), `"power_state": "`+c.want+`"`) || !strings.Contains(string(b), `"power_on": `+strconv.FormatBool(c.want == "on")) {
			t.Errorf("power_state %s, %s: export\n%s", c.state, c.pm, b)
		}
		again, err := inventory.Parse(b)
		if err == nil {
			err = inventory.Import(ctx, openStore(t), again)
		}
		if err != nil {
			t.Errorf("power_state %s, %s: re-import of the export: %v", c.state, c.pm, err)
		}
	}
	for _, c := range []struct{ state, pm, path string }{
		{"on", `{"driver": "sim", "power_on": false}`, "$.customers[0].services[0].power_management.power_on:"},
		{"off", `{"driver": "sim", "power_on": true}`, "$.customers[0].services[0].power_management.power_on:"},
		{"running", `{"driver": "sim"}`, "$.customers[0].services[0].details.power_state:"},
	} {
		inv, err := inventory.Parse([]byte(vps(c.state, c.pm)))
		if err != nil {
			t.Fatal(err)
		}
		st := openStore(t)
		err = inventory.Import(ctx, st, inv)
		if err == nil || !strings.Contains(err.Error(), c.path) {
			t.Errorf("power_state %s, %s: %v, want an error at %s", c.state, c.pm, err, c.path)
		}
	}
}
