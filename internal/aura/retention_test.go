package aura

import (
	"testing"
	"time"
)

// Of business-critical's hourly snapshots, those off midnight are differential (never exportable) unless the API
// says the snapshot is exportable: the first one, taken when the instance first runs, is full whatever the hour.
func TestSnapshotWindows_hourlyFullOrDifferentialAsTheAPISays(t *testing.T) {
	at := "2026-11-26T15:00:00Z"
	taken, _ := time.Parse(time.RFC3339, at)
	for _, c := range []struct {
		name       string
		exportable bool
		want       *time.Time
	}{
		{"differential", false, nil},
		{"first, full", true, ptr(taken.Add(30 * 24 * time.Hour))},
	} {
		restorable, exportable := SnapshotWindows("business-critical", "5", Snapshot{Profile: "Scheduled", Timestamp: at, Exportable: c.exportable})
		if restorable == nil || !restorable.Equal(taken.Add(30*24*time.Hour)) {
			t.Errorf("%s: restorable until %v", c.name, restorable)
		}
		if (exportable == nil) != (c.want == nil) || exportable != nil && !exportable.Equal(*c.want) {
			t.Errorf("%s: exportable until %v, want %v", c.name, exportable, c.want)
		}
	}
}

func ptr[T any](v T) *T { return &v }
