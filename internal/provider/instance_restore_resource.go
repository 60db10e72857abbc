package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
)

var (
	_ resource.Resource               = (*instanceRestoreResource)(nil)
	_ resource.ResourceWithConfigure  = (*instanceRestoreResource)(nil)
	_ resource.ResourceWithModifyPlan = (*instanceRestoreResource)(nil)
)

// instanceRestoreResource is a confirmed, one-off restore or overwrite: creating it replaces the target's data.
type instanceRestoreResource struct{ data *providerData }

func NewInstanceRestoreResource() resource.Resource { return &instanceRestoreResource{} }

type instanceRestoreModel struct {
	ID               types.String   `tfsdk:"id"`
	InstanceID       types.String   `tfsdk:"instance_id"`
	SnapshotID       types.String   `tfsdk:"snapshot_id"`
	SourceInstanceID types.String   `tfsdk:"source_instance_id"`
	ConfirmOverwrite types.Bool     `tfsdk:"confirm_overwrite"`
	Triggers         types.Map      `tfsdk:"triggers"`
	Method           types.String   `tfsdk:"method"`
	CompletedAt      types.String   `tfsdk:"completed_at"`
	Timeouts         timeouts.Value `tfsdk:"timeouts"`
}

func (r *instanceRestoreResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_instance_restore"
}

func (r *instanceRestoreResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Replaces an instance's data, once, when this resource is created: an in-place **restore** from one of the " +
			"instance's own snapshots, or an **overwrite** from another instance (or from no named snapshot, which takes a fresh one). " +
			"It needs `confirm_overwrite = true`. It is an event: destroying it changes nothing in Aura, and it cannot be imported. " +
			"Pin `snapshot_id` to a literal id or drive a new restore with `triggers`; never feed a \"most recent snapshot\" data source into " +
			"`snapshot_id`, or every new snapshot would restore again and wipe newer data.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "`<instance_id>/<method>/<time>`.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"instance_id":        schema.StringAttribute{Required: true, MarkdownDescription: "The instance whose data is replaced. Changing it forces a new restore.", PlanModifiers: replace},
			"snapshot_id":        schema.StringAttribute{Optional: true, MarkdownDescription: "Snapshot to restore from. A snapshot of the target itself restores in place (differential snapshots allowed while restorable); one of another instance must be exportable. Changing it forces a new restore.", PlanModifiers: replace},
			"source_instance_id": schema.StringAttribute{Optional: true, MarkdownDescription: "Instance the data comes from. Default: the target itself. Changing it forces a new restore.", PlanModifiers: replace},
			"confirm_overwrite": schema.BoolAttribute{
				Required: true, MarkdownDescription: "Must be `true`: a restore overwrites all data of `instance_id`.",
				Validators: []validator.Bool{mustBeTrue{}},
			},
			"triggers": schema.MapAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Arbitrary values; changing any of them restores again.",
				PlanModifiers:       []planmodifier.Map{mapplanmodifier.RequiresReplace()},
			},
			"method": schema.StringAttribute{Computed: true, MarkdownDescription: "`restore` (in place from the target's own snapshot) or `overwrite`.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"completed_at": schema.StringAttribute{Computed: true, MarkdownDescription: "When the instance was running again with the restored data (RFC 3339).",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true}),
		},
	}
}

func (r *instanceRestoreResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = clientFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan warns, in the plan itself, whose data the apply will overwrite.
func (r *instanceRestoreResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	creating := req.State.Raw.IsNull() || len(resp.RequiresReplace) > 0
	if req.Plan.Raw.IsNull() || !creating {
		return
	}
	var plan instanceRestoreModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	target := plan.InstanceID.ValueString()
	if plan.InstanceID.IsUnknown() {
		target = "(known after apply)"
	}
	resp.Diagnostics.AddWarning("This apply overwrites instance data",
		fmt.Sprintf("Applying replaces all data of Aura instance %s with the data of the restore source. Data written since that snapshot is lost.", target))
}

func (r *instanceRestoreResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan instanceRestoreModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c := r.data.client
	target := plan.InstanceID.ValueString()
	source := plan.SourceInstanceID.ValueString()
	if source == "" {
		source = target
	}
	snapshot := plan.SnapshotID.ValueString()
	method := "overwrite"
	if snapshot != "" && source == target {
		method = "restore"
	}
	if !r.checkSource(ctx, c, method, source, snapshot, resp) {
		return
	}
	if _, err := c.WaitForInstance(ctx, target, "running"); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("instance_id"), "Target instance not ready", err.Error())
		return
	}
	var err error
	if method == "restore" {
		err = c.Act(ctx, target, func() error { return c.RestoreSnapshot(ctx, target, snapshot) }, "restoring")
	} else {
		err = c.Act(ctx, target, func() error { return c.OverwriteInstance(ctx, target, source, snapshot) }, "overwriting")
	}
	r.data.snapshots.forget(target)
	if err != nil {
		resp.Diagnostics.AddError("Starting the "+method+" failed", err.Error())
		return
	}
	started := time.Now().UTC()
	state := plan
	state.ID = types.StringValue(fmt.Sprintf("%s/%s/%s", target, method, started.Format(time.RFC3339)))
	state.Method, state.CompletedAt = types.StringValue(method), types.StringNull()
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...) // accepted: in state even if the wait fails

	if _, err := c.AwaitInstance(ctx, target, "running"); err != nil {
		resp.Diagnostics.AddError("The "+method+" did not finish", err.Error())
		return
	}
	state.CompletedAt = types.StringValue(c.ServerNow().Format(time.RFC3339))
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// checkSource refuses, before anything is sent, a snapshot Aura would refuse.
func (r *instanceRestoreResource) checkSource(ctx context.Context, c *aura.Client, method, source, snapshot string, resp *resource.CreateResponse) bool {
	if snapshot == "" {
		return true
	}
	s, err := c.GetSnapshot(ctx, source, snapshot)
	switch {
	case errors.Is(err, aura.ErrNotFound):
		resp.Diagnostics.AddAttributeError(path.Root("snapshot_id"), "Snapshot not found",
			fmt.Sprintf("Instance %s has no snapshot %s; it may have expired, or belong to another instance (set source_instance_id).", source, snapshot))
		return false
	case err != nil:
		resp.Diagnostics.AddError("Reading the snapshot failed", err.Error())
		return false
	case s.Status != "Completed":
		resp.Diagnostics.AddAttributeError(path.Root("snapshot_id"), "Snapshot not completed",
			fmt.Sprintf("Snapshot %s is %s; only Completed snapshots can be restored.", snapshot, s.Status))
		return false
	case method == "overwrite" && !s.Exportable:
		resp.Diagnostics.AddAttributeError(path.Root("snapshot_id"), "Snapshot not exportable",
			fmt.Sprintf("Snapshot %s of instance %s is not exportable, and an overwrite from another instance needs an exportable snapshot (differential snapshots never are; full ones only within their exportable window).", snapshot, source))
		return false
	}
	return true
}

func (r *instanceRestoreResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {
	// An event has nothing to read back: the state, which the framework hands over unchanged, is what happened.
}

func (r *instanceRestoreResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	keepPlan[instanceRestoreModel](ctx, req, resp)
}

func (r *instanceRestoreResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
	// Nothing to undo: the restore happened. Removing the resource only forgets it.
}

// mustBeTrue makes confirm_overwrite a deliberate act.
type mustBeTrue struct{}

func (mustBeTrue) Description(context.Context) string { return "must be true" }
func (v mustBeTrue) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (mustBeTrue) ValidateBool(_ context.Context, req validator.BoolRequest, resp *validator.BoolResponse) {
	if req.ConfigValue.IsUnknown() || req.ConfigValue.ValueBool() {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Overwrite not confirmed",
		fmt.Sprintf("%s must be true: this operation replaces all data of the instance. Allowed value: true.", req.Path))
}
