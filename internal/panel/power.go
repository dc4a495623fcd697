package panel

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/power"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// Power of dedicated servers and colocations (/dedicated/power-*,
// /colocation/power-*).
//
// A service's power line is reached through the driver named by its
// power_management row (operator inventory; Panel.Power holds the drivers
// this node has: "sim", "ipmi"). A service whose features.power_management
// is false answers unsupported-feature to every power command; one with
// the feature but no power_management row is not manageable: power-details
// answers manageable false, state "unknown", and the switching commands
// answer unsupported-feature.
//
// Errors, in the order they are checked: authorization-failed (no such
// service of the customer), invalid-service-type (not of the module's
// type), unsupported-feature, unconfirmed (confirm is not exactly
// "confirm"), internal-operation-error (the device did not answer or
// refused within the budget: PowerTries tries within PowerTimeout, by
// default 3 tries within 10 s; or the node has no such driver). A failed
// switch may have happened on the device; power-details tells.
//
// power-details reads the state from the device, cached per service for
// PowerCacheTTL (default 5 s) so that a loop of calls does not hammer the
// BMC; every switch drops the cached state. A device that does not answer
// shows state "unknown" (the command documents no device error). Reads
// never wait for the power line: a read during a switch asks the device
// for its state directly (reads of one service share one device read in
// this process), so it takes at most one budget, not the switch's budget
// and then its own; a state read while a switch ran is not cached.
//
// Switching commands on one service run one after the other, never
// interleaved (a restart is never cut by an off): in this process under a
// per-service mutex, across nodes by holding the power line in the
// database (PowerBusy, a compare-and-swap with an expiry of the budget, so
// a node that dies mid-command holds it no longer). A command that cannot
// get the line within the budget plus 2 s answers
// internal-operation-error.

// Defaults of the power settings of Panel.
const (
	DefaultPowerTries    = 3
	DefaultPowerTimeout  = 10 * time.Second
	DefaultPowerCacheTTL = 5 * time.Second
)

// PowerSettings are the power fields of Panel.
type PowerSettings struct {
	// Power holds this node's power drivers by name. Nil: none (managed
	// servers answer internal-operation-error).
	Power *power.Registry
	// PowerTries (0: DefaultPowerTries) tries of a device operation within
	// PowerTimeout (0: DefaultPowerTimeout).
	PowerTries   int
	PowerTimeout time.Duration
	// PowerCacheTTL (0: DefaultPowerCacheTTL; negative: no cache) is how
	// long power-details keeps a state read from a device.
	PowerCacheTTL time.Duration
	// PowerNode names this node when it holds a power line (empty: a
	// random name per process).
	PowerNode string

	powerMu    sync.Mutex
	powerLocks map[int64]*powerLock // switches, per service
	powerReads map[int64]*powerLock // power-details device reads, per service
	powerCache map[int64]cachedPower
	powerGen   map[int64]uint64 // raised when a switch ends (dropPower)
}

type powerLock struct {
	mu   sync.Mutex
	refs int
}

type cachedPower struct {
	state power.State
	at    time.Time
}

// powerDriver reports whether this node has the power driver name.
func (p *Panel) powerDriver(name string) bool {
	return p.Power != nil && slices.Contains(p.Power.Names(), name)
}

// PowerOp is a power switching command.
type PowerOp string

// The power switching commands.
const (
	PowerOn      PowerOp = "on"
	PowerOff     PowerOp = "off"
	PowerRestart PowerOp = "restart"
)

// PowerDetails answers /<module>/power-details for a service of
// serviceType (artnet.ServiceTypeDedicated or ServiceTypeColocation).
func (p *Panel) PowerDetails(ctx context.Context, customerID, serviceID int64, serviceType string) (artnet.PowerDetails, error) {
	row, managed, err := p.powerTarget(ctx, customerID, serviceID, serviceType)
	if err != nil || !managed {
		return artnet.PowerDetails{State: string(power.Unknown)}, err
	}
	if st, ok := p.cachedPower(serviceID); ok {
		return artnet.PowerDetails{Manageable: true, State: string(st)}, nil
	}
	// Not the switches' lock: a read must not wait for a switch.
	unlock := lockService(&p.powerMu, &p.powerReads, serviceID)
	defer unlock()
	if st, ok := p.cachedPower(serviceID); ok {
		return artnet.PowerDetails{Manageable: true, State: string(st)}, nil
	}
	gen := p.powerGeneration(serviceID)
	st := power.Unknown
	err = p.powerDo(ctx, row, "state", func(ctx context.Context, d power.Device) error {
		s, err := d.State(ctx)
		st = s
		return err
	})
	if err != nil {
		st = power.Unknown
		p.logger().Warn("power state unknown", "service_id", serviceID, "customer_id", customerID, "error", err.Error())
	}
	p.cachePower(serviceID, st, gen)
	return artnet.PowerDetails{Manageable: true, State: string(st)}, nil
}

// PowerSwitch answers /<module>/power-on, power-off and power-restart.
func (p *Panel) PowerSwitch(ctx context.Context, customerID, serviceID int64, serviceType string, op PowerOp, confirm string) error {
	row, managed, err := p.powerTarget(ctx, customerID, serviceID, serviceType)
	if err != nil {
		return err
	}
	if !managed {
		return apperr.New(apperr.CodeUnsupportedFeature)
	}
	if confirm != "confirm" {
		return apperr.New(apperr.CodeUnconfirmed)
	}
	unlock := p.lockPower(serviceID)
	defer unlock()
	defer p.dropPower(serviceID)
	release, err := p.holdPower(ctx, row)
	if err != nil {
		return err
	}
	defer release()
	err = p.powerDo(ctx, row, string(op), func(ctx context.Context, d power.Device) error {
		switch op {
		case PowerOn:
			return d.On(ctx)
		case PowerOff:
			return d.Off(ctx)
		case PowerRestart:
			return d.Cycle(ctx)
		}
		return fmt.Errorf("unknown power operation %q", op)
	})
	if err != nil {
		return err
	}
	p.logger().Info("power switched", "service_id", serviceID, "customer_id", customerID, "operation", string(op))
	return nil
}

// powerTarget checks the service and its feature and returns its power
// row and whether it has one.
func (p *Panel) powerTarget(ctx context.Context, customerID, serviceID int64, serviceType string) (store.Power, bool, error) {
	s, err := p.service(ctx, customerID, serviceID)
	if err != nil {
		return store.Power{}, false, err
	}
	if s.Type != serviceType {
		return store.Power{}, false, apperr.New(apperr.CodeInvalidServiceType)
	}
	d, err := DecodeDetails(s)
	if err != nil {
		return store.Power{}, false, apperr.Internal(apperr.CodeInternal, err)
	}
	var feature bool
	switch dd := d.(type) {
	case *artnet.DedicatedDetails:
		feature = dd.Features.PowerManagement
	case *artnet.ColocationDetails:
		feature = dd.Features.PowerManagement
	case *artnet.VPSDetails:
		feature = dd.Features.PowerManagement
	}
	if !feature {
		return store.Power{}, false, apperr.New(apperr.CodeUnsupportedFeature)
	}
	row, err := p.Store.PowerGet(ctx, customerID, serviceID)
	if errors.Is(err, store.ErrNotFound) {
		return store.Power{}, false, nil
	}
	if err != nil {
		return store.Power{}, false, apperr.Internal(apperr.CodeInternal, err)
	}
	return row, true, nil
}

// powerDo opens row's device and runs fn, retrying within the budget.
// Failures are logged (without the connection) and answered
// internal-operation-error.
func (p *Panel) powerDo(ctx context.Context, row store.Power, what string, fn func(context.Context, power.Device) error) error {
	// The error names the service, the operation and the driver's reason
	// (never the connection); the API logs it with the request id.
	fail := func(err error) error {
		return apperr.Internal(apperr.CodeInternalOperationError, fmt.Errorf("power %s of service %d (%s): %w", what, row.ServiceID, row.Driver, err))
	}
	if p.Power == nil {
		return fail(errors.New("no power drivers on this node"))
	}
	dev, err := p.Power.Open(power.Target{ServiceID: row.ServiceID, CustomerID: row.CustomerID, Config: json.RawMessage(row.Config)})
	if err != nil {
		return fail(err)
	}
	tries, budget := p.PowerTries, p.PowerTimeout
	if tries <= 0 {
		tries = DefaultPowerTries
	}
	if budget <= 0 {
		budget = DefaultPowerTimeout
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), budget)
	defer cancel()
	for i := 0; ; i++ {
		// A try may use what is left of the budget: drivers bound their
		// own exchanges (ipmitool: one 2 s session try per command), so a
		// device that does not answer fails a try well within it, and a
		// slow one is not cut short by an arbitrary share.
		err = fn(ctx, dev)
		if err == nil {
			return nil
		}
		if i+1 >= tries || ctx.Err() != nil {
			return fail(fmt.Errorf("%d tries: %w", i+1, err))
		}
		select {
		case <-ctx.Done():
			return fail(fmt.Errorf("%d tries: %w", i+1, err))
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// holdPower waits (polling every 100 ms) until this node holds row's
// power line in the database, for the budget; it gives up after the
// budget plus 2 s, the longest another node may hold it.
func (p *Panel) holdPower(ctx context.Context, row store.Power) (release func(), err error) {
	budget := p.PowerTimeout
	if budget <= 0 {
		budget = DefaultPowerTimeout
	}
	node := p.powerNode()
	giveUp := time.Now().Add(budget + 2*time.Second)
	for {
		now := p.now()
		ok, err := p.Store.PowerBusy(ctx, row.CustomerID, row.ServiceID, node, now.Unix(), now.Add(budget+time.Second).Unix())
		if err != nil {
			return nil, apperr.Internal(apperr.CodeInternal, err)
		}
		if ok {
			return func() {
				if err := p.Store.PowerIdle(context.WithoutCancel(ctx), row.CustomerID, row.ServiceID, node); err != nil {
					p.logger().Warn("power line not released (it expires)", "service_id", row.ServiceID, "error", err.Error())
				}
			}, nil
		}
		if time.Now().After(giveUp) {
			return nil, apperr.Internal(apperr.CodeInternalOperationError,
				fmt.Errorf("power of service %d: busy with a command through another node", row.ServiceID))
		}
		select {
		case <-ctx.Done():
			return nil, apperr.Internal(apperr.CodeInternalOperationError, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// powerNode returns PowerNode or this process's random name.
func (p *Panel) powerNode() string {
	p.powerMu.Lock()
	defer p.powerMu.Unlock()
	if p.PowerNode == "" {
		var b [8]byte
		rand.Read(b[:])
		p.PowerNode = "node-" + hex.EncodeToString(b[:])
	}
	return p.PowerNode
}

// lockPower serialises the power commands of one service in this process.
func (p *Panel) lockPower(serviceID int64) (unlock func()) {
	return lockService(&p.powerMu, &p.powerLocks, serviceID)
}

// lockService locks serviceID's entry of *locks (guarded by mu), made on
// first use and removed when nobody holds or waits for it.
func lockService(mu *sync.Mutex, locks *map[int64]*powerLock, serviceID int64) (unlock func()) {
	mu.Lock()
	if *locks == nil {
		*locks = map[int64]*powerLock{}
	}
	l := (*locks)[serviceID]
	if l == nil {
		l = &powerLock{}
		(*locks)[serviceID] = l
	}
	l.refs++
	mu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		mu.Lock()
		if l.refs--; l.refs == 0 {
			delete(*locks, serviceID)
		}
		mu.Unlock()
	}
}

// powerGeneration returns how many switches of serviceID have ended.
func (p *Panel) powerGeneration(serviceID int64) uint64 {
	p.powerMu.Lock()
	defer p.powerMu.Unlock()
	return p.powerGen[serviceID]
}

func (p *Panel) cachedPower(serviceID int64) (power.State, bool) {
	ttl := p.PowerCacheTTL
	if ttl == 0 {
		ttl = DefaultPowerCacheTTL
	}
	p.powerMu.Lock()
	defer p.powerMu.Unlock()
	c, ok := p.powerCache[serviceID]
	if !ok || ttl < 0 || p.now().Sub(c.at) >= ttl || p.now().Before(c.at) {
		return "", false
	}
	return c.state, true
}

// cachePower caches st unless a switch of the service ended since gen was
// read (the state may be from before or during it).
func (p *Panel) cachePower(serviceID int64, st power.State, gen uint64) {
	p.powerMu.Lock()
	defer p.powerMu.Unlock()
	if p.powerGen[serviceID] != gen {
		return
	}
	if p.powerCache == nil {
		p.powerCache = map[int64]cachedPower{}
	}
	for id, c := range p.powerCache { // keep the map small
		if p.now().Sub(c.at) > time.Minute {
			delete(p.powerCache, id)
		}
	}
	p.powerCache[serviceID] = cachedPower{state: st, at: p.now()}
}

func (p *Panel) dropPower(serviceID int64) {
	p.powerMu.Lock()
	defer p.powerMu.Unlock()
	delete(p.powerCache, serviceID)
	if p.powerGen == nil {
		p.powerGen = map[int64]uint64{}
	}
	p.powerGen[serviceID]++
}
