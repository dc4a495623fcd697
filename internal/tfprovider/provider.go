// Package tfprovider is the Terraform / OpenTofu provider of the Artnet
// Customers Panel API (binary cmd/terraform-provider-artnet), built on
// terraform-plugin-framework. It talks to the API through the artnet SDK
// only: the configured *artnet.Client is the ProviderData of every
// resource and data source, so the SDK's retries and Retry-After apply.
//
// Attribute names are the API's parameter and answer names wherever the
// API has one (zone_id, data1, master_nameserver...).
package tfprovider

import (
	"context"
	"os"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// Address is the provider's full source address. In a configuration (and
// in dev_overrides) it is written "artnet-panel/artnet"; OpenTofu's default
// registry host makes that registry.opentofu.org/artnet-panel/artnet.
const Address = "registry.opentofu.org/artnet-panel/artnet"

// TypeName is the provider's type name: the prefix of its resources.
const TypeName = "artnet"

// Environment variables of the provider's configuration: the same as the
// artnet CLI's.
const (
	EnvID       = "ARTNET_ID"
	EnvAPIKey   = "ARTNET_API_KEY"
	EnvEndpoint = "ARTNET_ENDPOINT"
)

// registry lists the resources and data sources; files add theirs from
// init, so that a new resource is one file (and its test).
var (
	resourceFactories   []func() resource.Resource
	dataSourceFactories []func() datasource.DataSource
)

func registerResource(f func() resource.Resource) { resourceFactories = append(resourceFactories, f) }
func registerDataSource(f func() datasource.DataSource) {
	dataSourceFactories = append(dataSourceFactories, f)
}

// Provider is the artnet provider.
type Provider struct {
	version string
	// getenv reads the environment (os.Getenv; tests may replace it).
	getenv func(string) string
}

var _ provider.Provider = (*Provider)(nil)

// New returns the provider factory for providerserver.Serve.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &Provider{version: version, getenv: os.Getenv} }
}

type providerModel struct {
	ID       types.Int64  `tfsdk:"id"`
	APIKey   types.String `tfsdk:"api_key"`
	Endpoint types.String `tfsdk:"endpoint"`
}

func (p *Provider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = TypeName
	resp.Version = p.version
}

func (p *Provider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The Artnet Customers Panel API: DNS zones and records, reverse DNS, " +
			"domain delegation, firewall rulesets, blackholes, fail-over IPs and cloud instances. " +
			"Every attribute may be left out and given by the environment variable the `artnet` CLI reads.",
		Attributes: map[string]schema.Attribute{
			"id": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "The customer id (the API's `id` parameter). Default: `" + EnvID + "`.",
			},
			"api_key": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "The customer's API key (or a sub-key). Default: `" + EnvAPIKey + "`.",
			},
			"endpoint": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The API base URL; for an artnetd server its address followed by `/api` " +
					"(`http://127.0.0.1:8080/api`). Default: `" + EnvEndpoint + "`, else `" + artnet.DefaultEndpoint + "`.",
			},
		},
	}
}

func (p *Provider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if cfg.ID.IsUnknown() || cfg.APIKey.IsUnknown() || cfg.Endpoint.IsUnknown() {
		// Known at apply time only (from another resource): nothing can
		// be read or planned against the API before.
		resp.Diagnostics.AddWarning("artnet provider configuration unknown",
			"id, api_key or endpoint depends on a value known only after apply; the provider cannot call the API during this plan.")
		return
	}
	var id int64
	switch {
	case !cfg.ID.IsNull():
		id = cfg.ID.ValueInt64()
	case p.getenv(EnvID) != "":
		v, err := strconv.ParseInt(strings.TrimSpace(p.getenv(EnvID)), 10, 64)
		if err != nil || v <= 0 {
			resp.Diagnostics.AddAttributeError(path.Root("id"), "Invalid "+EnvID,
				EnvID+"="+strconv.Quote(p.getenv(EnvID))+": want a positive customer id.")
			return
		}
		id = v
	}
	if id <= 0 {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Missing customer id",
			"Set the provider's id attribute or the "+EnvID+" environment variable to a positive customer id.")
	}
	key := cfg.APIKey.ValueString()
	if cfg.APIKey.IsNull() {
		key = p.getenv(EnvAPIKey)
	}
	if key == "" {
		resp.Diagnostics.AddAttributeError(path.Root("api_key"), "Missing API key",
			"Set the provider's api_key attribute or the "+EnvAPIKey+" environment variable.")
	}
	endpoint := cfg.Endpoint.ValueString()
	if cfg.Endpoint.IsNull() {
		endpoint = p.getenv(EnvEndpoint)
	}
	if endpoint == "" {
		endpoint = artnet.DefaultEndpoint
	}
	if !strings.HasPrefix(endpoint, "http://") && !strings.HasPrefix(endpoint, "https://") {
		resp.Diagnostics.AddAttributeError(path.Root("endpoint"), "Invalid endpoint",
			strconv.Quote(endpoint)+": want an http:// or https:// URL (for artnetd: its address followed by /api).")
	}
	if resp.Diagnostics.HasError() {
		return
	}
	c := artnet.NewClient(id, key, artnet.WithEndpoint(endpoint),
		artnet.WithUserAgent("terraform-provider-artnet/"+p.version))
	resp.ResourceData = c
	resp.DataSourceData = c
}

func (p *Provider) Resources(context.Context) []func() resource.Resource {
	return resourceFactories
}

func (p *Provider) DataSources(context.Context) []func() datasource.DataSource {
	return dataSourceFactories
}
