package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*networkAccessConfigurationsDataSource)(nil)

type networkAccessConfigurationsDataSource struct{ data *providerData }

func NewNetworkAccessConfigurationsDataSource() datasource.DataSource {
	return &networkAccessConfigurationsDataSource{}
}

type networkAccessConfigurationsModel struct {
	TenantID       types.String                       `tfsdk:"tenant_id"`
	ProjectID      types.String                       `tfsdk:"project_id"`
	Configurations []networkAccessConfigurationFields `tfsdk:"configurations"`
}

func (d *networkAccessConfigurationsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_network_access_configurations"
}

func (d *networkAccessConfigurationsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists a tenant's network access configurations. **Extension:** the public Aura API v1 does not expose them; against such a server this fails with a clear message.",
		Attributes: map[string]schema.Attribute{
			"configurations": schema.ListNestedAttribute{
				Computed: true, MarkdownDescription: "The configurations.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":                     computedString("Configuration id."),
					"cloud_provider":         computedString("Cloud provider."),
					"region":                 computedString("Region."),
					"type":                   computedString("Instance type it covers."),
					"private_connectivity":   schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether private connectivity is on."},
					"public_traffic_enabled": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether public traffic is allowed."},
					"allowed_principals":     schema.SetAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Principals allowed to connect privately."},
					"endpoint_service":       computedString("Private endpoint service."),
					"status":                 computedString("`pending`, `updating` or `ready`."),
				}},
			},
		},
	}
	for name, a := range dataTenantAttributes("Tenant. Default: the provider's `tenant_id`.") {
		resp.Schema.Attributes[name] = a
	}
}

func (d *networkAccessConfigurationsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *networkAccessConfigurationsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m networkAccessConfigurationsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	checkSynonyms(m.TenantID, m.ProjectID, &resp.Diagnostics)
	configured, at := eitherTenant(m.TenantID, m.ProjectID), path.Root("tenant_id")
	if m.TenantID.IsNull() && !m.ProjectID.IsNull() {
		at = path.Root("project_id")
	}
	m.TenantID = types.StringValue(d.data.tenant(configured, at.String(), &resp.Diagnostics))
	m.ProjectID = m.TenantID
	if resp.Diagnostics.HasError() {
		return
	}
	list, err := d.data.client.ListNetworkAccess(ctx, m.TenantID.ValueString())
	if d.data.tenantNotFound(ctx, err, m.TenantID.ValueString(), configured.IsNull(), at, &resp.Diagnostics) {
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Listing network access configurations failed", networkFeature, err)
		return
	}
	m.Configurations = make([]networkAccessConfigurationFields, len(list))
	for i := range list {
		m.Configurations[i].fromAPI(&list[i])
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
