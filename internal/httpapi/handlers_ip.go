package httpapi

import (
	"context"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// addIPRoutes adds the handlers of the ip-blackholing module, of
// /fail-over-ip/switch and of the additional-ip order commands.
func (s *Server) addIPRoutes(h map[string]handlerFunc) {
	p := s.Panel
	h["ip-blackholing/list"] = func(ctx context.Context, c *call) (any, error) {
		list, err := p.IPBlackholingList(ctx, c.customerID)
		if err != nil {
			return nil, err
		}
		return artnet.BlackholedIPsListResponse{BlackholedIPsList: list}, nil
	}
	h["ip-blackholing/enable"] = func(ctx context.Context, c *call) (any, error) {
		return nil, p.IPBlackholingEnable(ctx, c.customerID, c.str("ip"))
	}
	h["ip-blackholing/disable"] = func(ctx context.Context, c *call) (any, error) {
		return nil, p.IPBlackholingDisable(ctx, c.customerID, c.str("ip"))
	}
	h["fail-over-ip/switch"] = func(ctx context.Context, c *call) (any, error) {
		return nil, p.FailOverIPSwitch(ctx, c.customerID, c.int("service_id"), c.str("real_ip"))
	}
	h["additional-ip/order-info"] = func(ctx context.Context, c *call) (any, error) {
		info, err := p.AdditionalIPOrderInfo(ctx, c.customerID, c.int("parent_service_id"))
		if err != nil {
			return nil, err
		}
		return artnet.AdditionalIPOrderInfoResponse{OrderInfo: info}, nil
	}
	h["additional-ip/order"] = func(ctx context.Context, c *call) (any, error) {
		d, err := p.AdditionalIPOrder(ctx, c.customerID, c.int("parent_service_id"), c.int("ips_number"))
		if err != nil {
			return nil, err
		}
		return artnet.AdditionalIPOrderResponse{OrderDetails: d}, nil
	}
}
