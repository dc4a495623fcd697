package httpapi

import (
	"context"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/panel"
)

// addPowerRoutes adds the power and transfer-usage commands of the
// dedicated and colocation modules to h.
func (s *Server) addPowerRoutes(h map[string]handlerFunc) {
	p := s.Panel
	for _, module := range []string{artnet.ServiceTypeDedicated, artnet.ServiceTypeColocation} {
		h[module+"/power-details"] = func(ctx context.Context, c *call) (any, error) {
			d, err := p.PowerDetails(ctx, c.customerID, c.int("service_id"), module)
			if err != nil {
				return nil, err
			}
			return artnet.PowerDetailsResponse{PowerDetails: d}, nil
		}
		for cmd, op := range map[string]panel.PowerOp{"power-on": panel.PowerOn, "power-off": panel.PowerOff, "power-restart": panel.PowerRestart} {
			h[module+"/"+cmd] = func(ctx context.Context, c *call) (any, error) {
				return nil, p.PowerSwitch(ctx, c.customerID, c.int("service_id"), module, op, c.str("confirm"))
			}
		}
	}
}

// addTransferRoutes adds the transfer-usage-details commands of the
// dedicated and colocation modules to h.
func (s *Server) addTransferRoutes(h map[string]handlerFunc) {
	p := s.Panel
	for _, module := range []string{artnet.ServiceTypeDedicated, artnet.ServiceTypeColocation} {
		h[module+"/transfer-usage-details"] = func(ctx context.Context, c *call) (any, error) {
			d, err := p.TransferUsageDetails(ctx, c.customerID, c.int("service_id"), module)
			if err != nil {
				return nil, err
			}
			return artnet.TransferUsageDetailsResponse{TransferUsageDetails: d}, nil
		}
	}
}
