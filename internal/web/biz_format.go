package web

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // dates are shown in Polish time wherever artnetd runs

	"github.com/artnet-panel/artnet-panel/artnet"
)

// Formatting helpers of the business pages (dashboard, services, invoices,
// e-mails, offer): money, dates, sizes, and the service types' modules.

// bizZone is the time zone dates are shown in: the panel's (invoices are
// Polish documents, services expire at Polish midnight).
var bizZone = func() *time.Location {
	l, err := time.LoadLocation("Europe/Warsaw")
	if err != nil {
		panic(err)
	}
	return l
}()

// money formats an exact amount with two decimals and its currency, the
// decimal separator of the language: "648,21 PLN" (pl), "648.21 PLN" (en).
func money(m artnet.Money, currency, lang string) string {
	return decimal(int64(m), 2, currency, lang)
}

// decimal formats v, a number of 10^-places units, with that many
// decimals, the thousands grouped and the decimal separator of the
// language, followed by currency when not empty.
func decimal(v int64, places int, currency, lang string) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	sep := "."
	if lang == "pl" {
		sep = ","
	}
	unit := int64(1)
	for range places {
		unit *= 10
	}
	s := fmt.Sprintf("%s%s%s%0*d", sign, groupThousands(v/unit, lang), sep, places, v%unit)
	if currency != "" {
		s += " " + currency
	}
	return s
}

// groupThousands writes n with a thin space (pl: a no-break space) every
// three digits from 10 000 up.
func groupThousands(n int64, lang string) string {
	s := strconv.FormatInt(n, 10)
	if len(s) <= 4 {
		return s
	}
	sp := ","
	if lang == "pl" {
		sp = "\u00a0"
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sp)
		}
		b.WriteRune(c)
	}
	return b.String()
}

// dateOf formats a timestamp as a Polish date (YYYY-MM-DD); the zero
// timestamp is "—".
func dateOf(t artnet.Timestamp) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(bizZone).Format(time.DateOnly)
}

// dateTimeOf formats a timestamp as a Polish date and time.
func dateTimeOf(t artnet.Timestamp) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(bizZone).Format("2006-01-02 15:04")
}

// bytesOf formats a byte count in binary units ("187.0 GiB").
func bytesOf(n int64, lang string) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB"}
	f := float64(n)
	i := 0
	for f >= 1024 && i < len(units)-1 {
		f /= 1024
		i++
	}
	s := strconv.FormatFloat(f, 'f', 1, 64)
	if i == 0 {
		s = strconv.FormatInt(n, 10)
	}
	if lang == "pl" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s + " " + units[i]
}

// serviceModule is the API module whose details command describes a
// service type ("" for "other", which no module documents).
var serviceModule = map[string]string{
	artnet.ServiceTypeDedicated:     "dedicated",
	artnet.ServiceTypeColocation:    "colocation",
	artnet.ServiceTypeVPS:           "vps",
	artnet.ServiceTypeDomain:        "domain",
	artnet.ServiceTypeAdditionalIP:  "additional-ip",
	artnet.ServiceTypeAVX:           "avx",
	artnet.ServiceTypeEasyISP:       "easyisp",
	artnet.ServiceTypeHostingArtnet: "hosting-artnet",
	artnet.ServiceTypeFOIP:          "fail-over-ip",
	artnet.ServiceTypeLink:          "link-service",
	artnet.ServiceTypeSoftware:      "software",
	artnet.ServiceTypeSSL:           "ssl",
	artnet.ServiceTypeOther:         "",
}

// typeCount is one row of the dashboard's services by type.
type typeCount struct {
	Type  string
	Count int
}

// countByType counts list by service type, every documented type in
// documentation order (types the customer has none of count 0).
func countByType(list []artnet.Service) []typeCount {
	n := make(map[string]int, len(artnet.ServiceTypes))
	for _, s := range list {
		n[s.Type]++
	}
	out := make([]typeCount, 0, len(artnet.ServiceTypes))
	for _, t := range artnet.ServiceTypes {
		out = append(out, typeCount{Type: t, Count: n[t]})
	}
	return out
}

// expiringWithin returns the services of list whose expiration time is
// from now up to now+d, soonest first.
func expiringWithin(list []artnet.Service, now time.Time, d time.Duration) []artnet.Service {
	var out []artnet.Service
	end := now.Add(d)
	for _, s := range list {
		t := s.ExpirationTime
		if !t.IsZero() && !t.Before(now) && !t.After(end) {
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(a, b artnet.Service) int { return a.ExpirationTime.Compare(b.ExpirationTime.Time) })
	return out
}

// daysLeft is the number of whole days from now until t (0: today).
func daysLeft(t artnet.Timestamp, now time.Time) int {
	return int(t.Sub(now) / (24 * time.Hour))
}

func init() {
	registerFuncs(map[string]any{
		// bizMoney formats an amount with its currency in the page's
		// language: {{bizMoney .Price .Currency $.Lang}}.
		"bizMoney": money,
		// bizDate and bizDateTime format a timestamp in Polish time.
		"bizDate":     dateOf,
		"bizDateTime": dateTimeOf,
		// bizBytes formats a byte count.
		"bizBytes": bytesOf,
		// bizTypeKey is the text key of a service type's name.
		"bizTypeKey": func(t string) string { return "svctype." + t },
		// bizAdd adds integers (row numbers, paging).
		"bizAdd": func(a, b int) int { return a + b },
		// bizInvoicePath is the path of an invoice's page.
		"bizInvoicePath": invoicePath,
		// bizWith pairs the page with a value for a partial template:
		// {{template "bizhardware" (bizWith $ .HardwareConfiguration)}}
		// (the partial reads .P and .H).
		"bizWith": func(p, h any) map[string]any { return map[string]any{"P": p, "H": h} },
	})
}
