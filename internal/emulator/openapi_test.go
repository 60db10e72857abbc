package emulator

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// contract checks answers against api/openapi.yaml: kin-openapi validates status, headers, required members
// and types; undocumented walks the schema for members the document does not name, which it would let pass
// (the schemas are not closed with additionalProperties: false).
type contract struct {
	t    *testing.T
	doc  *openapi3.T
	e    *Emulator
	seen map[string]map[int]bool // route pattern -> statuses answered
}

func loadContract(t *testing.T, e *Emulator) *contract {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile("../../api/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("api/openapi.yaml: %v", err)
	}
	return &contract{t: t, doc: doc, e: e, seen: map[string]map[int]bool{}}
}

// check validates one answer of parts A and C and reports what is wrong with it.
func (c *contract) check(req *http.Request, r reply) {
	c.t.Helper()
	for _, p := range c.problems(req, r) {
		c.t.Error(p)
	}
}

// problems are the differences of one answer from the document. The signed download is a file, not an API
// answer, and the control API is out of scope.
func (c *contract) problems(req *http.Request, r reply) []string {
	if strings.HasPrefix(req.URL.Path, "/_emulator/") {
		return nil
	}
	_, pattern := c.e.mux.Handler(req)
	if pattern == "" || !documented(c.e, pattern) {
		return nil
	}
	method, path, _ := strings.Cut(pattern, " ")
	// The console's routes are documented on their own host: the emulator's prefix is part of its console_url.
	path = strings.TrimPrefix(path, consolePrefix)
	if c.seen[pattern] == nil {
		c.seen[pattern] = map[int]bool{}
	}
	c.seen[pattern][r.Status] = true
	item := c.doc.Paths.Find(path)
	if item == nil || item.GetOperation(method) == nil {
		return []string{pattern + ": not in api/openapi.yaml"}
	}
	op := item.GetOperation(method)
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req, Route: &routers.Route{Spec: c.doc, Path: path, PathItem: item, Method: method, Operation: op},
		},
		Status: r.Status, Header: r.Header, Body: io.NopCloser(bytes.NewReader(r.Raw)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	what := fmt.Sprintf("%s %s -> %d %s", method, req.URL.Path, r.Status, r.Raw)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		return []string{fmt.Sprintf("%s: %v", what, err)}
	}
	resp := op.Responses.Status(r.Status)
	if resp == nil {
		resp = op.Responses.Default()
	}
	media := resp.Value.Content.Get("application/json")
	if media == nil || media.Schema == nil {
		return nil
	}
	var out []string
	for _, m := range undocumented(media.Schema.Value, r.Body, "") {
		out = append(out, fmt.Sprintf("%s: undocumented member %s", what, m))
	}
	return out
}

// documented: the signed download and the signed storage routes serve files, not API answers.
func documented(e *Emulator, pattern string) bool {
	return pattern != "GET /exports/{exportId}" && e.routeInfo[pattern].family != "storage"
}

// undocumented lists the members of v that a schema with named properties does not name, at any depth.
func undocumented(s *openapi3.Schema, v any, at string) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		if s == nil || len(s.Properties) == 0 {
			return nil
		}
		for k, val := range x {
			p, ok := s.Properties[k]
			if !ok {
				out = append(out, at+"."+k)
				continue
			}
			out = append(out, undocumented(p.Value, val, at+"."+k)...)
		}
	case []any:
		if s == nil || s.Items == nil {
			return nil
		}
		for i, e := range x {
			out = append(out, undocumented(s.Items.Value, e, fmt.Sprintf("%s[%d]", at, i))...)
		}
	}
	sort.Strings(out)
	return out
}

// Every route of parts A and C is driven through a scenario, and every answer, successes and errors, holds
// exactly what api/openapi.yaml documents.
func TestOpenAPI_everyAnswerAsDocumented(t *testing.T) {
	h := start(t)
	c := loadContract(t, h.e)
	h.observe = c.check
	tenant := h.e.TenantID()
	unknownTenant := "00000000-0000-4000-8000-000000000000"

	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(h.e.ClientID()+":"+h.e.ClientSecret()))
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Authorization": basic}
	h.must(200, h.doWith("POST", "/oauth/token", "grant_type=client_credentials", form))
	h.must(400, h.doWith("POST", "/oauth/token", "grant_type=password", form))
	form["Authorization"] = "Basic " + base64.StdEncoding.EncodeToString([]byte("nobody:wrong"))
	h.must(401, h.doWith("POST", "/oauth/token", "grant_type=client_credentials", form))
	h.must(401, h.doWith("GET", "/v1/tenants", nil, nil))

	h.must(200, h.do("GET", "/v1/tenants", nil))
	h.must(200, h.do("GET", "/v1/tenants/"+tenant, nil))
	h.must(404, h.do("GET", "/v1/tenants/"+unknownTenant, nil))
	h.must(400, h.do("GET", "/v1/tenants/"+tenant+"/metrics-integration", nil))

	h.must(400, h.do("POST", "/v1/instances", instanceBody(tenant, "professional-db", "5", map[string]any{"memory": nil})))
	h.must(404, h.do("POST", "/v1/instances", instanceBody(unknownTenant, "professional-db", "5", nil)))
	id := h.create("professional-db", "5", nil)
	free := h.create("free-db", "5", nil)
	h.create("business-critical", "5", nil)
	h.must(200, h.do("GET", "/v1/tenants/"+tenant+"/metrics-integration", nil))
	h.must(200, h.do("GET", "/v1/instances", nil))
	h.must(200, h.do("GET", "/v1/instances?tenantId="+tenant, nil))
	base := "/v1/instances/" + id
	h.must(200, h.do("GET", "/v1/instances/"+free, nil))
	h.must(404, h.do("GET", "/v1/instances/0a0b0c0d", nil))

	h.must(202, h.do("PATCH", base, map[string]any{"name": "renamed"}))
	h.must(400, h.do("PATCH", base, map[string]any{"memory": "3GB"}))
	h.must(202, h.do("PATCH", base, map[string]any{"memory": "16GB"}))
	h.must(409, h.do("DELETE", base, nil))
	h.must(409, h.do("POST", base+"/pause", nil))
	h.waitStatus(id, "running")

	h.putData(id, map[string]any{"dataset": "X"})
	snap := h.snapshot(id)
	h.must(200, h.do("GET", base+"/snapshots", nil))
	h.must(200, h.do("GET", base+"/snapshots?date="+h.now().Format("2006-01-02"), nil))
	h.must(400, h.do("GET", base+"/snapshots?date=yesterday", nil))
	h.must(404, h.do("GET", base+"/snapshots/00000000-0000-4000-8000-000000000001", nil))
	h.must(202, h.do("POST", base+"/snapshots/"+snap+"/restore", nil))
	h.must(409, h.do("POST", base+"/snapshots", nil))
	h.waitStatus(id, "running")

	x := h.must(200, h.do("POST", base+"/snapshots/"+snap+"/export", nil)).data()
	h.must(200, h.doWith("GET", x["download_url"].(string), nil, nil))

	h.must(202, h.do("POST", base+"/overwrite", map[string]any{"source_instance_id": id, "source_snapshot_id": snap}))
	h.waitStatus(id, "running")
	h.must(400, h.do("POST", base+"/overwrite", map[string]any{}))
	h.must(202, h.do("POST", base+"/pause", nil))
	h.waitStatus(id, "paused")
	h.must(200, h.do("GET", base, nil))
	h.must(202, h.do("POST", base+"/resume", nil))
	h.waitStatus(id, "running")
	h.must(400, h.do("POST", "/v1/instances/"+free+"/pause", nil))

	keys := h.must(200, h.do("GET", "/v1/customer-managed-keys", nil)).list()
	h.must(200, h.do("GET", "/v1/customer-managed-keys?tenantId="+tenant, nil))
	h.must(200, h.do("GET", "/v1/customer-managed-keys/"+keys[0].(map[string]any)["id"].(string), nil))
	h.must(404, h.do("GET", "/v1/customer-managed-keys/"+unknownTenant, nil))

	nets := "/v1/tenants/" + tenant + "/network-access-configurations"
	body := map[string]any{"cloud_provider": "aws", "region": "us-east-1", "type": "enterprise-db", "private_connectivity": true, "allowed_principals": []string{"123456789012"}}
	n := h.must(202, h.do("POST", nets, body)).data()["id"].(string)
	h.must(409, h.do("POST", nets, body))
	h.must(400, h.do("POST", nets, map[string]any{"cloud_provider": "aws"}))
	h.must(200, h.do("GET", nets, nil))
	h.must(404, h.do("GET", "/v1/tenants/"+unknownTenant+"/network-access-configurations", nil))
	deadline := time.Now().Add(5 * time.Second)
	for h.must(200, h.do("GET", nets+"/"+n, nil)).data()["status"] != "ready" && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	h.must(202, h.do("PATCH", nets+"/"+n, map[string]any{"public_traffic_enabled": false}))
	h.must(409, h.do("PATCH", nets+"/"+n, map[string]any{"public_traffic_enabled": true}))
	h.must(202, h.do("DELETE", nets+"/"+n, nil))
	h.must(404, h.do("GET", nets+"/"+n, nil))
	h.must(404, h.do("DELETE", nets+"/"+n, nil))

	consoleAnswersAsDocumented(h)

	h.must(202, h.do("DELETE", base, nil))
	h.must(202, h.do("DELETE", base, nil))
	h.waitStatus(id, "gone")
	h.must(404, h.do("POST", base+"/resume", nil))

	for pattern := range h.e.routeInfo {
		if documented(h.e, pattern) && c.seen[pattern] == nil {
			t.Errorf("route %s was not exercised", pattern)
		}
	}
}

// consoleAnswersAsDocumented drives every console route to its successes and errors.
func consoleAnswersAsDocumented(h *harness) {
	gcp, aws := h.createTarget("gcp"), h.createTarget("aws")
	file := exportBytes(h.t, "professional-db", "5", "documented", 0)
	c := h.console(gcp.id)
	h.must(401, c.auth("neo4j", "wrong", "true"))
	h.must(409, c.auth("neo4j", gcp.password, "false"))
	h.must(404, h.console("0a0b0c0d").auth("neo4j", gcp.password, "true"))
	h.must(200, c.auth("neo4j", gcp.password, "true"))
	h.must(200, c.size(1))
	h.must(422, c.size(1<<50))
	h.must(400, h.doWith("POST", c.url("v2", ""), map[string]any{"Crc32": 1}, c.bearer()))
	h.must(400, c.complete(map[string]any{"Crc32": 1}))
	h.must(200, h.uploadGCP(gcp, file))
	h.must(200, c.status())
	h.must(200, h.uploadAWS(aws, file))
	h.must(401, (&console{h: h, db: gcp.id, token: "wrong"}).status())
	h.waitStatus(gcp.id, "running")
	h.waitStatus(aws.id, "running")
}

// The check itself: an internal member, a missing required one and a wrong type are each caught.
func TestOpenAPI_checkCatchesDeviations(t *testing.T) {
	h := start(t)
	c := loadContract(t, h.e)
	req, _ := http.NewRequest("GET", h.e.BaseURL()+"/v1/tenants/"+h.e.TenantID()+"/network-access-configurations/n1", nil)
	net := `{"id":"n1","tenant_id":"` + h.e.TenantID() + `","cloud_provider":"aws","region":"us-east-1","type":"enterprise-db",` +
		`"private_connectivity":false,"public_traffic_enabled":true,"allowed_principals":[],"endpoint_service":"","status":"ready"`
	for name, tc := range map[string]struct {
		body string
		want string
	}{
		"as documented":        {`{"data":` + net + `}}`, ""},
		"internal member":      {`{"data":` + net + `,"until":"0001-01-01T00:00:00Z"}}`, "undocumented member .data.until"},
		"missing member":       {`{"data":` + strings.Replace(net, `"status":"ready"`, `"x":1`, 1) + `}}`, `property "status" is missing`},
		"wrong type":           {`{"data":` + strings.Replace(net, `"private_connectivity":false`, `"private_connectivity":"no"`, 1) + `}}`, "private_connectivity"},
		"error without reason": {`{"errors":[{"message":"m"}]}`, `property "reason" is missing`},
	} {
		t.Run(name, func(t *testing.T) {
			r := reply{Status: 200, Header: http.Header{"X-Request-Id": {"x"}, "Content-Type": {"application/json"}}, Raw: []byte(tc.body)}
			if strings.HasPrefix(name, "error") {
				r.Status = 404
			}
			_ = json.Unmarshal(r.Raw, &r.Body)
			got := strings.Join(c.problems(req, r), "\n")
			if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
				t.Errorf("problems %q, want one with %q", got, tc.want)
			}
		})
	}
}
