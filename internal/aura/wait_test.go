package aura

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The emulator never fails a snapshot, so a stand-in server answers Failed: the wait must end at once with the
// status in the error.
func TestWaitForSnapshot_failedEndsTheWait(t *testing.T) {
	polls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/oauth/token" {
			_, _ = w.Write([]byte(`{"access_token":"t","expires_in":3600,"token_type":"Bearer"}`))
			return
		}
		polls++
		_, _ = w.Write([]byte(`{"data":{"snapshot_id":"s1","instance_id":"0a0b0c0d","profile":"AdHoc","status":"Failed","timestamp":"2026-11-25T10:00:00Z","exportable":false}}`))
	}))
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL, ClientID: "id", ClientSecret: "secret", PollMin: 10 * time.Millisecond, PollMax: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.WaitForSnapshot(context.Background(), "0a0b0c0d", "s1")
	if err == nil || !strings.Contains(err.Error(), `failed (status "Failed")`) || polls != 1 {
		t.Errorf("error %v after %d polls", err, polls)
	}
}
