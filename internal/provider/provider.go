// Package provider is the Terraform provider for Neo4j Aura.
package provider

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
	"github.com/aura-terraform/terraform-provider-aura/internal/auraupload"
)

var _ provider.Provider = (*auraProvider)(nil)

type auraProvider struct {
	version string
	waits   *waitWarning // nil without NewServer's warning
}

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
	ProjectID         types.String `tfsdk:"project_id"`
	RequestsPerMinute types.Int64  `tfsdk:"requests_per_minute"`
	MaxRetries        types.Int64  `tfsdk:"max_retries"`
	MaxRetryAfter     types.Int64  `tfsdk:"max_retry_after_seconds"`
	PollInterval      types.String `tfsdk:"poll_interval"`
	ConsoleURL        types.String `tfsdk:"console_url"`
}

// providerData is what resources and data sources receive in Configure.
type providerData struct {
	client    *aura.Client
	tenantID  string
	snapshots snapshotDays
	plans     planReads
	// upload speaks the upload protocol to the console host; consoleURL, when set, replaces the host derived
	// from an instance's connection URL.
	upload     *auraupload.Client
	consoleURL string
	apiURL     string // base_url as configured ("" for Aura's own)
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
				Optional: true,
				MarkdownDescription: "Tenant used by resources that do not set `tenant_id`. Environment variable: `AURA_TENANT_ID`. " +
					"Aura's console and `aura-cli` now call a tenant a *project*: `project_id` (`AURA_PROJECT_ID`) is the same setting.",
			},
			"project_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The same as `tenant_id`, under the name Aura's console now uses; set one or the other. Environment variable: `AURA_PROJECT_ID`.",
			},
			"requests_per_minute": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "The most API requests sent in any 60 seconds, shared by all resources and by the other " +
					"terraform processes on this machine that use the same client id (through a file in the user's cache " +
					"directory): up to this many go at once, and only the excess waits for the window, as Aura counts (125 per " +
					"account; the token request goes without waiting, within the 5 left above the default). A budget above 125 " +
					"(an emulator without a limit) is this process's alone. Waits poll no more often than their share of it. A 429 " +
					"from Aura (an account shared with other machines) pauses every request of those processes for its Retry-After, " +
					"after which requests go again as fast as Aura answers them. A wait over 2 s is logged at INFO, and a run " +
					"whose waits pass 10 s ends with one warning. Default 120. Environment variable: `AURA_REQUESTS_PER_MINUTE`.",
				Validators: []validator.Int64{int64validator.Between(1, 10000)},
			},
			"max_retries": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "How many times a retryable request is retried; `0` turns retries off. Default 5. " +
					"Environment variable: `AURA_MAX_RETRIES`.",
				Validators: []validator.Int64{int64validator.Between(maxRetries.min, maxRetries.max)},
			},
			"max_retry_after_seconds": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "The longest wait, in seconds, that a `Retry-After` answer (429 or 503) may impose before " +
					"the retry; a longer one is shortened to this. Default 60. Environment variable: `AURA_MAX_RETRY_AFTER_SECONDS`.",
				Validators: []validator.Int64{int64validator.Between(maxRetryAfter.min, maxRetryAfter.max)},
			},
			"poll_interval": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The shortest wait between two polls while an operation (create, resize, pause, snapshot, " +
					"restore, export, upload) is awaited, as a duration such as `6s` or `500ms`, from `1ms` to `10m`. The wait " +
					"grows with the time waited, to at most ten times this. Default `6s` (so at most `60s`). A shorter one " +
					"suits `aura-emulator` with short transitions. Environment variable: `AURA_POLL_INTERVAL`.",
				Validators: []validator.String{durationBetween{pollInterval.min, pollInterval.max}},
			},
			"console_url": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Base URL of the Aura console host that `aura_database_upload` sends files through (the protocol of " +
					"`neo4j-admin database upload`). By default it is derived from each instance's `connection_url`: " +
					"`https://console.neo4j.io` for `<dbid>.databases.neo4j.io`, `https://console-<env>.neo4j.io` for " +
					"`<dbid>-<env>.databases.neo4j.io`, and the private-link forms likewise. Set it for `aura-emulator` (its ready line " +
					"names its `console_url`) or another Aura environment. Plain `http://` is refused unless the host is loopback. " +
					"Environment variable: `AURA_CONSOLE_URL`.",
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
		{"tenant_id", cfg.TenantID, "AURA_TENANT_ID"}, {"project_id", cfg.ProjectID, "AURA_PROJECT_ID"},
		{"console_url", cfg.ConsoleURL, "AURA_CONSOLE_URL"},
	}
	values := map[string]string{}
	for _, s := range settings {
		if s.v.IsUnknown() {
			addUnknownSetting(&resp.Diagnostics, s.attr, s.env)
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
	for _, attr := range []string{"base_url", "auth_url", "console_url"} {
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
		Logger: func(ctx context.Context, level aura.LogLevel, msg string, fields map[string]any) {
			// The client masks the Authorization header itself; this also hides the secret wherever it might appear.
			ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, "authorization", "client_secret", "password", "access_token")
			ctx = tflog.MaskAllFieldValuesStrings(ctx, secret)
			if level == aura.LogInfo {
				tflog.Info(ctx, msg, fields) // a wait for the rate limit: TF_LOG_PROVIDER=INFO shows it
				return
			}
			tflog.Debug(ctx, msg, fields)
		},
	}
	if n, err := strconv.Atoi(os.Getenv("AURA_REQUESTS_PER_MINUTE")); err == nil && cfg.RequestsPerMinute.IsNull() && n > 0 {
		clientCfg.RequestsPerMinute = n
	}
	if n, ok := intSetting(cfg.MaxRetries, maxRetries, &resp.Diagnostics); ok {
		// The client reads 0 as its default; a negative count is how it is told not to retry.
		clientCfg.MaxRetries = int(n)
		if n == 0 {
			clientCfg.MaxRetries = -1
		}
	}
	if n, ok := intSetting(cfg.MaxRetryAfter, maxRetryAfter, &resp.Diagnostics); ok {
		clientCfg.MaxRetryAfter = time.Duration(n) * time.Second
	}
	if d, ok := durationSetting(cfg.PollInterval, pollInterval, &resp.Diagnostics); ok {
		clientCfg.PollMin, clientCfg.PollMax = d, 10*d
	}
	if resp.Diagnostics.HasError() {
		return
	}
	client, err := aura.New(clientCfg)
	if err != nil {
		resp.Diagnostics.AddError("Invalid Aura provider configuration", err.Error())
		return
	}
	tenantID := providerTenant(cfg, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	p.waits.watch(client)
	data := &providerData{client: client, tenantID: tenantID, consoleURL: values["console_url"], apiURL: values["base_url"],
		upload: auraupload.New(auraupload.Config{UserAgent: clientCfg.UserAgent, Logger: uploadLogger{}})}
	resp.ResourceData = data
	resp.DataSourceData = data
}

// uploadLogger logs an upload's progress and loading status at INFO, where a long apply shows them.
type uploadLogger struct{}

func (uploadLogger) Info(ctx context.Context, msg string, fields map[string]any) {
	tflog.Info(tflog.MaskFieldValuesWithFieldKeys(ctx, "authorization", "password", "token"), msg, fields)
}

func addUnknownSetting(diags *diag.Diagnostics, attr, env string) {
	diags.AddAttributeError(path.Root(attr), "Unknown "+attr,
		"The provider cannot be configured with a value known only after apply. Set "+attr+" to a known value or use the "+env+" environment variable.")
}

// setting is a numeric provider setting. Its range is the schema's for the attribute; the environment variable,
// which no schema validates, is held to the same range here.
type setting[T int64 | time.Duration] struct {
	attr, env string
	min, max  T
}

var (
	maxRetries    = setting[int64]{"max_retries", "AURA_MAX_RETRIES", 0, 20}
	maxRetryAfter = setting[int64]{"max_retry_after_seconds", "AURA_MAX_RETRY_AFTER_SECONDS", 1, 3600}
	pollInterval  = setting[time.Duration]{"poll_interval", "AURA_POLL_INTERVAL", time.Millisecond, 10 * time.Minute}
)

// value is the attribute when set, else the environment variable; ok is false when neither is, or when either
// is unusable (reported on diags).
func (s setting[T]) value(configured attr.Value, fromAttr func() T, parse func(string) (T, error), diags *diag.Diagnostics) (v T, ok bool) {
	switch {
	case configured.IsUnknown():
		addUnknownSetting(diags, s.attr, s.env)
		return v, false
	case !configured.IsNull():
		return fromAttr(), true
	}
	raw := os.Getenv(s.env)
	if raw == "" {
		return v, false
	}
	v, err := parse(strings.TrimSpace(raw))
	if err != nil || v < s.min || v > s.max {
		diags.AddError("Invalid "+s.env, fmt.Sprintf("The %s environment variable (the fallback for %s) must be %s; got %q.", s.env, s.attr, s.allowed(), raw))
		return v, false
	}
	return v, true
}

func (s setting[T]) allowed() string {
	if d, ok := any(s.min).(time.Duration); ok {
		return durationRange(d, any(s.max).(time.Duration))
	}
	return fmt.Sprintf("an integer from %d to %d", s.min, s.max)
}

func intSetting(v types.Int64, s setting[int64], diags *diag.Diagnostics) (int64, bool) {
	return s.value(v, v.ValueInt64, func(raw string) (int64, error) { return strconv.ParseInt(raw, 10, 64) }, diags)
}

func durationSetting(v types.String, s setting[time.Duration], diags *diag.Diagnostics) (time.Duration, bool) {
	return s.value(v, func() time.Duration { d, _ := time.ParseDuration(v.ValueString()); return d }, time.ParseDuration, diags)
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
		NewBackupStatusDataSource,
		NewNetworkAccessConfigurationsDataSource,
	}
}
