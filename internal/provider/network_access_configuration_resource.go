package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
)

var (
	_ resource.Resource                   = (*networkAccessConfigurationResource)(nil)
	_ resource.ResourceWithConfigure      = (*networkAccessConfigurationResource)(nil)
	_ resource.ResourceWithImportState    = (*networkAccessConfigurationResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*networkAccessConfigurationResource)(nil)
	_ resource.ResourceWithValidateConfig = (*networkAccessConfigurationResource)(nil)
)

type networkAccessConfigurationResource struct{ data *providerData }

func NewNetworkAccessConfigurationResource() resource.Resource {
	return &networkAccessConfigurationResource{}
}

type networkAccessConfigurationModel struct {
	networkAccessConfigurationFields
	TenantID  types.String   `tfsdk:"tenant_id"`
	ProjectID types.String   `tfsdk:"project_id"`
	Timeouts  timeouts.Value `tfsdk:"timeouts"`
}

func (r *networkAccessConfigurationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_network_access_configuration"
}

func (r *networkAccessConfigurationResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The network access configuration of a tenant for one cloud provider, region and instance type (the Aura " +
			"console's Network Access page). An extension of the project: the public Aura API has none.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "Configuration id.", PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"cloud_provider": schema.StringAttribute{Required: true, MarkdownDescription: "`gcp`, `aws` or `azure`. Changing it forces replacement.",
				Validators: []validator.String{oneOfValues(cloudProviders...)}, PlanModifiers: replace},
			"region": schema.StringAttribute{Required: true, MarkdownDescription: "Cloud region. Changing it forces replacement.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)}, PlanModifiers: replace},
			"type": schema.StringAttribute{Required: true, MarkdownDescription: "Instance type (tier) it covers: one of `" + strings.Join(instanceTypes, "`, `") + "`. Changing it forces replacement.",
				Validators: []validator.String{oneOfValues(instanceTypes...)}, PlanModifiers: replace},
			"private_connectivity": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Offer a private endpoint (`endpoint_service`). Default `false`. Updates in place."},
			"public_traffic_enabled": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: "Allow traffic over the public internet. Default `true`. `false` needs `private_connectivity = true`, and refuses uploads into covered instances. Updates in place."},
			"allowed_principals": schema.SetAttribute{Optional: true, Computed: true, ElementType: types.StringType,
				Default:             setdefault.StaticValue(basetypes.NewSetValueMust(types.StringType, nil)),
				MarkdownDescription: "AWS account ids, Azure subscription ids or GCP project ids allowed to connect privately. Default empty. Updates in place."},
			"endpoint_service": schema.StringAttribute{Computed: true, MarkdownDescription: "The private endpoint service to connect to; empty without private connectivity.",
				PlanModifiers: []planmodifier.String{stateUnless{"private_connectivity"}}},
			"status":   schema.StringAttribute{Computed: true, MarkdownDescription: "`pending`, `updating` or `ready`; applies wait for `ready`.", PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"timeouts": timeoutsAttribute(ctx, true, true),
		},
	}
	for name, a := range tenantAttributes("Tenant. Default: the provider's `tenant_id`. Changing it forces replacement.") {
		resp.Schema.Attributes[name] = a
	}
}

func (r *networkAccessConfigurationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *networkAccessConfigurationResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m networkAccessConfigurationModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	checkSynonyms(m.TenantID, m.ProjectID, &resp.Diagnostics)
	public, private := m.PublicTrafficEnabled, m.PrivateConnectivity
	if !public.IsNull() && !public.IsUnknown() && !public.ValueBool() && !private.IsUnknown() && !private.ValueBool() {
		resp.Diagnostics.AddAttributeError(path.Root("public_traffic_enabled"), "Public traffic off needs private connectivity",
			"public_traffic_enabled = false is only allowed with private_connectivity = true; otherwise nothing could reach the instances. Allowed: set private_connectivity = true, or keep public_traffic_enabled = true.")
	}
}

func (m *networkAccessConfigurationModel) fromAPI(n *aura.NetworkAccess) {
	m.networkAccessConfigurationFields.fromAPI(n)
	m.TenantID = types.StringValue(n.TenantID)
	m.ProjectID = m.TenantID
}

func setStrings(ctx context.Context, s types.Set) []string {
	out := []string{}
	_ = s.ElementsAs(ctx, &out, false)
	return out
}

func (r *networkAccessConfigurationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan networkAccessConfigurationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	tenantID := r.data.tenant(plan.TenantID, "tenant_id", &resp.Diagnostics)
	if tenantID == "" {
		return
	}
	n, err := r.data.client.CreateNetworkAccess(ctx, tenantID, aura.CreateNetworkAccessRequest{
		CloudProvider: plan.CloudProvider.ValueString(), Region: plan.Region.ValueString(), Type: plan.Type.ValueString(),
		PrivateConnectivity: plan.PrivateConnectivity.ValueBool(), PublicTrafficEnabled: plan.PublicTrafficEnabled.ValueBool(),
		AllowedPrincipals: setStrings(ctx, plan.AllowedPrincipals),
	})
	if err != nil {
		addAPIError(&resp.Diagnostics, "Creating the network access configuration failed", networkFeature, err)
		return
	}
	state := plan
	state.fromAPI(n)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	if n, err = r.data.client.WaitForNetworkAccess(ctx, tenantID, n.ID); err != nil {
		resp.Diagnostics.AddError("Waiting for the network access configuration failed", err.Error())
		return
	}
	state.fromAPI(n)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *networkAccessConfigurationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state networkAccessConfigurationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	n, err := r.data.client.GetNetworkAccess(ctx, state.TenantID.ValueString(), state.ID.ValueString())
	if errors.Is(err, aura.ErrNotFound) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Reading the network access configuration failed", networkFeature, err)
		return
	}
	state.fromAPI(n)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *networkAccessConfigurationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state networkAccessConfigurationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Update, defaultUpdateTimeout, &resp.Diagnostics)
	defer cancel()
	c := r.data.client
	tenantID, id := state.TenantID.ValueString(), state.ID.ValueString()
	if _, err := c.WaitForNetworkAccess(ctx, tenantID, id); err != nil {
		addAPIError(&resp.Diagnostics, "The network access configuration is not ready for an update", networkFeature, err)
		return
	}
	patch := aura.UpdateNetworkAccessRequest{}
	if !plan.PrivateConnectivity.Equal(state.PrivateConnectivity) {
		patch.PrivateConnectivity = plan.PrivateConnectivity.ValueBoolPointer()
	}
	if !plan.PublicTrafficEnabled.Equal(state.PublicTrafficEnabled) {
		patch.PublicTrafficEnabled = plan.PublicTrafficEnabled.ValueBoolPointer()
	}
	if !plan.AllowedPrincipals.Equal(state.AllowedPrincipals) {
		p := setStrings(ctx, plan.AllowedPrincipals)
		patch.AllowedPrincipals = &p
	}
	next := plan
	if patch.PrivateConnectivity != nil || patch.PublicTrafficEnabled != nil || patch.AllowedPrincipals != nil {
		if _, err := c.UpdateNetworkAccess(ctx, tenantID, id, patch); err != nil {
			addAPIError(&resp.Diagnostics, "Updating the network access configuration failed", networkFeature, err)
			return
		}
	}
	n, err := c.WaitForNetworkAccess(ctx, tenantID, id)
	if err != nil {
		resp.Diagnostics.AddError("Waiting for the network access configuration failed", err.Error())
		return
	}
	next.fromAPI(n)
	resp.Diagnostics.Append(resp.State.Set(ctx, &next)...)
}

func (r *networkAccessConfigurationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state networkAccessConfigurationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	err := r.data.client.DeleteNetworkAccess(ctx, state.TenantID.ValueString(), state.ID.ValueString())
	if err != nil && !errors.Is(err, aura.ErrNotFound) {
		addAPIError(&resp.Diagnostics, "Deleting the network access configuration failed", networkFeature, err)
	}
}

func (r *networkAccessConfigurationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	tenantID, id, ok := strings.Cut(req.ID, "/")
	if !ok || tenantID == "" || id == "" {
		resp.Diagnostics.AddError("Invalid import id", fmt.Sprintf("Use \"<tenant_id>/<id>\"; got %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("tenant_id"), tenantID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}

// ModifyPlan proves at plan that the server has network access configurations (the project's extension) for a
// configuration created or changed, and that the tenant of a new one exists for these credentials.
func (r *networkAccessConfigurationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil || req.Plan.Raw.Equal(req.State.Raw) {
		return
	}
	tenant, at := configuredTenant(ctx, req.Config, &resp.Diagnostics)
	if !r.data.extensionAtPlan(ctx, networkFeature, tenant, &resp.Diagnostics) || !req.State.Raw.IsNull() {
		return
	}
	r.data.tenantAtPlan(ctx, tenant, at, &resp.Diagnostics)
}
