package artnet

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// Money4 is an exact amount in ten-thousandths of the currency unit, for
// the prices the documentation gives "with 4 decimal places precision" (the
// 24h price of a cloud instance). It is written as a JSON number with at
// most four decimals ("1.2345", "0.5", "12") and read from a JSON number or
// string without float arithmetic.
type Money4 int64

// String formats m as a decimal without trailing zeros ("1.2345", "0.5",
// "12", "-0.0001").
func (m Money4) String() string {
	v := int64(m)
	sign := ""
	if v < 0 {
		sign = "-"
	}
	u := uint64(v)
	if v < 0 {
		u = uint64(-v)
	}
	whole, frac := u/10000, u%10000
	if frac == 0 {
		return sign + strconv.FormatUint(whole, 10)
	}
	f := strings.TrimRight(fmt.Sprintf("%04d", frac), "0")
	return sign + strconv.FormatUint(whole, 10) + "." + f
}

// MarshalJSON writes m as a JSON number.
func (m Money4) MarshalJSON() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalJSON reads a JSON number or a string holding a decimal with at
// most four fractional digits.
func (m *Money4) UnmarshalJSON(b []byte) error {
	v, err := ParseMoney4(string(bytes.Trim(b, `"`)))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// ParseMoney4 parses a decimal such as "1.2345", "12" or "-0.5" exactly.
func ParseMoney4(s string) (Money4, error) {
	orig := s
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || (hasDot && (frac == "" || len(frac) > 4)) {
		return 0, fmt.Errorf("invalid amount %q: want a decimal with at most four fractional digits", orig)
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("invalid amount %q", orig)
		}
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > (1<<62)/10000 {
		return 0, fmt.Errorf("invalid amount %q: out of range", orig)
	}
	for len(frac) < 4 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	v := w*10000 + f
	if neg {
		v = -v
	}
	return Money4(v), nil
}

// Money returns m rounded half away from zero to hundredths.
func (m Money4) Money() Money {
	v := int64(m)
	if v < 0 {
		return -Money((-v + 50) / 100)
	}
	return Money((v + 50) / 100)
}
