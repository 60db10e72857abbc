package provider

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
)

// snapshotQuery is the part both snapshot data sources share: which instance, which days, which snapshots.
type snapshotQuery struct {
	InstanceID      types.String `tfsdk:"instance_id"`
	InstanceVersion types.String `tfsdk:"instance_version"`
	ExportableOnly  types.Bool   `tfsdk:"exportable_only"`
	Profile         types.String `tfsdk:"profile"`
	Status          types.String `tfsdk:"status"`
	From            types.String `tfsdk:"from"`
	To              types.String `tfsdk:"to"`
	Before          types.String `tfsdk:"before"`
}

var dateRegexp = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

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
		"before": schema.StringAttribute{
			Optional: true, MarkdownDescription: "Only snapshots taken at or before this time (RFC 3339, such as `2026-11-26T10:42:00Z` or " +
				"`2026-11-26T11:42:00+01:00`): the last good snapshot before an incident. Days after it are not listed.",
			Validators: []validator.String{rfc3339Validator{}},
		},
	}
}

// rfc3339Validator accepts a time in RFC 3339 form, the form of the snapshots' own timestamps.
type rfc3339Validator struct{}

var _ validator.String = rfc3339Validator{}

func (rfc3339Validator) Description(context.Context) string {
	return "must be a time in RFC 3339 form, such as \"2026-11-26T10:42:00Z\""
}

func (v rfc3339Validator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v rfc3339Validator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	raw := req.ConfigValue.ValueString()
	if _, err := time.Parse(time.RFC3339, raw); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+req.Path.String(),
			fmt.Sprintf("%s %s (UTC, or with an offset such as \"+01:00\"); got %q.", req.Path, v.Description(ctx), raw))
	}
}

// snapshotScope is what a query resolves to before anything is listed: the instance, the version its windows
// follow, the UTC days its snapshots can be on, and the latest time a snapshot may have been taken (zero: none).
type snapshotScope struct {
	in       *aura.Instance
	version  string
	from, to time.Time
	before   time.Time
}

// scope reads the instance and resolves the query's days; it records the version it used on q.
func (pd *providerData) scope(ctx context.Context, q *snapshotQuery, diags *diag.Diagnostics) (snapshotScope, bool) {
	in, err := pd.client.GetInstance(ctx, q.InstanceID.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("instance_id"), "Reading the instance failed", err.Error())
		return snapshotScope{}, false
	}
	version := q.InstanceVersion.ValueString()
	if version == "" {
		version = "5"
	}
	q.InstanceVersion = types.StringValue(version)
	sc := snapshotScope{in: in, version: version}
	if !q.Before.IsNull() {
		sc.before, _ = time.Parse(time.RFC3339, q.Before.ValueString()) // validated at plan
	}
	var ok bool
	sc.from, sc.to, ok = pd.listingDays(q, in, version, sc.before, diags)
	return sc, ok
}

// findSnapshots lists the query's days and filters them, newest first. With newest, it walks back from the
// last day and stops at the first day with a match, which it returns alone.
func (pd *providerData) findSnapshots(ctx context.Context, q *snapshotQuery, newest bool, diags *diag.Diagnostics) []snapshotModel {
	sc, ok := pd.scope(ctx, q, diags)
	if !ok {
		return nil
	}
	instanceID := q.InstanceID.ValueString()
	filter := snapshotFilter{q.ExportableOnly.ValueBool(), q.Profile.ValueString(), q.Status.ValueString(), sc.before}
	keep := func(list []aura.Snapshot) []snapshotModel {
		out := []snapshotModel{}
		for _, s := range list {
			if filter.keep(s) {
				out = append(out, newSnapshotModel(sc.in.Type, sc.version, s))
			}
		}
		return out
	}
	if newest {
		var found []snapshotModel
		err := pd.walkBack(ctx, instanceID, sc, func(day []aura.Snapshot) bool {
			found = keep(day)
			return len(found) > 0
		})
		if err != nil {
			diags.AddError("Listing snapshots failed", err.Error())
			return nil
		}
		if len(found) == 0 {
			return []snapshotModel{}
		}
		return found[:1]
	}
	list, err := pd.snapshotsBetween(ctx, instanceID, sc.from, sc.to)
	if err != nil {
		diags.AddError("Listing snapshots failed", err.Error())
		return nil
	}
	return keep(list)
}

// listingDays is the query's range of UTC days, clipped to the days in which the instance's snapshots can
// exist: none before it was created, none past its type's retention window, none after today, and none after
// the day of before (when set).
func (pd *providerData) listingDays(q *snapshotQuery, in *aura.Instance, version string, before time.Time, diags *diag.Diagnostics) (from, to time.Time, ok bool) {
	today := pd.client.ServerNow().UTC().Truncate(24 * time.Hour)
	to, from = today, today.AddDate(0, 0, -aura.ListingDays(in.Type, version))
	if !q.To.IsNull() {
		to, _ = time.Parse("2006-01-02", q.To.ValueString())
	}
	if !q.From.IsNull() {
		from, _ = time.Parse("2006-01-02", q.From.ValueString())
	}
	// Only bounds the user set contradict each other; a default bound that leaves nothing lists nothing.
	if !q.From.IsNull() && !q.To.IsNull() && from.After(to) {
		diags.AddAttributeError(path.Root("from"), "Empty date range", fmt.Sprintf("from (%s) is after to (%s).", from.Format("2006-01-02"), to.Format("2006-01-02")))
		return from, to, false
	}
	if !before.IsZero() {
		if day := before.UTC().Truncate(24 * time.Hour); day.Before(to) {
			to = day
		}
		if !q.From.IsNull() && from.After(to) {
			diags.AddAttributeError(path.Root("before"), "Empty date range", fmt.Sprintf("before (%s) is earlier than from (%s).", q.Before.ValueString(), from.Format("2006-01-02")))
			return from, to, false
		}
	}
	if oldest := today.AddDate(0, 0, -aura.ListingDays(in.Type, version)); from.Before(oldest) {
		from = oldest
	}
	if created, err := time.Parse(time.RFC3339, in.CreatedAt); err == nil && from.Before(created.UTC().Truncate(24*time.Hour)) {
		from = created.UTC().Truncate(24 * time.Hour)
	}
	if to.After(today) {
		to = today
	}
	return from, to, true
}
