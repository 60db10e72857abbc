package emulator

import (
	"testing"
	"time"
)

// setStatus puts the instance in a status as if an operation were running (next != "") or settled, for statuses
// no API call reaches (suspending, suspended).
func (h *harness) setStatus(id, status, next string) {
	h.e.mu.Lock()
	defer h.e.mu.Unlock()
	in := h.e.st.Instances[id]
	in.Status, in.Next, in.Until = status, next, time.Time{}
	if next != "" {
		in.Until = h.e.now().Add(time.Hour)
	}
}

func errorMessage(r reply) string {
	errs, _ := r.Body["errors"].([]any)
	if len(errs) == 0 {
		return ""
	}
	m, _ := errs[0].(map[string]any)["message"].(string)
	return m
}

func TestDelete_refusedDuringEveryOperation(t *testing.T) {
	h := start(t)
	id := h.create("professional-db", "5", nil)
	for _, status := range []string{"creating", "pausing", "resuming", "updating", "overwriting", "restoring", "loading", "suspending"} {
		h.setStatus(id, status, "running")
		r := h.do("DELETE", "/v1/instances/"+id, nil)
		want := "The database is current undergoing an operation: " + status
		if r.Status != 409 || r.reason() != "ongoing-database-operation" || errorMessage(r) != want {
			t.Errorf("delete while %s: %d %s", status, r.Status, r.Raw)
		}
		if got := h.status(id); got != status {
			t.Errorf("a refused delete changed %s to %s", status, got)
		}
	}
}

// The choice for settled statuses: paused (as Aura allows), loading failed (the way out of a failed load) and
// suspended can be deleted.
func TestDelete_acceptedWhenSettled(t *testing.T) {
	h := start(t)
	for _, status := range []string{"paused", "loading failed", "suspended"} {
		id := h.create("professional-db", "5", nil)
		h.setStatus(id, status, "")
		r := h.must(202, h.do("DELETE", "/v1/instances/"+id, nil))
		if r.data()["status"] != "destroying" {
			t.Errorf("delete while %s answered %v", status, r.data()["status"])
		}
		h.must(202, h.do("DELETE", "/v1/instances/"+id, nil)) // destroying accepts a repeated delete
		h.waitStatus(id, "gone")
	}
}

// A real operation, not a status set by hand: a delete right after resume meets the 409 Aura's aura-cli
// fixtures show, and succeeds once the instance runs.
func TestDelete_rightAfterResume(t *testing.T) {
	h := start(t, func(c *Config) { c.Transition = 300 * time.Millisecond })
	id := h.create("professional-db", "5", nil)
	h.must(202, h.do("POST", "/v1/instances/"+id+"/pause", nil))
	h.waitStatus(id, "paused")
	h.must(202, h.do("POST", "/v1/instances/"+id+"/resume", nil))
	r := h.must(409, h.do("DELETE", "/v1/instances/"+id, nil))
	if want := "The database is current undergoing an operation: resuming"; errorMessage(r) != want {
		t.Errorf("message %q, want %q", errorMessage(r), want)
	}
	h.waitStatus(id, "running")
	h.must(202, h.do("DELETE", "/v1/instances/"+id, nil))
}
