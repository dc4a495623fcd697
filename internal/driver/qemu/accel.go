package qemu

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"
)

// probeLimit bounds the KVM probe's guest run.
const probeLimit = 2 * time.Second

// ChooseAccel resolves an accelerator mode — "auto" (or ""), "kvm" or
// "tcg" — to the accelerator machines are started with, and says why.
// "auto" takes KVM only where it can run an ordinary guest (KVMUsable)
// and QEMU's TCG emulator elsewhere; "kvm" on a host where KVM cannot run
// a guest is an error, so a node told to use KVM does not start machines
// that would spin without running.
func ChooseAccel(mode string) (accel, why string, err error) {
	switch mode {
	case "tcg":
		return "tcg", "asked for", nil
	case "kvm", "auto", "":
	default:
		return "", "", fmt.Errorf("accelerator %q: want auto, kvm or tcg", mode)
	}
	kerr := KVMUsable()
	switch {
	case kerr == nil && mode == "kvm":
		return "kvm", "asked for; KVM runs a guest", nil
	case kerr == nil:
		return "kvm", "KVM runs a guest", nil
	case mode == "kvm":
		return "", "", fmt.Errorf("accelerator kvm: KVM cannot run a guest on this host: %w", kerr)
	}
	return "tcg", "KVM cannot run a guest: " + kerr.Error(), nil
}

// KVMUsable returns nil when KVM can run an ordinary guest on this host,
// else why not. Two checks, because neither is enough alone:
//
//   - a hardware virtualisation backend is loaded (kvm_intel or kvm_amd,
//     in /sys/module or /proc/modules). /dev/kvm also exists with only the
//     kvm_pvm module (pagetable-based virtualisation, for guests built for
//     it): there QEMU's SeaBIOS and a real-mode guest do run — the module
//     emulates them — but an ordinary Linux kernel spins forever without
//     printing a line, so no short probe tells such a host apart;
//   - a bounded probe (kvmProbe): a VM with one vCPU runs three
//     instructions and its OUT comes back to the host, which proves that
//     /dev/kvm opens read-write and creates and runs VMs (a container
//     without access, a nested host with KVM disabled).
func KVMUsable() error {
	if err := kvmBackend("/sys/module", "/proc/modules"); err != nil {
		return err
	}
	return kvmProbe(probeLimit)
}

// kvmBackends are the KVM modules that run guests on hardware
// virtualisation (VT-x, AMD-V).
var kvmBackends = []string{"kvm_intel", "kvm_amd"}

// kvmBackend returns nil when a hardware KVM backend is loaded: built in or
// loaded modules with parameters appear as sysModule/<name>, loaded modules
// as lines of procModules.
func kvmBackend(sysModule, procModules string) error {
	loaded := map[string]bool{}
	if ents, err := os.ReadDir(sysModule); err == nil {
		for _, e := range ents {
			loaded[e.Name()] = true
		}
	}
	if f, err := os.Open(procModules); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if name, _, _ := strings.Cut(sc.Text(), " "); name != "" {
				loaded[name] = true
			}
		}
		f.Close()
	}
	for _, b := range kvmBackends {
		if loaded[b] {
			return nil
		}
	}
	var kvm []string
	for name := range loaded {
		if strings.HasPrefix(name, "kvm") {
			kvm = append(kvm, name)
		}
	}
	if len(kvm) == 0 {
		return errors.New("no KVM module is loaded")
	}
	slices.Sort(kvm)
	return fmt.Errorf("no hardware virtualisation module (%s) is loaded, only %s", strings.Join(kvmBackends, " or "), strings.Join(kvm, ", "))
}
