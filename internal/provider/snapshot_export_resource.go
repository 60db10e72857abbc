package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
)

var (
	_ resource.Resource               = (*snapshotExportResource)(nil)
	_ resource.ResourceWithConfigure  = (*snapshotExportResource)(nil)
	_ resource.ResourceWithModifyPlan = (*snapshotExportResource)(nil)
)

const exportFeature = "snapshot export"

type snapshotExportResource struct{ data *providerData }

func NewSnapshotExportResource() resource.Resource { return &snapshotExportResource{} }

type snapshotExportModel struct {
	ID         types.String   `tfsdk:"id"`
	InstanceID types.String   `tfsdk:"instance_id"`
	SnapshotID types.String   `tfsdk:"snapshot_id"`
	Path       types.String   `tfsdk:"path"`
	Format     types.String   `tfsdk:"format"`
	SizeBytes  types.Int64    `tfsdk:"size_bytes"`
	SHA256     types.String   `tfsdk:"sha256"`
	ExportedAt types.String   `tfsdk:"exported_at"`
	Timeouts   timeouts.Value `tfsdk:"timeouts"`
}

func (r *snapshotExportResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_snapshot_export"
}

func (r *snapshotExportResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Downloads an exportable snapshot to a local file: `.backup` for AuraDB 5, `.dump` for AuraDB 4, `.tar` for AuraDS. " +
			"An extension of the project: the public Aura API has no export.",
		Attributes: map[string]schema.Attribute{
			"id":          schema.StringAttribute{Computed: true, MarkdownDescription: "`<instance_id>/<snapshot_id>`.", PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"instance_id": schema.StringAttribute{Required: true, MarkdownDescription: "Instance of the snapshot. Changing it forces a new download.", PlanModifiers: replace},
			"snapshot_id": schema.StringAttribute{Required: true, MarkdownDescription: "An exportable snapshot (full, `Completed`, within its exportable window). Changing it forces a new download.", PlanModifiers: replace},
			"path":        schema.StringAttribute{Required: true, MarkdownDescription: "Local file to write; its directory must exist. Changing it forces a new download.", PlanModifiers: replace},
			"format":      schema.StringAttribute{Computed: true, MarkdownDescription: "`backup`, `dump` or `tar`.", PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"size_bytes":  schema.Int64Attribute{Computed: true, MarkdownDescription: "Size of the file."},
			"sha256":      schema.StringAttribute{Computed: true, MarkdownDescription: "SHA-256 of the file, as announced by the API and checked after the download."},
			"exported_at": schema.StringAttribute{Computed: true, MarkdownDescription: "When the file was written (RFC 3339)."},
			"timeouts":    timeoutsAttribute(ctx, false, false),
		},
	}
}

func (r *snapshotExportResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *snapshotExportResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan snapshotExportModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	c := r.data.client
	instanceID, snapshotID, dest := plan.InstanceID.ValueString(), plan.SnapshotID.ValueString(), plan.Path.ValueString()
	if info, err := os.Stat(filepath.Dir(dest)); err != nil || !info.IsDir() {
		resp.Diagnostics.AddAttributeError(path.Root("path"), "No such directory", fmt.Sprintf("The directory of %s does not exist.", dest))
		return
	}
	if _, ok := r.data.checkSnapshot(ctx, instanceID, snapshotID, forExport, path.Root("snapshot_id"), &resp.Diagnostics); !ok {
		return
	}
	x, err := c.ExportSnapshot(ctx, instanceID, snapshotID)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Exporting the snapshot failed", exportFeature, err)
		return
	}
	if err := c.Download(ctx, x, dest); err != nil {
		resp.Diagnostics.AddError("Downloading the export failed", err.Error()+fmt.Sprintf(". Nothing was written at %s.", dest))
		return
	}
	state := plan
	state.ID = types.StringValue(instanceID + "/" + snapshotID)
	state.Format, state.SizeBytes, state.SHA256 = types.StringValue(x.Format), types.Int64Value(x.SizeBytes), types.StringValue(x.SHA256)
	state.ExportedAt = types.StringValue(time.Now().UTC().Format(time.RFC3339))
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// ModifyPlan proves at plan that the server can export (it has the project's extension) and that the snapshot
// can be exported until the apply could end.
func (r *snapshotExportResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var plan snapshotExportModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !r.data.extensionAtPlan(ctx, exportFeature, types.StringNull(), &resp.Diagnostics) {
		return
	}
	r.data.snapshotAtPlan(ctx, plan.InstanceID, plan.SnapshotID, forExport, path.Root("snapshot_id"), r.data.planUntil(ctx, plan.Timeouts.Create, &resp.Diagnostics), &resp.Diagnostics)
}

// Read checks the local file: missing or changed, it leaves state so that the plan downloads it again.
func (r *snapshotExportResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state snapshotExportModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	sum, err := aura.FileSHA256(state.Path.ValueString())
	if err != nil || sum != state.SHA256.ValueString() {
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *snapshotExportResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state snapshotExportModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	state.Timeouts = plan.Timeouts
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Delete removes the file this resource wrote; a file changed since is left alone (the plan would have
// downloaded it again, so it is no longer ours).
func (r *snapshotExportResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state snapshotExportModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	p := state.Path.ValueString()
	if sum, err := aura.FileSHA256(p); err == nil && sum == state.SHA256.ValueString() {
		if err := os.Remove(p); err != nil {
			resp.Diagnostics.AddError("Deleting the exported file failed", err.Error())
		}
	}
}
