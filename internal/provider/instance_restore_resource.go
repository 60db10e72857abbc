package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ resource.Resource                 = (*instanceRestoreResource)(nil)
	_ resource.ResourceWithConfigure    = (*instanceRestoreResource)(nil)
	_ resource.ResourceWithModifyPlan   = (*instanceRestoreResource)(nil)
	_ resource.ResourceWithUpgradeState = (*instanceRestoreResource)(nil)
)

// instanceRestoreResource is a confirmed, one-off restore or overwrite: creating it replaces the target's data.
type instanceRestoreResource struct{ data *providerData }

func NewInstanceRestoreResource() resource.Resource { return &instanceRestoreResource{} }

type instanceRestoreModel struct {
	actModel
	SnapshotID       types.String `tfsdk:"snapshot_id"`
	SourceInstanceID types.String `tfsdk:"source_instance_id"`
	Method           types.String `tfsdk:"method"`
	CompletedAt      types.String `tfsdk:"completed_at"`
}

// source is the instance the data comes from: source_instance_id, or else the target itself.
func (m *instanceRestoreModel) source() types.String {
	if m.SourceInstanceID.IsNull() {
		return m.InstanceID
	}
	return m.SourceInstanceID
}

// method is "restore" for a snapshot of the target itself (in place, differential snapshots allowed), and
// "overwrite" for data from another instance or from a fresh snapshot.
func (m *instanceRestoreModel) method() string {
	if !m.SnapshotID.IsNull() && m.source().Equal(m.InstanceID) {
		return "restore"
	}
	return "overwrite"
}

// restoreInputs are recorded in place when they change: only triggers run the act again.
var restoreInputs = []string{"instance_id", "snapshot_id", "source_instance_id"}

func (r *instanceRestoreResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_instance_restore"
}

func (r *instanceRestoreResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	attrs := actAttributes(ctx, "restore", "`<instance_id>/<method>/<time>`.")
	attrs["snapshot_id"] = schema.StringAttribute{Optional: true,
		MarkdownDescription: "Snapshot to restore from. A snapshot of the target itself restores in place (differential snapshots allowed while restorable); one of another instance must be exportable. A change is recorded in place and restores nothing."}
	attrs["source_instance_id"] = schema.StringAttribute{Optional: true,
		MarkdownDescription: "Instance the data comes from. Default: the target itself. A change is recorded in place and restores nothing."}
	attrs["method"] = schema.StringAttribute{Computed: true, MarkdownDescription: "`restore` (in place from the target's own snapshot) or `overwrite`.",
		PlanModifiers: keep}
	attrs["completed_at"] = schema.StringAttribute{Computed: true, MarkdownDescription: "When the instance was seen running again with the restored data (RFC 3339).",
		PlanModifiers: keep}
	resp.Schema = schema.Schema{
		Version: 1,
		MarkdownDescription: "Replaces an instance's data once, when created: an in-place **restore** from one of its own snapshots, or an " +
			"**overwrite** from another instance. Guarded by `confirm_overwrite` and preceded by an undo snapshot; see the sections below.",
		Attributes: attrs,
	}
}

func (r *instanceRestoreResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan announces a planned restore with what it overwrites, and says when a change runs none.
func (r *instanceRestoreResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !actPlanned(ctx, req, &resp.Diagnostics) {
		warnUnactedChanges(ctx, req, resp, "restore", restoreInputs...)
		return
	}
	var plan instanceRestoreModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	method := plan.method()
	in, err, ok := r.data.targetAtPlan(ctx, plan.InstanceID, "instance_id", method, true, &resp.Diagnostics)
	if !ok || in != nil && freeUndoWouldEvict(in.Type, method, plan.BackupBefore, &resp.Diagnostics) {
		return
	}
	if !plan.source().Equal(plan.InstanceID) && in != nil {
		// Without a snapshot, Aura takes a fresh one of the source: that source must be running too.
		source, _, ok := r.data.targetAtPlan(ctx, plan.source(), "source_instance_id", "snapshot for an overwrite", plan.SnapshotID.IsNull(), &resp.Diagnostics)
		if !ok || !compatibleAtPlan(source, types.StringValue(in.Type), types.StringPointerValue(in.Storage), "instance_id", "instance_id", &resp.Diagnostics) {
			return
		}
	}
	use := forOverwrite
	if method == "restore" {
		use = forRestore
	}
	s, ok := r.data.snapshotAtPlan(ctx, plan.source(), plan.SnapshotID, use, path.Root("snapshot_id"), r.data.planUntil(ctx, plan.Timeouts.Create, &resp.Diagnostics), &resp.Diagnostics)
	if !ok {
		return
	}
	snapshot, since := describeSnapshot(plan.SnapshotID, nil)
	if s != nil {
		snapshot, since = describeSnapshotRead(s), r.data.takenAgo(s)
	}
	resp.Diagnostics.AddWarning("This apply overwrites instance data",
		fmt.Sprintf("The apply restores %s from %s. %s%s", describe(plan.InstanceID, in, err), snapshot, whatIsLost(method, since), backupNote(plan.BackupBefore)))
}

// whatIsLost is the plan warning's sentence about the data an act replaces; since is a moment (a time and its
// age, or a phrase such as "the time that snapshot was taken" when the snapshot is not known yet).
func whatIsLost(method, since string) string {
	if method == "restore" {
		return "It returns to its data as of " + since + ": writes since are lost."
	}
	return "All data of the target now is lost: it becomes the source's data as of " + since + "."
}

func (r *instanceRestoreResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan instanceRestoreModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	c := r.data.client
	target := plan.InstanceID.ValueString()
	source := plan.source().ValueString()
	snapshot := plan.SnapshotID.ValueString()
	method := plan.method()
	use := forOverwrite
	if method == "restore" {
		use = forRestore
	}
	if snapshot != "" {
		if _, ok := r.data.checkSnapshot(ctx, source, snapshot, use, path.Root("snapshot_id"), &resp.Diagnostics); !ok {
			return
		}
	}
	in, err := c.WaitForInstance(ctx, target, "running")
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("instance_id"), "Target instance not ready", err.Error())
		return
	}
	if freeUndoWouldEvict(in.Type, method, plan.BackupBefore, &resp.Diagnostics) {
		return
	}
	state := plan
	var ok bool
	if state.BackupSnapshotID, ok = r.data.backupFor(ctx, plan.BackupBefore, target, method, &resp.Diagnostics); !ok {
		return
	}
	if method == "restore" {
		err = c.Act(ctx, target, func() error { return c.RestoreSnapshot(ctx, target, snapshot) }, "restoring")
	} else {
		err = c.Act(ctx, target, func() error { return c.OverwriteInstance(ctx, target, source, snapshot) }, "overwriting")
	}
	r.data.snapshots.forget(target)
	r.data.seen(target, nil)
	if err != nil {
		resp.Diagnostics.AddError("Starting the "+method+" failed", err.Error())
		return
	}
	state.ID = types.StringValue(fmt.Sprintf("%s/%s/%s", target, method, c.ServerNow().Format(time.RFC3339)))
	state.Method, state.Status, state.CompletedAt = types.StringValue(method), types.StringValue(actPending), types.StringNull()
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...) // accepted: in state whatever the wait says

	status, finished := r.data.awaitAct(ctx, target, method, &resp.Diagnostics)
	state.Status, state.CompletedAt = types.StringValue(status), finished
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Read brings a pending restore up to date; a finished one is history and is handed back unchanged.
func (r *instanceRestoreResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readAct(ctx, r.data, req, resp, func(m *instanceRestoreModel) (types.String, *types.String, *types.String) {
		return m.InstanceID, &m.Status, &m.CompletedAt
	})
}

// Update records changed inputs and settings; it never restores.
func (r *instanceRestoreResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	keepPlan[instanceRestoreModel](ctx, req, resp)
}

func (r *instanceRestoreResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
	// Nothing to undo: the restore happened. Removing the resource only forgets it.
}

func (r *instanceRestoreResource) UpgradeState(context.Context) map[int64]resource.StateUpgrader {
	return upgradeFromV0(upgradeAct("completed_at"))
}

// freeUndoWouldEvict refuses an in-place restore of a free-db instance with backup_before: Free keeps only its
// latest on-demand snapshot (api/README.md B), so the undo snapshot would replace the very snapshot to restore.
func freeUndoWouldEvict(instType, method string, backup types.Bool, diags *diag.Diagnostics) bool {
	if instType != "free-db" || method != "restore" || !backup.ValueBool() {
		return false
	}
	diags.AddAttributeError(path.Root("backup_before"), "The undo snapshot would replace the snapshot to restore",
		"A free-db instance keeps only its latest on-demand snapshot, so the snapshot that backup_before takes would replace the one to restore from, and the restore would fail with its source gone. Set backup_before = false to restore it in place.")
	return true
}
