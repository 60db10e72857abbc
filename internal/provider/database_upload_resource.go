package provider

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
)

var (
	_ resource.Resource                 = (*databaseUploadResource)(nil)
	_ resource.ResourceWithConfigure    = (*databaseUploadResource)(nil)
	_ resource.ResourceWithModifyPlan   = (*databaseUploadResource)(nil)
	_ resource.ResourceWithUpgradeState = (*databaseUploadResource)(nil)
)

const uploadFeature = "database upload"

type databaseUploadResource struct{ data *providerData }

func NewDatabaseUploadResource() resource.Resource { return &databaseUploadResource{} }

type databaseUploadModel struct {
	actModel
	SourcePath        types.String `tfsdk:"source_path"`
	SourceSHA256      types.String `tfsdk:"source_sha256"`
	UploadedAt        types.String `tfsdk:"uploaded_at"`
	OpenPublicTraffic types.Bool   `tfsdk:"open_public_traffic"`
}

func (r *databaseUploadResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_database_upload"
}

func (r *databaseUploadResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	attrs := actAttributes(ctx, "upload", "`<instance_id>/<source_sha256>`.")
	attrs["source_path"] = schema.StringAttribute{
		Required: true, MarkdownDescription: "Local `.backup`, `.dump` or `.tar` file. A change is recorded in place and uploads nothing.",
		Validators: []validator.String{stringvalidator.RegexMatches(backupFileRegexp, "must name a .backup, .dump or .tar file")},
	}
	attrs["source_sha256"] = schema.StringAttribute{Computed: true, MarkdownDescription: "SHA-256 of the file uploaded.", PlanModifiers: keep}
	attrs["uploaded_at"] = schema.StringAttribute{Computed: true, MarkdownDescription: "When the instance was seen running with the uploaded data (RFC 3339).", PlanModifiers: keep}
	attrs["open_public_traffic"] = schema.BoolAttribute{
		Optional: true, Computed: true, Default: booldefault.StaticBool(false),
		MarkdownDescription: "Aura refuses an upload while a network access configuration disables public traffic in the instance's " +
			"cloud region (any tier's). With `true`, the upload follows Aura's documented workflow: the provider turns public traffic on in " +
			"each such configuration, waits until the configuration is ready (the setting holds only then), uploads, and turns it off " +
			"again, also when the upload fails or the resource's timeout ends (that last step has up to 10 minutes of its own). If turning it " +
			"off fails, the upload is kept (never sent again), a warning says how to close it, and every later plan warns until it is off. " +
			"A provider process killed outright (SIGKILL) while public traffic is on cannot turn it off, nor record it. Uploads of " +
			"one apply into the same region share the opening: it is turned off after the last of them. A configuration managed by " +
			"`aura_network_access_configuration` is back as configured, so its next plan is empty. The plan says when it will be opened. " +
			"With `false` (default) such an upload is refused before anything is sent. A change is recorded in place and uploads nothing.",
	}
	resp.Schema = schema.Schema{
		Version: 2,
		MarkdownDescription: "Replaces an instance's data with a local backup file, once, when created: what `neo4j-admin database upload` " +
			"and the console's \"Restore from backup file\" do. Guarded by `confirm_overwrite` and preceded by an undo snapshot.",
		Attributes: attrs,
	}
}

func (r *databaseUploadResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan announces a planned upload with the file and its hash, and says when a change, or a different
// file at source_path, uploads nothing.
func (r *databaseUploadResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan databaseUploadModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	file := "a file written during the apply"
	sum := types.StringUnknown()
	if !plan.SourcePath.IsUnknown() {
		file = plan.SourcePath.ValueString()
		if s, err := aura.FileSHA256(file); err == nil {
			sum = types.StringValue(s)
			file += " (sha256 " + s + ")"
		} else {
			file += " (not readable yet; it may be written during the apply)"
		}
	}
	if !actPlanned(ctx, req, &resp.Diagnostics) {
		warnUnactedChanges(ctx, req, resp, "upload", "instance_id", "source_path")
		var uploaded types.String
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("source_sha256"), &uploaded)...)
		if !sum.IsUnknown() && !sum.Equal(uploaded) {
			resp.Diagnostics.AddWarning("The file differs from the one uploaded; no upload runs",
				fmt.Sprintf("%s is not the file uploaded (sha256 %s). Nothing is uploaded by itself: change triggers (for example triggers = { file = filesha256(...) }) to upload it.", file, uploaded.ValueString()))
		}
		return
	}
	in, err, ok := r.data.targetAtPlan(ctx, plan.InstanceID, "instance_id", "upload", true, &resp.Diagnostics)
	if !ok {
		return
	}
	if in != nil && !plan.SourcePath.IsUnknown() {
		if msg := fileKindMismatch(in.Type, plan.SourcePath.ValueString()); msg != "" {
			resp.Diagnostics.AddAttributeError(path.Root("source_path"), "Wrong kind of backup file", msg)
			return
		}
		if msg := importOnly(in, plan.SourcePath.ValueString()); msg != "" {
			resp.Diagnostics.AddAttributeError(path.Root("instance_id"), importOnlyTitle, msg)
			return
		}
	}
	// The file announced is the file uploaded: the apply refuses one that changed since (unknown: not yet written).
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("source_sha256"), sum)...)
	window := r.planWindow(ctx, in, plan.OpenPublicTraffic.ValueBool(), &resp.Diagnostics)
	resp.Diagnostics.AddWarning("This apply overwrites instance data",
		fmt.Sprintf("The apply replaces all data of %s with the contents of %s; everything in it now is lost.%s%s",
			describe(plan.InstanceID, in, err), file, backupNote(plan.BackupBefore), window))
}

func (r *databaseUploadResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan databaseUploadModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	c := r.data.client
	instanceID, source := plan.InstanceID.ValueString(), plan.SourcePath.ValueString()
	sum, err := aura.FileSHA256(source)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("source_path"), "Cannot read the backup file", err.Error())
		return
	}
	if planned := plan.SourceSHA256; !planned.IsUnknown() && !planned.IsNull() && planned.ValueString() != sum {
		resp.Diagnostics.AddAttributeError(path.Root("source_path"), "The file changed since the plan",
			fmt.Sprintf("%s has sha256 %s, but the plan announced the upload of sha256 %s. Nothing was uploaded; plan again to upload this file.", source, sum, planned.ValueString()))
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
	if msg := importOnly(in, source); msg != "" {
		resp.Diagnostics.AddAttributeError(path.Root("instance_id"), importOnlyTitle, msg)
		return
	}
	window, ok := r.joinWindow(ctx, in, plan.OpenPublicTraffic.ValueBool(), &resp.Diagnostics)
	if !ok {
		return
	}
	defer leaveWindow(ctx, window, false, &resp.Diagnostics) // on every way out before the upload is sent
	state := plan
	if state.BackupSnapshotID, ok = r.data.backupFor(ctx, plan.BackupBefore, instanceID, "upload", &resp.Diagnostics); !ok {
		return
	}
	if err := window.open(ctx); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("open_public_traffic"), "Turning on public traffic for the upload failed",
			err.Error()+". Nothing was uploaded; public traffic is turned off again.")
		return
	}
	// An unclear upload was taken if the instance is loading: then it goes into state and is waited for.
	err = c.Act(ctx, instanceID, func() error { return c.Upload(ctx, instanceID, source) }, "loading")
	r.data.seen(instanceID, nil)
	// The file has been sent or will not be: public traffic is needed no longer.
	left := leaveWindow(ctx, window, err == nil, &resp.Diagnostics)
	if err != nil {
		r.uploadError(ctx, in, err, resp)
		return
	}
	recordLeftOpen(ctx, resp.Private, left, &resp.Diagnostics)
	state.ID = types.StringValue(instanceID + "/" + sum)
	state.SourceSHA256, state.Status, state.UploadedAt = types.StringValue(sum), types.StringValue(actPending), types.StringNull()
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...) // accepted: in state whatever the wait says

	status, finished := r.data.awaitAct(ctx, instanceID, "upload", &resp.Diagnostics)
	state.Status, state.UploadedAt = types.StringValue(status), finished
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

var backupFileRegexp = regexp.MustCompile(`\.(backup|dump|tar)$`)

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

const importOnlyTitle = "Upload is not supported into this instance"

// importOnly applies Aura's customer-managed-key rule (api/README.md C.3) where the provider can: the API does
// not return an instance's version, but a .dump file loads only into Neo4j 4, so such a file into an Azure
// instance with a key can never load (and into Neo4j 5 it is the wrong kind). A .backup into such a Neo4j 4
// instance is left to the API's 400.
func importOnly(in *aura.Instance, file string) string {
	if in.CloudProvider != "azure" || in.CustomerManagedKeyID == nil || strings.HasSuffix(in.Type, "-ds") || filepath.Ext(file) != ".dump" {
		return ""
	}
	return fmt.Sprintf("instance_id %s is on Azure and encrypted with customer managed key %s, and source_path %s is a .dump file, which only Neo4j 4 instances load. "+
		"Aura does not support upload into Neo4j 4 instances on Azure encrypted with a customer managed key (and Neo4j 5 does not load .dump files): "+
		"load the data with Aura's Import service instead.", in.ID, *in.CustomerManagedKeyID, filepath.Base(file))
}

func (r *databaseUploadResource) uploadError(ctx context.Context, in *aura.Instance, err error, resp *resource.CreateResponse) {
	switch {
	case aura.HasReason(err, "public-traffic-disabled"):
		which := "a network access configuration"
		if list, lerr := r.data.publicTrafficBlockers(ctx, in, false); lerr == nil && len(list) > 0 {
			which = describeNetworks(list)
		}
		resp.Diagnostics.AddAttributeError(path.Root("open_public_traffic"), publicTrafficRefusedTitle, publicTrafficRefusal(in.ID, which)+fmt.Sprintf(" (%v)", err))
	case aura.HasReason(err, "upload-not-supported"):
		resp.Diagnostics.AddAttributeError(path.Root("instance_id"), importOnlyTitle,
			fmt.Sprintf("instance_id %s is a Neo4j 4 instance on Azure encrypted with a customer managed key, and Aura does not support upload into it: load the data with Aura's Import service instead. (%v)", in.ID, err))
	case aura.HasReason(err, "file-kind-mismatch"):
		resp.Diagnostics.AddAttributeError(path.Root("source_path"), "Wrong kind of backup file", err.Error())
	default:
		addAPIError(&resp.Diagnostics, "Uploading the backup file failed", uploadFeature, err)
	}
}

// Read brings a pending upload up to date; a finished one is history and is handed back unchanged. Public
// traffic that its window left open is warned of until it is closed.
func (r *databaseUploadResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readAct(ctx, r.data, req, resp, func(m *databaseUploadModel) (types.String, *types.String, *types.String) {
		return m.InstanceID, &m.Status, &m.UploadedAt
	})
	r.warnLeftOpen(ctx, req, resp)
}

// Update records changed inputs and settings; it never uploads.
func (r *databaseUploadResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	keepPlan[databaseUploadModel](ctx, req, resp)
}

func (r *databaseUploadResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
	// Nothing to undo: the data was replaced. Removing the resource only forgets it.
}

// UpgradeState: version 2 added open_public_traffic; an upload written before it ran without, as false does.
// upgradeFromV0's JSON fill serves version 1 just as well.
func (r *databaseUploadResource) UpgradeState(context.Context) map[int64]resource.StateUpgrader {
	addWindow := func(attrs map[string]any) { attrs["open_public_traffic"] = false }
	fromV0 := upgradeFromV0(func(attrs map[string]any) { upgradeAct("uploaded_at")(attrs); addWindow(attrs) })
	return map[int64]resource.StateUpgrader{0: fromV0[0], 1: upgradeFromV0(addWindow)[0]}
}
