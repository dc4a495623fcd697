package panel

import (
	"context"
	"errors"
	"net/netip"
	"time"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// iLO / IPMI access of dedicated servers (/dedicated/ilo-*). The iLO
// address of a server and whether it can be opened come from the
// inventory (the service entry's ilo_details). Enabling access opens, on
// the firewall (Panel.Firewall), exactly remote_ip → the iLO address on
// the iLO ports (firewall.ILOPorts), replacing an earlier opening; the
// opening closes by itself after Panel.ILOAccessTTL (default 24 hours;
// not shown in the API, logged when it closes) and on ilo-access-disable.
// Everything else to the iLO address is dropped; from it only the replies
// of connections the opening let in pass (the iLO cannot open a
// connection towards remote_ip).
//
// Errors, in the order they are checked: authorization-failed (no such
// service of the customer), invalid-service-type (not a dedicated
// server), unsupported-feature (features.ilo_access_management is false,
// or for ilo-access-enable the iLO is not available), incorrect-param-value
// (remote_ip not a unicast IPv4 address), internal-operation-error (the
// firewall device failed; nothing changed).

// ILODetails answers /dedicated/ilo-details.
func (p *Panel) ILODetails(ctx context.Context, customerID, serviceID int64) (artnet.ILODetails, error) {
	a, err := p.iloAccess(ctx, p.Store, customerID, serviceID)
	if err != nil {
		return artnet.ILODetails{}, err
	}
	d := artnet.ILODetails{Available: a.Available, IP: a.IP}
	if open, remote := iloOpen(a, p.now()); open {
		d.AccessEnabled, d.AccessIP = true, remote.String()
	}
	return d, nil
}

// ILOAccessEnable answers /dedicated/ilo-access-enable.
func (p *Panel) ILOAccessEnable(ctx context.Context, customerID, serviceID int64, remoteIP string) error {
	a, err := p.iloAccess(ctx, p.Store, customerID, serviceID)
	if err != nil {
		return err
	}
	if !a.Available {
		return apperr.New(apperr.CodeUnsupportedFeature)
	}
	remote, err := netip.ParseAddr(remoteIP)
	if err != nil || !remote.Is4() || !remote.IsGlobalUnicast() {
		return apperr.Errorf(apperr.CodeIncorrectParamValue, "remote_ip: %q is not a unicast IPv4 address", remoteIP)
	}
	ttl := p.ILOAccessTTL
	if ttl <= 0 {
		ttl = DefaultILOAccessTTL
	}
	expires := p.now().Add(ttl).Unix()
	err = p.firewallChange(ctx, apperr.CodeInternalOperationError, func(tx store.Store) (undoFunc, error) {
		before, err := p.iloAccess(ctx, tx, customerID, serviceID)
		if err != nil {
			return nil, err
		}
		return p.undoILO(customerID, serviceID, before), tx.ILOUpdateAccess(ctx, customerID, serviceID, remote.String(), expires)
	})
	if err == nil {
		p.logger().Info("ilo access opened", "service_id", serviceID, "customer_id", customerID, "remote_ip", remote.String(),
			"expires_at", time.Unix(expires, 0).UTC().Format(time.RFC3339))
	}
	return err
}

// ILOAccessDisable answers /dedicated/ilo-access-disable. Closing access
// that is closed succeeds.
func (p *Panel) ILOAccessDisable(ctx context.Context, customerID, serviceID int64) error {
	if _, err := p.iloAccess(ctx, p.Store, customerID, serviceID); err != nil {
		return err
	}
	err := p.firewallChange(ctx, apperr.CodeInternalOperationError, func(tx store.Store) (undoFunc, error) {
		before, err := p.iloAccess(ctx, tx, customerID, serviceID)
		if err != nil {
			return nil, err
		}
		return p.undoILO(customerID, serviceID, before), tx.ILOUpdateAccess(ctx, customerID, serviceID, "", 0)
	})
	if err == nil {
		p.logger().Info("ilo access closed", "service_id", serviceID, "customer_id", customerID)
	}
	return err
}

// iloAccess checks the service and its feature and returns its iLO row (a
// server without one: not available, no address).
func (p *Panel) iloAccess(ctx context.Context, st store.Store, customerID, serviceID int64) (store.ILOAccess, error) {
	s, err := st.ServiceGet(ctx, customerID, serviceID)
	if errors.Is(err, store.ErrNotFound) {
		return store.ILOAccess{}, apperr.New(apperr.CodeAuthorizationFailed)
	}
	if err != nil {
		return store.ILOAccess{}, apperr.Internal(apperr.CodeInternal, err)
	}
	if s.Type != artnet.ServiceTypeDedicated {
		return store.ILOAccess{}, apperr.New(apperr.CodeInvalidServiceType)
	}
	d, err := DecodeDetails(s)
	if err != nil {
		return store.ILOAccess{}, apperr.Internal(apperr.CodeInternal, err)
	}
	if dd, ok := d.(*artnet.DedicatedDetails); !ok || !dd.Features.ILOAccessManagement {
		return store.ILOAccess{}, apperr.New(apperr.CodeUnsupportedFeature)
	}
	a, err := st.ILOGet(ctx, customerID, serviceID)
	if errors.Is(err, store.ErrNotFound) {
		return store.ILOAccess{ServiceID: serviceID, CustomerID: customerID}, nil
	}
	if err != nil {
		return store.ILOAccess{}, apperr.Internal(apperr.CodeInternal, err)
	}
	return a, nil
}

// undoILO returns an undo that puts an iLO opening back as before.
func (p *Panel) undoILO(customerID, serviceID int64, before store.ILOAccess) undoFunc {
	return func(ctx context.Context) error {
		return p.Store.ILOUpdateAccess(ctx, customerID, serviceID, before.AccessIP, before.ExpiresAt)
	}
}
