package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
)

var _ datasource.DataSourceWithConfigure = (*instanceDataSource)(nil)

type instanceDataSource struct{ data *providerData }

func NewInstanceDataSource() datasource.DataSource { return &instanceDataSource{} }

type instanceDataModel struct {
	ID                   types.String `tfsdk:"id"`
	Name                 types.String `tfsdk:"name"`
	TenantID             types.String `tfsdk:"tenant_id"`
	Type                 types.String `tfsdk:"type"`
	CloudProvider        types.String `tfsdk:"cloud_provider"`
	Region               types.String `tfsdk:"region"`
	Memory               types.String `tfsdk:"memory"`
	Storage              types.String `tfsdk:"storage"`
	Status               types.String `tfsdk:"status"`
	ConnectionURL        types.String `tfsdk:"connection_url"`
	CreatedAt            types.String `tfsdk:"created_at"`
	VectorOptimized      types.Bool   `tfsdk:"vector_optimized"`
	GraphAnalyticsPlugin types.Bool   `tfsdk:"graph_analytics_plugin"`
	CustomerManagedKeyID types.String `tfsdk:"customer_managed_key_id"`
	CDCEnrichmentMode    types.String `tfsdk:"cdc_enrichment_mode"`
	SecondariesCount     types.Int64  `tfsdk:"secondaries_count"`
	GraphNodes           types.Int64  `tfsdk:"graph_nodes"`
	GraphRelationships   types.Int64  `tfsdk:"graph_relationships"`
}

func (d *instanceDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_instance"
}

func (d *instanceDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one Aura instance by id.",
		Attributes: map[string]schema.Attribute{
			"id":                      schema.StringAttribute{Required: true, MarkdownDescription: "Instance id."},
			"name":                    computedString("Instance name."),
			"tenant_id":               computedString("Tenant (project) id."),
			"type":                    computedString("Instance type."),
			"cloud_provider":          computedString("Cloud provider."),
			"region":                  computedString("Cloud region."),
			"memory":                  computedString("Memory size."),
			"storage":                 computedString("Storage size; null for free-db."),
			"status":                  computedString("Current status."),
			"connection_url":          computedString("Bolt connection URL; empty while paused."),
			"created_at":              computedString("Creation time (RFC 3339)."),
			"vector_optimized":        schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the instance is vector optimized."},
			"graph_analytics_plugin":  schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the Graph Analytics plugin is on."},
			"customer_managed_key_id": computedString("Customer managed key id, if any."),
			"cdc_enrichment_mode":     computedString("Change data capture mode, if any."),
			"secondaries_count":       schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of secondaries, if any."},
			"graph_nodes":             schema.Int64Attribute{Computed: true, MarkdownDescription: graphCountDescription("nodes")},
			"graph_relationships":     schema.Int64Attribute{Computed: true, MarkdownDescription: graphCountDescription("relationships")},
		},
	}
}

func (d *instanceDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *instanceDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m instanceDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	in, err := d.data.client.GetInstance(ctx, m.ID.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Reading the Aura instance failed", err.Error())
		return
	}
	m.fromAPI(in)
	d.data.seen(in.ID, in)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (m *instanceDataModel) fromAPI(in *aura.Instance) {
	var r instanceModel
	r.fromAPI(in)
	*m = instanceDataModel{
		ID: r.ID, Name: r.Name, TenantID: r.TenantID, Type: r.Type, CloudProvider: r.CloudProvider, Region: r.Region,
		Memory: r.Memory, Storage: r.Storage, Status: r.Status, ConnectionURL: r.ConnectionURL, CreatedAt: r.CreatedAt,
		VectorOptimized: r.VectorOptimized, GraphAnalyticsPlugin: r.GraphAnalyticsPlugin,
		CustomerManagedKeyID: r.CustomerManagedKeyID, CDCEnrichmentMode: r.CDCEnrichmentMode, SecondariesCount: r.SecondariesCount,
		GraphNodes: r.GraphNodes, GraphRelationships: r.GraphRelationships,
	}
}
