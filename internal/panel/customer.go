package panel

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/validate"
)

// RegenerateAPIKey replaces the customer's API key with a new random one and
// returns it; the old key stops working at once. A notice is written to the
// customer's outbox (without the key). Returns internal-update-error when
// the key cannot be stored.
func (p *Panel) RegenerateAPIKey(ctx context.Context, customerID int64) (string, error) {
	key, err := NewAPIKey()
	if err != nil {
		return "", apperr.Internal(apperr.CodeInternalUpdateError, err)
	}
	err = p.Store.InTx(ctx, func(tx store.Store) error {
		c, err := tx.CustomerGet(ctx, customerID)
		if err != nil {
			return err
		}
		if err := tx.CustomerSetAPIKey(ctx, customerID, HashAPIKey(key)); err != nil {
			return err
		}
		return p.sendEmail(ctx, tx, c, msgAPIKeyRegenerated)
	})
	if err != nil {
		return "", apperr.Internal(apperr.CodeInternalUpdateError, err)
	}
	return key, nil
}

// EmailsList returns the headers of the e-mails sent to the customer,
// newest first. limit 0 means all.
func (p *Panel) EmailsList(ctx context.Context, customerID int64, limit, offset int) ([]artnet.EmailHeader, error) {
	emails, err := p.Store.EmailList(ctx, customerID, limit, offset)
	if err != nil {
		return nil, apperr.Internal(apperr.CodeInternal, err)
	}
	out := make([]artnet.EmailHeader, len(emails))
	for i, e := range emails {
		out[i] = artnet.EmailHeader{ID: e.ID, Time: artnet.Unix(e.Time), Subject: e.Subject}
	}
	return out, nil
}

// EmailDetails returns one e-mail of the customer. Returns invalid-id when
// there is no such e-mail (or it is another customer's).
func (p *Panel) EmailDetails(ctx context.Context, customerID, emailID int64) (artnet.Email, error) {
	e, err := p.Store.EmailGet(ctx, customerID, emailID)
	if errors.Is(err, store.ErrNotFound) {
		return artnet.Email{}, apperr.New(apperr.CodeInvalidID)
	}
	if err != nil {
		return artnet.Email{}, apperr.Internal(apperr.CodeInternal, err)
	}
	return artnet.Email{ID: e.ID, Time: artnet.Unix(e.Time), Address: e.Address, Subject: e.Subject, Body: HideResetTokens(e.Body)}, nil
}

// ResetLinkPath is the path of the web panel's password-reset links
// (internal/web builds them as BaseURL + ResetLinkPath + token).
const ResetLinkPath = "/signin/reset/"

// resetToken is a reset link's token in an e-mail body: 43 characters of
// unpadded base64url (256 random bits).
var resetToken = regexp.MustCompile(regexp.QuoteMeta(ResetLinkPath) + `[A-Za-z0-9_-]{43}`)

// HideResetTokens replaces the token of every password-reset link in an
// e-mail body: the link was delivered to the customer's mailbox, but the
// stored copy is readable by the API (customer/email-details, so by a
// sub-key allowed that command), and a token read there would let its
// holder set the web password.
func HideResetTokens(body string) string {
	if !strings.Contains(body, ResetLinkPath) {
		return body
	}
	return resetToken.ReplaceAllString(body, ResetLinkPath+"…")
}

// ChangeLanguage sets the customer's language ("pl" or "en") and writes a
// confirmation e-mail in the new language. Returns incorrect-param-value
// for any other language.
func (p *Panel) ChangeLanguage(ctx context.Context, customerID int64, lang string) error {
	if err := validate.Language(lang); err != nil {
		return apperr.Errorf(apperr.CodeIncorrectParamValue, "language: %v", err)
	}
	err := p.Store.InTx(ctx, func(tx store.Store) error {
		c, err := tx.CustomerGet(ctx, customerID)
		if err != nil {
			return err
		}
		c.Language = lang
		if err := tx.CustomerUpdate(ctx, c); err != nil {
			return err
		}
		return p.sendEmail(ctx, tx, c, msgLanguageChanged)
	})
	if err != nil {
		return apperr.Internal(apperr.CodeInternal, err)
	}
	return nil
}

// GetLanguage returns the customer's language.
func (p *Panel) GetLanguage(ctx context.Context, customerID int64) (string, error) {
	c, err := p.customer(ctx, customerID)
	return c.Language, err
}

// CustomerDetails returns the customer's details; country_label is in the
// customer's language. Returns invalid-id if the customer is gone.
func (p *Panel) CustomerDetails(ctx context.Context, customerID int64) (artnet.Customer, error) {
	c, err := p.customer(ctx, customerID)
	if err != nil {
		return artnet.Customer{}, err
	}
	return CustomerToWire(c), nil
}

// CustomerToWire converts a stored customer to the API's customer object.
func CustomerToWire(c store.Customer) artnet.Customer {
	label, _ := validate.CountryLabel(c.CountryCode, c.Language)
	return artnet.Customer{
		ID: c.ID, Name: c.Name, NIP: c.NIP, REGON: c.REGON, Street: c.Street,
		Postcode: c.Postcode, City: c.City, CountryCode: c.CountryCode, CountryLabel: label,
		Tel: c.Tel, Fax: c.Fax, Email: c.Email, EmailTech: c.EmailTech, EmailInvoice: c.EmailInvoice,
		CorrespondenceName: c.CorrespondenceName, CorrespondenceStreet: c.CorrespondenceStreet,
		CorrespondencePostcode: c.CorrespondencePostcode, CorrespondenceCity: c.CorrespondenceCity,
		Business: c.Business, Language: c.Language, Currency: c.Currency,
	}
}

func (p *Panel) customer(ctx context.Context, customerID int64) (store.Customer, error) {
	c, err := p.Store.CustomerGet(ctx, customerID)
	if errors.Is(err, store.ErrNotFound) {
		return store.Customer{}, apperr.New(apperr.CodeInvalidID)
	}
	if err != nil {
		return store.Customer{}, apperr.Internal(apperr.CodeInternal, err)
	}
	return c, nil
}

// CustomerEdit holds the fields /customer/edit may change; nil means "leave
// as it is".
type CustomerEdit struct {
	Name, NIP, REGON, Street, Postcode, City, CountryCode, Tel, Fax *string
	Email, EmailTech, EmailInvoice                                  *string
	CorrespondenceName, CorrespondenceStreet                        *string
	CorrespondencePostcode, CorrespondenceCity                      *string
	Business                                                        *bool
}

// EditCustomer changes the given fields only. Every given value is checked
// (e-mail syntax, ISO 3166 country code, and for Polish customers the
// NN-NNN postcode and NIP/REGON/PESEL checksums); on the first bad value it
// returns incorrect-param-value naming the field, and nothing changes.
func (p *Panel) EditCustomer(ctx context.Context, customerID int64, e CustomerEdit) error {
	err := p.Store.InTx(ctx, func(tx store.Store) error {
		c, err := tx.CustomerGet(ctx, customerID)
		if err != nil {
			return err
		}
		if err := applyCustomerEdit(&c, e); err != nil {
			return err
		}
		return tx.CustomerUpdate(ctx, c)
	})
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return ae
	}
	if err != nil {
		return apperr.Internal(apperr.CodeInternal, err)
	}
	return nil
}

// fieldCheck is one validated field of /customer/edit.
type fieldCheck struct {
	name  string
	value *string
	dst   *string
	check func(string) error
	// byCountry marks fields whose rules depend on the country.
	byCountry bool
}

// applyCustomerEdit validates e against c and applies it to c.
func applyCustomerEdit(c *store.Customer, e CustomerEdit) error {
	country := c.CountryCode
	if e.CountryCode != nil {
		v := strings.ToUpper(strings.TrimSpace(*e.CountryCode))
		e.CountryCode = &v
		country = v
	}
	polish := country == "PL"
	text := func(max int) func(string) error {
		return func(s string) error { return validate.Text(s, max) }
	}
	required := func(max int) func(string) error {
		return func(s string) error {
			if strings.TrimSpace(s) == "" {
				return errors.New("must not be empty")
			}
			return validate.Text(s, max)
		}
	}
	optional := func(f func(string) error) func(string) error {
		return func(s string) error {
			if s == "" {
				return nil
			}
			return f(s)
		}
	}
	postcode := text(16)
	nip, regon := text(32), text(32)
	if polish {
		postcode = validate.PolishPostcode
		nip, regon = optional(validate.NIP), optional(validate.REGONOrPESEL)
	}
	checks := []fieldCheck{
		{"name", e.Name, &c.Name, required(255), false},
		{"nip", e.NIP, &c.NIP, nip, true},
		{"regon", e.REGON, &c.REGON, regon, true},
		{"street", e.Street, &c.Street, text(255), false},
		{"postcode", e.Postcode, &c.Postcode, optional(postcode), true},
		{"city", e.City, &c.City, text(255), false},
		{"country_code", e.CountryCode, &c.CountryCode, validate.CountryCode, false},
		{"tel", e.Tel, &c.Tel, optional(validate.Phone), false},
		{"fax", e.Fax, &c.Fax, optional(validate.Phone), false},
		{"email", e.Email, &c.Email, validate.Email, false},
		{"email_tech", e.EmailTech, &c.EmailTech, optional(validate.Email), false},
		{"email_invoice", e.EmailInvoice, &c.EmailInvoice, optional(validate.Email), false},
		{"correspondence_name", e.CorrespondenceName, &c.CorrespondenceName, text(255), false},
		{"correspondence_street", e.CorrespondenceStreet, &c.CorrespondenceStreet, text(255), false},
		{"correspondence_postcode", e.CorrespondencePostcode, &c.CorrespondencePostcode, optional(postcode), true},
		{"correspondence_city", e.CorrespondenceCity, &c.CorrespondenceCity, text(255), false},
	}
	for _, f := range checks {
		v := f.dst
		if f.value != nil {
			v = f.value
		} else if e.CountryCode == nil || !f.byCountry {
			continue
		}
		// When the country changes, the fields that depend on it are
		// checked again with their current values.
		if err := f.check(*v); err != nil {
			return apperr.Errorf(apperr.CodeIncorrectParamValue, "customer[%s]: %v", f.name, err)
		}
	}
	for _, f := range checks {
		if f.value != nil {
			*f.dst = *f.value
		}
	}
	if e.Business != nil {
		c.Business = *e.Business
	}
	return nil
}
