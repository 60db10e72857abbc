package aura

import (
	"sync/atomic"
	"time"
)

const day = 24 * time.Hour

// Windows of the table of api/README.md B (the published Aura retention): how long snapshots stay restorable (listed)
// and exportable, by instance type, version and profile.
type retention struct {
	scheduledRestorable, scheduledExportable time.Duration
	onDemand                                 time.Duration
}

func retentionOf(instType, version string) (retention, bool) {
	switch instType {
	case "professional-db":
		return retention{7 * day, 7 * day, 7 * day}, true
	case "business-critical":
		return retention{30 * day, 30 * day, 30 * day}, true
	case "enterprise-db":
		if version == "4" {
			return retention{60 * day, 14 * day, 90 * day}, true
		}
		return retention{60 * day, 60 * day, 90 * day}, true
	case "professional-ds":
		return retention{7 * day, 7 * day, 30 * day}, true
	case "enterprise-ds":
		return retention{14 * day, 7 * day, 90 * day}, true
	}
	return retention{}, false
}

// FreeListingDays is how far back the snapshot listing of a free-db instance looks: Free keeps only its
// latest on-demand snapshot, with no published age limit.
const FreeListingDays = 30

// ListingDays is the number of days back in which an instance's snapshots can still exist.
func ListingDays(instType, version string) int {
	r, ok := retentionOf(instType, version)
	if !ok {
		return FreeListingDays
	}
	return int(max(r.scheduledRestorable, r.onDemand) / day)
}

// ScheduledRestorable is how far back an instance's scheduled snapshots reach (for enterprise-db 4, its long-lived
// daily full's window); false for types without scheduled snapshots (free-db).
func ScheduledRestorable(instType, version string) (time.Duration, bool) {
	r, ok := retentionOf(instType, version)
	return r.scheduledRestorable, ok
}

// SnapshotWindows derives until when a snapshot stays restorable and exportable from its timestamp, following
// the published table. A nil time means no published limit (free-db) or never (exportable of a differential).
// enterprise-db 4 keeps its 00:00 UTC full for 60/14 days and the other 6-hourly ones for 7/7.
func SnapshotWindows(instType, version string, s Snapshot) (restorable, exportable *time.Time) {
	ts, err := time.Parse(time.RFC3339, s.Timestamp)
	r, ok := retentionOf(instType, version)
	if err != nil || !ok {
		return nil, nil
	}
	at := func(d time.Duration) *time.Time { t := ts.Add(d).UTC(); return &t }
	if s.Profile == "AdHoc" {
		return at(r.onDemand), at(r.onDemand)
	}
	restore, export := r.scheduledRestorable, r.scheduledExportable
	if instType == "enterprise-db" && version == "4" && ts.UTC().Hour() != 0 {
		restore, export = 7*day, 7*day
	}
	// Hourly snapshots are differential but for the midnight full one, and the first one, taken when the
	// instance first runs, which is full whatever the hour: the API's exportable tells it (while it is listed, a
	// full snapshot of these types is exportable, as both windows are equal).
	differential := (instType == "business-critical" || instType == "enterprise-db" && version != "4") && ts.UTC().Hour() != 0 && !s.Exportable
	if differential {
		return at(restore), nil
	}
	return at(restore), at(export)
}

// serverClock remembers how far the server's clock (its Date header) is from ours, so that "today" means the
// server's today when listing snapshots by day.
type serverClock struct{ skew atomic.Int64 }

func (s *serverClock) observe(date string) {
	t, err := time.Parse(time.RFC1123, date)
	if err != nil {
		return
	}
	s.skew.Store(int64(time.Until(t)))
}

// ServerNow is the server's time as last seen in a Date header, or local time before any answer.
func (c *Client) ServerNow() time.Time {
	return time.Now().Add(time.Duration(c.clock.skew.Load())).UTC()
}
