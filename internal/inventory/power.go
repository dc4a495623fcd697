package inventory

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/driver/ipmi"
	"github.com/artnet-panel/artnet-panel/internal/power"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/transfer"
)

// Power and transfer usage in the inventory (service entries of dedicated
// servers, colocations and, for power, VPS). All four keys are optional.
//
// power_management (operator only; never in an API answer, never logged)
// says how the service's power line is reached:
//
//	{"driver": "ipmi", "address": "10.0.0.5", "port": 623, "interface": "lanplus",
//	 "username": "ADMIN", "password": "…"}       (port, interface, cipher_suite optional)
//	{"driver": "sim"}                             (the simulator: state in the database)
//
// Other driver names (e.g. "qemu" of VPS) are stored as given, for the
// driver that knows them. The BMC password is stored as given: it must
// stay usable to talk to the BMC, so it cannot be hashed; export writes
// it back. Without power_management the server is not manageable.
//
// power_details, as /dedicated/power-details answers it ({"manageable":
// true, "state": "off"}), seeds the simulator's state ("on" or "off";
// "unknown" and absent: on). It needs power_management; for real drivers
// the device has the state and power_details is ignored. Export writes it
// for simulated servers.
//
// transfer_port (operator only) is the switch port carrying the service's
// traffic, polled over SNMP v2c or v3 (transfer.Port):
//
//	{"address": "192.0.2.1", "port": 161, "community": "public", "if_index": 12}
//	{"address": "192.0.2.1", "if_index": 12, "v3": {"user": "artnet",
//	 "auth_protocol": "SHA", "auth_password": "…", "priv_protocol": "AES", "priv_password": "…"}}
//
// transfer_usage_details, as the transfer-usage-details command answers
// it, is the traffic history: every period_list item is stored (by
// time_range.from; to defaults to from), and export writes every stored
// period, not only the last four.

// powerEntry is what a service entry says of power and transfer usage.
type powerEntry struct {
	service  int
	power    *store.Power
	port     *store.TransferPort
	periods  []store.TransferPeriod
	basePath string
}

var driverName = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)

// powerRows validates a service entry's power and transfer keys.
func powerRows(p string, j int, svc store.Service, e Service) (*powerEntry, error) {
	if svc.Type == artnet.ServiceTypeVPS && e.PowerDetails == nil {
		// A VPS's power_management belongs to the hypervisor (cloud.go).
		e.PowerManagement = nil
	}
	if e.PowerManagement == nil && e.PowerDetails == nil && e.TransferPort == nil && e.TransferUsageDetails == nil {
		return nil, nil
	}
	out := &powerEntry{service: j, basePath: p}
	if e.PowerManagement != nil || e.PowerDetails != nil {
		switch svc.Type {
		case artnet.ServiceTypeDedicated, artnet.ServiceTypeColocation:
		case artnet.ServiceTypeVPS:
			return nil, pathError(p+".power_details", "a VPS's power state is its power_management's power_on")
		default:
			return nil, pathError(p+".power_management", "only dedicated servers, colocations and VPS have power management")
		}
	}
	if e.PowerDetails != nil && e.PowerManagement == nil {
		return nil, pathError(p+".power_details", "needs power_management (a server without it is not manageable)")
	}
	if e.PowerManagement != nil {
		pp := p + ".power_management"
		name, err := power.DriverName(e.PowerManagement)
		if err != nil || !driverName.MatchString(name) {
			return nil, pathError(pp+".driver", "must name a driver (sim, ipmi, …)")
		}
		row := &store.Power{Driver: name, Config: compactJSON(e.PowerManagement)}
		switch name {
		case "sim":
			if !bytes.Equal(row.Config, []byte(`{"driver":"sim"}`)) {
				return nil, pathError(pp, `the simulator takes no settings: {"driver": "sim"}`)
			}
			row.State = string(power.On)
			if d := e.PowerDetails; d != nil {
				switch d.State {
				case "on", "off":
					row.State = d.State
				case "unknown", "":
				default:
					return nil, pathError(p+".power_details.state", `must be "on", "off" or "unknown"`)
				}
			}
		case "ipmi":
			if _, err := ipmi.ParseConfig(e.PowerManagement); err != nil {
				return nil, pathError(pp, "%v", err)
			}
		}
		out.power = row
	}
	if e.TransferPort != nil || e.TransferUsageDetails != nil {
		if svc.Type != artnet.ServiceTypeDedicated && svc.Type != artnet.ServiceTypeColocation {
			return nil, pathError(p+".transfer_port", "only dedicated servers and colocations have transfer usage")
		}
	}
	if e.TransferPort != nil {
		if _, err := transfer.ParsePort(e.TransferPort); err != nil {
			return nil, pathError(p+".transfer_port", "%v", err)
		}
		out.port = &store.TransferPort{Config: compactJSON(e.TransferPort)}
	}
	if d := e.TransferUsageDetails; d != nil {
		seen := map[int64]bool{}
		for k, item := range d.PeriodsList {
			ip := fmt.Sprintf("%s.transfer_usage_details.periods_list[%d]", p, k)
			from, to := item.TimeRange.From.Seconds(), item.TimeRange.To.Seconds()
			if to == 0 {
				to = from
			}
			if from < 0 || to < from {
				return nil, pathError(ip+".time_range", "from must not be negative nor after to")
			}
			if seen[from] {
				return nil, pathError(ip+".time_range.from", "period %d is given twice", from)
			}
			seen[from] = true
			if item.TransferUsage.Up < 0 || item.TransferUsage.Down < 0 {
				return nil, pathError(ip+".transfer_usage", "up and down must not be negative")
			}
			out.periods = append(out.periods, store.TransferPeriod{From: from, To: to, Up: item.TransferUsage.Up, Down: item.TransferUsage.Down})
		}
	}
	return out, nil
}

func compactJSON(raw json.RawMessage) []byte {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return raw
	}
	return b.Bytes()
}

// importPower writes a service entry's power and transfer rows.
func importPower(ctx context.Context, tx store.Store, customerID, serviceID int64, e *powerEntry) error {
	if e.power != nil {
		e.power.CustomerID, e.power.ServiceID = customerID, serviceID
		if err := tx.PowerSet(ctx, *e.power); err != nil {
			return fmt.Errorf("%s.power_management: %w", e.basePath, err)
		}
	}
	if e.port != nil {
		e.port.CustomerID, e.port.ServiceID = customerID, serviceID
		if err := tx.TransferPortSet(ctx, *e.port); err != nil {
			return fmt.Errorf("%s.transfer_port: %w", e.basePath, err)
		}
	}
	for _, pr := range e.periods {
		if err := tx.TransferPeriodSet(ctx, customerID, serviceID, pr); err != nil {
			return fmt.Errorf("%s.transfer_usage_details: %w", e.basePath, err)
		}
	}
	return nil
}

// exportPower fills a service entry's power and transfer keys.
func exportPower(ctx context.Context, s store.Store, powers map[int64]store.Power, e *Service, customerID int64) error {
	id := e.Service.ID
	if row, ok := powers[id]; ok {
		e.PowerManagement = json.RawMessage(row.Config)
		if row.Driver == "sim" {
			e.PowerDetails = &artnet.PowerDetails{Manageable: true, State: row.State}
		}
	}
	port, err := s.TransferPortGet(ctx, customerID, id)
	switch {
	case err == nil:
		e.TransferPort = json.RawMessage(port.Config)
	case !errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("transfer port of service %d: %w", id, err)
	}
	periods, err := s.TransferPeriods(ctx, customerID, id)
	if err != nil {
		return fmt.Errorf("transfer periods of service %d: %w", id, err)
	}
	if len(periods) > 0 {
		d := &artnet.TransferUsageDetails{PeriodsList: make([]artnet.TransferPeriod, len(periods))}
		for i, pr := range periods {
			d.PeriodsList[i] = artnet.TransferPeriod{
				TimeRange:     artnet.TimeRange{From: artnet.Unix(pr.From), To: artnet.Unix(pr.To)},
				TransferUsage: artnet.TransferUsage{Up: pr.Up, Down: pr.Down},
			}
		}
		e.TransferUsageDetails = d
	}
	return nil
}
