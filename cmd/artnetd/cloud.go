package main

import (
	"cmp"
	"context"
	"encoding/hex"
	"flag"
	"fmt"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/demo"
	"github.com/artnet-panel/artnet-panel/internal/driver"
	"github.com/artnet-panel/artnet-panel/internal/driver/hvsim"
	"github.com/artnet-panel/artnet-panel/internal/driver/qemu"
	"github.com/artnet-panel/artnet-panel/internal/hypervisor"
	"github.com/artnet-panel/artnet-panel/internal/metrics"
	"github.com/artnet-panel/artnet-panel/internal/panel"
)

// CloudConfig chooses this node's hypervisor (cloud instances and VPS
// power).
type CloudConfig struct {
	// Hypervisor: "qemu" (QEMU/KVM over QMP: this node runs the
	// machines), "sim" (the in-memory simulator) or "none" (power changes
	// answer their internal error and change nothing). "": "sim" with
	// Main.Demo or Main.Simulate, else "none" (honest mode).
	Hypervisor string
	// StateDir holds the QEMU machines' disks, QMP sockets and pid files.
	StateDir string
	// VNCAddr is the address the machines' VNC consoles listen on.
	VNCAddr string
	// Network ("none" or "tap") and Bridge: the machines' NIC (qemu.Driver).
	Network, Bridge string
	// Accel is the machines' accelerator: "auto" (or empty: KVM where it
	// runs a guest, else TCG), "kvm" (the node does not start where KVM
	// cannot run a guest) or "tcg" (qemu.ChooseAccel).
	Accel string
	// SecretKey seals the instances' console passwords (32 bytes).
	SecretKey []byte
	// ImagesDir is where relative installation image files are found.
	ImagesDir string
	// ShutdownWait is how long a guest gets to shut down (0: 30s).
	ShutdownWait time.Duration
	// Reconcile is the period of the full reconcile (0: 30s).
	Reconcile time.Duration

	sim  *hvsim.Simulator
	qemu *qemu.Driver
	stop context.CancelFunc
	done <-chan struct{}
}

// HypervisorSimulator returns the simulator when the node runs one.
func (m *Main) HypervisorSimulator() *hvsim.Simulator { return m.Cloud.sim }

// QEMU returns the QEMU driver when the node runs one.
func (m *Main) QEMU() *qemu.Driver { return m.Cloud.qemu }

// startCloud sets the panel's hypervisor and starts its reconciler, which
// brings every machine to its desired power state at start (after a host
// reboot: the machines meant to run are started), when another node
// changes it, and every Reconcile period.
func (m *Main) startCloud(p *panel.Panel) error {
	c := &m.Cloud
	key := c.SecretKey
	if key == nil && m.Demo {
		key = demo.CloudSecretKey
	}
	if c.Hypervisor == "" {
		c.Hypervisor = "none"
		if m.simulate() {
			c.Hypervisor = "sim"
		}
	}
	var h hypervisor.Hypervisor
	switch c.Hypervisor {
	case "sim":
		c.sim = &hvsim.Simulator{}
		h = c.sim
		m.deviceMode("hypervisor", ModeSim, "sim")
	case "qemu":
		if c.StateDir == "" {
			return fmt.Errorf("--hypervisor qemu needs --qemu-state-dir")
		}
		accel, why, err := qemu.ChooseAccel(c.Accel)
		if err != nil {
			return fmt.Errorf("--qemu-accel: %w", err)
		}
		m.Logger.Info("hypervisor: qemu accelerator", "accel", accel, "mode", cmp.Or(c.Accel, "auto"), "why", why)
		c.qemu = &qemu.Driver{StateDir: c.StateDir, VNCAddr: c.VNCAddr, Network: c.Network, Bridge: c.Bridge, Accel: accel, Logger: m.Logger}
		h = c.qemu
		m.deviceMode("hypervisor", ModeReal, "qemu")
	case "none":
		m.deviceMode("hypervisor", ModeNone, "")
	default:
		return fmt.Errorf("--hypervisor %q: want sim, qemu or none", c.Hypervisor)
	}
	if key == nil && h != nil {
		m.Logger.Warn("hypervisor: no --cloud-secret-key: cloud instances cannot be started (their console passwords stay sealed)")
	}
	p.Cloud = &panel.Cloud{Hypervisor: h, SecretKey: key, ShutdownWait: c.ShutdownWait, ImagesDir: c.ImagesDir,
		Restarted: func(string) { metrics.MachineRestarts.Inc() }}
	if h == nil {
		return nil
	}
	started, retry := false, false
	r := &driver.Reconciler{
		Kind: "hypervisor",
		Reconcile: func(ctx context.Context) error {
			err := p.CloudReconcile(ctx)
			if err != nil && !started {
				// A machine that cannot start must not keep the API
				// down: the loop retries it (with backoff).
				m.Logger.Error("hypervisor: first reconcile", "err", err)
				err, retry = nil, true
			}
			started = true
			return err
		},
		Generation: func(ctx context.Context) (int64, error) { return m.store.DriverGeneration(ctx, "hypervisor") },
		Interval:   c.Reconcile,
		Logger:     m.Logger,
	}
	m.addReconciler(r)
	ctx, cancel := context.WithCancel(context.Background())
	done, err := r.Start(ctx)
	if err != nil {
		cancel()
		return fmt.Errorf("hypervisor: %w", err)
	}
	if retry {
		r.Kick()
	}
	c.stop, c.done = cancel, done
	m.Logger.Info("hypervisor", "driver", c.Hypervisor, "state_dir", c.StateDir)
	return nil
}

// stopCloud stops the reconciler (the machines keep running).
func (m *Main) stopCloud() {
	if m.Cloud.stop != nil {
		m.Cloud.stop()
		<-m.Cloud.done
		m.Cloud.stop = nil
	}
}

// cloudFlags declares the hypervisor's flags on fs; the returned function
// checks and stores their values once fs is parsed.
func cloudFlags(fs *flag.FlagSet, c *CloudConfig) func() error {
	fs.StringVar(&c.Hypervisor, "hypervisor", env("ARTNETD_HYPERVISOR", ""), "hypervisor of cloud instances and VPS power: qemu, sim or none (empty: sim with --demo/--simulate, else none)")
	fs.StringVar(&c.StateDir, "qemu-state-dir", env("ARTNETD_QEMU_STATE_DIR", "/var/lib/artnetd/qemu"), "with --hypervisor qemu: directory of the machines' disks, QMP sockets and pid files")
	fs.StringVar(&c.VNCAddr, "qemu-vnc-addr", env("ARTNETD_QEMU_VNC_ADDR", "127.0.0.1"), "address the machines' VNC consoles listen on")
	fs.StringVar(&c.Network, "qemu-network", env("ARTNETD_QEMU_NETWORK", "none"), "the machines' network: none, or tap (a virtio NIC on a tap shaped to the instance's bandwidth with tc)")
	fs.StringVar(&c.Bridge, "qemu-bridge", env("ARTNETD_QEMU_BRIDGE", ""), "with --qemu-network tap: the bridge the taps join (empty: none)")
	fs.StringVar(&c.Accel, "qemu-accel", env("ARTNETD_QEMU_ACCEL", "auto"), "the machines' accelerator: auto (KVM where it can run a guest, else TCG), kvm (refuse to start without a working KVM) or tcg")
	fs.StringVar(&c.ImagesDir, "cloud-images-dir", env("ARTNETD_CLOUD_IMAGES_DIR", "/var/lib/artnetd/images"), "directory of installation images given by relative file names")
	key := fs.String("cloud-secret-key", env("ARTNETD_CLOUD_SECRET_KEY", ""), "64 hex digits: AES-256 key sealing the instances' console passwords (prefer the environment variable)")
	wait := fs.String("cloud-shutdown-wait", env("ARTNETD_CLOUD_SHUTDOWN_WAIT", "30s"), "how long a guest gets to shut down after an ACPI power-down")
	reconcile := fs.String("hypervisor-reconcile", env("ARTNETD_HYPERVISOR_RECONCILE", "30s"), "period of the full reconcile of the machines' power")
	return func() error {
		var err error
		if c.Accel != "auto" && c.Accel != "kvm" && c.Accel != "tcg" {
			return fmt.Errorf("--qemu-accel %q: want auto, kvm or tcg", c.Accel)
		}
		if c.SecretKey, err = parseCloudKey(*key); err != nil {
			return err
		}
		if c.ShutdownWait, err = time.ParseDuration(*wait); err != nil || c.ShutdownWait <= 0 {
			return fmt.Errorf("--cloud-shutdown-wait %q: want a positive duration such as 30s", *wait)
		}
		if c.Reconcile, err = time.ParseDuration(*reconcile); err != nil || c.Reconcile <= 0 {
			return fmt.Errorf("--hypervisor-reconcile %q: want a positive duration such as 30s", *reconcile)
		}
		return nil
	}
}

// parseCloudKey decodes the cloud secret key ("": none).
func parseCloudKey(s string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	k, err := hex.DecodeString(s)
	if err != nil || len(k) != panel.CloudSecretKeySize {
		return nil, fmt.Errorf("--cloud-secret-key: want %d hex digits", 2*panel.CloudSecretKeySize)
	}
	return k, nil
}
