package aura

import (
	"context"
	"strings"
	"testing"
	"time"
)

// defaultPolls is the fixture with the client's default poll settings (6 s to 60 s) on a fake clock.
func defaultPolls(t *testing.T) (*fixture, *fakeClock) {
	clock := newFakeClock()
	f := setup(t, nil, func(c *Config) { c.PollMin, c.PollMax, c.Clock = 0, 0, clock })
	return f, clock
}

// A create whose answer was lost to a dropped connection, and whose instance shows up only late in the look
// window (as a create still running on the server would), is adopted: the look's timeout covers its window.
func TestCreateInstance_defaultPolls_adoptsALateInstance(t *testing.T) {
	f, clock := defaultPolls(t)
	realStart, began := time.Now(), clock.Now()
	f.fault(map[string]any{"method": "POST", "path": "^/v1/instances$", "drop": true, "count": 1})
	var lateID string
	clock.At(began.Add(9*time.Minute), func() {
		// What the server finally did with the dropped create; sent by another client, past the fault.
		other, err := New(Config{BaseURL: f.e.BaseURL(), ClientID: f.e.ClientID(), ClientSecret: f.e.ClientSecret()})
		if err != nil {
			t.Error(err)
			return
		}
		created, err := other.CreateInstance(context.Background(), f.createReq("late"))
		if err != nil {
			t.Error(err)
			return
		}
		lateID = created.ID
	})
	got, err := f.c.CreateInstance(context.Background(), f.createReq("late"))
	if err != nil {
		t.Fatal(err)
	}
	if !got.Adopted || got.ID == "" || got.ID != lateID {
		t.Errorf("got %+v, want the late instance %s adopted", got, lateID)
	}
	if n := f.instancesNamed("late"); n != 1 {
		t.Errorf("%d instances named late, want 1", n)
	}
	if waited := clock.Now().Sub(began); waited < 9*time.Minute || waited > 10*time.Minute+time.Minute {
		t.Errorf("looked for %s of clock time, want between 9 and 11 minutes", waited)
	}
	if took := time.Since(realStart); took > 2*time.Second {
		t.Errorf("took %s of real time", took)
	}
}

// When nothing appears, each unclear create is looked for during the whole window and sent again; after the
// last attempt the error says it is safe to apply again, never that the look failed.
func TestCreateInstance_defaultPolls_nothingCreatedIsSafeToApplyAgain(t *testing.T) {
	f, clock := defaultPolls(t)
	realStart, began := time.Now(), clock.Now()
	f.fault(map[string]any{"method": "POST", "path": "^/v1/instances$", "drop": true, "count": unclearAttempts})
	_, err := f.c.CreateInstance(context.Background(), f.createReq("never"))
	if err == nil || !strings.Contains(err.Error(), `no instance named "never" was created, so it is safe to apply again`) ||
		strings.Contains(err.Error(), "looking for it failed") {
		t.Fatalf("error %v", err)
	}
	if n := f.count("POST", "/v1/instances"); n != unclearAttempts {
		t.Errorf("create sent %d times, want %d", n, unclearAttempts)
	}
	if n := f.instancesNamed("never"); n != 0 {
		t.Errorf("%d instances named never", n)
	}
	if waited, window := clock.Now().Sub(began), 10*time.Minute; waited < unclearAttempts*window {
		t.Errorf("looked for %s of clock time, want at least %d windows of %s", waited, unclearAttempts, window)
	}
	if took := time.Since(realStart); took > 2*time.Second {
		t.Errorf("took %s of real time", took)
	}
}

// An action whose connection dropped before it took effect is looked for during the default window, found not
// taken, and sent again; the snapshot create goes through the same helper.
func TestActAndSnapshot_defaultPolls(t *testing.T) {
	f, clock := defaultPolls(t)
	ctx := context.Background()
	created, err := f.c.CreateInstance(ctx, f.createReq("acts"))
	if err != nil {
		t.Fatal(err)
	}
	id := created.ID
	f.control("PATCH", "/_emulator/instances/"+id, map[string]string{"status": "running"}, nil)

	f.fault(map[string]any{"method": "POST", "path": "/pause$", "drop": true, "count": 1})
	before := clock.Now()
	if err := f.c.Act(ctx, id, func() error { return f.c.PauseInstance(ctx, id) }, "pausing"); err != nil {
		t.Fatal(err)
	}
	if n := f.count("POST", "/v1/instances/{id}/pause"); n != 2 {
		t.Errorf("pause sent %d times, want 2", n)
	}
	if waited := clock.Now().Sub(before); waited < 10*time.Minute {
		t.Errorf("the unclear pause was looked for %s, want the 10 minute window", waited)
	}
	f.control("PATCH", "/_emulator/instances/"+id, map[string]string{"status": "running"}, nil)

	f.fault(map[string]any{"method": "POST", "path": "/snapshots$", "drop": true, "apply": true, "count": 1})
	sid, err := f.c.CreateSnapshot(ctx, id)
	if err != nil || sid == "" {
		t.Fatalf("snapshot %q: %v", sid, err)
	}
	if n := f.count("POST", "/v1/instances/{id}/snapshots"); n != 1 {
		t.Errorf("snapshot sent %d times, want 1", n)
	}
}
