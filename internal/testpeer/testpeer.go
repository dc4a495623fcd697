// Package testpeer helps tests that run real protocol peers (dig, kdig,
// knotd, ...): it finds or installs their Debian packages, skips loudly
// when they cannot be had, and finds free loopback ports.
package testpeer

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	aptMu      sync.Mutex
	aptUpdated bool
	aptTried   = map[string]bool{}
)

// NeedTool returns the path of bin, installing the Debian package pkg with
// apt-get when it is missing and the test runs as root (as CI does). It
// skips the test, loudly, when the binary cannot be had.
func NeedTool(t testing.TB, bin, pkg string) string {
	t.Helper()
	if p := LookTool(bin); p != "" {
		return p
	}
	aptMu.Lock()
	defer aptMu.Unlock()
	if p := LookTool(bin); p != "" {
		return p
	}
	apt, err := exec.LookPath("apt-get")
	if err != nil || os.Geteuid() != 0 {
		SkipLoud(t, "%s is not installed and apt-get cannot install %s here (not root, or no apt-get)", bin, pkg)
	}
	if !aptTried[pkg] {
		aptTried[pkg] = true
		install := func() error {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, apt, "install", "-y", "--no-install-recommends", pkg)
			cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Logf("apt-get install %s: %v\n%s", pkg, err, tail(out, 2000))
			}
			return err
		}
		if install() != nil && !aptUpdated {
			aptUpdated = true
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			out, err := exec.CommandContext(ctx, apt, "update").CombinedOutput()
			cancel()
			if err != nil {
				t.Logf("apt-get update: %v\n%s", err, tail(out, 2000))
			}
			install()
		}
	}
	p := LookTool(bin)
	if p == "" {
		SkipLoud(t, "%s is missing and apt-get install %s did not provide it", bin, pkg)
	}
	return p
}

// LookTool finds bin in PATH or in the sbin directories (knotd lives in
// /usr/sbin, which a non-root PATH may lack).
func LookTool(bin string) string {
	if p, err := exec.LookPath(bin); err == nil {
		return p
	}
	for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/local/sbin"} {
		if p, err := exec.LookPath(dir + "/" + bin); err == nil {
			return p
		}
	}
	return ""
}

func SkipLoud(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := "SKIP: " + fmt.Sprintf(format, args...)
	fmt.Fprintln(os.Stderr, "\n*** "+msg+" ***")
	t.Skip(msg)
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// FreePort returns a port free for both UDP and TCP on 127.0.0.1 at the
// time of the call.
func FreePort(t testing.TB) int {
	t.Helper()
	for i := 0; i < 50; i++ {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := pc.LocalAddr().(*net.UDPAddr).Port
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		pc.Close()
		if err == nil {
			ln.Close()
			return port
		}
	}
	t.Fatal("no free port")
	return 0
}

// Buffer collects a subprocess's output for the test log; it is safe for
// concurrent writes.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Daemon is a peer process started by Start.
type Daemon struct {
	// Logs collects the process's standard output and error.
	Logs *Buffer
	// Exited receives the process's exit status when it ends.
	Exited <-chan error

	cmd *exec.Cmd
}

// Signal sends sig to the process (e.g. SIGHUP to reload).
func (d *Daemon) Signal(sig os.Signal) error { return d.cmd.Process.Signal(sig) }

// Start runs bin with args until the test ends (or ctx ends): at cleanup
// it sends SIGTERM, kills the process after 10 s, and logs its output when
// the test failed or runs verbosely.
func Start(ctx context.Context, t testing.TB, bin string, args ...string) *Daemon {
	t.Helper()
	cmd := exec.CommandContext(ctx, bin, args...)
	logs := &Buffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	exited := make(chan error, 1)
	done := make(chan error, 1)
	go func() {
		err := cmd.Wait()
		exited <- err
		done <- err
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() || testing.Verbose() {
			t.Logf("%s log:\n%s", bin, logs.String())
		}
	})
	return &Daemon{Logs: logs, Exited: exited, cmd: cmd}
}
