package auraupload

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// progress logs the upload at each tenth of the file, with the bytes sent in all (resent ones included) and
// the rate since the start.
type progress struct {
	c       *Client
	ctx     context.Context
	size    int64
	start   time.Time
	sent    atomic.Int64 // bytes put on the wire, in all
	decile  atomic.Int64 // the last tenth logged
	provide string
}

func (c *Client) newProgress(ctx context.Context, size int64, provider string) *progress {
	return &progress{c: c, ctx: ctx, size: size, start: c.clk.Now(), provide: provider}
}

// at reports that the file is sent up to pos.
func (p *progress) at(pos int64) {
	if p.size <= 0 {
		return
	}
	d := pos * 10 / p.size
	for {
		last := p.decile.Load()
		if d <= last {
			return
		}
		if p.decile.CompareAndSwap(last, d) {
			break
		}
	}
	elapsed := p.c.clk.Now().Sub(p.start).Seconds()
	sent := p.sent.Load()
	fields := map[string]any{"percent": d * 10, "bytes": pos, "size": p.size, "bytes_sent_in_all": sent, "storage": p.provide}
	if elapsed > 0 {
		fields["rate_mib_per_s"] = fmt.Sprintf("%.1f", float64(sent)/elapsed/(1<<20))
	}
	p.c.info(p.ctx, fmt.Sprintf("Upload %d%% sent", d*10), fields)
}

// reader counts the bytes of a section of the file as they are sent.
type reader struct {
	r   io.Reader
	pos int64
	p   *progress
}

func (r *reader) Read(b []byte) (int, error) {
	n, err := r.r.Read(b)
	r.pos += int64(n)
	r.p.sent.Add(int64(n))
	r.p.at(r.pos)
	return n, err
}

// section is the file's bytes [off, off+n), counted.
func section(f *os.File, off, n int64, p *progress) io.ReadCloser {
	return io.NopCloser(&reader{r: io.NewSectionReader(f, off, n), pos: off, p: p})
}

// redact names a signed URL without its query, which is its signature.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(signed URL)"
	}
	u.RawQuery = ""
	return u.String()
}

// sendSigned sends one request to a storage URL and reads its answer.
func (c *Client) sendSigned(ctx context.Context, method, target string, body io.ReadCloser, length int64, header http.Header) (*answer, error) {
	req, err := http.NewRequestWithContext(ctx, method, target, nil)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, redact(target), err)
	}
	if body != nil {
		req.Body = body
		req.GetBody = nil
	} else {
		req.Body = http.NoBody
	}
	req.ContentLength = length
	for name, v := range header {
		req.Header[name] = v
	}
	res, err := c.http.Do(req)
	if err != nil {
		return nil, scrubURLError(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if err != nil {
		return nil, err
	}
	return &answer{status: res.StatusCode, header: res.Header, body: b}, nil
}

func uploadError(a *answer, err error, what string) *Error {
	if err != nil {
		return &Error{Step: "upload", Err: fmt.Errorf("%s: %w", what, err)}
	}
	e := failure("upload", a, KindUnexpected)
	if e.Message == "" {
		e.Message = what + " answered " + strconv.Itoa(a.status) + ": " + strings.TrimSpace(string(a.body[:min(len(a.body), 300)]))
	}
	return e
}

// uploadGCS is the GCS resumable upload (the reference's 1.5): a session, then the rest of the file in one
// streaming PUT; after a failed PUT the session's offset is asked and the upload resumes there.
func (c *Client) uploadGCS(ctx context.Context, signed string, f *File, p *progress) error {
	session, err := c.startSession(ctx, signed)
	if err != nil {
		return err
	}
	file, err := os.Open(f.Path)
	if err != nil {
		return &Error{Step: "upload", Err: err}
	}
	defer file.Close()
	var pos int64
	var last *Error
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			if attempt > maxRetries || ctx.Err() != nil {
				return last
			}
			if err := c.clk.Sleep(ctx, backoff(attempt-1)); err != nil {
				return last
			}
			offset, done, retry, qerr := c.queryOffset(ctx, session, f.Size)
			switch {
			case done:
				return nil
			case qerr != nil && !retry:
				return qerr
			case qerr != nil:
				last = qerr
				continue
			}
			c.info(ctx, "Upload resumes", map[string]any{"offset": offset, "size": f.Size, "attempt": attempt})
			pos = offset
		}
		done, retry, perr := c.putRest(ctx, session, file, pos, f.Size, p)
		switch {
		case done:
			return nil
		case !retry:
			return perr
		}
		last = perr
	}
}

// startSession opens the resumable session: 201 with its URI in Location.
func (c *Client) startSession(ctx context.Context, signed string) (string, error) {
	for attempt := 0; ; attempt++ {
		// No Content-Type: the signature does not cover one (the reference sets it empty for that reason).
		a, err := c.sendSigned(ctx, http.MethodPost, signed, nil, 0, http.Header{"X-Goog-Resumable": {"start"}})
		if err == nil && a.status == http.StatusCreated {
			loc, lerr := url.Parse(a.header.Get("Location"))
			if lerr != nil || a.header.Get("Location") == "" {
				return "", &Error{Step: "upload", Status: a.status, Message: "the storage session start gave no Location"}
			}
			base, _ := url.Parse(signed)
			return base.ResolveReference(loc).String(), nil
		}
		if (err == nil && !unavailable(a.status)) || attempt >= maxRetries || ctx.Err() != nil {
			return "", uploadError(a, err, "starting the storage session at "+redact(signed))
		}
		if serr := c.clk.Sleep(ctx, backoff(attempt)); serr != nil {
			return "", uploadError(a, err, "starting the storage session at "+redact(signed))
		}
	}
}

// putRest sends the file from pos to its end in one PUT.
func (c *Client) putRest(ctx context.Context, session string, file *os.File, pos, size int64, p *progress) (done, retry bool, err *Error) {
	h := http.Header{}
	if pos > 0 {
		h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", pos, size-1, size))
	}
	a, serr := c.sendSigned(ctx, http.MethodPut, session, section(file, pos, size-pos, p), size-pos, h)
	switch {
	case serr != nil:
		return false, ctx.Err() == nil, uploadError(nil, serr, "sending the file")
	case a.status == http.StatusOK || a.status == http.StatusCreated:
		return true, false, nil
	case a.status == http.StatusForbidden && alreadyUploaded(a.body):
		c.info(ctx, "Storage says the file is already uploaded", nil)
		return true, false, nil
	case a.status == http.StatusForbidden || unavailableOr500(a.status):
		return false, true, uploadError(a, nil, "sending the file")
	}
	return false, false, uploadError(a, nil, "sending the file")
}

// alreadyUploaded is GCS refusing to overwrite the object, which the reference takes as the file being there.
func alreadyUploaded(body []byte) bool {
	s := string(body)
	return strings.Contains(s, "<Code>AccessDenied</Code>") && strings.Contains(s, "does not have storage.objects.delete access to the Google Cloud Storage object.")
}

// queryOffset asks the session how much it holds: 308 with Range bytes=0-N resumes at N+1.
func (c *Client) queryOffset(ctx context.Context, session string, size int64) (offset int64, done, retry bool, err *Error) {
	a, serr := c.sendSigned(ctx, http.MethodPut, session, nil, 0, http.Header{"Content-Range": {fmt.Sprintf("bytes */%d", size)}})
	switch {
	case serr != nil:
		return 0, false, ctx.Err() == nil, uploadError(nil, serr, "asking the storage session's offset")
	case a.status == http.StatusOK || a.status == http.StatusCreated:
		return 0, true, false, nil
	case a.status == http.StatusPermanentRedirect:
		r := a.header.Get("Range")
		if r == "" {
			return 0, false, false, nil
		}
		var first, last int64
		if _, perr := fmt.Sscanf(r, "bytes=%d-%d", &first, &last); perr != nil || first != 0 || last+1 > size {
			return 0, false, false, &Error{Step: "upload", Status: a.status, Message: "the storage session answered an unreadable Range " + strconv.Quote(r)}
		}
		return last + 1, false, false, nil
	case unavailable(a.status):
		return 0, false, true, uploadError(a, nil, "asking the storage session's offset")
	}
	return 0, false, false, uploadError(a, nil, "asking the storage session's offset")
}

// uploadS3 sends the parts of an S3 multipart upload to their pre-signed URLs, each retried on 5xx and I/O
// errors (the reference's 1.5). Fewer links than parts means Aura resumes an earlier upload: the first parts
// are there already.
func (c *Client) uploadS3(ctx context.Context, s *signedUpload, f *File, p *progress) error {
	file, err := os.Open(f.Path)
	if err != nil {
		return &Error{Step: "upload", Err: err}
	}
	defer file.Close()
	partSize := f.Size
	if s.TotalParts > 1 {
		partSize = (f.Size + int64(s.TotalParts) - 1) / int64(s.TotalParts)
	}
	first := max(s.TotalParts-len(s.SignedLinks), 0)
	for i, link := range s.SignedLinks {
		off := int64(first+i) * partSize
		n := max(min(partSize, f.Size-off), 0)
		for attempt := 1; ; attempt++ {
			a, serr := c.sendSigned(ctx, http.MethodPut, link, section(file, off, n, p), n, nil)
			if serr == nil && a.status == http.StatusOK {
				break
			}
			what := fmt.Sprintf("sending part %d of %d", first+i+1, max(s.TotalParts, 1))
			if (serr == nil && !unavailableOr500(a.status)) || attempt >= partAttempts || ctx.Err() != nil {
				return uploadError(a, serr, what)
			}
			c.info(ctx, "Upload part failed; retrying", map[string]any{"part": first + i + 1, "attempt": attempt})
			if err := c.clk.Sleep(ctx, backoff(attempt)); err != nil {
				return uploadError(a, serr, what)
			}
		}
	}
	return nil
}
