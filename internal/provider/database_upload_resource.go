package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
	"github.com/aura-terraform/terraform-provider-aura/internal/auraupload"
)

var (
	_ resource.Resource                 = (*databaseUploadResource)(nil)
	_ resource.ResourceWithConfigure    = (*databaseUploadResource)(nil)
	_ resource.ResourceWithModifyPlan   = (*databaseUploadResource)(nil)
	_ resource.ResourceWithUpgradeState = (*databaseUploadResource)(nil)
)

type databaseUploadResource struct{ data *providerData }

func NewDatabaseUploadResource() resource.Resource { return &databaseUploadResource{} }

type databaseUploadModel struct {
	actModel
	SourcePath        types.String `tfsdk:"source_path"`
	SourceSHA256      types.String `tfsdk:"source_sha256"`
	UploadedAt        types.String `tfsdk:"uploaded_at"`
	OpenPublicTraffic types.Bool   `tfsdk:"open_public_traffic"`
	Username          types.String `tfsdk:"username"`
	PasswordWO        types.String `tfsdk:"password_wo"`
	PasswordWOVersion types.Int64  `tfsdk:"password_wo_version"`
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
	attrs["username"] = schema.StringAttribute{
		Optional: true, Computed: true, Default: stringdefault.StaticString("neo4j"),
		Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
		MarkdownDescription: "The database user the upload authenticates as, on the Aura console host: an admin of the instance's " +
			"database. Default `neo4j`, the user Aura creates with the instance. A change is recorded in place and uploads nothing.",
	}
	attrs["password_wo"] = schema.StringAttribute{
		Optional: true, Sensitive: true, WriteOnly: true,
		Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
		MarkdownDescription: "The password of `username` on the instance's database (for `neo4j`, the instance's `password` as " +
			"`aura_instance` returns it, unless changed since). Needed when the upload runs. Write-only (Terraform 1.11 or later, " +
			"OpenTofu 1.11 or later): it is sent to the provider but never stored in state or plan. The provider passes it only to " +
			"the console host's authentication, as HTTP Basic, and never logs it.",
	}
	attrs["password_wo_version"] = schema.Int64Attribute{
		Optional: true,
		MarkdownDescription: "Change it when `password_wo` changes, as Terraform cannot see a write-only value change. A change is " +
			"recorded in place and uploads nothing (as for every input of this resource): the new password is used the next time " +
			"the upload runs, through `triggers` or `-replace`.",
	}
	resp.Schema = schema.Schema{
		Version: 3,
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
		warnUnactedChanges(ctx, req, resp, "upload", "instance_id", "source_path", "username", "password_wo_version")
		var uploaded types.String
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("source_sha256"), &uploaded)...)
		if !sum.IsUnknown() && !sum.Equal(uploaded) {
			resp.Diagnostics.AddWarning("The file differs from the one uploaded; no upload runs",
				fmt.Sprintf("%s is not the file uploaded (sha256 %s). Nothing is uploaded by itself: to upload it, change triggers to a value you set (for example triggers = { upload = \"2026-12-03\" }).", file, uploaded.ValueString()))
		}
		return
	}
	// open_public_traffic changes a network access configuration: the project's extension, which the public API lacks.
	if plan.OpenPublicTraffic.ValueBool() && !r.data.extensionAtPlan(ctx, networkFeature, types.StringNull(), &resp.Diagnostics) {
		return
	}
	if msg := r.data.consoleUnset(); msg != "" {
		resp.Diagnostics.AddError(consoleUnsetTitle, msg)
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
	if in != nil && in.ConnectionURL != "" {
		if _, err := auraupload.ConsoleFor(in.ConnectionURL, r.data.consoleURL); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("instance_id"), noConsoleTitle, noConsole(in.ID, err))
			return
		}
	}
	// Checked after the target and the file, whose refusals say more.
	var password types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("password_wo"), &password)...)
	if password.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("password_wo"), "Missing password_wo", missingPassword)
		return
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
	var password types.String // write-only: in the configuration, never in the plan
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("password_wo"), &password)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if password.IsNull() || password.IsUnknown() || password.ValueString() == "" {
		resp.Diagnostics.AddAttributeError(path.Root("password_wo"), "Missing password_wo", missingPassword)
		return
	}
	ctx = tflog.MaskAllFieldValuesStrings(tflog.MaskMessageStrings(ctx, password.ValueString()), password.ValueString())
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	c := r.data.client
	instanceID, source := plan.InstanceID.ValueString(), plan.SourcePath.ValueString()
	// One read of the file gives the plan's SHA-256, and the CRC32 and store size the protocol sends.
	file, err := auraupload.Inspect(source)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("source_path"), "Cannot read the backup file", err.Error())
		return
	}
	sum := file.SHA256
	if planned := plan.SourceSHA256; !planned.IsUnknown() && !planned.IsNull() && planned.ValueString() != sum {
		resp.Diagnostics.AddAttributeError(path.Root("source_path"), "The file changed since the plan",
			fmt.Sprintf("%s has sha256 %s, but the plan announced the upload of sha256 %s. Nothing was uploaded; plan again to upload this file.", source, sum, planned.ValueString()))
		return
	}
	if msg := r.data.consoleUnset(); msg != "" {
		resp.Diagnostics.AddError(consoleUnsetTitle, msg)
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
	target, err := auraupload.ConsoleFor(in.ConnectionURL, r.data.consoleURL)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("instance_id"), noConsoleTitle, noConsole(in.ID, err))
		return
	}
	window, ok := r.joinWindow(ctx, in, plan.OpenPublicTraffic.ValueBool(), &resp.Diagnostics)
	if !ok {
		return
	}
	defer leaveWindow(ctx, window, false, &resp.Diagnostics) // on every way out before the upload is sent
	state := plan
	state.PasswordWO = types.StringNull()
	upload := auraupload.Request{Target: target, Username: plan.Username.ValueString(), Password: password.ValueString(), File: file}
	// Credentials, consent and size are checked before the undo snapshot, which a refusal there would waste.
	// With public traffic to open, authentication can only succeed once it is open, after the snapshot.
	if !plan.OpenPublicTraffic.ValueBool() {
		if err := r.data.upload.Check(ctx, upload); err != nil {
			r.uploadError(ctx, in, file, target, plan.Username.ValueString(), err, resp)
			return
		}
	}
	if state.BackupSnapshotID, ok = r.data.backupFor(ctx, plan.BackupBefore, instanceID, "upload", &resp.Diagnostics); !ok {
		return
	}
	if err := window.open(ctx); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("open_public_traffic"), "Turning on public traffic for the upload failed",
			err.Error()+". Nothing was uploaded; public traffic is turned off again.")
		return
	}
	load, err := r.data.upload.Upload(ctx, upload)
	r.data.seen(instanceID, nil)
	// An upload-complete whose outcome stayed unclear may have been taken: it is recorded, never sent again.
	unclear := isKind(err, auraupload.KindUnclear)
	// The file has been sent or will not be: public traffic is needed no longer.
	left := leaveWindow(ctx, window, err == nil || unclear, &resp.Diagnostics)
	if err != nil && !unclear {
		r.uploadError(ctx, in, file, target, plan.Username.ValueString(), err, resp)
		return
	}
	recordLeftOpen(ctx, resp.Private, left, &resp.Diagnostics)
	state.ID = types.StringValue(instanceID + "/" + sum)
	state.SourceSHA256, state.Status, state.UploadedAt = types.StringValue(sum), types.StringValue(actPending), types.StringNull()
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...) // accepted: in state whatever the wait says
	if unclear {
		resp.Diagnostics.AddWarning("The upload may or may not have been taken",
			fmt.Sprintf("Aura's answer to the end of the upload into instance %s was unclear, and its import status did not tell whether Aura took it (%v). "+
				"It is recorded with status = %q and is not sent again, so the file is never loaded twice; the next refresh brings status up to date. "+
				"If the instance's data did not change, change triggers to upload again.", instanceID, err, actPending))
		return
	}
	state.Status, state.UploadedAt = r.awaitLoad(ctx, load, instanceID, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

const missingPassword = "The upload authenticates on the Aura console host with the database user's password: set password_wo " +
	"(for example password_wo = aura_instance.example.password). It is write-only: never stored in state or plan."

// awaitLoad follows the import status after Aura took the upload. As for every act, nothing after the acceptance
// is an error (it would taint the resource, and the next apply would upload again): a failed load is status
// "failed" with Aura's message and link, a wait that ends early leaves "pending" for the next refresh.
func (r *databaseUploadResource) awaitLoad(ctx context.Context, load *auraupload.Load, instanceID string, diags *diag.Diagnostics) (types.String, types.String) {
	err := load.Wait(ctx)
	var e *auraupload.Error
	switch {
	case err == nil:
		return types.StringValue(actCompleted), types.StringValue(r.data.client.ServerNow().Format(time.RFC3339))
	case errors.As(err, &e) && e.Kind == auraupload.KindLoadFailed:
		link := ""
		if e.URL != "" {
			link = " See: " + e.URL + "."
		}
		diags.AddWarning("Aura failed to load the uploaded file",
			fmt.Sprintf("Aura took the upload into instance %s but reports \"loading failed\": %s (%s).%s The resource is kept with status = %q and "+
				"the upload is not sent again by itself: fix the file (Aura's message says what it refused), then change triggers to upload again.",
				instanceID, strings.TrimSuffix(e.Message, "."), e.Reason, link, actFailed))
		return types.StringValue(actFailed), types.StringNull()
	}
	diags.AddWarning("The upload is still loading in Aura",
		fmt.Sprintf("Aura took the upload into instance %s, but waiting for it to load ended: %v. It is recorded with status = %q and will not be sent again; the next refresh brings status up to date.", instanceID, err, actPending))
	return types.StringValue(actPending), types.StringNull()
}

func isKind(err error, k auraupload.Kind) bool {
	var e *auraupload.Error
	return errors.As(err, &e) && e.Kind == k
}

const noConsoleTitle = "No Aura console host for this instance"

const consoleUnsetTitle = "console_url is not set for this API"

func noConsole(instanceID string, err error) string {
	if errors.Is(err, auraupload.ErrConsoleNotDerived) {
		return fmt.Sprintf("The upload into instance %s goes through the Aura console host, which is derived from the instance's connection URL: %v. "+
			"Set console_url in the provider block (or AURA_CONSOLE_URL) to the console host of this instance's Aura environment. Nothing was uploaded.", instanceID, err)
	}
	return fmt.Sprintf("The upload into instance %s goes through the Aura console host and names the database as the instance's connection URL does: %v. "+
		"console_url cannot help, since the database still has to be named from that URL. Upload with neo4j-admin database upload instead. Nothing was uploaded.", instanceID, err)
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

// uploadError words a refused upload, before Aura took it: nothing was loaded. Each names the cause and the remedy.
func (r *databaseUploadResource) uploadError(ctx context.Context, in *aura.Instance, file *auraupload.File, target auraupload.Target, user string, err error, resp *resource.CreateResponse) {
	d := &resp.Diagnostics
	var e *auraupload.Error
	if !errors.As(err, &e) {
		d.AddError("Uploading the backup file failed", err.Error()+". Nothing was loaded.")
		return
	}
	// Aura refuses an upload while public traffic is off in the region (at authentication: it checks the
	// credentials on the instance), and one into a Neo4j 4 instance on Azure with a customer managed key.
	switch {
	case e.Reason == "PublicTrafficDisabled" || (e.Step == "auth" && e.Status == http.StatusForbidden && r.blocked(ctx, in)):
		which := "a network access configuration"
		if list, lerr := r.data.publicTrafficBlockers(ctx, in, false); lerr == nil && len(list) > 0 {
			which = describeNetworks(list)
		}
		d.AddAttributeError(path.Root("open_public_traffic"), publicTrafficRefusedTitle,
			publicTrafficRefusal(in.ID, which)+fmt.Sprintf(" Aura refused the upload at authentication (%v). Nothing was loaded.", err))
		return
	case e.Reason == "UploadNotSupported":
		d.AddAttributeError(path.Root("instance_id"), importOnlyTitle,
			fmt.Sprintf("instance_id %s is a Neo4j 4 instance on Azure encrypted with a customer managed key, and Aura does not support upload into it: load the data with Aura's Import service instead. (%v)", in.ID, err))
		return
	}
	switch e.Kind {
	case auraupload.KindBadCredentials:
		d.AddAttributeError(path.Root("password_wo"), "Aura refused the database credentials",
			fmt.Sprintf("The Aura console host %s refused user %q with the password given for instance %s (%v). password_wo must be the current password "+
				"of username on the instance's database (for neo4j, the password aura_instance returned at creation, unless changed since). "+
				"Correct password_wo and apply again. Nothing was loaded.", target.BaseURL, user, in.ID, err))
	case auraupload.KindNotAdmin:
		d.AddAttributeError(path.Root("username"), "The database user may not upload",
			fmt.Sprintf("User %q does not have administrative access to the database of instance %s (%v). Upload as an admin user, such as neo4j, the user Aura creates. Nothing was loaded.", user, in.ID, err))
	case auraupload.KindNoConsent:
		d.AddError("Aura did not take the consent to overwrite",
			fmt.Sprintf("Aura reports that the database of instance %s holds data and consent to overwrite it was not given (%v), although the provider sends it (confirm_overwrite = true). "+
				"Nothing was loaded. Apply again; if it persists, upload once with neo4j-admin database upload --overwrite-destination=true.", in.ID, err))
	case auraupload.KindTooLarge:
		storage := "its storage"
		if in.Storage != nil {
			storage = "its storage of " + *in.Storage
		}
		d.AddAttributeError(path.Root("source_path"), "The store does not fit the instance",
			fmt.Sprintf("%s holds a store of %s (%d bytes uncompressed, as its archive header says; the file has %d bytes), which does not fit instance %s with %s (%v). "+
				"Resize the instance (memory and storage in aura_instance), or upload a smaller store. Nothing was loaded.",
				file.Path, gib(file.FullSize), file.FullSize, file.Size, in.ID, storage, err))
	case auraupload.KindClientTooOld:
		d.AddError("Aura no longer accepts this upload client",
			fmt.Sprintf("The Aura console host %s answered %d at step %s (%v): Aura's way of saying that it no longer accepts this version of the upload protocol, "+
				"or that the console host is not the one of instance %s. Upgrade the provider, check console_url, or upload with the newest neo4j-admin database upload. Nothing was loaded.",
				target.BaseURL, e.Status, e.Step, err, in.ID))
	case auraupload.KindTokenExpired:
		d.AddError("The upload's authentication expired",
			fmt.Sprintf("Aura refused the upload's token at step %s (%v). Nothing was loaded; apply again.", e.Step, err))
	default:
		if e.Status == 0 && (e.Step == "auth" || e.Step == "upload") {
			d.AddError("Uploading the backup file failed",
				fmt.Sprintf("%v. The Aura console host (%s) and the cloud storage Aura signs the upload for must be reachable over HTTPS from the machine that runs Terraform. Nothing was loaded.", err, target.BaseURL))
			return
		}
		d.AddError("Uploading the backup file failed", err.Error()+". Nothing was loaded.")
	}
}

// blocked tells whether a network access configuration turns public traffic off for the instance's region.
func (r *databaseUploadResource) blocked(ctx context.Context, in *aura.Instance) bool {
	list, err := r.data.publicTrafficBlockers(ctx, in, false)
	return err == nil && len(list) > 0
}

// gib words a size in GiB, as Aura words storage.
func gib(b int64) string { return fmt.Sprintf("%.1f GiB", float64(b)/(1<<30)) }

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
// Version 3 added username (the upload ran as neo4j) and the write-only password, never in state.
// upgradeFromV0's JSON fill serves version 1 just as well.
func (r *databaseUploadResource) UpgradeState(context.Context) map[int64]resource.StateUpgrader {
	addCredentials := func(attrs map[string]any) {
		attrs["username"], attrs["password_wo"], attrs["password_wo_version"] = "neo4j", nil, nil
	}
	addWindow := func(attrs map[string]any) { attrs["open_public_traffic"] = false; addCredentials(attrs) }
	fromV0 := upgradeFromV0(func(attrs map[string]any) { upgradeAct("uploaded_at")(attrs); addWindow(attrs) })
	return map[int64]resource.StateUpgrader{0: fromV0[0], 1: upgradeFromV0(addWindow)[0], 2: upgradeFromV0(addCredentials)[0]}
}
