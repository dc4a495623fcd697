package qemu

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeModules makes a /sys/module with the named directories and a
// /proc/modules with the named lines.
func fakeModules(t *testing.T, sys, proc []string) (string, string) {
	t.Helper()
	dir := t.TempDir()
	sysDir := filepath.Join(dir, "module")
	for _, m := range append(sys, "ext4") {
		if err := os.MkdirAll(filepath.Join(sysDir, m, "parameters"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var lines strings.Builder
	for _, m := range proc {
		lines.WriteString(m + " 1376256 0 - Live 0x0000000000000000\n")
	}
	procFile := filepath.Join(dir, "modules")
	if err := os.WriteFile(procFile, []byte(lines.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return sysDir, procFile
}

// A host with /dev/kvm but only the kvm_pvm module (this CI machine's
// kind) has no KVM for ordinary guests; kvm_intel or kvm_amd, built in
// (/sys/module) or loaded (/proc/modules), is one.
func TestKVMBackend(t *testing.T) {
	for _, c := range []struct {
		name       string
		sys, proc  []string
		ok         bool
		errMention string
	}{
		{name: "pvm only", sys: []string{"kvm", "kvm_pvm"}, errMention: "only kvm, kvm_pvm"},
		{name: "no kvm", errMention: "no KVM module"},
		{name: "intel built in", sys: []string{"kvm", "kvm_intel"}, ok: true},
		{name: "amd loaded", sys: []string{"kvm"}, proc: []string{"kvm_amd", "kvm", "ccp"}, ok: true},
		{name: "pvm loaded", proc: []string{"kvm_pvm", "kvm"}, errMention: "kvm_intel or kvm_amd"},
	} {
		sys, proc := fakeModules(t, c.sys, c.proc)
		err := kvmBackend(sys, proc)
		if c.ok != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.errMention)) {
			t.Errorf("%s: %v, want ok %v (mentioning %q)", c.name, err, c.ok, c.errMention)
		}
	}
}

// auto takes KVM exactly where it runs a guest, kvm is refused where it
// does not, tcg is always taken and anything else is an error.
func TestChooseAccel(t *testing.T) {
	usable := KVMUsable()
	t.Logf("KVMUsable on this host: %v", usable)
	accel, why, err := ChooseAccel("auto")
	want := "tcg"
	if usable == nil {
		want = "kvm"
	}
	if err != nil || accel != want || why == "" {
		t.Fatalf("auto: %q (%s), %v; want %s", accel, why, err, want)
	}
	if a, _, err := ChooseAccel(""); err != nil || a != want {
		t.Fatalf("empty mode: %q, %v; want %s", a, err, want)
	}
	accel, _, err = ChooseAccel("kvm")
	if usable == nil && (err != nil || accel != "kvm") {
		t.Fatalf("kvm on a host where KVM runs guests: %q, %v", accel, err)
	}
	if usable != nil && (err == nil || !strings.Contains(err.Error(), usable.Error())) {
		t.Fatalf("kvm on a host where KVM cannot run guests: %q, %v; want an error saying %v", accel, err, usable)
	}
	if a, _, err := ChooseAccel("tcg"); err != nil || a != "tcg" {
		t.Fatalf("tcg: %q, %v", a, err)
	}
	if _, _, err := ChooseAccel("xen"); err == nil {
		t.Fatal("xen: no error")
	}
	// The driver left on auto starts its machines with the same choice.
	if got := (&Driver{}).Accelerator(); got != want {
		t.Fatalf("Driver.Accelerator() = %s, want %s", got, want)
	}
}

// Where /dev/kvm can be opened, the probe's guest runs: its OUT comes
// back to the host. (kvm_pvm passes this too; the module check is what
// tells it apart.)
func TestKVMProbe(t *testing.T) {
	f, err := os.OpenFile("/dev/kvm", os.O_RDWR, 0)
	if err != nil {
		if err := kvmProbe(probeLimit); err == nil {
			t.Fatal("probe passed without /dev/kvm")
		}
		return
	}
	f.Close()
	if err := kvmProbe(probeLimit); err != nil {
		t.Fatalf("probe: %v", err)
	}
}
