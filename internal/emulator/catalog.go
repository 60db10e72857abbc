package emulator

import (
	"strconv"
	"strings"
	"time"
)

// Enumerations of api/README.md A.4. They are the emulator's validation tables.
var (
	instanceTypes  = []string{"free-db", "professional-db", "business-critical", "enterprise-db", "professional-ds", "enterprise-ds"}
	cloudProviders = []string{"gcp", "aws", "azure"}
	memorySizes    = []string{"1GB", "2GB", "4GB", "8GB", "16GB", "24GB", "32GB", "48GB", "64GB", "128GB", "192GB", "256GB", "384GB", "512GB"}
	storageSizes   = []string{"2GB", "4GB", "8GB", "16GB", "32GB", "48GB", "64GB", "96GB", "128GB", "192GB", "256GB", "384GB", "512GB", "768GB", "1024GB", "1536GB", "2048GB"}
	cdcModes       = []string{"OFF", "DIFF", "FULL"}
)

func oneOf(v string, allowed []string) bool {
	for _, a := range allowed {
		if a == v {
			return true
		}
	}
	return false
}

// gigabytes parses "16GB"; 0 for anything else.
func gigabytes(s string) int {
	n, err := strconv.Atoi(strings.TrimSuffix(s, "GB"))
	if err != nil || !strings.HasSuffix(s, "GB") {
		return 0
	}
	return n
}

// InstanceConfiguration is one combination a tenant may create (api/README.md A.3).
type InstanceConfiguration struct {
	CloudProvider string `json:"cloud_provider"`
	Region        string `json:"region"`
	RegionName    string `json:"region_name"`
	Type          string `json:"type"`
	Memory        string `json:"memory"`
	Storage       string `json:"storage"`
	Version       string `json:"version"`
}

// Memory sizes offered per type; storage is always twice the memory, as on Aura's price list.
var seedMemory = map[string][]string{
	"professional-db":   {"1GB", "2GB", "4GB", "8GB", "16GB", "32GB", "64GB", "128GB"},
	"business-critical": {"2GB", "4GB", "8GB", "16GB", "32GB", "64GB", "128GB", "256GB", "512GB"},
	"enterprise-db":     {"4GB", "8GB", "16GB", "32GB", "64GB", "128GB", "256GB", "384GB", "512GB"},
	"professional-ds":   {"2GB", "4GB", "8GB", "16GB", "32GB", "64GB", "128GB"},
	"enterprise-ds":     {"8GB", "16GB", "32GB", "64GB", "128GB", "256GB", "384GB", "512GB"},
}

var seedVersions = map[string][]string{
	"free-db":           {"4", "5"},
	"professional-db":   {"4", "5"},
	"business-critical": {"5"},
	"enterprise-db":     {"4", "5"},
	"professional-ds":   {"5"},
	"enterprise-ds":     {"5"},
}

func storageFor(memory string) string { return strconv.Itoa(2*gigabytes(memory)) + "GB" }

// seedConfigurations covers every type of api/README.md B in the regions Aura offers it (regions.go), or, small,
// in two regions of each cloud; free-db only where Aura offers it (gcp europe-west1, 1GB).
func seedConfigurations(small bool) []InstanceConfiguration {
	var out []InstanceConfiguration
	for _, t := range instanceTypes {
		regions := regionsByType[t]
		if small {
			regions = smallRegions
		}
		for _, v := range seedVersions[t] {
			if t == "free-db" {
				out = append(out, InstanceConfiguration{"gcp", "europe-west1", regionName("europe-west1"), t, "1GB", "2GB", v})
				continue
			}
			for _, cloud := range cloudProviders {
				for _, r := range regions[cloud] {
					for _, m := range seedMemory[t] {
						out = append(out, InstanceConfiguration{cloud, r, regionName(r), t, m, storageFor(m), v})
					}
				}
			}
		}
	}
	return out
}

// snapshotKind tells full from differential scheduled snapshots, and the long-lived daily full of
// enterprise-db 4 from its short-lived 6-hourly ones.
type snapshotKind string

const (
	kindFull  snapshotKind = "full"
	kindDiff  snapshotKind = "differential"
	kindShort snapshotKind = "short" // enterprise-db 4: the three 6-hourly fulls that are short-lived
)

const day = 24 * time.Hour

// windows returns how long a snapshot stays restorable (listed) and exportable, by the table of api/README.md B.
// forever is used for free-db, whose only limit is "the latest one".
func windows(instType, version, profile string, kind snapshotKind) (restorable, exportable time.Duration) {
	if instType == "free-db" {
		return forever, forever
	}
	if kind == kindDiff {
		r, _ := windows(instType, version, profile, kindFull)
		return r, 0
	}
	if profile == "AdHoc" {
		d := map[string]time.Duration{"professional-db": 7 * day, "business-critical": 30 * day, "enterprise-db": 90 * day, "professional-ds": 30 * day, "enterprise-ds": 90 * day}[instType]
		return d, d
	}
	switch instType {
	case "professional-db", "professional-ds":
		return 7 * day, 7 * day
	case "business-critical":
		return 30 * day, 30 * day
	case "enterprise-ds":
		return 14 * day, 7 * day
	case "enterprise-db":
		if version == "4" {
			if kind == kindShort {
				return 7 * day, 7 * day
			}
			return 60 * day, 14 * day
		}
		return 60 * day, 60 * day
	}
	return 0, 0
}

const forever = 100 * 365 * day

// scheduleAt tells which scheduled snapshot kind (if any) is taken at time t for an instance. Schedules run on
// whole UTC hours: fulls at 00:00, differentials on the other hours, enterprise-db 4 every 6 hours.
func scheduleAt(instType, version string, t time.Time) (snapshotKind, bool) {
	t = t.UTC()
	if t.Minute() != 0 || t.Second() != 0 || t.Nanosecond() != 0 {
		return "", false
	}
	h := t.Hour()
	switch instType {
	case "professional-db", "professional-ds", "enterprise-ds":
		return kindFull, h == 0
	case "business-critical":
		if h == 0 {
			return kindFull, true
		}
		return kindDiff, true
	case "enterprise-db":
		if version == "4" {
			if h%6 != 0 {
				return "", false
			}
			if h == 0 {
				return kindFull, true
			}
			return kindShort, true
		}
		if h == 0 {
			return kindFull, true
		}
		return kindDiff, true
	}
	return "", false
}

// nextScheduleAfter is the first whole hour strictly after t at which the type takes a scheduled snapshot.
func nextScheduleAfter(instType, version string, t time.Time) (time.Time, bool) {
	if instType == "free-db" {
		return time.Time{}, false
	}
	h := t.UTC().Truncate(time.Hour).Add(time.Hour)
	for i := 0; i < 25; i++ {
		if _, ok := scheduleAt(instType, version, h); ok {
			return h, true
		}
		h = h.Add(time.Hour)
	}
	return time.Time{}, false
}

// exportFormat is the export format of api/README.md B: AuraDB 5 backup, AuraDB 4 dump, AuraDS tar.
func exportFormat(instType, version string) string {
	if strings.HasSuffix(instType, "-ds") {
		return "tar"
	}
	if version == "4" {
		return "dump"
	}
	return "backup"
}

func hasMetrics(instType string) bool {
	return instType == "business-critical" || instType == "enterprise-db" || instType == "enterprise-ds"
}
