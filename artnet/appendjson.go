package artnet

import (
	"encoding/json"
	"math"
	"strconv"
	"unicode/utf8"
)

// The answers of the busiest commands (/services/details, /services/list)
// are encoded without reflection: their AppendJSON methods write exactly
// the bytes json.Marshal writes for them (a test compares the two), so a
// server can use either.

// AppendJSON appends the JSON encoding of r to b: the bytes json.Marshal
// writes, and its error when it fails.
func (r ServiceDetailsResponse) AppendJSON(b []byte) ([]byte, error) {
	if !r.Service.fastJSON() {
		return appendMarshal(b, r)
	}
	b = append(b, `{"service":`...)
	b = r.Service.appendJSON(b)
	return append(b, '}'), nil
}

// AppendJSON appends the JSON encoding of r to b: the bytes json.Marshal
// writes, and its error when it fails.
func (r ServicesListResponse) AppendJSON(b []byte) ([]byte, error) {
	for i := range r.ServicesList {
		if !r.ServicesList[i].fastJSON() {
			return appendMarshal(b, r)
		}
	}
	b = append(b, `{"services_list":`...)
	if r.ServicesList == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range r.ServicesList {
			if i > 0 {
				b = append(b, ',')
			}
			b = r.ServicesList[i].appendJSON(b)
		}
		b = append(b, ']')
	}
	return append(b, '}'), nil
}

// AppendJSON appends the JSON encoding of s to b: the bytes json.Marshal
// writes, and its error when it fails.
func (s Service) AppendJSON(b []byte) ([]byte, error) {
	if !s.fastJSON() {
		return appendMarshal(b, s)
	}
	return s.appendJSON(b), nil
}

// fastJSON reports whether appendJSON encodes s like json.Marshal: every
// value but the one amount Money.String cannot write as a number.
func (s *Service) fastJSON() bool {
	return s.PaymentDetails.Price != math.MinInt64 && s.PaymentDetails.PriceBrutto != math.MinInt64
}

func (s *Service) appendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, s.ID, 10)
	b = append(b, `,"type":`...)
	b = appendJSONString(b, s.Type)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, s.Name)
	b = append(b, `,"custom_description":`...)
	if s.CustomDescription == nil {
		b = append(b, "null"...)
	} else {
		b = appendJSONString(b, *s.CustomDescription)
	}
	b = append(b, `,"expiration_time":`...)
	b = strconv.AppendInt(b, s.ExpirationTime.Seconds(), 10)
	b = append(b, `,"payment_details":{"price":`...)
	b = s.PaymentDetails.Price.appendTo(b)
	b = append(b, `,"price_brutto":`...)
	b = s.PaymentDetails.PriceBrutto.appendTo(b)
	b = append(b, `,"currency":`...)
	b = appendJSONString(b, s.PaymentDetails.Currency)
	b = append(b, `,"payment_period":`...)
	b = strconv.AppendInt(b, int64(s.PaymentDetails.PaymentPeriod), 10)
	b = append(b, `},"parent_service_id":`...)
	b = strconv.AppendInt(b, s.ParentServiceID, 10)
	b = append(b, `,"ip":`...)
	b = appendJSONString(b, s.IP)
	return append(b, '}')
}

// appendMarshal appends json.Marshal's encoding of v.
func appendMarshal(b []byte, v any) ([]byte, error) {
	j, err := json.Marshal(v)
	if err != nil {
		return b, err
	}
	return append(b, j...), nil
}

// appendTo appends m.String() (m must not be math.MinInt64).
func (m Money) appendTo(b []byte) []byte {
	v := int64(m)
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	whole, frac := v/100, v%100
	b = strconv.AppendInt(b, whole, 10)
	switch {
	case frac == 0:
		return b
	case frac%10 == 0:
		return append(b, '.', byte('0'+frac/10))
	default:
		return append(b, '.', byte('0'+frac/10), byte('0'+frac%10))
	}
}

const hexDigits = "0123456789abcdef"

// htmlSafe[c] is whether json.Marshal writes the ASCII byte c as is (it
// escapes control characters, ", \ and, for HTML, <, > and &).
var htmlSafe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// appendJSONString appends s as json.Marshal writes a string: ", \ and
// control characters escaped (\b \f \n \r \t short), <, > and & as \u00XX,
// invalid UTF-8 as \ufffd, U+2028 and U+2029 escaped.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if htmlSafe[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
