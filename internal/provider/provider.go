// Package provider is the Terraform provider for Neo4j Aura.
package provider

import (
	"context"
	"os"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
)

var _ provider.Provider = (*auraProvider)(nil)

type auraProvider struct{ version string }

// New returns the provider factory for providerserver.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &auraProvider{version: version} }
}

type providerModel struct {
	ClientID          types.String `tfsdk:"client_id"`
	ClientSecret      types.String `tfsdk:"client_secret"`
	BaseURL           types.String `tfsdk:"base_url"`
	AuthURL           types.String `tfsdk:"auth_url"`
	TenantID          types.String `tfsdk:"tenant_id"`
	RequestsPerMinute types.Int64  `tfsdk:"requests_per_minute"`
	MaxRetries        types.Int64  `tfsdk:"max_retries"`
}

// providerData is what resources and data sources receive in Configure.
type providerData struct {
	client    *aura.Client
	tenantID  string
	snapshots snapshotDays
}

func (p *auraProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "aura"
	resp.Version = p.version
}

func (p *auraProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The Aura provider manages Neo4j Aura instances, on-demand snapshots, clones, restores, " +
			"network access, snapshot exports and uploads through the Aura management API. Every setting falls back to " +
			"the environment variable the official `aura-cli` uses.",
		Attributes: map[string]schema.Attribute{
			"client_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Aura API client id. Environment variable: `AURA_CLIENT_ID`.",
			},
			"client_secret": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "Aura API client secret. Environment variable: `AURA_CLIENT_SECRET`.",
			},
			"base_url": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Aura API URL. Default `https://api.neo4j.io`. Plain `http://` is refused unless the host is " +
					"loopback (for `aura-emulator`). Environment variable: `AURA_BASE_URL`.",
			},
			"auth_url": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "OAuth token URL. Default `<base_url>/oauth/token`. Environment variable: `AURA_AUTH_URL`.",
			},
			"tenant_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Tenant (project) used by resources that do not set `tenant_id`. Environment variable: `AURA_TENANT_ID`.",
			},
			"requests_per_minute": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Client-side limit on API requests per minute, shared by all resources of this provider. " +
					"Default 120, under Aura's 125 per account. Environment variable: `AURA_REQUESTS_PER_MINUTE`.",
				Validators: []validator.Int64{int64validator.Between(1, 10000)},
			},
			"max_retries": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "How many times a retryable request is retried. Default 5.",
				Validators:          []validator.Int64{int64validator.Between(0, 20)},
			},
		},
	}
}

func (p *auraProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	settings := []struct {
		attr string
		v    types.String
		env  string
	}{
		{"client_id", cfg.ClientID, "AURA_CLIENT_ID"}, {"client_secret", cfg.ClientSecret, "AURA_CLIENT_SECRET"},
		{"base_url", cfg.BaseURL, "AURA_BASE_URL"}, {"auth_url", cfg.AuthURL, "AURA_AUTH_URL"},
		{"tenant_id", cfg.TenantID, "AURA_TENANT_ID"},
	}
	values := map[string]string{}
	for _, s := range settings {
		if s.v.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root(s.attr), "Unknown "+s.attr,
				"The provider cannot be configured with a value known only after apply. Set "+s.attr+" to a known value or use the "+s.env+" environment variable.")
			continue
		}
		values[s.attr] = os.Getenv(s.env)
		if !s.v.IsNull() {
			values[s.attr] = s.v.ValueString()
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	for _, s := range settings[:2] {
		if values[s.attr] == "" {
			resp.Diagnostics.AddAttributeError(path.Root(s.attr), "Missing Aura "+s.attr,
				"Set "+s.attr+" in the provider block or the "+s.env+" environment variable. Create API credentials in the Aura console under Account details > API credentials.")
		}
	}
	for _, attr := range []string{"base_url", "auth_url"} {
		if values[attr] != "" {
			if err := aura.CheckURL(values[attr]); err != nil {
				resp.Diagnostics.AddAttributeError(path.Root(attr), "Invalid "+attr, err.Error())
			}
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	secret := values["client_secret"]
	clientCfg := aura.Config{
		BaseURL: values["base_url"], AuthURL: values["auth_url"], ClientID: values["client_id"], ClientSecret: values["client_secret"],
		RequestsPerMinute: int(cfg.RequestsPerMinute.ValueInt64()), UserAgent: "terraform-provider-aura/" + p.version,
		Logger: func(ctx context.Context, msg string, fields map[string]any) {
			// The client masks the Authorization header itself; this also hides the secret wherever it might appear.
			ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, "authorization", "client_secret", "password", "access_token")
			ctx = tflog.MaskAllFieldValuesStrings(ctx, secret)
			tflog.Debug(ctx, msg, fields)
		},
	}
	if n, err := strconv.Atoi(os.Getenv("AURA_REQUESTS_PER_MINUTE")); err == nil && cfg.RequestsPerMinute.IsNull() && n > 0 {
		clientCfg.RequestsPerMinute = n
	}
	if !cfg.MaxRetries.IsNull() {
		clientCfg.MaxRetries = int(cfg.MaxRetries.ValueInt64())
		if clientCfg.MaxRetries == 0 {
			clientCfg.MaxRetries = -1
		}
	}
	// AURA_POLL_INTERVAL shortens waits against an emulator with short transitions (tests, demos).
	if d, err := time.ParseDuration(os.Getenv("AURA_POLL_INTERVAL")); err == nil && d > 0 {
		clientCfg.PollMin, clientCfg.PollMax = d, 10*d
	}
	if n, err := strconv.Atoi(os.Getenv("AURA_MAX_RETRY_AFTER_SECONDS")); err == nil && n > 0 {
		clientCfg.MaxRetryAfter = time.Duration(n) * time.Second
	}
	client, err := aura.New(clientCfg)
	if err != nil {
		resp.Diagnostics.AddError("Invalid Aura provider configuration", err.Error())
		return
	}
	data := &providerData{client: client, tenantID: values["tenant_id"]}
	resp.ResourceData = data
	resp.DataSourceData = data
}

func (p *auraProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewInstanceResource,
		NewInstanceFromSnapshotResource,
		NewSnapshotResource,
		NewInstanceRestoreResource,
		NewNetworkAccessConfigurationResource,
		NewSnapshotExportResource,
		NewDatabaseUploadResource,
	}
}

func (p *auraProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewInstanceDataSource,
		NewInstancesDataSource,
		NewTenantDataSource,
		NewTenantsDataSource,
		NewSnapshotsDataSource,
		NewSnapshotDataSource,
		NewNetworkAccessConfigurationsDataSource,
	}
}
