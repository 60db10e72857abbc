package provider

import (
	"context"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
)

// snapshotDays caches the API's one-day snapshot lists for the provider run, so that no day of an instance is
// listed twice, however many data sources ask. Creating or restoring a snapshot through this provider forgets
// that instance's days.
type snapshotDays struct {
	mu   sync.Mutex
	days map[string]*dayEntry
}

type dayEntry struct {
	once sync.Once
	list []aura.Snapshot
	err  error
}

func (c *snapshotDays) list(ctx context.Context, client *aura.Client, instanceID string, day time.Time) ([]aura.Snapshot, error) {
	key := instanceID + "|" + day.Format("2006-01-02")
	c.mu.Lock()
	if c.days == nil {
		c.days = map[string]*dayEntry{}
	}
	e, ok := c.days[key]
	if !ok {
		e = &dayEntry{}
		c.days[key] = e
	}
	c.mu.Unlock()
	e.once.Do(func() { e.list, e.err = client.ListSnapshots(ctx, instanceID, day) })
	if e.err != nil {
		c.mu.Lock()
		if c.days[key] == e { // a failed list is asked again next time
			delete(c.days, key)
		}
		c.mu.Unlock()
	}
	return e.list, e.err
}

func (c *snapshotDays) forget(instanceID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.days {
		if strings.HasPrefix(k, instanceID+"|") {
			delete(c.days, k)
		}
	}
}

// listingParallelism bounds concurrent day lists; the shared rate limiter paces them anyway.
const listingParallelism = 8

// walkBack lists the scope's days one at a time from the newest, and stops as soon as visit has what it looks
// for: a question about the newest snapshots costs one list call when the newest day answers it, and never
// more than the days back to the answer. visit sees each day newest first.
func (pd *providerData) walkBack(ctx context.Context, instanceID string, sc snapshotScope, visit func([]aura.Snapshot) bool) error {
	for day := sc.to; !day.Before(sc.from); day = day.Add(-24 * time.Hour) {
		list, err := pd.snapshots.list(ctx, pd.client, instanceID, day)
		if err != nil {
			return err
		}
		list = slices.Clone(list)
		sort.SliceStable(list, func(i, j int) bool { return list[i].Timestamp > list[j].Timestamp })
		if visit(list) {
			return nil
		}
	}
	return nil
}

// newestSnapshots walks back from the scope's last day to the newest Completed snapshot and the newest one that
// is exportable now (nil: none in the scope), and stops as soon as it has both.
func (pd *providerData) newestSnapshots(ctx context.Context, instanceID string, sc snapshotScope) (completed, exportable *aura.Snapshot, err error) {
	err = pd.walkBack(ctx, instanceID, sc, func(day []aura.Snapshot) bool {
		for _, s := range day {
			if s.Status != "Completed" {
				continue
			}
			if completed == nil {
				completed = &s
			}
			if exportable == nil && s.Exportable {
				exportable = &s
			}
		}
		return completed != nil && exportable != nil
	})
	return completed, exportable, err
}

// snapshotsBetween lists every UTC day from `from` to `to` (inclusive), concurrently, newest first.
func (pd *providerData) snapshotsBetween(ctx context.Context, instanceID string, from, to time.Time) ([]aura.Snapshot, error) {
	var days []time.Time
	for d := to.UTC().Truncate(24 * time.Hour); !d.Before(from.UTC().Truncate(24 * time.Hour)); d = d.Add(-24 * time.Hour) {
		days = append(days, d)
	}
	results := make([][]aura.Snapshot, len(days))
	errs := make([]error, len(days))
	sem := make(chan struct{}, listingParallelism)
	var wg sync.WaitGroup
	for i, d := range days {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i], errs[i] = pd.snapshots.list(ctx, pd.client, instanceID, d)
		}()
	}
	wg.Wait()
	var out []aura.Snapshot
	for i := range days {
		if errs[i] != nil {
			return nil, errs[i]
		}
		out = append(out, results[i]...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Timestamp > out[j].Timestamp })
	return out, nil
}

// snapshotModel is one snapshot as the data sources show it.
type snapshotModel struct {
	SnapshotID      types.String `tfsdk:"snapshot_id"`
	InstanceID      types.String `tfsdk:"instance_id"`
	Profile         types.String `tfsdk:"profile"`
	Status          types.String `tfsdk:"status"`
	Timestamp       types.String `tfsdk:"timestamp"`
	Exportable      types.Bool   `tfsdk:"exportable"`
	RestorableUntil types.String `tfsdk:"restorable_until"`
	ExportableUntil types.String `tfsdk:"exportable_until"`
}

func timeString(t *time.Time) types.String {
	if t == nil {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339))
}

func newSnapshotModel(instType, version string, s aura.Snapshot) snapshotModel {
	restorable, exportable := aura.SnapshotWindows(instType, version, s)
	return snapshotModel{
		SnapshotID: types.StringValue(s.SnapshotID), InstanceID: types.StringValue(s.InstanceID),
		Profile: types.StringValue(s.Profile), Status: types.StringValue(s.Status), Timestamp: types.StringValue(s.Timestamp),
		Exportable: types.BoolValue(s.Exportable), RestorableUntil: timeString(restorable), ExportableUntil: timeString(exportable),
	}
}

// snapshotFilter is what both snapshot data sources filter by.
type snapshotFilter struct {
	exportableOnly bool
	profile        string
	status         string
	before         time.Time // zero: any time
}

func (f snapshotFilter) keep(s aura.Snapshot) bool {
	return (!f.exportableOnly || s.Exportable) && (f.profile == "" || s.Profile == f.profile) && (f.status == "" || s.Status == f.status) &&
		(f.before.IsZero() || takenBy(s, f.before))
}

// takenBy says whether s was taken at or before t; a timestamp that does not parse is never.
func takenBy(s aura.Snapshot, t time.Time) bool {
	ts, err := time.Parse(time.RFC3339, s.Timestamp)
	return err == nil && !ts.After(t)
}
