package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/agext/levenshtein"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
)

// What would fail at apply fails at plan: the checks below read the tenant, the snapshots and the instances a
// plan names (planReads shares each read across the plan), so that a pull-request or drift plan tells what the
// apply would refuse before anything is created or destroyed.

// tenantAtPlan reads the tenant a create names: configured is the resource's tenant_id as configured (null: the
// provider's; unknown: not checked). Credentials Aura refuses, or a tenant they cannot see, fail the plan (said
// once, however many resources name it). Any other failure to read leaves the check to the apply.
func (pd *providerData) tenantAtPlan(ctx context.Context, configured types.String, attr path.Path, diags *diag.Diagnostics) *aura.Tenant {
	if configured.IsUnknown() {
		return nil
	}
	id := pd.tenantID
	if configured.ValueString() != "" {
		id = configured.ValueString()
	}
	if id == "" {
		return nil // ValidateConfig and Create say how to set it
	}
	ctx, cancel := context.WithTimeout(ctx, planReadTimeout)
	defer cancel()
	t, err := pd.tenantRead(ctx, id)
	switch {
	case err == nil:
		return t
	case pd.credentialsRefused(err, diags):
	case pd.tenantNotFound(ctx, err, id, configured.IsNull(), attr, diags):
	default:
		diags.AddWarning("The tenant could not be checked at plan", fmt.Sprintf("Reading tenant %s failed: %v. The apply checks the configuration instead.", id, err))
	}
	return nil
}

// tenantNotFound reports, once per plan, a tenant these credentials cannot see, with those they can; false for
// any other error. fromProvider tells whether the id came from the provider's tenant_id (or AURA_TENANT_ID).
func (pd *providerData) tenantNotFound(ctx context.Context, err error, id string, fromProvider bool, attr path.Path, diags *diag.Diagnostics) bool {
	if !errors.Is(err, aura.ErrNotFound) && aura.StatusOf(err) != http.StatusForbidden {
		return false
	}
	if pd.firstReport("tenant " + id) {
		where := attr.String() + " here, or tenant_id in the provider block (or AURA_TENANT_ID)"
		if fromProvider {
			where = "tenant_id in the provider block (or the AURA_TENANT_ID environment variable), or " + attr.String() + " here,"
		}
		diags.AddAttributeError(attr, "Tenant not found",
			fmt.Sprintf("These credentials cannot see tenant %s. %s Set %s to one of them.", id, pd.visibleTenants(ctx), where))
	}
	return true
}

// visibleTenants lists the tenants the credentials can see, for the error about one they cannot.
func (pd *providerData) visibleTenants(ctx context.Context) string {
	ts, err := pd.client.ListTenants(ctx)
	if err != nil || len(ts) == 0 {
		return "They see no tenant (data.aura_tenants lists them)."
	}
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = fmt.Sprintf("%s (%q)", t.ID, t.Name)
	}
	return "They see: " + strings.Join(names, ", ") + "."
}

// credentialsRefused reports, once per plan, that Aura refused the provider's client id and secret; false for
// any other error.
func (pd *providerData) credentialsRefused(err error, diags *diag.Diagnostics) bool {
	if !errors.Is(err, aura.ErrCredentials) {
		return false
	}
	if pd.firstReport("credentials") {
		diags.AddError("Aura refused the provider's credentials",
			"Aura refused the client id and secret, so nothing can be planned against it. Check client_secret and client_id "+
				"in the provider block, or the AURA_CLIENT_SECRET and AURA_CLIENT_ID environment variables: they must be a pair "+
				"from the Aura console (Account details > API credentials).")
	}
	return true
}

// offered checks an instance's settings against what the tenant offers (its instance_configurations), in the
// order they narrow the choice. It names the first setting not offered with those before it, the values that
// are, and the nearest of them when the setting looks like a typing slip. A resize (resize) is judged on memory
// and storage alone: the rest is the existing instance's, which may no longer be offered to new ones, and
// advice to change it would replace the instance.
func offered(t *aura.Tenant, m *instanceModel, resize bool) (attr, detail string) {
	steps := []struct {
		attr string
		v    types.String
		of   func(aura.InstanceConfiguration) string
	}{
		{"type", m.Type, func(c aura.InstanceConfiguration) string { return c.Type }},
		{"cloud_provider", m.CloudProvider, func(c aura.InstanceConfiguration) string { return c.CloudProvider }},
		{"region", m.Region, func(c aura.InstanceConfiguration) string { return c.Region }},
		{"memory", m.Memory, func(c aura.InstanceConfiguration) string { return c.Memory }},
		{"storage", m.Storage, func(c aura.InstanceConfiguration) string { return c.Storage }},
		{"version", m.Version, func(c aura.InstanceConfiguration) string { return c.Version }},
	}
	left := t.InstanceConfigurations
	var with []string
	for _, s := range steps {
		if s.v.IsNull() || s.v.IsUnknown() {
			continue
		}
		v := s.v.ValueString()
		match := slices.DeleteFunc(slices.Clone(left), func(c aura.InstanceConfiguration) bool { return s.of(c) != v })
		if resize && s.attr != "memory" && s.attr != "storage" {
			if len(match) == 0 {
				return "", "" // this combination is no longer offered: nothing to judge a resize by
			}
		}
		if len(match) > 0 {
			left = match
			with = append(with, fmt.Sprintf("%s %q", s.attr, v))
			continue
		}
		var values []string
		for _, c := range left {
			if !slices.Contains(values, s.of(c)) {
				values = append(values, s.of(c))
			}
		}
		detail = fmt.Sprintf("Tenant %q (%s) offers no %s %q", t.Name, t.ID, s.attr, v)
		if len(with) > 0 {
			detail += " with " + strings.Join(with, ", ")
		}
		detail += fmt.Sprintf(". It offers %s: %s.", s.attr, quoted(values))
		if near := nearest(v, values); near != "" {
			detail += fmt.Sprintf(" Did you mean %q?", near)
		}
		return s.attr, detail
	}
	return "", ""
}

// nearest is the value v was most likely meant to be: the same but for case and separators, or, for names
// longer than a size such as "4GB" (where one edit makes another valid size), within two edits (as Terraform's own
// "did you mean"); "" when none is close.
func nearest(v string, values []string) string {
	fold := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r == '-' || r == '_' || r == ' ' {
				return -1
			}
			return r
		}, strings.ToLower(s))
	}
	best, bestDist := "", 3
	for _, c := range values {
		if fold(c) == fold(v) {
			return c
		}
		if len(v) <= 5 {
			continue
		}
		if d := levenshtein.Distance(strings.ToLower(v), strings.ToLower(c), nil); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

func quoted(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, ", ")
}

// checkOffered refuses at plan an instance the tenant does not offer: configuredTenant is tenant_id as
// configured; a resize is checked in the instance's own tenant.
func (pd *providerData) checkOffered(ctx context.Context, m *instanceModel, configuredTenant types.String, resize bool, diags *diag.Diagnostics) {
	if resize {
		configuredTenant = m.TenantID
	}
	t := pd.tenantAtPlan(ctx, configuredTenant, path.Root("tenant_id"), diags)
	if t == nil {
		return
	}
	if attr, detail := offered(t, m, resize); attr != "" {
		diags.AddAttributeError(path.Root(attr), "Not offered by the tenant: "+attr, detail)
	}
}

// targetAtPlan reads the instance an act is planned for. It refuses one that does not exist, or, when the act
// needs it running, one that this plan leaves paused; one busy with an operation is fine, as the apply waits for
// it. ok is false when the plan must stop.
func (pd *providerData) targetAtPlan(ctx context.Context, id types.String, attr, act string, mustRun bool, diags *diag.Diagnostics) (in *aura.Instance, err error, ok bool) {
	in, err = pd.instanceAtPlan(ctx, id)
	switch {
	case err == nil && in == nil: // not known yet
	case pd.credentialsRefused(err, diags):
		return nil, err, false
	case errors.Is(err, aura.ErrNotFound):
		diags.AddAttributeError(path.Root(attr), "Instance not found",
			fmt.Sprintf("There is no instance %s (deleted, or in a tenant these credentials cannot see), so no %s can run on it.", id.ValueString(), act))
		return nil, err, false
	case err == nil && mustRun && pd.pausedAfterPlan(in):
		diags.AddAttributeError(path.Root(attr), "Instance paused",
			fmt.Sprintf("Instance %s (%q) is %s, and Aura runs a %s only on a running instance: resume it first (paused = false on its aura_instance, in an earlier apply, or in this one with the %s depending on it, as through aura_instance.<name>.id).", in.ID, in.Name, in.Status, act, act))
		return in, nil, false
	}
	return in, err, true
}

// snapshotAtPlan proves at plan that the act can use the snapshot until the apply ends (until): it exists on
// the instance, is Completed, and stays restorable (in-place restore) or exportable (a copy elsewhere) that long.
func (pd *providerData) snapshotAtPlan(ctx context.Context, instanceID, snapshotID types.String, use snapshotUse, attr path.Path, until time.Time, diags *diag.Diagnostics) (*aura.Snapshot, bool) {
	if pd == nil || instanceID.IsUnknown() || instanceID.IsNull() || snapshotID.IsUnknown() || snapshotID.IsNull() {
		return nil, true
	}
	ctx, cancel := context.WithTimeout(ctx, planReadTimeout)
	defer cancel()
	s, err := pd.snapshotRead(ctx, instanceID.ValueString(), snapshotID.ValueString())
	switch {
	case pd.credentialsRefused(err, diags):
		return s, false
	case err != nil && !errors.Is(err, aura.ErrNotFound):
		diags.AddAttributeWarning(attr, "The snapshot could not be checked at plan",
			fmt.Sprintf("Reading snapshot %s of instance %s failed: %v. The apply checks it before anything is sent.", snapshotID.ValueString(), instanceID.ValueString(), err))
		return nil, true
	case !pd.judgeSnapshot(ctx, instanceID.ValueString(), snapshotID.ValueString(), s, err, use, attr, diags):
		return s, false
	}
	in, err := pd.instanceRead(ctx, s.InstanceID)
	if err != nil {
		return s, true
	}
	// Aura does not return the version; 5 gives the later end of the two (api/README.md B).
	restorable, exportable := aura.SnapshotWindows(in.Type, "5", *s)
	end, window := restorable, "restorable"
	if use.exported {
		end, window = exportable, "exportable"
	}
	if end != nil && end.Before(until) {
		diags.AddAttributeError(attr, "Snapshot expires before the apply could end",
			fmt.Sprintf("%s stays %s only until %s, and the apply may run until %s (its create timeout), so it could not %s to the end. Pick a newer snapshot, or shorten timeouts.create.",
				describeSnapshotRead(s), window, end.Format(time.RFC3339), until.Format(time.RFC3339), use.verb))
		return s, false
	}
	return s, true
}

// planUntil is when an apply that starts now ends at the latest: its create timeout from now.
func (pd *providerData) planUntil(ctx context.Context, create func(context.Context, time.Duration) (time.Duration, diag.Diagnostics), diags *diag.Diagnostics) time.Time {
	if pd == nil {
		return time.Time{}
	}
	d, ds := create(ctx, defaultCreateTimeout)
	diags.Append(ds...)
	return pd.client.ServerNow().Add(d)
}

// takenAgo words when a snapshot was taken, for the warning of the act that uses it.
func (pd *providerData) takenAgo(s *aura.Snapshot) string {
	return fmt.Sprintf("%s, %s", s.Timestamp, ago(s.Timestamp, pd.client.ServerNow()))
}

// ago words how long ago a snapshot was taken, to the minute.
func ago(timestamp string, now time.Time) string {
	t, err := time.Parse(time.RFC3339, timestamp)
	if err != nil {
		return "an unknown time"
	}
	return span(now.Sub(t)) + " ago"
}

// span words a duration to the minute, as ago does: "6d23h", "2h5m", "3m".
func span(d time.Duration) string {
	d = d.Round(time.Minute)
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	switch {
	case days > 0:
		return fmt.Sprintf("%dd%dh", days, d/time.Hour)
	case d >= time.Hour:
		return fmt.Sprintf("%dh%dm", d/time.Hour, (d%time.Hour)/time.Minute)
	}
	return fmt.Sprintf("%dm", d/time.Minute)
}

// compatibleAtPlan refuses at plan a copy Aura refuses (api/README.md A.6): AuraDS and AuraDB data do not mix, and
// the target needs at least the source's storage. targetType and targetStorage may be unknown (then unchecked).
func compatibleAtPlan(source *aura.Instance, targetType, targetStorage types.String, typeAttr, storageAttr string, diags *diag.Diagnostics) bool {
	if source == nil {
		return true
	}
	if !targetType.IsUnknown() && !targetType.IsNull() && strings.HasSuffix(source.Type, "-ds") != strings.HasSuffix(targetType.ValueString(), "-ds") {
		diags.AddAttributeError(path.Root(typeAttr), "AuraDS and AuraDB data do not mix",
			fmt.Sprintf("The source, instance %s (%q), is %s, and the target is %s: Aura copies AuraDS data only into AuraDS instances (type ending in -ds) and AuraDB data only into AuraDB ones.", source.ID, source.Name, source.Type, targetType.ValueString()))
		return false
	}
	if targetStorage.IsUnknown() || targetStorage.IsNull() || source.Storage == nil {
		return true
	}
	if gigabytes(targetStorage.ValueString()) < gigabytes(*source.Storage) {
		diags.AddAttributeError(path.Root(storageAttr), "Not enough storage for the source's data",
			fmt.Sprintf("The source, instance %s (%q), has %s of storage and the target %s: Aura needs the target to have at least the source's storage. Give the target storage = %q or more.", source.ID, source.Name, *source.Storage, targetStorage.ValueString(), *source.Storage))
		return false
	}
	return true
}
