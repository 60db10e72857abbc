package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

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
	// Guarded by windowRegistry.mu. users counts the uploads that joined and are not done. opened says that
	// this process turned public traffic on and has not seen it off again: from right before its opening is
	// sent until its close holds, and on after a close that failed. changes counts the flips of opened.
	users   int
	opened  bool
	changes int
	// Guarded by turn: public traffic is on and holds for the uploads that joined.
	open bool
}

type windowRegistry struct {
	mu      sync.Mutex
	windows map[windowKey]*trafficWindow
}

// trafficWindows is the provider process's registry. Terraform runs one provider process for an apply, so this
// holds the windows of one apply; entries stay (a few bytes each) so that a late joiner finds the same turn.
var trafficWindows = &windowRegistry{windows: map[windowKey]*trafficWindow{}}

// marks notes each window's changes before a listing of configurations, for heldSince.
func (r *windowRegistry) marks() map[windowKey]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[windowKey]int, len(r.windows))
	for k, w := range r.windows {
		out[k] = w.changes
	}
	return out
}

// heldSince tells whether this process holds the configuration's public traffic, or did at some moment of a
// listing that began at marks: public traffic is then on only because of it, and off again once its uploads
// are done or, for a close that failed, once a later upload closes it. A configuration merely joined (on before)
// is not held. The listing may predate a close, so a window that changed since it began counts too.
func (r *windowRegistry) heldSince(n aura.NetworkAccess, marks map[windowKey]int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := windowKeyOf(n)
	w := r.windows[k]
	return w != nil && (w.opened || w.changes != marks[k])
}

// setOpened records whether this process owns the configuration's public traffic being on.
func (r *windowRegistry) setOpened(w *trafficWindow, opened bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if w.opened != opened {
		w.opened, w.changes = opened, w.changes+1
	}
}

func (r *windowRegistry) isOpened(w *trafficWindow) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return w.opened
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

// openFor turns public traffic on unless it holds already, and waits until it does. It waits its turn: after a
// close in progress, public traffic is turned on again.
func (r *windowRegistry) openFor(ctx context.Context, c *aura.Client, w *trafficWindow) error {
	if err := w.take(ctx); err != nil {
		return fmt.Errorf("waiting for another upload to turn on public traffic in %s: %w", w.name, err)
	}
	defer w.give()
	if w.open {
		return nil
	}
	// Owned from before the PATCH: an upload listing in the gap sees public traffic on, but only until we close.
	was := r.isOpened(w)
	sent, err := c.SetPublicTraffic(ctx, w.key.tenant, w.key.config, true, func() { r.setOpened(w, true) })
	r.setOpened(w, was || sent)
	if err != nil {
		return fmt.Errorf("turning on public traffic in %s failed: %w", w.name, err)
	}
	w.open = true
	return nil
}

// leave ends one upload's hold. The last one out turns public traffic off again if this process turned it on,
// on a context of its own: the upload's may have ended, which must not leave public traffic on. Its budget
// starts before the upload lets go, so that the wait for the turn and the close share it. Until the close
// holds the window stays this process's (opened): an upload listing meanwhile joins it, waits for the close
// and opens again.
func (r *windowRegistry) leave(ctx context.Context, c *aura.Client, w *trafficWindow) error {
	ctx, cancel := c.RestoreContext(ctx)
	defer cancel()
	r.mu.Lock()
	w.users--
	last := w.users == 0
	r.mu.Unlock()
	if !last {
		return nil
	}
	if err := w.take(ctx); err != nil {
		if r.isOpened(w) {
			return w.leftOpen(err)
		}
		return nil
	}
	defer w.give()
	r.mu.Lock()
	joined := w.users > 0 // an upload that joined meanwhile keeps the window and closes it in turn
	opened := w.opened
	r.mu.Unlock()
	if joined {
		return nil
	}
	w.open = false
	if !opened {
		return nil // it was on before: not ours to turn off
	}
	if err := c.RestorePublicTraffic(ctx, w.key.tenant, w.key.config, false); err != nil {
		return w.leftOpen(err) // still ours and held: a later upload of this process joins it and tries again
	}
	r.setOpened(w, false)
	return nil
}

// windowLeftOpen is a configuration whose public traffic the provider turned on and failed to turn off again,
// as an upload's private state records it (leftOpenKey).
type windowLeftOpen struct {
	Tenant string `json:"tenant"`
	ID     string `json:"id"`
	Region string `json:"region"`
	Name   string `json:"name"`
}

// leftOpenError carries what is left open to the upload that must record it.
type leftOpenError struct {
	windowLeftOpen
	err error
}

func (e *leftOpenError) Error() string {
	return fmt.Sprintf("public traffic is still enabled in %s: the provider turned it on for an upload, and turning it off again failed: %v. %s",
		e.describe(), e.err, e.howToClose())
}

func (e *leftOpenError) Unwrap() error { return e.err }

func (w *trafficWindow) leftOpen(err error) error {
	return &leftOpenError{windowLeftOpen{Tenant: w.key.tenant, ID: w.key.config, Region: w.key.region, Name: w.name}, err}
}

func (l windowLeftOpen) describe() string { return l.Name + " of tenant " + l.Tenant }

// howToClose says what an open configuration exposes and how to close it.
func (l windowLeftOpen) howToClose() string {
	return fmt.Sprintf("Until it is off, public traffic reaches the tenant's instances in region %s. To turn it off: if an "+
		"aura_network_access_configuration manages it, run terraform apply (its plan shows public_traffic_enabled going back to false); "+
		"otherwise check \"Disable public traffic\" for it on the Aura console's Network Access page, or send PATCH "+
		"/v1/tenants/%s/network-access-configurations/%s with {\"public_traffic_enabled\": false}",
		l.Region, l.Tenant, l.ID)
}

// leftOpenConfigs lists the configurations that err (one or joined) says were left open.
func leftOpenConfigs(err error) []windowLeftOpen {
	errs := []error{err}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		errs = joined.Unwrap()
	}
	var out []windowLeftOpen
	for _, err := range errs {
		if l := (*leftOpenError)(nil); errors.As(err, &l) {
			out = append(out, l.windowLeftOpen)
		}
	}
	return out
}

// leftOpenKey is the upload's private state key for the configurations its window left open, so that every
// later refresh checks them and warns until they are closed. The provider process that opened them may be
// gone; a process killed outright (SIGKILL) mid-window records nothing and is beyond this.
const leftOpenKey = "public_traffic_left_open"

func recordLeftOpen(ctx context.Context, private interface {
	SetKey(context.Context, string, []byte) diag.Diagnostics
}, left []windowLeftOpen, diags *diag.Diagnostics) {
	var raw []byte
	if len(left) > 0 {
		raw, _ = json.Marshal(left) // strings only: cannot fail
	}
	diags.Append(private.SetKey(ctx, leftOpenKey, raw)...)
}

// warnLeftOpen is Read's check of what the upload's window left open: each configuration still enabling public
// traffic is a warning, on every plan, until it is off (or gone); then it is forgotten. A warning, not an
// error: the upload is done and is never sent again.
func (r *databaseUploadResource) warnLeftOpen(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	raw, d := req.Private.GetKey(ctx, leftOpenKey)
	resp.Diagnostics.Append(d...)
	var left []windowLeftOpen
	if len(raw) == 0 || json.Unmarshal(raw, &left) != nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, planReadTimeout)
	defer cancel()
	var still []windowLeftOpen
	for _, l := range left {
		n, err := r.data.client.GetNetworkAccess(ctx, l.Tenant, l.ID)
		switch {
		case errors.Is(err, aura.ErrNotFound), err == nil && !n.PublicTrafficEnabled && n.Status == "ready":
			continue
		case err != nil:
			resp.Diagnostics.AddWarning("Public traffic still enabled after an upload",
				fmt.Sprintf("The upload turned on public traffic in %s and could not turn it off again; whether it is off now could not be read: %v. %s.",
					l.describe(), err, l.howToClose()))
		default:
			resp.Diagnostics.AddWarning("Public traffic still enabled after an upload",
				fmt.Sprintf("The upload turned on public traffic in %s and could not turn it off again, and it is still enabled. %s. "+
					"The upload itself is done and is not sent again; this warning ends once public traffic there is off.", l.describe(), l.howToClose()))
		}
		still = append(still, l)
	}
	if len(still) < len(left) {
		recordLeftOpen(ctx, resp.Private, still, &resp.Diagnostics)
	}
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
	marks := trafficWindows.marks()
	list, err := pd.client.ListNetworkAccess(ctx, in.TenantID)
	if err != nil {
		return nil, err
	}
	var out []aura.NetworkAccess
	for _, n := range list {
		blocks := !n.PublicTrafficEnabled || trafficWindows.heldSince(n, marks) || (updating && n.Status != "ready")
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
		if err := trafficWindows.openFor(ctx, u.client, w); err != nil {
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

// leaveWindow closes the upload's part of the window and reports what is left open, which it returns. Once
// Aura accepted the upload that is a warning: an error would taint the resource, and the next apply would
// upload again.
func leaveWindow(ctx context.Context, window *uploadWindow, accepted bool, diags *diag.Diagnostics) []windowLeftOpen {
	err := window.leave(ctx)
	switch {
	case err == nil:
	case accepted:
		diags.AddWarning("Public traffic left enabled after the upload",
			"The upload was accepted and is recorded; it is not sent again. But "+err.Error()+". Until it is off, every plan warns of it.")
	default:
		diags.AddError("Public traffic left enabled", err.Error()+".")
	}
	return leftOpenConfigs(err)
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
