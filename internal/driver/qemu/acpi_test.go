package qemu_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/hypervisor"
	"github.com/artnet-panel/artnet-panel/internal/testpeer"
)

// guestInit is the /init of the test guest: it loads the ACPI button and
// evdev drivers, waits for a key event on each power button input device
// and then powers the machine off, as an operating system that obeys ACPI
// does. It prints "guest ready" once it listens.
const guestInit = `#!/bin/busybox sh
export PATH=/bin
busybox mkdir -p /proc /sys /dev
busybox mount -t proc proc /proc
busybox mount -t sysfs sysfs /sys
busybox mount -t devtmpfs devtmpfs /dev
busybox insmod /button.ko
busybox insmod /evdev.ko
n=0
for e in /sys/class/input/event*; do
  if [ "$(busybox cat $e/device/name)" = "Power Button" ]; then
    (busybox head -c 1 /dev/input/$(busybox basename $e) >/dev/null; echo "guest power button"; busybox poweroff -f) &
    n=$((n+1))
  fi
done
busybox sleep 1
echo "guest ready: $n power buttons"
while true; do busybox sleep 3600; done
`

// newcFile is one entry of an initramfs (cpio "newc").
type newcFile struct {
	name string
	mode uint32 // with the file type bits
	data []byte
}

// initramfs returns a gzipped newc cpio archive of files.
func initramfs(t *testing.T, files []newcFile) []byte {
	t.Helper()
	var raw bytes.Buffer
	pad := func() {
		for raw.Len()%4 != 0 {
			raw.WriteByte(0)
		}
	}
	for i, f := range append(files, newcFile{name: "TRAILER!!!"}) {
		fmt.Fprintf(&raw, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
			i+1, f.mode, 0, 0, 1, 0, len(f.data), 0, 0, 0, 0, len(f.name)+1, 0)
		raw.WriteString(f.name)
		raw.WriteByte(0)
		pad()
		raw.Write(f.data)
		pad()
	}
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write(raw.Bytes())
	w.Close()
	return gz.Bytes()
}

// waitConsole waits until the machine's console shows text count times.
func waitConsole(t *testing.T, path, text string, count int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		b, _ := os.ReadFile(path)
		if strings.Count(string(b), text) >= count {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("console did not show %q %d times within %s:\n%s", text, count, within, b)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// A guest that obeys ACPI (a Debian kernel and a busybox initramfs that
// powers off on the power button): the driver's reboot brings it down and
// up again, and its shutdown ends with the machine stopped.
func TestACPIGuest(t *testing.T) {
	ctx := context.Background()
	kernel, modules := testpeer.NeedLinuxKernel(t)
	busybox := testpeer.NeedTool(t, "busybox", "busybox-static")
	bb, err := os.ReadFile(busybox)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(bb[:min(len(bb), 4096)], []byte("ld-linux")) {
		testpeer.SkipLoud(t, "%s is not static (install busybox-static)", busybox)
	}
	button, err := os.ReadFile(filepath.Join(modules, "kernel/drivers/acpi/button.ko"))
	if err != nil {
		t.Fatal(err)
	}
	evdev, err := os.ReadFile(filepath.Join(modules, "kernel/drivers/input/evdev.ko"))
	if err != nil {
		t.Fatal(err)
	}
	initrd := filepath.Join(t.TempDir(), "initrd.gz")
	if err := os.WriteFile(initrd, initramfs(t, []newcFile{
		{name: "bin", mode: 0o40755}, {name: "bin/busybox", mode: 0o100755, data: bb},
		{name: "init", mode: 0o100755, data: []byte(guestInit)},
		{name: "button.ko", mode: 0o100644, data: button}, {name: "evdev.ko", mode: 0o100644, data: evdev},
	}), 0o644); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, "vm-acpi")
	spec := hypervisor.Spec{Name: "vm-acpi", CPUs: 1, RAMMB: 128, DiskGB: 1, Kernel: kernel, Initrd: initrd,
		KernelArgs: "console=ttyS0 panic=-1 quiet"}
	if err := d.Start(ctx, spec); err != nil {
		t.Fatal(err)
	}
	console := d.ConsolePath(spec.Name)
	waitConsole(t, console, "guest ready: ", 1, 3*time.Minute)
	if b, _ := os.ReadFile(console); strings.Contains(string(b), "guest ready: 0 power buttons") {
		t.Fatalf("the guest found no power button:\n%s", b)
	}
	// Reboot: power button, the guest switches itself off, reset, boot again.
	if err := d.Reboot(ctx, spec, 2*time.Minute); err != nil {
		t.Fatalf("reboot: %v", err)
	}
	mustState(t, d, spec.Name, hypervisor.Running)
	waitConsole(t, console, "guest ready: ", 2, 3*time.Minute)
	// Shutdown: the guest switches itself off within the wait.
	if err := d.Shutdown(ctx, spec.Name, 2*time.Minute); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	mustState(t, d, spec.Name, hypervisor.Stopped)
	waitConsole(t, console, "guest power button", 2, time.Second)
}
