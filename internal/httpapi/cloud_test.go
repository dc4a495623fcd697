package httpapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/demo"
	"github.com/artnet-panel/artnet-panel/internal/driver/hvsim"
	"github.com/artnet-panel/artnet-panel/internal/driver/powersim"
	"github.com/artnet-panel/artnet-panel/internal/hypervisor"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/power"
)

// The demo's cloud instance 1 (customer A) on the hypervisor simulator.
const (
	instA   = "1"
	pwA     = "demo1234"
	machine = "ci-acme-web"
)

func newCloudEnv(t *testing.T) (*testEnv, *hvsim.Simulator) {
	t.Helper()
	e := newEnv(t)
	sim := &hvsim.Simulator{}
	e.api.Panel.Cloud = &panel.Cloud{Hypervisor: sim, SecretKey: demo.CloudSecretKey, ShutdownWait: time.Second, ImagesDir: "/srv/images"}
	// The reconciler starts what is meant to run.
	if err := e.api.Panel.CloudReconcile(context.Background()); err != nil {
		t.Fatal(err)
	}
	return e, sim
}

func simState(t *testing.T, sim *hvsim.Simulator) hvsim.Machine {
	t.Helper()
	m, ok := sim.Machine(machine)
	if !ok {
		t.Fatalf("machine %s unknown to the simulator", machine)
	}
	return m
}

func TestCloudListDetailsPrice(t *testing.T) {
	e, _ := newCloudEnv(t)
	list := mustOK(t, e.asA("cloud-instance/list"))
	items := list.get("instances_list").([]any)
	if len(items) != 1 {
		t.Fatalf("list: %s", list.raw)
	}
	d := mustOK(t, e.asA("cloud-instance/details", "instance_id", instA))
	// 1 × 1.2 + 1024/1024 × 0.8 + 10 × 0.03 + 100 × 0.01
	if d.get("instance_details", "price_resources", "price") != 3.3 || d.get("instance_details", "state") != "running" ||
		d.get("instance_details", "vnc_configuration", "port") != float64(5901) ||
		d.get("instance_details", "custom_properties", "notes") != "front-end" ||
		d.get("instance_details", "network_configuration", "gateway_ip") != "123.123.127.1" {
		t.Fatalf("details: %s", d.raw)
	}
	if strings.Contains(string(d.raw), "password") || strings.Contains(string(d.raw), "v1$") {
		t.Fatalf("details leak a secret: %s", d.raw)
	}
	r := mustOK(t, e.asA("cloud-instance/resources-allowed-ranges", "instance_id", instA))
	if r.get("resources_ranges", "ram", "step") != float64(512) || r.get("resources_ranges", "cpu", "max") != float64(8) {
		t.Fatalf("ranges: %s", r.raw)
	}
	for _, c := range []struct {
		params []string
		want   float64
	}{
		{nil, 2}, // a new instance at the minimum: 1.2 + 0.4 + 0.3 + 0.1
		{[]string{"instance_id", instA}, 3.3},
		{[]string{"instance_id", instA, "resources[cpu]", "3", "resources[ram]", "1536"}, 3.3 + 2.4 + 0.4},
	} {
		a := mustOK(t, e.asA("cloud-instance/resources-calculate-price", c.params...))
		if a.get("price_resources", "price") != c.want || a.get("price_resources", "period") != "24h" ||
			a.get("price_resources", "currency") != "PLN" {
			t.Errorf("price of %v: %s, want %v", c.params, a.raw, c.want)
		}
	}
	for _, bad := range [][]string{{"resources[cpu]", "9"}, {"resources[ram]", "700"}, {"resources[hdd]", "0"}} {
		mustFail(t, e.asA("cloud-instance/resources-calculate-price", bad...), "invalid-param-value")
	}
	mustFail(t, e.asB("cloud-instance/resources-calculate-price", "instance_id", instA), "authorization-failed")
}

func TestCloudPower(t *testing.T) {
	e, sim := newCloudEnv(t)
	state := func() any {
		return mustOK(t, e.asA("cloud-instance/details", "instance_id", instA)).get("instance_details", "state")
	}
	mustFail(t, e.asA("cloud-instance/action-power-off", "instance_id", instA, "instance_password", "wrong"), "instance-password-incorrect")
	mustFail(t, e.asB("cloud-instance/action-power-off", "instance_id", instA, "instance_password", pwA), "authorization-failed")
	if state() != "running" {
		t.Fatal("a wrong password changed the power")
	}
	mustOK(t, e.asA("cloud-instance/action-power-off", "instance_id", instA, "instance_password", pwA))
	if state() != "stopped" {
		t.Fatal("still running after power-off")
	}
	// The desired state is stored: the reconciler keeps it off.
	if err := e.api.Panel.CloudReconcile(context.Background()); err != nil || simState(t, sim).State != hypervisor.Stopped {
		t.Fatalf("reconcile after power-off: %v %v", err, simState(t, sim).State)
	}
	mustOK(t, e.asA("cloud-instance/action-power-on", "instance_id", instA, "instance_password", pwA))
	if state() != "running" || simState(t, sim).VNCPassword != pwA {
		t.Fatalf("power-on: %v, console password %q", state(), simState(t, sim).VNCPassword)
	}
	starts := simState(t, sim).Starts
	mustOK(t, e.asA("cloud-instance/action-power-restart", "instance_id", instA, "instance_password", pwA))
	if simState(t, sim).Starts != starts+1 {
		t.Fatal("power-restart did not start the machine again")
	}
	// A host reboot: the reconciler starts the machine again.
	sim.Crash(machine)
	if err := e.api.Panel.CloudReconcile(context.Background()); err != nil || state() != "running" {
		t.Fatalf("reconcile after a crash: %v %v", err, state())
	}
	// An ACPI shutdown the guest obeys: it is off, and stays off.
	mustOK(t, e.asA("cloud-instance/action-shutdown", "instance_id", instA, "instance_password", pwA))
	if state() != "stopped" {
		t.Fatal("still running after an obeyed shutdown")
	}
	if err := e.api.Panel.CloudReconcile(context.Background()); err != nil || state() != "stopped" {
		t.Fatalf("the reconciler restarted a guest that switched itself off: %v", err)
	}
	mustOK(t, e.asA("cloud-instance/action-reboot", "instance_id", instA, "instance_password", pwA))
	if state() != "running" {
		t.Fatal("not running after a reboot")
	}
	sim.IgnoreACPI(machine, true)
	mustFail(t, e.asA("cloud-instance/action-reboot", "instance_id", instA, "instance_password", pwA), "internal-cloud-power-on-error")
	sim.Fail(errSim)
	mustFail(t, e.asA("cloud-instance/action-power-on", "instance_id", instA, "instance_password", pwA), "internal-cloud-power-on-error")
	if strings.Contains(e.logBuf.String(), pwA) {
		t.Fatal("the log holds the instance password")
	}
}

type simError struct{}

func (simError) Error() string { return "simulated hypervisor failure" }

var errSim = simError{}

func TestCloudPasswordGuard(t *testing.T) {
	e, _ := newCloudEnv(t)
	e.api.Guard.MaxFailures = 3
	for i := 0; i < 2; i++ {
		mustFail(t, e.asA("cloud-instance/delete", "instance_id", instA, "instance_password", "guess"), "instance-password-incorrect")
	}
	mustFail(t, e.asA("cloud-instance/delete", "instance_id", instA, "instance_password", "guess"), "instance-password-incorrect")
	// The third failure blocked the address, even for the right password.
	mustFail(t, e.asA("cloud-instance/delete", "instance_id", instA, "instance_password", pwA), "too-many-failed-logins")
	if len(mustOKNoGuard(t, e).get("instances_list").([]any)) != 1 {
		t.Fatal("the instance was deleted")
	}
}

// mustOKNoGuard lists A's instances after lifting the address block.
func mustOKNoGuard(t *testing.T, e *testEnv) answer {
	e.api.Guard.Now = func() time.Time { return time.Now().Add(time.Hour) }
	return mustOK(t, e.asA("cloud-instance/list"))
}

func TestCloudNegotiateAndBoot(t *testing.T) {
	e, sim := newCloudEnv(t)
	neg := func(params ...string) answer {
		return e.asA("cloud-instance/resources-negotiate", append([]string{"instance_id", instA, "instance_password", pwA}, params...)...)
	}
	mustFail(t, neg("resources[hdd]", "5"), "instance-resources-negotiate-cannot-decrease-hdd")
	mustFail(t, neg("resources[cpu]", "9"), "instance-resources-negotiate-incorrect-parameters")
	mustFail(t, neg("resources[ram]", "1000"), "instance-resources-negotiate-incorrect-parameters")
	mustFail(t, e.asA("cloud-instance/resources-negotiate", "instance_id", instA, "instance_password", "x", "resources[cpu]", "2"), "instance-password-incorrect")
	sim.IgnoreACPI(machine, true)
	mustFail(t, neg("shutdown", "true", "resources[cpu]", "2"), "instance-unable-shutdown")
	d := mustOK(t, e.asA("cloud-instance/details", "instance_id", instA))
	if d.get("instance_details", "resources", "cpu_cores") != float64(1) || d.get("instance_details", "state") != "running" {
		t.Fatalf("a failed shutdown changed the instance: %s", d.raw)
	}
	mustOK(t, neg("shutdown", "false", "resources[cpu]", "2", "resources[hdd]", "20", "resources[ram]", "2048"))
	m := simState(t, sim)
	if m.State != hypervisor.Running || m.Spec.CPUs != 2 || m.Spec.RAMMB != 2048 || m.DiskGB != 20 {
		t.Fatalf("after negotiate: %+v", m)
	}
	sim.IgnoreACPI(machine, false)
	mustOK(t, neg("shutdown", "true", "resources[bandwidth]", "200"))
	d = mustOK(t, e.asA("cloud-instance/details", "instance_id", instA))
	if d.get("instance_details", "resources", "bandwidth") != float64(200) || d.get("instance_details", "resources", "hdd") != float64(20) {
		t.Fatalf("after negotiate: %s", d.raw)
	}

	imgs := mustOK(t, e.asA("cloud-instance/boot-installation-images-list", "instance_id", instA))
	if imgs.get("installation_images_list").([]any)[0].(map[string]any)["image"] != "debian-12" || strings.Contains(string(imgs.raw), "iso") {
		t.Fatalf("images: %s", imgs.raw)
	}
	boot := func(params ...string) answer {
		return e.asA("cloud-instance/boot-mode-installation-image", append([]string{"instance_id", instA, "instance_password", pwA}, params...)...)
	}
	mustFail(t, boot("installation_image", "windows-95"), "instance-boot-incorrect-installation-image")
	mustOK(t, boot("installation_image", "debian-12", "shutdown", "true"))
	if m := simState(t, sim); m.Spec.BootImage != "/srv/images/debian-12-netinst.iso" || m.State != hypervisor.Running {
		t.Fatalf("install boot: %+v", m)
	}
	if mustOK(t, e.asA("cloud-instance/details", "instance_id", instA)).get("instance_details", "boot_status") != "install" {
		t.Fatal("boot_status not install")
	}
	mustOK(t, e.asA("cloud-instance/boot-mode-boot", "instance_id", instA, "instance_password", pwA))
	if m := simState(t, sim); m.Spec.BootImage != "" {
		t.Fatalf("disk boot: %+v", m)
	}
	mustFail(t, e.asA("cloud-instance/boot-mode-boot", "instance_id", instA, "instance_password", "nope"), "instance-password-incorrect")
}

func TestCloudPropertiesPasswordDelete(t *testing.T) {
	e, sim := newCloudEnv(t)
	edit := func(params ...string) answer {
		return e.asA("cloud-instance/custom-properties-edit", append([]string{"instance_id", instA}, params...)...)
	}
	mustOK(t, edit("custom_properties[display_name]", strings.Repeat("ż", 35)))
	mustFail(t, edit("custom_properties[display_name]", strings.Repeat("ż", 36)), "instance-custom-properties-display-name-too-long")
	mustFail(t, edit("custom_properties[notes]", strings.Repeat("a", 10241)), "instance-custom-properties-notes-too-long")
	d := mustOK(t, e.asA("cloud-instance/details", "instance_id", instA))
	if d.get("instance_details", "custom_properties", "display_name") != strings.Repeat("ż", 35) ||
		d.get("instance_details", "custom_properties", "notes") != "front-end" || d.get("instance_details", "custom_name") != strings.Repeat("ż", 35) {
		t.Fatalf("after edit: %s", d.raw)
	}
	mustOK(t, edit("custom_properties[notes]", strings.Repeat("ł", 10240)))
	mustFail(t, e.asB("cloud-instance/custom-properties-edit", "instance_id", instA, "custom_properties[notes]", "x"), "authorization-failed")

	change := func(old, next string) answer {
		return e.asA("cloud-instance/password-change", "instance_id", instA, "instance_password", old, "instance_new_password", next)
	}
	mustFail(t, change("wrong", "Good.Pass1"), "instance-password-incorrect")
	mustFail(t, change(pwA, "abc"), "password-too-short")
	mustFail(t, change(pwA, "with space"), "password-invalid")
	mustOK(t, change(pwA, "New.Pass-99"))
	if m := simState(t, sim); m.VNCPassword != "New.Pass" {
		t.Fatalf("console password %q, want the first 8 bytes of the new one", m.VNCPassword)
	}
	mustFail(t, e.asA("cloud-instance/action-power-on", "instance_id", instA, "instance_password", pwA), "instance-password-incorrect")

	mustFail(t, e.asA("cloud-instance/delete", "instance_id", instA, "instance_password", pwA), "instance-password-incorrect")
	mustOK(t, e.asA("cloud-instance/delete", "instance_id", instA, "instance_password", "New.Pass-99"))
	if _, ok := sim.Machine(machine); ok {
		t.Fatal("the machine is still there")
	}
	if n := len(mustOK(t, e.asA("cloud-instance/list")).get("instances_list").([]any)); n != 0 {
		t.Fatalf("%d instances after delete", n)
	}
	mustFail(t, e.asA("cloud-instance/details", "instance_id", instA), "authorization-failed")
}

func TestVPSPower(t *testing.T) {
	e, _ := newCloudEnv(t)
	state := func() any {
		return mustOK(t, e.asA("vps/details", "service_id", "12347")).get("service_details", "power_state")
	}
	// The demo VPS is on a simulated switch: a node without the power
	// simulator has no switch to show or to flip, and changes nothing.
	if state() != "unknown" {
		t.Fatalf("power_state %v without the power simulator, want unknown", state())
	}
	mustFail(t, e.asA("vps/power-off", "service_id", "12347", "confirm", "confirm"), "internal-operation-error")
	e.api.Panel.Power = &power.Registry{}
	e.api.Panel.Power.Register("sim", powersim.New(e.store))
	if state() != "on" {
		t.Fatalf("power_state %v, want on", state())
	}
	mustFail(t, e.asA("vps/power-off", "service_id", "12347", "confirm", "yes"), "unconfirmed")
	mustFail(t, e.asA("vps/power-off", "service_id", "12345", "confirm", "confirm"), "invalid-service-type")
	mustFail(t, e.asB("vps/power-off", "service_id", "12347", "confirm", "confirm"), "authorization-failed")
	if state() != "on" {
		t.Fatal("a refused call changed the power")
	}
	mustOK(t, e.asA("vps/power-off", "service_id", "12347", "confirm", "confirm"))
	if state() != "off" {
		t.Fatal("still on after power-off")
	}
	mustOK(t, e.asA("vps/power-restart", "service_id", "12347", "confirm", "confirm"))
	if state() != "on" {
		t.Fatal("off after power-restart")
	}
}
