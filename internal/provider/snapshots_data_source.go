package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
)

var _ datasource.DataSourceWithConfigure = (*snapshotsDataSource)(nil)

type snapshotsDataSource struct{ data *providerData }

func NewSnapshotsDataSource() datasource.DataSource { return &snapshotsDataSource{} }

// snapshotQuery is the part both snapshot data sources share: which instance, which days, which snapshots.
type snapshotQuery struct {
	InstanceID      types.String `tfsdk:"instance_id"`
	InstanceVersion types.String `tfsdk:"instance_version"`
	ExportableOnly  types.Bool   `tfsdk:"exportable_only"`
	Profile         types.String `tfsdk:"profile"`
	Status          types.String `tfsdk:"status"`
	From            types.String `tfsdk:"from"`
	To              types.String `tfsdk:"to"`
}

type snapshotsModel struct {
	snapshotQuery
	Snapshots  []snapshotModel `tfsdk:"snapshots"`
	MostRecent *snapshotModel  `tfsdk:"most_recent"`
}

var dateValidator = stringvalidator.RegexMatches(dateRegexp, "must be a date in the form YYYY-MM-DD")

func snapshotQueryAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"instance_id": schema.StringAttribute{Required: true, MarkdownDescription: "Instance whose snapshots to list."},
		"instance_version": schema.StringAttribute{
			Optional: true, MarkdownDescription: "The instance's Neo4j version, `4` or `5` (default `5`). Aura does not return it, and the windows of `enterprise-db` depend on it: pass `aura_instance.<name>.version`.",
			Validators: []validator.String{stringvalidator.OneOf(versions...)},
		},
		"exportable_only": schema.BoolAttribute{Optional: true, MarkdownDescription: "Only snapshots that are exportable now (never differential ones). Default `false`."},
		"profile": schema.StringAttribute{
			Optional: true, MarkdownDescription: "Only `AdHoc` (on-demand) or only `Scheduled` snapshots.",
			Validators: []validator.String{stringvalidator.OneOf("AdHoc", "Scheduled")},
		},
		"status": schema.StringAttribute{
			Optional: true, MarkdownDescription: "Only snapshots with this status: `Pending`, `InProgress`, `Completed` or `Failed`.",
			Validators: []validator.String{stringvalidator.OneOf("Pending", "InProgress", "Completed", "Failed")},
		},
		"from": schema.StringAttribute{
			Optional: true, MarkdownDescription: "First UTC day to list (`YYYY-MM-DD`). Default: as far back as the instance's snapshots can exist (its type's longest window).",
			Validators: []validator.String{dateValidator},
		},
		"to": schema.StringAttribute{
			Optional: true, MarkdownDescription: "Last UTC day to list (`YYYY-MM-DD`). Default: today (the API's clock).",
			Validators: []validator.String{dateValidator},
		},
	}
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
		Computed: true, MarkdownDescription: "The newest matching snapshot; null when none matches. Do not feed it into `aura_instance_restore.snapshot_id`: every new snapshot would restore again.",
		Attributes: snapshotAttributes(),
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists an instance's snapshots over a range of days. The Aura API lists one UTC day per call, so this makes " +
			"one call per day in the range (concurrently, within the provider's rate limit), and never lists the same day twice in one run.",
		Attributes: attrs,
	}
}

func (d *snapshotsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *snapshotsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m snapshotsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	found := d.data.findSnapshots(ctx, &m.snapshotQuery, &resp.Diagnostics)
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

// findSnapshots lists the query's days and filters them, newest first.
func (pd *providerData) findSnapshots(ctx context.Context, q *snapshotQuery, diags *diag.Diagnostics) []snapshotModel {
	instanceID := q.InstanceID.ValueString()
	in, err := pd.client.GetInstance(ctx, instanceID)
	if err != nil {
		diags.AddAttributeError(path.Root("instance_id"), "Reading the instance failed", err.Error())
		return nil
	}
	version := q.InstanceVersion.ValueString()
	if version == "" {
		version = "5"
	}
	to := pd.client.ServerNow()
	if !q.To.IsNull() {
		to, _ = time.Parse("2006-01-02", q.To.ValueString())
	}
	from := pd.client.ServerNow().AddDate(0, 0, -aura.ListingDays(in.Type, version))
	if !q.From.IsNull() {
		from, _ = time.Parse("2006-01-02", q.From.ValueString())
	}
	if from.After(to) {
		diags.AddAttributeError(path.Root("from"), "Empty date range", fmt.Sprintf("from (%s) is after to (%s).", from.Format("2006-01-02"), to.Format("2006-01-02")))
		return nil
	}
	list, err := pd.snapshotsBetween(ctx, instanceID, from, to)
	if err != nil {
		diags.AddError("Listing snapshots failed", err.Error())
		return nil
	}
	filter := snapshotFilter{q.ExportableOnly.ValueBool(), q.Profile.ValueString(), q.Status.ValueString()}
	out := []snapshotModel{}
	for _, s := range list {
		if filter.keep(s) {
			out = append(out, newSnapshotModel(in.Type, version, s))
		}
	}
	q.InstanceVersion = types.StringValue(version)
	return out
}
