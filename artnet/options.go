package artnet

import (
	"slices"
	"strconv"
	"strings"
)

// Ptr returns a pointer to v, for the optional fields of options structs:
//
//	artnet.CustomerEditOpts{Name: artnet.Ptr("ACME")}
func Ptr[T any](v T) *T { return &v }

// Languages of the panel and its e-mails.
const (
	LanguagePL = "pl"
	LanguageEN = "en"
)

// ListOpts are the paging and filter parameters of the service modules'
// list commands (/dedicated/list, /domain/list, ...). Zero fields are not
// sent.
type ListOpts struct {
	// Limit is the most services to fetch (0: all).
	Limit int
	// Offset is the index of the first service to fetch.
	Offset int
	// ParentServiceID, when non-zero, keeps only the child services of that
	// service.
	ParentServiceID int64
}

// Validate checks that the numbers are not negative.
func (o ListOpts) Validate() error {
	return firstError(
		nonNegative("limit", int64(o.Limit)),
		nonNegative("offset", int64(o.Offset)),
		nonNegative("parent_service_id", o.ParentServiceID),
	)
}

func (o ListOpts) form() *Form {
	f := &Form{}
	addPaging(f, o.Limit, o.Offset)
	if o.ParentServiceID > 0 {
		f.AddInt("parent_service_id", o.ParentServiceID)
	}
	return f
}

// ServiceListOpts are the parameters of /services/list. Zero fields are not
// sent.
type ServiceListOpts struct {
	// Type, when set, keeps only services of that type (ServiceType*).
	Type string
	// Limit is the most services to fetch (0: all).
	Limit int
	// Offset is the index of the first service to fetch.
	Offset int
	// ParentServiceID, when non-zero, keeps only the child services of that
	// service.
	ParentServiceID int64
}

// Validate checks the type and that the numbers are not negative.
func (o ServiceListOpts) Validate() error {
	var typeErr error
	if o.Type != "" && !slices.Contains(ServiceTypes, o.Type) {
		typeErr = invalid("service_type", "unknown service type %q (want one of %s)", o.Type, strings.Join(ServiceTypes, ", "))
	}
	return firstError(
		typeErr,
		ListOpts{Limit: o.Limit, Offset: o.Offset, ParentServiceID: o.ParentServiceID}.Validate(),
	)
}

func (o ServiceListOpts) form() *Form {
	f := &Form{}
	addPaging(f, o.Limit, o.Offset)
	if o.Type != "" {
		f.Add("service_type", o.Type)
	}
	if o.ParentServiceID > 0 {
		f.AddInt("parent_service_id", o.ParentServiceID)
	}
	return f
}

func addPaging(f *Form, limit, offset int) {
	if limit > 0 {
		f.AddInt("limit", int64(limit))
	}
	if offset > 0 {
		f.AddInt("offset", int64(offset))
	}
}

// firstError returns the first non-nil error.
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func requireID(field string, id int64) error {
	if id <= 0 {
		return invalid(field, "must be a positive id, got %d", id)
	}
	return nil
}

func nonNegative(field string, v int64) error {
	if v < 0 {
		return invalid(field, "must not be negative, got %d", v)
	}
	return nil
}

func requireString(field, s string) error {
	if strings.TrimSpace(s) == "" {
		return invalid(field, "is required")
	}
	return nil
}

func oneOf(field, s string, allowed ...string) error {
	if !slices.Contains(allowed, s) {
		return invalid(field, "%q is not one of %s", s, strings.Join(allowed, ", "))
	}
	return nil
}

func itoa(i int) string { return strconv.Itoa(i) }
