// Package hvsim is the hypervisor simulator: a hypervisor.Hypervisor that
// keeps its machines in memory. It serves --demo, the API's own tests and
// any node without QEMU. Its guests obey ACPI unless told otherwise
// (IgnoreACPI), and it can be told to fail, as a real hypervisor can.
package hvsim

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/hypervisor"
)

// Machine is what the simulator holds of one machine.
type Machine struct {
	State  hypervisor.State
	Spec   hypervisor.Spec // as last started
	DiskGB int64
	// VNCPassword is the console password in force (of a running machine).
	VNCPassword string
	Starts      int
}

// Simulator is a hypervisor.Hypervisor in memory. The zero value is ready
// to use; it is safe for concurrent use.
type Simulator struct {
	mu       sync.Mutex
	machines map[string]*Machine
	ignore   map[string]bool
	fail     error
	failOnly map[string]error
}

var _ hypervisor.Hypervisor = (*Simulator)(nil)

func (s *Simulator) machine(name string) *Machine {
	if s.machines == nil {
		s.machines = map[string]*Machine{}
	}
	m := s.machines[name]
	if m == nil {
		m = &Machine{State: hypervisor.Stopped}
		s.machines[name] = m
	}
	return m
}

func (s *Simulator) check(ctx context.Context, name, call string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !hypervisor.ValidName(name) {
		return fmt.Errorf("invalid machine name %q", name)
	}
	if err := s.failOnly[call]; err != nil {
		return err
	}
	return s.fail
}

// Machine returns a copy of the machine's record (false: never seen).
func (s *Simulator) Machine(name string) (Machine, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.machines[name]
	if !ok {
		return Machine{}, false
	}
	return *m, true
}

// Fail makes every following call return err (nil: succeed again).
func (s *Simulator) Fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = err
}

// Calls of the simulator, for FailCalls.
const (
	CallState          = "state"
	CallStart          = "start"
	CallStop           = "stop"
	CallShutdown       = "shutdown"
	CallReboot         = "reboot"
	CallGrowDisk       = "grow-disk"
	CallSetVNCPassword = "set-vnc-password"
	CallDelete         = "delete"
)

// FailCalls makes the named calls return err (nil: succeed again) while
// the others keep working, as a real hypervisor fails one step: QEMU
// cannot start a machine whose VNC port is taken, yet answers its state.
func (s *Simulator) FailCalls(err error, calls ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failOnly == nil {
		s.failOnly = map[string]error{}
	}
	for _, c := range calls {
		s.failOnly[c] = err
	}
}

// IgnoreACPI makes the guest of name ignore (true) or obey ACPI.
func (s *Simulator) IgnoreACPI(name string, ignore bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ignore == nil {
		s.ignore = map[string]bool{}
	}
	s.ignore[name] = ignore
}

// Crash ends the machine's process as a host reboot would.
func (s *Simulator) Crash(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.machine(name).State = hypervisor.Stopped
}

// State implements hypervisor.Hypervisor.
func (s *Simulator) State(ctx context.Context, name string) (hypervisor.State, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.check(ctx, name, CallState); err != nil {
		return "", err
	}
	if m, ok := s.machines[name]; ok {
		return m.State, nil
	}
	return hypervisor.Stopped, nil
}

// Start implements hypervisor.Hypervisor.
func (s *Simulator) Start(ctx context.Context, spec hypervisor.Spec) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.check(ctx, spec.Name, CallStart); err != nil {
		return err
	}
	m := s.machine(spec.Name)
	if m.State == hypervisor.Running {
		return nil
	}
	return m.powerOn(spec)
}

// powerOn starts a stopped machine from spec, or resumes one with a
// process.
func (m *Machine) powerOn(spec hypervisor.Spec) error {
	if m.State == hypervisor.Stopped {
		if spec.CPUs < 1 || spec.RAMMB < 16 || spec.DiskGB < 1 {
			return fmt.Errorf("machine %s: bad resources", spec.Name)
		}
		m.Spec = spec
		m.VNCPassword = spec.VNCPassword
		if m.DiskGB == 0 {
			m.DiskGB = spec.DiskGB
		}
	}
	m.State = hypervisor.Running
	m.Starts++
	return nil
}

// Stop implements hypervisor.Hypervisor.
func (s *Simulator) Stop(ctx context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.check(ctx, name, CallStop); err != nil {
		return err
	}
	s.machine(name).State = hypervisor.Stopped
	return nil
}

// Shutdown implements hypervisor.Hypervisor: an obeying guest is off at
// once; one that ignores ACPI is ErrNotShutDown when waited for.
func (s *Simulator) Shutdown(ctx context.Context, name string, wait time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.check(ctx, name, CallShutdown); err != nil {
		return err
	}
	m := s.machine(name)
	if m.State != hypervisor.Running {
		if wait > 0 {
			m.State = hypervisor.Stopped
		}
		return nil
	}
	if s.ignore[name] {
		if wait > 0 {
			return hypervisor.ErrNotShutDown
		}
		return nil
	}
	if wait > 0 {
		m.State = hypervisor.Stopped
	} else {
		m.State = hypervisor.GuestOff
	}
	return nil
}

// Reboot implements hypervisor.Hypervisor.
func (s *Simulator) Reboot(ctx context.Context, spec hypervisor.Spec, wait time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.check(ctx, spec.Name, CallReboot); err != nil {
		return err
	}
	m := s.machine(spec.Name)
	if m.State == hypervisor.Running && s.ignore[spec.Name] {
		return hypervisor.ErrNotShutDown
	}
	return m.powerOn(spec)
}

// GrowDisk implements hypervisor.Hypervisor.
func (s *Simulator) GrowDisk(ctx context.Context, name string, gb int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.check(ctx, name, CallGrowDisk); err != nil {
		return err
	}
	m := s.machine(name)
	if m.State.HasProcess() {
		return fmt.Errorf("grow the disk of %s: the machine is not stopped", name)
	}
	if m.DiskGB != 0 && m.DiskGB < gb {
		m.DiskGB = gb
	}
	return nil
}

// SetVNCPassword implements hypervisor.Hypervisor.
func (s *Simulator) SetVNCPassword(ctx context.Context, name, password string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.check(ctx, name, CallSetVNCPassword); err != nil {
		return err
	}
	if m := s.machine(name); m.State.HasProcess() {
		m.VNCPassword = password
	}
	return nil
}

// Delete implements hypervisor.Hypervisor.
func (s *Simulator) Delete(ctx context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.check(ctx, name, CallDelete); err != nil {
		return err
	}
	delete(s.machines, name)
	return nil
}
