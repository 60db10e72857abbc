package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*tenantsDataSource)(nil)

type tenantsDataSource struct{ data *providerData }

func NewTenantsDataSource() datasource.DataSource { return &tenantsDataSource{} }

type tenantSummaryModel struct {
	ID   types.String `tfsdk:"id"`
	Name types.String `tfsdk:"name"`
}

type tenantsModel struct {
	Tenants []tenantSummaryModel `tfsdk:"tenants"`
}

func (d *tenantsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_tenants"
}

func (d *tenantsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the tenants (projects) the credentials can see.",
		Attributes: map[string]schema.Attribute{
			"tenants": schema.ListNestedAttribute{
				Computed: true, MarkdownDescription: "The tenants.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":   computedString("Tenant id."),
					"name": computedString("Tenant name."),
				}},
			},
		},
	}
}

func (d *tenantsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *tenantsDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	list, err := d.data.client.ListTenants(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Listing Aura tenants failed", err.Error())
		return
	}
	m := tenantsModel{Tenants: []tenantSummaryModel{}}
	for _, t := range list {
		m.Tenants = append(m.Tenants, tenantSummaryModel{types.StringValue(t.ID), types.StringValue(t.Name)})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
