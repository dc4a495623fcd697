package artnet

import "context"

// DNSSECEnableOpts are the parameters of /dns/dnssec-enable (an extension
// of artnetd).
type DNSSECEnableOpts struct {
	ZoneID int64
	// Algorithm: DNSSECAlgorithmECDSAP256SHA256 (the default when empty)
	// or DNSSECAlgorithmED25519.
	Algorithm string
}

// Validate checks the zone id and the algorithm.
func (o DNSSECEnableOpts) Validate() error {
	if err := requireID("zone_id", o.ZoneID); err != nil {
		return err
	}
	if o.Algorithm != "" {
		return oneOf("algorithm", o.Algorithm, DNSSECAlgorithmECDSAP256SHA256, DNSSECAlgorithmED25519, "13", "15")
	}
	return nil
}

// DNSSECEnable turns DNSSEC on for a primary zone (/dns/dnssec-enable, an
// extension of artnetd) and returns its DNSSEC state.
func (m *DNSAPI) DNSSECEnable(ctx context.Context, opts DNSSECEnableOpts) (*DNSSECDetails, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	f := (&Form{}).AddInt("zone_id", opts.ZoneID)
	if opts.Algorithm != "" {
		f.Add("algorithm", opts.Algorithm)
	}
	var r DNSSECDetailsResponse
	if err := m.c.do(ctx, "dns/dnssec-enable", f, &r); err != nil {
		return nil, err
	}
	return &r.DNSSECDetails, nil
}

// DNSSECDisable turns DNSSEC off for a primary zone in the safe order
// (/dns/dnssec-disable, an extension of artnetd): the DS goes first, the
// signatures after the parent's TTL.
func (m *DNSAPI) DNSSECDisable(ctx context.Context, zoneID int64) error {
	if err := requireID("zone_id", zoneID); err != nil {
		return err
	}
	return m.c.do(ctx, "dns/dnssec-disable", (&Form{}).AddInt("zone_id", zoneID), nil)
}

// DNSSECDetails returns a zone's DNSSEC state (/dns/dnssec-details, an
// extension of artnetd).
func (m *DNSAPI) DNSSECDetails(ctx context.Context, zoneID int64) (*DNSSECDetails, error) {
	if err := requireID("zone_id", zoneID); err != nil {
		return nil, err
	}
	var r DNSSECDetailsResponse
	if err := m.c.do(ctx, "dns/dnssec-details", (&Form{}).AddInt("zone_id", zoneID), &r); err != nil {
		return nil, err
	}
	return &r.DNSSECDetails, nil
}
