package httpapi

import (
	"context"
	"strconv"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/form"
	"github.com/artnet-panel/artnet-panel/internal/panel"
)

// addDNSRoutes adds the handlers of the dns module to h.
func (s *Server) addDNSRoutes(h map[string]handlerFunc) {
	p := s.Panel
	h["dns/list"] = func(ctx context.Context, c *call) (any, error) {
		list, err := p.DNSZonesList(ctx, c.customerID)
		if err != nil {
			return nil, err
		}
		return artnet.DNSZonesListResponse{ZonesList: list}, nil
	}
	h["dns/delete"] = func(ctx context.Context, c *call) (any, error) {
		return nil, p.DNSDeleteZone(ctx, c.customerID, c.int("zone_id"))
	}
	h["dns/details-secoundary"] = func(ctx context.Context, c *call) (any, error) {
		z, err := p.DNSSecondaryDetails(ctx, c.customerID, c.int("zone_id"))
		if err != nil {
			return nil, err
		}
		return artnet.DNSZoneResponse{ZoneDetails: z}, nil
	}
	h["dns/add-secoundary"] = func(ctx context.Context, c *call) (any, error) {
		z, err := p.DNSAddSecondary(ctx, c.customerID, c.str("domain"), c.str("master_nameserver"))
		if err != nil {
			return nil, err
		}
		return artnet.DNSZoneResponse{ZoneDetails: z}, nil
	}
	h["dns/details-primary"] = func(ctx context.Context, c *call) (any, error) {
		z, err := p.DNSPrimaryDetails(ctx, c.customerID, c.int("zone_id"))
		if err != nil {
			return nil, err
		}
		return artnet.DNSPrimaryZoneResponse{ZoneDetails: z}, nil
	}
	h["dns/add-primary"] = func(ctx context.Context, c *call) (any, error) {
		z, err := p.DNSAddPrimary(ctx, c.customerID, c.str("domain"))
		if err != nil {
			return nil, err
		}
		return artnet.DNSZoneResponse{ZoneDetails: z}, nil
	}
	h["dns/edit-primary-records"] = func(ctx context.Context, c *call) (any, error) {
		return nil, p.DNSEditPrimaryRecords(ctx, c.customerID, c.int("zone_id"), c.str("serial"),
			dnsRecords(c.params.Get("records")))
	}
	// DNSSEC (an extension of artnetd).
	h["dns/dnssec-enable"] = func(ctx context.Context, c *call) (any, error) {
		d, err := p.DNSSECEnable(ctx, c.customerID, c.int("zone_id"), c.str("algorithm"))
		if err != nil {
			return nil, err
		}
		return artnet.DNSSECDetailsResponse{DNSSECDetails: d}, nil
	}
	h["dns/dnssec-disable"] = func(ctx context.Context, c *call) (any, error) {
		return nil, p.DNSSECDisable(ctx, c.customerID, c.int("zone_id"))
	}
	h["dns/dnssec-details"] = func(ctx context.Context, c *call) (any, error) {
		d, err := p.DNSSECDetails(ctx, c.customerID, c.int("zone_id"))
		if err != nil {
			return nil, err
		}
		return artnet.DNSSECDetailsResponse{DNSSECDetails: d}, nil
	}
}

// dnsRecords decodes records[N][name|ttl|type|data1..data4] in the order
// the records were sent (checkParams has checked their shape and that ttl
// is a number). No records (the parameter absent) is an empty zone.
func dnsRecords(v *form.Value) []panel.DNSRecordInput {
	if v == nil || v.IsLeaf() {
		return nil
	}
	out := make([]panel.DNSRecordInput, 0, v.Len())
	for key, item := range v.All() {
		r := panel.DNSRecordInput{
			Key:   key,
			Name:  item.Get("name").String(),
			Type:  item.Get("type").String(),
			Data1: item.Get("data1").String(),
			Data2: item.Get("data2").String(),
			Data3: item.Get("data3").String(),
			Data4: item.Get("data4").String(),
		}
		if ttl := item.Get("ttl"); present(ttl) {
			n, _ := strconv.ParseInt(ttl.String(), 10, 64)
			r.TTL = &n
		}
		out = append(out, r)
	}
	return out
}
