package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
)

var (
	_ datasource.DataSourceWithConfigure        = (*snapshotDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*snapshotDataSource)(nil)
)

type snapshotDataSource struct{ data *providerData }

func NewSnapshotDataSource() datasource.DataSource { return &snapshotDataSource{} }

type snapshotDataModel struct {
	snapshotQuery
	SnapshotID      types.String `tfsdk:"snapshot_id"`
	MostRecent      types.Bool   `tfsdk:"most_recent"`
	Timestamp       types.String `tfsdk:"timestamp"`
	SnapshotProfile types.String `tfsdk:"snapshot_profile"`
	SnapshotStatus  types.String `tfsdk:"snapshot_status"`
	Exportable      types.Bool   `tfsdk:"exportable"`
	RestorableUntil types.String `tfsdk:"restorable_until"`
	ExportableUntil types.String `tfsdk:"exportable_until"`
}

func (d *snapshotDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_snapshot"
}

func (d *snapshotDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := snapshotQueryAttributes()
	attrs["snapshot_id"] = schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: "The snapshot to read. Set this or `most_recent`."}
	attrs["most_recent"] = schema.BoolAttribute{Optional: true, MarkdownDescription: "Pick the newest snapshot matching the filters (as `aura_snapshots` lists them), walking back from `to` (or the day of `before`) and stopping at the first day with a match. With `before`, this is the last snapshot taken at or before that time."}
	attrs["timestamp"] = computedString("When it was taken (RFC 3339, UTC).")
	// One vocabulary with aura_snapshot and aura_snapshots: status and profile filter when set and are the found
	// snapshot's when not (a set filter always equals the match's value, so Terraform sees no change).
	for name, what := range map[string]string{"profile": "`AdHoc` (on-demand) or `Scheduled`", "status": "`Pending`, `InProgress`, `Completed` or `Failed`"} {
		a := attrs[name].(schema.StringAttribute)
		a.Computed = true
		a.MarkdownDescription = fmt.Sprintf("The snapshot's %s: %s. Set it to pick only snapshots with this %s.", name, what, name)
		attrs[name] = a
		attrs["snapshot_"+name] = schema.StringAttribute{
			Computed: true, MarkdownDescription: "The same as `" + name + "`.",
			DeprecationMessage: "Use `" + name + "`, the name every snapshot object uses; `snapshot_" + name + "` is removed in the next minor version.",
		}
	}
	attrs["exportable"] = schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether it is exportable now."}
	attrs["restorable_until"] = computedString("When it expires, from Aura's published retention table.")
	attrs["exportable_until"] = computedString("Until when it is exportable; null for differential snapshots.")
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one snapshot: by `snapshot_id`, or the newest one matching the filters with `most_recent = true`. Fails when nothing matches.",
		Attributes:          attrs,
	}
}

func (d *snapshotDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("snapshot_id"), path.MatchRoot("most_recent")),
	}
}

func (d *snapshotDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *snapshotDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m snapshotDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var found snapshotModel
	if !m.SnapshotID.IsNull() {
		c := d.data.client
		s, err := c.GetSnapshot(ctx, m.InstanceID.ValueString(), m.SnapshotID.ValueString())
		if errors.Is(err, aura.ErrNotFound) {
			resp.Diagnostics.AddAttributeError(path.Root("snapshot_id"), "Snapshot not found",
				fmt.Sprintf("Instance %s has no snapshot %s; it may have expired.", m.InstanceID.ValueString(), m.SnapshotID.ValueString()))
			return
		}
		if err != nil {
			resp.Diagnostics.AddError("Reading the snapshot failed", err.Error())
			return
		}
		in, err := c.GetInstance(ctx, s.InstanceID)
		if err != nil {
			resp.Diagnostics.AddError("Reading the snapshot's instance failed", err.Error())
			return
		}
		version := m.InstanceVersion.ValueString()
		if version == "" {
			version = "5"
		}
		found = newSnapshotModel(in.Type, version, *s)
	} else {
		list := d.data.findSnapshots(ctx, &m.snapshotQuery, true, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
		if len(list) == 0 {
			where := "in the days listed"
			if !m.Before.IsNull() {
				where = "taken at or before " + m.Before.ValueString() + " and still listed"
			}
			resp.Diagnostics.AddError("No snapshot matches",
				fmt.Sprintf("Instance %s has no snapshot matching the filters %s.", m.InstanceID.ValueString(), where))
			return
		}
		found = list[0]
	}
	if !m.Status.IsNull() && m.Status != found.Status || !m.Profile.IsNull() && m.Profile != found.Profile {
		resp.Diagnostics.AddError("Snapshot does not match the filters",
			fmt.Sprintf("Snapshot %s of instance %s is %s (profile %s), not status %s, profile %s as configured.", found.SnapshotID.ValueString(),
				m.InstanceID.ValueString(), found.Status.ValueString(), found.Profile.ValueString(), orAny(m.Status), orAny(m.Profile)))
		return
	}
	m.SnapshotID, m.Timestamp, m.Profile, m.Status = found.SnapshotID, found.Timestamp, found.Profile, found.Status
	m.SnapshotProfile, m.SnapshotStatus = found.Profile, found.Status
	m.Exportable, m.RestorableUntil, m.ExportableUntil = found.Exportable, found.RestorableUntil, found.ExportableUntil
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// orAny words a filter that was not set.
func orAny(v types.String) string {
	if v.IsNull() {
		return "any"
	}
	return v.ValueString()
}
