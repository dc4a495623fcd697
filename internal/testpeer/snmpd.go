package testpeer

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// SNMPD is a Net-SNMP snmpd started by StartSNMPD: it answers SNMP v2c
// GETs for Community and SNMP v3 GETs for user V3User (SHA
// authentication with V3AuthPassword, AES privacy with V3PrivPassword) on
// 127.0.0.1:Port (of the network namespace it runs in), read-only.
type SNMPD struct {
	Port                           int
	Community                      string
	V3User                         string
	V3AuthPassword, V3PrivPassword string
	Daemon                         *Daemon
}

// StartSNMPD installs snmpd when missing (skipping loudly when it cannot
// be had) and starts it with its own configuration and persistent
// directory in a temporary directory. netns, when not "", is a network
// namespace (under /var/run/netns) to run it in: the agent then reports
// that namespace's interfaces. It stops with the test.
func StartSNMPD(t testing.TB, netns string) *SNMPD {
	t.Helper()
	bin := NeedTool(t, "snmpd", "snmpd")
	dir := t.TempDir()
	s := &SNMPD{Port: FreePort(t), Community: fmt.Sprintf("artnet-test-%d", os.Getpid()),
		V3User: "artnet", V3AuthPassword: fmt.Sprintf("auth-%d", os.Getpid()), V3PrivPassword: fmt.Sprintf("priv-%d", os.Getpid())}
	conf := fmt.Sprintf("agentAddress udp:127.0.0.1:%d\nrocommunity %s 127.0.0.1\ncreateUser %s SHA %q AES %q\nrouser %s priv\n",
		s.Port, s.Community, s.V3User, s.V3AuthPassword, s.V3PrivPassword, s.V3User)
	if err := os.WriteFile(filepath.Join(dir, "snmpd.conf"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"-f", "-Lo", "-C", "-c", filepath.Join(dir, "snmpd.conf"), "-p", filepath.Join(dir, "snmpd.pid"), "-I", "-smux"}
	// env and "ip netns exec" exec snmpd in their own process, so the
	// daemon's signals reach it.
	args = append([]string{"SNMP_PERSISTENT_DIR=" + dir, bin}, args...)
	if netns != "" {
		args = append([]string{"ip", "netns", "exec", netns, "env"}, args...)
	}
	env, err := exec.LookPath("env")
	if err != nil {
		t.Fatal(err)
	}
	s.Daemon = Start(t.Context(), t, env, args...)
	// snmpd is up once it has bound its port (it logs a line then).
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(s.Daemon.Logs.String(), "NET-SNMP version") {
		select {
		case err := <-s.Daemon.Exited:
			t.Fatalf("snmpd exited: %v\n%s", err, s.Daemon.Logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("snmpd did not start:\n%s", s.Daemon.Logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return s
}
