package artnet

import "context"

// InvoicesAPI is the invoices module, an extension of artnetd (the
// original service answers unknown-command): the customer's invoices and
// proforma PDFs.
type InvoicesAPI struct{ c *Client }

// InvoicesListOpts pages /invoices/list.
type InvoicesListOpts struct {
	// Limit is the most invoices to fetch (0: all).
	Limit int
	// Offset is the index of the first invoice to fetch.
	Offset int
}

// Validate checks that the numbers are not negative.
func (o InvoicesListOpts) Validate() error {
	return firstError(nonNegative("limit", int64(o.Limit)), nonNegative("offset", int64(o.Offset)))
}

// List returns the customer's invoices, newest first, without seller,
// buyer and lines (/invoices/list).
func (m *InvoicesAPI) List(ctx context.Context, opts InvoicesListOpts) ([]Invoice, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	f := &Form{}
	addPaging(f, opts.Limit, opts.Offset)
	var r InvoicesListResponse
	if err := m.c.do(ctx, "invoices/list", f, &r); err != nil {
		return nil, err
	}
	return r.InvoicesList, nil
}

// Details returns an invoice with its seller, buyer and lines
// (/invoices/details).
func (m *InvoicesAPI) Details(ctx context.Context, number string) (*Invoice, error) {
	if err := requireString("invoice_number", number); err != nil {
		return nil, err
	}
	var r InvoiceDetailsResponse
	if err := m.c.do(ctx, "invoices/details", (&Form{}).Add("invoice_number", number), &r); err != nil {
		return nil, err
	}
	return &r.Invoice, nil
}

// DownloadProforma returns the PDF of a proforma invoice
// (/invoices/download-proforma).
func (m *InvoicesAPI) DownloadProforma(ctx context.Context, number string) (*InvoiceFile, error) {
	if err := requireString("invoice_number", number); err != nil {
		return nil, err
	}
	var r ProformaResponse
	if err := m.c.do(ctx, "invoices/download-proforma", (&Form{}).Add("invoice_number", number), &r); err != nil {
		return nil, err
	}
	return &r.Proforma, nil
}
