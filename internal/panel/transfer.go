package panel

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/transfer"
)

// Transfer usage of dedicated servers and colocations
// (/dedicated/transfer-usage-details, /colocation/transfer-usage-details).
//
// The traffic of a service is counted on the switch port that carries it
// (the inventory's transfer_port): TransferPoll reads the port's
// ifHCInOctets (up: sent by the server) and ifHCOutOctets (down: received)
// and adds what they grew by since the last reading to the payment period
// of the reading (a counter that went down wrapped or was reset:
// transfer.Delta). The first reading of a port only sets the baseline.
//
// Periods are payment_period months long (0 counts as 1), anchored at the
// service's expiration_time (the end of a paid period; the inventory has
// no start date), so renewals do not move them. The answer lists the 3
// periods before the current one and the current one, oldest first;
// time_range.to is the next period's start (the documentation names both
// ends "from"). A stored period counts in the answer's period containing
// its start.
//
// Errors, in order: authorization-failed (no such service of the
// customer), invalid-service-type (not of the module's type),
// unsupported-feature (the service has no switch port and no stored
// traffic).

// TransferUsageDetails answers /<module>/transfer-usage-details for a
// service of serviceType.
func (p *Panel) TransferUsageDetails(ctx context.Context, customerID, serviceID int64, serviceType string) (artnet.TransferUsageDetails, error) {
	s, err := p.service(ctx, customerID, serviceID)
	if err != nil {
		return artnet.TransferUsageDetails{}, err
	}
	if s.Type != serviceType {
		return artnet.TransferUsageDetails{}, apperr.New(apperr.CodeInvalidServiceType)
	}
	stored, err := p.Store.TransferPeriods(ctx, customerID, serviceID)
	if err != nil {
		return artnet.TransferUsageDetails{}, apperr.Internal(apperr.CodeInternal, err)
	}
	if len(stored) == 0 {
		_, err := p.Store.TransferPortGet(ctx, customerID, serviceID)
		if errors.Is(err, store.ErrNotFound) {
			return artnet.TransferUsageDetails{}, apperr.New(apperr.CodeUnsupportedFeature)
		}
		if err != nil {
			return artnet.TransferUsageDetails{}, apperr.Internal(apperr.CodeInternal, err)
		}
	}
	periods := transfer.Periods(time.Unix(s.ExpirationTime, 0), s.PaymentPeriod, p.now(), 3)
	out := artnet.TransferUsageDetails{PeriodsList: make([]artnet.TransferPeriod, len(periods))}
	for i, pr := range periods {
		tp := artnet.TransferPeriod{TimeRange: artnet.TimeRange{From: artnet.Unix(pr.From.Unix()), To: artnet.Unix(pr.To.Unix())}}
		for _, st := range stored {
			if st.From >= pr.From.Unix() && st.From < pr.To.Unix() {
				tp.TransferUsage.Up += st.Up
				tp.TransferUsage.Down += st.Down
			}
		}
		out.PeriodsList[i] = tp
	}
	return out, nil
}

// TransferPollParams configure one TransferPoll.
type TransferPollParams struct {
	// Node names this node: it polls the ports whose lease it gets.
	Node string
	// Reader reads a port's counters (the SNMP driver).
	Reader transfer.Reader
	// Lease is how long a port stays this node's after a poll (longer than
	// the poll interval, so the node keeps its ports while alive).
	Lease time.Duration
	// Timeout bounds the reading of one port (0: 10 s).
	Timeout time.Duration
}

// TransferPoll reads every switch port whose lease this node holds or
// gets (one node per port at a time, across nodes) and adds the traffic
// since the port's last reading to its service's current period. It
// returns how many ports it polled; a port that fails is logged and
// skipped (its next good reading counts the traffic in between).
func (p *Panel) TransferPoll(ctx context.Context, pp TransferPollParams) (int, error) {
	ports, err := p.Store.TransferPortsAll(ctx)
	if err != nil {
		return 0, fmt.Errorf("list transfer ports: %w", err)
	}
	timeout := pp.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	polled := 0
	for _, port := range ports {
		if ctx.Err() != nil {
			return polled, ctx.Err()
		}
		mine, err := p.pollPort(ctx, pp, port, timeout)
		if err != nil {
			p.logger().Warn("transfer poll failed", "service_id", port.ServiceID, "error", err.Error())
			continue
		}
		if mine {
			polled++
		}
	}
	return polled, nil
}

// pollPort polls one port when this node gets its lease, and reports
// whether it did.
func (p *Panel) pollPort(ctx context.Context, pp TransferPollParams, port store.TransferPort, timeout time.Duration) (bool, error) {
	now := p.now()
	ok, err := p.Store.TransferLease(ctx, port.ServiceID, pp.Node, now.Unix(), now.Add(pp.Lease).Unix())
	if err != nil {
		return false, fmt.Errorf("lease: %w", err)
	}
	if !ok {
		return false, nil // another node's
	}
	cfg, err := transfer.ParsePort(port.Config)
	if err != nil {
		return false, err
	}
	svc, err := p.Store.ServiceGet(ctx, port.CustomerID, port.ServiceID)
	if err != nil {
		return false, fmt.Errorf("service: %w", err)
	}
	rctx, cancel := context.WithTimeout(ctx, timeout)
	c, err := pp.Reader.Read(rctx, cfg)
	cancel()
	if err != nil {
		return false, fmt.Errorf("read %s ifIndex %d: %w", cfg.Address, cfg.IfIndex, err)
	}
	at := p.now()
	if at.Unix() <= port.LastAt {
		at = time.Unix(port.LastAt+1, 0) // readings stay ordered
	}
	cur := transfer.Periods(time.Unix(svc.ExpirationTime, 0), svc.PaymentPeriod, at, 0)[0]
	sample := store.TransferSample{ServiceID: port.ServiceID, Node: pp.Node, PrevAt: port.LastAt, In: c.In, Out: c.Out,
		At: at.Unix(), PeriodFrom: cur.From.Unix(), PeriodTo: cur.To.Unix()}
	if port.LastAt != 0 {
		elapsed := time.Duration(at.Unix()-port.LastAt) * time.Second
		up, down := transfer.Delta(port.LastIn, c.In, elapsed), transfer.Delta(port.LastOut, c.Out, elapsed)
		if up > 1<<62 || down > 1<<62 {
			return false, fmt.Errorf("implausible traffic %d up, %d down in %s", up, down, elapsed)
		}
		sample.Up, sample.Down = int64(up), int64(down)
	}
	if err := p.Store.TransferSample(ctx, sample); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return false, nil // lost the lease, or another poll got in first: nothing counted twice
		}
		return false, fmt.Errorf("store sample: %w", err)
	}
	return true, nil
}
