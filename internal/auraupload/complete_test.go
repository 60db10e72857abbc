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

// The look after an unclear answer ends with the resource's timeout or an interrupt, leaving the upload unclear
// (recorded, never sent again) instead of running on past them.
func TestUpload_aLookCutShortByTheDeadlineIsUnclear(t *testing.T) {
	r := newRun(t, "GCP", 1<<10)
	r.f.dropComplete = true
	r.f.completeFault = func(int) (int, bool) { return 0, false }
	began := r.clock.Now()
	ctx, cancel := r.clock.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	r.endsUnclear(t, ctx, 1)
	if spent := r.clock.Now().Sub(began); spent > 20*time.Second {
		t.Errorf("the look ran %v, past the 20 s deadline", spent)
	}
}
