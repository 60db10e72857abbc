package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*instancesDataSource)(nil)

type instancesDataSource struct{ data *providerData }

func NewInstancesDataSource() datasource.DataSource { return &instancesDataSource{} }

type instanceSummaryModel struct {
	ID            types.String `tfsdk:"id"`
	Name          types.String `tfsdk:"name"`
	TenantID      types.String `tfsdk:"tenant_id"`
	CloudProvider types.String `tfsdk:"cloud_provider"`
	CreatedAt     types.String `tfsdk:"created_at"`
}

type instancesModel struct {
	TenantID  types.String           `tfsdk:"tenant_id"`
	Name      types.String           `tfsdk:"name"`
	Instances []instanceSummaryModel `tfsdk:"instances"`
}

func (d *instancesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_instances"
}

func (d *instancesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the instances of a tenant, optionally only those with a given name. One API call.",
		Attributes: map[string]schema.Attribute{
			"tenant_id": schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: "Tenant to list. Default: the provider's `tenant_id`."},
			"name":      schema.StringAttribute{Optional: true, MarkdownDescription: "Only instances with exactly this name."},
			"instances": schema.ListNestedAttribute{
				Computed: true, MarkdownDescription: "The instances, oldest first.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":             computedString("Instance id."),
					"name":           computedString("Instance name."),
					"tenant_id":      computedString("Tenant id."),
					"cloud_provider": computedString("Cloud provider."),
					"created_at":     computedString("Creation time (RFC 3339)."),
				}},
			},
		},
	}
}

func (d *instancesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *instancesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m instancesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if m.TenantID.IsNull() {
		m.TenantID = types.StringValue(d.data.tenantID)
	}
	list, err := d.data.client.ListInstances(ctx, m.TenantID.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Listing Aura instances failed", err.Error())
		return
	}
	m.Instances = []instanceSummaryModel{}
	for _, s := range list {
		if !m.Name.IsNull() && s.Name != m.Name.ValueString() {
			continue
		}
		m.Instances = append(m.Instances, instanceSummaryModel{
			types.StringValue(s.ID), types.StringValue(s.Name), types.StringValue(s.TenantID),
			types.StringValue(s.CloudProvider), types.StringValue(s.CreatedAt),
		})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
