package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/driver/ipmi"
	"github.com/artnet-panel/artnet-panel/internal/driver/powersim"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/power"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/testpeer"
	"github.com/artnet-panel/artnet-panel/internal/transfer"
)

// The demo's dedicated server, colocation (power_management sim) and VPS.
const (
	dedA = "12345"
	colA = "12346"
	vpsA = "12347"
)

// withPower gives the env's panel the simulator and the ipmi driver.
func withPower(e *testEnv) *power.Registry {
	reg := &power.Registry{}
	reg.Register("sim", powersim.New(e.store))
	reg.Register("ipmi", &ipmi.Driver{})
	e.api.Panel.Power = reg
	return reg
}

func (e *testEnv) powerState(module, id string) string {
	e.t.Helper()
	a := e.asA(module+"/power-details", "service_id", id)
	if !a.success() || a.get("power_details", "manageable") != true {
		e.t.Fatalf("%s/power-details %s: %s", module, id, a.raw)
	}
	return a.get("power_details", "state").(string)
}

func TestPowerSimulator(t *testing.T) {
	e := newEnv(t)
	withPower(e)
	for _, tc := range []struct{ module, id string }{{"dedicated", dedA}, {"colocation", colA}} {
		t.Run(tc.module, func(t *testing.T) {
			if got := e.powerState(tc.module, tc.id); got != "on" {
				t.Fatalf("seeded state %q, want on", got)
			}
			for _, step := range []struct{ cmd, want string }{
				{"power-off", "off"}, {"power-off", "off"}, {"power-on", "on"}, {"power-off", "off"}, {"power-restart", "on"},
			} {
				if a := e.asA(tc.module+"/"+step.cmd, "service_id", tc.id, "confirm", "confirm"); !a.success() {
					t.Fatalf("%s: %s", step.cmd, a.raw)
				}
				if got := e.powerState(tc.module, tc.id); got != step.want {
					t.Fatalf("after %s: state %q, want %q", step.cmd, got, step.want)
				}
			}
			// Not confirmed: unconfirmed, nothing changes.
			for _, c := range []string{"", "yes", "CONFIRM", "confirm "} {
				if a := e.asA(tc.module+"/power-off", "service_id", tc.id, "confirm", c); a.code() != "unconfirmed" {
					t.Errorf("power-off with confirm=%q: %s", c, a.raw)
				}
			}
			if a := e.asA(tc.module+"/power-off", "service_id", tc.id); a.code() != "unconfirmed" {
				t.Errorf("power-off without confirm: %s", a.raw)
			}
			if got := e.powerState(tc.module, tc.id); got != "on" {
				t.Errorf("an unconfirmed power-off changed the state to %q", got)
			}
		})
	}
}

func TestPowerErrors(t *testing.T) {
	e := newEnv(t)
	withPower(e)
	for _, cmd := range []string{"power-details", "power-on", "power-off", "power-restart"} {
		for _, tc := range []struct {
			name, module, id, want string
		}{
			{"colocation through dedicated", "dedicated", colA, "invalid-service-type"},
			{"dedicated through colocation", "colocation", dedA, "invalid-service-type"},
			{"VPS", "dedicated", vpsA, "invalid-service-type"},
			{"another customer's server", "dedicated", strconv.Itoa(serviceB), "authorization-failed"},
			{"missing server", "dedicated", "999999", "authorization-failed"},
		} {
			if a := e.asA(tc.module+"/"+cmd, "service_id", tc.id, "confirm", "confirm"); a.code() != tc.want {
				t.Errorf("%s %s: %s, want %s", cmd, tc.name, a.raw, tc.want)
			}
		}
		// B's server has no power_management feature.
		if a := e.asB("dedicated/"+cmd, "service_id", strconv.Itoa(serviceB), "confirm", "confirm"); a.code() != "unsupported-feature" {
			t.Errorf("%s without the feature: %s", cmd, a.raw)
		}
	}
	// With the feature but no power_management: not manageable.
	if err := e.store.ServiceDetailsUpdate(context.Background(), idB, serviceB, []byte(`{"features":{"power_management":true},"active":true}`)); err != nil {
		t.Fatal(err)
	}
	a := e.asB("dedicated/power-details", "service_id", strconv.Itoa(serviceB))
	if !a.success() || a.get("power_details", "manageable") != false || a.get("power_details", "state") != "unknown" {
		t.Errorf("power-details of a server without power_management: %s", a.raw)
	}
	for _, cmd := range []string{"power-on", "power-off", "power-restart"} {
		if a := e.asB("dedicated/"+cmd, "service_id", strconv.Itoa(serviceB), "confirm", "confirm"); a.code() != "unsupported-feature" {
			t.Errorf("%s of a server without power_management: %s", cmd, a.raw)
		}
	}
	// A node without the driver: internal-operation-error, details unknown.
	e.api.Panel.Power = &power.Registry{}
	if a := e.asA("dedicated/power-on", "service_id", dedA, "confirm", "confirm"); a.code() != "internal-operation-error" {
		t.Errorf("power-on without the driver: %s", a.raw)
	}
}

// probe is a power driver that records overlapping operations.
type probe struct {
	mu          sync.Mutex
	running     map[int64]int
	overlaps    int
	ops         int
	failUntilOp int
}

func (p *probe) Open(t power.Target) (power.Device, error) {
	return &probeDev{p: p, id: t.ServiceID}, nil
}

type probeDev struct {
	p  *probe
	id int64
}

func (d *probeDev) op(ctx context.Context) error {
	d.p.mu.Lock()
	d.p.ops++
	n := d.p.ops
	d.p.running[d.id]++
	if d.p.running[d.id] > 1 {
		d.p.overlaps++
	}
	d.p.mu.Unlock()
	time.Sleep(20 * time.Millisecond)
	d.p.mu.Lock()
	d.p.running[d.id]--
	d.p.mu.Unlock()
	if n <= d.p.failUntilOp {
		return fmt.Errorf("probe: failing op %d", n)
	}
	return nil
}

// State is a read: reads may overlap switches (power-details does not
// wait for the power line), so they only count as operations.
func (d *probeDev) State(ctx context.Context) (power.State, error) {
	d.p.mu.Lock()
	d.p.ops++
	n := d.p.ops
	d.p.mu.Unlock()
	if n <= d.p.failUntilOp {
		return power.Unknown, fmt.Errorf("probe: failing op %d", n)
	}
	return power.On, nil
}
func (d *probeDev) On(ctx context.Context) error    { return d.op(ctx) }
func (d *probeDev) Off(ctx context.Context) error   { return d.op(ctx) }
func (d *probeDev) Cycle(ctx context.Context) error { return d.op(ctx) }

func TestPowerSerialisedAndRetried(t *testing.T) {
	e := newEnv(t)
	reg := withPower(e)
	pr := &probe{running: map[int64]int{}}
	reg.Register("probe", pr)
	ctx := context.Background()
	if err := e.store.PowerSet(ctx, store.Power{ServiceID: 12345, CustomerID: idA, Driver: "probe", Config: []byte(`{"driver":"probe"}`)}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	cmds := []string{"power-on", "power-off", "power-restart", "power-details", "power-restart", "power-off"}
	errs := make([]string, len(cmds))
	for i, cmd := range cmds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if a := e.asA("dedicated/"+cmd, "service_id", dedA, "confirm", "confirm"); !a.success() {
				errs[i] = string(a.raw)
			}
		}()
	}
	wg.Wait()
	for i, s := range errs {
		if s != "" {
			t.Errorf("%s: %s", cmds[i], s)
		}
	}
	if pr.overlaps != 0 {
		t.Errorf("%d device operations on one server overlapped", pr.overlaps)
	}
	// Two failures, then success: one command, three tries.
	pr.ops, pr.failUntilOp = 0, 2
	if a := e.asA("dedicated/power-on", "service_id", dedA, "confirm", "confirm"); !a.success() || pr.ops != 3 {
		t.Errorf("power-on after two failed tries: %s (%d tries)", a.raw, pr.ops)
	}
	pr.ops, pr.failUntilOp = 0, 100
	if a := e.asA("dedicated/power-off", "service_id", dedA, "confirm", "confirm"); a.code() != "internal-operation-error" || pr.ops != panel.DefaultPowerTries {
		t.Errorf("power-off of a failing device: %s (%d tries, want %d)", a.raw, pr.ops, panel.DefaultPowerTries)
	}
	if !strings.Contains(e.logBuf.String(), "power off of service 12345 (probe): 3 tries: probe: failing") {
		t.Errorf("the failure is not logged with its service and reason: %s", e.logBuf.String())
	}
}

// TestPowerIPMI drives ipmi_sim through the API and reads each change back
// with the test's own ipmitool call.
func TestPowerIPMI(t *testing.T) {
	sim := testpeer.StartIPMISim(t)
	e := newEnv(t)
	withPower(e)
	ctx := context.Background()
	cfg, _ := json.Marshal(ipmi.Config{Driver: "ipmi", Address: "127.0.0.1", Port: sim.Port, Interface: "lanplus",
		Username: sim.User, Password: sim.Password})
	if err := e.store.PowerSet(ctx, store.Power{ServiceID: 12346, CustomerID: idA, Driver: "ipmi", Config: cfg}); err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct{ cmd, want string }{
		{"power-off", "off"}, {"power-on", "on"}, {"power-off", "off"}, {"power-restart", "on"}, {"power-restart", "on"},
	} {
		if a := e.asA("colocation/"+step.cmd, "service_id", colA, "confirm", "confirm"); !a.success() {
			t.Fatalf("%s: %s", step.cmd, a.raw)
		}
		if got, err := sim.PowerState(t); err != nil || got != step.want {
			t.Fatalf("after %s the BMC says %q, %v; want %q", step.cmd, got, err, step.want)
		}
		if got := e.powerState("colocation", colA); got != step.want {
			t.Fatalf("after %s power-details says %q, want %q", step.cmd, got, step.want)
		}
	}
	// No answer shows the connection.
	for _, c := range [][]string{{"services/details", "service_id", colA}, {"colocation/details", "service_id", colA},
		{"services/list"}, {"colocation/list"}, {"colocation/power-details", "service_id", colA}} {
		a := e.asA(c[0], c[1:]...)
		if !a.success() || strings.Contains(string(a.raw), sim.Password) || strings.Contains(string(a.raw), `"ipmi"`) {
			t.Errorf("%s shows the power connection: %s", c[0], a.raw)
		}
	}
	// The BMC stops answering: internal-operation-error within the budget.
	e.api.Panel.PowerTimeout = 5 * time.Second
	sim.Daemon.Signal(syscall.SIGTERM)
	<-sim.Daemon.Exited
	if a := e.asA("colocation/power-on", "service_id", colA, "confirm", "confirm"); a.code() != "internal-operation-error" {
		t.Errorf("power-on of a stopped BMC: %s", a.raw)
	}
	if a := e.asA("colocation/power-details", "service_id", colA); !a.success() || a.get("power_details", "state") != "unknown" {
		t.Errorf("power-details of a stopped BMC: %s", a.raw)
	}
	logs := e.logBuf.String()
	if !strings.Contains(logs, "power on of service 12346 (ipmi): ") {
		t.Errorf("the BMC failure is not logged: %s", logs)
	}
	if strings.Contains(logs, sim.Password) {
		t.Errorf("the BMC password is in the log")
	}
}

// fakeCounters is a transfer.Reader whose counters the test sets.
type fakeCounters struct {
	mu sync.Mutex
	c  transfer.Counters
}

func (f *fakeCounters) Read(ctx context.Context, p transfer.Port) (transfer.Counters, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.c, nil
}

func (f *fakeCounters) set(in, out uint64) {
	f.mu.Lock()
	f.c = transfer.Counters{In: in, Out: out}
	f.mu.Unlock()
}

func TestTransferUsage(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.api.Panel
	// The demo services expire 2030-01-01 and pay monthly: periods start
	// on the 1st. Now is 2026-12-04.
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	p.Now = func() time.Time { return now }
	if a := e.asA("dedicated/transfer-usage-details", "service_id", dedA); a.code() != "unsupported-feature" {
		t.Errorf("without a switch port: %s", a.raw)
	}
	if a := e.asA("dedicated/transfer-usage-details", "service_id", colA); a.code() != "invalid-service-type" {
		t.Errorf("colocation through dedicated: %s", a.raw)
	}
	if a := e.asA("colocation/transfer-usage-details", "service_id", vpsA); a.code() != "invalid-service-type" {
		t.Errorf("VPS through colocation: %s", a.raw)
	}
	if a := e.asA("dedicated/transfer-usage-details", "service_id", strconv.Itoa(serviceB)); a.code() != "authorization-failed" {
		t.Errorf("B's server as A: %s", a.raw)
	}
	if err := e.store.TransferPortSet(ctx, store.TransferPort{ServiceID: 12345, CustomerID: idA,
		Config: []byte(`{"address":"127.0.0.1","port":16100,"community":"c","if_index":3}`)}); err != nil {
		t.Fatal(err)
	}
	if err := e.store.TransferPeriodSet(ctx, idA, 12345, store.TransferPeriod{
		From: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC).Unix(), To: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).Unix(), Up: 111, Down: 222}); err != nil {
		t.Fatal(err)
	}
	fake := &fakeCounters{}
	poll := func(node string) int {
		t.Helper()
		n, err := p.TransferPoll(ctx, panel.TransferPollParams{Node: node, Reader: fake, Lease: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	step := func(in, out uint64) {
		now = now.Add(time.Minute)
		fake.set(in, out)
		poll("n1")
	}
	top := ^uint64(0)
	step(top-4_999, 5_000) // baseline: nothing counted
	step(top-999, 25_000)  // +4 000 up, +20 000 down
	step(3_000, 30_000)    // up wrapped: +4 000; +5 000 down
	step(600, 100)         // reset (device rebooted): +600 up, +100 down
	now = time.Date(2027, 1, 1, 0, 0, 30, 0, time.UTC)
	fake.set(1_600, 300) // in the next period: +1 000 up, +200 down
	if n := poll("n1"); n != 1 {
		t.Errorf("n1 polled %d ports, want 1", n)
	}
	// Another node does not poll the port while n1 holds it.
	now = now.Add(time.Second)
	fake.set(1_000_000, 1_000_000)
	if n := poll("n2"); n != 0 {
		t.Errorf("n2 polled %d ports while n1 holds the lease", n)
	}
	a := e.asA("dedicated/transfer-usage-details", "service_id", dedA)
	if !a.success() {
		t.Fatal(string(a.raw))
	}
	var got struct {
		D struct {
			P []struct {
				R struct{ From, To int64 } `json:"time_range"`
				U struct{ Up, Down int64 } `json:"transfer_usage"`
			} `json:"periods_list"`
		} `json:"transfer_usage_details"`
	}
	if err := json.Unmarshal(a.raw, &got); err != nil {
		t.Fatal(err)
	}
	day := func(y int, m time.Month) int64 { return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC).Unix() }
	want := []struct{ from, to, up, down int64 }{
		{day(2026, 10), day(2026, 11), 111, 222},
		{day(2026, 11), day(2026, 12), 0, 0},
		{day(2026, 12), day(2027, 1), 8_600, 25_100},
		{day(2027, 1), day(2027, 2), 1_000, 200},
	}
	if len(got.D.P) != 4 {
		t.Fatalf("%d periods: %s", len(got.D.P), a.raw)
	}
	for i, w := range want {
		g := got.D.P[i]
		if g.R.From != w.from || g.R.To != w.to || g.U.Up != w.up || g.U.Down != w.down {
			t.Errorf("period %d = %+v, want %+v", i, g, w)
		}
	}
}

// TestTransferPollNodes polls one port from two nodes (two panels on one
// database) at once, again and again, with leases that expire at once so
// that both nodes get their turns: every octet is counted exactly once.
func TestTransferPollNodes(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if err := e.store.TransferPortSet(ctx, store.TransferPort{ServiceID: 12346, CustomerID: idA,
		Config: []byte(`{"address":"127.0.0.1","community":"c","if_index":3}`)}); err != nil {
		t.Fatal(err)
	}
	fake := &fakeCounters{}
	nodes := []*panel.Panel{panel.New(e.store), panel.New(e.store)}
	const steps = 25
	for i := range steps {
		fake.set(uint64(i)*1000, uint64(i)*3000)
		var wg sync.WaitGroup
		for n, p := range nodes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := p.TransferPoll(ctx, panel.TransferPollParams{Node: "node" + strconv.Itoa(n), Reader: fake}); err != nil {
					t.Errorf("node %d: %v", n, err)
				}
			}()
		}
		wg.Wait()
	}
	periods, err := e.store.TransferPeriods(ctx, idA, 12346)
	if err != nil {
		t.Fatal(err)
	}
	var up, down int64
	for _, p := range periods {
		up, down = up+p.Up, down+p.Down
	}
	if up != (steps-1)*1000 || down != (steps-1)*3000 {
		t.Errorf("two nodes counted %d up, %d down; want %d, %d (each octet once)", up, down, (steps-1)*1000, (steps-1)*3000)
	}
}

// TestPowerTwoNodes switches one server through two nodes (two panels on
// one database, each with its own process lock) at once: the device never
// sees two operations at a time.
func TestPowerTwoNodes(t *testing.T) {
	e := newEnv(t)
	pr := &probe{running: map[int64]int{}}
	nodes := []*panel.Panel{panel.New(e.store), panel.New(e.store)}
	for i, p := range nodes {
		p.Power = &power.Registry{}
		p.Power.Register("probe", pr)
		p.PowerNode = "node" + strconv.Itoa(i)
	}
	ctx := context.Background()
	if err := e.store.PowerSet(ctx, store.Power{ServiceID: 12345, CustomerID: idA, Driver: "probe", Config: []byte(`{"driver":"probe"}`)}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			op := []panel.PowerOp{panel.PowerOn, panel.PowerOff, panel.PowerRestart}[i%3]
			if err := nodes[i%2].PowerSwitch(ctx, idA, 12345, "dedicated", op, "confirm"); err != nil {
				t.Errorf("node %d %s: %v", i%2, op, err)
			}
		}()
	}
	wg.Wait()
	if pr.overlaps != 0 || pr.ops != 8 {
		t.Errorf("%d of %d device operations overlapped", pr.overlaps, pr.ops)
	}
}

// TestPowerDetailsCached: a loop of power-details reads the device once
// per PowerCacheTTL; a switch drops the cached state.
func TestPowerDetailsCached(t *testing.T) {
	e := newEnv(t)
	reg := withPower(e)
	pr := &probe{running: map[int64]int{}}
	reg.Register("probe", pr)
	if err := e.store.PowerSet(context.Background(), store.Power{ServiceID: 12345, CustomerID: idA, Driver: "probe", Config: []byte(`{"driver":"probe"}`)}); err != nil {
		t.Fatal(err)
	}
	e.api.Panel.PowerCacheTTL = time.Hour
	for range 5 {
		e.powerState("dedicated", dedA)
	}
	if pr.ops != 1 {
		t.Errorf("5 power-details read the device %d times, want 1", pr.ops)
	}
	if a := e.asA("dedicated/power-on", "service_id", dedA, "confirm", "confirm"); !a.success() {
		t.Fatal(string(a.raw))
	}
	e.powerState("dedicated", dedA)
	if pr.ops != 3 {
		t.Errorf("after a switch power-details did not read the device again (%d operations, want 3)", pr.ops)
	}
}

// stuckPower is a power driver whose switches hang until released (or the
// budget ends) while its state answers at once, as a BMC that is slow to
// switch but still reports.
type stuckPower struct {
	entered chan struct{} // a switch has started
	release chan struct{} // closed: switches return
	ended   atomic.Bool   // a switch has returned
}

func (s *stuckPower) Open(power.Target) (power.Device, error) { return s, nil }
func (s *stuckPower) State(context.Context) (power.State, error) {
	return power.Off, nil
}
func (s *stuckPower) On(ctx context.Context) error {
	select {
	case s.entered <- struct{}{}:
	default:
	}
	select {
	case <-s.release:
		s.ended.Store(true)
		return nil
	case <-ctx.Done():
		s.ended.Store(true)
		return ctx.Err()
	}
}
func (s *stuckPower) Off(ctx context.Context) error   { return s.On(ctx) }
func (s *stuckPower) Cycle(ctx context.Context) error { return s.On(ctx) }

// power-details during a switch that hangs answers from the device without
// waiting for the switch's power line: it returns while the switch is
// still running (before, it waited for the switch's whole budget and then
// spent its own).
func TestPowerDetailsDoesNotWaitForSwitch(t *testing.T) {
	e := newEnv(t)
	reg := withPower(e)
	stuck := &stuckPower{entered: make(chan struct{}, 1), release: make(chan struct{})}
	reg.Register("stuck", stuck)
	if err := e.store.PowerSet(context.Background(), store.Power{ServiceID: 12345, CustomerID: idA, Driver: "stuck", Config: []byte(`{"driver":"stuck"}`)}); err != nil {
		t.Fatal(err)
	}
	e.api.Panel.PowerTimeout = 5 * time.Second
	e.api.Panel.PowerTries = 1
	switched := make(chan answer, 1)
	go func() { switched <- e.asA("dedicated/power-on", "service_id", dedA, "confirm", "confirm") }()
	<-stuck.entered
	read := make(chan answer, 1)
	go func() { read <- e.asA("dedicated/power-details", "service_id", dedA) }()
	select {
	case a := <-read:
		if stuck.ended.Load() {
			t.Fatal("power-details returned only after the switch had ended")
		}
		if !a.success() || a.get("power_details", "state") != "off" {
			t.Errorf("power-details during a switch: %s", a.raw)
		}
	case a := <-switched:
		t.Fatalf("power-details waited for the switch to end (%s)", a.raw)
	}
	close(stuck.release)
	if a := <-switched; !a.success() {
		t.Fatalf("power-on: %s", a.raw)
	}
}
