package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
)

// snapshotUse is what an act needs of a snapshot (api/README.md A.5, A.6): an in-place restore takes any of
// the instance's own Completed snapshots while it is listed; copying data elsewhere (a clone, an overwrite, an
// export) also needs it exportable now.
type snapshotUse struct {
	verb     string // what the snapshot would be used for, in "cannot <verb>"
	exported bool
}

var (
	forRestore   = snapshotUse{verb: "be restored"}
	forOverwrite = snapshotUse{verb: "overwrite another instance", exported: true}
	forClone     = snapshotUse{verb: "seed a new instance", exported: true}
	forExport    = snapshotUse{verb: "be exported", exported: true}
)

// checkSnapshot refuses, before anything is sent, a snapshot that Aura would refuse for use, and says why on
// attr: missing (expired, or another instance's), not Completed, or not exportable (differential, or past its
// exportable window). It returns the snapshot it read.
func (pd *providerData) checkSnapshot(ctx context.Context, instanceID, snapshotID string, use snapshotUse, attr path.Path, diags *diag.Diagnostics) (*aura.Snapshot, bool) {
	s, err := pd.client.GetSnapshot(ctx, instanceID, snapshotID)
	return s, pd.judgeSnapshot(ctx, instanceID, snapshotID, s, err, use, attr, diags)
}

// judgeSnapshot is checkSnapshot on a snapshot read (s, or err), at plan or at apply.
func (pd *providerData) judgeSnapshot(ctx context.Context, instanceID, snapshotID string, s *aura.Snapshot, err error, use snapshotUse, attr path.Path, diags *diag.Diagnostics) bool {
	switch {
	case errors.Is(err, aura.ErrNotFound):
		diags.AddAttributeError(attr, "Snapshot not found",
			fmt.Sprintf("Instance %s has no snapshot %s, so it cannot %s: it has expired, or it belongs to another instance (for a restore from another instance, set source_instance_id to that instance).", instanceID, snapshotID, use.verb))
		return false
	case err != nil:
		diags.AddError("Reading the snapshot failed", err.Error())
		return false
	case s.Status != "Completed":
		diags.AddAttributeError(attr, "Snapshot not completed",
			fmt.Sprintf("%s is %s, so it cannot %s: only Completed snapshots can. Wait for it, or pick a Completed one from data.aura_snapshots (status = \"Completed\").", describeSnapshotRead(s), s.Status, use.verb))
		return false
	case use.exported && !s.Exportable:
		diags.AddAttributeError(attr, "Snapshot not exportable",
			fmt.Sprintf("%s is not exportable, so it cannot %s: %s. Pick one from data.aura_snapshots with exportable_only = true.", describeSnapshotRead(s), use.verb, pd.whyNotExportable(ctx, s)))
		return false
	}
	return true
}

// whyNotExportable names the rule a Completed snapshot fails: differential snapshots never are exportable, and
// full ones only within their window.
func (pd *providerData) whyNotExportable(ctx context.Context, s *aura.Snapshot) string {
	in, err := pd.instanceRead(ctx, s.InstanceID)
	if err != nil {
		return "it is outside its exportable window"
	}
	if _, until := aura.SnapshotWindows(in.Type, "5", *s); until != nil {
		return "its exportable window ended at " + until.Format(time.RFC3339)
	}
	if s.Profile == "Scheduled" {
		return "it is a differential snapshot, and differential snapshots are never exportable"
	}
	return "it is outside its exportable window"
}
