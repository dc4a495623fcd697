package inventory

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/validate"
)

// The offer-dedicated part of the inventory (top level):
//
//   - express_offer: the ready-to-run servers, each shaped like an item of
//     /offer-dedicated/express-offer offer (id, hardware_configuration,
//     prices with both regular and reseller, of one currency and period)
//     plus its stock state: "state" is "in-stock" or "sold"; a sold
//     server carries "sale" {customer, service_id, time}; a reserved one
//     "reservation" {customer, until} (Unix seconds; a lapsed reservation
//     is dropped on export). Export writes them all back.
//   - custom_offer: the resources list of /offer-dedicated/custom-offer,
//     served as it is. "rams" (documented as a string with children) and
//     "ip" (documented without children) are lists of objects like their
//     siblings: rams items {capacity, price}, ip items {amount, price};
//     a single object is read as a list of one.
//   - invoice_seller: the seller on invoices ({name, nip, street,
//     postcode, city, country_code}); absent: panel.DefaultSeller.
//
// Invoices themselves are not part of the inventory.

// ExpressItem is one entry of express_offer.
type ExpressItem struct {
	artnet.ExpressServer
	State       string              `json:"state"` // "in-stock" or "sold"
	Reservation *ExpressReservation `json:"reservation,omitempty"`
	Sale        *ExpressSale        `json:"sale,omitempty"`
}

// ExpressReservation is a reservation of an express server.
type ExpressReservation struct {
	Customer int64 `json:"customer"`
	Until    int64 `json:"until"` // Unix seconds
}

// ExpressSale is the sale of an express server.
type ExpressSale struct {
	Customer  int64 `json:"customer"`
	ServiceID int64 `json:"service_id"`
	Time      int64 `json:"time"` // Unix seconds
}

// expressRows validates express_offer.
func expressRows(items []ExpressItem) ([]store.ExpressServer, error) {
	var out []store.ExpressServer
	seen := map[int64]bool{}
	for i, it := range items {
		p := fmt.Sprintf("$.express_offer[%d]", i)
		if it.ID <= 0 || seen[it.ID] {
			return nil, pathError(p+".id", "must be a positive id, unique in express_offer")
		}
		seen[it.ID] = true
		reg, res := it.Prices.Regular, it.Prices.Reseller
		if res == nil {
			return nil, pathError(p+".prices.reseller", "is required in the inventory")
		}
		if validate.Currency(reg.Currency) != nil || res.Currency != reg.Currency || res.PaymentPeriod != reg.PaymentPeriod || reg.PaymentPeriod < 1 {
			return nil, pathError(p+".prices", "regular and reseller need one known currency and one payment_period of at least 1 month")
		}
		if reg.Price < 0 || res.Price < 0 {
			return nil, pathError(p+".prices", "prices must not be negative")
		}
		if it.HardwareConfiguration.Server.Model == "" {
			return nil, pathError(p+".hardware_configuration.server.model", "is required")
		}
		hw, err := json.Marshal(it.HardwareConfiguration)
		if err != nil {
			return nil, err
		}
		row := store.ExpressServer{ID: it.ID, Hardware: hw, RegularPrice: int64(reg.Price), ResellerPrice: int64(res.Price),
			Currency: reg.Currency, PaymentPeriod: int(reg.PaymentPeriod)}
		switch it.State {
		case "", "in-stock":
			if it.Sale != nil {
				return nil, pathError(p+".sale", "an in-stock server has no sale")
			}
		case "sold":
			if it.Sale == nil || it.Sale.Customer <= 0 || it.Sale.Time <= 0 {
				return nil, pathError(p+".sale", "a sold server needs sale.customer and sale.time")
			}
			row.SoldTo, row.SoldServiceID, row.SoldAt = it.Sale.Customer, it.Sale.ServiceID, it.Sale.Time
		default:
			return nil, pathError(p+".state", "must be in-stock or sold")
		}
		if r := it.Reservation; r != nil {
			if row.SoldAt != 0 || r.Customer <= 0 || r.Until <= 0 {
				return nil, pathError(p+".reservation", "only an in-stock server may be reserved, by a customer, until a time")
			}
			row.ReservedBy, row.ReservedUntil = r.Customer, r.Until
		}
		out = append(out, row)
	}
	return out, nil
}

// checkParty validates a seller.
func checkParty(p string, s *artnet.InvoiceParty) error {
	if s.Name == "" {
		return pathError(p+".name", "is required")
	}
	if s.NIP != "" && validate.NIP(s.NIP) != nil {
		return pathError(p+".nip", "is not a valid NIP")
	}
	return nil
}

// importOffer writes express_offer, custom_offer and invoice_seller in tx
// (after the customers, which reservations and sales name).
func importOffer(ctx context.Context, tx store.Store, inv Inventory) error {
	rows, err := expressRows(inv.ExpressOffer)
	if err != nil {
		return err
	}
	for i, r := range rows {
		if r.ReservedBy != 0 {
			c, err := tx.CustomerGet(ctx, r.ReservedBy)
			if err != nil || !c.Reseller {
				return pathError(fmt.Sprintf("$.express_offer[%d].reservation.customer", i), "customer %d is not a reseller of this inventory", r.ReservedBy)
			}
		}
		if r.SoldServiceID != 0 {
			if _, err := tx.ServiceGet(ctx, r.SoldTo, r.SoldServiceID); err != nil {
				return pathError(fmt.Sprintf("$.express_offer[%d].sale.service_id", i), "service %d is not a service of customer %d", r.SoldServiceID, r.SoldTo)
			}
		}
		if err := tx.ExpressServerPut(ctx, r); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return pathError(fmt.Sprintf("$.express_offer[%d]", i), "names a customer that does not exist")
			}
			return fmt.Errorf("$.express_offer[%d]: %w", i, err)
		}
	}
	if inv.CustomOffer != nil {
		raw, err := json.Marshal(inv.CustomOffer)
		if err != nil {
			return err
		}
		if err := tx.SettingPut(ctx, panel.SettingCustomOffer, string(raw)); err != nil {
			return err
		}
	}
	if inv.InvoiceSeller != nil {
		if err := checkParty("$.invoice_seller", inv.InvoiceSeller); err != nil {
			return err
		}
		raw, err := json.Marshal(inv.InvoiceSeller)
		if err != nil {
			return err
		}
		if err := tx.SettingPut(ctx, panel.SettingInvoiceSeller, string(raw)); err != nil {
			return err
		}
	}
	return nil
}

// exportOffer fills express_offer, custom_offer and invoice_seller; now
// (Unix seconds) drops lapsed reservations.
func exportOffer(ctx context.Context, s store.Store, inv *Inventory, now int64) error {
	rows, err := s.ExpressServersAll(ctx)
	if err != nil {
		return fmt.Errorf("list express servers: %w", err)
	}
	for _, r := range rows {
		it := ExpressItem{State: "in-stock"}
		it.ID = r.ID
		if err := json.Unmarshal(r.Hardware, &it.HardwareConfiguration); err != nil {
			return fmt.Errorf("express server %d hardware: %w", r.ID, err)
		}
		it.Prices.Regular = artnet.ExpressPrice{Price: artnet.Money(r.RegularPrice), Currency: r.Currency, PaymentPeriod: artnet.Int(r.PaymentPeriod)}
		it.Prices.Reseller = &artnet.ExpressPrice{Price: artnet.Money(r.ResellerPrice), Currency: r.Currency, PaymentPeriod: artnet.Int(r.PaymentPeriod)}
		if r.SoldAt != 0 {
			it.State = "sold"
			it.Sale = &ExpressSale{Customer: r.SoldTo, ServiceID: r.SoldServiceID, Time: r.SoldAt}
		} else if r.Reserved(now) {
			it.Reservation = &ExpressReservation{Customer: r.ReservedBy, Until: r.ReservedUntil}
		}
		inv.ExpressOffer = append(inv.ExpressOffer, it)
	}
	if v, err := s.SettingGet(ctx, panel.SettingCustomOffer); err == nil {
		if err := json.Unmarshal([]byte(v), &inv.CustomOffer); err != nil {
			return fmt.Errorf("custom offer: %w", err)
		}
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if v, err := s.SettingGet(ctx, panel.SettingInvoiceSeller); err == nil {
		inv.InvoiceSeller = &artnet.InvoiceParty{}
		if err := json.Unmarshal([]byte(v), inv.InvoiceSeller); err != nil {
			return fmt.Errorf("invoice seller: %w", err)
		}
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return nil
}
