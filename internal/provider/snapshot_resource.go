package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
)

var (
	_ resource.Resource                 = (*snapshotResource)(nil)
	_ resource.ResourceWithConfigure    = (*snapshotResource)(nil)
	_ resource.ResourceWithImportState  = (*snapshotResource)(nil)
	_ resource.ResourceWithModifyPlan   = (*snapshotResource)(nil)
	_ resource.ResourceWithUpgradeState = (*snapshotResource)(nil)
)

// What an on-demand snapshot resource does when Aura has let the snapshot expire.
const (
	keepOnExpiry   = "keep"   // the record stays in state: a snapshot named for a moment is not retaken later
	retakeOnExpiry = "retake" // the resource leaves state and the next apply takes a new one: rolling snapshots
)

type snapshotResource struct{ data *providerData }

func NewSnapshotResource() resource.Resource { return &snapshotResource{} }

// snapshotResourceModel is a snapshot as the data sources show it, plus what the resource is asked to do.
type snapshotResourceModel struct {
	snapshotModel
	ID                types.String   `tfsdk:"id"`
	Triggers          types.Map      `tfsdk:"triggers"`
	WaitForCompletion types.Bool     `tfsdk:"wait_for_completion"`
	OnExpiry          types.String   `tfsdk:"on_expiry"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
}

func (r *snapshotResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_snapshot"
}

func (r *snapshotResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		Version: 1,
		MarkdownDescription: "An on-demand snapshot of a running instance. Aura cannot delete snapshots: each expires by itself, and deleting " +
			"its instance deletes it.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "`<instance_id>/<snapshot_id>`.", PlanModifiers: keep},
			"instance_id": schema.StringAttribute{
				Required: true, MarkdownDescription: "Instance to snapshot; it must be `running`. Changing it forces a new snapshot.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"triggers": schema.MapAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Arbitrary values; changing any of them takes a new snapshot (as with `terraform_data`).",
				PlanModifiers:       []planmodifier.Map{mapplanmodifier.RequiresReplace()},
			},
			"wait_for_completion": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: "Wait until the snapshot is `Completed`. Default `true`. A `Failed` snapshot fails the apply.",
			},
			"on_expiry": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(keepOnExpiry),
				MarkdownDescription: "What an expired snapshot does: `keep` (default) keeps the record in state with `status = \"Expired\"` " +
					"(`Gone` if it left before `restorable_until`, with its instance) and `exportable = false`, and plans nothing: a " +
					"`before_migration` snapshot is not retaken weeks later. `retake` removes it from state, so the next apply takes a new " +
					"one: for rolling snapshots. Either way a restore that names it does not run again.",
				Validators: []validator.String{oneOfValues(keepOnExpiry, retakeOnExpiry)},
			},
			"snapshot_id": schema.StringAttribute{Computed: true, MarkdownDescription: "Snapshot id.", PlanModifiers: keep},
			"profile":     schema.StringAttribute{Computed: true, MarkdownDescription: "`AdHoc` for a snapshot this resource took; `Scheduled` for an imported scheduled snapshot.", PlanModifiers: keep},
			"status":      schema.StringAttribute{Computed: true, MarkdownDescription: "`Pending`, `InProgress`, `Completed` or `Failed` as Aura reports it; `Expired` or `Gone` once Aura no longer has it (`on_expiry = \"keep\"`).", PlanModifiers: keep},
			"timestamp":   schema.StringAttribute{Computed: true, MarkdownDescription: "When the snapshot was taken (RFC 3339, UTC).", PlanModifiers: keep},
			"exportable": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the snapshot can be exported, cloned from or used to overwrite another instance now.",
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()}},
			"restorable_until": schema.StringAttribute{Computed: true, MarkdownDescription: "When the snapshot expires, derived from the instance type and Aura's published retention table; null for free-db (only the latest is kept).", PlanModifiers: keep},
			"exportable_until": schema.StringAttribute{Computed: true, MarkdownDescription: "Until when it stays exportable, from the same table.", PlanModifiers: keep},
			"timeouts":         timeoutsAttribute(ctx, false, false),
		},
	}
}

func (r *snapshotResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (m *snapshotResourceModel) fromAPI(instType string, s *aura.Snapshot) {
	m.snapshotModel = newSnapshotModel(instType, "5", *s) // on-demand windows do not depend on the version
	m.ID = types.StringValue(s.InstanceID + "/" + s.SnapshotID)
}

func (r *snapshotResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan snapshotResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	c := r.data.client
	instanceID := plan.InstanceID.ValueString()
	in, err := c.GetInstance(ctx, instanceID)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("instance_id"), "Reading the instance to snapshot failed", err.Error())
		return
	}
	if in.Status == "paused" || in.Status == "pausing" {
		resp.Diagnostics.AddAttributeError(path.Root("instance_id"), "Instance paused",
			fmt.Sprintf("Instance %s is %q; Aura snapshots only running instances: resume it first (paused = false).", instanceID, in.Status))
		return
	}
	if in.Status != "running" { // busy with an operation: the snapshot is taken once it is over
		if in, err = c.WaitForInstance(ctx, instanceID, "running"); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("instance_id"), "Instance not running", err.Error())
			return
		}
	}
	id, err := c.CreateSnapshot(ctx, instanceID)
	r.data.snapshots.forget(instanceID)
	if err != nil {
		resp.Diagnostics.AddError("Taking the snapshot failed", err.Error())
		return
	}
	state := plan
	state.ID, state.SnapshotID = types.StringValue(instanceID+"/"+id), types.StringValue(id)
	state.Profile, state.Status, state.Timestamp = types.StringValue("AdHoc"), types.StringValue("Pending"), types.StringNull()
	state.Exportable, state.RestorableUntil, state.ExportableUntil = types.BoolValue(false), types.StringNull(), types.StringNull()
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...) // the API took it: keep it in state whatever follows

	var s *aura.Snapshot
	if plan.WaitForCompletion.ValueBool() {
		s, err = c.WaitForSnapshot(ctx, instanceID, id)
	} else {
		s, err = c.GetSnapshot(ctx, instanceID, id)
	}
	if s != nil {
		state.fromAPI(in.Type, s)
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	}
	if err != nil {
		resp.Diagnostics.AddError("The snapshot did not complete", err.Error())
	}
}

// ModifyPlan refuses at plan a snapshot of an instance that this plan leaves paused, and says when the instance
// it snapshotted is being re-created: the new snapshot is of the new instance.
func (r *snapshotResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var id types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("instance_id"), &id)...)
	if !req.State.Raw.IsNull() {
		var prior types.String
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("instance_id"), &prior)...)
		if id.IsUnknown() {
			resp.Diagnostics.AddWarning("The snapshot's instance "+prior.ValueString()+" is re-created",
				fmt.Sprintf("instance_id is known only after apply: instance %s, which this snapshot is of, is replaced or created anew by this plan. "+
					"The apply drops this snapshot's record and takes a new snapshot of the new instance, which does not hold the old instance's data.",
					prior.ValueString()))
		}
		return
	}
	_, _, _ = r.data.targetAtPlan(ctx, id, "instance_id", "snapshot", true, &resp.Diagnostics) // its diagnostics say it all
}

func (r *snapshotResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state snapshotResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if gone(state.Status.ValueString()) {
		return // an expired snapshot never comes back: nothing to ask
	}
	c := r.data.client
	s, err := c.GetSnapshot(ctx, state.InstanceID.ValueString(), state.SnapshotID.ValueString())
	if errors.Is(err, aura.ErrNotFound) { // expired, or its instance is gone
		// A snapshot never read (an import) does not exist; one read before has expired and is kept unless asked.
		if state.OnExpiry.ValueString() == retakeOnExpiry || state.Timestamp.IsNull() {
			resp.State.RemoveResource(ctx)
			return
		}
		state.Status, state.Exportable = types.StringValue(expiredStatus(state.RestorableUntil, c.ServerNow())), types.BoolValue(false)
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Reading the snapshot failed", err.Error())
		return
	}
	// The windows follow from the timestamp and the instance type, which never change: only an import, which
	// has no windows yet, costs a second call.
	restorable, exportable := state.RestorableUntil, state.ExportableUntil
	if restorable.IsNull() {
		in, err := c.GetInstance(ctx, s.InstanceID)
		if err != nil {
			resp.Diagnostics.AddError("Reading the snapshot's instance failed", err.Error())
			return
		}
		state.fromAPI(in.Type, s)
	} else {
		state.fromAPI("", s)
		state.RestorableUntil, state.ExportableUntil = restorable, exportable
	}
	if state.WaitForCompletion.IsNull() {
		state.WaitForCompletion = types.BoolValue(true)
	}
	if state.OnExpiry.IsNull() {
		state.OnExpiry = types.StringValue(keepOnExpiry)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update only changes wait_for_completion, on_expiry or timeouts: nothing to do in Aura.
func (r *snapshotResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state snapshotResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	state.WaitForCompletion, state.OnExpiry, state.Timeouts = plan.WaitForCompletion, plan.OnExpiry, plan.Timeouts
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Delete removes the record only: Aura cannot delete a snapshot. Its message says what is true now, read now: a
// snapshot still kept (until when), one that expired (since when), or one gone with its deleted instance.
func (r *snapshotResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state snapshotResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	summary, detail := r.data.snapshotFate(ctx, &state)
	resp.Diagnostics.AddWarning(summary, "Aura cannot delete snapshots: this removed snapshot "+state.SnapshotID.ValueString()+
		" of instance "+state.InstanceID.ValueString()+" from the Terraform state only. "+detail+
		" Deleting an instance deletes all its snapshots with it.")
}

func (r *snapshotResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	instanceID, snapshotID, ok := strings.Cut(req.ID, "/")
	if !ok || instanceID == "" || snapshotID == "" {
		resp.Diagnostics.AddError("Invalid import id", `Use "<instance_id>/<snapshot_id>".`)
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("instance_id"), instanceID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("snapshot_id"), snapshotID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("wait_for_completion"), true)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("on_expiry"), keepOnExpiry)...)
}

// gone tells the statuses this provider gives a snapshot that Aura no longer has.
func gone(status string) bool { return status == "Expired" || status == "Gone" }

// expiredStatus names why Aura no longer has a snapshot: its window ended, or it left earlier with its instance.
func expiredStatus(restorableUntil types.String, now time.Time) string {
	until, err := time.Parse(time.RFC3339, restorableUntil.ValueString())
	if err == nil && now.Before(until) {
		return "Gone"
	}
	return "Expired"
}

func (r *snapshotResource) UpgradeState(context.Context) map[int64]resource.StateUpgrader {
	return upgradeFromV0(func(attrs map[string]any) { attrs["on_expiry"] = keepOnExpiry })
}
