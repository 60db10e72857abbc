package provider

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
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
	// The list does not carry the counts: they are read per instance, with read_graph_size only.
	GraphNodes         types.Int64 `tfsdk:"graph_nodes"`
	GraphRelationships types.Int64 `tfsdk:"graph_relationships"`
}

type instancesModel struct {
	TenantID      types.String           `tfsdk:"tenant_id"`
	ProjectID     types.String           `tfsdk:"project_id"`
	Name          types.String           `tfsdk:"name"`
	ReadGraphSize types.Bool             `tfsdk:"read_graph_size"`
	Instances     []instanceSummaryModel `tfsdk:"instances"`
}

func (d *instancesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_instances"
}

func (d *instancesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the instances of a tenant, optionally only those with a given name. One API call, plus one per " +
			"listed instance with `read_graph_size`.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{Optional: true, MarkdownDescription: "Only instances with exactly this name."},
			"read_graph_size": schema.BoolAttribute{
				Optional: true, MarkdownDescription: "Also read `graph_nodes` and `graph_relationships` of each listed instance, " +
					"one API call per instance (Aura's list does not carry them). Default `false`: they are null.",
			},
			"instances": schema.ListNestedAttribute{
				Computed: true, MarkdownDescription: "The instances, oldest first.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":             computedString("Instance id."),
					"name":           computedString("Instance name."),
					"tenant_id":      computedString("Tenant id."),
					"cloud_provider": computedString("Cloud provider."),
					"created_at":     computedString("Creation time (RFC 3339)."),
					"graph_nodes": schema.Int64Attribute{
						Computed: true, MarkdownDescription: graphCountDescription("nodes") + " Null unless `read_graph_size` is `true`.",
					},
					"graph_relationships": schema.Int64Attribute{
						Computed: true, MarkdownDescription: graphCountDescription("relationships") + " Null unless `read_graph_size` is `true`.",
					},
				}},
			},
		},
	}
	for name, a := range dataTenantAttributes("Tenant to list. Default: the provider's `tenant_id`.") {
		resp.Schema.Attributes[name] = a
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
	if checkSynonyms(m.TenantID, m.ProjectID, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	m.TenantID = eitherTenant(m.TenantID, m.ProjectID)
	if m.TenantID.IsNull() {
		m.TenantID = types.StringValue(d.data.tenantID)
	}
	m.ProjectID = m.TenantID
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
		item := instanceSummaryModel{
			ID: types.StringValue(s.ID), Name: types.StringValue(s.Name), TenantID: types.StringValue(s.TenantID),
			CloudProvider: types.StringValue(s.CloudProvider), CreatedAt: types.StringValue(s.CreatedAt),
			GraphNodes: types.Int64Null(), GraphRelationships: types.Int64Null(),
		}
		if m.ReadGraphSize.ValueBool() {
			in, err := d.data.client.GetInstance(ctx, s.ID)
			if errors.Is(err, aura.ErrNotFound) {
				continue // deleted since the list was read
			}
			if err != nil {
				resp.Diagnostics.AddError("Reading the graph size of Aura instance "+s.ID+" failed", err.Error())
				return
			}
			item.GraphNodes, item.GraphRelationships = types.Int64PointerValue(in.GraphNodes), types.Int64PointerValue(in.GraphRelationships)
		}
		m.Instances = append(m.Instances, item)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
