package qemu_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/driver/qemu"
	"github.com/artnet-panel/artnet-panel/internal/hypervisor"
	"github.com/artnet-panel/artnet-panel/internal/testpeer"
)

// newDriver returns a driver on a fresh state directory whose machines
// are all deleted when the test ends.
func newDriver(t *testing.T, names ...string) *qemu.Driver {
	t.Helper()
	system, img := testpeer.NeedQEMU(t)
	d := &qemu.Driver{StateDir: t.TempDir(), System: system, Img: img, Timeout: 30 * time.Second}
	t.Cleanup(func() {
		for _, n := range names {
			if err := d.Delete(context.Background(), n); err != nil {
				t.Errorf("delete %s: %v", n, err)
			}
		}
	})
	return d
}

func mustState(t *testing.T, d *qemu.Driver, name string, want hypervisor.State) {
	t.Helper()
	st, err := d.State(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	if st != want {
		t.Fatalf("state of %s = %s, want %s", name, st, want)
	}
}

// A guest with no operating system (SeaBIOS finds nothing to boot) ignores
// the ACPI power button: the machine runs on, a fresh driver (artnetd
// restarted) finds it, the VNC console takes the password set over QMP
// and no other, a stopped machine's disk grows and it restarts with new
// CPUs and memory.
func TestMachineLifecycle(t *testing.T) {
	ctx := context.Background()
	d := newDriver(t, "vm-life")
	spec := hypervisor.Spec{Name: "vm-life", CPUs: 1, RAMMB: 64, DiskGB: 1, VNCPort: testpeer.FreeVNCPort(t), VNCPassword: "secret12345"}
	mustState(t, d, spec.Name, hypervisor.Stopped)
	if err := d.Start(ctx, spec); err != nil {
		t.Fatal(err)
	}
	mustState(t, d, spec.Name, hypervisor.Running)
	vnc := fmt.Sprintf("127.0.0.1:%d", spec.VNCPort)
	if err := testpeer.VNCAuth(vnc, "secret12345"); err != nil {
		t.Fatalf("VNC with the password: %v", err)
	}
	if err := testpeer.VNCAuth(vnc, "wrong"); !errors.Is(err, testpeer.ErrVNCAuthFailed) {
		t.Fatalf("VNC with a wrong password: %v, want refused", err)
	}
	if err := d.SetVNCPassword(ctx, spec.Name, "other"); err != nil {
		t.Fatal(err)
	}
	if err := testpeer.VNCAuth(vnc, "secret12345"); !errors.Is(err, testpeer.ErrVNCAuthFailed) {
		t.Fatalf("VNC with the old password: %v, want refused", err)
	}
	if err := testpeer.VNCAuth(vnc, "other"); err != nil {
		t.Fatalf("VNC with the new password: %v", err)
	}

	if err := d.Shutdown(ctx, spec.Name, 2*time.Second); !errors.Is(err, hypervisor.ErrNotShutDown) {
		t.Fatalf("shutdown of a guest without an OS: %v, want ErrNotShutDown", err)
	}
	mustState(t, d, spec.Name, hypervisor.Running)
	if err := d.Reboot(ctx, spec, time.Second); !errors.Is(err, hypervisor.ErrNotShutDown) {
		t.Fatalf("reboot of a guest without an OS: %v, want ErrNotShutDown", err)
	}

	// artnetd restarted: a new driver on the same directory.
	d2 := &qemu.Driver{StateDir: d.StateDir, System: d.System, Img: d.Img, Timeout: d.Timeout}
	mustState(t, d2, spec.Name, hypervisor.Running)
	if err := d2.Stop(ctx, spec.Name); err != nil {
		t.Fatal(err)
	}
	mustState(t, d2, spec.Name, hypervisor.Stopped)

	if err := d2.GrowDisk(ctx, spec.Name, 3); err != nil {
		t.Fatal(err)
	}
	if size, err := d2.DiskSize(ctx, spec.Name); err != nil || size != 3<<30 {
		t.Fatalf("disk size %d, %v; want 3 GiB", size, err)
	}
	// Restarted with more CPUs and memory, booting an installation image
	// first (any file serves as the CD-ROM's medium here).
	iso := filepath.Join(t.TempDir(), "install.iso")
	if err := os.WriteFile(iso, make([]byte, 1<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	spec.CPUs, spec.RAMMB, spec.DiskGB, spec.BootImage = 2, 128, 3, iso
	if err := d2.Start(ctx, spec); err != nil {
		t.Fatal(err)
	}
	cpus, mem := Resources(t, d2, spec.Name)
	if cpus != 2 || mem != 128<<20 {
		t.Fatalf("running with %d CPUs and %d bytes, want 2 and 128 MiB", cpus, mem)
	}
	blocks, err := d2.QMP(ctx, spec.Name, "query-block", nil)
	if err != nil || !strings.Contains(string(blocks), `"removable": true`) || !strings.Contains(string(blocks), iso) {
		t.Fatalf("query-block: %s, %v; want a CD-ROM with %s", blocks, err, iso)
	}
	if err := d2.Delete(ctx, spec.Name); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(d2.DiskPath(spec.Name)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("disk still there after delete: %v", err)
	}
	mustState(t, d2, spec.Name, hypervisor.Stopped)
}

// Resources returns the running machine's CPU count and memory in bytes.
func Resources(t *testing.T, d *qemu.Driver, name string) (int, int64) {
	t.Helper()
	cpus, mem, err := d.Resources(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return cpus, mem
}
