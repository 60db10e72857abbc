package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
)

// planDestroy guards a plan that destroys the instance (plan null: terraform destroy, or the block removed) or
// replaces it (a setting in forceNew changed): Aura deletes an instance's snapshots with it, so a protected
// instance stops the plan, and any other is announced with what dies and how to keep it. Terraform does not tell
// a provider about -replace: that plan reaches here as an update, and its re-plan as a create.
func (r *instanceResource) planDestroy(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, replacing bool) {
	if req.State.Raw.IsNull() {
		r.refuseProtectedReplacement(ctx, req, resp)
		return
	}
	if !req.Plan.Raw.IsNull() {
		r.recordReplaced(ctx, req, resp)
	}
	// A clone's changed triggers replace it too (a fresh copy), through their own plan modifier.
	retriggered := r.clone && !req.Plan.Raw.IsNull() && !replacing && actPlanned(ctx, req, &resp.Diagnostics)
	if !req.Plan.Raw.IsNull() && !replacing && !retriggered {
		return
	}
	state := r.get(ctx, req.State, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	verb, reason := "destroy", ""
	if replacing || retriggered {
		var changes []string
		for _, name := range changedAttrs(ctx, req, &resp.Diagnostics, append(slices.Clone(forceNew), "tenant_id")...) {
			var p, s attr.Value
			resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root(name), &p)...)
			resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root(name), &s)...)
			changes = append(changes, fmt.Sprintf("%s %s -> %s", name, s, p))
		}
		if retriggered {
			changes = []string{"changed triggers"} // their values may be long; the diff shows them
		}
		verb, reason = "replace", " ("+strings.Join(changes, ", ")+" forces a new instance)"
	}
	name := fmt.Sprintf("instance %s (%q, %s)", state.ID.ValueString(), state.Name.ValueString(), state.Type.ValueString())
	if state.DeletionProtection.ValueBool() {
		resp.Diagnostics.AddAttributeError(path.Root("deletion_protection"), "Deletion protection is on",
			fmt.Sprintf("This plan would %s %s%s. Aura would delete its data and all its snapshots with it. It has "+
				"deletion_protection = true. To go ahead, set deletion_protection = false and apply that first (an in-place "+
				"change, no API call), then plan again.", verb, name, reason))
		return
	}
	// One summary per instance: Terraform folds warnings of the same summary into the details of the first.
	resp.Diagnostics.AddWarning(fmt.Sprintf("This apply %ss instance %s (%q) and all its snapshots", verb, state.ID.ValueString(), state.Name.ValueString()),
		fmt.Sprintf("The apply %ss %s%s: Aura deletes its data and ALL its snapshots with it, so none can be restored "+
			"or cloned afterwards%s. %s To keep the data: clone it first (aura_instance_from_snapshot with "+
			"source_instance_id = %q), keep the instance out of Terraform's hands with a removed { lifecycle { destroy = false } } "+
			"block, or set deletion_protection = true, which stops this plan.",
			verb, name, reason, newInstanceNote(replacing), r.data.recoveryPoints(ctx, state), state.ID.ValueString()))
}

func newInstanceNote(replacing bool) string {
	if replacing {
		return "; the new instance starts empty"
	}
	return ""
}

// recoveryPoints words the instance's newest completed and newest exportable snapshots with their ages, as
// aura_backup_status finds them (the same bounded walk back and per-run day cache).
func (pd *providerData) recoveryPoints(ctx context.Context, state *cloneModel) string {
	ctx, cancel := context.WithTimeout(ctx, planReadTimeout)
	defer cancel()
	in, err := pd.instanceRead(ctx, state.ID.ValueString())
	if err != nil {
		return fmt.Sprintf("Its snapshots could not be listed (%v).", err)
	}
	q := snapshotQuery{InstanceID: state.ID, InstanceVersion: state.Version}
	version := state.Version.ValueString()
	if version == "" {
		version = "5"
	}
	sc := snapshotScope{in: in, version: version}
	var unused diag.Diagnostics // only bounds set on a query contradict each other; this one sets none
	sc.from, sc.to, _ = pd.listingDays(&q, in, version, sc.before, &unused)
	completed, exportable, err := pd.newestSnapshots(ctx, in.ID, sc)
	if err != nil {
		return fmt.Sprintf("Its snapshots could not be listed (%v).", err)
	}
	word := func(s *aura.Snapshot) string {
		if s == nil {
			return "none"
		}
		return fmt.Sprintf("%s (%s, taken %s)", s.SnapshotID, s.Profile, pd.takenAgo(s))
	}
	return fmt.Sprintf("Newest completed snapshot, deleted with it: %s. Newest exportable snapshot, deleted with it: %s.", word(completed), word(exportable))
}

// replacedKey is set in the private state of each plan of an existing instance. When Terraform plans it anew as a
// create with a null prior state (the re-plan of a terraform apply -replace, which asks the provider nothing
// else), that plan still carries it: the one place where a protected instance's -replace can be refused at plan.
// Terraform shows only the errors of that re-plan, so an unprotected instance's -replace cannot be announced.
const replacedKey = "replaces"

type replacedRecord struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Type      string `json:"type"`
	Protected bool   `json:"protected"`
}

// privateSetter is the Private of a plan, create or read response.
type privateSetter interface {
	SetKey(context.Context, string, []byte) diag.Diagnostics
}

// recordInstance keeps the instance's record in private state. Create and Read keep it too, as a plan's private
// state is saved only when applied: a taint's re-plan has only what the last create, read or update saved.
func recordInstance(ctx context.Context, to privateSetter, m *instanceModel, diags *diag.Diagnostics) {
	raw, _ := json.Marshal(replacedRecord{m.ID.ValueString(), m.Name.ValueString(), m.Type.ValueString(), m.DeletionProtection.ValueBool()})
	diags.Append(to.SetKey(ctx, replacedKey, raw)...)
}

func (r *instanceResource) recordReplaced(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	state := r.get(ctx, req.State, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	recordInstance(ctx, resp.Private, &state.instanceModel, &resp.Diagnostics)
}

func (r *instanceResource) refuseProtectedReplacement(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	raw, diags := req.Private.GetKey(ctx, replacedKey)
	resp.Diagnostics.Append(diags...)
	var rec replacedRecord
	if len(raw) == 0 || json.Unmarshal(raw, &rec) != nil {
		return // a create
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, replacedKey, nil)...)
	// A record outlives its instance when the instance was deleted outside Terraform: then nothing is destroyed.
	if _, err := r.data.instanceRead(ctx, rec.ID); errors.Is(err, aura.ErrNotFound) {
		return
	}
	if rec.Protected {
		resp.Diagnostics.AddAttributeError(path.Root("deletion_protection"), "Deletion protection is on",
			fmt.Sprintf("This plan would replace instance %s (%q, %s) (terraform apply -replace). Aura would delete its "+
				"data and all its snapshots with it. It has deletion_protection = true. To go ahead, set deletion_protection = "+
				"false and apply that first (an in-place change, no API call), then plan again.", rec.ID, rec.Name, rec.Type))
	}
}
