// Package qemu is the hypervisor driver on QEMU/KVM: one
// qemu-system-x86_64 process per running machine, controlled over QMP
// (the QEMU Machine Protocol) with digitalocean/go-qemu's qmp package.
//
// # Processes and the state directory
//
// Each machine has a directory StateDir/<name> holding its disk
// (disk.qcow2, created with qemu-img on first start), its QMP socket
// (qmp.sock), the pid file QEMU writes (qemu.pid) and its serial console's
// output (console.log). QEMU is started
// without a shell, with -daemonize and in a session of its own, so the
// machine is not a child of artnetd and outlives it (a kill -9 of artnetd
// leaves every machine running). A restarted driver finds the machines
// again by their QMP sockets: nothing about them lives only in memory.
//
// QEMU runs with -no-shutdown: when the guest switches itself off the
// process stays, with the machine in the "shutdown" run state (GuestOff);
// power-on then resets and resumes it. KVM is used where it can run an
// ordinary guest (ChooseAccel, KVMUsable), else QEMU's TCG emulator (slow
// but complete).
//
// The VNC console listens on VNCAddr at the machine's port with VNC
// password authentication; the password is set over QMP (set_password)
// while the machine is still paused (-S) before its first instruction
// runs, so it is never on a command line or on disk, and until it is set
// no password opens the console.
//
// The network (net.go): none, or a tap per machine shaped to the Spec's
// bandwidth with tc.
package qemu

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/digitalocean/go-qemu/qmp"

	"github.com/artnet-panel/artnet-panel/internal/hypervisor"
)

// Driver is a hypervisor.Hypervisor on QEMU. Set StateDir; the other
// fields have defaults. It is safe for concurrent use; the calls for one
// machine are serialised.
type Driver struct {
	// StateDir holds one directory per machine (see the package comment).
	StateDir string
	// System and Img are the qemu-system-x86_64 and qemu-img binaries
	// (default: found in PATH).
	System, Img string
	// VNCAddr is the address VNC consoles listen on (default 127.0.0.1).
	VNCAddr string
	// Accel is "kvm" or "tcg"; empty or "auto": chosen once by
	// ChooseAccel("auto") (kvm where KVM runs a guest, else tcg).
	Accel string
	// Timeout bounds one QMP exchange and process start (default 10s).
	Timeout time.Duration
	// Network is "none" (no NIC, the default) or "tap" (net.go); Bridge
	// the bridge taps join ("": none).
	Network, Bridge string
	// Logger records what the driver works around (nil: discarded).
	Logger *slog.Logger

	mu    sync.Mutex
	locks map[string]*sync.Mutex

	autoOnce  sync.Once
	autoAccel string
}

var _ hypervisor.Hypervisor = (*Driver)(nil)

// lock serialises the calls for one machine.
func (d *Driver) lock(name string) func() {
	d.mu.Lock()
	if d.locks == nil {
		d.locks = map[string]*sync.Mutex{}
	}
	m := d.locks[name]
	if m == nil {
		m = &sync.Mutex{}
		d.locks[name] = m
	}
	d.mu.Unlock()
	m.Lock()
	return m.Unlock
}

func (d *Driver) timeout() time.Duration {
	if d.Timeout > 0 {
		return d.Timeout
	}
	return 10 * time.Second
}

func (d *Driver) dir(name string) (string, error) {
	if !hypervisor.ValidName(name) {
		return "", fmt.Errorf("invalid machine name %q", name)
	}
	if d.StateDir == "" {
		return "", errors.New("qemu: no state directory")
	}
	return filepath.Join(d.StateDir, name), nil
}

// DiskPath returns the path of the machine's disk image.
func (d *Driver) DiskPath(name string) string { return filepath.Join(d.StateDir, name, "disk.qcow2") }

// ConsolePath returns the path of the file the machine's serial console
// writes to (the guest's boot messages, kept until the next start).
func (d *Driver) ConsolePath(name string) string {
	return filepath.Join(d.StateDir, name, "console.log")
}

// QMPPath returns the path of the machine's QMP socket.
func (d *Driver) QMPPath(name string) string { return filepath.Join(d.StateDir, name, "qmp.sock") }

func (d *Driver) pidPath(name string) string { return filepath.Join(d.StateDir, name, "qemu.pid") }

// Accelerator returns the accelerator machines are started with.
func (d *Driver) Accelerator() string {
	if d.Accel != "" && d.Accel != "auto" {
		return d.Accel
	}
	d.autoOnce.Do(func() {
		accel, why, _ := ChooseAccel("auto")
		d.autoAccel = accel
		if d.Logger != nil {
			d.Logger.Info("qemu: accelerator", "accel", accel, "why", why)
		}
	})
	return d.autoAccel
}

func (d *Driver) tool(bin, def string) string {
	if bin != "" {
		return bin
	}
	return def
}

// errNoMonitor means the machine's QMP socket does not answer: no process.
var errNoMonitor = errors.New("qemu: no monitor")

// qmpRun connects to the machine's QMP socket and runs cmds in order,
// returning each "return" value. A socket nobody listens on is
// errNoMonitor.
func (d *Driver) qmpRun(ctx context.Context, name string, cmds ...qmp.Command) ([]json.RawMessage, error) {
	mon, err := qmp.NewSocketMonitor("unix", d.QMPPath(name), 2*time.Second)
	// QEMU serves one monitor client at a time and has a backlog of one:
	// a connection made while it has not yet seen the previous client go
	// is refused although the machine runs. Only a refusal with no live
	// process means there is no monitor.
	for busy := time.Now().Add(2 * time.Second); err != nil && errors.Is(err, syscall.ECONNREFUSED) &&
		d.alivePID(name) > 0 && time.Now().Before(busy); {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		mon, err = qmp.NewSocketMonitor("unix", d.QMPPath(name), 2*time.Second)
	}
	if err != nil {
		if errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ECONNREFUSED) {
			return nil, errNoMonitor
		}
		return nil, fmt.Errorf("connect to the monitor of %s: %w", name, err)
	}
	type result struct {
		out []json.RawMessage
		err error
	}
	done := make(chan result, 1)
	go func() {
		if err := mon.Connect(); err != nil {
			done <- result{err: fmt.Errorf("monitor handshake of %s: %w", name, err)}
			return
		}
		var out []json.RawMessage
		for _, c := range cmds {
			b, err := json.Marshal(c)
			if err != nil {
				done <- result{err: err}
				return
			}
			raw, err := mon.Run(b)
			if err != nil {
				done <- result{err: fmt.Errorf("%s on %s: %w", c.Execute, name, err)}
				return
			}
			var r struct {
				Return json.RawMessage `json:"return"`
			}
			if err := json.Unmarshal(raw, &r); err != nil {
				done <- result{err: fmt.Errorf("%s on %s: %w", c.Execute, name, err)}
				return
			}
			out = append(out, r.Return)
		}
		done <- result{out: out}
	}()
	timer := time.NewTimer(d.timeout())
	defer timer.Stop()
	select {
	case r := <-done:
		mon.Disconnect()
		return r.out, r.err
	case <-ctx.Done():
		mon.Disconnect()
		return nil, ctx.Err()
	case <-timer.C:
		mon.Disconnect()
		return nil, fmt.Errorf("monitor of %s: no answer in %s", name, d.timeout())
	}
}

// QMP runs one command on the machine's monitor and returns its "return"
// value (tests and benchmarks read query-* answers with it).
func (d *Driver) QMP(ctx context.Context, name, command string, args any) (json.RawMessage, error) {
	out, err := d.qmpRun(ctx, name, qmp.Command{Execute: command, Args: args})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// Resources returns the running machine's CPU count (QMP
// query-cpus-fast) and memory in bytes (query-memory-size-summary).
func (d *Driver) Resources(ctx context.Context, name string) (cpus int, memBytes int64, err error) {
	out, err := d.qmpRun(ctx, name, qmp.Command{Execute: "query-cpus-fast"}, qmp.Command{Execute: "query-memory-size-summary"})
	if err != nil {
		return 0, 0, err
	}
	var list []json.RawMessage
	var mem struct {
		BaseMemory int64 `json:"base-memory"`
	}
	if err := json.Unmarshal(out[0], &list); err != nil {
		return 0, 0, fmt.Errorf("query-cpus-fast of %s: %w", name, err)
	}
	if err := json.Unmarshal(out[1], &mem); err != nil {
		return 0, 0, fmt.Errorf("query-memory-size-summary of %s: %w", name, err)
	}
	return len(list), mem.BaseMemory, nil
}

// state reads the run state; callers hold the machine's lock.
func (d *Driver) state(ctx context.Context, name string) (hypervisor.State, error) {
	out, err := d.qmpRun(ctx, name, qmp.Command{Execute: "query-status"})
	if errors.Is(err, errNoMonitor) {
		if pid := d.alivePID(name); pid > 0 {
			return "", fmt.Errorf("machine %s: process %d alive but its monitor is gone", name, pid)
		}
		return hypervisor.Stopped, nil
	}
	if err != nil {
		return "", err
	}
	var st struct {
		Status string `json:"status"`
	}
	if err := json.Unmarshal(out[0], &st); err != nil {
		return "", fmt.Errorf("query-status of %s: %w", name, err)
	}
	switch st.Status {
	case "running":
		return hypervisor.Running, nil
	case "shutdown", "guest-panicked":
		return hypervisor.GuestOff, nil
	}
	return hypervisor.Paused, nil
}

// State implements hypervisor.Hypervisor.
func (d *Driver) State(ctx context.Context, name string) (hypervisor.State, error) {
	if _, err := d.dir(name); err != nil {
		return "", err
	}
	defer d.lock(name)()
	return d.state(ctx, name)
}

// alivePID returns the pid of the machine's QEMU process, or 0 when the
// pid file is missing or its process is gone or is not this machine's
// QEMU (a reused pid).
func (d *Driver) alivePID(name string) int {
	b, err := os.ReadFile(d.pidPath(name))
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0
	}
	if syscall.Kill(pid, 0) != nil {
		return 0
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil || !bytes.Contains(cmdline, []byte(d.QMPPath(name))) {
		return 0
	}
	return pid
}

// Start implements hypervisor.Hypervisor.
func (d *Driver) Start(ctx context.Context, spec hypervisor.Spec) error {
	dir, err := d.dir(spec.Name)
	if err != nil {
		return err
	}
	defer d.lock(spec.Name)()
	st, err := d.state(ctx, spec.Name)
	if err != nil {
		return err
	}
	switch st {
	case hypervisor.Running:
		return nil
	case hypervisor.Paused, hypervisor.GuestOff:
		_, err := d.qmpRun(ctx, spec.Name, qmp.Command{Execute: "system_reset"}, qmp.Command{Execute: "cont"})
		return err
	}
	return d.launch(ctx, dir, spec)
}

// Args returns the qemu-system-x86_64 arguments of spec (the machine's
// directory is dir).
func (d *Driver) Args(dir string, spec hypervisor.Spec) ([]string, error) {
	if spec.CPUs < 1 || spec.RAMMB < 16 || spec.DiskGB < 1 {
		return nil, fmt.Errorf("machine %s: bad resources (cpus %d, ram %d MiB, disk %d GiB)", spec.Name, spec.CPUs, spec.RAMMB, spec.DiskGB)
	}
	if spec.VNCPort != 0 && (spec.VNCPort < 5900 || spec.VNCPort > 65535) {
		return nil, fmt.Errorf("machine %s: VNC port %d is not 5900..65535", spec.Name, spec.VNCPort)
	}
	vncAddr := d.VNCAddr
	if vncAddr == "" {
		vncAddr = "127.0.0.1"
	}
	if strings.Contains(vncAddr, ":") {
		vncAddr = "[" + vncAddr + "]"
	}
	args := []string{
		"-name", spec.Name,
		"-machine", "pc,accel=" + d.Accelerator(),
		"-smp", strconv.Itoa(spec.CPUs),
		"-m", strconv.FormatInt(spec.RAMMB, 10),
		"-nodefaults", "-vga", "std",
		"-drive", "file=" + filepath.Join(dir, "disk.qcow2") + ",format=qcow2,if=virtio",
	}
	net, err := d.netArgs(spec)
	if err != nil {
		return nil, err
	}
	args = append(args, net...)
	if spec.Kernel != "" {
		args = append(args, "-kernel", spec.Kernel)
		if spec.Initrd != "" {
			args = append(args, "-initrd", spec.Initrd)
		}
		if spec.KernelArgs != "" {
			args = append(args, "-append", spec.KernelArgs)
		}
	}
	if spec.BootImage != "" {
		if strings.Contains(spec.BootImage, ",") {
			return nil, fmt.Errorf("machine %s: image path %q contains a comma", spec.Name, spec.BootImage)
		}
		args = append(args, "-drive", "file="+spec.BootImage+",media=cdrom,readonly=on", "-boot", "order=dc")
	} else {
		args = append(args, "-boot", "order=c")
	}
	if spec.VNCPort != 0 {
		args = append(args, "-vnc", fmt.Sprintf("%s:%d,password=on", vncAddr, spec.VNCPort-5900))
	}
	args = append(args,
		"-display", "none",
		"-serial", "file:"+filepath.Join(dir, "console.log"),
		"-qmp", "unix:"+filepath.Join(dir, "qmp.sock")+",server=on,wait=off",
		"-pidfile", filepath.Join(dir, "qemu.pid"),
		"-no-shutdown", "-S", "-daemonize",
	)
	return args, nil
}

// launch starts a stopped machine; the caller holds its lock.
func (d *Driver) launch(ctx context.Context, dir string, spec hypervisor.Spec) error {
	args, err := d.Args(dir, spec)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	disk := filepath.Join(dir, "disk.qcow2")
	if _, err := os.Stat(disk); errors.Is(err, os.ErrNotExist) {
		if err := d.img(ctx, "create", "-q", "-f", "qcow2", disk, fmt.Sprintf("%dG", spec.DiskGB)); err != nil {
			return err
		}
	}
	os.Remove(filepath.Join(dir, "qmp.sock"))
	os.Remove(filepath.Join(dir, "qemu.pid"))
	cctx, cancel := context.WithTimeout(ctx, d.timeout())
	defer cancel()
	cmd := exec.CommandContext(cctx, d.tool(d.System, "qemu-system-x86_64"), args...)
	// A session of its own: signals to artnetd's process group (a ^C, a
	// service manager stopping artnetd) never reach the machine.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		// QEMU may have made its monitor socket (and forked) before it
		// failed, e.g. on a VNC port another process holds: end what is
		// left and remove the socket, so the machine reads as stopped
		// rather than as a monitor that resets the connection.
		d.kill(ctx, spec.Name)
		os.Remove(d.QMPPath(spec.Name))
		os.Remove(d.pidPath(spec.Name))
		return fmt.Errorf("start %s: %w: %s", spec.Name, err, bytes.TrimSpace(out))
	}
	// The machine is paused (-S): set the console password before the
	// guest runs, then resume.
	cmds := []qmp.Command{{Execute: "cont"}}
	if spec.VNCPort != 0 {
		cmds = append([]qmp.Command{{Execute: "set_password",
			Args: map[string]string{"protocol": "vnc", "password": vncPassword(spec.VNCPassword)}}}, cmds...)
	}
	if err := d.setupNet(ctx, spec); err != nil {
		d.kill(ctx, spec.Name)
		return err
	}
	_, err = d.qmpRun(ctx, spec.Name, cmds...)
	if err != nil {
		d.kill(ctx, spec.Name)
		return err
	}
	return nil
}

// vncPassword is what VNC authentication uses of a password: its first 8
// bytes.
func vncPassword(pw string) string {
	if len(pw) > 8 {
		return pw[:8]
	}
	return pw
}

func (d *Driver) img(ctx context.Context, args ...string) error {
	cctx, cancel := context.WithTimeout(ctx, d.timeout())
	defer cancel()
	out, err := exec.CommandContext(cctx, d.tool(d.Img, "qemu-img"), args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("qemu-img %s: %w: %s", args[0], err, bytes.TrimSpace(out))
	}
	return nil
}

// kill ends the machine's process: QMP quit, then SIGKILL when it is still
// there after the timeout. The caller holds the machine's lock.
func (d *Driver) kill(ctx context.Context, name string) error {
	pid := d.alivePID(name)
	_, err := d.qmpRun(ctx, name, qmp.Command{Execute: "quit"})
	if err != nil && !errors.Is(err, errNoMonitor) && pid == 0 {
		return err
	}
	deadline := time.Now().Add(d.timeout())
	for pid > 0 && syscall.Kill(pid, 0) == nil && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if pid > 0 && syscall.Kill(pid, 0) == nil {
		syscall.Kill(pid, syscall.SIGKILL)
		for i := 0; i < 250 && syscall.Kill(pid, 0) == nil; i++ {
			time.Sleep(20 * time.Millisecond)
		}
	}
	os.Remove(d.QMPPath(name))
	os.Remove(d.pidPath(name))
	return nil
}

// Stop implements hypervisor.Hypervisor.
func (d *Driver) Stop(ctx context.Context, name string) error {
	if _, err := d.dir(name); err != nil {
		return err
	}
	defer d.lock(name)()
	return d.kill(ctx, name)
}

// waitOff presses the power button and waits up to wait for the guest to
// switch itself off. The caller holds the machine's lock.
func (d *Driver) waitOff(ctx context.Context, name string, wait time.Duration) error {
	if _, err := d.qmpRun(ctx, name, qmp.Command{Execute: "system_powerdown"}); err != nil {
		return err
	}
	deadline := time.Now().Add(wait)
	for {
		st, err := d.state(ctx, name)
		if err != nil {
			return err
		}
		if st != hypervisor.Running {
			return nil
		}
		if time.Now().After(deadline) {
			return hypervisor.ErrNotShutDown
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Shutdown implements hypervisor.Hypervisor.
func (d *Driver) Shutdown(ctx context.Context, name string, wait time.Duration) error {
	if _, err := d.dir(name); err != nil {
		return err
	}
	defer d.lock(name)()
	st, err := d.state(ctx, name)
	if err != nil || !st.HasProcess() {
		return err
	}
	if wait <= 0 {
		_, err := d.qmpRun(ctx, name, qmp.Command{Execute: "system_powerdown"})
		return err
	}
	if st == hypervisor.Running {
		if err := d.waitOff(ctx, name, wait); err != nil {
			return err
		}
	}
	return d.kill(ctx, name)
}

// Reboot implements hypervisor.Hypervisor.
func (d *Driver) Reboot(ctx context.Context, spec hypervisor.Spec, wait time.Duration) error {
	dir, err := d.dir(spec.Name)
	if err != nil {
		return err
	}
	defer d.lock(spec.Name)()
	st, err := d.state(ctx, spec.Name)
	if err != nil {
		return err
	}
	switch st {
	case hypervisor.Stopped:
		return d.launch(ctx, dir, spec)
	case hypervisor.Running:
		if err := d.waitOff(ctx, spec.Name, wait); err != nil {
			return err
		}
	}
	_, err = d.qmpRun(ctx, spec.Name, qmp.Command{Execute: "system_reset"}, qmp.Command{Execute: "cont"})
	return err
}

// DiskSize returns the virtual size of the machine's disk in bytes
// (qemu-img info).
func (d *Driver) DiskSize(ctx context.Context, name string) (int64, error) {
	cctx, cancel := context.WithTimeout(ctx, d.timeout())
	defer cancel()
	out, err := exec.CommandContext(cctx, d.tool(d.Img, "qemu-img"), "info", "-U", "--output=json", d.DiskPath(name)).Output()
	if err != nil {
		return 0, fmt.Errorf("qemu-img info %s: %w", name, err)
	}
	var info struct {
		VirtualSize int64 `json:"virtual-size"`
	}
	if err := json.Unmarshal(out, &info); err != nil {
		return 0, fmt.Errorf("qemu-img info %s: %w", name, err)
	}
	return info.VirtualSize, nil
}

// GrowDisk implements hypervisor.Hypervisor. A machine without a disk yet
// gets it at its first start, of the Spec's size.
func (d *Driver) GrowDisk(ctx context.Context, name string, gb int64) error {
	if _, err := d.dir(name); err != nil {
		return err
	}
	defer d.lock(name)()
	if _, err := os.Stat(d.DiskPath(name)); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if st, err := d.state(ctx, name); err != nil {
		return err
	} else if st.HasProcess() {
		return fmt.Errorf("grow the disk of %s: the machine is not stopped", name)
	}
	size, err := d.DiskSize(ctx, name)
	if err != nil {
		return err
	}
	if size >= gb<<30 {
		return nil
	}
	return d.img(ctx, "resize", "-q", "-f", "qcow2", d.DiskPath(name), fmt.Sprintf("%dG", gb))
}

// SetVNCPassword implements hypervisor.Hypervisor.
func (d *Driver) SetVNCPassword(ctx context.Context, name, password string) error {
	if _, err := d.dir(name); err != nil {
		return err
	}
	defer d.lock(name)()
	_, err := d.qmpRun(ctx, name, qmp.Command{Execute: "set_password",
		Args: map[string]string{"protocol": "vnc", "password": vncPassword(password)}})
	if errors.Is(err, errNoMonitor) {
		return nil
	}
	return err
}

// Delete implements hypervisor.Hypervisor.
func (d *Driver) Delete(ctx context.Context, name string) error {
	dir, err := d.dir(name)
	if err != nil {
		return err
	}
	defer d.lock(name)()
	if err := d.kill(ctx, name); err != nil {
		return err
	}
	return os.RemoveAll(dir)
}
