// Package artnet holds the wire types of the Artnet Customers Panel API.
//
// The server (artnetd) encodes its answers with these types and the SDK
// decodes them with the same types, so a field cannot be renamed on one side
// only. Field names follow the API documentation exactly, typos included
// (newtwork_configuration).
package artnet

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Service types as the API names them.
const (
	ServiceTypeDedicated     = "dedicated"
	ServiceTypeColocation    = "colocation"
	ServiceTypeVPS           = "vps"
	ServiceTypeDomain        = "domain"
	ServiceTypeAdditionalIP  = "additional-ip"
	ServiceTypeAVX           = "avx"
	ServiceTypeEasyISP       = "easyisp"
	ServiceTypeHostingArtnet = "hosting-artnet"
	ServiceTypeFOIP          = "foip"
	ServiceTypeLink          = "link"
	ServiceTypeSoftware      = "software"
	ServiceTypeSSL           = "ssl"
	ServiceTypeOther         = "other"
)

// ServiceTypes lists the 13 documented service types in documentation order.
var ServiceTypes = []string{
	ServiceTypeDedicated, ServiceTypeColocation, ServiceTypeVPS, ServiceTypeDomain,
	ServiceTypeAdditionalIP, ServiceTypeAVX, ServiceTypeEasyISP, ServiceTypeHostingArtnet,
	ServiceTypeFOIP, ServiceTypeLink, ServiceTypeSoftware, ServiceTypeSSL, ServiceTypeOther,
}

// Money is an exact amount in minor units (1/100 of the currency unit). It
// is written as a JSON number with at most two decimals ("527", "648.21")
// and read from a JSON number or string without float arithmetic.
type Money int64

// String formats m as a decimal ("648.21", "527", "-0.5").
func (m Money) String() string {
	if m != math.MinInt64 {
		return string(m.appendTo(make([]byte, 0, 24)))
	}
	v := int64(m)
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	whole, frac := v/100, v%100
	switch {
	case frac == 0:
		return sign + strconv.FormatInt(whole, 10)
	case frac%10 == 0:
		return fmt.Sprintf("%s%d.%d", sign, whole, frac/10)
	default:
		return fmt.Sprintf("%s%d.%02d", sign, whole, frac)
	}
}

// MarshalJSON writes m as a JSON number.
func (m Money) MarshalJSON() ([]byte, error) {
	if m != math.MinInt64 {
		return m.appendTo(make([]byte, 0, 24)), nil
	}
	return []byte(m.String()), nil
}

// UnmarshalJSON reads a JSON number or a string holding a decimal with at
// most two fractional digits.
func (m *Money) UnmarshalJSON(b []byte) error {
	s := string(bytes.Trim(b, `"`))
	v, err := ParseMoney(s)
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// ParseMoney parses a decimal such as "648.21", "527" or "-3.5" exactly.
func ParseMoney(s string) (Money, error) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || (hasDot && (frac == "" || len(frac) > 2)) {
		return 0, fmt.Errorf("invalid amount %q: want a decimal with at most two fractional digits", s)
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("invalid amount %q", s)
		}
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > (1<<62)/100 {
		return 0, fmt.Errorf("invalid amount %q: out of range", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	v := w*100 + f
	if neg {
		v = -v
	}
	return Money(v), nil
}

// Timestamp is a point in time written as Unix seconds. The zero Timestamp
// is written as 0.
type Timestamp struct{ time.Time }

// Unix returns the Timestamp of Unix seconds sec (0 gives the zero value).
func Unix(sec int64) Timestamp {
	if sec == 0 {
		return Timestamp{}
	}
	return Timestamp{time.Unix(sec, 0).UTC()}
}

// Seconds returns t as Unix seconds (0 for the zero Timestamp).
func (t Timestamp) Seconds() int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// MarshalJSON writes t as Unix seconds.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	return strconv.AppendInt(nil, t.Seconds(), 10), nil
}

// UnmarshalJSON reads Unix seconds from a JSON integer or numeric string.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*t = Timestamp{}
		return nil
	}
	v, err := strconv.ParseInt(string(bytes.Trim(b, `"`)), 10, 64)
	if err != nil {
		return errors.New("invalid timestamp: want Unix seconds as an integer")
	}
	*t = Unix(v)
	return nil
}

// Int is an integer that the original service sometimes sends as a string
// ("payment_period": "1"). It is always written as a JSON number.
type Int int64

// UnmarshalJSON reads a JSON integer or a string holding one.
func (n *Int) UnmarshalJSON(b []byte) error {
	v, err := strconv.ParseInt(string(bytes.Trim(b, `"`)), 10, 64)
	if err != nil {
		return errors.New("invalid integer")
	}
	*n = Int(v)
	return nil
}

// Description is a text in Polish and English.
type Description struct {
	PL string `json:"pl"`
	EN string `json:"en"`
}

// ErrorBody is the error object of a failed answer.
type ErrorBody struct {
	Code        string      `json:"code"`
	Description Description `json:"description"`
}

// Customer is the customer object of /customer/details.
type Customer struct {
	ID                     int64  `json:"id"`
	Name                   string `json:"name"`
	NIP                    string `json:"nip"`
	REGON                  string `json:"regon"`
	Street                 string `json:"street"`
	Postcode               string `json:"postcode"`
	City                   string `json:"city"`
	CountryCode            string `json:"country_code"`
	CountryLabel           string `json:"country_label"`
	Tel                    string `json:"tel"`
	Fax                    string `json:"fax"`
	Email                  string `json:"email"`
	EmailTech              string `json:"email_tech"`
	EmailInvoice           string `json:"email_invoice"`
	CorrespondenceName     string `json:"correspondence_name"`
	CorrespondenceStreet   string `json:"correspondence_street"`
	CorrespondencePostcode string `json:"correspondence_postcode"`
	CorrespondenceCity     string `json:"correspondence_city"`
	Business               bool   `json:"business"`
	Language               string `json:"language"`
	Currency               string `json:"currency"`
}

// PaymentDetails is the pricing of a service.
type PaymentDetails struct {
	Price         Money  `json:"price"`
	PriceBrutto   Money  `json:"price_brutto"`
	Currency      string `json:"currency"`
	PaymentPeriod Int    `json:"payment_period"`
}

// Service is an item of /services/list and the service of /services/details.
type Service struct {
	ID                int64          `json:"id"`
	Type              string         `json:"type"`
	Name              string         `json:"name"`
	CustomDescription *string        `json:"custom_description"`
	ExpirationTime    Timestamp      `json:"expiration_time"`
	PaymentDetails    PaymentDetails `json:"payment_details"`
	ParentServiceID   int64          `json:"parent_service_id"`
	IP                string         `json:"ip"`
}

// EmailHeader is an item of /customer/emails-list.
type EmailHeader struct {
	ID      int64     `json:"id"`
	Time    Timestamp `json:"time"`
	Subject string    `json:"subject"`
}

// Email is the email object of /customer/email-details.
type Email struct {
	ID      int64     `json:"id"`
	Time    Timestamp `json:"time"`
	Address string    `json:"address"`
	Subject string    `json:"subject"`
	Body    string    `json:"body"`
}

// RawJSON is a JSON value passed through unchanged (used for the free-form
// parts of service details).
type RawJSON = json.RawMessage
