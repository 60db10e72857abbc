package auraupload

import (
	"context"
	"errors"
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

// Whether Aura leaves "loading failed" by itself is not known: a "running" seen after an unclear answer proves
// no load, so the look sends again, and a refusal of that send (the upload was loaded after all) leaves it unclear
// instead of reporting a success nobody saw.
func TestUpload_runningAfterAnEarlierFailedLoadProvesNothing(t *testing.T) {
	r := newRun(t, "GCP", 1<<10)
	r.f.status, r.f.loadError = "loading failed", &errorBody{Message: "old file was bad", Reason: "InvalidDumpFile"}
	r.f.completeFault = func(n int) (int, bool) {
		if n > 1 {
			return http.StatusBadRequest, false // Aura no longer knows the upload: it was loaded
		}
		// Taken, and loaded before the first look: the answer was lost to a 500.
		r.f.take(r.file.CRC32, nil)
		r.f.mu.Lock()
		r.f.status, r.f.loadError = "running", nil
		r.f.mu.Unlock()
		return http.StatusInternalServerError, false
	}
	r.endsUnclear(t, context.Background(), 2)
	if r.f.loads != 1 {
		t.Fatalf("loads %d", r.f.loads)
	}
}

// An import status that could not be read before upload-complete proves nothing about a "loading failed" seen
// after: it may be an earlier upload's.
func TestUpload_anUnreadStatusBeforeLeavesALoadingFailedUnproven(t *testing.T) {
	r := newRun(t, "GCP", 1<<10)
	r.f.status, r.f.loadError = "loading failed", &errorBody{Message: "old file was bad", Reason: "InvalidDumpFile"}
	statusReads := 0
	r.f.onStatus = func() int {
		if statusReads++; statusReads == 1 {
			return http.StatusBadRequest // the read before upload-complete
		}
		return 0
	}
	r.f.completeFault = func(n int) (int, bool) {
		if n == 1 {
			return http.StatusServiceUnavailable, false
		}
		r.f.mu.Lock()
		r.f.loadError = nil
		r.f.mu.Unlock()
		return http.StatusOK, true
	}
	r.loadsOnce(t, r.upload(testPassword), 2)
}

// A database known to run before upload-complete that turns "loading failed" without a "loading" seen between
// two polls failed this load: Aura's message is reported, not a load that never started.
func TestUpload_aFailureSeenWithoutLoadingIsThisLoads(t *testing.T) {
	r := newRun(t, "GCP", 1<<10)
	r.f.completeFault = func(int) (int, bool) {
		// Taken; the load starts and fails between the read right after the answer and the next poll.
		r.clock.At(r.clock.Now().Add(time.Second), func() {
			r.f.take(r.file.CRC32, nil)
			r.f.mu.Lock()
			r.f.status, r.f.loadError = "loading failed", &errorBody{Message: "not a backup", Reason: "InvalidDumpFile"}
			r.f.mu.Unlock()
		})
		return http.StatusOK, false
	}
	err := r.upload(testPassword)
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindLoadFailed || e.Reason != "InvalidDumpFile" || r.f.loads != 1 {
		t.Fatalf("err %v, loads %d; want KindLoadFailed with Aura's reason", err, r.f.loads)
	}
}
