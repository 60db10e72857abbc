package auraupload

import (
	"context"
	"net/http"
	"testing"
	"time"
)

// A database whose earlier upload failed stays in "loading failed" until a load starts: that status, seen after
// an unclear upload-complete, is the old file's, not a sign that this one was taken.
func TestUpload_anEarlierFailedLoadIsNotTakenForThisOne(t *testing.T) {
	r := newRun(t, "GCP", 1<<10)
	r.f.status, r.f.loadError = "loading failed", &errorBody{Message: "old file was bad", Reason: "InvalidDumpFile"}
	r.f.completeFault = func(n int) (int, bool) {
		if n == 1 {
			return http.StatusServiceUnavailable, false
		}
		r.f.mu.Lock()
		r.f.loadError = nil // this file loads
		r.f.mu.Unlock()
		return http.StatusOK, true
	}
	r.loadsOnce(t, r.upload(testPassword), 2)
}

// From "loading failed", only a load leads back to "running": seen by the look, it is this upload loaded.
func TestUpload_runningAfterAnEarlierFailedLoadIsThisLoadDone(t *testing.T) {
	r := newRun(t, "GCP", 1<<10)
	r.f.status, r.f.loadError = "loading failed", &errorBody{Message: "old file was bad", Reason: "InvalidDumpFile"}
	r.f.completeFault = func(n int) (int, bool) {
		if n > 1 {
			return http.StatusOK, true
		}
		// Taken, and loaded before the first look: the answer was lost to a 500.
		r.f.take(r.file.CRC32, nil)
		r.f.mu.Lock()
		r.f.status, r.f.loadError = "running", nil
		r.f.mu.Unlock()
		return http.StatusInternalServerError, false
	}
	r.loadsOnce(t, r.upload(testPassword), 1)
}

// A 500 may come after the work was done, and a load may take up to 90 s to show: the look waits that long
// before a second send.
func TestUpload_aTakenCompleteAnswered500IsNotSentAgainWhileLoadingMayStart(t *testing.T) {
	r := newRun(t, "GCP", 1<<10)
	r.f.completeFault = func(int) (int, bool) { return http.StatusInternalServerError, false }
	r.f.onComplete = func(n int) {
		if n == 1 {
			r.clock.At(r.clock.Now().Add(30*time.Second), func() { r.f.take(r.file.CRC32, nil) })
		}
	}
	r.loadsOnce(t, r.upload(testPassword), 1)
}

// A second send refused (Aura no longer knows the upload) may be refused because the first was loaded: unclear,
// not "nothing was loaded".
func TestUpload_aRefusedSecondSendLeavesItUnclear(t *testing.T) {
	r := newRun(t, "GCP", 1<<10)
	r.f.completeFault = func(n int) (int, bool) {
		if n == 1 {
			return http.StatusServiceUnavailable, false
		}
		return http.StatusBadRequest, false
	}
	r.endsUnclear(t, context.Background(), 2)
}

// The caller's deadline, which may be what cut the answer off, does not cut the look short: it runs its window
// and ends in an answer. Here a dropped upload-complete is taken 30 s later, past a 20 s deadline, and is seen.
func TestUpload_theLookOutlivesTheDeadlineToReachAnAnswer(t *testing.T) {
	r := newRun(t, "GCP", 1<<10)
	r.f.dropComplete = true
	r.f.completeFault = func(int) (int, bool) { return 0, false }
	r.f.onComplete = func(int) {
		r.clock.At(r.clock.Now().Add(30*time.Second), func() { r.f.take(r.file.CRC32, nil) })
	}
	ctx, cancel := r.clock.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c := New(Config{Clock: r.clock})
	if _, err := c.Upload(ctx, Request{Target: Target{BaseURL: r.f.srv.URL, DBID: "db1"}, Username: "neo4j", Password: testPassword, File: r.file}); err != nil {
		t.Fatal(err)
	}
	if r.f.loads != 1 || r.f.count("/import/upload-complete") != 1 {
		t.Fatalf("loads %d, upload-complete sent %d times", r.f.loads, r.f.count("/import/upload-complete"))
	}
}
