package provider

import (
	"context"
	"sync"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
)

// planReads holds what plans read of Aura, for the life of the provider process: a plan asks at most once for
// the tenant, once for each pinned snapshot, and not at all for an instance the refresh of this plan has just
// read, however many resources use them (DESIGN.md, "Proof at plan").
type planReads struct {
	mu        sync.Mutex
	tenants   map[string]*read[*aura.Tenant]
	snapshots map[[2]string]*read[*aura.Snapshot]
	// instances are dropped when written: a read still in flight then fills an entry nobody asks again, so a copy
	// older than the write is never handed out.
	instances map[string]*read[*aura.Instance]
	// paused is the paused setting planned for an instance by its aura_instance in this plan: an act on an
	// instance paused now is fine when this plan resumes it first.
	paused map[string]bool
	// extension is whether the server has the project's extension (extensionAtPlan).
	extension read[bool]
	// reported is set once an error about the provider's own settings (credentials, tenant) has been
	// reported: one error per plan, not one per resource.
	reported map[string]bool
}

// read is one API read shared by every caller that asks for the same thing while it is in flight or after. An
// error is not kept: it may be the first caller's own deadline, and the next caller reads again.
type read[T any] struct {
	mu   sync.Mutex
	done bool
	v    T
}

func (r *read[T]) get(fetch func() (T, error)) (T, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done {
		return r.v, nil
	}
	v, err := fetch()
	if err == nil {
		r.v, r.done = v, true
	}
	return v, err
}

func entry[K comparable, T any](mu *sync.Mutex, m *map[K]*read[T], k K) *read[T] {
	mu.Lock()
	defer mu.Unlock()
	if *m == nil {
		*m = map[K]*read[T]{}
	}
	if (*m)[k] == nil {
		(*m)[k] = &read[T]{}
	}
	return (*m)[k]
}

// tenant reads a tenant once per provider process.
func (pd *providerData) tenantRead(ctx context.Context, id string) (*aura.Tenant, error) {
	return entry(&pd.plans.mu, &pd.plans.tenants, id).get(func() (*aura.Tenant, error) { return pd.client.GetTenant(ctx, id) })
}

// snapshotRead reads a snapshot once per provider process. Only plans use it: an apply reads afresh.
func (pd *providerData) snapshotRead(ctx context.Context, instanceID, snapshotID string) (*aura.Snapshot, error) {
	return entry(&pd.plans.mu, &pd.plans.snapshots, [2]string{instanceID, snapshotID}).get(func() (*aura.Snapshot, error) {
		return pd.client.GetSnapshot(ctx, instanceID, snapshotID)
	})
}

// seen records an instance as just read or written (nil: deleted, or changed by an act), for the plans of this
// process.
func (pd *providerData) seen(id string, in *aura.Instance) {
	if pd == nil {
		return
	}
	pd.plans.mu.Lock()
	defer pd.plans.mu.Unlock()
	if pd.plans.instances == nil {
		pd.plans.instances = map[string]*read[*aura.Instance]{}
	}
	if in == nil {
		delete(pd.plans.instances, id)
		return
	}
	pd.plans.instances[id] = &read[*aura.Instance]{done: true, v: in}
}

// instanceRead is the instance as this process last saw it, or as read now: one read however many resources
// of the plan ask at once.
func (pd *providerData) instanceRead(ctx context.Context, id string) (*aura.Instance, error) {
	return entry(&pd.plans.mu, &pd.plans.instances, id).get(func() (*aura.Instance, error) { return pd.client.GetInstance(ctx, id) })
}

// plansPaused records the paused setting this plan gives an existing instance.
func (pd *providerData) plansPaused(id string, paused bool) {
	pd.plans.mu.Lock()
	defer pd.plans.mu.Unlock()
	if pd.plans.paused == nil {
		pd.plans.paused = map[string]bool{}
	}
	pd.plans.paused[id] = paused
}

// pausedAfterPlan tells whether this plan leaves the instance paused: as it is now, unless its aura_instance
// plans otherwise.
func (pd *providerData) pausedAfterPlan(in *aura.Instance) bool {
	pd.plans.mu.Lock()
	defer pd.plans.mu.Unlock()
	if p, ok := pd.plans.paused[in.ID]; ok {
		return p
	}
	return in.Status == "paused" || in.Status == "pausing"
}

// firstReport is true for the first report of an error about key in this process.
func (pd *providerData) firstReport(key string) bool {
	pd.plans.mu.Lock()
	defer pd.plans.mu.Unlock()
	if pd.plans.reported == nil {
		pd.plans.reported = map[string]bool{}
	}
	first := !pd.plans.reported[key]
	pd.plans.reported[key] = true
	return first
}
