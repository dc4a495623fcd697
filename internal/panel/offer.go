package panel

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// The offer-dedicated module: the custom offer (a panel setting the
// operator imports), ready-to-run ("express") servers, their reservations
// and orders.
//
// A server is offered while it is in stock (not sold) and not reserved by
// another customer; prices.reseller is given to resellers only.
// Reservations are for resellers only: anyone else gets invalid-server-id
// (the only documented code besides authorization-failed). A reservation
// lasts ReservationTTL (48 h) from the panel's clock and lapses by itself:
// every read and write compares reserved_until with the clock, and a queue
// job clears lapsed rows (ExpireReservations). A customer holds at most
// MaxReservations (3) at a time; reserving one's own reserved server again
// succeeds and does not extend it. A missing, sold or otherwise reserved
// server is invalid-server-id.
//
// express-order runs in one transaction: the server is marked sold in one
// conditional UPDATE (of concurrent orders exactly one wins; the others
// answer invalid-server-id and roll back, leaving nothing), a dedicated
// service is created from the server's hardware at the regular price (the
// reseller price for a reseller), a proforma invoice takes the next number
// of the year's gap-free series (PF/YYYY/NNNNNN, the year of the issue
// date in Europe/Warsaw, the counter row updated in the same transaction),
// a single-purpose token (32 random bytes, base64url; only its SHA-256 is
// stored; valid OrderConfig.TokenTTL) goes into the management panel URL,
// which is shown once in the answer and in the e-mail, and the e-mail is
// written to the outbox.

// Offer limits.
const (
	ReservationTTL  = 48 * time.Hour
	MaxReservations = 3
	// VATRate is the VAT rate (percent) of every invoice line.
	VATRate = 23
	// TokenPurposeManagement is the purpose of management panel tokens.
	TokenPurposeManagement = "server-management"
)

// Settings keys of the offer.
const (
	SettingCustomOffer   = "custom_offer"
	SettingInvoiceSeller = "invoice_seller"
)

// OrderConfig configures express orders.
type OrderConfig struct {
	// ManagementURL is the base of management panel links; the service id
	// and the token are added as query parameters. Empty: DefaultManagementURL.
	ManagementURL string
	// TokenTTL is how long a management token is valid. 0: 30 days.
	TokenTTL time.Duration
}

// DefaultManagementURL is the base of management panel links by default.
const DefaultManagementURL = "https://panel.artnet.invalid/manage"

// DefaultSeller is the seller on invoices until the operator imports
// invoice_seller: a placeholder (a NIP with a valid checksum, made up).
var DefaultSeller = artnet.InvoiceParty{
	Name: "Artnet Sp. z o.o.", NIP: "5841234561", Street: "ul. Przykładowa 1",
	Postcode: "80-001", City: "Gdańsk", CountryCode: "PL",
}

func (p *Panel) internalErr(err error) error {
	var ae *apperr.Error
	if err == nil || errors.As(err, &ae) {
		return err
	}
	return apperr.Internal(apperr.CodeInternal, err)
}

// CustomOffer answers /offer-dedicated/custom-offer.
func (p *Panel) CustomOffer(ctx context.Context, customerID int64) ([]artnet.CustomOffer, error) {
	v, err := p.Store.SettingGet(ctx, SettingCustomOffer)
	if errors.Is(err, store.ErrNotFound) {
		return []artnet.CustomOffer{}, nil
	}
	if err != nil {
		return nil, p.internalErr(err)
	}
	out := []artnet.CustomOffer{}
	if err := json.Unmarshal([]byte(v), &out); err != nil {
		return nil, apperr.Internal(apperr.CodeInternal, fmt.Errorf("custom offer: %w", err))
	}
	return out, nil
}

// expressServer returns the API form of s; reseller adds prices.reseller.
func expressServer(s store.ExpressServer, reseller bool) (artnet.ExpressServer, error) {
	out := artnet.ExpressServer{ID: s.ID, Prices: artnet.ExpressPrices{Regular: artnet.ExpressPrice{
		Price: artnet.Money(s.RegularPrice), Currency: s.Currency, PaymentPeriod: artnet.Int(s.PaymentPeriod)}}}
	if err := json.Unmarshal(s.Hardware, &out.HardwareConfiguration); err != nil {
		return out, fmt.Errorf("express server %d hardware: %w", s.ID, err)
	}
	if reseller {
		out.Prices.Reseller = &artnet.ExpressPrice{Price: artnet.Money(s.ResellerPrice), Currency: s.Currency, PaymentPeriod: artnet.Int(s.PaymentPeriod)}
	}
	return out, nil
}

// expressList lists the servers keep selects.
func (p *Panel) expressList(ctx context.Context, customerID int64, keep func(s store.ExpressServer, now int64) bool) ([]artnet.ExpressServer, error) {
	c, err := p.Store.CustomerGet(ctx, customerID)
	if err != nil {
		return nil, p.internalErr(err)
	}
	all, err := p.Store.ExpressServersAll(ctx)
	if err != nil {
		return nil, p.internalErr(err)
	}
	now := p.now().Unix()
	out := []artnet.ExpressServer{}
	for _, s := range all {
		if !keep(s, now) {
			continue
		}
		e, err := expressServer(s, c.Reseller)
		if err != nil {
			return nil, p.internalErr(err)
		}
		out = append(out, e)
	}
	return out, nil
}

// ExpressOffer answers /offer-dedicated/express-offer: servers in stock
// not reserved by another customer.
func (p *Panel) ExpressOffer(ctx context.Context, customerID int64) ([]artnet.ExpressServer, error) {
	return p.expressList(ctx, customerID, func(s store.ExpressServer, now int64) bool {
		return s.SoldAt == 0 && (!s.Reserved(now) || s.ReservedBy == customerID)
	})
}

// ExpressReservationsList answers /offer-dedicated/express-reservations-list.
func (p *Panel) ExpressReservationsList(ctx context.Context, customerID int64) ([]artnet.ExpressServer, error) {
	return p.expressList(ctx, customerID, func(s store.ExpressServer, now int64) bool {
		return s.SoldAt == 0 && s.Reserved(now) && s.ReservedBy == customerID
	})
}

// requireReseller answers invalid-server-id unless the customer is a
// reseller.
func requireReseller(ctx context.Context, tx store.Store, customerID int64) error {
	c, err := tx.CustomerGet(ctx, customerID)
	if err != nil {
		return err
	}
	if !c.Reseller {
		return apperr.Errorf(apperr.CodeInvalidServerID, "reservations are for resellers only")
	}
	return nil
}

// ExpressReservation answers /offer-dedicated/express-reservation.
func (p *Panel) ExpressReservation(ctx context.Context, customerID, serverID int64) error {
	err := p.Store.InTx(ctx, func(tx store.Store) error {
		if err := requireReseller(ctx, tx, customerID); err != nil {
			return err
		}
		if err := tx.CustomerLock(ctx, customerID); err != nil {
			return err
		}
		now := p.now()
		all, err := tx.ExpressServersAll(ctx)
		if err != nil {
			return err
		}
		held := 0
		for _, s := range all {
			if s.SoldAt == 0 && s.ReservedBy == customerID && s.Reserved(now.Unix()) {
				if s.ID == serverID {
					return nil // already the customer's: not extended
				}
				held++
			}
		}
		if held >= MaxReservations {
			return apperr.Errorf(apperr.CodeInvalidServerID, "at most %d servers may be reserved at a time", MaxReservations)
		}
		err = tx.ExpressReserve(ctx, serverID, customerID, now.Add(ReservationTTL).Unix(), now.Unix())
		if errors.Is(err, store.ErrNotFound) {
			return apperr.New(apperr.CodeInvalidServerID)
		}
		return err
	})
	return p.internalErr(err)
}

// ExpressReservationCancel answers /offer-dedicated/express-reservation-cancel.
func (p *Panel) ExpressReservationCancel(ctx context.Context, customerID, serverID int64) error {
	err := p.Store.InTx(ctx, func(tx store.Store) error {
		if err := requireReseller(ctx, tx, customerID); err != nil {
			return err
		}
		err := tx.ExpressReservationCancel(ctx, serverID, customerID, p.now().Unix())
		if errors.Is(err, store.ErrNotFound) {
			return apperr.New(apperr.CodeInvalidServerID)
		}
		return err
	})
	return p.internalErr(err)
}

// ExpireReservations clears the reservations lapsed by now (the queue's
// periodic job; reads do not depend on it).
func (p *Panel) ExpireReservations(ctx context.Context) (int64, error) {
	return p.Store.ExpressReservationsExpire(ctx, p.now().Unix())
}

// vatOf returns net × VATRate %, rounded half up to the minor unit.
func vatOf(net int64) int64 {
	return (net*VATRate + 50) / 100
}

// ExpressOrder answers /offer-dedicated/express-order.
func (p *Panel) ExpressOrder(ctx context.Context, customerID, serverID int64) (artnet.ExpressOrderDetails, error) {
	var out artnet.ExpressOrderDetails
	err := p.Store.InTx(ctx, func(tx store.Store) error {
		now := p.now()
		// First the conditional update: concurrent orders of one server
		// wait here for the winner and then find it sold.
		err := tx.ExpressSell(ctx, serverID, customerID, now.Unix())
		if errors.Is(err, store.ErrNotFound) {
			return apperr.New(apperr.CodeInvalidServerID)
		}
		if err != nil {
			return err
		}
		c, err := tx.CustomerGet(ctx, customerID)
		if err != nil {
			return err
		}
		srv, err := tx.ExpressServerGet(ctx, serverID)
		if err != nil {
			return err
		}
		var hw artnet.HardwareConfiguration
		if err := json.Unmarshal(srv.Hardware, &hw); err != nil {
			return apperr.Internal(apperr.CodeInternalErrorInvalidData, fmt.Errorf("express server %d hardware: %w", srv.ID, err))
		}
		net := srv.RegularPrice
		if c.Reseller {
			net = srv.ResellerPrice
		}
		period := max(srv.PaymentPeriod, 1)
		details, err := json.Marshal(artnet.DedicatedDetails{HardwareConfiguration: hw,
			NetworkConfiguration: artnet.ServerNetwork{AdditionalIPs: []string{}, Subnetworks: []artnet.Subnetwork{}},
			Features:             artnet.DedicatedFeatures{PowerManagement: true}})
		if err != nil {
			return apperr.Internal(apperr.CodeInternalErrorInvalidData, err)
		}
		name := fmt.Sprintf("Express %s %s #%d", hw.Server.Vendor, hw.Server.Model, srv.ID)
		svc := store.Service{CustomerID: customerID, Type: artnet.ServiceTypeDedicated, Name: name,
			ExpirationTime: now.AddDate(0, period, 0).Unix(), PriceMinor: net, PriceBruttoMinor: net + vatOf(net),
			Currency: srv.Currency, PaymentPeriod: period, Details: stripID(details)}
		if err := tx.ServiceCreate(ctx, &svc); err != nil {
			return apperr.Internal(apperr.CodeInternalErrorInvalidService, err)
		}
		if err := tx.ExpressSoldService(ctx, srv.ID, svc.ID); err != nil {
			return err
		}
		line := fmt.Sprintf("Serwer dedykowany %s %s (express #%d), usługa nr %d, okres %d mies.", hw.Server.Vendor, hw.Server.Model, srv.ID, svc.ID, period)
		inv, err := p.proforma(ctx, tx, c, svc.ID, srv.Currency, now, []invoiceItem{{name: line, net: net}})
		if err != nil {
			return err
		}
		token, err := p.newAccessToken(ctx, tx, customerID, svc.ID, now)
		if err != nil {
			return err
		}
		base := p.Orders.ManagementURL
		if base == "" {
			base = DefaultManagementURL
		}
		out = artnet.ExpressOrderDetails{ServiceID: svc.ID, InvoiceNumber: inv.Number,
			ManagementPanelURL: base + "?" + url.Values{"service_id": {strconv.FormatInt(svc.ID, 10)}, "token": {token}}.Encode()}
		return p.expressOrderEmail(ctx, tx, c, svc, inv, out.ManagementPanelURL)
	})
	return out, p.internalErr(err)
}

// newAccessToken stores the hash of a new management token and returns the
// token.
func (p *Panel) newAccessToken(ctx context.Context, tx store.Store, customerID, serviceID int64, now time.Time) (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	token := base64.RawURLEncoding.EncodeToString(b[:])
	sum := sha256.Sum256([]byte(token))
	ttl := p.Orders.TokenTTL
	if ttl <= 0 {
		ttl = 30 * 24 * time.Hour
	}
	err := tx.AccessTokenCreate(ctx, store.AccessToken{Hash: sum[:], Purpose: TokenPurposeManagement,
		CustomerID: customerID, ServiceID: serviceID, ExpiresAt: now.Add(ttl).Unix()})
	return token, err
}

// CheckAccessToken returns the service a management token grants, or
// false when the token is unknown, of another purpose or expired.
func (p *Panel) CheckAccessToken(ctx context.Context, token string) (store.AccessToken, bool) {
	sum := sha256.Sum256([]byte(token))
	t, err := p.Store.AccessTokenGet(ctx, sum[:])
	if err != nil || t.Purpose != TokenPurposeManagement || t.ExpiresAt <= p.now().Unix() {
		return store.AccessToken{}, false
	}
	return t, true
}

// msgExpressOrder is the order confirmation: %s name, %s time, %d service,
// %s invoice number, %s gross amount, %s currency, %s management URL.
var msgExpressOrder = message{
	subject: map[string]string{
		"pl": "Zamówienie serwera dedykowanego",
		"en": "Dedicated server ordered",
	},
	body: map[string]string{
		"pl": "Dzień dobry %s,\n\nw dniu %s zamówiono serwer dedykowany (usługa nr %d).\n\nFaktura pro forma %s na kwotę %s %s brutto jest do pobrania w Panelu Klienta lub poleceniem API /invoices/download-proforma.\n\nPanel zarządzania serwerem i instalacji systemu:\n%s\n\nLink zawiera dane uwierzytelniające: traktuj go jak hasło.\n\n-- \nArtnet",
		"en": "Hello %s,\n\non %s you ordered a dedicated server (service %d).\n\nProforma invoice %s for %s %s gross can be downloaded from the Customers Panel or with the API command /invoices/download-proforma.\n\nServer management and operating system installation panel:\n%s\n\nThe link carries credentials: treat it as a password.\n\n-- \nArtnet",
	},
}

func (p *Panel) expressOrderEmail(ctx context.Context, tx store.Store, c store.Customer, svc store.Service, inv store.Invoice, link string) error {
	lang := c.Language
	if lang != "pl" {
		lang = "en"
	}
	now := p.now()
	e := store.Email{CustomerID: c.ID, Time: now.Unix(), Address: c.Email, Subject: msgExpressOrder.subject[lang],
		Body: fmt.Sprintf(msgExpressOrder.body[lang], c.Name, now.UTC().Format(time.DateTime+" UTC"), svc.ID,
			inv.Number, artnet.Money(inv.Gross), inv.Currency, link)}
	if err := tx.EmailCreate(ctx, &e); err != nil {
		return fmt.Errorf("write e-mail %q: %w", e.Subject, err)
	}
	return nil
}
