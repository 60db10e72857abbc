package provider

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
	"github.com/aura-terraform/terraform-provider-aura/internal/emulator"
)

// deleteAnswers counts the emulator's answers to DELETE /v1/instances/{id} by status.
func deleteAnswers(t *testing.T, e *emulator.Emulator) map[int]int {
	t.Helper()
	var st struct {
		Requests []struct {
			Method, Route string
			Status, Count int
		}
	}
	slowControl(t, e, "GET", "/_emulator/stats", nil, &st)
	out := map[int]int{}
	for _, r := range st.Requests {
		if r.Method == "DELETE" && r.Route == "/v1/instances/{id}" {
			out[r.Status] += r.Count
		}
	}
	return out
}

// A destroy right after a resize, pause, resume, restore or overwrite meets Aura's 409 (the database is
// undergoing an operation) and still succeeds: the delete waits for the operation to end. The operations are
// started outside terraform, because the provider's own resources wait for theirs to end: this is the
// console, another run, or an operation Aura still reports, at the moment of the destroy.
func TestAccInstance_destroyRightAfterAnOperation(t *testing.T) {
	needsEmulator(t)
	e, c := slowEmulator(t, 4*time.Second)
	config := providerBlock(e)
	ops := []string{"resize", "pause", "resume", "restore", "overwrite"}
	for _, op := range ops {
		config += fmt.Sprintf(`
resource "aura_instance" %q {
  name           = "acc-del-%s"
  type           = "professional-db"
  cloud_provider = "gcp"
  region         = "europe-west1"
  memory         = "2GB"
  deletion_protection = false
}
`, op, op)
	}
	ids := map[string]string{}
	ctx := context.Background()
	start := func() {
		must := func(err error) {
			if err != nil {
				t.Fatal(err)
			}
		}
		snapshot, err := c.CreateSnapshot(ctx, ids["restore"])
		must(err)
		_, err = c.WaitForSnapshot(ctx, ids["restore"], snapshot)
		must(err)
		slowControl(t, e, "PATCH", "/_emulator/instances/"+ids["resume"], map[string]string{"status": "paused"}, nil)
		memory := "4GB"
		_, err = c.UpdateInstance(ctx, ids["resize"], aura.UpdateInstanceRequest{Memory: &memory})
		must(err)
		must(c.PauseInstance(ctx, ids["pause"]))
		must(c.ResumeInstance(ctx, ids["resume"]))
		must(c.RestoreSnapshot(ctx, ids["restore"], snapshot))
		must(c.OverwriteInstance(ctx, ids["overwrite"], ids["restore"], snapshot))
		slowControl(t, e, "DELETE", "/_emulator/stats", nil, nil)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			for op, id := range ids {
				if _, err := c.GetInstance(ctx, id); err == nil {
					return fmt.Errorf("the %s instance %s still exists", op, id)
				}
			}
			// Each delete met the operation once (a settled instance is not refused again), then was taken.
			if got := deleteAnswers(t, e); got[409] != len(ops) || got[202] != len(ops) {
				return fmt.Errorf("DELETE answers by status %v, want %d refusals and %d acceptances", got, len(ops), len(ops))
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					for _, op := range ops {
						ids[op] = stateAttr(s, "aura_instance."+op, "id")
					}
					return nil
				},
			},
			{Config: config, PreConfig: start, Destroy: true},
		},
	})
}
