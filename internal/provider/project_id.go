package provider

import (
	"context"
	"fmt"
	"os"

	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Aura's console and aura-cli now say "project" where API v1 says "tenant" (a v1 tenant is a v2 project), and the
// Labs provider's users write project_id. project_id is an exact synonym of tenant_id: either may be set, both only
// with the same value, and state holds both with the one id.

const projectSynonym = "`project_id` is the same thing under the name Aura's console and `aura-cli` now use (a project is a tenant); set one or the other."

// tenantAttributes are tenant_id and its synonym project_id for a resource whose tenant forces replacement.
func tenantAttributes(description string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"tenant_id": schema.StringAttribute{
			Optional: true, Computed: true, MarkdownDescription: description + " " + projectSynonym,
			PlanModifiers: []planmodifier.String{synonymPlan{"project_id"}, tenantReplace{"project_id"}, stringplanmodifier.UseStateForUnknown()},
		},
		"project_id": schema.StringAttribute{
			Optional: true, Computed: true, MarkdownDescription: "The same as `tenant_id`.",
			PlanModifiers: []planmodifier.String{synonymPlan{"tenant_id"}, stringplanmodifier.UseStateForUnknown()},
		},
	}
}

// synonymPlan plans an unset attribute as its configured synonym, so tenant_id and project_id always plan alike.
type synonymPlan struct{ other string }

func (m synonymPlan) Description(context.Context) string {
	return "takes the value of " + m.other + " when only that is configured"
}
func (m synonymPlan) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (m synonymPlan) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if !req.ConfigValue.IsNull() {
		return
	}
	var other types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(m.other), &other)...)
	if !other.IsNull() {
		resp.PlanValue = other
	}
}

// tenantReplace replaces the object when either name configures a tenant other than the one in state; moving the
// same id from tenant_id to project_id changes nothing.
type tenantReplace struct{ other string }

func (tenantReplace) Description(context.Context) string {
	return "changing the configured tenant (tenant_id or project_id) forces replacement"
}
func (m tenantReplace) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (m tenantReplace) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || req.StateValue.IsNull() {
		return
	}
	var other types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(m.other), &other)...)
	if req.ConfigValue.IsNull() && other.IsNull() {
		return // the provider's default: kept, as Aura cannot move an object between tenants anyway
	}
	if req.PlanValue.IsUnknown() || !req.PlanValue.Equal(req.StateValue) {
		resp.RequiresReplace = true
	}
}

// configuredTenant is the tenant the configuration names, under either name, and the path of the name used
// (tenant_id when neither is set).
func configuredTenant(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) (types.String, path.Path) {
	var tenant, project types.String
	diags.Append(config.GetAttribute(ctx, path.Root("tenant_id"), &tenant)...)
	diags.Append(config.GetAttribute(ctx, path.Root("project_id"), &project)...)
	if tenant.IsNull() && !project.IsNull() {
		return project, path.Root("project_id")
	}
	return tenant, path.Root("tenant_id")
}

// checkSynonyms refuses tenant_id and project_id set to different ids. An unknown value is judged at apply.
func checkSynonyms(tenant, project types.String, diags *diag.Diagnostics) {
	if tenant.IsNull() || project.IsNull() || tenant.IsUnknown() || project.IsUnknown() || tenant.Equal(project) {
		return
	}
	diags.AddAttributeError(path.Root("project_id"), "tenant_id and project_id differ",
		fmt.Sprintf("project_id is another name for tenant_id, and they are set to different ids (%q and %q). Set only one of them.",
			tenant.ValueString(), project.ValueString()))
}

// eitherTenant is tenant_id, or project_id when only that is set: the configured tenant of a data source.
func eitherTenant(tenant, project types.String) types.String {
	if tenant.IsNull() {
		return project
	}
	return tenant
}

// dataTenantAttributes are tenant_id and project_id for a data source: either names the tenant to read, and both
// hold the one read.
func dataTenantAttributes(description string) map[string]dschema.Attribute {
	return map[string]dschema.Attribute{
		"tenant_id":  dschema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: description + " " + projectSynonym},
		"project_id": dschema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: "The same as `tenant_id`."},
	}
}

// providerTenant is the provider's default tenant: tenant_id or project_id from the provider block, else
// AURA_TENANT_ID or AURA_PROJECT_ID. Two names given different ids at the same level are refused.
func providerTenant(cfg providerModel, diags *diag.Diagnostics) string {
	if checkSynonyms(cfg.TenantID, cfg.ProjectID, diags); diags.HasError() {
		return ""
	}
	if v := eitherTenant(cfg.TenantID, cfg.ProjectID); !v.IsNull() {
		return v.ValueString()
	}
	tenant, project := os.Getenv("AURA_TENANT_ID"), os.Getenv("AURA_PROJECT_ID")
	if tenant != "" && project != "" && tenant != project {
		diags.AddError("AURA_TENANT_ID and AURA_PROJECT_ID differ",
			fmt.Sprintf("AURA_PROJECT_ID is another name for AURA_TENANT_ID, and they are set to different ids (%q and %q). Set only one of them.", tenant, project))
		return ""
	}
	if tenant == "" {
		return project
	}
	return tenant
}
