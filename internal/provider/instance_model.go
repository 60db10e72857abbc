package provider

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
)

// instanceModel is the state of aura_instance and aura_instance_from_snapshot; the clone's two source
// attributes are nil-able extras.
type instanceModel struct {
	ID                   types.String   `tfsdk:"id"`
	Name                 types.String   `tfsdk:"name"`
	TenantID             types.String   `tfsdk:"tenant_id"`
	ProjectID            types.String   `tfsdk:"project_id"`
	Type                 types.String   `tfsdk:"type"`
	Version              types.String   `tfsdk:"version"`
	CloudProvider        types.String   `tfsdk:"cloud_provider"`
	Region               types.String   `tfsdk:"region"`
	Memory               types.String   `tfsdk:"memory"`
	Storage              types.String   `tfsdk:"storage"`
	VectorOptimized      types.Bool     `tfsdk:"vector_optimized"`
	GraphAnalyticsPlugin types.Bool     `tfsdk:"graph_analytics_plugin"`
	CustomerManagedKeyID types.String   `tfsdk:"customer_managed_key_id"`
	CDCEnrichmentMode    types.String   `tfsdk:"cdc_enrichment_mode"`
	SecondariesCount     types.Int64    `tfsdk:"secondaries_count"`
	Paused               types.Bool     `tfsdk:"paused"`
	DeletionProtection   types.Bool     `tfsdk:"deletion_protection"`
	Status               types.String   `tfsdk:"status"`
	ConnectionURL        types.String   `tfsdk:"connection_url"`
	Username             types.String   `tfsdk:"username"`
	Password             types.String   `tfsdk:"password"`
	CreatedAt            types.String   `tfsdk:"created_at"`
	GraphNodes           types.Int64    `tfsdk:"graph_nodes"`
	GraphRelationships   types.Int64    `tfsdk:"graph_relationships"`
	Timeouts             timeouts.Value `tfsdk:"timeouts"`
}

// cloneModel is aura_instance_from_snapshot's state: the instance's plus the source.
type cloneModel struct {
	instanceModel
	SourceInstanceID types.String `tfsdk:"source_instance_id"`
	SourceSnapshotID types.String `tfsdk:"source_snapshot_id"`
	Triggers         types.Map    `tfsdk:"triggers"`
}

type getter interface {
	Get(context.Context, any) diag.Diagnostics
}

type setter interface {
	Set(context.Context, any) diag.Diagnostics
}

// get reads plan, state or config into a cloneModel; for aura_instance the source stays null.
func (r *instanceResource) get(ctx context.Context, from getter, diags *diag.Diagnostics) *cloneModel {
	m := &cloneModel{}
	if r.clone {
		diags.Append(from.Get(ctx, m)...)
	} else {
		diags.Append(from.Get(ctx, &m.instanceModel)...)
	}
	return m
}

func (r *instanceResource) set(ctx context.Context, to setter, m *cloneModel, diags *diag.Diagnostics) {
	if r.clone {
		diags.Append(to.Set(ctx, m)...)
	} else {
		diags.Append(to.Set(ctx, &m.instanceModel)...)
	}
}

// instanceSchema is the schema of both instance resources; clone adds the source attributes.
func instanceSchema(ctx context.Context, clone bool) schema.Schema {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	s := schema.Schema{
		MarkdownDescription: "An Aura database instance. Creating one waits until it is `running`. The generated password " +
			"is returned by the API only when the instance is created, so it is kept in state (sensitive) and cannot be imported.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true, MarkdownDescription: "Instance id (8 hexadecimal characters).",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Required: true, MarkdownDescription: "Instance name, 1 to 30 characters. Updates in place.",
				Validators: []validator.String{stringvalidator.LengthBetween(1, 30)},
			},
			"type": schema.StringAttribute{
				Required: true, MarkdownDescription: "Instance type: one of `" + strings.Join(instanceTypes, "`, `") + "`. Changing it forces replacement.",
				Validators: []validator.String{oneOfValues(instanceTypes...)}, PlanModifiers: replace,
			},
			"version": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString("5"),
				MarkdownDescription: "Neo4j major version, `4` or `5`. Default `5`. The API never returns it, so the configured value is kept. Changing it forces replacement, except the first time after an import by id alone (the version is then unknown, and the configured one is recorded in place).",
				Validators:          []validator.String{oneOfValues(versions...)}, PlanModifiers: []planmodifier.String{versionAdoptedAfterImport{}},
			},
			"cloud_provider": schema.StringAttribute{
				Required: true, MarkdownDescription: "Cloud provider: one of `gcp`, `aws`, `azure`. Changing it forces replacement.",
				Validators: []validator.String{oneOfValues(cloudProviders...)}, PlanModifiers: replace,
			},
			"region": schema.StringAttribute{
				Required: true, MarkdownDescription: "Cloud region, such as `europe-west1`. Changing it forces replacement.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)}, PlanModifiers: replace,
			},
			"memory": schema.StringAttribute{
				Required: true, MarkdownDescription: "Memory size: one of `" + strings.Join(memorySizes, "`, `") + "`. Updates in place (the instance is `updating` meanwhile).",
				Validators: []validator.String{oneOfValues(memorySizes...)},
			},
			"storage": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Storage size: one of `" + strings.Join(storageSizes, "`, `") + "`. Default: what the tenant offers with `memory`. Updates in place. Not for `free-db`.",
				Validators:          []validator.String{oneOfValues(storageSizes...)},
				PlanModifiers:       []planmodifier.String{storageFollowsMemory{}},
			},
			"vector_optimized": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Optimize for vector search; needs at least `4GB` of memory. Default `false`. Changing it forces replacement.",
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"graph_analytics_plugin": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Enable the Graph Analytics plugin; `professional-db` only. Default `false`. Changing it forces replacement.",
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"customer_managed_key_id": schema.StringAttribute{
				Optional: true, MarkdownDescription: "Customer managed encryption key id. Changing it forces replacement.",
				PlanModifiers: replace,
			},
			"cdc_enrichment_mode": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Change data capture mode: `OFF`, `DIFF` or `FULL`; `business-critical` and `enterprise-db` only. Set after the instance is running; updates in place.",
				Validators:          []validator.String{oneOfValues(cdcModes...)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"secondaries_count": schema.Int64Attribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Number of secondaries (0 to 15); `business-critical` and `enterprise-db` only. Set after the instance is running; updates in place.",
				Validators:          []validator.Int64{int64validator.Between(0, 15)},
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"paused": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Desired state: `true` pauses the instance, `false` resumes it. Default `false`. Not for `free-db`.",
			},
			"deletion_protection": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: "While `true` (the default), a plan that would destroy or replace the instance fails at plan, on this " +
					"attribute, before anything in the apply runs: Aura deletes an instance's snapshots with it, so it is kept unless the " +
					"configuration says otherwise. To destroy or replace it, set `false` and apply first (an in-place change with no API " +
					"call), then destroy. A guard in the provider; Aura has no such setting. State written by versions before 0.1.0, whose " +
					"default was `false`, upgrades to `true`: a configuration that does not set it plans nothing. `terraform apply " +
					"-replace` of a protected instance is refused at plan too; of an unprotected one, Terraform shows no provider warning " +
					"(look for `will be replaced, as requested`).",
			},
			"status": schema.StringAttribute{
				Computed: true, MarkdownDescription: "Status reported by Aura, such as `running` or `paused`.",
				PlanModifiers: []planmodifier.String{stateUnless{"paused"}},
			},
			"connection_url": schema.StringAttribute{
				Computed: true, MarkdownDescription: "Bolt connection URL; empty while paused.",
				PlanModifiers: []planmodifier.String{stateUnless{"paused"}},
			},
			"username": schema.StringAttribute{
				Computed: true, MarkdownDescription: "Database user name given at creation.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"password": schema.StringAttribute{
				Computed: true, Sensitive: true,
				MarkdownDescription: "Database password. Aura returns it only in the answer to create, so it is kept in state; it is null after an import.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"created_at": schema.StringAttribute{
				Computed: true, MarkdownDescription: "Creation time (RFC 3339).",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"graph_nodes":         graphCountAttribute("nodes"),
			"graph_relationships": graphCountAttribute("relationships"),
			"timeouts":            timeoutsAttribute(ctx, true, true),
		},
	}
	for name, a := range tenantAttributes("Tenant of the instance. Default: the provider's `tenant_id`. Changing it forces replacement.") {
		s.Attributes[name] = a
	}
	s.Version = 1 // 1: deletion_protection defaults to true (upgradeDeletionProtection)
	if clone {
		s.Version = 2 // 1: triggers
		s.MarkdownDescription = "An Aura instance created with the data of another instance, from one of its snapshots or a fresh one. " +
			"The data is copied once, when it is created; see the sections below."
		s.Attributes["source_instance_id"] = schema.StringAttribute{
			Required: true, MarkdownDescription: "Instance whose data is copied. A change after create is recorded in place and copies nothing.",
		}
		s.Attributes["source_snapshot_id"] = schema.StringAttribute{
			Optional: true, MarkdownDescription: "Snapshot of the source to copy. Default: a fresh snapshot. A change after create is recorded in place and copies nothing.",
		}
		s.Attributes["triggers"] = schema.MapAttribute{
			Optional: true, ElementType: types.StringType,
			MarkdownDescription: "Arbitrary values; changing any of them replaces the instance with a new clone of the current source " +
				"settings (new password and connection URL). Triggers first set after an import are recorded without a replacement.",
			PlanModifiers: []planmodifier.Map{triggersAdoptedAfterImport{}},
		}
	}
	return s
}

// validateInstance checks the rules of api/README.md A.4 that a plan can know, naming the attribute and the
// allowed values. Unknown values are skipped.
func validateInstance(m *instanceModel, addError func(path.Path, string, string)) {
	known := func(v types.String) bool { return !v.IsNull() && !v.IsUnknown() }
	typ := m.Type.ValueString()
	if known(m.Type) && typ == "free-db" {
		if known(m.CloudProvider) && m.CloudProvider.ValueString() != "gcp" {
			addError(path.Root("cloud_provider"), "free-db runs on gcp only", `cloud_provider must be "gcp" for a free-db instance.`)
		}
		if known(m.Region) && m.Region.ValueString() != "europe-west1" {
			addError(path.Root("region"), "free-db runs in europe-west1 only", `region must be "europe-west1" for a free-db instance.`)
		}
		if known(m.Memory) && m.Memory.ValueString() != "1GB" {
			addError(path.Root("memory"), "free-db has 1GB only", `memory must be "1GB" for a free-db instance.`)
		}
		if known(m.Storage) {
			addError(path.Root("storage"), "free-db takes no storage", "Remove storage: a free-db instance has no storage setting.")
		}
		if m.Paused.ValueBool() {
			addError(path.Root("paused"), "free-db cannot be paused", "paused must be false for a free-db instance.")
		}
	}
	if known(m.Memory) && m.VectorOptimized.ValueBool() && gigabytes(m.Memory.ValueString()) < 4 {
		addError(path.Root("vector_optimized"), "vector_optimized needs at least 4GB", fmt.Sprintf("vector_optimized needs memory of 4GB or more; memory is %s.", m.Memory.ValueString()))
	}
	if known(m.Type) && m.GraphAnalyticsPlugin.ValueBool() && typ != "professional-db" {
		addError(path.Root("graph_analytics_plugin"), "graph_analytics_plugin needs professional-db", fmt.Sprintf(`graph_analytics_plugin is only available with type "professional-db"; type is %q.`, typ))
	}
	if known(m.Type) && !slices.Contains(cdcTypes, typ) {
		if known(m.CDCEnrichmentMode) {
			addError(path.Root("cdc_enrichment_mode"), "cdc_enrichment_mode needs business-critical or enterprise-db", fmt.Sprintf("cdc_enrichment_mode is only available with type business-critical or enterprise-db; type is %q.", typ))
		}
		if !m.SecondariesCount.IsNull() && !m.SecondariesCount.IsUnknown() {
			addError(path.Root("secondaries_count"), "secondaries_count needs business-critical or enterprise-db", fmt.Sprintf("secondaries_count is only available with type business-critical or enterprise-db; type is %q.", typ))
		}
	}
	if known(m.Type) && known(m.Version) && m.Version.ValueString() == "4" && typ != "free-db" && typ != "professional-db" && typ != "enterprise-db" {
		addError(path.Root("version"), "version 4 is not offered for "+typ, `version must be "5" for type `+typ+`; version 4 exists only for free-db, professional-db and enterprise-db.`)
	}
}

// graphCountDescription says what graph_nodes and graph_relationships are, for resources and data sources alike.
func graphCountDescription(what string) string {
	return "Number of " + what + " in the instance's graph as Aura last counted it; `free-db` only (its limits are counted " +
		"in nodes and relationships), null for other types. Aura refreshes the count periodically, so it trails writes " +
		"(a restore, clone, overwrite or upload included) by a few minutes."
}

// graphCountAttribute is computed and keeps its state in plans: the count changes without Terraform, and a known
// prior value in the plan keeps every plan free of it, including plans that update the instance for other reasons.
func graphCountAttribute(what string) schema.Int64Attribute {
	return schema.Int64Attribute{
		Computed: true, MarkdownDescription: graphCountDescription(what) + " A change never causes a plan; an update keeps " +
			"the value of the plan, and the next refresh reads the current one.",
		PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
	}
}

func gigabytes(s string) int {
	n, _ := strconv.Atoi(strings.TrimSuffix(s, "GB"))
	return n
}

// fromAPI copies what the API returns into the model. Version, password, username and deletion_protection
// are not returned and stay as they are.
func (m *instanceModel) fromAPI(in *aura.Instance) {
	m.ID = types.StringValue(in.ID)
	m.Name = types.StringValue(in.Name)
	m.TenantID = types.StringValue(in.TenantID)
	m.ProjectID = m.TenantID
	m.Type = types.StringValue(in.Type)
	m.CloudProvider = types.StringValue(in.CloudProvider)
	m.Region = types.StringValue(in.Region)
	m.Memory = types.StringValue(in.Memory)
	m.Storage = types.StringPointerValue(in.Storage)
	m.VectorOptimized = types.BoolValue(in.VectorOptimized != nil && *in.VectorOptimized)
	m.GraphAnalyticsPlugin = types.BoolValue(in.GraphAnalyticsPlugin != nil && *in.GraphAnalyticsPlugin)
	m.CustomerManagedKeyID = types.StringPointerValue(in.CustomerManagedKeyID)
	m.CDCEnrichmentMode = types.StringPointerValue(in.CDCEnrichmentMode)
	m.SecondariesCount = types.Int64PointerValue(in.SecondariesCount)
	m.Paused = types.BoolValue(in.Status == "paused" || in.Status == "pausing")
	m.Status = types.StringValue(in.Status)
	m.ConnectionURL = types.StringValue(in.ConnectionURL)
	m.CreatedAt = types.StringValue(in.CreatedAt)
	m.GraphNodes = types.Int64PointerValue(in.GraphNodes)
	m.GraphRelationships = types.Int64PointerValue(in.GraphRelationships)
	if m.Version.IsUnknown() { // null stays null: an import by id alone, which could not know it
		m.Version = types.StringValue("5")
	}
	if m.DeletionProtection.IsNull() || m.DeletionProtection.IsUnknown() {
		m.DeletionProtection = types.BoolValue(true)
	}
	if m.Username.IsUnknown() {
		m.Username = types.StringNull()
	}
	if m.Password.IsUnknown() {
		m.Password = types.StringNull()
	}
}
