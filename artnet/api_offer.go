package artnet

import "context"

// OfferDedicatedAPI is the offer-dedicated module: the dedicated servers
// offer, and reserving and ordering ready to run ("express") servers.
type OfferDedicatedAPI struct{ c *Client }

// CustomOffer returns the parts and prices a dedicated server can be
// configured with (/offer-dedicated/custom-offer).
func (m *OfferDedicatedAPI) CustomOffer(ctx context.Context) ([]CustomOffer, error) {
	var r CustomOfferResponse
	if err := m.c.do(ctx, "offer-dedicated/custom-offer", nil, &r); err != nil {
		return nil, err
	}
	return r.Resources, nil
}

// ExpressOffer returns the ready to run servers available to the customer
// (/offer-dedicated/express-offer).
func (m *OfferDedicatedAPI) ExpressOffer(ctx context.Context) ([]ExpressServer, error) {
	var r ExpressOfferResponse
	if err := m.c.do(ctx, "offer-dedicated/express-offer", nil, &r); err != nil {
		return nil, err
	}
	return r.Offer, nil
}

// ExpressReservationsList returns the servers the customer reserved
// (/offer-dedicated/express-reservations-list).
func (m *OfferDedicatedAPI) ExpressReservationsList(ctx context.Context) ([]ExpressServer, error) {
	var r ExpressOfferResponse
	if err := m.c.do(ctx, "offer-dedicated/express-reservations-list", nil, &r); err != nil {
		return nil, err
	}
	return r.Offer, nil
}

// ExpressReservation reserves a server for 48 hours (resellers only, at
// most 3 at a time) (/offer-dedicated/express-reservation).
func (m *OfferDedicatedAPI) ExpressReservation(ctx context.Context, serverID int64) error {
	if err := requireID("server_id", serverID); err != nil {
		return err
	}
	return m.c.do(ctx, "offer-dedicated/express-reservation", (&Form{}).AddInt("server_id", serverID), nil)
}

// ExpressReservationCancel cancels a reservation (resellers only)
// (/offer-dedicated/express-reservation-cancel).
func (m *OfferDedicatedAPI) ExpressReservationCancel(ctx context.Context, serverID int64) error {
	if err := requireID("server_id", serverID); err != nil {
		return err
	}
	return m.c.do(ctx, "offer-dedicated/express-reservation-cancel", (&Form{}).AddInt("server_id", serverID), nil)
}

// ExpressOrder orders a ready to run server (/offer-dedicated/express-order)
// and returns the new service, its invoice and the management panel URL
// (which carries credentials: keep it secret).
func (m *OfferDedicatedAPI) ExpressOrder(ctx context.Context, serverID int64) (*ExpressOrderDetails, error) {
	if err := requireID("server_id", serverID); err != nil {
		return nil, err
	}
	var r ExpressOrderResponse
	if err := m.c.do(ctx, "offer-dedicated/express-order", (&Form{}).AddInt("server_id", serverID), &r); err != nil {
		return nil, err
	}
	return &r.OrderDetails, nil
}
