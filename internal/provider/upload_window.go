package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
)

// The public-traffic window of an upload (api/README.md C.1, C.3). Aura refuses an upload while a network access
// configuration disables public traffic in the instance's region; its documented workflow is to enable public
// traffic, upload, and disable it again. With open_public_traffic = true the provider does that. The uploads of
// one provider process into a region share the window: each joins it as its create begins, the first to upload
// opens it, and the last to finish closes it, so that two uploads of one apply open and close it once.

// windowKey names one configuration's public traffic. The configuration id alone would do; tenant and region
// make the key read as what it guards.
type windowKey struct{ tenant, config, region string }

func windowKeyOf(n aura.NetworkAccess) windowKey { return windowKey{n.TenantID, n.ID, n.Region} }

// trafficWindow is one configuration's public traffic as the uploads of this process hold it.
type trafficWindow struct {
	key  windowKey
	name string        // for messages: "network access configuration <id> (aws us-east-1 enterprise-db)"
	turn chan struct{} // held while public traffic is turned on or off, so that only one request is in flight
	// users counts the uploads that joined and are not done; guarded by windowRegistry.mu.
	users int
	// Guarded by turn: opened says this process sent the opening (so it must close it); open that public
	// traffic is on and holds.
	opened, open bool
}

type windowRegistry struct {
	mu      sync.Mutex
	windows map[windowKey]*trafficWindow
}

// trafficWindows is the provider process's registry. Terraform runs one provider process for an apply, so this
// holds the windows of one apply; entries stay (a few bytes each) so that a late joiner finds the same turn.
var trafficWindows = &windowRegistry{windows: map[windowKey]*trafficWindow{}}

// held tells whether uploads of this process hold the configuration's public traffic: it is then on because of
// them, and off again when they are done.
func (r *windowRegistry) held(n aura.NetworkAccess) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	w := r.windows[windowKeyOf(n)]
	return w != nil && w.users > 0
}

func (r *windowRegistry) join(n aura.NetworkAccess) *trafficWindow {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := windowKeyOf(n)
	w := r.windows[k]
	if w == nil {
		w = &trafficWindow{key: k, name: describeNetwork(n), turn: make(chan struct{}, 1)}
		r.windows[k] = w
	}
	w.users++
	return w
}

func describeNetwork(n aura.NetworkAccess) string {
	return fmt.Sprintf("network access configuration %s (%s %s %s)", n.ID, n.CloudProvider, n.Region, n.Type)
}

func describeNetworks(list []aura.NetworkAccess) string {
	out := make([]string, len(list))
	for i, n := range list {
		out[i] = describeNetwork(n)
	}
	return strings.Join(out, " and ")
}

func (w *trafficWindow) take(ctx context.Context) error {
	select {
	case w.turn <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (w *trafficWindow) give() { <-w.turn }

// openFor turns public traffic on unless it holds already, and waits until it does.
func (w *trafficWindow) openFor(ctx context.Context, c *aura.Client) error {
	if err := w.take(ctx); err != nil {
		return fmt.Errorf("waiting for another upload to turn on public traffic in %s: %w", w.name, err)
	}
	defer w.give()
	if w.open {
		return nil
	}
	sent, err := c.SetPublicTraffic(ctx, w.key.tenant, w.key.config, true)
	w.opened = w.opened || sent
	if err != nil {
		return fmt.Errorf("turning on public traffic in %s failed: %w", w.name, err)
	}
	w.open = true
	return nil
}

// leave ends one upload's hold. The last one out turns public traffic off again if this process turned it on,
// on a context of its own: the upload's may have ended, which must not leave public traffic on.
func (r *windowRegistry) leave(ctx context.Context, c *aura.Client, w *trafficWindow) error {
	r.mu.Lock()
	w.users--
	last := w.users == 0
	r.mu.Unlock()
	if !last {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), aura.PublicTrafficRestoreTimeout)
	defer cancel()
	if err := w.take(ctx); err != nil {
		return w.leftOpen(err)
	}
	defer w.give()
	r.mu.Lock()
	joined := w.users > 0 // an upload that joined meanwhile keeps the window and closes it in turn
	r.mu.Unlock()
	if joined {
		return nil
	}
	w.open = false
	if !w.opened {
		return nil // it was on before: not ours to turn off
	}
	if err := c.RestorePublicTraffic(ctx, w.key.tenant, w.key.config, false); err != nil {
		return w.leftOpen(err) // still ours: a later upload of this process tries again
	}
	w.opened = false
	return nil
}

// leftOpen says what is left open and how to close it.
func (w *trafficWindow) leftOpen(err error) error {
	return fmt.Errorf("public traffic is still enabled in %s of tenant %s: the provider turned it on for an upload, and turning it off "+
		"again failed: %w. Until it is off, public traffic reaches the tenant's instances in region %s. To turn it off: if an "+
		"aura_network_access_configuration manages it, run terraform apply (its plan shows public_traffic_enabled going back to false); "+
		"otherwise check \"Disable public traffic\" for it on the Aura console's Network Access page, or send PATCH "+
		"/v1/tenants/%s/network-access-configurations/%s with {\"public_traffic_enabled\": false}",
		w.name, w.key.tenant, err, w.key.region, w.key.tenant, w.key.config)
}

// uploadWindow is what one upload holds: the public traffic of every configuration that disables it in the
// instance's region (any tier disables it for the region).
type uploadWindow struct {
	client  *aura.Client
	windows []*trafficWindow
	done    bool
}

// publicTrafficBlockers lists the configurations that disable public traffic in the instance's region,
// counting those that uploads of this process hold open: they are off again once those uploads are done. With
// updating, also those still updating, whose previous setting may hold until they are ready (C.1): an upload
// that opens public traffic joins them too, and its opening waits until they are ready.
func (pd *providerData) publicTrafficBlockers(ctx context.Context, in *aura.Instance, updating bool) ([]aura.NetworkAccess, error) {
	list, err := pd.client.ListNetworkAccess(ctx, in.TenantID)
	if err != nil {
		return nil, err
	}
	var out []aura.NetworkAccess
	for _, n := range list {
		blocks := !n.PublicTrafficEnabled || trafficWindows.held(n) || (updating && n.Status != "ready")
		if n.CloudProvider == in.CloudProvider && n.Region == in.Region && blocks {
			out = append(out, n)
		}
	}
	return out, nil
}

// joinWindows makes the upload a user of each blocker's window; nothing is turned on yet.
func (pd *providerData) joinWindows(blockers []aura.NetworkAccess) *uploadWindow {
	u := &uploadWindow{client: pd.client}
	for _, n := range blockers {
		u.windows = append(u.windows, trafficWindows.join(n))
	}
	return u
}

// open turns public traffic on in every blocker and returns once it holds in all.
func (u *uploadWindow) open(ctx context.Context) error {
	for _, w := range u.windows {
		if err := w.openFor(ctx, u.client); err != nil {
			return err
		}
	}
	return nil
}

// leave is called once the upload is sent, has failed, or will not be sent; later calls do nothing. The error
// names every configuration left open.
func (u *uploadWindow) leave(ctx context.Context) error {
	if u == nil || u.done {
		return nil
	}
	u.done = true
	var errs []error
	for _, w := range u.windows {
		errs = append(errs, trafficWindows.leave(ctx, u.client, w))
	}
	return errors.Join(errs...)
}

const publicTrafficRefusedTitle = "Upload refused: public traffic is disabled"

// publicTrafficRefusal says why an upload is refused and names open_public_traffic as the remedy.
func publicTrafficRefusal(instanceID, blockers string) string {
	return fmt.Sprintf("Uploads into instance %s are refused because %s has public_traffic_enabled = false. Set open_public_traffic = true "+
		"on this aura_database_upload: the provider then turns public traffic on for the upload and off again afterwards, Aura's "+
		"documented workflow. Or set public_traffic_enabled = true on the configuration (aura_network_access_configuration) and apply.",
		instanceID, blockers)
}

// joinWindow finds what disables public traffic for the upload. Without open_public_traffic such a
// configuration refuses the upload here, before the undo snapshot; with it, the upload joins their windows.
// ok is false when the upload must not go on (reported).
func (r *databaseUploadResource) joinWindow(ctx context.Context, in *aura.Instance, open bool, diags *diag.Diagnostics) (window *uploadWindow, ok bool) {
	blockers, err := r.data.publicTrafficBlockers(ctx, in, open)
	switch {
	case err != nil && open:
		addAPIError(diags, "Reading the network access configurations for open_public_traffic failed", networkFeature, err)
		return nil, false
	case err != nil:
		return r.data.joinWindows(nil), true // Aura's own refusal (403) still says it, after the undo snapshot
	case len(blockers) > 0 && !open:
		diags.AddAttributeError(path.Root("open_public_traffic"), publicTrafficRefusedTitle, publicTrafficRefusal(in.ID, describeNetworks(blockers))+" Nothing was uploaded.")
		return nil, false
	}
	return r.data.joinWindows(blockers), true
}

// leaveWindow closes the upload's part of the window and reports what is left open. Once Aura accepted the
// upload that is a warning: an error would taint the resource, and the next apply would upload again.
func leaveWindow(ctx context.Context, window *uploadWindow, accepted bool, diags *diag.Diagnostics) {
	err := window.leave(ctx)
	switch {
	case err == nil:
	case accepted:
		diags.AddWarning("Public traffic left enabled after the upload",
			"The upload was accepted and is recorded; it is not sent again. But "+err.Error()+".")
	default:
		diags.AddError("Public traffic left enabled", err.Error()+".")
	}
}

// planWindow is the plan's word on public traffic for a planned upload; a refusal that the plan foresees is a
// warning of its own, since the configuration may be changed earlier in the same apply.
func (r *databaseUploadResource) planWindow(ctx context.Context, in *aura.Instance, open bool, diags *diag.Diagnostics) string {
	var blockers []aura.NetworkAccess
	if in != nil {
		ctx, cancel := context.WithTimeout(ctx, planReadTimeout)
		defer cancel()
		blockers, _ = r.data.publicTrafficBlockers(ctx, in, false) // unreadable: said as unknown below, or left to the apply
	}
	switch {
	case len(blockers) > 0 && open:
		return fmt.Sprintf(" Public traffic will be turned on for the upload (open_public_traffic): %s has public_traffic_enabled = false; "+
			"the apply turns it on, waits until the configuration is ready, uploads, and turns it off again, also if the upload fails.",
			describeNetworks(blockers))
	case open:
		return " open_public_traffic = true: if a network access configuration disables public traffic in the instance's region when the " +
			"upload runs, the apply turns it on for the upload and off again afterwards."
	case len(blockers) > 0:
		diags.AddAttributeWarning(path.Root("open_public_traffic"), "This upload will be refused unless public traffic is enabled first",
			publicTrafficRefusal(in.ID, describeNetworks(blockers))+" (Unless public traffic is enabled before the upload runs, for example by a change to that configuration earlier in this apply, the apply refuses the upload before anything is sent.)")
	}
	return ""
}
