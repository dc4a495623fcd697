package artnet

import (
	"context"
	"iter"
)

// CustomerAPI is the customer module: the customer's details, language,
// e-mails and API key.
type CustomerAPI struct{ c *Client }

// RegenerateAPIKey replaces the API key (/customer/regenerate-api-key) and
// returns the new one; the old key stops working at once. The client uses
// the new key for its later requests; store it, since it cannot be read
// again.
func (m *CustomerAPI) RegenerateAPIKey(ctx context.Context) (string, error) {
	var r APIKeyResponse
	if err := m.c.do(ctx, "customer/regenerate-api-key", nil, &r); err != nil {
		return "", err
	}
	if r.APIKey != "" {
		m.c.setAPIKey(r.APIKey)
	}
	return r.APIKey, nil
}

// EmailsListOpts are the paging parameters of /customer/emails-list.
type EmailsListOpts struct {
	// Limit is the most headers to fetch (0: all).
	Limit int
	// Offset is the index of the first header to fetch.
	Offset int
}

// Validate checks that the numbers are not negative.
func (o EmailsListOpts) Validate() error {
	return firstError(nonNegative("limit", int64(o.Limit)), nonNegative("offset", int64(o.Offset)))
}

// EmailsList returns the headers of the e-mails sent to the customer,
// newest first (/customer/emails-list).
func (m *CustomerAPI) EmailsList(ctx context.Context, opts EmailsListOpts) ([]EmailHeader, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	f := &Form{}
	addPaging(f, opts.Limit, opts.Offset)
	var r EmailsListResponse
	if err := m.c.do(ctx, "customer/emails-list", f, &r); err != nil {
		return nil, err
	}
	return r.EmailsList, nil
}

// AllEmails walks /customer/emails-list page by page (opts.Limit headers a
// page, 100 if 0) from opts.Offset to the end. It stops after yielding an
// error.
func (m *CustomerAPI) AllEmails(ctx context.Context, opts EmailsListOpts) iter.Seq2[EmailHeader, error] {
	return paginate(opts.Validate(), opts.Limit, opts.Offset, func(limit, offset int) ([]EmailHeader, error) {
		return m.EmailsList(ctx, EmailsListOpts{Limit: limit, Offset: offset})
	})
}

// EmailDetails returns an e-mail (/customer/email-details).
func (m *CustomerAPI) EmailDetails(ctx context.Context, emailID int64) (*Email, error) {
	if err := requireID("email_id", emailID); err != nil {
		return nil, err
	}
	var r EmailDetailsResponse
	if err := m.c.do(ctx, "customer/email-details", (&Form{}).AddInt("email_id", emailID), &r); err != nil {
		return nil, err
	}
	return &r.Email, nil
}

// ChangeLanguage sets the language of the panel and the e-mails
// (/customer/change-language): LanguagePL or LanguageEN.
func (m *CustomerAPI) ChangeLanguage(ctx context.Context, language string) error {
	if err := oneOf("language", language, LanguagePL, LanguageEN); err != nil {
		return err
	}
	return m.c.do(ctx, "customer/change-language", (&Form{}).Add("language", language), nil)
}

// GetLanguage returns the language of the panel and the e-mails
// (/customer/get-language).
func (m *CustomerAPI) GetLanguage(ctx context.Context) (string, error) {
	var r LanguageResponse
	if err := m.c.do(ctx, "customer/get-language", nil, &r); err != nil {
		return "", err
	}
	return r.Language, nil
}

// Details returns the customer's details (/customer/details).
func (m *CustomerAPI) Details(ctx context.Context) (*Customer, error) {
	var r CustomerDetailsResponse
	if err := m.c.do(ctx, "customer/details", nil, &r); err != nil {
		return nil, err
	}
	return &r.Customer, nil
}

// CustomerEditOpts are the fields /customer/edit may change. Only the
// non-nil fields are sent, and only they change.
type CustomerEditOpts struct {
	Name                   *string
	NIP                    *string
	REGON                  *string
	Street                 *string
	Postcode               *string
	City                   *string
	CountryCode            *string
	Tel                    *string
	Fax                    *string
	Email                  *string
	EmailTech              *string
	EmailInvoice           *string
	CorrespondenceName     *string
	CorrespondenceStreet   *string
	CorrespondencePostcode *string
	CorrespondenceCity     *string
	Business               *bool
}

// Validate checks that a given name is not empty. The server checks the
// rest (e-mail syntax, country code, Polish postcodes and identifiers).
func (o CustomerEditOpts) Validate() error {
	if o.Name != nil {
		if err := requireString("customer[name]", *o.Name); err != nil {
			return err
		}
	}
	return nil
}

func (o CustomerEditOpts) form() *Form {
	f := &Form{}
	for _, p := range []struct {
		name string
		v    *string
	}{
		{"name", o.Name}, {"nip", o.NIP}, {"regon", o.REGON}, {"street", o.Street},
		{"postcode", o.Postcode}, {"city", o.City}, {"country_code", o.CountryCode},
		{"tel", o.Tel}, {"fax", o.Fax}, {"email", o.Email}, {"email_tech", o.EmailTech},
		{"email_invoice", o.EmailInvoice}, {"correspondence_name", o.CorrespondenceName},
		{"correspondence_street", o.CorrespondenceStreet},
		{"correspondence_postcode", o.CorrespondencePostcode},
		{"correspondence_city", o.CorrespondenceCity},
	} {
		if p.v != nil {
			f.Add(sub("customer", p.name), *p.v)
		}
	}
	if o.Business != nil {
		f.AddBool(sub("customer", "business"), *o.Business)
	}
	return f
}

// Edit changes the given customer and contact details (/customer/edit).
func (m *CustomerAPI) Edit(ctx context.Context, opts CustomerEditOpts) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	return m.c.do(ctx, "customer/edit", opts.form(), nil)
}
