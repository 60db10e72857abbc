package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
	"github.com/aura-terraform/terraform-provider-aura/internal/emulator"
)

// slowEmulator is an emulator of its own whose operations outlast terraform's start-up, so that a destroy
// right after an operation meets it still running, as it can on Aura, where operations take minutes.
func slowEmulator(t *testing.T) (*emulator.Emulator, *aura.Client) {
	t.Helper()
	cfg := emulator.DefaultConfig()
	cfg.Listen, cfg.RateLimit, cfg.Transition = "127.0.0.1:0", 0, 4*time.Second
	e, err := emulator.New(cfg)
	if err == nil {
		err = e.Start()
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	c, err := aura.New(aura.Config{BaseURL: e.BaseURL(), ClientID: e.ClientID(), ClientSecret: e.ClientSecret(),
		PollMin: 50 * time.Millisecond, PollMax: 200 * time.Millisecond, RequestsPerMinute: 100000})
	if err != nil {
		t.Fatal(err)
	}
	return e, c
}

// providerBlock points the provider at an emulator other than the shared one.
func providerBlock(e *emulator.Emulator) string {
	return fmt.Sprintf(`
provider "aura" {
  base_url      = %q
  client_id     = %q
  client_secret = %q
  tenant_id     = %q
}
`, e.BaseURL(), e.ClientID(), e.ClientSecret(), e.TenantID())
}

// slowControl calls the control API of the slow emulator (control() serves the shared one).
func slowControl(t *testing.T, e *emulator.Emulator, method, path string, body, out any) {
	t.Helper()
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, e.BaseURL()+path, bytes.NewReader(raw))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode >= 300 {
		t.Fatalf("%s %s: %d", method, path, res.StatusCode)
	}
	if out != nil && json.NewDecoder(res.Body).Decode(out) != nil {
		t.Fatalf("%s %s: not JSON", method, path)
	}
}

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
	e, c := slowEmulator(t)
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
