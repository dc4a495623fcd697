package artnet

import (
	"context"
	"iter"
)

// ServicesAPI is the services module: every service of the customer.
type ServicesAPI struct{ c *Client }

// List returns the customer's services (/services/list), optionally of one
// type or the children of one service, ordered by id.
func (m *ServicesAPI) List(ctx context.Context, opts ServiceListOpts) ([]Service, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	var r ServicesListResponse
	if err := m.c.do(ctx, "services/list", opts.form(), &r); err != nil {
		return nil, err
	}
	return r.ServicesList, nil
}

// All walks /services/list page by page (opts.Limit services a page, 100
// if 0) from opts.Offset to the end. It stops after yielding an error.
func (m *ServicesAPI) All(ctx context.Context, opts ServiceListOpts) iter.Seq2[Service, error] {
	return paginate(opts.Validate(), opts.Limit, opts.Offset, func(limit, offset int) ([]Service, error) {
		o := opts
		o.Limit, o.Offset = limit, offset
		return m.List(ctx, o)
	})
}

// Details returns a service (/services/details).
func (m *ServicesAPI) Details(ctx context.Context, serviceID int64) (*Service, error) {
	if err := requireID("service_id", serviceID); err != nil {
		return nil, err
	}
	var r ServiceDetailsResponse
	if err := m.c.do(ctx, "services/details", (&Form{}).AddInt("service_id", serviceID), &r); err != nil {
		return nil, err
	}
	return &r.Service, nil
}

// serviceModule implements the list and details commands of a service
// module.
type serviceModule[T any] struct {
	c      *Client
	module string // e.g. "dedicated"
}

func (m serviceModule[T]) list(ctx context.Context, opts ListOpts) ([]Service, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	var r ServicesListResponse
	if err := m.c.do(ctx, m.module+"/list", opts.form(), &r); err != nil {
		return nil, err
	}
	return r.ServicesList, nil
}

func (m serviceModule[T]) all(ctx context.Context, opts ListOpts) iter.Seq2[Service, error] {
	return paginate(opts.Validate(), opts.Limit, opts.Offset, func(limit, offset int) ([]Service, error) {
		o := opts
		o.Limit, o.Offset = limit, offset
		return m.list(ctx, o)
	})
}

func (m serviceModule[T]) details(ctx context.Context, serviceID int64) (*T, error) {
	if err := requireID("service_id", serviceID); err != nil {
		return nil, err
	}
	var r ServiceDetailsOf[T]
	if err := m.c.do(ctx, m.module+"/details", (&Form{}).AddInt("service_id", serviceID), &r); err != nil {
		return nil, err
	}
	return &r.ServiceDetails, nil
}

// serviceIDCommand runs a command whose only parameter is service_id.
func (m serviceModule[T]) serviceIDCommand(ctx context.Context, name string, serviceID int64, out any) error {
	if err := requireID("service_id", serviceID); err != nil {
		return err
	}
	return m.c.do(ctx, m.module+"/"+name, (&Form{}).AddInt("service_id", serviceID), out)
}

// power runs a power-on, power-off or power-restart command, confirmed.
func (m serviceModule[T]) power(ctx context.Context, name string, serviceID int64) error {
	if err := requireID("service_id", serviceID); err != nil {
		return err
	}
	f := (&Form{}).AddInt("service_id", serviceID).Add("confirm", "confirm")
	return m.c.do(ctx, m.module+"/"+name, f, nil)
}

// DomainAPI is the domain module: domains and their DNS delegation.
type DomainAPI struct{ m serviceModule[DomainDetails] }

// List returns the customer's domains (/domain/list: /services/list with
// service_type=domain).
func (a *DomainAPI) List(ctx context.Context, opts ListOpts) ([]Service, error) {
	return a.m.list(ctx, opts)
}

// All walks /domain/list page by page (opts.Limit services a page, 100 if 0)
// from opts.Offset to the end. It stops after yielding an error.
func (a *DomainAPI) All(ctx context.Context, opts ListOpts) iter.Seq2[Service, error] {
	return a.m.all(ctx, opts)
}

// Details returns the service's details (/domain/details).
func (a *DomainAPI) Details(ctx context.Context, serviceID int64) (*DomainDetails, error) {
	return a.m.details(ctx, serviceID)
}

// EasyISPAPI is the easyisp module: hosting of the EasyISP brand.
type EasyISPAPI struct{ m serviceModule[HostingDetails] }

// List returns the customer's EasyISP hosting services (/easyisp/list: /services/list with
// service_type=easyisp).
func (a *EasyISPAPI) List(ctx context.Context, opts ListOpts) ([]Service, error) {
	return a.m.list(ctx, opts)
}

// All walks /easyisp/list page by page (opts.Limit services a page, 100 if 0)
// from opts.Offset to the end. It stops after yielding an error.
func (a *EasyISPAPI) All(ctx context.Context, opts ListOpts) iter.Seq2[Service, error] {
	return a.m.all(ctx, opts)
}

// Details returns the service's details (/easyisp/details).
func (a *EasyISPAPI) Details(ctx context.Context, serviceID int64) (*HostingDetails, error) {
	return a.m.details(ctx, serviceID)
}

// AVXAPI is the avx module: hosting of the AVX brand.
type AVXAPI struct{ m serviceModule[HostingDetails] }

// List returns the customer's AVX hosting services (/avx/list: /services/list with
// service_type=avx).
func (a *AVXAPI) List(ctx context.Context, opts ListOpts) ([]Service, error) {
	return a.m.list(ctx, opts)
}

// All walks /avx/list page by page (opts.Limit services a page, 100 if 0)
// from opts.Offset to the end. It stops after yielding an error.
func (a *AVXAPI) All(ctx context.Context, opts ListOpts) iter.Seq2[Service, error] {
	return a.m.all(ctx, opts)
}

// Details returns the service's details (/avx/details).
func (a *AVXAPI) Details(ctx context.Context, serviceID int64) (*HostingDetails, error) {
	return a.m.details(ctx, serviceID)
}

// HostingArtnetAPI is the hosting-artnet module: hosting of the Artnet brand.
type HostingArtnetAPI struct{ m serviceModule[HostingDetails] }

// List returns the customer's Artnet hosting services (/hosting-artnet/list: /services/list with
// service_type=hosting-artnet).
func (a *HostingArtnetAPI) List(ctx context.Context, opts ListOpts) ([]Service, error) {
	return a.m.list(ctx, opts)
}

// All walks /hosting-artnet/list page by page (opts.Limit services a page, 100 if 0)
// from opts.Offset to the end. It stops after yielding an error.
func (a *HostingArtnetAPI) All(ctx context.Context, opts ListOpts) iter.Seq2[Service, error] {
	return a.m.all(ctx, opts)
}

// Details returns the service's details (/hosting-artnet/details).
func (a *HostingArtnetAPI) Details(ctx context.Context, serviceID int64) (*HostingDetails, error) {
	return a.m.details(ctx, serviceID)
}

// SSLAPI is the ssl module: SSL certificates.
type SSLAPI struct{ m serviceModule[SSLDetails] }

// List returns the customer's SSL certificates (/ssl/list: /services/list with
// service_type=ssl).
func (a *SSLAPI) List(ctx context.Context, opts ListOpts) ([]Service, error) {
	return a.m.list(ctx, opts)
}

// All walks /ssl/list page by page (opts.Limit services a page, 100 if 0)
// from opts.Offset to the end. It stops after yielding an error.
func (a *SSLAPI) All(ctx context.Context, opts ListOpts) iter.Seq2[Service, error] {
	return a.m.all(ctx, opts)
}

// Details returns the service's details (/ssl/details).
func (a *SSLAPI) Details(ctx context.Context, serviceID int64) (*SSLDetails, error) {
	return a.m.details(ctx, serviceID)
}

// SoftwareAPI is the software module: software licences.
type SoftwareAPI struct {
	m serviceModule[SoftwareDetails]
}

// List returns the customer's software licences (/software/list: /services/list with
// service_type=software).
func (a *SoftwareAPI) List(ctx context.Context, opts ListOpts) ([]Service, error) {
	return a.m.list(ctx, opts)
}

// All walks /software/list page by page (opts.Limit services a page, 100 if 0)
// from opts.Offset to the end. It stops after yielding an error.
func (a *SoftwareAPI) All(ctx context.Context, opts ListOpts) iter.Seq2[Service, error] {
	return a.m.all(ctx, opts)
}

// Details returns the service's details (/software/details).
func (a *SoftwareAPI) Details(ctx context.Context, serviceID int64) (*SoftwareDetails, error) {
	return a.m.details(ctx, serviceID)
}

// LinkServiceAPI is the link-service module: internet connections.
type LinkServiceAPI struct{ m serviceModule[LinkDetails] }

// List returns the customer's internet links (/link-service/list: /services/list with
// service_type=link).
func (a *LinkServiceAPI) List(ctx context.Context, opts ListOpts) ([]Service, error) {
	return a.m.list(ctx, opts)
}

// All walks /link-service/list page by page (opts.Limit services a page, 100 if 0)
// from opts.Offset to the end. It stops after yielding an error.
func (a *LinkServiceAPI) All(ctx context.Context, opts ListOpts) iter.Seq2[Service, error] {
	return a.m.all(ctx, opts)
}

// Details returns the service's details (/link-service/details).
func (a *LinkServiceAPI) Details(ctx context.Context, serviceID int64) (*LinkDetails, error) {
	return a.m.details(ctx, serviceID)
}

// FailOverIPAPI is the fail-over-ip module: fail-over IP services.
type FailOverIPAPI struct {
	m serviceModule[FailOverIPDetails]
}

// List returns the customer's fail-over IP services (/fail-over-ip/list: /services/list with
// service_type=foip).
func (a *FailOverIPAPI) List(ctx context.Context, opts ListOpts) ([]Service, error) {
	return a.m.list(ctx, opts)
}

// All walks /fail-over-ip/list page by page (opts.Limit services a page, 100 if 0)
// from opts.Offset to the end. It stops after yielding an error.
func (a *FailOverIPAPI) All(ctx context.Context, opts ListOpts) iter.Seq2[Service, error] {
	return a.m.all(ctx, opts)
}

// Details returns the service's details (/fail-over-ip/details).
func (a *FailOverIPAPI) Details(ctx context.Context, serviceID int64) (*FailOverIPDetails, error) {
	return a.m.details(ctx, serviceID)
}

// AdditionalIPAPI is the additional-ip module: additional IP addresses of data center services, and ordering new ones.
type AdditionalIPAPI struct {
	m serviceModule[AdditionalIPDetails]
}

// List returns the customer's additional IP services (/additional-ip/list: /services/list with
// service_type=additional-ip).
func (a *AdditionalIPAPI) List(ctx context.Context, opts ListOpts) ([]Service, error) {
	return a.m.list(ctx, opts)
}

// All walks /additional-ip/list page by page (opts.Limit services a page, 100 if 0)
// from opts.Offset to the end. It stops after yielding an error.
func (a *AdditionalIPAPI) All(ctx context.Context, opts ListOpts) iter.Seq2[Service, error] {
	return a.m.all(ctx, opts)
}

// Details returns the service's details (/additional-ip/details).
func (a *AdditionalIPAPI) Details(ctx context.Context, serviceID int64) (*AdditionalIPDetails, error) {
	return a.m.details(ctx, serviceID)
}

// VPSAPI is the vps module: VPS servers and their power.
type VPSAPI struct{ m serviceModule[VPSDetails] }

// List returns the customer's VPS servers (/vps/list: /services/list with
// service_type=vps).
func (a *VPSAPI) List(ctx context.Context, opts ListOpts) ([]Service, error) {
	return a.m.list(ctx, opts)
}

// All walks /vps/list page by page (opts.Limit services a page, 100 if 0)
// from opts.Offset to the end. It stops after yielding an error.
func (a *VPSAPI) All(ctx context.Context, opts ListOpts) iter.Seq2[Service, error] {
	return a.m.all(ctx, opts)
}

// Details returns the service's details (/vps/details).
func (a *VPSAPI) Details(ctx context.Context, serviceID int64) (*VPSDetails, error) {
	return a.m.details(ctx, serviceID)
}

// DedicatedAPI is the dedicated module: dedicated servers, their power, transfer and iLO / IPMI access.
type DedicatedAPI struct {
	m serviceModule[DedicatedDetails]
}

// List returns the customer's dedicated servers (/dedicated/list: /services/list with
// service_type=dedicated).
func (a *DedicatedAPI) List(ctx context.Context, opts ListOpts) ([]Service, error) {
	return a.m.list(ctx, opts)
}

// All walks /dedicated/list page by page (opts.Limit services a page, 100 if 0)
// from opts.Offset to the end. It stops after yielding an error.
func (a *DedicatedAPI) All(ctx context.Context, opts ListOpts) iter.Seq2[Service, error] {
	return a.m.all(ctx, opts)
}

// Details returns the service's details (/dedicated/details).
func (a *DedicatedAPI) Details(ctx context.Context, serviceID int64) (*DedicatedDetails, error) {
	return a.m.details(ctx, serviceID)
}

// ColocationAPI is the colocation module: colocated servers, their power and transfer.
type ColocationAPI struct {
	m serviceModule[ColocationDetails]
}

// List returns the customer's colocations (/colocation/list: /services/list with
// service_type=colocation).
func (a *ColocationAPI) List(ctx context.Context, opts ListOpts) ([]Service, error) {
	return a.m.list(ctx, opts)
}

// All walks /colocation/list page by page (opts.Limit services a page, 100 if 0)
// from opts.Offset to the end. It stops after yielding an error.
func (a *ColocationAPI) All(ctx context.Context, opts ListOpts) iter.Seq2[Service, error] {
	return a.m.all(ctx, opts)
}

// Details returns the service's details (/colocation/details).
func (a *ColocationAPI) Details(ctx context.Context, serviceID int64) (*ColocationDetails, error) {
	return a.m.details(ctx, serviceID)
}
