package provider

import (
	"strings"
	"testing"
)

// An upload through a provider pointed at an API other than Aura's needs console_url: without it the database
// password would go to the real Aura console. Aura's own API hosts derive the console from the connection URL.
func TestConsoleUnset_refusesOnlyAnotherAPIWithoutConsoleURL(t *testing.T) {
	for api, refused := range map[string]bool{
		"":                              false, // the default, Aura's own
		"https://api.neo4j.io":          false,
		"https://api-staging.neo4j.io":  false,
		"https://api.neo4j-dev.io/v1":   false,
		"https://API.NEO4J.IO":          false, // host names are case-insensitive
		"https://api.neo4j.io.:443/v1/": false, // the fully qualified form
		"http://127.0.0.1:8787":         true,
		"http://localhost:8787/":        true,
		"https://aura.example.com":      true,
		"https://neo4j.io.example.com":  true,
	} {
		pd := &providerData{apiURL: api}
		msg := pd.consoleUnset()
		if (msg != "") != refused {
			t.Errorf("base_url %q: refused %v, want %v (%s)", api, msg != "", refused, msg)
		}
		names := strings.Contains(msg, "console_url") && strings.Contains(msg, "AURA_CONSOLE_URL") && strings.Contains(msg, api)
		if refused && !names {
			t.Errorf("base_url %q: the refusal does not name the API and console_url / AURA_CONSOLE_URL: %s", api, msg)
		}
		pd.consoleURL = "http://127.0.0.1:8787/console"
		if msg := pd.consoleUnset(); msg != "" {
			t.Errorf("base_url %q with console_url: refused: %s", api, msg)
		}
	}
}
