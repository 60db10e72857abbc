package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// cliWorkdir runs the terraform CLI itself against this provider, served in-process as terraform-plugin-testing
// serves it, for what that harness cannot show: plan warnings, -replace, -detailed-exitcode and state written
// by an earlier version of the provider.
type cliWorkdir struct {
	t   *testing.T
	dir string
	env []string
}

func newCLIWorkdir(t *testing.T, config string) *cliWorkdir {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	reattach := make(chan *plugin.ReattachConfig, 1)
	closed := make(chan struct{})
	go func() {
		err := tf6server.Serve("registry.terraform.io/aura-terraform/aura", NewServer("test"),
			tf6server.WithDebug(ctx, reattach, closed), tf6server.WithLoggingSink(t), tf6server.WithGoPluginLogger(hclog.NewNullLogger()))
		if err != nil {
			t.Error(err)
		}
	}()
	rc := <-reattach
	t.Cleanup(func() { cancel(); <-closed })
	info, _ := json.Marshal(map[string]any{"registry.terraform.io/aura-terraform/aura": map[string]any{
		"Protocol": string(rc.Protocol), "ProtocolVersion": rc.ProtocolVersion, "Pid": rc.Pid, "Test": true,
		"Addr": map[string]string{"Network": rc.Addr.Network(), "String": rc.Addr.String()},
	}})
	w := &cliWorkdir{t: t, dir: t.TempDir()}
	rcFile := filepath.Join(w.dir, "terraformrc")
	if err := os.WriteFile(rcFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	// Terraform's own TRACE output would mix with what the tests read; the provider's log goes to the test
	// sink (TF_ACC_LOG_PATH), where the secrets audit reads it.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TF_LOG") {
			w.env = append(w.env, kv)
		}
	}
	w.env = append(w.env, "TF_REATTACH_PROVIDERS="+string(info), "TF_CLI_CONFIG_FILE="+rcFile, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	w.write(config)
	if out, code := w.run("init"); code != 0 {
		t.Fatalf("terraform init: %s", out)
	}
	return w
}

const cliProviderBlock = `
terraform {
  required_providers {
    aura = { source = "aura-terraform/aura" }
  }
}
`

// write replaces the configuration.
func (w *cliWorkdir) write(config string) {
	w.t.Helper()
	if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(cliProviderBlock+config), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// run runs one terraform command with -no-color and returns its combined output and exit code.
func (w *cliWorkdir) run(args ...string) (string, int) {
	w.t.Helper()
	return w.start(args...).wait()
}

// cliRun is a terraform command started in the background, for a test that acts while it runs: interrupt
// it as a user's Ctrl-C would.
type cliRun struct {
	w   *cliWorkdir
	cmd *exec.Cmd
	out *bytes.Buffer
}

// start starts one terraform command as run runs it, without waiting for it.
func (w *cliWorkdir) start(args ...string) *cliRun {
	w.t.Helper()
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if bin == "" {
		bin = "terraform"
	}
	// Flags go right after the command's words: import and state take positional arguments after them.
	words := 1
	if args[0] == "state" {
		words = 2
	}
	flags := []string{"-no-color"}
	switch args[0] {
	case "apply", "destroy":
		flags = append(flags, "-input=false", "-auto-approve")
	case "init", "plan", "import":
		flags = append(flags, "-input=false")
	}
	args = append(append(append([]string{}, args[:words]...), flags...), args[words:]...)
	cmd := exec.Command(bin, args...)
	cmd.Dir, cmd.Env = w.dir, w.env
	out := &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		w.t.Fatal(err)
	}
	return &cliRun{w: w, cmd: cmd, out: out}
}

// interrupt sends terraform SIGINT, as the first Ctrl-C in a terminal does: terraform asks the provider to
// stop and ends the run gracefully.
func (r *cliRun) interrupt() {
	r.w.t.Helper()
	if err := r.cmd.Process.Signal(os.Interrupt); err != nil {
		r.w.t.Fatal(err)
	}
}

// wait waits for the command and returns its combined output and exit code.
func (r *cliRun) wait() (string, int) {
	r.w.t.Helper()
	err := r.cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return r.out.String(), exit.ExitCode()
	}
	if err != nil {
		r.w.t.Fatal(err)
	}
	return r.out.String(), 0
}

// must runs a command that has to succeed (exit 0) and returns its output.
func (w *cliWorkdir) must(args ...string) string {
	w.t.Helper()
	out, code := w.run(args...)
	if code != 0 {
		w.t.Fatalf("terraform %v exited %d:\n%s", args, code, out)
	}
	return out
}

// output reads one root output as a string.
func (w *cliWorkdir) output(name string) string {
	w.t.Helper()
	var v string
	if err := json.Unmarshal([]byte(w.must("output", "-json", name)), &v); err != nil {
		w.t.Fatal(err)
	}
	return v
}

// stateValues reads the values of every resource in state, by address, as terraform show -json has them.
func (w *cliWorkdir) stateValues() map[string]map[string]any {
	w.t.Helper()
	var st struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string
					Values  map[string]any
				}
			} `json:"root_module"`
		}
	}
	if err := json.Unmarshal([]byte(w.must("show", "-json")), &st); err != nil {
		w.t.Fatal(err)
	}
	out := map[string]map[string]any{}
	for _, r := range st.Values.RootModule.Resources {
		out[r.Address] = r.Values
	}
	return out
}

// stateAttr reads one attribute of every resource in state, by address.
func (w *cliWorkdir) stateAttr(name string) map[string]any {
	w.t.Helper()
	out := map[string]any{}
	for address, values := range w.stateValues() {
		out[address] = values[name]
	}
	return out
}
