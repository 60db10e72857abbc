package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// importedKey marks, in private state, a resource that came in by import: its triggers were never recorded.
const importedKey = "imported"

// triggersAdoptedAfterImport is RequiresReplace for an act's triggers, except for the first triggers after
// an import: an imported clone has no recorded triggers, and the configuration's are adopted in place
// instead of replacing the instance (and copying its data again).
type triggersAdoptedAfterImport struct{}

func (triggersAdoptedAfterImport) Description(context.Context) string {
	return "Changing triggers forces replacement, except when they are first recorded after an import."
}
func (m triggersAdoptedAfterImport) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (triggersAdoptedAfterImport) PlanModifyMap(ctx context.Context, req planmodifier.MapRequest, resp *planmodifier.MapResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || req.PlanValue.Equal(req.StateValue) {
		return
	}
	if req.StateValue.IsNull() {
		imported, diags := req.Private.GetKey(ctx, importedKey)
		resp.Diagnostics.Append(diags...)
		if len(imported) > 0 {
			return
		}
	}
	resp.RequiresReplace = true
}

// versionUnknownKey marks, in private state, an instance imported by its id alone: Aura never returns the
// version, so none was recorded (version is null in state) until the first apply records the configured one.
const versionUnknownKey = "version_unknown"

// versionUnknown tells whether the prior state of an instance was imported without a version.
func versionUnknown(ctx context.Context, private interface {
	GetKey(context.Context, string) ([]byte, diag.Diagnostics)
}, diags *diag.Diagnostics) bool {
	v, d := private.GetKey(ctx, versionUnknownKey)
	diags.Append(d...)
	return len(v) > 0
}

// versionAdoptedAfterImport is RequiresReplace for version, except for the first version after an import by
// id alone: Aura does not return the version, so the configured one (or the default) is recorded in place,
// with a warning, instead of replacing a live instance because the import could not know it.
type versionAdoptedAfterImport struct{}

func (versionAdoptedAfterImport) Description(context.Context) string {
	return "Changing version forces replacement, except when it is first recorded after an import by id alone."
}
func (m versionAdoptedAfterImport) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (versionAdoptedAfterImport) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || req.PlanValue.Equal(req.StateValue) {
		return
	}
	if req.StateValue.IsNull() && versionUnknown(ctx, req.Private, &resp.Diagnostics) {
		recorded := "the value known after apply"
		if !req.PlanValue.IsUnknown() {
			recorded = fmt.Sprintf("%q", req.PlanValue.ValueString())
		}
		resp.Diagnostics.AddAttributeWarning(req.Path, "Version recorded from the configuration",
			fmt.Sprintf("Aura does not return an instance's Neo4j version, and this instance was imported by its id alone, so its version was not known. "+
				"This plan records version = %s (from the configuration, or the default \"5\") in place, without replacing the instance. "+
				"If the instance runs another major version, set version to it before applying: once recorded, a change of version replaces the instance. "+
				"Import with \"<instance_id>:<version>\" to record the version at import.", recorded))
		return
	}
	resp.RequiresReplace = true
}

// storageFollowsMemory keeps the state's storage unless memory changes and storage is not configured:
// then Aura picks the storage that goes with the new memory.
type storageFollowsMemory struct{}

func (storageFollowsMemory) Description(context.Context) string {
	return "Keeps the prior storage unless memory changes."
}
func (m storageFollowsMemory) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (storageFollowsMemory) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if !req.PlanValue.IsUnknown() || req.StateValue.IsNull() || req.State.Raw.IsNull() {
		return
	}
	var planMemory, stateMemory types.String
	req.Plan.GetAttribute(ctx, path.Root("memory"), &planMemory)
	req.State.GetAttribute(ctx, path.Root("memory"), &stateMemory)
	if planMemory.Equal(stateMemory) {
		resp.PlanValue = req.StateValue
	}
}

// stateUnless keeps a computed string from state unless the attribute it follows changes in the plan
// (status and connection_url follow paused; endpoint_service follows private_connectivity).
type stateUnless struct{ follows string }

func (m stateUnless) Description(context.Context) string {
	return "Keeps the prior value unless " + m.follows + " changes."
}
func (m stateUnless) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (m stateUnless) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if !req.PlanValue.IsUnknown() || req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var planned, prior attr.Value
	req.Plan.GetAttribute(ctx, path.Root(m.follows), &planned)
	req.State.GetAttribute(ctx, path.Root(m.follows), &prior)
	if planned != nil && planned.Equal(prior) {
		resp.PlanValue = req.StateValue
	}
}
