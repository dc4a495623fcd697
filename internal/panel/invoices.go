package panel

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // invoice dates are Polish dates wherever artnetd runs

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/invoicepdf"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// The invoices module (an extension: the documentation names
// /invoices/download-proforma without documenting it). Proforma invoices
// are written by orders (express-order); their numbers are
// PF/YYYY/NNNNNN: the year of the issue date in Europe/Warsaw and the
// year's sequence number, six digits or more, from a counter row updated
// in the order's transaction (no gaps, no repeats). Dates are Polish
// dates (YYYY-MM-DD); payment is due ProformaDueDays after issue. Amounts
// are integer minor units: each line's VAT is its net × 23 % rounded half
// up, gross = net + VAT, totals are the sums of the lines. The seller is
// the panel setting invoice_seller (the inventory's), else DefaultSeller;
// the buyer is the customer's data at the time of the order.

// ProformaDueDays is the payment term of a proforma invoice.
const ProformaDueDays = 7

var warsaw = func() *time.Location {
	l, err := time.LoadLocation("Europe/Warsaw")
	if err != nil {
		panic(err)
	}
	return l
}()

type invoiceItem struct {
	name string
	net  int64
}

// seller returns the seller of new invoices.
func (p *Panel) seller(ctx context.Context, tx store.Store) (artnet.InvoiceParty, error) {
	v, err := tx.SettingGet(ctx, SettingInvoiceSeller)
	if errors.Is(err, store.ErrNotFound) {
		return DefaultSeller, nil
	}
	if err != nil {
		return artnet.InvoiceParty{}, err
	}
	var s artnet.InvoiceParty
	if err := json.Unmarshal([]byte(v), &s); err != nil {
		return s, fmt.Errorf("invoice seller: %w", err)
	}
	return s, nil
}

// proforma writes a proforma invoice for items, numbered in tx.
func (p *Panel) proforma(ctx context.Context, tx store.Store, c store.Customer, serviceID int64, currency string, now time.Time, items []invoiceItem) (store.Invoice, error) {
	local := now.In(warsaw)
	n, err := tx.InvoiceNextNumber(ctx, local.Year())
	if err != nil {
		return store.Invoice{}, err
	}
	seller, err := p.seller(ctx, tx)
	if err != nil {
		return store.Invoice{}, err
	}
	buyer := artnet.InvoiceParty{Name: c.Name, NIP: c.NIP, Street: c.Street, Postcode: c.Postcode, City: c.City, CountryCode: c.CountryCode}
	inv := store.Invoice{CustomerID: c.ID, Number: fmt.Sprintf("PF/%d/%06d", local.Year(), n), Kind: "proforma",
		ServiceID: serviceID, IssuedAt: now.Unix(), SaleAt: now.Unix(), DueAt: local.AddDate(0, 0, ProformaDueDays).Unix(), Currency: currency}
	var lines []artnet.InvoiceLine
	for _, it := range items {
		vat := vatOf(it.net)
		lines = append(lines, artnet.InvoiceLine{Name: it.name, Quantity: 1, Unit: "szt.", NetPrice: artnet.Money(it.net),
			Net: artnet.Money(it.net), VATRate: VATRate, VAT: artnet.Money(vat), Gross: artnet.Money(it.net + vat)})
		inv.Net += it.net
		inv.VAT += vat
		inv.Gross += it.net + vat
	}
	if inv.Seller, err = json.Marshal(seller); err != nil {
		return inv, err
	}
	if inv.Buyer, err = json.Marshal(buyer); err != nil {
		return inv, err
	}
	if inv.Lines, err = json.Marshal(lines); err != nil {
		return inv, err
	}
	return inv, tx.InvoiceCreate(ctx, &inv)
}

func polishDate(unix int64) string {
	return time.Unix(unix, 0).In(warsaw).Format(time.DateOnly)
}

// InvoiceView returns the API form of inv; full adds seller, buyer and
// lines.
func InvoiceView(inv store.Invoice, full bool) (artnet.Invoice, error) {
	out := artnet.Invoice{Number: inv.Number, Type: inv.Kind, ServiceID: inv.ServiceID,
		IssueDate: polishDate(inv.IssuedAt), SaleDate: polishDate(inv.SaleAt), DueDate: polishDate(inv.DueAt),
		Currency: inv.Currency, TotalNet: artnet.Money(inv.Net), TotalVAT: artnet.Money(inv.VAT), TotalGross: artnet.Money(inv.Gross)}
	if !full {
		return out, nil
	}
	out.Seller, out.Buyer = &artnet.InvoiceParty{}, &artnet.InvoiceParty{}
	if err := json.Unmarshal(inv.Seller, out.Seller); err != nil {
		return out, fmt.Errorf("invoice %s seller: %w", inv.Number, err)
	}
	if err := json.Unmarshal(inv.Buyer, out.Buyer); err != nil {
		return out, fmt.Errorf("invoice %s buyer: %w", inv.Number, err)
	}
	if err := json.Unmarshal(inv.Lines, &out.Lines); err != nil {
		return out, fmt.Errorf("invoice %s lines: %w", inv.Number, err)
	}
	return out, nil
}

// InvoicesList answers /invoices/list: the customer's invoices, newest
// first, without seller, buyer and lines.
func (p *Panel) InvoicesList(ctx context.Context, customerID int64, limit, offset int) ([]artnet.Invoice, error) {
	list, err := p.Store.InvoiceList(ctx, customerID, limit, offset)
	if err != nil {
		return nil, p.internalErr(err)
	}
	out := make([]artnet.Invoice, 0, len(list))
	for _, inv := range list {
		v, err := InvoiceView(inv, false)
		if err != nil {
			return nil, p.internalErr(err)
		}
		out = append(out, v)
	}
	return out, nil
}

// invoice returns the customer's invoice, or invalid-invoice-number.
func (p *Panel) invoice(ctx context.Context, customerID int64, number string) (artnet.Invoice, error) {
	inv, err := p.Store.InvoiceGet(ctx, customerID, strings.TrimSpace(number))
	if errors.Is(err, store.ErrNotFound) {
		return artnet.Invoice{}, apperr.New(apperr.CodeInvalidInvoiceNumber)
	}
	if err != nil {
		return artnet.Invoice{}, p.internalErr(err)
	}
	v, err := InvoiceView(inv, true)
	return v, p.internalErr(err)
}

// InvoiceDetails answers /invoices/details.
func (p *Panel) InvoiceDetails(ctx context.Context, customerID int64, number string) (artnet.Invoice, error) {
	return p.invoice(ctx, customerID, number)
}

// InvoiceProforma answers /invoices/download-proforma: the PDF of a
// proforma invoice, named after its number (PF_2026_000001.pdf).
func (p *Panel) InvoiceProforma(ctx context.Context, customerID int64, number string) (artnet.InvoiceFile, error) {
	inv, err := p.invoice(ctx, customerID, number)
	if err != nil {
		return artnet.InvoiceFile{}, err
	}
	if inv.Type != "proforma" {
		return artnet.InvoiceFile{}, apperr.New(apperr.CodeInvalidInvoiceNumber)
	}
	pdf, err := invoicepdf.Render(inv)
	if err != nil {
		return artnet.InvoiceFile{}, apperr.Internal(apperr.CodeInternal, err)
	}
	return artnet.InvoiceFile{FileName: strings.ReplaceAll(inv.Number, "/", "_") + ".pdf", ContentType: "application/pdf", Content: base64.StdEncoding.EncodeToString(pdf)}, nil
}
