package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
)

// snapshotFate words what Aura holds of a snapshot whose record is being destroyed, as true at this moment: the
// state's status and window may be days old, and its instance may have been deleted by this very apply.
func (pd *providerData) snapshotFate(ctx context.Context, state *snapshotResourceModel) (summary, detail string) {
	// Read first: the answer's Date sets the server's clock, which an apply's fresh client does not know yet.
	_, err := pd.client.GetSnapshot(ctx, state.InstanceID.ValueString(), state.SnapshotID.ValueString())
	now := pd.client.ServerNow()
	until, hasUntil := parseTime(state.RestorableUntil.ValueString())
	switch {
	case err == nil && hasUntil && now.Before(until):
		return "Snapshot kept by Aura", fmt.Sprintf("Aura keeps it restorable until %s (in %s) while instance %s exists: deleting the instance (as this apply does if it destroys it too) deletes it with all the instance's snapshots.",
			until.Format(time.RFC3339), span(until.Sub(now)), state.InstanceID.ValueString())
	case err == nil && !hasUntil:
		return "Snapshot kept by Aura", "Aura keeps it until the end of its retention window while instance " + state.InstanceID.ValueString() + " exists: deleting the instance (as this apply does if it destroys it too) deletes it with all the instance's snapshots."
	case err != nil && !errors.Is(err, aura.ErrNotFound):
		return "Snapshot removed from state", fmt.Sprintf("Whether Aura still has it could not be read now (%v).", err)
	case err != nil:
		if _, err := pd.client.GetInstance(ctx, state.InstanceID.ValueString()); errors.Is(err, aura.ErrNotFound) {
			return "Snapshot deleted with its instance", fmt.Sprintf("It no longer exists: instance %s was deleted, and Aura deleted its snapshots with it.", state.InstanceID.ValueString())
		}
	}
	if hasUntil && !now.Before(until) {
		return "Snapshot expired", fmt.Sprintf("It expired at %s (%s ago) and can no longer be restored.", until.Format(time.RFC3339), span(now.Sub(until)))
	}
	return "Snapshot expired", "Aura no longer has it: it expired and can no longer be restored."
}

func parseTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339, s)
	return t, err == nil
}
