// Package invoicepdf renders a proforma invoice as a PDF (codeberg.org/
// go-pdf/fpdf) in Polish, with the DejaVu Sans font embedded (fonts/, from
// Debian's fonts-dejavu-core, under its licence in fonts/LICENSE) so that
// Polish letters render in any viewer.
package invoicepdf

import (
	"bytes"
	_ "embed"
	"fmt"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/artnet-panel/artnet-panel/artnet"
)

var (
	//go:embed fonts/DejaVuSans.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	fontBold []byte
)

// Render returns the PDF of inv (which must carry its seller, buyer and
// lines). The output depends only on inv: the document's dates are the
// issue date.
func Render(inv artnet.Invoice) ([]byte, error) {
	if inv.Seller == nil || inv.Buyer == nil {
		return nil, fmt.Errorf("invoice %s: seller and buyer are required", inv.Number)
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes("DejaVu", "", fontRegular)
	pdf.AddUTF8FontFromBytes("DejaVu", "B", fontBold)
	issued, _ := time.Parse(time.DateOnly, inv.IssueDate)
	pdf.SetCreationDate(issued)
	pdf.SetModificationDate(issued)
	pdf.SetTitle("Faktura pro forma "+inv.Number, true)
	pdf.SetAuthor(inv.Seller.Name, true)
	pdf.SetProducer("artnetd", true)
	pdf.SetMargins(15, 15, 15)
	pdf.SetAutoPageBreak(true, 15)
	pdf.AddPage()

	pdf.SetFont("DejaVu", "B", 16)
	pdf.CellFormat(0, 9, "Faktura pro forma nr "+inv.Number, "", 1, "L", false, 0, "")
	pdf.SetFont("DejaVu", "", 9)
	pdf.CellFormat(0, 5, "Dokument nie jest fakturą VAT w rozumieniu ustawy o podatku od towarów i usług.", "", 1, "L", false, 0, "")
	pdf.Ln(3)
	pdf.SetFont("DejaVu", "", 10)
	for _, row := range [][2]string{
		{"Data wystawienia:", inv.IssueDate},
		{"Data sprzedaży:", inv.SaleDate},
		{"Termin płatności:", inv.DueDate},
		{"Waluta:", inv.Currency},
	} {
		pdf.CellFormat(40, 5.5, row[0], "", 0, "L", false, 0, "")
		pdf.CellFormat(0, 5.5, row[1], "", 1, "L", false, 0, "")
	}
	pdf.Ln(4)

	// Seller and buyer side by side.
	y := pdf.GetY()
	party := func(x float64, title string, p *artnet.InvoiceParty) float64 {
		pdf.SetXY(x, y)
		pdf.SetFont("DejaVu", "B", 11)
		pdf.CellFormat(88, 6, title, "B", 2, "L", false, 0, "")
		pdf.SetFont("DejaVu", "", 10)
		lines := []string{p.Name, p.Street, strings.TrimSpace(p.Postcode + " " + p.City), p.CountryCode}
		if p.NIP != "" {
			lines = append(lines, "NIP: "+p.NIP)
		}
		for _, l := range lines {
			if l != "" {
				pdf.MultiCell(88, 5, l, "", "L", false)
				pdf.SetX(x)
			}
		}
		return pdf.GetY()
	}
	y1 := party(15, "Sprzedawca", inv.Seller)
	y2 := party(107, "Nabywca", inv.Buyer)
	pdf.SetXY(15, max(y1, y2)+6)

	// Lines.
	cols := []struct {
		title string
		w     float64
		align string
	}{
		{"Lp.", 8, "C"}, {"Nazwa towaru lub usługi", 58, "L"}, {"Ilość", 11, "R"}, {"J.m.", 11, "C"},
		{"Cena netto", 20, "R"}, {"Netto", 20, "R"}, {"VAT %", 11, "R"}, {"VAT", 20, "R"}, {"Brutto", 21, "R"},
	}
	pdf.SetFont("DejaVu", "B", 7.5)
	pdf.SetFillColor(230, 230, 230)
	for _, c := range cols {
		pdf.CellFormat(c.w, 7, c.title, "1", 0, "C", true, 0, "")
	}
	pdf.Ln(-1)
	pdf.SetFont("DejaVu", "", 8)
	type rateSum struct{ net, vat, gross artnet.Money }
	byRate := map[artnet.Int]*rateSum{}
	var rates []artnet.Int
	for i, l := range inv.Lines {
		cells := []string{fmt.Sprint(i + 1), l.Name, fmt.Sprint(int64(l.Quantity)), l.Unit, Amount(l.NetPrice),
			Amount(l.Net), fmt.Sprintf("%d%%", l.VATRate), Amount(l.VAT), Amount(l.Gross)}
		// The name may wrap: measure it and give every cell that height.
		nameLines := pdf.SplitText(l.Name, cols[1].w-2)
		h := 6 * float64(max(1, len(nameLines)))
		x, yy := pdf.GetXY()
		for j, c := range cols {
			if j == 1 {
				pdf.Rect(x, yy, c.w, h, "D")
				pdf.MultiCell(c.w, 6, cells[j], "", c.align, false)
				pdf.SetXY(x+c.w, yy)
			} else {
				pdf.CellFormat(c.w, h, cells[j], "1", 0, c.align, false, 0, "")
			}
			x += c.w
		}
		pdf.SetXY(15, yy+h)
		s := byRate[l.VATRate]
		if s == nil {
			s = &rateSum{}
			byRate[l.VATRate] = s
			rates = append(rates, l.VATRate)
		}
		s.net += l.Net
		s.vat += l.VAT
		s.gross += l.Gross
	}
	pdf.Ln(4)

	// Summary by VAT rate, then the totals.
	left := 15 + cols[0].w + cols[1].w + cols[2].w + cols[3].w + cols[4].w - 30
	pdf.SetFont("DejaVu", "B", 8)
	pdf.SetX(left)
	pdf.CellFormat(30, 6, "Stawka VAT", "1", 0, "C", true, 0, "")
	pdf.CellFormat(20, 6, "Netto", "1", 0, "C", true, 0, "")
	pdf.CellFormat(11, 6, "", "1", 0, "C", true, 0, "")
	pdf.CellFormat(20, 6, "VAT", "1", 0, "C", true, 0, "")
	pdf.CellFormat(21, 6, "Brutto", "1", 1, "C", true, 0, "")
	pdf.SetFont("DejaVu", "", 8)
	for _, r := range rates {
		s := byRate[r]
		pdf.SetX(left)
		pdf.CellFormat(30, 6, fmt.Sprintf("%d%%", r), "1", 0, "C", false, 0, "")
		pdf.CellFormat(20, 6, Amount(s.net), "1", 0, "R", false, 0, "")
		pdf.CellFormat(11, 6, "", "1", 0, "C", false, 0, "")
		pdf.CellFormat(20, 6, Amount(s.vat), "1", 0, "R", false, 0, "")
		pdf.CellFormat(21, 6, Amount(s.gross), "1", 1, "R", false, 0, "")
	}
	pdf.SetFont("DejaVu", "B", 8)
	pdf.SetX(left)
	pdf.CellFormat(30, 6, "Razem", "1", 0, "C", false, 0, "")
	pdf.CellFormat(20, 6, Amount(inv.TotalNet), "1", 0, "R", false, 0, "")
	pdf.CellFormat(11, 6, "", "1", 0, "C", false, 0, "")
	pdf.CellFormat(20, 6, Amount(inv.TotalVAT), "1", 0, "R", false, 0, "")
	pdf.CellFormat(21, 6, Amount(inv.TotalGross), "1", 1, "R", false, 0, "")
	pdf.Ln(6)
	pdf.SetFont("DejaVu", "B", 12)
	pdf.CellFormat(0, 7, fmt.Sprintf("Do zapłaty: %s %s", Amount(inv.TotalGross), inv.Currency), "", 1, "L", false, 0, "")
	pdf.SetFont("DejaVu", "", 9)
	pdf.CellFormat(0, 5, fmt.Sprintf("Tytuł przelewu: %s", inv.Number), "", 1, "L", false, 0, "")
	pdf.CellFormat(0, 5, fmt.Sprintf("Usługa nr %d. Po zaksięgowaniu wpłaty zostanie wystawiona faktura VAT.", inv.ServiceID), "", 1, "L", false, 0, "")

	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("invoice %s: %w", inv.Number, err)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("invoice %s: %w", inv.Number, err)
	}
	return buf.Bytes(), nil
}

// Amount formats m the Polish way: a space between thousands, a decimal
// comma and always two decimals ("1 234,56", "-0,50").
func Amount(m artnet.Money) string {
	v := int64(m)
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	whole := fmt.Sprint(v / 100)
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return fmt.Sprintf("%s%s,%02d", sign, b.String(), v%100)
}
