// Package validate holds the small, pure checks a Polish hosting operator
// applies to customer data: e-mail addresses, country codes, postcodes,
// Polish tax and registry numbers (NIP, REGON, PESEL), phone numbers,
// languages, currencies and free text.
//
// Every check returns nil when the value is acceptable, or an error with a
// short lower-case English message saying what is wrong; callers map it to
// an API error code. The checks never modify or normalise their input.
package validate

import (
	"errors"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	maxEmailLen     = 254
	maxEmailLocal   = 64
	maxDomainLabel  = 63
	minPhoneDigits  = 6
	maxPhoneDigits  = 20
	nipLen          = 10
	regonShortLen   = 9
	regonLongLen    = 14
	peselLen        = 11
	postcodeLen     = 6
	postcodeDashPos = 2
)

// Email checks that s (after trimming surrounding white space) is a single
// plain address local@domain: no display name, angle brackets, comments or
// quoting; at most 254 bytes, a local part of at most 64 bytes, and a domain
// that is a host name with at least one dot (labels of 1–63 characters made
// of letters, digits and hyphens, neither starting nor ending with a hyphen;
// non-ASCII letters are accepted for internationalised domain names).
func Email(s string) error {
	s = strings.TrimSpace(s)
	if s == "" {
		return errors.New("email address is empty")
	}
	if len(s) > maxEmailLen {
		return errors.New("email address too long")
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Name != "" || addr.Address != s {
		return errors.New("invalid email address")
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 {
		return errors.New("invalid email address")
	}
	if at > maxEmailLocal {
		return errors.New("email local part too long")
	}
	return emailDomain(s[at+1:])
}

// emailDomain checks the domain part of an e-mail address.
func emailDomain(d string) error {
	if !strings.Contains(d, ".") {
		return errors.New("email domain must contain a dot")
	}
	labels := strings.Split(d, ".")
	for _, l := range labels {
		if !hostLabel(l) {
			return errors.New("invalid email domain")
		}
	}
	// A top-level label of digits only would make the domain an IPv4
	// address rather than a host name.
	if allDigits(labels[len(labels)-1]) {
		return errors.New("invalid email domain")
	}
	return nil
}

// hostLabel reports whether l is one valid host name label. Length is
// counted in characters; for non-ASCII (IDN) labels this approximates the
// length limit of the encoded label.
func hostLabel(l string) bool {
	n := utf8.RuneCountInString(l)
	if n < 1 || n > maxDomainLabel {
		return false
	}
	if l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for _, r := range l {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-':
		case r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r)):
		default:
			return false
		}
	}
	return true
}

// PolishPostcode checks that s is a Polish postal code written exactly as
// NN-NNN with ASCII digits, e.g. "00-950".
func PolishPostcode(s string) error {
	if len(s) != postcodeLen || s[postcodeDashPos] != '-' ||
		!allDigits(s[:postcodeDashPos]) || !allDigits(s[postcodeDashPos+1:]) {
		return errors.New("postcode must have the form NN-NNN")
	}
	return nil
}

var (
	nipWeights     = []int{6, 5, 7, 2, 3, 4, 5, 6, 7}
	regon9Weights  = []int{8, 9, 2, 3, 4, 5, 6, 7}
	regon14Weights = []int{2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8}
	peselWeights   = []int{1, 3, 7, 9, 1, 3, 7, 9, 1, 3}
)

// NIP checks a Polish tax identification number: 10 digits, optionally
// grouped with hyphens or spaces (e.g. "526-104-08-28") and optionally
// preceded by the EU VAT prefix "PL"; the last digit must be the checksum
// (weights 6,5,7,2,3,4,5,6,7, sum mod 11; a result of 10 is never valid).
func NIP(s string) error {
	s = strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(s, "PL"); ok {
		s = strings.TrimLeft(rest, " ")
	}
	digits, ok := digitsWithSeparators(s)
	if !ok || len(digits) != nipLen {
		return errors.New("invalid NIP format: want 10 digits")
	}
	if allZero(digits) {
		return errors.New("invalid NIP")
	}
	sum := weightedSum(digits, nipWeights) % 11
	if sum == 10 || sum != digit(digits, nipLen-1) {
		return errors.New("invalid NIP checksum")
	}
	return nil
}

// REGON checks a Polish business registry number: either 9 digits (weights
// 8,9,2,3,4,5,6,7, sum mod 11, 10 counts as 0) or 14 digits (weights
// 2,4,8,5,0,9,7,3,6,1,2,4,8, sum mod 11, 10 counts as 0) whose first 9
// digits are themselves a valid 9-digit REGON. Only digits are accepted.
func REGON(s string) error {
	if !allDigits(s) || (len(s) != regonShortLen && len(s) != regonLongLen) {
		return errors.New("invalid REGON format: want 9 or 14 digits")
	}
	if allZero(s) {
		return errors.New("invalid REGON")
	}
	if !regonChecksum(s[:regonShortLen], regon9Weights) {
		return errors.New("invalid REGON checksum")
	}
	if len(s) == regonLongLen && !regonChecksum(s, regon14Weights) {
		return errors.New("invalid REGON checksum")
	}
	return nil
}

// regonChecksum verifies the last digit of digits against the weighted sum
// of the others.
func regonChecksum(digits string, weights []int) bool {
	c := weightedSum(digits, weights) % 11
	if c == 10 {
		c = 0
	}
	return c == digit(digits, len(digits)-1)
}

// PESEL checks a Polish personal identification number: 11 digits whose
// last digit is the checksum (weights 1,3,7,9,1,3,7,9,1,3; control digit
// (10 - sum mod 10) mod 10) and whose first six digits encode a real birth
// date YYMMDD, the month being offset by 80, 0, 20, 40 or 60 for the 1800s,
// 1900s, 2000s, 2100s and 2200s. Only digits are accepted.
func PESEL(s string) error {
	if len(s) != peselLen || !allDigits(s) {
		return errors.New("invalid PESEL format: want 11 digits")
	}
	control := (10 - weightedSum(s, peselWeights)%10) % 10
	if control != digit(s, peselLen-1) {
		return errors.New("invalid PESEL checksum")
	}
	if !peselDate(s) {
		return errors.New("invalid PESEL birth date")
	}
	return nil
}

// peselDate reports whether the first six digits of s encode a real date.
func peselDate(s string) bool {
	yy := digit(s, 0)*10 + digit(s, 1)
	mm := digit(s, 2)*10 + digit(s, 3)
	dd := digit(s, 4)*10 + digit(s, 5)
	century := [...]int{1900, 2000, 2100, 2200, 1800}[mm/20]
	month := mm % 20
	if month < 1 || month > 12 {
		return false
	}
	return dd >= 1 && dd <= daysIn(century+yy, month)
}

// daysIn returns the number of days in month (1–12) of the Gregorian year.
func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// REGONOrPESEL checks the value of a field documented as holding "PESEL or
// REGON number": 9 or 14 digits are checked as a REGON, 11 digits as a
// PESEL; anything else is an error.
func REGONOrPESEL(s string) error {
	if !allDigits(s) {
		return errors.New("must be a REGON or PESEL number")
	}
	switch len(s) {
	case regonShortLen, regonLongLen:
		return REGON(s)
	case peselLen:
		return PESEL(s)
	}
	return errors.New("must be a 9- or 14-digit REGON or an 11-digit PESEL")
}

// Phone leniently checks a phone number: an optional leading "+", then
// digits, spaces, hyphens and (non-nested, balanced) parentheses, with 6 to
// 20 digits in total, e.g. "+48 22 123-45-67" or "(022) 1234567".
func Phone(s string) error {
	rest := strings.TrimPrefix(s, "+")
	digits, open := 0, false
	for i := 0; i < len(rest); i++ {
		switch c := rest[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == ' ' || c == '-':
		case c == '(' && !open:
			open = true
		case c == ')' && open:
			open = false
		default:
			return errors.New("invalid character in phone number")
		}
	}
	if open {
		return errors.New("unbalanced parentheses in phone number")
	}
	if digits < minPhoneDigits || digits > maxPhoneDigits {
		return errors.New("phone number must have 6 to 20 digits")
	}
	return nil
}

// Language checks that s is a supported interface language: "pl" or "en".
func Language(s string) error {
	if s != "pl" && s != "en" {
		return errors.New("language must be pl or en")
	}
	return nil
}

// currencies are the ISO 4217 codes accepted by Currency.
var currencies = map[string]bool{
	"PLN": true, "EUR": true, "USD": true, "GBP": true, "CHF": true, "CZK": true,
	"SEK": true, "NOK": true, "DKK": true, "HUF": true, "RON": true, "BGN": true,
	"UAH": true, "JPY": true, "CAD": true, "AUD": true,
}

// Currency checks that s is a supported ISO 4217 currency code written as
// three upper-case letters: PLN, EUR, USD, GBP, CHF, CZK, SEK, NOK, DKK,
// HUF, RON, BGN, UAH, JPY, CAD or AUD.
func Currency(s string) error {
	if len(s) != 3 || !isUpperASCII(s) {
		return errors.New("currency must be three upper-case letters")
	}
	if !currencies[s] {
		return errors.New("unsupported currency")
	}
	return nil
}

// Text checks free text: valid UTF-8, no control characters (C0 controls
// U+0000–U+001F including tab and newline, DEL U+007F and C1 controls
// U+0080–U+009F), and at most maxLen characters (runes).
func Text(s string, maxLen int) error {
	if !utf8.ValidString(s) {
		return errors.New("text is not valid UTF-8")
	}
	n := 0
	for _, r := range s {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
			return errors.New("text contains control characters")
		}
		n++
	}
	if n > maxLen {
		return errors.New("text too long")
	}
	return nil
}

// digitsWithSeparators returns s with spaces and hyphens removed, provided
// s consists of ASCII digits where separators stand only between digits.
func digitsWithSeparators(s string) (string, bool) {
	if s == "" || !isDigit(s[0]) || !isDigit(s[len(s)-1]) {
		return "", false
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isDigit(c):
			b.WriteByte(c)
		case c == ' ' || c == '-':
		default:
			return "", false
		}
	}
	return b.String(), true
}

// weightedSum multiplies the leading digits of s by weights and adds them.
func weightedSum(s string, weights []int) int {
	sum := 0
	for i, w := range weights {
		sum += digit(s, i) * w
	}
	return sum
}

func digit(s string, i int) int { return int(s[i] - '0') }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// allDigits reports whether s is non-empty and made of ASCII digits only.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func allZero(s string) bool { return strings.Trim(s, "0") == "" }

// isUpperASCII reports whether s is made of ASCII upper-case letters only.
func isUpperASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}
