package apperr

// Codes of the invoices module (an extension of this server).
const CodeInvalidInvoiceNumber = "invalid-invoice-number"

func init() {
	Descriptions[CodeInvalidInvoiceNumber] = Description{"Niepoprawny numer faktury", "Invalid invoice number"}
}
