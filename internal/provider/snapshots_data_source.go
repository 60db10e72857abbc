package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
)

var _ datasource.DataSourceWithConfigure = (*snapshotsDataSource)(nil)

type snapshotsDataSource struct{ data *providerData }

func NewSnapshotsDataSource() datasource.DataSource { return &snapshotsDataSource{} }

type snapshotsModel struct {
	snapshotQuery
	Snapshots  []snapshotModel `tfsdk:"snapshots"`
	MostRecent *snapshotModel  `tfsdk:"most_recent"`
}

func snapshotAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"snapshot_id":      computedString("Snapshot id."),
		"instance_id":      computedString("Instance id."),
		"profile":          computedString("`AdHoc` or `Scheduled`."),
		"status":           computedString("`Pending`, `InProgress`, `Completed` or `Failed`."),
		"timestamp":        computedString("When it was taken (RFC 3339, UTC)."),
		"exportable":       schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether it can be exported, cloned from or used for an overwrite now."},
		"restorable_until": computedString("When it expires, from Aura's published retention table."),
		"exportable_until": computedString("Until when it is exportable, from the same table; null for differential snapshots."),
	}
}

func (d *snapshotsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_snapshots"
}

func (d *snapshotsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := snapshotQueryAttributes()
	attrs["snapshots"] = schema.ListNestedAttribute{
		Computed: true, MarkdownDescription: "Matching snapshots, newest first.",
		NestedObject: schema.NestedAttributeObject{Attributes: snapshotAttributes()},
	}
	attrs["most_recent"] = schema.SingleNestedAttribute{
		Computed: true, MarkdownDescription: "The newest matching snapshot; null when none matches. Feeding it into a restore or a clone is safe: a newer snapshot is recorded in place and runs nothing.",
		Attributes: snapshotAttributes(),
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists an instance's snapshots over a range of days, clipped to the days it can have snapshots. One API call a " +
			"day, never the same day twice in one run.",
		Attributes: attrs,
	}
}

func (d *snapshotsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *snapshotsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m snapshotsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	found := d.data.findSnapshots(ctx, &m.snapshotQuery, false, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	m.Snapshots = found
	m.MostRecent = nil
	if len(found) > 0 {
		m.MostRecent = &found[0]
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
