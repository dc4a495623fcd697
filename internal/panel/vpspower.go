package panel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/hypervisor"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// VPS power (/vps/power-on, power-off, power-restart and power_state of
// /vps/details).
//
// A VPS is manageable when its details have features.power_management and
// the operator gave it a power_management object (VPSPowerConfig) with
// the driver "qemu" (a machine on this node's hypervisor) or "sim" (a
// simulated power switch whose state is only the stored one: only on a
// node whose power drivers (Panel.Power) include "sim"; elsewhere, like a
// qemu VPS on a node without a hypervisor, the switching commands answer
// internal-operation-error and the desired state does not change). Errors, in
// the order checked: authorization-failed (not the customer's service),
// invalid-service-type (not a VPS), service-suspended (not active),
// unsupported-feature (not manageable), unconfirmed (confirm is not
// "confirm"), internal-operation-error (the hypervisor failed; the desired
// state goes back to what it was, so nothing carries the failed command
// out later).
//
// power_state is "on" or "off" (the machine's live state for qemu, the
// stored one for sim) and "unknown" for a VPS that is not manageable or
// whose hypervisor cannot be asked.

// VPSPowerConfig is a VPS service's power_management object.
type VPSPowerConfig struct {
	// Driver is "qemu" or "sim".
	Driver string `json:"driver"`
	// Name is the machine's name on the hypervisor (qemu).
	Name string `json:"name,omitempty"`
	// CPUs, RAM (MB) and HDD (GB) size the machine (qemu).
	CPUs int   `json:"cpus,omitempty"`
	RAM  int64 `json:"ram,omitempty"`
	HDD  int64 `json:"hdd,omitempty"`
	// VNCPort is the console's port (qemu; 0: no console).
	VNCPort int `json:"vnc_port,omitempty"`
}

// Drivers of a VPS's power_management.
const (
	VPSPowerQEMU = "qemu"
	VPSPowerSim  = "sim"
)

// ParseVPSPowerConfig decodes and checks a power_management object.
func ParseVPSPowerConfig(raw []byte) (VPSPowerConfig, error) {
	var c VPSPowerConfig
	if err := json.Unmarshal(raw, &c); err != nil {
		return c, err
	}
	switch c.Driver {
	case VPSPowerSim:
		if c != (VPSPowerConfig{Driver: VPSPowerSim}) {
			return c, errors.New(`the "sim" driver takes no other field`)
		}
	case VPSPowerQEMU:
		if !hypervisor.ValidName(c.Name) {
			return c, fmt.Errorf("name %q: lower-case letters, digits and '-', at most 63", c.Name)
		}
		if c.CPUs < 1 || c.RAM < 16 || c.HDD < 1 {
			return c, errors.New("cpus (≥ 1), ram (MB, ≥ 16) and hdd (GB, ≥ 1) are required")
		}
		if c.VNCPort != 0 && (c.VNCPort < 5900 || c.VNCPort > 65535) {
			return c, errors.New("vnc_port must be 5900..65535 (or 0: no console)")
		}
	default:
		return c, fmt.Errorf(`driver %q: want "qemu" or "sim"`, c.Driver)
	}
	return c, nil
}

func (c VPSPowerConfig) spec() hypervisor.Spec {
	return hypervisor.Spec{Name: c.Name, CPUs: c.CPUs, RAMMB: c.RAM, DiskGB: c.HDD, VNCPort: c.VNCPort}
}

// vpsPower returns the customer's manageable VPS's power row and config.
func (p *Panel) vpsPower(ctx context.Context, customerID, serviceID int64, confirm string) (store.VPSPower, VPSPowerConfig, error) {
	s, err := p.Store.ServiceGet(ctx, customerID, serviceID)
	if errors.Is(err, store.ErrNotFound) {
		return store.VPSPower{}, VPSPowerConfig{}, apperr.New(apperr.CodeAuthorizationFailed)
	}
	if err != nil {
		return store.VPSPower{}, VPSPowerConfig{}, apperr.Internal(apperr.CodeInternal, err)
	}
	if s.Type != artnet.ServiceTypeVPS {
		return store.VPSPower{}, VPSPowerConfig{}, apperr.New(apperr.CodeInvalidServiceType)
	}
	d, err := DecodeDetails(s)
	if err != nil {
		return store.VPSPower{}, VPSPowerConfig{}, apperr.Internal(apperr.CodeInternal, err)
	}
	vd, _ := d.(*artnet.VPSDetails)
	if vd == nil || !vd.Active {
		return store.VPSPower{}, VPSPowerConfig{}, apperr.New(apperr.CodeServiceSuspended)
	}
	row, err := p.Store.VPSPowerGet(ctx, customerID, serviceID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !vd.Features.PowerManagement) {
		return store.VPSPower{}, VPSPowerConfig{}, apperr.New(apperr.CodeUnsupportedFeature)
	}
	if err != nil {
		return store.VPSPower{}, VPSPowerConfig{}, apperr.Internal(apperr.CodeInternal, err)
	}
	cfg, err := ParseVPSPowerConfig(row.Config)
	if err != nil {
		return store.VPSPower{}, VPSPowerConfig{}, apperr.Internal(apperr.CodeInternal, fmt.Errorf("power_management of service %d: %w", serviceID, err))
	}
	if confirm != "confirm" {
		return store.VPSPower{}, VPSPowerConfig{}, apperr.New(apperr.CodeUnconfirmed)
	}
	return row, cfg, nil
}

// VPSPower answers /vps/power-on (CloudPowerOn), /vps/power-off
// (CloudPowerOff) and /vps/power-restart (CloudPowerRestart).
func (p *Panel) VPSPower(ctx context.Context, customerID, serviceID int64, confirm, action string) error {
	// VPS machines are locked by the negated service id, apart from
	// instance ids.
	defer p.cloud().lock(-serviceID)()
	row, cfg, err := p.vpsPower(ctx, customerID, serviceID, confirm)
	if err != nil {
		return err
	}
	// Refused before the desired state changes: a simulated switch on a
	// node without the power simulator, or a machine on a node without a
	// hypervisor (no node could carry the change out).
	if cfg.Driver == VPSPowerSim && !p.powerDriver(VPSPowerSim) {
		return apperr.Internal(apperr.CodeInternalOperationError,
			fmt.Errorf("vps %d: power_management driver %q is the simulator, not enabled on this node (--simulate or --power-drivers sim)", serviceID, cfg.Driver))
	}
	if cfg.Driver == VPSPowerQEMU && p.cloud().Hypervisor == nil {
		return apperr.Internal(apperr.CodeInternalOperationError,
			fmt.Errorf("vps %d: no hypervisor on this node (--hypervisor qemu): the machine cannot be switched", serviceID))
	}
	on := action != CloudPowerOff
	if row.PowerOn != on {
		if err := p.Store.VPSPowerSetOn(ctx, customerID, serviceID, on); err != nil {
			return apperr.Internal(apperr.CodeInternalOperationError, err)
		}
	}
	if cfg.Driver == VPSPowerSim {
		return nil
	}
	h, err := p.hv()
	if err == nil {
		switch action {
		case CloudPowerOn:
			err = h.Start(ctx, cfg.spec())
		case CloudPowerOff:
			err = h.Stop(ctx, cfg.Name)
		default:
			if err = h.Stop(ctx, cfg.Name); err == nil {
				err = h.Start(ctx, cfg.spec())
			}
		}
	}
	if err != nil {
		if row.PowerOn != on {
			if rerr := p.Store.VPSPowerSetOn(context.WithoutCancel(ctx), customerID, serviceID, row.PowerOn); rerr != nil {
				p.logger().Error("restore the VPS power state after a failed command", "service_id", serviceID, "err", rerr)
			}
		}
		return apperr.Internal(apperr.CodeInternalOperationError, err)
	}
	return nil
}

// VPSDetails answers /vps/details with the live power_state.
func (p *Panel) VPSDetails(ctx context.Context, customerID, serviceID int64) (artnet.ServiceDetails, error) {
	d, err := p.ModuleDetails(ctx, customerID, serviceID, artnet.ServiceTypeVPS)
	if err != nil {
		return nil, err
	}
	vd, ok := d.(*artnet.VPSDetails)
	if !ok {
		return d, nil
	}
	vd.PowerState = "unknown"
	row, err := p.Store.VPSPowerGet(ctx, customerID, serviceID)
	if err != nil || !vd.Features.PowerManagement {
		return vd, nil
	}
	cfg, err := ParseVPSPowerConfig(row.Config)
	if err != nil {
		return vd, nil
	}
	if cfg.Driver == VPSPowerSim {
		if p.powerDriver(VPSPowerSim) { // else no switch: unknown
			vd.PowerState = onOff(row.PowerOn)
		}
		return vd, nil
	}
	if h := p.cloud().Hypervisor; h != nil {
		if st, err := h.State(ctx, cfg.Name); err == nil {
			vd.PowerState = onOff(st.On())
		}
	}
	return vd, nil
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

// vpsReconcile brings the qemu VPS machines to their desired state.
func (p *Panel) vpsReconcile(ctx context.Context, h hypervisor.Hypervisor) error {
	rows, err := p.Store.VPSPowerAll(ctx)
	if err != nil {
		return err
	}
	var first error
	for _, r := range rows {
		cfg, err := ParseVPSPowerConfig(r.Config)
		if err == nil && cfg.Driver == VPSPowerQEMU {
			err = p.reconcileMachine(ctx, h, cfg.spec(), r.PowerOn)
		}
		if err != nil && first == nil {
			first = fmt.Errorf("vps %d: %w", r.ServiceID, err)
		}
	}
	return first
}
