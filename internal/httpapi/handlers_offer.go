package httpapi

import (
	"context"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// addOfferRoutes adds the handlers of the offer-dedicated module and of the
// invoices module (an extension).
func (s *Server) addOfferRoutes(h map[string]handlerFunc) {
	p := s.Panel
	h["offer-dedicated/custom-offer"] = func(ctx context.Context, c *call) (any, error) {
		list, err := p.CustomOffer(ctx, c.customerID)
		if err != nil {
			return nil, err
		}
		return artnet.CustomOfferResponse{Resources: list}, nil
	}
	h["offer-dedicated/express-offer"] = func(ctx context.Context, c *call) (any, error) {
		list, err := p.ExpressOffer(ctx, c.customerID)
		if err != nil {
			return nil, err
		}
		return artnet.ExpressOfferResponse{Offer: list}, nil
	}
	h["offer-dedicated/express-reservations-list"] = func(ctx context.Context, c *call) (any, error) {
		list, err := p.ExpressReservationsList(ctx, c.customerID)
		if err != nil {
			return nil, err
		}
		return artnet.ExpressOfferResponse{Offer: list}, nil
	}
	h["offer-dedicated/express-reservation"] = func(ctx context.Context, c *call) (any, error) {
		return nil, p.ExpressReservation(ctx, c.customerID, c.int("server_id"))
	}
	h["offer-dedicated/express-reservation-cancel"] = func(ctx context.Context, c *call) (any, error) {
		return nil, p.ExpressReservationCancel(ctx, c.customerID, c.int("server_id"))
	}
	h["offer-dedicated/express-order"] = func(ctx context.Context, c *call) (any, error) {
		d, err := p.ExpressOrder(ctx, c.customerID, c.int("server_id"))
		if err != nil {
			return nil, err
		}
		return artnet.ExpressOrderResponse{OrderDetails: d}, nil
	}
	h["invoices/list"] = func(ctx context.Context, c *call) (any, error) {
		limit, offset, err := paging(c)
		if err != nil {
			return nil, err
		}
		list, err := p.InvoicesList(ctx, c.customerID, limit, offset)
		if err != nil {
			return nil, err
		}
		return artnet.InvoicesListResponse{InvoicesList: list}, nil
	}
	h["invoices/details"] = func(ctx context.Context, c *call) (any, error) {
		inv, err := p.InvoiceDetails(ctx, c.customerID, c.str("invoice_number"))
		if err != nil {
			return nil, err
		}
		return artnet.InvoiceDetailsResponse{Invoice: inv}, nil
	}
	h["invoices/download-proforma"] = func(ctx context.Context, c *call) (any, error) {
		f, err := p.InvoiceProforma(ctx, c.customerID, c.str("invoice_number"))
		if err != nil {
			return nil, err
		}
		return artnet.ProformaResponse{Proforma: f}, nil
	}
}
