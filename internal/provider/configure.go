package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// providerDataFrom takes the provider's data in a resource's or data source's Configure. Nil data means the
// provider is not configured yet (validation, for example): nothing to do then.
func providerDataFrom(data any, diags *diag.Diagnostics) *providerData {
	if data == nil {
		return nil
	}
	pd, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("Expected *providerData, got %T. Please report this issue to the provider developers.", data))
		return nil
	}
	return pd
}

// keepPlan is Update for events (restore, upload), where only settings of the provider itself (timeouts) can
// change in place: the planned state becomes the state, and Aura is not called.
func keepPlan[T any](ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan T
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// tenant is the configured tenant, or the provider's default. Without either, it reports an error on attr that
// names both ways to set it, and returns "".
func (pd *providerData) tenant(v types.String, attr string, diags *diag.Diagnostics) string {
	if !v.IsNull() && !v.IsUnknown() && v.ValueString() != "" {
		return v.ValueString()
	}
	if pd.tenantID == "" {
		diags.AddAttributeError(path.Root(attr), "Missing "+attr,
			"Set "+attr+" here, or tenant_id in the provider block (or the AURA_TENANT_ID environment variable).")
	}
	return pd.tenantID
}
