package aura

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aura-terraform/terraform-provider-aura/internal/emulator"
)

func (f *fixture) running(name string) string {
	f.t.Helper()
	ctx := context.Background()
	created, err := f.c.CreateInstance(ctx, f.createReq(name))
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.c.WaitForInstance(ctx, created.ID, "running"); err != nil {
		f.t.Fatal(err)
	}
	return created.ID
}

// Aura refuses a delete during an operation; the client waits for the operation to end and deletes then.
func TestDeleteInstance_waitsOutAnOperation(t *testing.T) {
	f := setup(t, func(c *emulator.Config) { c.Transition = 300 * time.Millisecond }, nil)
	ctx := context.Background()
	id := f.running("delete-busy")
	memory := "4GB"
	if _, err := f.c.UpdateInstance(ctx, id, UpdateInstanceRequest{Memory: &memory}); err != nil {
		t.Fatal(err)
	}
	f.resetStats()
	if err := f.c.DeleteInstance(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := f.c.WaitForInstanceGone(ctx, id); err != nil {
		t.Fatal(err)
	}
	var st struct {
		Requests []struct {
			Method, Route string
			Status, Count int
		}
	}
	f.control("GET", "/_emulator/stats", nil, &st)
	answers := map[int]int{}
	for _, r := range st.Requests {
		if r.Method == "DELETE" {
			answers[r.Status] += r.Count
		}
	}
	if answers[409] < 1 || answers[202] != 1 || len(answers) != 2 {
		t.Errorf("DELETE answers by status %v, want some 409 then one 202", answers)
	}
	if err := f.c.DeleteInstance(ctx, id); err != nil {
		t.Errorf("deleting a deleted instance: %v", err)
	}
}

// The wait is bounded by ctx (the resource's delete timeout), and the error says what Aura refused and why.
func TestDeleteInstance_operationOutlastsTheTimeout(t *testing.T) {
	f := setup(t, func(c *emulator.Config) { c.Transition = 5 * time.Second }, nil)
	ctx := context.Background()
	created, err := f.c.CreateInstance(ctx, f.createReq("delete-late"))
	if err != nil {
		t.Fatal(err)
	}
	id := created.ID
	f.control("PATCH", "/_emulator/instances/"+id, map[string]string{"status": "running"}, nil) // skip the long create
	if err := f.c.PauseInstance(ctx, id); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	err = f.c.DeleteInstance(short, id)
	if err == nil || !strings.Contains(err.Error(), "The database is current undergoing an operation: pausing") ||
		!strings.Contains(err.Error(), `did not settle in time; last status "pausing"`) {
		t.Errorf("error %v", err)
	}
}
