package provider

import (
	"context"
	"testing"

	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// Secrets are sensitive in the schema, so Terraform masks them in plan output and marks them in state.
func TestSchema_secretsAreSensitive(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var ps fwprovider.SchemaResponse
	New("test")().Schema(ctx, fwprovider.SchemaRequest{}, &ps)
	if !ps.Schema.Attributes["client_secret"].IsSensitive() {
		t.Error("client_secret is not sensitive")
	}
	for _, r := range []resource.Resource{NewInstanceResource(), NewInstanceFromSnapshotResource()} {
		var rs resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &rs)
		if !rs.Schema.Attributes["password"].IsSensitive() {
			t.Errorf("%T password is not sensitive", r)
		}
	}
}
