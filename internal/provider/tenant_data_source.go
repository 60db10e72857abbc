package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*tenantDataSource)(nil)

type tenantDataSource struct{ data *providerData }

func NewTenantDataSource() datasource.DataSource { return &tenantDataSource{} }

type instanceConfigurationModel struct {
	CloudProvider types.String `tfsdk:"cloud_provider"`
	Region        types.String `tfsdk:"region"`
	RegionName    types.String `tfsdk:"region_name"`
	Type          types.String `tfsdk:"type"`
	Memory        types.String `tfsdk:"memory"`
	Storage       types.String `tfsdk:"storage"`
	Version       types.String `tfsdk:"version"`
}

type tenantModel struct {
	ID                     types.String                 `tfsdk:"id"`
	Name                   types.String                 `tfsdk:"name"`
	InstanceConfigurations []instanceConfigurationModel `tfsdk:"instance_configurations"`
}

func (d *tenantDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_tenant"
}

func (d *tenantDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads a tenant (a project in the newer console) and the instance configurations it may create.",
		Attributes: map[string]schema.Attribute{
			"id":   schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: "Tenant id. Default: the provider's `tenant_id`."},
			"name": computedString("Tenant name."),
			"instance_configurations": schema.ListNestedAttribute{
				Computed: true, MarkdownDescription: "Exactly the type, region, memory, storage and version combinations that may be created.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"cloud_provider": computedString("Cloud provider."),
					"region":         computedString("Region."),
					"region_name":    computedString("Display name of the region."),
					"type":           computedString("Instance type."),
					"memory":         computedString("Memory size."),
					"storage":        computedString("Storage size that goes with the memory."),
					"version":        computedString("Neo4j major version."),
				}},
			},
		},
	}
}

func (d *tenantDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *tenantDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m tenantModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := d.data.tenant(m.ID, "id", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	t, err := d.data.tenantRead(ctx, id)
	if err != nil {
		if !d.data.credentialsRefused(err, &resp.Diagnostics) && !d.data.tenantNotFound(ctx, err, id, m.ID.IsNull(), path.Root("id"), &resp.Diagnostics) {
			resp.Diagnostics.AddError("Reading the Aura tenant failed", err.Error())
		}
		return
	}
	m.ID, m.Name = types.StringValue(t.ID), types.StringValue(t.Name)
	m.InstanceConfigurations = []instanceConfigurationModel{}
	for _, c := range t.InstanceConfigurations {
		m.InstanceConfigurations = append(m.InstanceConfigurations, instanceConfigurationModel{
			types.StringValue(c.CloudProvider), types.StringValue(c.Region), types.StringValue(c.RegionName),
			types.StringValue(c.Type), types.StringValue(c.Memory), types.StringValue(c.Storage), types.StringValue(c.Version),
		})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
