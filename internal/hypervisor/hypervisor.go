// Package hypervisor is the model of the virtual machines behind cloud
// instances and QEMU-backed VPS services: what a machine is made of (Spec),
// the power states it can be in, and the Hypervisor interface its drivers
// implement (the simulator internal/driver/hvsim and QEMU over QMP,
// internal/driver/qemu). It does no I/O itself.
//
// # Power model
//
// A machine is either running (its virtual CPUs run), paused (its process
// exists, the CPUs are stopped by the hypervisor), guest-off (its process
// exists but the guest switched itself off, e.g. after an ACPI power-down)
// or stopped (no process: never started, powered off, or the host
// rebooted). To the API, running is "running" and every other state is
// "stopped" (PowerOn reports whether a machine counts as on).
//
// The desired power state of each machine is in the database. The
// reconciler starts a machine that should be on and has no process (after
// a host reboot or a crash) and stops one that should be off; a guest that
// powered itself off keeps its (stopped) process and stays off until
// somebody powers it on: it is the guest's own choice, not a failure.
// A command whose call on the machine fails puts the desired state back as
// it was (the rule of every driver behind internal/driver), so the
// reconciler never carries out a command the caller was told failed.
package hypervisor

import (
	"context"
	"errors"
	"time"
)

// State is a machine's power state as the hypervisor sees it.
type State string

// The states of a machine.
const (
	Running  State = "running"
	Paused   State = "paused"
	GuestOff State = "guest-off"
	Stopped  State = "stopped"
)

// On reports whether the machine counts as powered on.
func (s State) On() bool { return s == Running }

// HasProcess reports whether the machine's process exists.
func (s State) HasProcess() bool { return s == Running || s == Paused || s == GuestOff }

// ErrNotShutDown is returned when a guest did not switch itself off within
// the time it was given after an ACPI power-down (it ignores ACPI, or it
// was too slow). The machine is left running.
var ErrNotShutDown = errors.New("hypervisor: the guest did not shut down in time")

// Spec is what a machine is made of. The hypervisor keeps nothing of it
// across a stop: each Start is given the whole Spec again.
type Spec struct {
	// Name identifies the machine on its host: lower-case letters,
	// digits and '-', at most 63 characters (ValidName).
	Name string
	CPUs int
	// RAMMB is the memory in MiB, DiskGB the disk size in GiB.
	RAMMB  int64
	DiskGB int64
	// BandwidthMbps is the network bandwidth the machine is sold.
	BandwidthMbps int64
	// BootImage, when not empty, is the path of an installation image
	// attached as a CD-ROM and booted first; empty: boot from the disk.
	BootImage string
	// Kernel, when not empty, boots the machine directly from that kernel
	// (with Initrd and KernelArgs) instead of its firmware's boot order:
	// for appliance machines the operator builds.
	Kernel, Initrd, KernelArgs string
	// VNCPort is the TCP port of the machine's VNC console (on the
	// driver's VNC address; 0: no console); VNCPassword its password (VNC
	// uses the first 8 bytes).
	VNCPort     int
	VNCPassword string
}

// Hypervisor runs machines. Every method is safe for concurrent use; calls
// for one machine are serialised by the driver. Errors other than
// ErrNotShutDown are for the operator's log.
type Hypervisor interface {
	// State returns the machine's power state (Stopped for a machine the
	// hypervisor does not know).
	State(ctx context.Context, name string) (State, error)
	// Start powers the machine on: a stopped machine is started from
	// spec (its disk is created on first start), a paused or guest-off
	// one is reset and resumed. A running machine is left as it is.
	Start(ctx context.Context, spec Spec) error
	// Stop cuts the power: the process ends at once, whatever the guest
	// does. A stopped machine is left as it is.
	Stop(ctx context.Context, name string) error
	// Shutdown presses the ACPI power button. With wait > 0 it waits for
	// the guest to switch itself off, then ends the process; when the
	// guest is not off in time it returns ErrNotShutDown and the machine
	// keeps running. With wait == 0 it returns once the button is pressed.
	Shutdown(ctx context.Context, name string, wait time.Duration) error
	// Reboot asks the guest to restart through ACPI: power button, wait
	// up to wait for the guest to switch itself off, then reset and
	// resume. ErrNotShutDown when the guest did not switch off in time
	// (it keeps running). A machine that is not running is started.
	Reboot(ctx context.Context, spec Spec, wait time.Duration) error
	// GrowDisk grows the machine's disk to gb GiB (never shrinks it). The
	// machine must be stopped.
	GrowDisk(ctx context.Context, name string, gb int64) error
	// SetVNCPassword changes the console password of a running machine
	// (a stopped one gets its password from the Spec when it starts).
	SetVNCPassword(ctx context.Context, name, password string) error
	// Delete stops the machine and removes its disk and everything the
	// hypervisor kept of it. Deleting an unknown machine is not an error.
	Delete(ctx context.Context, name string) error
}

// ValidName reports whether name can name a machine.
func ValidName(name string) bool {
	if name == "" || len(name) > 63 || name[0] == '-' {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
