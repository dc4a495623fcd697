package httpapi

import (
	"context"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/form"
	"github.com/artnet-panel/artnet-panel/internal/panel"
)

// addRevDNSRoutes adds the handlers of the module to h.
func (s *Server) addRevDNSRoutes(h map[string]handlerFunc) {
	p := s.Panel
	h["rev-dns/list"] = func(ctx context.Context, c *call) (any, error) {
		list, err := p.RevDNSList(ctx, c.customerID)
		if err != nil {
			return nil, err
		}
		return artnet.RevDNSSubnetworksListResponse{SubnetworksList: list}, nil
	}
	h["rev-dns/details"] = func(ctx context.Context, c *call) (any, error) {
		d, err := p.RevDNSDetails(ctx, c.customerID, c.int("subnetwork_id"), c.str("dns_subclass"))
		if err != nil {
			return nil, err
		}
		return artnet.RevDNSSubclassResponse{SubclassDetails: d}, nil
	}
	h["rev-dns/edit"] = func(ctx context.Context, c *call) (any, error) {
		w, err := p.RevDNSEdit(ctx, c.customerID, c.int("subnetwork_id"), c.str("dns_subclass"), c.int("serial"),
			ptrRecords(c.params.Get("ptr_records")))
		if err != nil {
			return nil, err
		}
		return artnet.RevDNSEditResponse{Warnings: w}, nil
	}
}

// ptrRecords decodes ptr_records[N][origin|ptr|delete] in the order the
// records were sent (checkParams has checked their shape).
func ptrRecords(v *form.Value) []panel.PTRInput {
	if v == nil || v.IsLeaf() {
		return nil
	}
	out := make([]panel.PTRInput, 0, v.Len())
	for key, item := range v.All() {
		out = append(out, panel.PTRInput{
			Key:    key,
			Origin: item.Get("origin").String(),
			PTR:    item.Get("ptr").String(),
			Delete: item.Get("delete").String() == "delete",
		})
	}
	return out
}
