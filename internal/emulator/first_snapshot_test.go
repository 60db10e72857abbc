package emulator

import (
	"testing"
	"time"
)

// scheduledIDs are the ids of a listing's scheduled snapshots, in listing order.
func scheduledIDs(list []any) []string {
	var ids []string
	for _, s := range list {
		if m := s.(map[string]any); m["profile"] == "Scheduled" {
			ids = append(ids, m["snapshot_id"].(string))
		}
	}
	return ids
}

func (h *harness) todaysScheduled(id string) []string {
	h.t.Helper()
	return scheduledIDs(h.must(200, h.do("GET", "/v1/instances/"+id+"/snapshots", nil)).list())
}

// The clock, not real time, ends each stage: with a transition of ten emulated minutes, advancing the clock walks
// the first snapshot through Pending, InProgress and Completed exactly.
func TestFirstSnapshot_progressesOverTheTransition(t *testing.T) {
	h := start(t, func(cf *Config) { cf.Transition = 10 * time.Minute })
	id := h.must(202, h.do("POST", "/v1/instances", instanceBody(h.e.TenantID(), "professional-db", "5", nil))).data()["id"].(string)
	if got := h.todaysScheduled(id); len(got) != 0 {
		t.Fatalf("a creating instance lists scheduled snapshots %v", got)
	}
	h.advance("10m")
	if h.status(id) != "running" {
		t.Fatalf("instance is %s after its transition", h.status(id))
	}
	scheduled := h.todaysScheduled(id)
	if len(scheduled) != 1 {
		t.Fatalf("a new running instance lists %d scheduled snapshots, want 1", len(scheduled))
	}
	path := "/v1/instances/" + id + "/snapshots/" + scheduled[0]
	for _, want := range []struct {
		status     string
		exportable bool
	}{{"Pending", false}, {"InProgress", false}, {"Completed", true}} {
		s := h.must(200, h.do("GET", path, nil)).data()
		if s["status"] != want.status || s["exportable"] != want.exportable {
			t.Errorf("first snapshot %v, want %s (exportable %v)", s, want.status, want.exportable)
		}
		h.advance("5m")
	}
}

// Every type with a schedule gets one exportable full at once; free-db, which has none, gets nothing.
func TestFirstSnapshot_byType(t *testing.T) {
	for _, c := range []struct {
		typ, version string
		want         int
	}{
		{"free-db", "5", 0}, {"professional-db", "4", 1}, {"professional-db", "5", 1}, {"business-critical", "5", 1},
		{"enterprise-db", "4", 1}, {"enterprise-db", "5", 1}, {"professional-ds", "5", 1}, {"enterprise-ds", "5", 1},
	} {
		t.Run(c.typ+"-"+c.version, func(t *testing.T) {
			h := start(t, func(cf *Config) { cf.Transition = 0 })
			id := h.create(c.typ, c.version, nil)
			list := h.must(200, h.do("GET", "/v1/instances/"+id+"/snapshots", nil)).list()
			if len(list) != c.want {
				t.Fatalf("%d snapshots after creation, want %d: %v", len(list), c.want, list)
			}
			for _, s := range list {
				if m := s.(map[string]any); m["profile"] != "Scheduled" || m["status"] != "Completed" || m["exportable"] != true {
					t.Errorf("first snapshot %v", m)
				}
			}
		})
	}
}

// The first snapshot holds the data the instance first ran with: a clone's copied dataset.
func TestFirstSnapshot_ofACloneHoldsTheClonedData(t *testing.T) {
	h := start(t, func(cf *Config) { cf.Transition = 0 })
	source := h.create("professional-db", "5", nil)
	x := h.putData(source, map[string]any{"from": "source"})
	clone := h.must(202, h.do("POST", "/v1/instances", instanceBody(h.e.TenantID(), "professional-db", "5",
		map[string]any{"source_instance_id": source}))).data()["id"].(string)
	h.waitStatus(clone, "running")
	scheduled := h.todaysScheduled(clone)
	if len(scheduled) != 1 {
		t.Fatalf("clone lists %d scheduled snapshots, want 1", len(scheduled))
	}
	target := h.create("professional-db", "5", nil)
	h.must(202, h.do("POST", "/v1/instances/"+target+"/overwrite", map[string]any{"source_instance_id": clone, "source_snapshot_id": scheduled[0]}))
	h.waitStatus(target, "running")
	if h.dataSHA(target) != x {
		t.Error("the clone's first snapshot does not hold the cloned dataset")
	}
}

// Only the first transition to running takes one (api/README.md B, choice): an instance that ran before already
// has its snapshots, and resume, restore, overwrite and upload keep them.
func TestFirstSnapshot_notRetakenLater(t *testing.T) {
	h := start(t, func(cf *Config) { cf.Transition = 0 })
	tg := h.createTargetOf("professional-db", "5", nil)
	id := tg.id
	source := h.create("professional-db", "5", nil)
	first := h.todaysScheduled(id)
	own := h.snapshot(id)
	steps := []struct {
		name string
		act  func()
	}{
		{"pause and resume", func() {
			h.must(202, h.do("POST", "/v1/instances/"+id+"/pause", nil))
			h.waitStatus(id, "paused")
			h.must(202, h.do("POST", "/v1/instances/"+id+"/resume", nil))
		}},
		{"restore", func() { h.must(202, h.do("POST", "/v1/instances/"+id+"/snapshots/"+own+"/restore", nil)) }},
		{"overwrite", func() {
			h.must(202, h.do("POST", "/v1/instances/"+id+"/overwrite", map[string]any{"source_instance_id": source}))
		}},
		{"upload", func() {
			_, file := h.exportOf(source, h.snapshot(source))
			h.must(200, h.uploadGCP(tg, file))
		}},
	}
	for _, s := range steps {
		s.act()
		h.waitStatus(id, "running")
		if got := h.todaysScheduled(id); len(got) != 1 || got[0] != first[0] {
			t.Errorf("after %s: scheduled snapshots %v, want only the first %v", s.name, got, first)
		}
	}
}
