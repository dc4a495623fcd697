package httpapi

import (
	"context"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/spec"
)

// routes returns the handlers of the commands that have landed, by
// "module/command". Every other catalogued command answers not-implemented.
func (s *Server) routes() map[string]handlerFunc {
	p := s.Panel
	h := map[string]handlerFunc{
		"customer/regenerate-api-key": func(ctx context.Context, c *call) (any, error) {
			key, err := p.RegenerateAPIKey(ctx, c.customerID)
			if err != nil {
				return nil, err
			}
			return artnet.APIKeyResponse{APIKey: key}, nil
		},
		"customer/emails-list": func(ctx context.Context, c *call) (any, error) {
			limit, offset, err := paging(c)
			if err != nil {
				return nil, err
			}
			list, err := p.EmailsList(ctx, c.customerID, limit, offset)
			if err != nil {
				return nil, err
			}
			return artnet.EmailsListResponse{EmailsList: list}, nil
		},
		"customer/email-details": func(ctx context.Context, c *call) (any, error) {
			e, err := p.EmailDetails(ctx, c.customerID, c.int("email_id"))
			if err != nil {
				return nil, err
			}
			return artnet.EmailDetailsResponse{Email: e}, nil
		},
		"customer/change-language": func(ctx context.Context, c *call) (any, error) {
			return nil, p.ChangeLanguage(ctx, c.customerID, c.str("language"))
		},
		"customer/get-language": func(ctx context.Context, c *call) (any, error) {
			lang, err := p.GetLanguage(ctx, c.customerID)
			if err != nil {
				return nil, err
			}
			return artnet.LanguageResponse{Language: lang}, nil
		},
		"customer/details": func(ctx context.Context, c *call) (any, error) {
			cust, err := p.CustomerDetails(ctx, c.customerID)
			if err != nil {
				return nil, err
			}
			return artnet.CustomerDetailsResponse{Customer: cust}, nil
		},
		"customer/edit": func(ctx context.Context, c *call) (any, error) {
			v := c.params.Get("customer")
			return nil, p.EditCustomer(ctx, c.customerID, panel.CustomerEdit{
				Name: optString(v, "name"), NIP: optString(v, "nip"), REGON: optString(v, "regon"),
				Street: optString(v, "street"), Postcode: optString(v, "postcode"), City: optString(v, "city"),
				CountryCode: optString(v, "country_code"), Tel: optString(v, "tel"), Fax: optString(v, "fax"),
				Email: optString(v, "email"), EmailTech: optString(v, "email_tech"),
				EmailInvoice:           optString(v, "email_invoice"),
				CorrespondenceName:     optString(v, "correspondence_name"),
				CorrespondenceStreet:   optString(v, "correspondence_street"),
				CorrespondencePostcode: optString(v, "correspondence_postcode"),
				CorrespondenceCity:     optString(v, "correspondence_city"),
				Business:               optBool(v, "business"),
			})
		},
		"services/list": func(ctx context.Context, c *call) (any, error) {
			return servicesList(ctx, p, c, c.str("service_type"))
		},
		"services/details": func(ctx context.Context, c *call) (any, error) {
			svc, err := p.ServiceDetails(ctx, c.customerID, c.int("service_id"))
			if err != nil {
				return nil, err
			}
			return artnet.ServiceDetailsResponse{Service: svc}, nil
		},
	}
	// Each service module's list is services/list of its type, and its
	// details command answers the module's service_details object.
	for _, cmd := range spec.All() {
		if cmd.ListOf == "" {
			continue
		}
		serviceType := cmd.ListOf
		h[cmd.Path()] = func(ctx context.Context, c *call) (any, error) {
			return servicesList(ctx, p, c, serviceType)
		}
		h[cmd.Module+"/details"] = func(ctx context.Context, c *call) (any, error) {
			d, err := p.ModuleDetails(ctx, c.customerID, c.int("service_id"), serviceType)
			if err != nil {
				return nil, err
			}
			return artnet.ServiceDetailsOf[artnet.ServiceDetails]{ServiceDetails: d}, nil
		}
	}
	s.addDNSRoutes(h)
	s.addRevDNSRoutes(h)
	s.addDomainRoutes(h)
	s.addFirewallRoutes(h)
	s.addIPRoutes(h)
	s.addPowerRoutes(h)
	s.addTransferRoutes(h)
	s.addCloudRoutes(h)
	s.addOfferRoutes(h)
	s.addAPIKeysRoutes(h)
	return h
}

func servicesList(ctx context.Context, p *panel.Panel, c *call, serviceType string) (any, error) {
	limit, offset, err := paging(c)
	if err != nil {
		return nil, err
	}
	list, err := p.ServicesList(ctx, c.customerID, panel.ServiceListParams{
		Type: serviceType, ParentServiceID: c.int("parent_service_id"), Limit: limit, Offset: offset,
	})
	if err != nil {
		return nil, err
	}
	return artnet.ServicesListResponse{ServicesList: list}, nil
}

// paging returns the limit and offset parameters (0 when absent). Negative
// values answer the command's parameter error code.
func paging(c *call) (limit, offset int, err error) {
	l, o := c.int("limit"), c.int("offset")
	const max = 1 << 31
	if l < 0 || o < 0 || l > max || o > max {
		return 0, 0, badParam(c, "limit and offset must be between 0 and 2147483648")
	}
	return int(l), int(o), nil
}
