package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
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

// A Registry page opens with the description: one or two sentences a reader can scan. The rules of a resource
// live in its template's sections (templates/), not here.
func TestSchema_descriptionsAreShort(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := New("test")()
	for _, newResource := range p.Resources(ctx) {
		r := newResource()
		var md resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "aura"}, &md)
		var rs resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &rs)
		if n := len(strings.Fields(rs.Schema.MarkdownDescription)); n > 60 {
			t.Errorf("resource %s: description of %d words, want at most 60", md.TypeName, n)
		}
	}
	for _, newDataSource := range p.DataSources(ctx) {
		d := newDataSource()
		var md datasource.MetadataResponse
		d.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "aura"}, &md)
		var ds datasource.SchemaResponse
		d.Schema(ctx, datasource.SchemaRequest{}, &ds)
		if n := len(strings.Fields(ds.Schema.MarkdownDescription)); n > 60 {
			t.Errorf("data source %s: description of %d words, want at most 60", md.TypeName, n)
		}
	}
}
