package qemu_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/driver/qemu"
	"github.com/artnet-panel/artnet-panel/internal/hypervisor"
	"github.com/artnet-panel/artnet-panel/internal/testpeer"
)

// A machine on a tap device joins the bridge and is shaped to its
// bandwidth in both directions; the tap goes away with the machine.
func TestTapBandwidth(t *testing.T) {
	if os.Geteuid() != 0 {
		testpeer.SkipLoud(t, "tap devices need root")
	}
	ip, tc := testpeer.NeedTool(t, "ip", "iproute2"), testpeer.NeedTool(t, "tc", "iproute2")
	ctx := context.Background()
	bridge := fmt.Sprintf("brq%d", os.Getpid()%100000)
	if out, err := exec.Command(ip, "link", "add", "name", bridge, "type", "bridge").CombinedOutput(); err != nil {
		testpeer.SkipLoud(t, "cannot create a bridge: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command(ip, "link", "del", bridge).Run() })
	d := newDriver(t, "vm-net")
	d.Network, d.Bridge = "tap", bridge
	spec := hypervisor.Spec{Name: "vm-net", CPUs: 1, RAMMB: 64, DiskGB: 1, BandwidthMbps: 20}
	if err := d.Start(ctx, spec); err != nil {
		t.Fatal(err)
	}
	tap := qemu.TapName(spec.Name)
	jsonOf := func(bin string, args ...string) []map[string]any {
		t.Helper()
		out, err := exec.Command(bin, args...).Output()
		if err != nil {
			t.Fatalf("%s %v: %v", bin, args, err)
		}
		var v []map[string]any
		if err := json.Unmarshal(out, &v); err != nil {
			t.Fatalf("%s %v: %v: %s", bin, args, err, out)
		}
		return v
	}
	link := jsonOf(ip, "-j", "link", "show", "dev", tap)
	if len(link) != 1 || link[0]["master"] != bridge {
		t.Fatalf("tap %s: %v", tap, link)
	}
	var rate any
	for _, q := range jsonOf(tc, "-j", "qdisc", "show", "dev", tap) {
		if q["kind"] == "tbf" {
			rate = q["options"].(map[string]any)["rate"]
		}
	}
	if rate != float64(20_000_000/8) {
		t.Fatalf("tbf rate on %s = %v, want 2500000 bytes/s", tap, rate)
	}
	// The guest's upload is policed where the kernel can (cls_u32 and
	// act_police); else the ingress qdisc is not left behind.
	out, err := exec.Command(tc, "filter", "show", "dev", tap, "parent", "ffff:").CombinedOutput()
	if err == nil && strings.Contains(string(out), "police") {
		if !strings.Contains(string(out), "rate 20Mbit") {
			t.Fatalf("ingress policer on %s:\n%s", tap, out)
		}
	} else {
		t.Logf("this kernel cannot police ingress: %v %s", err, out)
		for _, q := range jsonOf(tc, "-j", "qdisc", "show", "dev", tap) {
			if q["kind"] == "ingress" {
				t.Fatalf("ingress qdisc left on %s without a policer", tap)
			}
		}
	}
	if err := d.Stop(ctx, spec.Name); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); exec.Command(ip, "link", "show", "dev", tap).Run() == nil; {
		if time.Now().After(deadline) {
			t.Fatalf("tap %s still there after stop", tap)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
