package emulator

import (
	"bufio"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestChildEmulator is not a test: it is the emulator process that TestStateFile_survivesKill9 starts and kills.
func TestChildEmulator(t *testing.T) {
	path := os.Getenv("EMULATOR_CHILD_STATE")
	if path == "" {
		t.Skip("runs only as the child of TestStateFile_survivesKill9")
	}
	cfg := DefaultConfig()
	cfg.Listen, cfg.RateLimit, cfg.Transition, cfg.StateFile = "127.0.0.1:0", 0, 0, path
	cfg.ClientID, cfg.ClientSecret = "kill", "nine"
	e, err := New(cfg)
	if err != nil {
		_, _ = os.Stdout.WriteString("LOAD-FAILED " + err.Error() + "\n")
		os.Exit(3)
	}
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	_, _ = os.Stdout.WriteString(e.BaseURL() + "\n")
	select {}
}

// A kill -9 at any moment leaves the old or the new state file, never a torn one: after each kill the state
// loads, and it holds every instance whose create was answered before the previous kill's last write began.
func TestStateFile_survivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	path := filepath.Join(t.TempDir(), "state.json")
	answered := map[string]bool{}
	for round := 0; round < 8; round++ {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestChildEmulator$")
		cmd.Env = append(os.Environ(), "EMULATOR_CHILD_STATE="+path)
		out, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, _ := bufio.NewReader(out).ReadString('\n')
		if !strings.HasPrefix(line, "http") {
			_ = cmd.Process.Kill()
			t.Fatalf("round %d: the child did not start: %q", round, line)
		}
		base := strings.TrimSpace(line)
		h := &harness{t: t, e: &Emulator{cfg: Config{ClientID: "kill", ClientSecret: "nine"}, baseURL: base}}
		h.token = h.newToken()
		for id := range answered {
			if h.status(id) == "gone" {
				t.Errorf("round %d: instance %s, answered before a kill, is lost", round, id)
			}
		}
		stop := time.After(time.Duration(50+rand.IntN(250)) * time.Millisecond)
	writes:
		for i := 0; ; i++ {
			select {
			case <-stop:
				break writes
			default:
			}
			r := h.doWith("POST", "/v1/instances", instanceBody("6c0a8e2a-4b8f-4f4e-9a61-0f3d2c1b5e77", "professional-db", "5", map[string]any{"name": "k"}),
				map[string]string{"Authorization": "Bearer " + h.token})
			if r.Status == 202 {
				answered[r.data()["id"].(string)] = true
			}
		}
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		raw, err := os.ReadFile(path)
		if err != nil || !json.Valid(raw) {
			t.Fatalf("round %d: state file unreadable or torn after kill -9 (%d bytes, %v)", round, len(raw), err)
		}
	}
	if len(answered) < 8 {
		t.Errorf("only %d creates were answered", len(answered))
	}
}
