package spec

import "github.com/artnet-panel/artnet-panel/internal/apperr"

// The invoices module: an extension of this server. The original
// documentation names /invoices/download-proforma (in
// /offer-dedicated/express-order) without documenting it; these commands
// close that hole. Every command of the module is Command.Extension.

// InvoicesModule is the name of the invoices module.
const InvoicesModule = "invoices"

func invoiceFields(full bool) []Field {
	f := []Field{
		fld("number", "string", "invoice number (proforma: PF/YYYY/NNNNNN)"),
		fld("type", "string", "invoice type: proforma"),
		fld("service_id", "number", "the service the invoice is for"),
		fld("issue_date", "string", "issue date (YYYY-MM-DD, Polish time)"),
		fld("sale_date", "string", "sale date (YYYY-MM-DD)"),
		fld("due_date", "string", "payment due date (YYYY-MM-DD)"),
		fld("currency", "string", "currency code"),
		fld("total_net", "number", "total net amount"),
		fld("total_vat", "number", "total VAT amount"),
		fld("total_gross", "number", "total gross amount"),
	}
	if !full {
		return f
	}
	party := func(name, doc string) Field {
		return fld(name, "object", doc,
			fld("name", "string", "name"),
			fld("nip", "string", "tax identification number (NIP)"),
			fld("street", "string", "street"),
			fld("postcode", "string", "postcode"),
			fld("city", "string", "city"),
			fld("country_code", "string", "ISO 3166 country code"),
		)
	}
	return append(f, party("seller", "the seller"), party("buyer", "the buyer"),
		fld("lines", "objects-list", "invoice lines",
			fld("name", "string", "goods or service"),
			fld("quantity", "number", "quantity"),
			fld("unit", "string", "unit"),
			fld("net_price", "number", "net unit price"),
			fld("net", "number", "net amount"),
			fld("vat_rate", "number", "VAT rate [%]"),
			fld("vat", "number", "VAT amount"),
			fld("gross", "number", "gross amount"),
		))
}

var invoiceCommands = []Command{
	{
		Module:    InvoicesModule,
		Name:      "list",
		Summary:   "list of invoices",
		Doc:       "Returns the customer's invoices, newest first.",
		Extension: true,
		Params: []Param{
			opt("limit", Number, "maximal number of invoices to fetch"),
			opt("offset", Number, "number of invoices to skip"),
		},
		Response: []Field{fld("invoices_list", "objects-list", "invoices", invoiceFields(false)...)},
		Errors:   []string{apperr.CodeAuthorizationFailed, apperr.CodeIncorrectParamValue},
		ReadOnly: true,
	},
	{
		Module:    InvoicesModule,
		Name:      "details",
		Summary:   "invoice details",
		Doc:       "Returns an invoice with its seller, buyer and lines.",
		Extension: true,
		Params: []Param{
			req("invoice_number", String, "invoice number"),
		},
		Response: []Field{fld("invoice", "object", "the invoice", invoiceFields(true)...)},
		Errors:   []string{apperr.CodeAuthorizationFailed, apperr.CodeInvalidInvoiceNumber},
		ReadOnly: true,
	},
	{
		Module:    InvoicesModule,
		Name:      "download-proforma",
		Summary:   "proforma invoice as PDF",
		Doc:       "Returns the PDF of a proforma invoice, base64 encoded in the JSON answer (the original's clients read JSON answers only).",
		Extension: true,
		Params: []Param{
			req("invoice_number", String, "proforma invoice number"),
		},
		Response: []Field{fld("proforma", "object", "the document",
			fld("file_name", "string", "file name, e.g. PF_2026_000001.pdf"),
			fld("content_type", "string", "application/pdf"),
			fld("content", "string", "the PDF, base64"),
		)},
		Errors:   []string{apperr.CodeAuthorizationFailed, apperr.CodeInvalidInvoiceNumber},
		ReadOnly: true,
	},
}

func init() {
	catalogue = append(catalogue, invoiceCommands...)
	modules = append(modules, Module{InvoicesModule, "Invoices of the customer's orders (an extension of artnetd)."})
}
