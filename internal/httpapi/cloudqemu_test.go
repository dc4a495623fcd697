package httpapi_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/demo"
	"github.com/artnet-panel/artnet-panel/internal/driver/qemu"
	"github.com/artnet-panel/artnet-panel/internal/hypervisor"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/testpeer"
)

// On real QEMU: power-on of an instance whose VNC port another process
// holds fails (QEMU cannot bind it), the instance stays meant to be off,
// and once the port is free the reconciler does not start the machine the
// customer was told did not start. A power-on then works.
func TestCloudQEMUPortTakenRollsBack(t *testing.T) {
	system, img := testpeer.NeedQEMU(t)
	e := newEnv(t)
	ctx := context.Background()
	d := &qemu.Driver{StateDir: t.TempDir(), System: system, Img: img, Timeout: 30 * time.Second}
	t.Cleanup(func() {
		if err := d.Delete(context.Background(), machine); err != nil {
			t.Errorf("delete %s: %v", machine, err)
		}
	})
	e.api.Panel.Cloud = &panel.Cloud{Hypervisor: d, SecretKey: demo.CloudSecretKey, ShutdownWait: time.Second}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	i := storedInstance(t, e)
	i.VNCPort, i.PowerOn, i.RAM = int64(ln.Addr().(*net.TCPAddr).Port), false, 64
	if err := e.store.CloudInstanceUpdate(ctx, i); err != nil {
		t.Fatal(err)
	}
	state := func() hypervisor.State {
		t.Helper()
		st, err := d.State(ctx, machine)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}

	mustFail(t, e.asA("cloud-instance/action-power-on", "instance_id", instA, "instance_password", pwA), "internal-cloud-power-on-error")
	if storedInstance(t, e).PowerOn {
		t.Fatal("a failed power-on left the instance meant to run")
	}
	ln.Close()
	if err := e.api.Panel.CloudReconcile(ctx); err != nil {
		t.Fatal(err)
	}
	if st := state(); st != hypervisor.Stopped {
		t.Fatalf("once the port was free the reconciler brought the machine to %s after a failed power-on", st)
	}
	mustOK(t, e.asA("cloud-instance/action-power-on", "instance_id", instA, "instance_password", pwA))
	if st := state(); st != hypervisor.Running {
		t.Fatalf("power-on with the port free: %s", st)
	}
}
