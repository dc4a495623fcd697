package inventory_test

import (
	"context"
	"strings"
	"testing"

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
