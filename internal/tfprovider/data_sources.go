package tfprovider

import (
	"context"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// The data sources: artnet_services (/services/list with its filters),
// artnet_service (/services/details), artnet_express_offer
// (/offer-dedicated/express-offer) and artnet_installation_images
// (/cloud-instance/boot-installation-images-list). Their attributes are
// the API's answer names; amounts are decimal strings ("648.21"), times
// Unix seconds, as the API sends them.

func init() {
	registerDataSource(func() datasource.DataSource { return &servicesDataSource{} })
	registerDataSource(func() datasource.DataSource { return &serviceDataSource{} })
	registerDataSource(func() datasource.DataSource { return &expressOfferDataSource{} })
	registerDataSource(func() datasource.DataSource { return &installationImagesDataSource{} })
}

// dataSourceBase is the Configure of every data source.
type dataSourceBase struct{ c *artnet.Client }

func (d *dataSourceBase) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.c = clientFrom(req.ProviderData, &resp.Diagnostics)
}

// serviceModel is a service of /services/list and /services/details.
type serviceModel struct {
	ID                types.Int64  `tfsdk:"id"`
	Type              types.String `tfsdk:"type"`
	Name              types.String `tfsdk:"name"`
	CustomDescription types.String `tfsdk:"custom_description"`
	ExpirationTime    types.Int64  `tfsdk:"expiration_time"`
	PaymentDetails    paymentModel `tfsdk:"payment_details"`
	ParentServiceID   types.Int64  `tfsdk:"parent_service_id"`
	IP                types.String `tfsdk:"ip"`
}

type paymentModel struct {
	Price         types.String `tfsdk:"price"`
	PriceBrutto   types.String `tfsdk:"price_brutto"`
	Currency      types.String `tfsdk:"currency"`
	PaymentPeriod types.Int64  `tfsdk:"payment_period"`
}

func serviceToModel(s artnet.Service) serviceModel {
	m := serviceModel{
		ID: types.Int64Value(s.ID), Type: types.StringValue(s.Type), Name: types.StringValue(s.Name),
		CustomDescription: types.StringPointerValue(s.CustomDescription),
		ExpirationTime:    types.Int64Value(s.ExpirationTime.Seconds()),
		PaymentDetails: paymentModel{
			Price: types.StringValue(s.PaymentDetails.Price.String()), PriceBrutto: types.StringValue(s.PaymentDetails.PriceBrutto.String()),
			Currency: types.StringValue(s.PaymentDetails.Currency), PaymentPeriod: types.Int64Value(int64(s.PaymentDetails.PaymentPeriod)),
		},
		ParentServiceID: types.Int64Value(s.ParentServiceID),
		IP:              types.StringValue(s.IP),
	}
	return m
}

// serviceAttributes are the computed attributes of a service.
func serviceAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id":                 schema.Int64Attribute{Computed: true, MarkdownDescription: "Service id."},
		"type":               schema.StringAttribute{Computed: true, MarkdownDescription: "Service type (`dedicated`, `domain`, `foip`...)."},
		"name":               schema.StringAttribute{Computed: true, MarkdownDescription: "Service name."},
		"custom_description": schema.StringAttribute{Computed: true, MarkdownDescription: "The customer's description (null when none)."},
		"expiration_time":    schema.Int64Attribute{Computed: true, MarkdownDescription: "Expiration, Unix seconds."},
		"payment_details": schema.SingleNestedAttribute{Computed: true, MarkdownDescription: "Price of one payment period.",
			Attributes: map[string]schema.Attribute{
				"price":          schema.StringAttribute{Computed: true, MarkdownDescription: "Net price, a decimal (`527.00` is `527`)."},
				"price_brutto":   schema.StringAttribute{Computed: true, MarkdownDescription: "Gross price, a decimal."},
				"currency":       schema.StringAttribute{Computed: true, MarkdownDescription: "Currency code."},
				"payment_period": schema.Int64Attribute{Computed: true, MarkdownDescription: "Months."},
			}},
		"parent_service_id": schema.Int64Attribute{Computed: true, MarkdownDescription: "Parent service id (0 when none)."},
		"ip":                schema.StringAttribute{Computed: true, MarkdownDescription: "Main IP address, when the service has one."},
	}
}

// --- artnet_services

type servicesDataSource struct{ dataSourceBase }

type servicesModel struct {
	ServiceType     types.String   `tfsdk:"service_type"`
	ParentServiceID types.Int64    `tfsdk:"parent_service_id"`
	Limit           types.Int64    `tfsdk:"limit"`
	Offset          types.Int64    `tfsdk:"offset"`
	ServicesList    []serviceModel `tfsdk:"services_list"`
}

func (d *servicesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_services"
}

func (d *servicesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The customer's services (`/services/list`), with its filters.",
		Attributes: map[string]schema.Attribute{
			"service_type": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Only services of this type.",
				Validators:          []validator.String{stringvalidator.OneOf(artnet.ServiceTypes...)}},
			"parent_service_id": schema.Int64Attribute{Optional: true,
				MarkdownDescription: "Only the child services of this service.",
				Validators:          []validator.Int64{int64validator.AtLeast(1)}},
			"limit": schema.Int64Attribute{Optional: true, MarkdownDescription: "At most this many services (default: all).",
				Validators: []validator.Int64{int64validator.AtLeast(1)}},
			"offset": schema.Int64Attribute{Optional: true, MarkdownDescription: "Skip this many services.",
				Validators: []validator.Int64{int64validator.AtLeast(0)}},
			"services_list": schema.ListNestedAttribute{Computed: true, MarkdownDescription: "The services, by id.",
				NestedObject: schema.NestedAttributeObject{Attributes: serviceAttributes()}},
		},
	}
}

func (d *servicesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if notConfigured(d.c, &resp.Diagnostics) {
		return
	}
	var m servicesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	opts := artnet.ServiceListOpts{Type: m.ServiceType.ValueString(), ParentServiceID: m.ParentServiceID.ValueInt64(),
		Limit: int(m.Limit.ValueInt64()), Offset: int(m.Offset.ValueInt64())}
	m.ServicesList = []serviceModel{}
	if opts.Limit > 0 {
		list, err := d.c.Services.List(ctx, opts)
		if err != nil {
			addAPIError(&resp.Diagnostics, "Listing the services", err)
			return
		}
		for _, s := range list {
			m.ServicesList = append(m.ServicesList, serviceToModel(s))
		}
	} else {
		for s, err := range d.c.Services.All(ctx, opts) {
			if err != nil {
				addAPIError(&resp.Diagnostics, "Listing the services", err)
				return
			}
			m.ServicesList = append(m.ServicesList, serviceToModel(s))
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// --- artnet_service

type serviceDataSource struct{ dataSourceBase }

func (d *serviceDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_service"
}

func (d *serviceDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := serviceAttributes()
	attrs["id"] = schema.Int64Attribute{Required: true, MarkdownDescription: "Service id (the API's `service_id`).",
		Validators: []validator.Int64{int64validator.AtLeast(1)}}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One of the customer's services (`/services/details`).",
		Attributes:          attrs,
	}
}

func (d *serviceDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if notConfigured(d.c, &resp.Diagnostics) {
		return
	}
	var id types.Int64
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("id"), &id)...)
	if resp.Diagnostics.HasError() {
		return
	}
	s, err := d.c.Services.Details(ctx, id.ValueInt64())
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Reading service %d", id.ValueInt64()), err)
		return
	}
	m := serviceToModel(*s)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// --- artnet_express_offer

type expressOfferDataSource struct{ dataSourceBase }

type expressOfferModel struct {
	Offer []expressServerModel `tfsdk:"offer"`
}

type expressServerModel struct {
	ID                    types.Int64        `tfsdk:"id"`
	HardwareConfiguration hardwareModel      `tfsdk:"hardware_configuration"`
	Prices                expressPricesModel `tfsdk:"prices"`
}

type hardwareModel struct {
	Server        serverModelModel `tfsdk:"server"`
	CPU           []cpuModel       `tfsdk:"cpu"`
	RAM           []ramModel       `tfsdk:"ram"`
	HDD           []hddModel       `tfsdk:"hdd"`
	HDDController []hddCtrlModel   `tfsdk:"hdd_controller"`
}

type serverModelModel struct {
	Vendor types.String `tfsdk:"vendor"`
	Model  types.String `tfsdk:"model"`
}

type cpuModel struct {
	Vendor types.String `tfsdk:"vendor"`
	Model  types.String `tfsdk:"model"`
	Clock  types.String `tfsdk:"clock"`
	Cores  types.Int64  `tfsdk:"cores"`
	HT     types.Bool   `tfsdk:"ht"`
}

type ramModel struct {
	Capacity types.Int64  `tfsdk:"capacity"`
	Type     types.String `tfsdk:"type"`
	Speed    types.Int64  `tfsdk:"speed"`
}

type hddModel struct {
	Capacity types.Int64  `tfsdk:"capacity"`
	Type     types.String `tfsdk:"type"`
	Speed    types.String `tfsdk:"speed"`
}

type hddCtrlModel struct {
	Model   types.String `tfsdk:"model"`
	Builtin types.Bool   `tfsdk:"builtin"`
}

type expressPricesModel struct {
	Regular  expressPriceModel  `tfsdk:"regular"`
	Reseller *expressPriceModel `tfsdk:"reseller"`
}

type expressPriceModel struct {
	Price         types.String `tfsdk:"price"`
	Currency      types.String `tfsdk:"currency"`
	PaymentPeriod types.Int64  `tfsdk:"payment_period"`
}

func (d *expressOfferDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_express_offer"
}

func (d *expressOfferDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := func(doc string) schema.Attribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: doc}
	}
	num := func(doc string) schema.Attribute {
		return schema.Int64Attribute{Computed: true, MarkdownDescription: doc}
	}
	flag := func(doc string) schema.Attribute {
		return schema.BoolAttribute{Computed: true, MarkdownDescription: doc}
	}
	list := func(doc string, attrs map[string]schema.Attribute) schema.Attribute {
		return schema.ListNestedAttribute{Computed: true, MarkdownDescription: doc,
			NestedObject: schema.NestedAttributeObject{Attributes: attrs}}
	}
	price := func(doc string) schema.SingleNestedAttribute {
		return schema.SingleNestedAttribute{Computed: true, MarkdownDescription: doc, Attributes: map[string]schema.Attribute{
			"price":          str("Net price, a decimal."),
			"currency":       str("Currency code."),
			"payment_period": num("Months."),
		}}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The express offer (`/offer-dedicated/express-offer`): ready servers and their prices. " +
			"Ordering is not a resource of this provider (a plan cannot show the order's invoice before it is made); " +
			"use the API or the CLI for that.",
		Attributes: map[string]schema.Attribute{
			"offer": list("The servers.", map[string]schema.Attribute{
				"id": num("Server id (`server_id` of express-reservation and express-order)."),
				"hardware_configuration": schema.SingleNestedAttribute{Computed: true, MarkdownDescription: "The hardware.",
					Attributes: map[string]schema.Attribute{
						"server": schema.SingleNestedAttribute{Computed: true, MarkdownDescription: "Vendor and model.",
							Attributes: map[string]schema.Attribute{"vendor": str("Vendor."), "model": str("Model.")}},
						"cpu": list("Processors.", map[string]schema.Attribute{"vendor": str("Vendor."), "model": str("Model."),
							"clock": str("Clock, GHz (a decimal)."), "cores": num("Cores."), "ht": flag("Hyper-threading.")}),
						"ram":            list("Memory modules.", map[string]schema.Attribute{"capacity": num("GB."), "type": str("Type."), "speed": num("MHz.")}),
						"hdd":            list("Disks.", map[string]schema.Attribute{"capacity": num("GB."), "type": str("Type."), "speed": str("Speed.")}),
						"hdd_controller": list("Disk controllers.", map[string]schema.Attribute{"model": str("Model."), "builtin": flag("Built in.")}),
					}},
				"prices": schema.SingleNestedAttribute{Computed: true, MarkdownDescription: "Prices, VAT excluded.",
					Attributes: map[string]schema.Attribute{
						"regular":  price("The regular price."),
						"reseller": price("The reseller price (resellers only; null otherwise)."),
					}},
			}),
		},
	}
}

func expressPrice(p artnet.ExpressPrice) expressPriceModel {
	return expressPriceModel{Price: types.StringValue(p.Price.String()), Currency: types.StringValue(p.Currency),
		PaymentPeriod: types.Int64Value(int64(p.PaymentPeriod))}
}

func (d *expressOfferDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	if notConfigured(d.c, &resp.Diagnostics) {
		return
	}
	offer, err := d.c.OfferDedicated.ExpressOffer(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Reading the express offer", err)
		return
	}
	m := expressOfferModel{Offer: []expressServerModel{}}
	for _, s := range offer {
		hw := s.HardwareConfiguration
		h := hardwareModel{Server: serverModelModel{types.StringValue(hw.Server.Vendor), types.StringValue(hw.Server.Model)},
			CPU: []cpuModel{}, RAM: []ramModel{}, HDD: []hddModel{}, HDDController: []hddCtrlModel{}}
		for _, c := range hw.CPU {
			h.CPU = append(h.CPU, cpuModel{types.StringValue(c.Vendor), types.StringValue(c.Model), types.StringValue(c.Clock.String()),
				types.Int64Value(c.Cores), types.BoolValue(c.HT)})
		}
		for _, r := range hw.RAM {
			h.RAM = append(h.RAM, ramModel{types.Int64Value(r.Capacity), types.StringValue(r.Type), types.Int64Value(r.Speed)})
		}
		for _, r := range hw.HDD {
			h.HDD = append(h.HDD, hddModel{types.Int64Value(r.Capacity), types.StringValue(r.Type), types.StringValue(r.Speed)})
		}
		for _, r := range hw.HDDController {
			h.HDDController = append(h.HDDController, hddCtrlModel{types.StringValue(r.Model), types.BoolValue(r.Builtin)})
		}
		p := expressPricesModel{Regular: expressPrice(s.Prices.Regular)}
		if s.Prices.Reseller != nil {
			r := expressPrice(*s.Prices.Reseller)
			p.Reseller = &r
		}
		m.Offer = append(m.Offer, expressServerModel{ID: types.Int64Value(s.ID), HardwareConfiguration: h, Prices: p})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// --- artnet_installation_images

type installationImagesDataSource struct{ dataSourceBase }

type installationImagesModel struct {
	InstanceID             types.Int64         `tfsdk:"instance_id"`
	InstallationImagesList []installationImage `tfsdk:"installation_images_list"`
}

type installationImage struct {
	Label        types.String `tfsdk:"label"`
	Distribution types.String `tfsdk:"distribution"`
	Image        types.String `tfsdk:"image"`
}

func (d *installationImagesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_installation_images"
}

func (d *installationImagesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The installation images a cloud instance can boot (`/cloud-instance/boot-installation-images-list`).",
		Attributes: map[string]schema.Attribute{
			"instance_id": schema.Int64Attribute{Required: true, MarkdownDescription: "The cloud instance.",
				Validators: []validator.Int64{int64validator.AtLeast(1)}},
			"installation_images_list": schema.ListNestedAttribute{Computed: true, MarkdownDescription: "The images.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"label":        schema.StringAttribute{Computed: true, MarkdownDescription: "Name shown to people (`Debian 12 64bit`)."},
					"distribution": schema.StringAttribute{Computed: true, MarkdownDescription: "Distribution (`debian`)."},
					"image":        schema.StringAttribute{Computed: true, MarkdownDescription: "The value of `installation_image` of boot-mode-installation-image."},
				}}},
		},
	}
}

func (d *installationImagesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if notConfigured(d.c, &resp.Diagnostics) {
		return
	}
	var m installationImagesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	list, err := d.c.CloudInstance.BootInstallationImagesList(ctx, m.InstanceID.ValueInt64())
	if err != nil {
		addAPIError(&resp.Diagnostics, "Listing the installation images of instance "+strconv.FormatInt(m.InstanceID.ValueInt64(), 10), err)
		return
	}
	m.InstallationImagesList = []installationImage{}
	for _, im := range list {
		m.InstallationImagesList = append(m.InstallationImagesList, installationImage{
			types.StringValue(im.Label), types.StringValue(im.Distribution), types.StringValue(im.Image)})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
