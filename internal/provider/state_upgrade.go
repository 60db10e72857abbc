package provider

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// upgradeFromV0 upgrades state written before schema version 1 (before acts ran only by intent): fill adds
// the attributes that version 1 introduced, with the values that leave the first plan after the upgrade
// empty, so that an upgrade never plans an act.
func upgradeFromV0(fill func(attrs map[string]any)) map[int64]resource.StateUpgrader {
	return upgradeFrom(0, fill)
}

// upgradeFrom upgrades state of schema version from to the current one: fill edits its attributes as JSON.
func upgradeFrom(from int64, fill func(attrs map[string]any)) map[int64]resource.StateUpgrader {
	return map[int64]resource.StateUpgrader{from: {StateUpgrader: func(_ context.Context, req resource.UpgradeStateRequest, resp *resource.UpgradeStateResponse) {
		var attrs map[string]any
		if err := json.Unmarshal(req.RawState.JSON, &attrs); err != nil {
			resp.Diagnostics.AddError("Unreadable state", "The state written by an earlier version of the provider could not be read: "+err.Error())
			return
		}
		fill(attrs)
		if _, ok := attrs["project_id"]; !ok && attrs["tenant_id"] != nil {
			attrs["project_id"] = attrs["tenant_id"] // project_id names the same tenant (project_id.go)
		}
		raw, err := json.Marshal(attrs)
		if err != nil {
			resp.Diagnostics.AddError("Upgrading the state failed", err.Error())
			return
		}
		resp.DynamicValue = &tfprotov6.DynamicValue{JSON: raw}
	}}}
}

// upgradeAct fills what version 1 added to an act: backup_before as its default (the act happened without
// one), no backup snapshot, and a status that says whether the act was seen finished.
func upgradeAct(finishedAt string) func(map[string]any) {
	return func(attrs map[string]any) {
		attrs["backup_before"] = true
		attrs["backup_snapshot_id"] = nil
		attrs["status"] = actPending
		if attrs[finishedAt] != nil {
			attrs["status"] = actCompleted
		}
		if _, ok := attrs["triggers"]; !ok {
			attrs["triggers"] = nil
		}
	}
}

// upgradeDeletionProtection turns the former default, false, into the new one, true: a configuration that does
// not set deletion_protection plans nothing after the upgrade, and one that says false plans an in-place change
// that calls no API. An instance upgraded from a state that said true stays protected.
func upgradeDeletionProtection(attrs map[string]any) {
	attrs["deletion_protection"] = true
}
