package emulator

import (
	"fmt"
	"testing"
	"time"
)

// graph is what GET /v1/instances/{id} reports as graph_nodes and graph_relationships, "null" when absent.
func (h *harness) graph(id string) string {
	h.t.Helper()
	d := h.must(200, h.do("GET", "/v1/instances/"+id, nil)).data()
	return fmt.Sprintf("%v/%v", orNull(d["graph_nodes"]), orNull(d["graph_relationships"]))
}

func orNull(v any) any {
	if v == nil {
		return "null"
	}
	return v
}

func counted(nodes, rels int, tag string) map[string]any {
	return map[string]any{"graph_nodes": nodes, "graph_relationships": rels, "tag": tag}
}

func TestGraphSize_nullExceptFree(t *testing.T) {
	h := start(t, func(c *Config) { c.GraphRefresh = 0 })
	for _, typ := range instanceTypes {
		id := h.create(typ, "5", nil)
		h.putData(id, counted(7, 3, typ))
		want := "null/null"
		if typ == "free-db" {
			want = "7/3"
		}
		if got := h.graph(id); got != want {
			t.Errorf("%s reports %s, want %s", typ, got, want)
		}
	}
}

// A change shows only once the refresh delay has passed in emulated time, each change its delay after it was made.
func TestGraphSize_refreshDelay(t *testing.T) {
	h := start(t)
	id := h.create("free-db", "5", nil)
	if got := h.graph(id); got != "0/0" {
		t.Fatalf("a new free instance reports %s", got)
	}
	h.putData(id, counted(10, 4, "first"))
	h.advance("1m")
	h.putData(id, counted(20, 8, "second"))
	if got := h.graph(id); got != "0/0" {
		t.Errorf("within the delay: %s", got)
	}
	h.advance("1m")
	if got := h.graph(id); got != "10/4" {
		t.Errorf("two minutes after the first write: %s", got)
	}
	h.advance("59s")
	if got := h.graph(id); got != "10/4" {
		t.Errorf("a second before the second write's refresh: %s", got)
	}
	h.advance("1s")
	if got := h.graph(id); got != "20/8" {
		t.Errorf("two minutes after the second write: %s", got)
	}
	h.putData(id, map[string]any{"no": "counts"})
	h.advance("2m")
	if got := h.graph(id); got != "0/0" {
		t.Errorf("a dataset without counts is an empty graph, reported %s", got)
	}
}

func TestGraphSize_badCountsRefused(t *testing.T) {
	h := start(t)
	id := h.create("free-db", "5", nil)
	for field, v := range map[string]any{"graph_nodes": -1, "graph_relationships": "many"} {
		r := h.do("PUT", "/_emulator/instances/"+id+"/data", map[string]any{field: v})
		if r.Status != 400 || r.reason() != "invalid-value" || r.field() != field {
			t.Errorf("%s=%v: %d %s", field, v, r.Status, r.Raw)
		}
	}
	if _, err := New(Config{GraphRefresh: -time.Second}); err == nil {
		t.Error("a negative graph refresh was accepted")
	}
}

// The counts belong to the dataset: a snapshot captures them and every way of copying data brings them along,
// shown after the refresh delay.
func TestGraphSize_carriedWithTheData(t *testing.T) {
	h := start(t)
	source := h.create("free-db", "5", nil)
	h.putData(source, counted(100, 50, "snapshotted"))
	sid := h.snapshot(source)
	h.putData(source, counted(1, 0, "later"))
	h.advance("2m")
	if got := h.graph(source); got != "1/0" {
		t.Fatalf("source reports %s", got)
	}

	overwritten := h.create("free-db", "5", nil)
	h.must(202, h.do("POST", "/v1/instances/"+overwritten+"/overwrite", map[string]any{"source_instance_id": source, "source_snapshot_id": sid}))
	clone := h.must(202, h.do("POST", "/v1/instances", instanceBody(h.e.TenantID(), "free-db", "5",
		map[string]any{"source_instance_id": source, "source_snapshot_id": sid}))).data()["id"].(string)
	loaded := h.createTargetOf("free-db", "5", nil)
	_, file := h.exportOf(source, sid)
	h.must(200, h.uploadGCP(loaded, file))
	h.must(202, h.do("POST", "/v1/instances/"+source+"/snapshots/"+sid+"/restore", nil))
	targets := map[string]string{"overwrite": overwritten, "clone": clone, "upload": loaded.id, "restore": source}
	for _, id := range targets {
		h.waitStatus(id, "running")
	}
	if got := h.graph(overwritten); got != "0/0" {
		t.Errorf("overwrite shows before the refresh delay: %s", got)
	}
	h.advance("2m")
	for how, id := range targets {
		if got := h.graph(id); got != "100/50" {
			t.Errorf("%s: %s, want the snapshot's 100/50", how, got)
		}
	}
}
