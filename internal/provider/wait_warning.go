package provider

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
)

// warnAfter is how long a run's requests may wait for Aura's rate limit before the run says so: less is the
// ordinary pace of a large refresh, more is what makes a drift job look hung.
const warnAfter = 10 * time.Second

// waitWarning is the one warning of a provider process whose requests waited more than warnAfter for Aura's
// rate limit. Terraform starts a provider process for each plan and each apply; the warning rides on the first
// resource or data source answer after the waits passed warnAfter, once a process (Terraform prints warnings at
// the end of the run), and says how long they waited so far, why, and what to do.
type waitWarning struct {
	mu      sync.Mutex
	clients []*aura.Client
	warned  bool
}

// watch adds the client of a provider configuration (an alias has its own).
func (w *waitWarning) watch(c *aura.Client) {
	if w == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.clients = append(w.clients, c)
}

// add appends the warning to diags the first time the waits pass warnAfter.
func (w *waitWarning) add(diags []*tfprotov6.Diagnostic) []*tfprotov6.Diagnostic {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.warned {
		return diags
	}
	var r aura.WaitReport
	for _, c := range w.clients {
		one := c.Waits()
		if one.Waited > r.Waited {
			r.SentLastMinute, r.Budget = one.SentLastMinute, one.Budget
		}
		r.Waited += one.Waited
		r.ForBudget += one.ForBudget
		r.ForServer += one.ForServer
		r.Refused += one.Refused
	}
	if r.Waited <= warnAfter {
		return diags
	}
	w.warned = true
	return append(diags, &tfprotov6.Diagnostic{Severity: tfprotov6.DiagnosticSeverityWarning,
		Summary: fmt.Sprintf("Requests waited %s for Aura's rate limit", seconds(r.Waited)), Detail: waitDetail(r)})
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.0f s", d.Seconds()) }

func waitDetail(r aura.WaitReport) string {
	why := ""
	if r.ForBudget > 0 {
		why += fmt.Sprintf(" %s for this machine's request budget (requests_per_minute, %d in any 60 s);", seconds(r.ForBudget), r.Budget)
	}
	if r.ForServer > 0 {
		refusals := fmt.Sprintf("%d requests", r.Refused)
		if r.Refused == 1 {
			refusals = "a request"
		}
		why += fmt.Sprintf(" %s because Aura refused %s (429: other runs spent the account too) and asked to wait (Retry-After);",
			seconds(r.ForServer), refusals)
	}
	return fmt.Sprintf("This run's requests to the Aura API have waited at least %s in all:%s "+
		"Aura allows 125 requests per minute per account, counted over every terraform run and tool using it; this machine "+
		"sent %d in the last minute. To wait less: run fewer terraform runs on this account at once, plan with "+
		"-refresh=false when a plan needs no refresh, or give each pipeline a separate client id.", seconds(r.Waited), why, r.SentLastMinute)
}

// NewServer is the provider's protocol server, as providerserver.NewProtocol6 makes it, with the wait warning on
// the answers that resources and data sources give.
func NewServer(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		w := &waitWarning{}
		return &warningServer{ProviderServer: providerserver.NewProtocol6(&auraProvider{version: version, waits: w})(), waits: w}
	}
}

type warningServer struct {
	tfprotov6.ProviderServer
	waits *waitWarning
}

func (s *warningServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	resp, err := s.ProviderServer.ReadResource(ctx, req)
	if resp != nil {
		resp.Diagnostics = s.waits.add(resp.Diagnostics)
	}
	return resp, err
}

func (s *warningServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp, err := s.ProviderServer.PlanResourceChange(ctx, req)
	if resp != nil {
		resp.Diagnostics = s.waits.add(resp.Diagnostics)
	}
	return resp, err
}

func (s *warningServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	resp, err := s.ProviderServer.ApplyResourceChange(ctx, req)
	if resp != nil {
		resp.Diagnostics = s.waits.add(resp.Diagnostics)
	}
	return resp, err
}

func (s *warningServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	resp, err := s.ProviderServer.ReadDataSource(ctx, req)
	if resp != nil {
		resp.Diagnostics = s.waits.add(resp.Diagnostics)
	}
	return resp, err
}
