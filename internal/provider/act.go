package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
)

// Acts are the one-off operations that replace or copy data: restore and overwrite (aura_instance_restore),
// upload (aura_database_upload) and the data copy of a clone (aura_instance_from_snapshot). The creation of
// their resource is the act, so it runs on create, on a change of the resource's own triggers and on
// -replace, and nothing else runs it again: a changed input is recorded in place, a wait that ends early
// leaves the resource in state untainted, and Read never removes it.

// The status of an overwriting act, as kept in state.
const (
	actPending   = "pending"   // accepted by Aura, not seen finished yet: Read brings it up to date
	actCompleted = "completed" // the target ran again after the act
	actFailed    = "failed"    // Aura reported the act failed (an upload ends "loading failed")
)

// actModel is what every overwriting act resource holds besides its source and the time it finished.
type actModel struct {
	ID               types.String   `tfsdk:"id"`
	InstanceID       types.String   `tfsdk:"instance_id"`
	ConfirmOverwrite types.Bool     `tfsdk:"confirm_overwrite"`
	Triggers         types.Map      `tfsdk:"triggers"`
	BackupBefore     types.Bool     `tfsdk:"backup_before"`
	BackupSnapshotID types.String   `tfsdk:"backup_snapshot_id"`
	Status           types.String   `tfsdk:"status"`
	Timeouts         timeouts.Value `tfsdk:"timeouts"`
}

// actAttributes are the schema of actModel for an act named act; each resource adds its source's.
func actAttributes(ctx context.Context, act, id string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id": schema.StringAttribute{Computed: true, MarkdownDescription: id, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
		"instance_id": schema.StringAttribute{Required: true,
			MarkdownDescription: "The instance whose data is replaced. A change is recorded in place and runs no " + act + "."},
		"confirm_overwrite": schema.BoolAttribute{
			Required: true, MarkdownDescription: "Must be `true`: the " + act + " overwrites all data of `instance_id`.",
			Validators: []validator.Bool{mustBeTrue{}},
		},
		"triggers": schema.MapAttribute{
			Optional: true, ElementType: types.StringType,
			MarkdownDescription: "Arbitrary values; changing any of them runs the " + act + " again (as `triggers_replace` of `terraform_data`). " +
				"Nothing else does: a changed input is recorded in place, and the plan says so.",
			PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplace()},
		},
		"backup_before": schema.BoolAttribute{
			Optional: true, Computed: true, Default: booldefault.StaticBool(true),
			MarkdownDescription: "Take an on-demand snapshot of `instance_id` before the " + act + " and wait for it: the undo. Its id is in " +
				"`backup_snapshot_id`; if it cannot be taken, the " + act + " is not sent. Default `true`.",
		},
		"backup_snapshot_id": schema.StringAttribute{
			Computed: true, MarkdownDescription: "The snapshot of `instance_id` taken right before the " + act + " (`backup_before`): restore it with " +
				"another `aura_instance_restore` to undo. Null when `backup_before = false`.",
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"status": schema.StringAttribute{
			Computed: true, MarkdownDescription: "`" + actPending + "` while Aura runs the " + act + " (a wait that timed out leaves it so, and the next " +
				"refresh brings it up to date), `" + actCompleted + "`, or `" + actFailed + "`. A " + act + " that Aura accepted is never sent again.",
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"timeouts": timeoutsAttribute(ctx, false, false),
	}
}

// actPlanned tells whether this plan runs the act: a create, or a replacement because the triggers
// changed. The announcement must come from this first plan: Terraform plans a replacement again as a create
// and keeps only the errors of that second plan, so its warnings never show. For the same reason a
// -replace, which the provider cannot see, is announced by Terraform's own "will be replaced, as requested".
func actPlanned(ctx context.Context, req resource.ModifyPlanRequest, diags *diag.Diagnostics) bool {
	if req.Plan.Raw.IsNull() {
		return false
	}
	if req.State.Raw.IsNull() {
		return true
	}
	var planned, prior types.Map
	diags.Append(req.Plan.GetAttribute(ctx, path.Root("triggers"), &planned)...)
	diags.Append(req.State.GetAttribute(ctx, path.Root("triggers"), &prior)...)
	if prior.IsNull() {
		imported, d := req.Private.GetKey(ctx, importedKey)
		diags.Append(d...)
		if len(imported) > 0 {
			return false // the first triggers after an import are recorded (triggersAdoptedAfterImport)
		}
	}
	return !planned.Equal(prior)
}

// warnUnactedChanges is the plan of an act resource that stays in place: inputs that change are only
// recorded, and the plan says that no act runs and how to ask for one. A failed act is recalled too.
func warnUnactedChanges(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, act string, inputs ...string) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	if changed := changedAttrs(ctx, req, &resp.Diagnostics, inputs...); len(changed) > 0 {
		resp.Diagnostics.AddWarning("This change by itself runs no "+act,
			fmt.Sprintf("%s changed: the new value is recorded in place and runs no %s. The %s runs only when this resource is created, when its triggers change, or with terraform apply -replace. To run it with the new values, change triggers.",
				strings.Join(changed, ", "), act, act))
	}
	var status types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("status"), &status)...)
	if status.ValueString() == actFailed {
		resp.Diagnostics.AddWarning("The last "+act+" failed",
			fmt.Sprintf("Aura reported that the %s failed. It is not sent again by itself: fix its cause, then change triggers to run it again.", act))
	}
}

// changedAttrs names the attributes whose planned value differs from the prior state (unknown counts as a
// change, as it does for RequiresReplace).
func changedAttrs(ctx context.Context, req resource.ModifyPlanRequest, diags *diag.Diagnostics, names ...string) []string {
	var changed []string
	for _, name := range names {
		var p, s attr.Value
		diags.Append(req.Plan.GetAttribute(ctx, path.Root(name), &p)...)
		diags.Append(req.State.GetAttribute(ctx, path.Root(name), &s)...)
		if p != nil && !p.Equal(s) {
			changed = append(changed, name)
		}
	}
	return changed
}

// planReadTimeout bounds a read that only words a plan warning: a slow API must not stall the plan.
const planReadTimeout = 30 * time.Second

// instanceAtPlan reads an instance at plan time when its id is known: nil, and why, when it cannot.
func (pd *providerData) instanceAtPlan(ctx context.Context, id types.String) (*aura.Instance, error) {
	if pd == nil || id.IsUnknown() || id.IsNull() {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(ctx, planReadTimeout)
	defer cancel()
	return pd.instanceRead(ctx, id.ValueString())
}

// describe names an instance for a plan warning: its id, name and type, or what is known of it.
func describe(id types.String, in *aura.Instance, err error) string {
	switch {
	case id.IsUnknown():
		return "an instance known after apply"
	case in != nil:
		return fmt.Sprintf("instance %s (%q, %s)", in.ID, in.Name, in.Type)
	case err != nil:
		return fmt.Sprintf("instance %s (not readable now: %v)", id.ValueString(), err)
	}
	return "instance " + id.ValueString()
}

// describeSnapshot words a snapshot that was not read: none named, not known yet, or not readable (err).
func describeSnapshot(snapshotID types.String, err error) (desc, since string) {
	switch {
	case snapshotID.IsNull():
		return "a fresh snapshot of the source taken during the apply", "the apply"
	case snapshotID.IsUnknown():
		return "a snapshot known after apply", "the time that snapshot was taken"
	case err != nil:
		return fmt.Sprintf("snapshot %s (not readable now: %v)", snapshotID.ValueString(), err), "the time that snapshot was taken"
	}
	return "snapshot " + snapshotID.ValueString(), "the time that snapshot was taken"
}

// describeSnapshotRead words a snapshot as read: a nil one is the fresh snapshot Aura takes when none is named.
func describeSnapshotRead(s *aura.Snapshot) string {
	if s == nil {
		desc, _ := describeSnapshot(types.StringNull(), nil)
		return desc
	}
	return describeSnapshotTaken(s, s.Timestamp)
}

// describeSnapshotTaken words a snapshot as read, with taken saying when (its time, or its time and age).
func describeSnapshotTaken(s *aura.Snapshot, taken string) string {
	return fmt.Sprintf("snapshot %s of instance %s (%s, taken %s)", s.SnapshotID, s.InstanceID, s.Profile, taken)
}

// backupNote is the plan warning's line about the undo.
func backupNote(backup types.Bool) string {
	if backup.ValueBool() {
		return " First an on-demand snapshot of the target is taken and waited for (backup_before): its id will be in backup_snapshot_id, the undo."
	}
	return " backup_before = false: no snapshot of the target is taken first, so there is no undo."
}

// backupFor takes the undo snapshot when backup is true and returns its id (null without one); ok is false,
// with the error reported, when it could not be taken: then the act must not be sent.
func (pd *providerData) backupFor(ctx context.Context, backup types.Bool, instanceID, act string, diags *diag.Diagnostics) (id types.String, ok bool) {
	if !backup.ValueBool() {
		return types.StringNull(), true
	}
	taken, err := pd.takeBackup(ctx, instanceID)
	if err != nil {
		diags.AddError("No backup, no "+act, err.Error())
		return types.StringNull(), false
	}
	return types.StringValue(taken), true
}

// takeBackup snapshots the target before an act and waits until the snapshot completed: an act is sent
// only once its undo exists.
func (pd *providerData) takeBackup(ctx context.Context, instanceID string) (string, error) {
	id, err := pd.client.CreateSnapshot(ctx, instanceID)
	pd.snapshots.forget(instanceID)
	if err != nil {
		return "", fmt.Errorf("taking the backup snapshot of instance %s failed, so nothing was overwritten: %w", instanceID, err)
	}
	if _, err := pd.client.WaitForSnapshot(ctx, instanceID, id); err != nil {
		return "", fmt.Errorf("the backup snapshot %s of instance %s did not complete, so nothing was overwritten: %w", id, instanceID, err)
	}
	return id, nil
}

// awaitAct waits, after Aura accepted an act, for the target to run again, and returns the act's status and,
// once finished, when. It never fails the apply: an error would taint the resource and the next apply
// would send the act again. A wait that ends early or a failed act is reported as a warning.
func (pd *providerData) awaitAct(ctx context.Context, instanceID, act string, diags *diag.Diagnostics) (status string, finished types.String) {
	in, err := pd.client.AwaitInstance(ctx, instanceID, "running")
	switch {
	case err == nil:
		return actCompleted, types.StringValue(pd.client.ServerNow().Format(time.RFC3339))
	case in != nil && in.Status == "loading failed": // the wait hands back the instance it failed on
		diags.AddWarning("The "+act+" failed in Aura",
			fmt.Sprintf("Aura accepted the %s but instance %s reports \"loading failed\": %v. The resource is kept with status = %q and the %s is not sent again by itself; fix the cause, then change triggers to run it again.", act, instanceID, err, actFailed, act))
		return actFailed, types.StringNull()
	default:
		diags.AddWarning("The "+act+" is still running in Aura",
			fmt.Sprintf("Aura accepted the %s of instance %s, but waiting for it to finish ended: %v. It is recorded with status = %q and will not be sent again; the next refresh brings status up to date.", act, instanceID, err, actPending))
		return actPending, types.StringNull()
	}
}

// readAct is Read of an act resource (model T): fields points at its id, status and finish time.
func readAct[T any](ctx context.Context, pd *providerData, req resource.ReadRequest, resp *resource.ReadResponse, fields func(*T) (types.String, *types.String, *types.String)) {
	var state T
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, status, finished := fields(&state)
	// The target the act was sent to leads the id: instance_id may have been changed in place since.
	target, _, _ := strings.Cut(id.ValueString(), "/")
	if err := pd.refreshAct(ctx, target, status, finished); err != nil {
		resp.Diagnostics.AddError("Reading the instance of the act failed", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// refreshAct is Read for an act still pending: it asks the target whether the act has finished. A finished
// act is history and costs no call; a target that is gone leaves the record as it is.
func (pd *providerData) refreshAct(ctx context.Context, instanceID string, status *types.String, finished *types.String) error {
	if status.ValueString() != actPending {
		return nil
	}
	in, err := pd.client.GetInstance(ctx, instanceID)
	if errors.Is(err, aura.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	switch in.Status {
	case "loading failed":
		*status = types.StringValue(actFailed)
	case "running", "paused", "pausing", "resuming", "updating": // the act is over; the instance runs or moved on
		*status = types.StringValue(actCompleted)
		*finished = types.StringValue(pd.client.ServerNow().Format(time.RFC3339))
	} // restoring, overwriting, loading, or a status that says nothing of the act: still pending
	return nil
}
