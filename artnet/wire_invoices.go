package artnet

import "encoding/base64"

// Wire types of the invoices module (an extension of artnetd: the original
// documentation names /invoices/download-proforma without documenting it).

// InvoiceParty is the seller or the buyer of an invoice.
type InvoiceParty struct {
	Name        string `json:"name"`
	NIP         string `json:"nip"`
	Street      string `json:"street"`
	Postcode    string `json:"postcode"`
	City        string `json:"city"`
	CountryCode string `json:"country_code"`
}

// InvoiceLine is one line of an invoice. Amounts are exact decimals; Net is
// NetPrice times Quantity, VAT is Net times VATRate percent rounded half up
// to the grosz, Gross is Net plus VAT.
type InvoiceLine struct {
	Name     string `json:"name"`
	Quantity Int    `json:"quantity"`
	Unit     string `json:"unit"`
	NetPrice Money  `json:"net_price"`
	Net      Money  `json:"net"`
	VATRate  Int    `json:"vat_rate"` // percent
	VAT      Money  `json:"vat"`
	Gross    Money  `json:"gross"`
}

// Invoice is an item of /invoices/list (without seller, buyer and lines)
// and invoice of /invoices/details. Dates are YYYY-MM-DD.
type Invoice struct {
	Number     string        `json:"number"`
	Type       string        `json:"type"` // "proforma"
	ServiceID  int64         `json:"service_id"`
	IssueDate  string        `json:"issue_date"`
	SaleDate   string        `json:"sale_date"`
	DueDate    string        `json:"due_date"`
	Currency   string        `json:"currency"`
	TotalNet   Money         `json:"total_net"`
	TotalVAT   Money         `json:"total_vat"`
	TotalGross Money         `json:"total_gross"`
	Seller     *InvoiceParty `json:"seller,omitempty"`
	Buyer      *InvoiceParty `json:"buyer,omitempty"`
	Lines      []InvoiceLine `json:"lines,omitempty"`
}

// InvoicesListResponse answers /invoices/list.
type InvoicesListResponse struct {
	InvoicesList []Invoice `json:"invoices_list"`
}

// InvoiceDetailsResponse answers /invoices/details.
type InvoiceDetailsResponse struct {
	Invoice Invoice `json:"invoice"`
}

// InvoiceFile is a document of an invoice: Content is the file, base64
// (standard alphabet, padded); Bytes decodes it.
type InvoiceFile struct {
	FileName    string `json:"file_name"`
	ContentType string `json:"content_type"` // "application/pdf"
	Content     string `json:"content"`
}

// Bytes returns the decoded file.
func (f InvoiceFile) Bytes() ([]byte, error) {
	return base64.StdEncoding.DecodeString(f.Content)
}

// ProformaResponse answers /invoices/download-proforma.
type ProformaResponse struct {
	Proforma InvoiceFile `json:"proforma"`
}
