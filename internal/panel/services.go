package panel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// ServiceListParams filters /services/list. Zero values mean "any"; Limit 0
// means no limit.
type ServiceListParams struct {
	Type            string
	ParentServiceID int64
	Limit, Offset   int
}

// ServicesList returns the customer's services, ordered by id. Returns
// incorrect-param-value for an unknown service type or a negative
// limit/offset.
func (p *Panel) ServicesList(ctx context.Context, customerID int64, f ServiceListParams) ([]artnet.Service, error) {
	if f.Type != "" && !slices.Contains(artnet.ServiceTypes, f.Type) {
		return nil, apperr.Errorf(apperr.CodeIncorrectParamValue, "service_type: unknown service type %q", f.Type)
	}
	if f.Limit < 0 || f.Offset < 0 || f.ParentServiceID < 0 {
		return nil, apperr.Errorf(apperr.CodeIncorrectParamValue, "limit, offset and parent_service_id must not be negative")
	}
	filter := store.ServiceFilter{
		CustomerID: customerID, Type: f.Type, ParentServiceID: f.ParentServiceID,
		Limit: f.Limit, Offset: f.Offset,
	}
	var list []store.Service
	var err error
	if p.ListAnchors != nil {
		list, err = p.ListAnchors.list(ctx, p.Store, filter)
	} else {
		list, err = p.Store.ServiceList(ctx, filter)
	}
	if err != nil {
		return nil, apperr.Internal(apperr.CodeInternal, err)
	}
	out := make([]artnet.Service, len(list))
	for i := range list {
		out[i] = ServiceToWire(list[i])
	}
	return out, nil
}

// ServiceDetails returns one of the customer's services. Returns
// authorization-failed when there is no such service (or it is another
// customer's), as the documentation prescribes.
func (p *Panel) ServiceDetails(ctx context.Context, customerID, serviceID int64) (artnet.Service, error) {
	s, err := p.service(ctx, customerID, serviceID)
	if err != nil {
		return artnet.Service{}, err
	}
	return ServiceToWire(s), nil
}

// ModuleDetails returns the service_details object of a customer's service
// of the given type (the module's details command). A missing service, one
// of another customer, or one of another type answers authorization-failed:
// no details command documents anything else.
func (p *Panel) ModuleDetails(ctx context.Context, customerID, serviceID int64, serviceType string) (artnet.ServiceDetails, error) {
	s, err := p.service(ctx, customerID, serviceID)
	if err != nil {
		return nil, err
	}
	if s.Type != serviceType {
		return nil, apperr.New(apperr.CodeAuthorizationFailed)
	}
	d, err := DecodeDetails(s)
	if err != nil {
		return nil, apperr.Internal(apperr.CodeInternal, err)
	}
	return d, nil
}

// DecodeDetails decodes the stored details of s into the module's type,
// with the id set to the service's id.
func DecodeDetails(s store.Service) (artnet.ServiceDetails, error) {
	d, ok := artnet.NewServiceDetails(s.Type)
	if !ok {
		return nil, fmt.Errorf("service %d: unknown type %q", s.ID, s.Type)
	}
	if len(s.Details) > 0 {
		if err := json.Unmarshal(s.Details, d); err != nil {
			return nil, fmt.Errorf("service %d: decode details: %w", s.ID, err)
		}
	}
	d.SetServiceID(s.ID)
	return d, nil
}

func (p *Panel) service(ctx context.Context, customerID, serviceID int64) (store.Service, error) {
	var s store.Service
	var err error
	if p.Services != nil {
		s, err = p.Services.get(serviceID, func() (store.Service, error) {
			return p.Store.ServiceGet(ctx, customerID, serviceID)
		})
		if err == nil && s.CustomerID != customerID {
			err = store.ErrNotFound // another customer's, cached
		}
	} else {
		s, err = p.Store.ServiceGet(ctx, customerID, serviceID)
	}
	if errors.Is(err, store.ErrNotFound) {
		return store.Service{}, apperr.New(apperr.CodeAuthorizationFailed)
	}
	if err != nil {
		return store.Service{}, apperr.Internal(apperr.CodeInternal, err)
	}
	return s, nil
}

// ServiceToWire converts a stored service to the API's service object.
func ServiceToWire(s store.Service) artnet.Service {
	return artnet.Service{
		ID: s.ID, Type: s.Type, Name: s.Name, CustomDescription: s.CustomDescription,
		ExpirationTime: artnet.Unix(s.ExpirationTime),
		PaymentDetails: artnet.PaymentDetails{
			Price: artnet.Money(s.PriceMinor), PriceBrutto: artnet.Money(s.PriceBruttoMinor),
			Currency: s.Currency, PaymentPeriod: artnet.Int(s.PaymentPeriod),
		},
		ParentServiceID: s.ParentServiceID, IP: s.IP,
	}
}

// ServiceFromWire converts the API's service object to a stored service of
// customerID with the given details JSON (used by the inventory import).
func ServiceFromWire(customerID int64, w artnet.Service, details []byte) store.Service {
	return store.Service{
		ID: w.ID, CustomerID: customerID, Type: w.Type, Name: w.Name,
		CustomDescription: w.CustomDescription, ExpirationTime: w.ExpirationTime.Seconds(),
		PriceMinor: int64(w.PaymentDetails.Price), PriceBruttoMinor: int64(w.PaymentDetails.PriceBrutto),
		Currency: w.PaymentDetails.Currency, PaymentPeriod: int(w.PaymentDetails.PaymentPeriod),
		ParentServiceID: w.ParentServiceID, IP: w.IP, Details: details,
	}
}
