package httpapi_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/driver/hvsim"
	"github.com/artnet-panel/artnet-panel/internal/hypervisor"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// storedInstance is the demo instance's stored row (its desired state).
func storedInstance(t *testing.T, e *testEnv) store.CloudInstance {
	t.Helper()
	i, err := e.store.CloudInstanceGet(context.Background(), idA, 1)
	if err != nil {
		t.Fatal(err)
	}
	return i
}

// The driver seam's rule: a command whose machine step fails answers its
// internal error and puts the desired state back as it was, so the
// reconciler never carries out later what the customer was told failed.
// Each power action, resources-negotiate and the boot modes, against the
// simulator failing one step.
func TestCloudFailedCommandRollsBack(t *testing.T) {
	e, sim := newCloudEnv(t)
	ctx := context.Background()
	act := func(action string) answer {
		return e.asA("cloud-instance/action-"+action, "instance_id", instA, "instance_password", pwA)
	}
	reconcile := func() {
		t.Helper()
		if err := e.api.Panel.CloudReconcile(ctx); err != nil {
			t.Fatalf("reconcile: %v", err)
		}
	}

	// power-off whose stop fails: still meant to run.
	sim.FailCalls(errSim, hvsim.CallStop)
	mustFail(t, act("power-off"), "internal-cloud-power-on-error")
	sim.FailCalls(nil, hvsim.CallStop)
	if !storedInstance(t, e).PowerOn {
		t.Fatal("a failed power-off left the instance meant to be off")
	}
	reconcile()
	if simState(t, sim).State != hypervisor.Running {
		t.Fatal("the reconciler stopped the machine after a failed power-off")
	}

	// From off: power-on, power-restart and reboot whose start fails leave
	// it meant to be off, and it stays off once the hypervisor recovers.
	mustOK(t, act("power-off"))
	for _, c := range []struct{ action, call string }{
		{"power-on", hvsim.CallStart}, {"power-restart", hvsim.CallStart}, {"reboot", hvsim.CallReboot},
	} {
		sim.FailCalls(errSim, c.call)
		mustFail(t, act(c.action), "internal-cloud-power-on-error")
		sim.FailCalls(nil, c.call)
		if storedInstance(t, e).PowerOn {
			t.Fatalf("a failed %s left the instance meant to run", c.action)
		}
		reconcile()
		if st := simState(t, sim).State; st != hypervisor.Stopped {
			t.Fatalf("after a failed %s the reconciler brought the machine to %s", c.action, st)
		}
	}

	// resources-negotiate and boot modes whose start with the change
	// fails: the stored instance is as it was, and the machine is started
	// again as it was once the hypervisor recovers.
	mustOK(t, act("power-on"))
	before := storedInstance(t, e)
	sim.FailCalls(errSim, hvsim.CallStart)
	mustFail(t, e.asA("cloud-instance/resources-negotiate", "instance_id", instA, "instance_password", pwA,
		"resources[cpu]", "2"), "internal-instance-resources-negotiate")
	mustFail(t, e.asA("cloud-instance/boot-mode-installation-image", "instance_id", instA, "instance_password", pwA,
		"installation_image", "debian-12"), "internal-instance-boot-mode-installation-image")
	sim.FailCalls(nil, hvsim.CallStart)
	after := storedInstance(t, e)
	if after.CPU != before.CPU || after.BootStatus != before.BootStatus || after.BootImage != before.BootImage || !after.PowerOn {
		t.Fatalf("failed changes were stored: cpu %d → %d, boot %s %q → %s %q, power on %v → %v",
			before.CPU, after.CPU, before.BootStatus, before.BootImage, after.BootStatus, after.BootImage, before.PowerOn, after.PowerOn)
	}
	reconcile()
	if m := simState(t, sim); m.State != hypervisor.Running || int64(m.Spec.CPUs) != before.CPU || m.Spec.BootImage != "" {
		t.Fatalf("after the hypervisor recovered the machine is %s with %d CPUs, boot image %q; want running as before",
			m.State, m.Spec.CPUs, m.Spec.BootImage)
	}
}

// The same rule for VPS power on the hypervisor.
func TestVPSFailedPowerRollsBack(t *testing.T) {
	e, sim := newCloudEnv(t)
	ctx := context.Background()
	if err := e.store.VPSPowerSet(ctx, store.VPSPower{ServiceID: 12347, CustomerID: idA, PowerOn: true,
		Config: []byte(`{"driver":"qemu","name":"vps-12347","cpus":1,"ram":64,"hdd":1}`)}); err != nil {
		t.Fatal(err)
	}
	if err := e.api.Panel.CloudReconcile(ctx); err != nil {
		t.Fatal(err)
	}
	desired := func() bool {
		t.Helper()
		r, err := e.store.VPSPowerGet(ctx, idA, 12347)
		if err != nil {
			t.Fatal(err)
		}
		return r.PowerOn
	}
	vps := func(cmd string) answer { return e.asA("vps/"+cmd, "service_id", "12347", "confirm", "confirm") }
	sim.FailCalls(errSim, hvsim.CallStop)
	mustFail(t, vps("power-off"), "internal-operation-error")
	sim.FailCalls(nil, hvsim.CallStop)
	if !desired() {
		t.Fatal("a failed power-off left the VPS meant to be off")
	}
	mustOK(t, vps("power-off"))
	for _, cmd := range []string{"power-on", "power-restart"} {
		sim.FailCalls(errSim, hvsim.CallStart)
		mustFail(t, vps(cmd), "internal-operation-error")
		sim.FailCalls(nil, hvsim.CallStart)
		if desired() {
			t.Fatalf("a failed %s left the VPS meant to run", cmd)
		}
		if err := e.api.Panel.CloudReconcile(ctx); err != nil {
			t.Fatal(err)
		}
		if m, _ := sim.Machine("vps-12347"); m.State != hypervisor.Stopped {
			t.Fatalf("after a failed %s the reconciler brought the VPS to %s", cmd, m.State)
		}
	}
}

// A machine meant to run that the reconciler finds without a process (it
// died) is started again, logged and counted; one that is running is not.
func TestCloudReconcileRestartLoggedAndCounted(t *testing.T) {
	e, sim := newCloudEnv(t)
	var restarted []string
	e.api.Panel.Logger = slog.New(slog.NewJSONHandler(e.logBuf, nil))
	e.api.Panel.Cloud.Restarted = func(name string) { restarted = append(restarted, name) }
	if err := e.api.Panel.CloudReconcile(context.Background()); err != nil || len(restarted) != 0 {
		t.Fatalf("reconcile of running machines: %v, restarted %v", err, restarted)
	}
	sim.Crash(machine)
	if err := e.api.Panel.CloudReconcile(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(restarted) != 1 || restarted[0] != machine || simState(t, sim).State != hypervisor.Running {
		t.Fatalf("restarted %v (machine %s), want [%s] running", restarted, simState(t, sim).State, machine)
	}
	if !strings.Contains(e.logBuf.String(), `"machine":"`+machine+`"`) || !strings.Contains(e.logBuf.String(), "restarted") {
		t.Fatalf("the restart is not logged:\n%s", e.logBuf.String())
	}
}
