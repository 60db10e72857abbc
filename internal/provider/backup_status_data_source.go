package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
)

var (
	_ datasource.DataSourceWithConfigure        = (*backupStatusDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*backupStatusDataSource)(nil)
)

type backupStatusDataSource struct{ data *providerData }

func NewBackupStatusDataSource() datasource.DataSource { return &backupStatusDataSource{} }

type backupStatusModel struct {
	InstanceID               types.String   `tfsdk:"instance_id"`
	InstanceName             types.String   `tfsdk:"instance_name"`
	Paused                   types.Bool     `tfsdk:"paused"`
	InstanceVersion          types.String   `tfsdk:"instance_version"`
	InstanceType             types.String   `tfsdk:"instance_type"`
	ScheduledCadence         types.String   `tfsdk:"scheduled_cadence"`
	ScheduledIntervalSeconds types.Int64    `tfsdk:"scheduled_interval_seconds"`
	NewestCompleted          *snapshotModel `tfsdk:"newest_completed"`
	NewestExportable         *snapshotModel `tfsdk:"newest_exportable"`
	RecoveryPointAgeSeconds  types.Int64    `tfsdk:"recovery_point_age_seconds"`
	ExportableAgeSeconds     types.Int64    `tfsdk:"exportable_age_seconds"`
	RestorableSince          types.String   `tfsdk:"restorable_since"`
	CheckedAt                types.String   `tfsdk:"checked_at"`
}

func (d *backupStatusDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_backup_status"
}

func (d *backupStatusDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The recovery posture of one instance: its newest completed and newest exportable snapshots, their ages, how " +
			"far back a restore can reach. Made for `check` blocks and postconditions that fail a pipeline when backups go stale.",
		Attributes: map[string]schema.Attribute{
			"instance_id": schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: "Instance whose backups to check. Set this or `instance_name`."},
			"instance_name": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Look the instance up by its name in the provider's tenant instead (exactly one instance must have it). " +
					"A literal name keeps the read at plan time even when the plan changes the instance, where " +
					"`aura_instance.<name>.id` would defer it to the apply.",
			},
			"paused": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the instance is paused (status `paused` or `pausing`) when read. Aura takes no scheduled snapshot while it is."},
			"instance_version": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "The instance's Neo4j version, `4` or `5` (default `5`). Aura does not return it, and the windows and schedule of `enterprise-db` depend on it: pass `aura_instance.<name>.version`.",
				Validators:          []validator.String{stringvalidator.OneOf(versions...)},
			},
			"instance_type": computedString("The instance's type, which sets its schedule and windows."),
			"scheduled_cadence": computedString("How often Aura takes a scheduled snapshot of this type, by its documentation: `hourly` " +
				"(business-critical and enterprise-db 5: a daily full and hourly differentials), `every 6 hours` (enterprise-db 4), " +
				"`daily` (professional-db, professional-ds, enterprise-ds) or `none` (free-db: on-demand only)."),
			"scheduled_interval_seconds": schema.Int64Attribute{Computed: true, MarkdownDescription: "The same cadence in seconds (`3600`, `21600`, `86400`); null for `none`. Compare an age with it to allow one missed schedule."},
			"newest_completed": schema.SingleNestedAttribute{
				Computed: true, MarkdownDescription: "The newest `Completed` snapshot of any profile, the recovery point an in-place restore reaches; null when there is none.",
				Attributes: snapshotAttributes(),
			},
			"newest_exportable": schema.SingleNestedAttribute{
				Computed: true, MarkdownDescription: "The newest `Completed` snapshot that is exportable now: what a clone, an overwrite or an export can use; null when there is none. Differential snapshots never are.",
				Attributes: snapshotAttributes(),
			},
			"recovery_point_age_seconds": schema.Int64Attribute{Computed: true, MarkdownDescription: "Seconds from `newest_completed.timestamp` to `checked_at`: the data a restore now would lose, at most. Null when there is no completed snapshot."},
			"exportable_age_seconds":     schema.Int64Attribute{Computed: true, MarkdownDescription: "Seconds from `newest_exportable.timestamp` to `checked_at`. Null when there is no exportable snapshot."},
			"restorable_since": computedString("How far back a restore can reach (RFC 3339, UTC), by Aura's published retention: the later of the " +
				"instance's creation and `checked_at` minus its type's restorable window for scheduled snapshots (for enterprise-db 4, the 60 " +
				"days of its daily full); for free-db, which keeps only its latest snapshot, that snapshot's time. Null when there is no " +
				"completed snapshot. Aura takes no scheduled snapshot while an instance is paused, and on-demand snapshots may reach " +
				"further back on types whose on-demand window is longer: list them with `aura_snapshots` for the exact set."),
			"checked_at": computedString("The API's time (from its `Date` header) the ages are measured against (RFC 3339, UTC)."),
		},
	}
}

func (d *backupStatusDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *backupStatusDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m backupStatusModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !m.InstanceName.IsNull() {
		id, ok := d.instanceIDByName(ctx, m.InstanceName.ValueString(), &resp.Diagnostics)
		if !ok {
			return
		}
		m.InstanceID = types.StringValue(id)
	}
	q := snapshotQuery{InstanceID: m.InstanceID, InstanceVersion: m.InstanceVersion}
	sc, ok := d.data.scope(ctx, &q, &resp.Diagnostics)
	if !ok {
		return
	}
	completed, exportable, err := d.data.newestSnapshots(ctx, m.InstanceID.ValueString(), sc)
	if err != nil {
		resp.Diagnostics.AddError("Listing snapshots failed", err.Error())
		return
	}
	now := d.data.client.ServerNow().UTC().Truncate(time.Second)
	m.InstanceVersion, m.InstanceType = q.InstanceVersion, types.StringValue(sc.in.Type)
	m.Paused = types.BoolValue(sc.in.Status == "paused" || sc.in.Status == "pausing")
	cadence, every := scheduledCadence(sc.in.Type, sc.version)
	m.ScheduledCadence, m.ScheduledIntervalSeconds = types.StringValue(cadence), types.Int64Null()
	if every > 0 {
		m.ScheduledIntervalSeconds = types.Int64Value(int64(every / time.Second))
	}
	m.NewestCompleted, m.RecoveryPointAgeSeconds = snapshotAndAge(sc, completed, now)
	m.NewestExportable, m.ExportableAgeSeconds = snapshotAndAge(sc, exportable, now)
	m.RestorableSince = types.StringNull()
	if completed != nil {
		m.RestorableSince = timeString(restorableSince(sc.in, sc.version, *completed, now))
	}
	m.CheckedAt = types.StringValue(now.Format(time.RFC3339))
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (d *backupStatusDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("instance_id"), path.MatchRoot("instance_name")),
	}
}

// instanceIDByName finds the one instance of the provider's tenant with that name.
func (d *backupStatusDataSource) instanceIDByName(ctx context.Context, name string, diags *diag.Diagnostics) (string, bool) {
	list, err := d.data.client.ListInstances(ctx, d.data.tenantID)
	if err != nil {
		diags.AddAttributeError(path.Root("instance_name"), "Listing Aura instances failed", err.Error())
		return "", false
	}
	var ids []string
	for _, s := range list {
		if s.Name == name {
			ids = append(ids, s.ID)
		}
	}
	if len(ids) != 1 {
		diags.AddAttributeError(path.Root("instance_name"), "No single instance with that name",
			fmt.Sprintf("instance_name = %q matches %d instances of the tenant (%s); exactly one must. Use instance_id to name one.",
				name, len(ids), strings.Join(ids, ", ")))
		return "", false
	}
	return ids[0], true
}

// snapshotAndAge shows s (nil: none) and its age at now in whole seconds, never negative (a clock a second behind
// the snapshot's).
func snapshotAndAge(sc snapshotScope, s *aura.Snapshot, now time.Time) (*snapshotModel, types.Int64) {
	if s == nil {
		return nil, types.Int64Null()
	}
	m := newSnapshotModel(sc.in.Type, sc.version, *s)
	ts, err := time.Parse(time.RFC3339, s.Timestamp)
	if err != nil {
		return &m, types.Int64Null()
	}
	return &m, types.Int64Value(int64(max(now.Sub(ts), 0) / time.Second))
}

// scheduledCadence is how often a type takes scheduled snapshots, full or differential (api/README.md B).
func scheduledCadence(instType, version string) (string, time.Duration) {
	switch {
	case instType == "business-critical", instType == "enterprise-db" && version != "4":
		return "hourly", time.Hour
	case instType == "enterprise-db":
		return "every 6 hours", 6 * time.Hour
	case instType == "free-db":
		return "none", 0
	}
	return "daily", 24 * time.Hour
}

// restorableSince is how far back a restore can reach by the published retention of scheduled snapshots, given
// the newest completed one; free-db keeps only that one (api/README.md B).
func restorableSince(in *aura.Instance, version string, newest aura.Snapshot, now time.Time) *time.Time {
	window, ok := aura.ScheduledRestorable(in.Type, version)
	if !ok {
		ts, err := time.Parse(time.RFC3339, newest.Timestamp)
		if err != nil {
			return nil
		}
		return &ts
	}
	since := now.Add(-window)
	if created, err := time.Parse(time.RFC3339, in.CreatedAt); err == nil && created.After(since) {
		since = created
	}
	return &since
}
