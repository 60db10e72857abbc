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
	}
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
