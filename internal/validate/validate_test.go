package validate

import (
	"sort"
	"strings"
	"testing"
	"unicode/utf8"
)

// The helpers below compute check digits independently of the code under
// test, so that the example values used in the tables are verified rather
// than trusted.

// nipCheck returns the NIP check digit for the first 9 digits, or -1 when
// the weighted sum mod 11 is 10 (no valid NIP has such a prefix).
func nipCheck(t *testing.T, first9 string) int {
	t.Helper()
	w := [9]int{6, 5, 7, 2, 3, 4, 5, 6, 7}
	sum := 0
	for i := range w {
		sum += int(first9[i]-'0') * w[i]
	}
	if sum%11 == 10 {
		return -1
	}
	return sum % 11
}

func regon9Check(t *testing.T, first8 string) int {
	t.Helper()
	w := [8]int{8, 9, 2, 3, 4, 5, 6, 7}
	sum := 0
	for i := range w {
		sum += int(first8[i]-'0') * w[i]
	}
	return sum % 11 % 10 // 10 -> 0
}

func regon14Check(t *testing.T, first13 string) int {
	t.Helper()
	w := [13]int{2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8}
	sum := 0
	for i := range w {
		sum += int(first13[i]-'0') * w[i]
	}
	return sum % 11 % 10
}

func peselCheck(t *testing.T, first10 string) int {
	t.Helper()
	w := [10]int{1, 3, 7, 9, 1, 3, 7, 9, 1, 3}
	sum := 0
	for i := range w {
		sum += int(first10[i]-'0') * w[i]
	}
	return (10 - sum%10) % 10
}

// withPESELCheck appends the correct PESEL check digit to 10 digits.
func withPESELCheck(t *testing.T, first10 string) string {
	t.Helper()
	return first10 + string(rune('0'+peselCheck(t, first10)))
}

func lastDigit(s string) int { return int(s[len(s)-1] - '0') }

// TestExampleChecksums verifies the hard-coded example numbers used below.
func TestExampleChecksums(t *testing.T) {
	for _, s := range []string{"5261040828", "1234563218"} {
		if got := nipCheck(t, s[:9]); got != lastDigit(s) {
			t.Errorf("NIP example %s: computed check digit %d", s, got)
		}
	}
	if got := nipCheck(t, "123456789"); got != -1 {
		t.Errorf("NIP example 1234567890: expected sum mod 11 = 10, got check %d", got)
	}
	if got := regon9Check(t, "12345678"); got != 5 {
		t.Errorf("REGON 123456785: computed check digit %d", got)
	}
	if got := regon14Check(t, "1234567851234"); got != 7 {
		t.Errorf("REGON 12345678512347: computed check digit %d", got)
	}
	for _, s := range []string{"44051401359", "02070803628"} {
		if got := peselCheck(t, s[:10]); got != lastDigit(s) {
			t.Errorf("PESEL example %s: computed check digit %d", s, got)
		}
	}
	if got := peselCheck(t, "4405140135"); got == 8 {
		t.Errorf("PESEL example 44051401358 should have a wrong check digit")
	}
}

type strCase struct {
	in string
	ok bool
}

func runCases(t *testing.T, name string, f func(string) error, cases []strCase) {
	t.Helper()
	for _, c := range cases {
		err := f(c.in)
		if (err == nil) != c.ok {
			t.Errorf("%s(%q) = %v, want ok=%v", name, c.in, err, c.ok)
		}
		if err != nil {
			msg := err.Error()
			if msg == "" || strings.ToLower(msg[:1]) != msg[:1] {
				t.Errorf("%s(%q): message %q should be short and start in lower case", name, c.in, msg)
			}
		}
	}
}

func TestEmail(t *testing.T) {
	long := strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 58) + ".pl"
	if len(long) != 254 {
		t.Fatalf("test setup: len(long) = %d", len(long))
	}
	runCases(t, "Email", Email, []strCase{
		{"jan.kowalski@example.com", true},
		{"biuro@artnet.pl", true},
		{"a.b+tag@sub.example.co.uk", true},
		{"user_1@my-host.example", true},
		{"  jan@example.pl  ", true},
		{"kontakt@żółw.pl", true},
		{"info@münchen.de", true},
		{long, true},
		{long + "x", false},
		{strings.Repeat("a", 65) + "@example.com", false},
		{"", false},
		{"   ", false},
		{"jan", false},
		{"jan@", false},
		{"@example.com", false},
		{"jan@localhost", false},
		{"jan@example", false},
		{"Jan Kowalski <jan@example.com>", false},
		{"<jan@example.com>", false},
		{"jan@example.com (Jan)", false},
		{`"jan kowalski"@example.com`, false},
		{"jan@@example.com", false},
		{"jan@example..com", false},
		{"jan@.example.com", false},
		{"jan@example.com.", false},
		{"jan@-example.com", false},
		{"jan@example-.com", false},
		{"jan@exa_mple.com", false},
		{"jan@exa mple.com", false},
		{"jan@" + strings.Repeat("a", 64) + ".com", false},
		{"jan@" + strings.Repeat("a", 63) + ".com", true},
		{"jan@[192.168.0.1]", false},
		{"jan@192.168.0.1", false},
		{"a@b.com, c@d.com", false},
		{"jan@ex✓ample.com", false},
	})
}

func TestCountryCode(t *testing.T) {
	runCases(t, "CountryCode", CountryCode, []strCase{
		{"PL", true},
		{"DE", true},
		{"GB", true},
		{"US", true},
		{"AX", true},
		{"ZW", true},
		{"pl", false},
		{"Pl", false},
		{"POL", false},
		{"P", false},
		{"", false},
		{"UK", false}, // exceptionally reserved, not assigned
		{"EU", false},
		{"XK", false}, // user-assigned, not in ISO 3166-1
		{"AA", false},
		{"ZZ", false},
		{"P1", false},
	})
}

func TestCountryTable(t *testing.T) {
	if len(countries) != 249 {
		t.Errorf("country table has %d entries, want 249", len(countries))
	}
	if !sort.SliceIsSorted(countries, func(i, j int) bool { return countries[i].code < countries[j].code }) {
		t.Error("country table is not sorted by code")
	}
	for i, c := range countries {
		if i > 0 && countries[i-1].code == c.code {
			t.Errorf("duplicate country code %s", c.code)
		}
		if len(c.code) != 2 || !isUpperASCII(c.code) {
			t.Errorf("malformed country code %q", c.code)
		}
		if err := CountryCode(c.code); err != nil {
			t.Errorf("CountryCode(%q) = %v", c.code, err)
		}
		for _, lang := range []string{"pl", "en"} {
			name, ok := CountryLabel(c.code, lang)
			if !ok || strings.TrimSpace(name) == "" {
				t.Errorf("CountryLabel(%q, %q) = %q, %v", c.code, lang, name, ok)
			}
		}
	}
}

func TestCountryLabel(t *testing.T) {
	tests := []struct {
		code, lang, want string
		ok               bool
	}{
		{"PL", "pl", "Polska", true},
		{"PL", "en", "Poland", true},
		{"DE", "pl", "Niemcy", true},
		{"DE", "en", "Germany", true},
		{"CZ", "pl", "Czechy", true},
		{"GB", "pl", "Wielka Brytania", true},
		{"GB", "en", "United Kingdom", true},
		{"US", "pl", "Stany Zjednoczone", true},
		{"US", "en", "United States", true},
		{"UA", "pl", "Ukraina", true},
		{"LT", "pl", "Litwa", true},
		{"SK", "pl", "Słowacja", true},
		{"IT", "pl", "Włochy", true},
		{"HU", "pl", "Węgry", true},
		{"NL", "pl", "Holandia", true},
		{"RU", "pl", "Rosja", true},
		{"ZA", "pl", "Republika Południowej Afryki", true},
		{"PL", "de", "", false},
		{"PL", "", "", false},
		{"pl", "pl", "", false},
		{"XX", "en", "", false},
		{"", "en", "", false},
	}
	for _, tc := range tests {
		got, ok := CountryLabel(tc.code, tc.lang)
		if got != tc.want || ok != tc.ok {
			t.Errorf("CountryLabel(%q, %q) = %q, %v; want %q, %v", tc.code, tc.lang, got, ok, tc.want, tc.ok)
		}
	}
}

func TestPolishPostcode(t *testing.T) {
	runCases(t, "PolishPostcode", PolishPostcode, []strCase{
		{"00-950", true},
		{"31-154", true},
		{"80-001", true},
		{"99-999", true},
		{"00950", false},
		{"00 950", false},
		{"0-0950", false},
		{"00-95", false},
		{"00-9500", false},
		{" 00-950", false},
		{"00-950 ", false},
		{"ab-cde", false},
		{"００-９５０", false}, // full-width digits
		{"", false},
	})
}

func TestNIP(t *testing.T) {
	runCases(t, "NIP", NIP, []strCase{
		{"5261040828", true},
		{"1234563218", true},
		{"526-104-08-28", true},
		{"526-10-40-828", true},
		{"526 104 08 28", true},
		{"PL5261040828", true},
		{"PL 526-104-08-28", true},
		{" 5261040828 ", true},
		{"1234567890", false}, // weighted sum mod 11 is 10
		{"5261040827", false}, // wrong check digit
		{"526104082", false},
		{"52610408288", false},
		{"0000000000", false},
		{"", false},
		{"PL", false},
		{"pl5261040828", false},
		{"DE5261040828", false},
		{"-5261040828", false},
		{"5261040828-", false},
		{"526.104.08.28", false},
		{"526104082a", false},
	})
}

func TestREGON(t *testing.T) {
	r9 := "12345678" + string(rune('0'+regon9Check(t, "12345678")))
	r14 := r9 + "1234"
	r14 += string(rune('0' + regon14Check(t, r14)))
	// A 14-digit number with a correct 14-digit checksum but an invalid
	// 9-digit prefix.
	bad14 := "1234567891234"
	bad14 += string(rune('0' + regon14Check(t, bad14)))
	// A 9-digit REGON whose weighted sum mod 11 is 10, so the check digit
	// is 0: search deterministically for one.
	var ten9 string
	for n := 10000000; n < 10001000 && ten9 == ""; n++ {
		p := itoa8(n)
		w := [8]int{8, 9, 2, 3, 4, 5, 6, 7}
		sum := 0
		for i := range w {
			sum += int(p[i]-'0') * w[i]
		}
		if sum%11 == 10 {
			ten9 = p + "0"
		}
	}
	if ten9 == "" {
		t.Fatal("test setup: no REGON prefix with sum mod 11 = 10 found")
	}
	runCases(t, "REGON", REGON, []strCase{
		{"123456785", true},
		{r9, true},
		{"12345678512347", true},
		{r14, true},
		{ten9, true},
		{"123456789", false},
		{"123456784", false},
		{"12345678512346", false},
		{bad14, false},
		{"000000000", false},
		{"00000000000000", false},
		{"12345678", false},
		{"1234567851", false},
		{"123-456-785", false},
		{" 123456785", false},
		{"", false},
	})
}

func itoa8(n int) string {
	b := []byte("00000000")
	for i := 7; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b)
}

func TestPESEL(t *testing.T) {
	month13 := withPESELCheck(t, "4413140135")    // 1944-13-14
	month00 := withPESELCheck(t, "4400140135")    // month 0
	feb29y2000 := withPESELCheck(t, "0022290123") // 2000-02-29, leap year
	feb29y1900 := withPESELCheck(t, "0002290123") // 1900-02-29, not a leap year
	feb29y2100 := withPESELCheck(t, "0042290123") // 2100-02-29, not a leap year
	feb29y2004 := withPESELCheck(t, "0422290123") // 2004-02-29
	feb29y2001 := withPESELCheck(t, "0122290123") // 2001-02-29
	apr31 := withPESELCheck(t, "9004310123")      // 1990-04-31
	day00 := withPESELCheck(t, "9004000123")      // 1990-04-00
	y1850 := withPESELCheck(t, "5081150123")      // 1850-01-15
	y2250 := withPESELCheck(t, "5061150123")      // 2250-01-15
	y2150 := withPESELCheck(t, "5052310123")      // 2150-12-31
	month33 := withPESELCheck(t, "5033150123")    // 2000s, month 13
	runCases(t, "PESEL", PESEL, []strCase{
		{"44051401359", true},
		{"02070803628", true},
		{feb29y2000, true},
		{feb29y2004, true},
		{y1850, true},
		{y2250, true},
		{y2150, true},
		{"44051401358", false},
		{month13, false},
		{month00, false},
		{month33, false},
		{feb29y1900, false},
		{feb29y2100, false},
		{feb29y2001, false},
		{apr31, false},
		{day00, false},
		{"4405140135", false},
		{"440514013599", false},
		{"4405140135a", false},
		{" 44051401359", false},
		{"", false},
	})
	if err := PESEL(month13); err == nil || !strings.Contains(err.Error(), "date") {
		t.Errorf("PESEL(%q) = %v, want a birth date error", month13, err)
	}
}

func TestREGONOrPESEL(t *testing.T) {
	runCases(t, "REGONOrPESEL", REGONOrPESEL, []strCase{
		{"123456785", true},
		{"12345678512347", true},
		{"44051401359", true},
		{"02070803628", true},
		{"123456789", false},
		{"12345678512346", false},
		{"44051401358", false},
		{"5261040828", false}, // a NIP is neither
		{"1234567812", false}, // 10 digits
		{"123456785123", false},
		{"1234567851234", false},
		{"123456785123471", false},
		{"12345678a", false},
		{"", false},
	})
}

func TestPhone(t *testing.T) {
	runCases(t, "Phone", Phone, []strCase{
		{"+48 22 123 45 67", true},
		{"+48221234567", true},
		{"22 123-45-67", true},
		{"(22) 123 45 67", true},
		{"+48 (22) 123-45-67", true},
		{"600700800", true},
		{"123456", true},
		{"12345678901234567890", true},
		{"12345", false},
		{"123456789012345678901", false},
		{"++48221234567", false},
		{"48+221234567", false},
		{"+48 22 123 45 67 wew. 12", false},
		{"+48.22.123.45.67", false},
		{"(22 123 45 67", false},
		{"22) 123 45 67", false},
		{"((22)) 1234567", false},
		{"", false},
		{"+", false},
		{"------", false},
	})
}

func TestLanguage(t *testing.T) {
	runCases(t, "Language", Language, []strCase{
		{"pl", true},
		{"en", true},
		{"PL", false},
		{"de", false},
		{"pl-PL", false},
		{"", false},
	})
}

func TestCurrency(t *testing.T) {
	for _, c := range []string{"PLN", "EUR", "USD", "GBP", "CHF", "CZK", "SEK", "NOK", "DKK", "HUF", "RON", "BGN", "UAH", "JPY", "CAD", "AUD"} {
		if err := Currency(c); err != nil {
			t.Errorf("Currency(%q) = %v", c, err)
		}
	}
	runCases(t, "Currency", Currency, []strCase{
		{"pln", false},
		{"Pln", false},
		{"PL", false},
		{"PLNN", false},
		{"ZLO", false},
		{"XXX", false},
		{"BTC", false},
		{"", false},
	})
}

func TestText(t *testing.T) {
	tests := []struct {
		in  string
		max int
		ok  bool
	}{
		{"", 0, true},
		{"Zażółć gęślą jaźń", 17, true},
		{"Zażółć gęślą jaźń", 16, false},
		{"abc", 3, true},
		{"abcd", 3, false},
		{"emoji 😀", 7, true},
		{"a\x00b", 10, false},
		{"a\nb", 10, false},
		{"a\tb", 10, false},
		{"a\rb", 10, false},
		{"a\x1fb", 10, false},
		{"a\x7fb", 10, false},
		{"a\u0085b", 10, false},
		{"a\xffb", 10, false},
		{"a\xc3", 10, false},
		{"ok", -1, false},
	}
	for _, tc := range tests {
		err := Text(tc.in, tc.max)
		if (err == nil) != tc.ok {
			t.Errorf("Text(%q, %d) = %v, want ok=%v", tc.in, tc.max, err, tc.ok)
		}
	}
	if !utf8.ValidString("Zażółć gęślą jaźń") {
		t.Fatal("test setup: invalid literal")
	}
}
