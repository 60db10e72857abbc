package emulator

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// listWindow lists every day from `days` ago to today and counts snapshots, and the exportable ones.
func (h *harness) listWindow(id string, days int) (listed, exportable int, profiles map[string]int) {
	h.t.Helper()
	profiles = map[string]int{}
	now := h.now()
	for d := 0; d <= days; d++ {
		date := now.AddDate(0, 0, -d).Format("2006-01-02")
		for _, s := range h.must(200, h.do("GET", "/v1/instances/"+id+"/snapshots?date="+date, nil)).list() {
			m := s.(map[string]any)
			listed++
			profiles[m["profile"].(string)]++
			if m["exportable"] == true {
				exportable++
			}
			if !strings.HasPrefix(m["timestamp"].(string), date) {
				h.t.Errorf("snapshot %v listed under %s", m, date)
			}
		}
	}
	return listed, exportable, profiles
}

// After 100 days every type lists exactly what the table of api/README.md B keeps: whole hours in the window, fulls at
// 00:00 UTC, differentials on the other hours.
func TestScheduledSnapshots_after100Days(t *testing.T) {
	cases := []struct {
		typ, version       string
		listed, exportable int
	}{
		{"free-db", "5", 0, 0},
		{"professional-db", "5", 7, 7},
		{"professional-db", "4", 7, 7},
		{"business-critical", "5", 30 * 24, 30},
		{"enterprise-db", "4", 60 + 7*3, 14 + 7*3},
		{"enterprise-db", "5", 60 * 24, 60},
		{"professional-ds", "5", 7, 7},
		{"enterprise-ds", "5", 14, 7},
	}
	for _, c := range cases {
		t.Run(c.typ+"-"+c.version, func(t *testing.T) {
			h := start(t, func(cf *Config) { cf.Transition = 0 })
			id := h.create(c.typ, c.version, nil)
			h.advance("2400h")
			listed, exportable, profiles := h.listWindow(id, 100)
			if listed != c.listed || exportable != c.exportable || profiles["AdHoc"] != 0 {
				t.Errorf("listed %d (exportable %d, %v), want %d (%d)", listed, exportable, profiles, c.listed, c.exportable)
			}
		})
	}
}

func TestScheduledSnapshots_onlyWhileRunning(t *testing.T) {
	h := start(t, func(cf *Config) { cf.Transition = 0 })
	id := h.create("professional-db", "5", nil)
	h.must(202, h.do("POST", "/v1/instances/"+id+"/pause", nil))
	h.waitStatus(id, "paused")
	h.advance("72h")
	if n, _, _ := h.listWindow(id, 4); n != 1 {
		t.Errorf("a paused instance lists %d scheduled snapshots, want only the first, taken when it first ran", n)
	}
	h.must(202, h.do("POST", "/v1/instances/"+id+"/resume", nil))
	h.waitStatus(id, "running")
	h.advance("48h")
	if n, _, _ := h.listWindow(id, 3); n != 2 {
		t.Errorf("after resuming for 48h: %d scheduled snapshots, want 2", n)
	}
}

// On-demand snapshots stay restorable and exportable for the table's on-demand days, then answer 404.
func TestOnDemandSnapshot_windows(t *testing.T) {
	cases := []struct {
		typ, version string
		days         int
	}{
		{"professional-db", "5", 7}, {"business-critical", "5", 30}, {"enterprise-db", "4", 90},
		{"enterprise-db", "5", 90}, {"professional-ds", "5", 30}, {"enterprise-ds", "5", 90},
	}
	for _, c := range cases {
		t.Run(c.typ+"-"+c.version, func(t *testing.T) {
			h := start(t, func(cf *Config) { cf.Transition = 0 })
			id := h.create(c.typ, c.version, nil)
			sid := h.snapshot(id)
			path := "/v1/instances/" + id + "/snapshots/" + sid
			s := h.must(200, h.do("GET", path, nil)).data()
			if s["profile"] != "AdHoc" || s["exportable"] != true || s["instance_id"] != id {
				t.Fatalf("fresh snapshot %v", s)
			}
			h.advance(fmt.Sprintf("%dh", c.days*24-1))
			if s := h.must(200, h.do("GET", path, nil)).data(); s["exportable"] != true {
				t.Errorf("an hour before the end: %v", s)
			}
			h.advance("2h")
			if r := h.do("GET", path, nil); r.Status != 404 || r.reason() != "snapshot-not-found" {
				t.Errorf("after the window: %d %s", r.Status, r.Raw)
			}
		})
	}
}

func TestSnapshots_freeKeepsLatestOnly(t *testing.T) {
	h := start(t, func(cf *Config) { cf.Transition = 0 })
	id := h.create("free-db", "5", nil)
	first := h.snapshot(id)
	second := h.snapshot(id)
	h.must(404, h.do("GET", "/v1/instances/"+id+"/snapshots/"+first, nil))
	h.advance("8760h")
	if s := h.must(200, h.do("GET", "/v1/instances/"+id+"/snapshots/"+second, nil)).data(); s["exportable"] != true {
		t.Errorf("free latest snapshot a year later: %v", s)
	}
}

func TestSnapshots_listingByDay(t *testing.T) {
	h := start(t, func(cf *Config) { cf.Transition = 0 })
	id := h.create("professional-db", "5", nil)
	sid := h.snapshot(id)
	today := h.must(200, h.do("GET", "/v1/instances/"+id+"/snapshots", nil)).list()
	// Ours was taken after the first scheduled one, most likely within the same second: it still lists first.
	if len(today) != 2 || today[0].(map[string]any)["snapshot_id"] != sid || len(scheduledIDs(today)) != 1 {
		t.Errorf("today's list %v, want ours, then the first scheduled snapshot", today)
	}
	yesterday := h.now().AddDate(0, 0, -1).Format("2006-01-02")
	if l := h.must(200, h.do("GET", "/v1/instances/"+id+"/snapshots?date="+yesterday, nil)).list(); len(l) != 0 {
		t.Errorf("yesterday lists %v", l)
	}
	if r := h.do("GET", "/v1/instances/"+id+"/snapshots?date=25-11-2026", nil); r.Status != 400 || r.field() != "date" {
		t.Errorf("bad date %d %s", r.Status, r.Raw)
	}
	h.advance("24h")
	if l := h.must(200, h.do("GET", "/v1/instances/"+id+"/snapshots", nil)).list(); len(l) != 1 || l[0].(map[string]any)["profile"] != "Scheduled" {
		t.Errorf("the next day's default list %v", l)
	}
	if r := h.do("GET", "/v1/instances/deadbeef/snapshots", nil); r.reason() != "db-not-found" {
		t.Errorf("unknown instance %s", r.Raw)
	}
	if r := h.do("GET", "/v1/instances/"+id+"/snapshots/00000000-0000-4000-8000-000000000000", nil); r.reason() != "snapshot-not-found" {
		t.Errorf("unknown snapshot %s", r.Raw)
	}
}

func TestSnapshot_statusProgression(t *testing.T) {
	h := start(t, func(cf *Config) { cf.Transition = 200 * time.Millisecond })
	id := h.create("professional-db", "5", nil)
	h.putData(id, map[string]any{"v": "before"})
	sid := h.must(202, h.do("POST", "/v1/instances/"+id+"/snapshots", nil)).data()["snapshot_id"].(string)
	s := h.do("GET", "/v1/instances/"+id+"/snapshots/"+sid, nil).data()
	if s["status"] != "InProgress" || s["exportable"] != false {
		t.Errorf("new snapshot %v", s)
	}
	if r := h.do("POST", "/v1/instances/"+id+"/snapshots/"+sid+"/restore", nil); r.Status != 400 {
		t.Errorf("restore from an unfinished snapshot: %d", r.Status)
	}
	h.snapshot(id) // waits for completion of another; ours completes too
	if s := h.do("GET", "/v1/instances/"+id+"/snapshots/"+sid, nil).data(); s["status"] != "Completed" {
		t.Errorf("snapshot after the transition %v", s)
	}
}

func TestRestore_inPlaceFromOwnSnapshot(t *testing.T) {
	h := start(t)
	id := h.create("professional-db", "5", nil)
	x := h.putData(id, map[string]any{"version": "X"})
	sid := h.snapshot(id)
	if h.putData(id, map[string]any{"version": "Y"}) == x {
		t.Fatal("datasets X and Y hash alike")
	}
	r := h.must(202, h.do("POST", "/v1/instances/"+id+"/snapshots/"+sid+"/restore", nil))
	if r.data()["status"] != "restoring" {
		t.Errorf("restore answered %v", r.data()["status"])
	}
	h.must(409, h.do("POST", "/v1/instances/"+id+"/snapshots/"+sid+"/restore", nil))
	h.waitStatus(id, "running")
	if h.dataSHA(id) != x {
		t.Error("restore did not bring dataset X back")
	}
}

func TestRestore_differentialWithinWindow(t *testing.T) {
	h := start(t, func(cf *Config) { cf.Transition = 0 })
	id := h.create("business-critical", "5", nil)
	h.advance("26h")
	var diff string
	for _, day := range []time.Time{h.now(), h.now().AddDate(0, 0, -1)} { // today may hold only its 00:00 full yet
		for _, s := range h.must(200, h.do("GET", "/v1/instances/"+id+"/snapshots?date="+day.Format("2006-01-02"), nil)).list() {
			if m := s.(map[string]any); m["exportable"] == false {
				diff = m["snapshot_id"].(string)
			}
		}
	}
	if diff == "" {
		t.Fatal("no differential snapshot in the last two days")
	}
	h.must(202, h.do("POST", "/v1/instances/"+id+"/snapshots/"+diff+"/restore", nil))
	other := h.create("business-critical", "5", nil)
	r := h.do("POST", "/v1/instances/"+other+"/overwrite", map[string]any{"source_instance_id": id, "source_snapshot_id": diff})
	if r.Status != 400 || r.Body["errors"].([]any)[0].(map[string]any)["message"] != "Source snapshot "+diff+" is not exportable" {
		t.Errorf("overwrite from a differential: %d %s", r.Status, r.Raw)
	}
	if r := h.do("POST", "/v1/instances/"+id+"/snapshots/"+diff+"/export", nil); r.Status != 400 || r.reason() != "snapshot-not-exportable" {
		t.Errorf("export of a differential: %d %s", r.Status, r.Raw)
	}
}

func TestOverwrite_andClone(t *testing.T) {
	h := start(t)
	source := h.create("professional-db", "5", nil)
	x := h.putData(source, map[string]any{"from": "source"})
	sid := h.snapshot(source)
	h.putData(source, map[string]any{"from": "source", "later": true})

	target := h.create("professional-db", "5", map[string]any{"memory": "16GB"})
	h.putData(target, map[string]any{"from": "target"})
	r := h.must(202, h.do("POST", "/v1/instances/"+target+"/overwrite", map[string]any{"source_instance_id": source, "source_snapshot_id": sid}))
	if r.data()["status"] != "overwriting" {
		t.Errorf("overwrite answered %v", r.data()["status"])
	}
	h.waitStatus(target, "running")
	if h.dataSHA(target) != x {
		t.Error("overwrite did not copy the snapshot's dataset")
	}
	// Without a snapshot, a fresh one of the source is used.
	h.must(202, h.do("POST", "/v1/instances/"+target+"/overwrite", map[string]any{"source_instance_id": source}))
	h.waitStatus(target, "running")
	if h.dataSHA(target) != h.dataSHA(source) {
		t.Error("overwrite without a snapshot did not copy the source's current data")
	}

	clone := h.must(202, h.do("POST", "/v1/instances", instanceBody(h.e.TenantID(), "professional-db", "5",
		map[string]any{"source_instance_id": source, "source_snapshot_id": sid}))).data()["id"].(string)
	h.waitStatus(clone, "running")
	if h.dataSHA(clone) != x {
		t.Error("clone does not carry the snapshot's dataset")
	}

	small := h.create("professional-db", "5", map[string]any{"memory": "1GB"})
	v4 := h.create("professional-db", "4", nil)
	cases := []struct {
		name   string
		target string
		body   map[string]any
		status int
		reason string
	}{
		{"less storage than the source", small, map[string]any{"source_instance_id": source}, 400, "insufficient-storage"},
		{"version 5 into 4", v4, map[string]any{"source_instance_id": source}, 400, "incompatible-version"},
		{"snapshot of another instance", target, map[string]any{"source_instance_id": clone, "source_snapshot_id": sid}, 400, "snapshot-not-found"},
		{"no source", target, map[string]any{}, 400, "missing-field"},
		{"unknown source", target, map[string]any{"source_instance_id": "deadbeef"}, 404, "db-not-found"},
	}
	for _, c := range cases {
		if r := h.do("POST", "/v1/instances/"+c.target+"/overwrite", c.body); r.Status != c.status || r.reason() != c.reason {
			t.Errorf("%s: %d %s", c.name, r.Status, r.Raw)
		}
	}
	h.advance("192h") // the snapshot leaves its exportable window
	r = h.do("POST", "/v1/instances", instanceBody(h.e.TenantID(), "professional-db", "5", map[string]any{"source_instance_id": source, "source_snapshot_id": sid}))
	if r.Status != 400 {
		t.Errorf("clone from an expired snapshot: %d %s", r.Status, r.Raw)
	}
}
