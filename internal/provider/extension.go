package provider

import (
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

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
