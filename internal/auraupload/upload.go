package auraupload

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Request is one upload: where, as whom, and what.
type Request struct {
	Target   Target
	Username string
	Password string
	File     *File
}

// Load is an upload Aura took: its loading is awaited with Wait.
type Load struct {
	c       *Client
	target  Target
	token   string
	started bool   // a loading status was seen (right after upload-complete, or by the look after an unclear one)
	seen    string // the last status logged
	before  string // the status before upload-complete was first sent ("" when it could not be read)
}

// shows tells whether a status shows this upload's load. loading and updating do. loading failed does only when
// the database was known to be in another status before: a failed earlier upload leaves it there until a load
// starts, and an unread status before proves nothing. running never does before a load was seen: whether Aura
// leaves loading failed by itself is not known, and a success nobody saw must not be reported.
func (l *Load) shows(status string) bool {
	switch status {
	case "loading", "updating":
		return true
	case "loading failed":
		return l.before != "" && l.before != "loading failed"
	}
	return false
}

// Upload sends the file in the reference's order (auth, size, initiate, the signed upload, for S3 the parts'
// status, upload-complete) and returns once Aura took the upload. upload-complete is never sent blindly twice:
// after an unclear answer (transport error, 5xx, 429) the status route tells whether loading started, and only
// a look that saw nothing for its window allows a new send. The look outlives ctx (up to its window and
// lookSlack), so that the caller's deadline does not leave the outcome open. When even that leaves it open (the
// status unreadable, a second send refused), the error's Kind is KindUnclear and the Load is returned too: the
// upload may have been taken.
func (c *Client) Upload(ctx context.Context, r Request) (*Load, error) {
	t, f := r.Target, r.File
	token, err := c.authenticate(ctx, t, r.Username, r.Password)
	if err != nil {
		return nil, err
	}
	if err := c.checkSize(ctx, t, token, f.FullSize); err != nil {
		return nil, err
	}
	s, err := c.initiate(ctx, t, token, f)
	if err != nil {
		return nil, err
	}
	aws := strings.EqualFold(s.Provider, "AWS")
	storage := "GCS"
	if aws {
		storage = "S3"
	}
	c.info(ctx, "Upload starts", map[string]any{"file": f.Path, "size": f.Size, "full_size": f.FullSize, "storage": storage, "database": t.DBID})
	p := c.newProgress(ctx, f.Size, storage)
	complete := map[string]any{"Crc32": f.CRC32}
	if aws {
		if err := c.uploadS3(ctx, s, f, p); err != nil {
			return nil, err
		}
		parts, err := c.multipartStatus(ctx, t, token, f.CRC32, s.UploadID)
		if err != nil {
			return nil, err
		}
		complete = map[string]any{"Parts": parts.Parts, "UploadID": parts.UploadID, "Provider": parts.Provider, "Crc32": f.CRC32}
	} else {
		signed := s.SignedURI
		if signed == "" && len(s.SignedLinks) > 0 {
			signed = s.SignedLinks[0]
		}
		if signed == "" {
			return nil, &Error{Step: "initiate", Status: http.StatusAccepted, Message: "the answer names no signed URL"}
		}
		if err := c.uploadGCS(ctx, signed, f, p); err != nil {
			return nil, err
		}
	}
	p.at(f.Size)
	load := &Load{c: c, target: t, token: token}
	if st, err := c.status(ctx, t, token); err == nil {
		load.before = st.Status
	}
	return load, c.complete(ctx, load, complete)
}

// Check authenticates and asks whether the store fits: the refusals that need nothing sent. The caller makes it
// before work that such a refusal would waste (the undo snapshot); Upload asks both again.
func (c *Client) Check(ctx context.Context, r Request) error {
	token, err := c.authenticate(ctx, r.Target, r.Username, r.Password)
	if err != nil {
		return err
	}
	return c.checkSize(ctx, r.Target, token, r.File.FullSize)
}

// complete sends upload-complete; see Upload.
func (c *Client) complete(ctx context.Context, load *Load, body map[string]any) error {
	h := bearer(load.token)
	h.Set("Neo4j-Version", c.cfg.Neo4jVersion)
	for attempt := 1; ; attempt++ {
		a, err := c.call(ctx, consoleCall{step: "upload-complete", method: http.MethodPost, url: c.route(load.target, "v1", "/upload-complete"), header: h, body: body})
		if err == nil && a.status == http.StatusOK {
			c.info(ctx, "Upload complete; Aura loads the file", nil)
			load.observe(ctx)
			return nil
		}
		if err == nil && !unclear(a.status) {
			refused := afterAuth("upload-complete", a)
			if attempt > 1 {
				// An earlier send's answer was unclear: this refusal may be of an upload that send already loaded.
				return &Error{Step: "upload-complete", Kind: KindUnclear, Err: refused,
					Message: fmt.Sprintf("upload-complete was sent again after an unclear answer and a look that saw no load, and the send %d was refused: the earlier one may have been taken", attempt)}
			}
			return refused
		}
		cause := err
		window := loadStartLimit
		if err == nil {
			cause = failure("upload-complete", a, KindUnclear)
			if notProcessed(a.status) {
				window = answeredLook
			}
		}
		c.info(ctx, "upload-complete answer unclear; asking the import status instead of sending it again",
			map[string]any{"error": cause.Error(), "look_seconds": window.Seconds()})
		// The caller's deadline may be what cut the answer off: the look has a context of its own, bounded by its
		// window, so that it ends in an answer (taken, or proof that nothing loads and the next apply may upload)
		// rather than in an unclear record that no apply would send again.
		lookCtx, cancel := c.clk.WithTimeout(context.WithoutCancel(ctx), window+lookSlack)
		taken, lerr := load.look(lookCtx, window)
		cancel()
		switch {
		case taken:
			return nil
		case lerr != nil:
			return &Error{Step: "upload-complete", Kind: KindUnclear, Err: errors.Join(cause, lerr)}
		case attempt >= completeAttempt || ctx.Err() != nil:
			return &Error{Step: "upload-complete", Kind: KindNotTaken, Err: cause,
				Message: fmt.Sprintf("Aura did not take the end of the upload: its import status showed no loading for %s after each of %d sends", window, attempt)}
		}
	}
}

// answeredLook is how long the status is watched after upload-complete was answered 429 or 503, the answers that
// say the request was not processed: the look only guards against a server that took it anyway. After any other
// 5xx (a 500 may come after the work was done), a gateway's 502/504 or a transport error the load may start late,
// as neo4j-admin allows: then the look lasts loadStartLimit.
const answeredLook = 2 * pollInterval

// unclear is an answer after which the server may or may not have taken upload-complete.
func unclear(status int) bool { return status == http.StatusTooManyRequests || status >= 500 }

// lookSlack bounds the look's own requests beyond its window.
const lookSlack = 60 * time.Second

func notProcessed(status int) bool {
	return status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable
}

// look polls the status for window: a status that shows the load (see shows) means upload-complete was taken.
func (l *Load) look(ctx context.Context, window time.Duration) (bool, error) {
	start := l.c.clk.Now()
	deadline := start.Add(window)
	for {
		st, err := l.c.status(ctx, l.target, l.token)
		if err != nil {
			return false, err
		}
		if l.shows(st.Status) {
			l.started = true
			return true, nil
		}
		now := l.c.clk.Now()
		if !now.Before(deadline) {
			return false, nil
		}
		interval := pollInterval
		if window > answeredLook && now.Sub(start) < lateTakeWatch {
			interval = lateTakePoll
		}
		if err := l.c.clk.Sleep(ctx, interval); err != nil {
			return false, err
		}
	}
}

// A request cut off by a transport error or a gateway may be taken moments later, and the load of a small file
// can be over within a poll of 2 s: unseen, it would be sent again and load twice. The first seconds of such a
// look therefore poll every lateTakePoll.
const (
	lateTakeWatch = 6 * time.Second
	lateTakePoll  = 200 * time.Millisecond
)

// observe reads the status once, right after upload-complete was taken: a load seen now counts as started even
// if it is over before Wait's first poll (the caller may do other work in between, such as closing public
// traffic), which would otherwise look like a load that never started. An error is left to Wait.
func (l *Load) observe(ctx context.Context) {
	if st, err := l.c.status(ctx, l.target, l.token); err == nil && l.shows(st.Status) {
		l.started = true
		l.c.info(ctx, "Database status: "+st.Status, map[string]any{"status": st.Status, "database": l.target.DBID})
		l.seen = st.Status
	}
}

// defaultLoadError is the reference's wording when a failed status carries no error.
var defaultLoadError = errorBody{Message: "an unexpected problem occurred, please contact customer support for assistance", Reason: "UnknownError"}

// Wait polls the import status every 2 s until the database runs again after loading (nil), reports "loading
// failed" (KindLoadFailed with Aura's Message, Reason and Url), or did not start loading within 90 s
// (KindLoadNotStarted), as the reference does (1.4). It ends with ctx.
func (l *Load) Wait(ctx context.Context) error {
	start := l.c.clk.Now()
	for {
		st, err := l.c.status(ctx, l.target, l.token)
		if err != nil {
			return err
		}
		if st.Status != l.seen {
			l.c.info(ctx, "Database status: "+st.Status, map[string]any{"status": st.Status, "database": l.target.DBID})
			l.seen = st.Status
		}
		switch st.Status {
		case "running":
			if l.started {
				return nil
			}
		case "loading", "updating":
			l.started = true
		case "loading failed":
			if l.started || l.shows(st.Status) {
				body := defaultLoadError
				if st.Error != nil && st.Error.Message != "" {
					body = *st.Error
				}
				return &Error{Step: "status", Status: http.StatusOK, Kind: KindLoadFailed, Message: body.Message, Reason: body.Reason, URL: body.URL}
			}
		default:
			return &Error{Step: "status", Status: http.StatusOK, Kind: KindUnexpected,
				Message: "something failed while loading the database; database status: " + st.Status}
		}
		if !l.started && l.c.clk.Now().Sub(start) > loadStartLimit {
			return &Error{Step: "status", Kind: KindLoadNotStarted,
				Message: "timed out waiting for the database load to start: the database did not enter the loading state within 90 s"}
		}
		if err := l.c.clk.Sleep(ctx, pollInterval); err != nil {
			return err
		}
	}
}
