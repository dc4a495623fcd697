package testpeer

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// IPMISim is an OpenIPMI ipmi_sim BMC started by StartIPMISim: it answers
// IPMI v1.5 and v2.0 (lanplus) on 127.0.0.1:Port for user User with
// password Password (admin privilege). Its chassis power control is a
// small script that keeps the power line's state in a file, so a power
// on/off/cycle sent over IPMI really changes what the BMC reports.
type IPMISim struct {
	Port           int
	User, Password string
	Daemon         *Daemon
	ipmitool       string
	dir            string
}

// StartIPMISim installs openipmi and ipmitool when missing (skipping
// loudly when they cannot be had) and starts ipmi_sim with its own
// lan.conf and emulator command file in a temporary directory, the power
// line initially on. It stops with the test.
func StartIPMISim(t testing.TB) *IPMISim {
	t.Helper()
	bin := NeedTool(t, "ipmi_sim", "openipmi")
	tool := NeedTool(t, "ipmitool", "ipmitool")
	dir := t.TempDir()
	s := &IPMISim{Port: FreePort(t), User: "ADMIN", Password: "s3cret-" + strconv.Itoa(os.Getpid()), ipmitool: tool, dir: dir}
	if err := os.WriteFile(filepath.Join(dir, "power"), []byte("1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// ipmi_sim runs the chassis_control program as
	// "PROG MC get PARM..." (print "PARM:VALUE" lines) and
	// "PROG MC set PARM VALUE..."; power is 1 (on) or 0 (off).
	script := `#!/bin/sh
st="` + filepath.Join(dir, "power") + `"
shift
op=$1; shift
case $op in
get) for p in "$@"; do
       case $p in
       power) echo "power:$(cat "$st")";;
       boot) echo "boot:default";;
       esac
     done;;
set) while [ $# -ge 2 ]; do
       case $1 in power) echo "$2" > "$st";; esac
       shift 2
     done;;
esac
`
	if err := os.WriteFile(filepath.Join(dir, "chassis"), []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	conf := fmt.Sprintf(`name "artnet-test"
set_working_mc 0x20
  startlan 1
    addr 127.0.0.1 %d
    priv_limit admin
    allowed_auths_callback none md2 md5 straight
    allowed_auths_user none md2 md5 straight
    allowed_auths_operator none md2 md5 straight
    allowed_auths_admin none md2 md5 straight
    guid a123456789abcdefa123456789abcdef
  endlan
  chassis_control "%s 0x20"
  user 2 true "%s" "%s" admin 10 none md2 md5 straight
`, s.Port, filepath.Join(dir, "chassis"), s.User, s.Password)
	if err := os.WriteFile(filepath.Join(dir, "lan.conf"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	emu := "mc_setbmc 0x20\nmc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr\nmc_enable 0x20\n"
	if err := os.WriteFile(filepath.Join(dir, "sim.emu"), []byte(emu), 0o600); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, "state")
	if err := os.Mkdir(state, 0o700); err != nil {
		t.Fatal(err)
	}
	s.Daemon = Start(t.Context(), t, bin, "-c", filepath.Join(dir, "lan.conf"), "-f", filepath.Join(dir, "sim.emu"), "-s", state, "-n")
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := s.PowerState(t); err == nil {
			return s
		} else if time.Now().After(deadline) {
			t.Fatalf("ipmi_sim did not answer: %v\n%s", err, s.Daemon.Logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// PowerState asks the BMC, with the test's own ipmitool call, for the
// chassis power state ("on" or "off").
func (s *IPMISim) PowerState(t testing.TB) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, s.ipmitool, "-I", "lanplus", "-C", "3", "-H", "127.0.0.1", "-p", strconv.Itoa(s.Port),
		"-U", s.User, "-E", "-N", "2", "-R", "3", "chassis", "power", "status")
	cmd.Env = []string{"IPMI_PASSWORD=" + s.Password}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("ipmitool: %w: %s", err, out)
	}
	for _, l := range strings.Split(string(out), "\n") {
		if st, ok := strings.CutPrefix(strings.TrimSpace(l), "Chassis Power is "); ok {
			return st, nil
		}
	}
	return "", fmt.Errorf("ipmitool: no power state in %q", out)
}

// RawState returns the power line state the BMC keeps ("1" on, "0"
// off), read from its control script's state file.
func (s *IPMISim) RawState(t testing.TB) string {
	b, err := os.ReadFile(filepath.Join(s.dir, "power"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}
