package provider

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
)

var (
	_ resource.Resource               = (*databaseUploadResource)(nil)
	_ resource.ResourceWithConfigure  = (*databaseUploadResource)(nil)
	_ resource.ResourceWithModifyPlan = (*databaseUploadResource)(nil)
)

const uploadFeature = "database upload"

type databaseUploadResource struct{ data *providerData }

func NewDatabaseUploadResource() resource.Resource { return &databaseUploadResource{} }

type databaseUploadModel struct {
	ID               types.String   `tfsdk:"id"`
	InstanceID       types.String   `tfsdk:"instance_id"`
	SourcePath       types.String   `tfsdk:"source_path"`
	ConfirmOverwrite types.Bool     `tfsdk:"confirm_overwrite"`
	SourceSHA256     types.String   `tfsdk:"source_sha256"`
	UploadedAt       types.String   `tfsdk:"uploaded_at"`
	Timeouts         timeouts.Value `tfsdk:"timeouts"`
}

func (r *databaseUploadResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_database_upload"
}

func (r *databaseUploadResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Replaces an instance's data with a local backup file, once, when created: the API equivalent of the console's " +
			"\"Restore from backup file\" and of `neo4j-admin database upload`. The file kind must match the instance: `.backup` for AuraDB 5, " +
			"`.dump` for AuraDB 4, `.tar` for AuraDS. Needs `confirm_overwrite = true`. A changed file (`source_sha256`) uploads again. " +
			"Refused while a network access configuration disables public traffic for the instance's region. Destroy only forgets. " +
			"**Extension:** the public Aura API v1 does not expose upload. Not importable.",
		Attributes: map[string]schema.Attribute{
			"id":          schema.StringAttribute{Computed: true, MarkdownDescription: "`<instance_id>/<source_sha256>`.", PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"instance_id": schema.StringAttribute{Required: true, MarkdownDescription: "Instance whose data is replaced. Changing it forces a new upload.", PlanModifiers: replace},
			"source_path": schema.StringAttribute{
				Required: true, MarkdownDescription: "Local `.backup`, `.dump` or `.tar` file. Changing it forces a new upload.", PlanModifiers: replace,
				Validators: []validator.String{stringvalidator.RegexMatches(backupFileRegexp, "must name a .backup, .dump or .tar file")},
			},
			"confirm_overwrite": schema.BoolAttribute{Required: true, MarkdownDescription: "Must be `true`: the upload overwrites all data of `instance_id`.", Validators: []validator.Bool{mustBeTrue{}}},
			"source_sha256": schema.StringAttribute{Computed: true, MarkdownDescription: "SHA-256 of the file uploaded; a different file at `source_path` forces a new upload.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"uploaded_at": schema.StringAttribute{Computed: true, MarkdownDescription: "When the instance was running with the uploaded data (RFC 3339).", PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"timeouts":    timeouts.Attributes(ctx, timeouts.Opts{Create: true}),
		},
	}
}

func (r *databaseUploadResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = clientFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan hashes the file at plan time: a different file than the one uploaded forces a new upload, and the
// plan warns whose data it will overwrite.
func (r *databaseUploadResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan, state databaseUploadModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	creating := req.State.Raw.IsNull()
	if !creating {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	sum := types.StringUnknown()
	if !plan.SourcePath.IsUnknown() {
		if s, err := aura.FileSHA256(plan.SourcePath.ValueString()); err == nil {
			sum = types.StringValue(s)
		}
	}
	if !creating && !sum.IsUnknown() && !sum.Equal(state.SourceSHA256) {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("source_sha256"))
		creating = true
	}
	if !creating {
		return
	}
	// Unknown until apply: the file may be written earlier in the same apply (by aura_snapshot_export).
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("source_sha256"), types.StringUnknown())...)
	resp.Diagnostics.AddWarning("This apply overwrites instance data",
		fmt.Sprintf("Applying replaces all data of Aura instance %s with the contents of %s.", plan.InstanceID.ValueString(), plan.SourcePath.ValueString()))
}

func (r *databaseUploadResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan databaseUploadModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c := r.data.client
	instanceID, source := plan.InstanceID.ValueString(), plan.SourcePath.ValueString()
	sum, err := aura.FileSHA256(source)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("source_path"), "Cannot read the backup file", err.Error())
		return
	}
	in, err := c.WaitForInstance(ctx, instanceID, "running")
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("instance_id"), "Target instance not ready", err.Error())
		return
	}
	if msg := fileKindMismatch(in.Type, source); msg != "" {
		resp.Diagnostics.AddAttributeError(path.Root("source_path"), "Wrong kind of backup file", msg)
		return
	}
	// An unclear upload was taken if the instance is loading: then it goes into state and is waited for.
	if err = c.Act(ctx, instanceID, func() error { return c.Upload(ctx, instanceID, source) }, "loading"); err != nil {
		r.uploadError(ctx, in, err, resp)
		return
	}
	state := plan
	state.ID = types.StringValue(instanceID + "/" + sum)
	state.SourceSHA256, state.UploadedAt = types.StringValue(sum), types.StringNull()
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...) // accepted: in state, tainted if the load fails

	if _, err := c.AwaitInstance(ctx, instanceID, "running"); err != nil {
		if strings.Contains(err.Error(), "loading failed") {
			resp.Diagnostics.AddError("Aura could not load the backup file",
				fmt.Sprintf("Instance %s reports \"loading failed\": %s is not a valid export of a compatible type and version (AuraDB 5 needs a .backup of version 5, AuraDB 4 a .dump, AuraDS a .tar). %v", instanceID, source, err))
			return
		}
		resp.Diagnostics.AddError("The upload did not finish", err.Error())
		return
	}
	state.UploadedAt = types.StringValue(c.ServerNow().Format(time.RFC3339))
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

var backupFileRegexp = regexpMust(`\.(backup|dump|tar)$`)

// fileKindMismatch refuses, before sending anything, a file that cannot fit the instance. AuraDS takes .tar;
// AuraDB takes .backup (version 5) or .dump (version 4): the API checks the version, which it does not return.
func fileKindMismatch(instType, file string) string {
	ext := strings.TrimPrefix(filepath.Ext(file), ".")
	ds := strings.HasSuffix(instType, "-ds")
	switch {
	case ds && ext != "tar":
		return fmt.Sprintf("Instance type %s (AuraDS) loads .tar files; %s is a .%s file.", instType, filepath.Base(file), ext)
	case !ds && ext == "tar":
		return fmt.Sprintf("Instance type %s (AuraDB) loads .backup (version 5) or .dump (version 4) files; %s is a .tar file, an AuraDS export.", instType, filepath.Base(file))
	}
	return ""
}

func (r *databaseUploadResource) uploadError(ctx context.Context, in *aura.Instance, err error, resp *resource.CreateResponse) {
	switch {
	case aura.HasReason(err, "public-traffic-disabled"):
		which := "a network access configuration"
		if list, lerr := r.data.client.ListNetworkAccess(ctx, in.TenantID); lerr == nil {
			for _, n := range list {
				if n.CloudProvider == in.CloudProvider && n.Region == in.Region && !n.PublicTrafficEnabled {
					which = fmt.Sprintf("network access configuration %s (%s %s %s)", n.ID, n.CloudProvider, n.Region, n.Type)
				}
			}
		}
		resp.Diagnostics.AddError("Upload refused: public traffic is disabled",
			fmt.Sprintf("Uploads into instance %s are refused because %s has public_traffic_enabled = false. Set public_traffic_enabled = true on it (aura_network_access_configuration), apply, and upload again. (%v)", in.ID, which, err))
	case aura.HasReason(err, "file-kind-mismatch"):
		resp.Diagnostics.AddAttributeError(path.Root("source_path"), "Wrong kind of backup file", err.Error())
	default:
		addAPIError(&resp.Diagnostics, "Uploading the backup file failed", uploadFeature, err)
	}
}

func (r *databaseUploadResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {
	// An event has nothing to read back: the state, which the framework hands over unchanged, is what happened.
}

func (r *databaseUploadResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	keepPlan[databaseUploadModel](ctx, req, resp)
}

func (r *databaseUploadResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
	// Nothing to undo: the data was replaced. Removing the resource only forgets it.
}
