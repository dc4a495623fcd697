package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/driver/qemu"
	"github.com/artnet-panel/artnet-panel/internal/hypervisor"
	"github.com/artnet-panel/artnet-panel/internal/testpeer"
)

const cloudInventory = `{
  "customers": [{
    "customer": {"id": 500, "name": "Cloud customer", "email": "c@example.test"},
    "api_key": "CloudKeyCloudKeyCloudKeyCloudKeyCloudKey",
    "services": [{
      "service": {"id": 600, "type": "vps", "name": "vps600", "ip": "192.0.2.60", "expiration_time": 1900000000,
                  "payment_details": {"price": 10, "price_brutto": 12.3, "currency": "PLN", "payment_period": 1}},
      "details": {"features": {"power_management": true}, "active": true},
      "power_management": {"driver": "qemu", "name": "t-vps-600", "cpus": 1, "ram": 64, "hdd": 1}
    }],
    "cloud_instances": [{
      "id": 7, "name": "t-ci-7", "custom_name": "test", "state": "stopped", "boot_status": "boot",
      "vnc_configuration": {"host": "127.0.0.1", "port": VNCPORT},
      "resources": {"cpu_cores": 1, "ram": 64, "hdd": 1, "bandwidth": 10},
      "network_configuration": {"ip": "192.0.2.70", "mask": "255.255.255.0", "gateway_ip": "192.0.2.1", "dns_list": []},
      "instance_password": "First.Pass1"
    }]
  }],
  "cloud_price_list": {"currency": "PLN", "cpu_core": "1", "ram_gb": "1", "hdd_gb": "0.1", "bandwidth_mbps": "0.001"},
  "cloud_resources_ranges": {"cpu": {"min": 1, "max": 2, "step": 1}, "ram": {"min": 64, "max": 256, "step": 64},
                             "hdd": {"min": 1, "max": 4, "step": 1}, "bandwidth": {"min": 10, "max": 100, "step": 10}}
}`

// TestCloudQEMU drives the cloud-instance module and VPS power through
// the built artnetd on real QEMU machines (a guest with no operating
// system: SeaBIOS finds nothing to boot and ignores ACPI), kills artnetd
// with SIGKILL and checks that the machines run on and that the restarted
// artnetd manages them.
func TestCloudQEMU(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the artnetd binary and boots virtual machines")
	}
	system, img := testpeer.NeedQEMU(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	dir := t.TempDir()
	bin := artnetdBinary(t)
	stateDir := filepath.Join(dir, "qemu")
	drv := &qemu.Driver{StateDir: stateDir, System: system, Img: img, Timeout: 30 * time.Second}
	t.Cleanup(func() {
		for _, n := range []string{"t-ci-7", "t-vps-600"} {
			drv.Delete(context.Background(), n)
		}
	})
	vncPort := testpeer.FreeVNCPort(t)
	vnc := fmt.Sprintf("127.0.0.1:%d", vncPort)
	dsn := "sqlite:" + filepath.Join(dir, "artnet.db")
	key := strings.Repeat("ab", 32)
	env := append(os.Environ(), "ARTNETD_CLOUD_SECRET_KEY="+key, "PATH="+filepath.Dir(system)+":"+os.Getenv("PATH"))
	inv := writeFile(t, "cloud.json", strings.Replace(cloudInventory, "VNCPORT", fmt.Sprint(vncPort), 1))
	imp := exec.CommandContext(ctx, bin, "admin", "import", "--db", dsn, inv)
	imp.Env = env
	if out, err := imp.CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	httpAddr := freeAddr(t)
	start := func() *exec.Cmd {
		return startArtnetd(t, bin, env, httpAddr, "serve", "--db", dsn, "--http", httpAddr, "--hypervisor", "qemu", "--qemu-state-dir", stateDir,
			"--cloud-shutdown-wait", "2s", "--hypervisor-reconcile", "1s")
	}
	proc := start()
	defer func() { proc.Process.Kill(); proc.Wait() }()
	call := func(cmd string, params ...string) map[string]any {
		t.Helper()
		v := url.Values{"id": {"500"}, "api_key": {"CloudKeyCloudKeyCloudKeyCloudKeyCloudKey"}}
		for i := 0; i+1 < len(params); i += 2 {
			v.Set(params[i], params[i+1])
		}
		resp, err := http.PostForm("http://"+httpAddr+"/api/"+cmd, v)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	ok := func(cmd string, params ...string) map[string]any {
		t.Helper()
		out := call(cmd, params...)
		if out["success"] != true {
			t.Fatalf("%s %v: %v", cmd, params, out)
		}
		return out
	}
	fail := func(code, cmd string, params ...string) {
		t.Helper()
		out := call(cmd, params...)
		if e, _ := out["error"].(map[string]any); out["success"] != false || e["code"] != code {
			t.Fatalf("%s %v: %v, want %s", cmd, params, out, code)
		}
	}
	state := func() string {
		t.Helper()
		return ok("cloud-instance/details", "instance_id", "7")["instance_details"].(map[string]any)["state"].(string)
	}
	pw := func(p string) []string { return []string{"instance_id", "7", "instance_password", p} }

	if s := state(); s != "stopped" {
		t.Fatalf("state %s before power-on", s)
	}
	ok("cloud-instance/action-power-on", pw("First.Pass1")...)
	if s := state(); s != "running" {
		t.Fatalf("state %s after power-on", s)
	}
	if err := testpeer.VNCAuth(vnc, "First.Pass1"); err != nil {
		t.Fatalf("VNC with the instance password: %v", err)
	}
	// The guest has no OS: it ignores the ACPI power button.
	fail("instance-unable-shutdown", "cloud-instance/resources-negotiate", append(pw("First.Pass1"), "shutdown", "true", "resources[cpu]", "2")...)
	fail("internal-cloud-power-on-error", "cloud-instance/action-reboot", pw("First.Pass1")...)
	if cpus, mem := machineResources(t, drv, "t-ci-7"); cpus != 1 || mem != 64<<20 {
		t.Fatalf("after a refused negotiate: %d CPUs, %d bytes", cpus, mem)
	}
	fail("instance-resources-negotiate-cannot-decrease-hdd", "cloud-instance/resources-negotiate", append(pw("First.Pass1"), "resources[hdd]", "0")...)
	ok("cloud-instance/resources-negotiate", append(pw("First.Pass1"), "shutdown", "false", "resources[cpu]", "2", "resources[ram]", "128", "resources[hdd]", "2")...)
	if cpus, mem := machineResources(t, drv, "t-ci-7"); cpus != 2 || mem != 128<<20 {
		t.Fatalf("after negotiate: %d CPUs, %d bytes; want 2 and 128 MiB", cpus, mem)
	}
	if size, err := drv.DiskSize(ctx, "t-ci-7"); err != nil || size != 2<<30 {
		t.Fatalf("disk %d, %v; want 2 GiB", size, err)
	}
	ok("cloud-instance/password-change", append(pw("First.Pass1"), "instance_new_password", "Second.Pass2")...)
	if err := testpeer.VNCAuth(vnc, "First.Pass1"); !errors.Is(err, testpeer.ErrVNCAuthFailed) {
		t.Fatalf("VNC with the old password: %v, want refused", err)
	}
	if err := testpeer.VNCAuth(vnc, "Second.Pass2"); err != nil {
		t.Fatalf("VNC with the new password: %v", err)
	}
	ok("vps/power-on", "service_id", "600", "confirm", "confirm")
	if s := ok("vps/details", "service_id", "600")["service_details"].(map[string]any)["power_state"]; s != "on" {
		t.Fatalf("VPS power_state %v after power-on", s)
	}

	// kill -9: the machines run on.
	proc.Process.Signal(syscall.SIGKILL)
	proc.Wait()
	for _, n := range []string{"t-ci-7", "t-vps-600"} {
		if st, err := drv.State(ctx, n); err != nil || st != hypervisor.Running {
			t.Fatalf("%s after kill -9 of artnetd: %s, %v", n, st, err)
		}
	}
	// A crash of one machine while artnetd is down (as a host reboot).
	if err := drv.Stop(ctx, "t-vps-600"); err != nil {
		t.Fatal(err)
	}
	proc = start()
	if s := state(); s != "running" {
		t.Fatalf("state %s after the restart", s)
	}
	// The reconciler starts the VPS that is meant to run.
	for deadline := time.Now().Add(time.Minute); ; {
		if st, _ := drv.State(ctx, "t-vps-600"); st == hypervisor.Running {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the reconciler did not start the VPS again")
		}
		time.Sleep(100 * time.Millisecond)
	}
	ok("vps/power-off", "service_id", "600", "confirm", "confirm")
	if s := ok("vps/details", "service_id", "600")["service_details"].(map[string]any)["power_state"]; s != "off" {
		t.Fatalf("VPS power_state %v after power-off", s)
	}
	ok("cloud-instance/action-power-off", pw("Second.Pass2")...)
	if s := state(); s != "stopped" {
		t.Fatalf("state %s after power-off", s)
	}
	ok("cloud-instance/delete", pw("Second.Pass2")...)
	if _, err := os.Stat(drv.DiskPath("t-ci-7")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("disk after delete: %v", err)
	}
	if l := ok("cloud-instance/list")["instances_list"].([]any); len(l) != 0 {
		t.Fatalf("list after delete: %v", l)
	}
}

// machineResources returns the running machine's CPU count and memory in bytes.
func machineResources(t *testing.T, d *qemu.Driver, name string) (int, int64) {
	t.Helper()
	cpus, mem, err := d.Resources(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return cpus, mem
}

// --qemu-accel: auto takes KVM only where it runs a guest (TCG on a host
// with /dev/kvm but only kvm_pvm, such as this CI machine) and logs the
// choice; kvm forced where KVM cannot run a guest stops the node at start
// with the reason; tcg is taken as asked.
func TestQEMUAccel(t *testing.T) {
	usable := qemu.KVMUsable()
	want := "tcg"
	if usable == nil {
		want = "kvm"
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, c := range []struct{ mode, accel string }{{"auto", want}, {"kvm", "kvm"}, {"tcg", "tcg"}} {
		var log bytes.Buffer
		m := &Main{DB: sqliteDSN(t), HTTPAddr: "127.0.0.1:0", Stdout: io.Discard, Logger: slog.New(slog.NewTextHandler(&log, nil)),
			Cloud: CloudConfig{Hypervisor: "qemu", StateDir: t.TempDir(), Accel: c.mode}}
		err := m.Run(ctx)
		if c.mode == "kvm" && usable != nil {
			if err == nil || !strings.Contains(err.Error(), "--qemu-accel") || !strings.Contains(err.Error(), usable.Error()) {
				m.Close()
				t.Fatalf("--qemu-accel kvm on a host where KVM cannot run a guest (%v): Run = %v, want a start error saying why", usable, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("--qemu-accel %s: %v", c.mode, err)
		}
		m.Close()
		if got := m.QEMU().Accelerator(); got != c.accel {
			t.Errorf("--qemu-accel %s: driver accelerator %s, want %s", c.mode, got, c.accel)
		}
		if !strings.Contains(log.String(), "accel="+c.accel) {
			t.Errorf("--qemu-accel %s: the start log does not name the accelerator %s:\n%s", c.mode, c.accel, log.String())
		}
	}
}
