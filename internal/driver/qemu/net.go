package qemu

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os/exec"
	"strconv"
	"strings"

	"github.com/artnet-panel/artnet-panel/internal/hypervisor"
)

// The machines' network (Driver.Network).
//
// "none" (the default): no network device. "tap": one virtio NIC on a tap
// device that QEMU creates (artnetd needs CAP_NET_ADMIN), named TapName,
// with a MAC address derived from the machine's name (52:54:00 + 3 bytes
// of its SHA-256), enslaved to Driver.Bridge when set and brought up. The
// bandwidth of the Spec is enforced on the tap with tc (iproute2, run
// without a shell) in both directions: traffic to the guest (the tap's
// egress) by a token bucket (tbf), traffic from the guest (the tap's
// ingress) by a policer that drops what exceeds the rate; bursts of
// 1/100 s of the rate (at least 16 KiB). A kernel without cls_u32 or
// act_police cannot police the ingress: the upload then stays unlimited
// and a warning is logged. The tap disappears with the
// process, and each start applies the machine's Spec again.

// TapName returns the tap device of machine name (at most 15 bytes).
func TapName(name string) string {
	h := sha256.Sum256([]byte(name))
	return "vm" + hex.EncodeToString(h[:6])
}

// MAC returns the NIC's MAC address of machine name.
func MAC(name string) string {
	h := sha256.Sum256([]byte("mac:" + name))
	return fmt.Sprintf("52:54:00:%02x:%02x:%02x", h[0], h[1], h[2])
}

func (d *Driver) netArgs(spec hypervisor.Spec) ([]string, error) {
	switch d.Network {
	case "", "none":
		return []string{"-nic", "none"}, nil
	case "tap":
		return []string{
			"-netdev", "tap,id=net0,ifname=" + TapName(spec.Name) + ",script=no,downscript=no",
			"-device", "virtio-net-pci,netdev=net0,mac=" + MAC(spec.Name),
		}, nil
	}
	return nil, fmt.Errorf("qemu: network %q: want none or tap", d.Network)
}

// setupNet attaches and shapes the machine's tap after its start.
func (d *Driver) setupNet(ctx context.Context, spec hypervisor.Spec) error {
	if d.Network != "tap" {
		return nil
	}
	tap := TapName(spec.Name)
	if d.Bridge != "" {
		if err := d.run(ctx, "ip", "link", "set", "dev", tap, "master", d.Bridge); err != nil {
			return err
		}
	}
	if err := d.run(ctx, "ip", "link", "set", "dev", tap, "up"); err != nil {
		return err
	}
	if spec.BandwidthMbps <= 0 {
		return nil
	}
	rate := strconv.FormatInt(spec.BandwidthMbps, 10) + "mbit"
	burst := max(spec.BandwidthMbps*1_000_000/8/100, 16<<10)
	b := strconv.FormatInt(burst, 10)
	if err := d.run(ctx, "tc", "qdisc", "replace", "dev", tap, "root", "tbf", "rate", rate, "burst", b, "latency", "50ms"); err != nil {
		return err
	}
	if err := d.run(ctx, "tc", "qdisc", "replace", "dev", tap, "ingress"); err != nil {
		return err
	}
	err := d.run(ctx, "tc", "filter", "replace", "dev", tap, "parent", "ffff:", "pref", "1", "protocol", "all",
		"u32", "match", "u32", "0", "0", "action", "police", "rate", rate, "burst", b, "conform-exceed", "drop")
	if err != nil && (strings.Contains(err.Error(), "module") || strings.Contains(err.Error(), "not found")) {
		// A kernel without the u32 classifier or the police action
		// (cls_u32, act_police): the guest's upload stays unlimited.
		d.logger().Warn("qemu: the kernel cannot police a tap's ingress; the guest's upload is not limited",
			"machine", spec.Name, "err", err)
		return d.run(ctx, "tc", "qdisc", "del", "dev", tap, "ingress")
	}
	return err
}

func (d *Driver) logger() *slog.Logger {
	if d.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return d.Logger
}

func (d *Driver) run(ctx context.Context, bin string, args ...string) error {
	cctx, cancel := context.WithTimeout(ctx, d.timeout())
	defer cancel()
	out, err := exec.CommandContext(cctx, bin, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %v: %w: %s", bin, args, err, bytes.TrimSpace(out))
	}
	return nil
}
