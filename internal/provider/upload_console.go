package provider

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// auraAPIHost is a host of Aura's own API: api.neo4j.io and the hosts of Aura's other environments.
var auraAPIHost = regexp.MustCompile(`(^|\.)neo4j(-[a-z0-9]+)?\.io$`)

// consoleUnset refuses an upload through a provider pointed at an API other than Aura's (aura-emulator, a test
// server) while console_url is unset: the console host would be derived from the connection URL as Aura's, and
// the database password sent to the real Aura console, which the user never meant to reach.
func (pd *providerData) consoleUnset() string {
	if pd == nil || pd.consoleURL != "" || pd.apiURL == "" {
		return ""
	}
	u, err := url.Parse(pd.apiURL)
	if err == nil && auraAPIHost.MatchString(strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")) {
		return ""
	}
	return fmt.Sprintf("The provider talks to the API at %s, which is not Aura's, but console_url is not set: the upload would go to the "+
		"console host derived from the instance's connection URL (for *.databases.neo4j.io, the real https://console.neo4j.io), "+
		"taking the database password there. Set console_url in the provider block (or AURA_CONSOLE_URL) to the console of the "+
		"API you use: for aura-emulator, the console_url of its ready line (<base_url>/console). Nothing was uploaded.", pd.apiURL)
}
