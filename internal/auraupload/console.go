// Package auraupload speaks the upload protocol of `neo4j-admin database upload` (the facts are in
// /work/shared/aura-api/upload-protocol.md, cited below as "the reference"): the console host, the database's own
// credentials, a signed GCS resumable or S3 multipart upload, and the console's import status. It holds no
// Terraform types; internal/provider hands it the file, the instance's connection URL and the password.
package auraupload

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// ErrConsoleNotDerived marks a connection URL that names its database but not its console host: the provider's
// console_url supplies that host. Any other refusal is one console_url cannot lift, since the database id comes
// from the connection URL too.
var ErrConsoleNotDerived = errors.New("no console host can be derived from it")

// Target is where an upload goes: the console base URL and the database id its routes name.
type Target struct {
	BaseURL string
	DBID    string
}

var (
	boltSchemes = `(?:bolt|bolt\+routing|neo4j|neo4j\+s|neo4j\+ssc)`
	// <dbid>[-<env>].databases.neo4j.io; the dbid ends at the first '-'.
	productionHost = regexp.MustCompile(`^` + boltSchemes + `://([^-.]+)(-[^.]+)?\.databases\.neo4j\.io$`)
	// <dbid>.<env>-orch-<digits>.neo4j[-<suffix>].io
	privateLinkHost = regexp.MustCompile(`^` + boltSchemes + `://([^.]+)\.([^.]+)-orch-\d+\.neo4j(-[^.]+)?\.io$`)
	// <x>[-<env>].instances.neo4j.io: a multi-database instance, whose database id is not in the host.
	instanceHost = regexp.MustCompile(`^` + boltSchemes + `://[^.]+\.instances\.neo4j\.io$`)
)

// ConsoleFor derives the upload target from an instance's connection URL as the reference's matchers do (1.1),
// after stripping a port and a path, which they do not accept. override, when set (the provider's console_url),
// replaces the derived base URL, and is the base URL of a private-link host whose environment names no console;
// the database id always comes from the connection URL.
//
// The instance-based form (*.instances.neo4j.io) is refused: its database id is not in the host, the API v1
// does not return it, and taking the instance id instead could name no database or another one.
func ConsoleFor(connectionURL, override string) (Target, error) {
	trimmed, err := stripPortAndPath(connectionURL)
	if err != nil {
		return Target{}, err
	}
	var t Target
	switch m := productionHost.FindStringSubmatch(trimmed); {
	case m != nil:
		t = Target{BaseURL: "https://console" + m[2] + ".neo4j.io", DBID: m[1]}
	default:
		if m := privateLinkHost.FindStringSubmatch(trimmed); m != nil {
			env, suffix := m[2], m[3]
			switch {
			case env == "production":
				env = ""
			case env == "staging" && suffix == "":
				env = "-staging"
			case suffix == "" && override == "":
				return Target{}, fmt.Errorf("connection URL %q is a private-link host of environment %q without the neo4j-<suffix> domain such an environment needs: %w", connectionURL, env, ErrConsoleNotDerived)
			default:
				env = "-" + env
			}
			t = Target{BaseURL: "https://console" + env + ".neo4j" + suffix + ".io", DBID: m[1]}
			break
		}
		if instanceHost.MatchString(trimmed) {
			return Target{}, fmt.Errorf("connection URL %q is an instance-based (multi-database) host, whose database id is not in the URL and which the Aura API does not return; upload into such an instance is not supported by this provider", connectionURL)
		}
		return Target{}, fmt.Errorf("connection URL %q is not an Aura database host the upload protocol knows (<dbid>[-<env>].databases.neo4j.io or <dbid>.<env>-orch-<n>.neo4j[-<suffix>].io); no console host can be derived from it", connectionURL)
	}
	if override != "" {
		t.BaseURL = strings.TrimRight(override, "/")
	}
	return t, nil
}

// stripPortAndPath keeps scheme and host name: the reference's patterns end in ".io$".
func stripPortAndPath(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Scheme == "" || u.Hostname() == "" {
		return "", fmt.Errorf("connection URL %q is not a URL with a scheme and a host; no console host can be derived from it", raw)
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Hostname()), nil
}
