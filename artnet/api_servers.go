package artnet

import "context"

// Commands of the service modules beyond list and details.

// DomainEditDNSServersOpts are the parameters of /domain/edit-dns-servers.
type DomainEditDNSServersOpts struct {
	ServiceID int64
	// DNSServers are the host names of the new DNS servers, in order (order
	// is significant).
	DNSServers []string
}

// Validate checks the id and that every server name is given.
func (o DomainEditDNSServersOpts) Validate() error {
	if err := requireID("service_id", o.ServiceID); err != nil {
		return err
	}
	if len(o.DNSServers) == 0 {
		return invalid("dns_servers", "at least one DNS server is required")
	}
	for i, s := range o.DNSServers {
		if err := requireString(sub("dns_servers", itoa(i)), s); err != nil {
			return err
		}
	}
	return nil
}

// EditDNSServers changes the DNS delegation of a domain
// (/domain/edit-dns-servers).
func (a *DomainAPI) EditDNSServers(ctx context.Context, opts DomainEditDNSServersOpts) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	f := (&Form{}).AddInt("service_id", opts.ServiceID).AddList("dns_servers", opts.DNSServers)
	return a.m.c.do(ctx, "domain/edit-dns-servers", f, nil)
}

// FailOverIPSwitchOpts are the parameters of /fail-over-ip/switch.
type FailOverIPSwitchOpts struct {
	ServiceID int64
	// RealIP is the new target address, one of the service's
	// real_ips_allowed_list.
	RealIP string
}

// Validate checks the id and the address.
func (o FailOverIPSwitchOpts) Validate() error {
	return firstError(requireID("service_id", o.ServiceID), requireString("real_ip", o.RealIP))
}

// Switch routes the traffic of the virtual IP to another real IP
// (/fail-over-ip/switch).
func (a *FailOverIPAPI) Switch(ctx context.Context, opts FailOverIPSwitchOpts) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	f := (&Form{}).AddInt("service_id", opts.ServiceID).Add("real_ip", opts.RealIP)
	return a.m.c.do(ctx, "fail-over-ip/switch", f, nil)
}

// OrderInfo returns the price of one additional IP address for a server
// (dedicated, colocation or VPS) and how many can be ordered
// (/additional-ip/order-info).
func (a *AdditionalIPAPI) OrderInfo(ctx context.Context, parentServiceID int64) (*AdditionalIPOrderInfo, error) {
	if err := requireID("parent_service_id", parentServiceID); err != nil {
		return nil, err
	}
	var r AdditionalIPOrderInfoResponse
	if err := a.m.c.do(ctx, "additional-ip/order-info", (&Form{}).AddInt("parent_service_id", parentServiceID), &r); err != nil {
		return nil, err
	}
	return &r.OrderInfo, nil
}

// AdditionalIPOrderOpts are the parameters of /additional-ip/order.
type AdditionalIPOrderOpts struct {
	// ParentServiceID is the server the addresses are for.
	ParentServiceID int64
	// IPsNumber is how many addresses to order.
	IPsNumber int64
}

// Validate checks the id and that at least one address is ordered.
func (o AdditionalIPOrderOpts) Validate() error {
	if err := requireID("parent_service_id", o.ParentServiceID); err != nil {
		return err
	}
	if o.IPsNumber <= 0 {
		return invalid("ips_number", "must be at least 1, got %d", o.IPsNumber)
	}
	return nil
}

// Order orders new additional IP addresses for a server
// (/additional-ip/order); their price is added to the server's.
func (a *AdditionalIPAPI) Order(ctx context.Context, opts AdditionalIPOrderOpts) (*AdditionalIPOrderDetails, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	f := (&Form{}).AddInt("parent_service_id", opts.ParentServiceID).AddInt("ips_number", opts.IPsNumber)
	var r AdditionalIPOrderResponse
	if err := a.m.c.do(ctx, "additional-ip/order", f, &r); err != nil {
		return nil, err
	}
	return &r.OrderDetails, nil
}

// PowerOn turns the VPS on (/vps/power-on, confirmed).
func (a *VPSAPI) PowerOn(ctx context.Context, serviceID int64) error {
	return a.m.power(ctx, "power-on", serviceID)
}

// PowerOff turns the VPS off (/vps/power-off, confirmed).
func (a *VPSAPI) PowerOff(ctx context.Context, serviceID int64) error {
	return a.m.power(ctx, "power-off", serviceID)
}

// PowerRestart turns the VPS off and on again (/vps/power-restart,
// confirmed).
func (a *VPSAPI) PowerRestart(ctx context.Context, serviceID int64) error {
	return a.m.power(ctx, "power-restart", serviceID)
}

// TransferUsageDetails returns the traffic of the server in the previous 3
// and the current payment period (/dedicated/transfer-usage-details).
func (a *DedicatedAPI) TransferUsageDetails(ctx context.Context, serviceID int64) (*TransferUsageDetails, error) {
	var r TransferUsageDetailsResponse
	if err := a.m.serviceIDCommand(ctx, "transfer-usage-details", serviceID, &r); err != nil {
		return nil, err
	}
	return &r.TransferUsageDetails, nil
}

// ILODetails returns the iLO / IPMI access of the server
// (/dedicated/ilo-details).
func (a *DedicatedAPI) ILODetails(ctx context.Context, serviceID int64) (*ILODetails, error) {
	var r ILODetailsResponse
	if err := a.m.serviceIDCommand(ctx, "ilo-details", serviceID, &r); err != nil {
		return nil, err
	}
	return &r.ILODetails, nil
}

// DedicatedILOAccessEnableOpts are the parameters of /dedicated/ilo-access-enable.
type DedicatedILOAccessEnableOpts struct {
	ServiceID int64
	// RemoteIP is the address allowed to connect to iLO / IPMI.
	RemoteIP string
}

// Validate checks the id and the address.
func (o DedicatedILOAccessEnableOpts) Validate() error {
	return firstError(requireID("service_id", o.ServiceID), requireString("remote_ip", o.RemoteIP))
}

// ILOAccessEnable opens iLO / IPMI access to one remote address
// (/dedicated/ilo-access-enable).
func (a *DedicatedAPI) ILOAccessEnable(ctx context.Context, opts DedicatedILOAccessEnableOpts) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	f := (&Form{}).AddInt("service_id", opts.ServiceID).Add("remote_ip", opts.RemoteIP)
	return a.m.c.do(ctx, "dedicated/ilo-access-enable", f, nil)
}

// ILOAccessDisable closes iLO / IPMI access (/dedicated/ilo-access-disable).
func (a *DedicatedAPI) ILOAccessDisable(ctx context.Context, serviceID int64) error {
	return a.m.serviceIDCommand(ctx, "ilo-access-disable", serviceID, nil)
}

// PowerDetails returns whether the server's power line can be managed and
// its state (/dedicated/power-details).
func (a *DedicatedAPI) PowerDetails(ctx context.Context, serviceID int64) (*PowerDetails, error) {
	var r PowerDetailsResponse
	if err := a.m.serviceIDCommand(ctx, "power-details", serviceID, &r); err != nil {
		return nil, err
	}
	return &r.PowerDetails, nil
}

// PowerOn turns the server's power line on (/dedicated/power-on,
// confirmed).
func (a *DedicatedAPI) PowerOn(ctx context.Context, serviceID int64) error {
	return a.m.power(ctx, "power-on", serviceID)
}

// PowerOff turns the server's power line off (/dedicated/power-off,
// confirmed).
func (a *DedicatedAPI) PowerOff(ctx context.Context, serviceID int64) error {
	return a.m.power(ctx, "power-off", serviceID)
}

// PowerRestart turns the server's power line off and on again
// (/dedicated/power-restart, confirmed).
func (a *DedicatedAPI) PowerRestart(ctx context.Context, serviceID int64) error {
	return a.m.power(ctx, "power-restart", serviceID)
}

// TransferUsageDetails returns the traffic of the colocation in the
// previous 3 and the current payment period
// (/colocation/transfer-usage-details).
func (a *ColocationAPI) TransferUsageDetails(ctx context.Context, serviceID int64) (*TransferUsageDetails, error) {
	var r TransferUsageDetailsResponse
	if err := a.m.serviceIDCommand(ctx, "transfer-usage-details", serviceID, &r); err != nil {
		return nil, err
	}
	return &r.TransferUsageDetails, nil
}

// PowerDetails returns whether the colocation's power line can be managed
// and its state (/colocation/power-details).
func (a *ColocationAPI) PowerDetails(ctx context.Context, serviceID int64) (*PowerDetails, error) {
	var r PowerDetailsResponse
	if err := a.m.serviceIDCommand(ctx, "power-details", serviceID, &r); err != nil {
		return nil, err
	}
	return &r.PowerDetails, nil
}

// PowerOn turns the colocation's power line on (/colocation/power-on,
// confirmed).
func (a *ColocationAPI) PowerOn(ctx context.Context, serviceID int64) error {
	return a.m.power(ctx, "power-on", serviceID)
}

// PowerOff turns the colocation's power line off (/colocation/power-off,
// confirmed).
func (a *ColocationAPI) PowerOff(ctx context.Context, serviceID int64) error {
	return a.m.power(ctx, "power-off", serviceID)
}

// PowerRestart turns the colocation's power line off and on again
// (/colocation/power-restart, confirmed).
func (a *ColocationAPI) PowerRestart(ctx context.Context, serviceID int64) error {
	return a.m.power(ctx, "power-restart", serviceID)
}
