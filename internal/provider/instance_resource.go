package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
)

var (
	_ resource.Resource                   = (*instanceResource)(nil)
	_ resource.ResourceWithConfigure      = (*instanceResource)(nil)
	_ resource.ResourceWithImportState    = (*instanceResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*instanceResource)(nil)
	_ resource.ResourceWithUpgradeState   = (*instanceResource)(nil)
	_ resource.ResourceWithValidateConfig = (*instanceResource)(nil)
)

// instanceResource serves aura_instance and, with clone set, aura_instance_from_snapshot.
type instanceResource struct {
	data  *providerData
	clone bool
}

func NewInstanceResource() resource.Resource { return &instanceResource{} }

func (r *instanceResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_instance"
	if r.clone {
		resp.TypeName += "_from_snapshot"
	}
}

func (r *instanceResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = instanceSchema(ctx, r.clone)
}

func (r *instanceResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *instanceResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	m := r.get(ctx, req.Config, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	validateInstance(&m.instanceModel, resp.Diagnostics.AddAttributeError)
	checkSynonyms(m.TenantID, m.ProjectID, &resp.Diagnostics)
}

func (r *instanceResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan := r.get(ctx, req.Plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	c := r.data.client

	tenantID := r.data.tenant(plan.TenantID, "tenant_id", &resp.Diagnostics)
	if tenantID == "" {
		return
	}
	body := aura.CreateInstanceRequest{
		Name: plan.Name.ValueString(), TenantID: tenantID, Type: plan.Type.ValueString(), Version: plan.Version.ValueString(),
		Region: plan.Region.ValueString(), CloudProvider: plan.CloudProvider.ValueString(), Memory: plan.Memory.ValueString(),
		Storage: knownString(plan.Storage), CustomerManagedKeyID: knownString(plan.CustomerManagedKeyID),
	}
	if plan.VectorOptimized.ValueBool() {
		body.VectorOptimized = plan.VectorOptimized.ValueBoolPointer()
	}
	if plan.GraphAnalyticsPlugin.ValueBool() {
		body.GraphAnalyticsPlugin = plan.GraphAnalyticsPlugin.ValueBoolPointer()
	}
	if r.clone {
		if _, _, ok := r.data.checkCloneSource(ctx, plan.SourceInstanceID.ValueString(), plan.SourceSnapshotID.ValueString(), &resp.Diagnostics); !ok {
			return
		}
		body.SourceInstanceID = knownString(plan.SourceInstanceID)
		body.SourceSnapshotID = knownString(plan.SourceSnapshotID)
	}

	created, err := c.CreateInstance(ctx, body)
	if err != nil {
		resp.Diagnostics.AddError("Creating the Aura instance failed", err.Error())
		return
	}
	if created.Adopted {
		resp.Diagnostics.AddWarning("Instance adopted after an unclear create",
			fmt.Sprintf("The create request for %q failed in transit, but the instance %s had been created; it was adopted instead of creating a second one. Its password was in the lost answer: reset it in the Aura console.", created.Name, created.ID))
	}
	// The API accepted the create: record it at once, so that a failed wait leaves it in state (tainted).
	state := *plan
	state.ID = types.StringValue(created.ID)
	state.TenantID = types.StringValue(tenantID)
	state.ProjectID = state.TenantID
	state.Username = types.StringValue(created.Username)
	state.Password = types.StringValue(created.Password)
	if created.Adopted {
		state.Username, state.Password = types.StringValue("neo4j"), types.StringNull()
	}
	state.Status = types.StringValue("creating")
	state.ConnectionURL = types.StringValue(created.ConnectionURL)
	state.CreatedAt = types.StringValue("")
	if state.Storage.IsUnknown() {
		state.Storage = types.StringNull()
	}
	if state.CDCEnrichmentMode.IsUnknown() {
		state.CDCEnrichmentMode = types.StringNull()
	}
	if state.SecondariesCount.IsUnknown() {
		state.SecondariesCount = types.Int64Null()
	}
	state.GraphNodes, state.GraphRelationships = types.Int64Null(), types.Int64Null()
	r.set(ctx, &resp.State, &state, &resp.Diagnostics)
	recordInstance(ctx, resp.Private, &state.instanceModel, &resp.Diagnostics)

	in, err := c.AwaitInstance(ctx, created.ID, "running")
	if err != nil {
		r.failedAfterCreate(ctx, resp, &state, "become running", "Waiting for the new Aura instance failed", err)
		return
	}
	in, err = r.converge(ctx, in, &plan.instanceModel)
	if in != nil {
		state.fromAPI(in)
		r.set(ctx, &resp.State, &state, &resp.Diagnostics)
	}
	if err != nil {
		r.failedAfterCreate(ctx, resp, &state, "reach its configured settings", "Configuring the new Aura instance failed", err)
	}
}

// failedAfterCreate reports what went wrong once Aura had accepted the create; the instance is in state. A
// wait that ended early (an interrupt, or the create timeout: ctx ended) leaves it untainted, with the status
// last seen: Aura goes on creating it, and a replacement would delete it and start again, so the next apply
// waits for it (ModifyPlan) and applies the rest in place. A clone is never tainted: its replacement would
// copy the data again and drop what was written to it. An instance that failed otherwise (a failure status,
// a setting Aura refused) is tainted, to be replaced by the next apply.
func (r *instanceResource) failedAfterCreate(ctx context.Context, resp *resource.CreateResponse, state *cloneModel, goal, summary string, err error) {
	what := "instance"
	if r.clone {
		what = "clone"
	}
	kept := fmt.Sprintf("The %s exists and is kept in state, untainted", what)
	if r.clone {
		kept += ": the next apply does not copy the data again"
	}
	if ended := ctx.Err(); ended != nil {
		status := state.Status.ValueString()
		if w := (*aura.WaitEndedError)(nil); errors.As(err, &w) && w.Status != "unknown" {
			status = w.Status
		}
		state.Status = types.StringValue(status)
		r.set(ctx, &resp.State, state, &resp.Diagnostics)
		rest := fmt.Sprintf("%s, with status %q; the next apply waits for it and applies the rest of the configuration in place.", kept, status)
		if errors.Is(ended, context.Canceled) {
			resp.Diagnostics.AddWarning(fmt.Sprintf("Creating the Aura %s %s was interrupted", what, state.ID.ValueString()),
				fmt.Sprintf("The create of %s %s (%q) was interrupted while it was %q, before it could %s. %s", what, state.ID.ValueString(), state.Name.ValueString(), status, goal, rest))
			return
		}
		timeout, _ := state.Timeouts.Create(ctx, defaultCreateTimeout)
		resp.Diagnostics.AddWarning(fmt.Sprintf("The new Aura %s %s did not %s within the create timeout", what, state.ID.ValueString(), goal),
			fmt.Sprintf("The %s %s (%q) did not %s within the create timeout (%s); its last status was %q. %s", what, state.ID.ValueString(), state.Name.ValueString(), goal, timeout, status, rest))
		return
	}
	if r.clone {
		resp.Diagnostics.AddWarning(summary, err.Error()+". "+kept+"; its refresh brings status up to date and applies what is left of the configuration in place.")
		return
	}
	resp.Diagnostics.AddError(summary, err.Error()+". The instance exists and is in state; it is marked tainted and will be replaced on the next apply unless you untaint it.")
}

// converge brings a running or paused instance to the plan: PATCH what differs (resuming first if a resize
// needs it), then pause or resume. It returns the instance as last seen.
func (r *instanceResource) converge(ctx context.Context, in *aura.Instance, plan *instanceModel) (*aura.Instance, error) {
	c := r.data.client
	patch := aura.UpdateInstanceRequest{}
	if n := plan.Name.ValueString(); n != in.Name {
		patch.Name = &n
	}
	if m := plan.Memory.ValueString(); m != in.Memory {
		patch.Memory = &m
	}
	if s := plan.Storage; !s.IsNull() && !s.IsUnknown() && (in.Storage == nil || *in.Storage != s.ValueString()) {
		patch.Storage = s.ValueStringPointer()
	}
	if v := plan.CDCEnrichmentMode; !v.IsNull() && !v.IsUnknown() && (in.CDCEnrichmentMode == nil || *in.CDCEnrichmentMode != v.ValueString()) {
		patch.CDCEnrichmentMode = v.ValueStringPointer()
	}
	if v := plan.SecondariesCount; !v.IsNull() && !v.IsUnknown() && (in.SecondariesCount == nil || *in.SecondariesCount != v.ValueInt64()) {
		patch.SecondariesCount = v.ValueInt64Pointer()
	}
	resize := patch.Memory != nil || patch.Storage != nil || patch.CDCEnrichmentMode != nil || patch.SecondariesCount != nil
	var err error
	if resize && in.Status == "paused" {
		if in, err = r.transition(ctx, in.ID, c.ResumeInstance, "running"); err != nil {
			return in, err
		}
	}
	if resize || patch.Name != nil {
		if _, err := c.UpdateInstance(ctx, in.ID, patch); err != nil {
			return in, err
		}
		want := in.Status
		if resize {
			want = "running"
		}
		if in, err = c.AwaitInstance(ctx, in.ID, want); err != nil {
			return in, err
		}
	}
	switch {
	case plan.Paused.ValueBool() && in.Status != "paused":
		return r.transition(ctx, in.ID, c.PauseInstance, "paused")
	case !plan.Paused.ValueBool() && in.Status == "paused":
		return r.transition(ctx, in.ID, c.ResumeInstance, "running")
	}
	return in, nil
}

func (r *instanceResource) transition(ctx context.Context, id string, action func(context.Context, string) error, want string) (*aura.Instance, error) {
	started := map[string][]string{"paused": {"pausing", "paused"}, "running": {"resuming", "running"}}[want]
	if err := r.data.client.Act(ctx, id, func() error { return action(ctx, id) }, started...); err != nil {
		return nil, err
	}
	return r.data.client.AwaitInstance(ctx, id, want)
}

// checkCloneSource refuses a clone whose source Aura would refuse, before anything is created. It returns the
// source instance and snapshot (nil without source_snapshot_id) it read.
func (pd *providerData) checkCloneSource(ctx context.Context, sourceID, snapshotID string, diags *diag.Diagnostics) (*aura.Instance, *aura.Snapshot, bool) {
	in, err := pd.client.GetInstance(ctx, sourceID)
	if err != nil {
		diags.AddAttributeError(path.Root("source_instance_id"), "Source instance not found", err.Error())
		return nil, nil, false
	}
	if snapshotID == "" {
		return in, nil, true
	}
	s, ok := pd.checkSnapshot(ctx, sourceID, snapshotID, forClone, path.Root("source_snapshot_id"), diags)
	return in, s, ok
}

func (r *instanceResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state := r.get(ctx, req.State, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	in, err := r.data.client.GetInstance(ctx, state.ID.ValueString())
	if errors.Is(err, aura.ErrNotFound) {
		resp.Diagnostics.AddWarning("Instance deleted outside Terraform",
			fmt.Sprintf("Aura no longer has instance %s (%q, %s): it was deleted outside Terraform (in the Aura console or through the API), "+
				"and Aura deleted all its snapshots with it. While its block stays in the configuration, this plan creates a new, empty "+
				"instance in its place, and the resources that refer to it (snapshots, restores, clones, uploads) act on the new instance.",
				state.ID.ValueString(), state.Name.ValueString(), state.Type.ValueString()))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Reading the Aura instance failed", err.Error())
		return
	}
	state.fromAPI(in)
	r.data.seen(in.ID, in) // the plans of this refresh need not read it again
	r.set(ctx, &resp.State, state, &resp.Diagnostics)
	recordInstance(ctx, resp.Private, &state.instanceModel, &resp.Diagnostics)
}

func (r *instanceResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan := r.get(ctx, req.Plan, &resp.Diagnostics)
	state := r.get(ctx, req.State, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if providerSideOnly(req.Plan.Raw, req.State.Raw) {
		r.set(ctx, &resp.State, plan, &resp.Diagnostics)
		recordInstance(ctx, resp.Private, &plan.instanceModel, &resp.Diagnostics)
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Update, defaultUpdateTimeout, &resp.Diagnostics)
	defer cancel()
	r.data.seen(state.ID.ValueString(), nil) // the plans of acts that follow in this apply read it afresh
	in, err := r.data.client.GetInstance(ctx, state.ID.ValueString())
	if err == nil && in.Status != "running" && in.Status != "paused" {
		in, err = r.data.client.WaitForInstance(ctx, in.ID, "running", "paused")
	}
	if err == nil {
		in, err = r.converge(ctx, in, &plan.instanceModel)
	}
	if in != nil {
		next := *plan
		next.Username, next.Password, next.CreatedAt = state.Username, state.Password, state.CreatedAt
		next.fromAPI(in)
		// The plan holds the counts of the prior state, and Terraform refuses a result that differs from a known
		// planned value; counts that moved meanwhile are read by the next refresh.
		next.GraphNodes, next.GraphRelationships = plan.GraphNodes, plan.GraphRelationships
		r.set(ctx, &resp.State, &next, &resp.Diagnostics)
		recordInstance(ctx, resp.Private, &next.instanceModel, &resp.Diagnostics)
	}
	// The version is recorded now: from here on, a change replaces.
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, versionUnknownKey, nil)...)
	if r.clone { // the triggers are recorded now: from here on, a change replaces
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, nil)...)
	}
	if err != nil {
		resp.Diagnostics.AddError("Updating the Aura instance failed", err.Error())
	}
}

// providerSideOnly tells an update that changes only what Aura does not hold (deletion_protection, timeouts):
// it is recorded without an API call.
func providerSideOnly(plan, state tftypes.Value) bool {
	diffs, err := plan.Diff(state)
	if err != nil {
		return false
	}
	for _, d := range diffs {
		steps := d.Path.Steps()
		if len(steps) == 0 {
			continue // the object itself differs because an attribute does
		}
		name, ok := steps[0].(tftypes.AttributeName)
		if !ok || (name != "deletion_protection" && name != "timeouts") {
			return false
		}
	}
	return true
}

func (r *instanceResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state := r.get(ctx, req.State, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if state.DeletionProtection.ValueBool() {
		resp.Diagnostics.AddAttributeError(path.Root("deletion_protection"), "Deletion protection is on",
			fmt.Sprintf("Instance %s (%s) has deletion_protection = true. Set it to false and apply before destroying it.", state.ID.ValueString(), state.Name.ValueString()))
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	id := state.ID.ValueString()
	r.data.seen(id, nil)
	if err := r.data.client.DeleteInstance(ctx, id); err != nil {
		resp.Diagnostics.AddError("Deleting the Aura instance failed", err.Error())
		return
	}
	if err := r.data.client.WaitForInstanceGone(ctx, id); err != nil {
		resp.Diagnostics.AddError("Waiting for the Aura instance to be deleted failed", err.Error())
	}
}

// ImportState takes "<id>" or "<id>:<version>"; a clone "<id>:<version>:<source_instance_id>[:<source_snapshot_id>]".
// Aura returns neither the version nor where a clone's data came from. An instance imported by id alone has no
// version in state (versionUnknownKey): the first plan records the configured one in place, and a generated
// configuration invents none. A clone's source is required configuration, so its import id must name it: a
// generated configuration then validates and plans clean.
func (r *instanceResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	parts := strings.Split(req.ID, ":")
	if r.clone {
		const form = `"<instance_id>:<version>:<source_instance_id>[:<source_snapshot_id>]"`
		if len(parts) < 3 || len(parts) > 4 || parts[0] == "" || parts[2] == "" || (parts[1] != "4" && parts[1] != "5") {
			resp.Diagnostics.AddError("Invalid import id for aura_instance_from_snapshot",
				fmt.Sprintf("Got %q. Use %s, with version 4 or 5: Aura does not return an instance's version nor which instance its data came from, and source_instance_id is required configuration. For example 2f49c2b3:5:9a1b2c3d.", req.ID, form))
			return
		}
	} else if len(parts) > 2 || parts[0] == "" || (len(parts) == 2 && parts[1] != "4" && parts[1] != "5") {
		resp.Diagnostics.AddError("Invalid import id for aura_instance",
			fmt.Sprintf(`Got %q. Use "<instance_id>" or "<instance_id>:<version>", with version 4 or 5.`, req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), parts[0])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("deletion_protection"), true)...)
	if len(parts) > 1 {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("version"), parts[1])...)
	} else {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, versionUnknownKey, []byte("true"))...)
	}
	if !r.clone {
		return
	}
	for i, attr := range []string{"source_instance_id", "source_snapshot_id"} {
		if len(parts) > i+2 && parts[i+2] != "" {
			resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attr), parts[i+2])...)
		}
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, []byte("true"))...)
}

// ModifyPlan checks a new or resized instance against what the tenant offers, records the paused setting it
// plans for the acts planned on it, and, for a clone, checks the source and announces the data copy (or says
// when a changed source copies nothing).
func (r *instanceResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return
	}
	replacing := r.replacing(ctx, req, &resp.Diagnostics)
	if r.planDestroy(ctx, req, resp, replacing); req.Plan.Raw.IsNull() || resp.Diagnostics.HasError() {
		return
	}
	plan := r.get(ctx, req.Plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if !replacing {
		r.awaitCreating(ctx, req, resp)
	}
	if !req.State.Raw.IsNull() && !plan.ID.IsUnknown() && !plan.Paused.IsUnknown() {
		r.data.plansPaused(plan.ID.ValueString(), plan.Paused.ValueBool())
	}
	if creating := req.State.Raw.IsNull() || replacing; creating || len(changedAttrs(ctx, req, &resp.Diagnostics, "memory", "storage")) > 0 {
		tenant, _ := configuredTenant(ctx, req.Config, &resp.Diagnostics)
		if r.data.checkOffered(ctx, &plan.instanceModel, tenant, !creating, &resp.Diagnostics); resp.Diagnostics.HasError() {
			return
		}
	}
	if !r.clone {
		return
	}
	if !actPlanned(ctx, req, &resp.Diagnostics) && !replacing {
		// Triggers that change without running the copy are the first ones after an import.
		if len(changedAttrs(ctx, req, &resp.Diagnostics, "triggers")) > 0 {
			resp.Diagnostics.AddWarning("This change by itself runs no data copy",
				"triggers are set for the first time since this clone was imported: they are recorded in place and copy nothing. "+
					"From then on, a change of triggers replaces the clone with a new copy of its source.")
		}
		warnUnactedChanges(ctx, req, resp, "data copy", "source_instance_id", "source_snapshot_id")
		return
	}
	// A replacement destroys the clone first: a source that can no longer be copied must stop it at plan. The
	// reads of the check also word the warning.
	act := "copy into a new instance"
	if plan.SourceSnapshotID.IsNull() {
		act = "snapshot for a new instance" // Aura snapshots the source first: it must be running
	}
	source, err, ok := r.data.targetAtPlan(ctx, plan.SourceInstanceID, "source_instance_id", act, plan.SourceSnapshotID.IsNull(), &resp.Diagnostics)
	if !ok || !compatibleAtPlan(source, plan.Type, plan.Storage, "type", "storage", &resp.Diagnostics) {
		return
	}
	s, ok := r.data.snapshotAtPlan(ctx, plan.SourceInstanceID, plan.SourceSnapshotID, forClone, path.Root("source_snapshot_id"),
		r.data.planUntil(ctx, plan.Timeouts.Create, &resp.Diagnostics), &resp.Diagnostics)
	if !ok {
		return
	}
	snapshot, _ := describeSnapshot(plan.SourceSnapshotID, nil)
	if s != nil {
		snapshot = describeSnapshotTaken(s, r.data.takenAgo(s))
	}
	resp.Diagnostics.AddWarning("This apply copies instance data into a new instance",
		fmt.Sprintf("The apply creates instance %q with the data of %s (source %s). The copy is made once: later changes of the source settings copy nothing.",
			plan.Name.ValueString(), snapshot, describe(plan.SourceInstanceID, source, err)))
}

// awaitCreating plans an update of an instance whose create ended before it was running (an interrupt or the
// create timeout left it in state with status "creating"): its status becomes unknown, so the apply runs
// Update, which waits for the instance and applies the rest of the configuration.
func (r *instanceResource) awaitCreating(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() {
		return
	}
	var status types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("status"), &status)...)
	if status.ValueString() != "creating" {
		return
	}
	// A plan without refresh (-refresh=false) still has the status the wait last saw: ask Aura (one read, none when
	// the refresh read it), so an instance that has come up meanwhile plans nothing.
	var id types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("id"), &id)...)
	if in, err := r.data.instanceRead(ctx, id.ValueString()); err == nil && (in.Status == "running" || in.Status == "paused") {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("status"), types.StringUnknown())...)
}

// forceNew are the instance settings that replace an instance when they change (instanceSchema).
var forceNew = []string{"type", "version", "cloud_provider", "region", "vector_optimized", "graph_analytics_plugin", "customer_managed_key_id"}

// replacing tells a plan that replaces the clone through an instance setting: a new copy, to be announced
// like a create. ModifyPlan is not told of the replacements the attributes' plan modifiers ask for.
func (r *instanceResource) replacing(ctx context.Context, req resource.ModifyPlanRequest, diags *diag.Diagnostics) bool {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return false
	}
	settings := forceNew
	if versionUnknown(ctx, req.Private, diags) { // recorded in place (versionAdoptedAfterImport)
		settings = slices.DeleteFunc(slices.Clone(forceNew), func(a string) bool { return a == "version" })
	}
	if len(changedAttrs(ctx, req, diags, settings...)) > 0 {
		return true
	}
	tenant, _ := configuredTenant(ctx, req.Config, diags)
	return !tenant.IsNull() && len(changedAttrs(ctx, req, diags, "tenant_id")) > 0
}

func (r *instanceResource) UpgradeState(context.Context) map[int64]resource.StateUpgrader {
	if !r.clone {
		return upgradeFrom(0, upgradeDeletionProtection)
	}
	upgraders := upgradeFrom(0, func(attrs map[string]any) {
		attrs["triggers"] = nil
		upgradeDeletionProtection(attrs)
	})
	upgraders[1] = upgradeFrom(1, upgradeDeletionProtection)[1]
	return upgraders
}

// knownString is nil for a null or unknown value, so that it is left out of a request.
func knownString(v types.String) *string {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	return v.ValueStringPointer()
}
