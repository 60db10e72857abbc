package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
)

// addAPIError reports err; a bare 404 on an extension path becomes the one clear diagnostic that this Aura API
// does not have the feature (the public API v1 does not expose network access, export or upload).
func addAPIError(diags *diag.Diagnostics, summary, feature string, err error) {
	if errors.Is(err, aura.ErrNotSupported) {
		diags.AddError("Not available in this Aura API",
			fmt.Sprintf("This Aura API does not expose %s; it is configured in the Aura console. (%v)", feature, err))
		return
	}
	diags.AddError(summary, err.Error())
}

// extensionRemedies say, for each feature of the project's extension, where Aura offers it instead and what to do
// with the configuration.
var extensionRemedies = map[string]string{
	exportFeature: "Aura offers snapshot export only in the Aura console (the snapshot's Export action). Remove the " +
		"aura_snapshot_export resources from the configuration and export from the console.",
	networkFeature: "They are configured in the Aura console (the Network Access page). Remove the " +
		"aura_network_access_configuration resources (and open_public_traffic) from the configuration and configure " +
		"network access in the console.",
}

// extensionAtPlan is false, with one error per feature and plan, when a plan that creates or changes feature (a
// key of extensionRemedies) runs against a server without the project's extension (api/README.md part C), so
// that the plan fails before anything is created. tenant is the resource's own tenant_id, used only when the
// provider has none. The server is probed at most once per provider process (a plan); a probe that fails for
// another reason lets the plan go on (the apply reports what fails).
func (pd *providerData) extensionAtPlan(ctx context.Context, feature string, tenant types.String, diags *diag.Diagnostics) bool {
	if pd == nil {
		return true
	}
	supported, err := pd.plans.extension.get(func() (bool, error) {
		id := pd.tenantID
		if id == "" {
			id = tenant.ValueString()
		}
		if id == "" {
			return false, errors.New("no tenant to probe with")
		}
		return pd.client.HasExtension(ctx, id)
	})
	if err != nil || supported {
		return true
	}
	if pd.firstReport("extension " + feature) {
		diags.AddError("Not available in this Aura API: "+feature,
			fmt.Sprintf("This Aura API does not expose %s: it is this provider's own extension of the Aura API, which aura-emulator serves and the public Aura API v1 does not. %s Nothing was created.", feature, extensionRemedies[feature]))
	}
	return false
}
