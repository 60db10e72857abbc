package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
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
