// Package provider is the Terraform provider for Neo4j Aura.
package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

var _ provider.Provider = (*auraProvider)(nil)

type auraProvider struct{ version string }

// New returns the provider factory for providerserver.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &auraProvider{version: version} }
}

func (p *auraProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "aura"
	resp.Version = p.version
}

func (p *auraProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{MarkdownDescription: "Manage Neo4j Aura instances, snapshots and restores."}
}

func (p *auraProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {}

func (p *auraProvider) Resources(context.Context) []func() resource.Resource { return nil }

func (p *auraProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }
