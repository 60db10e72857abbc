package auraupload

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
)

// Every host form of the reference's 1.1, with the examples of AuraURLFactoryTest.
func TestConsoleFor_derivesTheConsoleOfEveryHostForm(t *testing.T) {
	for _, tc := range []struct{ conn, base, db string }{
		{"neo4j+s://rogue.databases.neo4j.io", "https://console.neo4j.io", "rogue"},
		{"bolt+routing://mydbid-testenvironment.databases.neo4j.io", "https://console-testenvironment.neo4j.io", "mydbid"},
		{"neo4j+s://b7ea95cc-staging.databases.neo4j.io", "https://console-staging.neo4j.io", "b7ea95cc"},
		{"neo4j+s://rogue.databases.neo4j.io:7687", "https://console.neo4j.io", "rogue"},
		{"bolt://rogue.databases.neo4j.io/some/path", "https://console.neo4j.io", "rogue"},
		{"neo4j+ssc://rogue.databases.neo4j.io", "https://console.neo4j.io", "rogue"},
		{"neo4j://rogue.databases.neo4j.io", "https://console.neo4j.io", "rogue"},
		{"neo4j+s://rogue.production-orch-0001.neo4j.io", "https://console.neo4j.io", "rogue"},
		{"neo4j+s://rogue.staging-orch-0001.neo4j.io", "https://console-staging.neo4j.io", "rogue"},
		{"neo4j+s://rogue.env-orch-0001.neo4j-abc.io", "https://console-env.neo4j-abc.io", "rogue"},
		{"neo4j+s://rogue.production-orch-0001.neo4j.io:7687", "https://console.neo4j.io", "rogue"},
	} {
		got, err := ConsoleFor(tc.conn, "")
		if err != nil {
			t.Errorf("%s: %v", tc.conn, err)
			continue
		}
		if got.BaseURL != tc.base || got.DBID != tc.db {
			t.Errorf("%s: got %+v, want base %s, database %s", tc.conn, got, tc.base, tc.db)
		}
	}
}

func TestConsoleFor_overrideKeepsTheDatabaseID(t *testing.T) {
	got, err := ConsoleFor("neo4j+s://a1b2c3d4.databases.neo4j.io", "http://127.0.0.1:9999/console/")
	if err != nil {
		t.Fatal(err)
	}
	if got.BaseURL != "http://127.0.0.1:9999/console" || got.DBID != "a1b2c3d4" {
		t.Fatalf("got %+v", got)
	}
}

func TestConsoleFor_refusesAHostItDoesNotKnowNamingTheURL(t *testing.T) {
	for _, conn := range []string{
		"neo4j+s://rogue.example.com",
		"https://rogue.databases.neo4j.io",        // not a Bolt scheme
		"neo4j+s://rogue.env-orch-0001.neo4j.io",  // an environment other than production/staging needs a suffix
		"neo4j+s://myinstance.instances.neo4j.io", // instance-based: the database id is not in the host
		"neo4j+s://rogue.databases.neo4j-abc.io",  // the dev matcher, which the reference enables only by P2C_DEV_MODE
		"",
		"not a url",
	} {
		_, err := ConsoleFor(conn, "")
		if err == nil {
			t.Errorf("%q: accepted", conn)
			continue
		}
		if !strings.Contains(err.Error(), "\""+conn+"\"") {
			t.Errorf("%q: the error does not name the URL: %v", conn, err)
		}
	}
	if _, err := ConsoleFor("neo4j+s://myinstance.instances.neo4j.io", ""); !strings.Contains(err.Error(), "instance-based") {
		t.Errorf("the instance-based form is not refused as such: %v", err)
	}
}

// A private-link host of an environment without its own domain names its database but not its console: the
// provider's console_url supplies the console, and the refusal without it says so.
func TestConsoleFor_takesTheConsoleOfAPrivateLinkHostFromConsoleURL(t *testing.T) {
	conn := "neo4j+s://abc123.env-orch-0001.neo4j.io"
	if _, err := ConsoleFor(conn, ""); !errors.Is(err, ErrConsoleNotDerived) {
		t.Fatalf("without console_url: %v, want ErrConsoleNotDerived", err)
	}
	got, err := ConsoleFor(conn, "https://console-env.neo4j.io/")
	if err != nil || got != (Target{BaseURL: "https://console-env.neo4j.io", DBID: "abc123"}) {
		t.Fatalf("with console_url: %+v, %v", got, err)
	}
	for _, other := range []string{"neo4j+s://rogue.example.com", "neo4j+s://myinstance.instances.neo4j.io"} {
		if _, err := ConsoleFor(other, "https://console-env.neo4j.io"); err == nil || errors.Is(err, ErrConsoleNotDerived) {
			t.Errorf("%q with console_url: %v, want a refusal console_url cannot lift", other, err)
		}
	}
}

// A console host whose name does not resolve (a console_url left unset, a typo) fails at its first request:
// retried with backoff, it would hold the apply for its whole timeout.
func TestUpload_aConsoleHostThatDoesNotResolveFailsAtOnce(t *testing.T) {
	r := newRun(t, "GCP", 1<<10)
	dials := 0
	hc := &http.Client{Transport: &http.Transport{DialContext: func(context.Context, string, string) (net.Conn, error) {
		dials++
		return nil, &net.DNSError{Err: "no such host", Name: "console.example.invalid", IsNotFound: true}
	}}}
	c := New(Config{Clock: r.clock, HTTPClient: hc})
	began := r.clock.Now()
	_, err := c.Upload(context.Background(), Request{Target: Target{BaseURL: "https://console.example.invalid", DBID: "db1"}, Username: "neo4j", Password: testPassword, File: r.file})
	if err == nil || !strings.Contains(err.Error(), "no such host") || dials != 1 || r.clock.Now() != began {
		t.Fatalf("err %v after %d dials and %v; want the DNS error at once", err, dials, r.clock.Now().Sub(began))
	}
}
