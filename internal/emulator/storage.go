package emulator

import (
	"crypto/hmac"
	"encoding/xml"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"time"
)

// The storage the console's signed URLs point to: a GCS-like resumable upload and S3-like pre-signed part URLs
// (api/README.md C.3). Objects are files in the storage directory; the state file holds only their metadata.
// Handlers here take e.mu themselves and never hold it while a body streams.

// signedURLLifetime is how long initiate's signed URLs are valid, on the emulator's clock.
const signedURLLifetime = time.Hour

// defaultPartSize is the S3 part size the emulator aims at: TotalParts = ceil(DumpSize / part size).
const defaultPartSize = 32 << 20

// upload is one file on its way into an instance: initiate creates it, storage fills it, upload-complete loads it.
type upload struct {
	ID       string    `json:"id"`
	DBID     string    `json:"dbid"`
	Provider string    `json:"provider"` // GCP or AWS
	Crc32    uint32    `json:"crc32"`    // declared at initiate
	DumpSize int64     `json:"dump_size"`
	FullSize int64     `json:"full_size"`
	Expires  time.Time `json:"expires"` // of the signed URLs
	Consumed bool      `json:"consumed,omitempty"`

	// GCS: the session, the bytes received in order and their CRC32, and whether the object is whole.
	Session  string `json:"session,omitempty"`
	Received int64  `json:"received,omitempty"`
	CRC      uint32 `json:"crc,omitempty"`
	Complete bool   `json:"complete,omitempty"`
	// FinalSession is the session that made the object whole: it keeps answering 200, as a finished GCS session does.
	FinalSession string `json:"final_session,omitempty"`

	// S3: the parts stored, by number.
	TotalParts int             `json:"total_parts,omitempty"`
	Parts      map[int]*s3Part `json:"parts,omitempty"`
}

type s3Part struct {
	Size int64  `json:"size"`
	CRC  uint32 `json:"crc"`
	ETag string `json:"etag"`
}

func totalParts(size, partSize int64) int {
	if partSize <= 0 {
		partSize = defaultPartSize
	}
	n := (size + partSize - 1) / partSize
	switch {
	case n < 1:
		return 1
	case n > 10000: // S3's limit
		return 10000
	}
	return int(n)
}

// storedPrefix is the number of parts stored from part 1 on without a gap.
func (u *upload) storedPrefix() int {
	n := 0
	for u.Parts[n+1] != nil {
		n++
	}
	return n
}

func gcsPath(id string) string          { return "/storage/gcs/" + id }
func s3Path(id string, part int) string { return fmt.Sprintf("/storage/s3/%s/%d", id, part) }

func (e *Emulator) signedURL(base, path string, expires time.Time) string {
	return fmt.Sprintf("%s%s?expires=%d&signature=%s", base, path, expires.Unix(), e.sign(path, expires.Unix()))
}

// checkSignature: a wrong signature and an expired one are both 403, as S3 and GCS answer.
func (e *Emulator) checkSignature(r *http.Request) *storageError {
	expires, _ := strconv.ParseInt(r.URL.Query().Get("expires"), 10, 64)
	if !hmac.Equal([]byte(r.URL.Query().Get("signature")), []byte(e.sign(r.URL.Path, expires))) {
		return &storageError{403, "SignatureDoesNotMatch", "The request signature does not match.", ""}
	}
	if !e.now().Before(time.Unix(expires, 0)) {
		return &storageError{403, "AccessDenied", "Request has expired.", ""}
	}
	return nil
}

type storageError struct {
	Status  int
	Code    string
	Message string
	Details string
}

// writeStorageError answers as the storage services do: an XML Error document.
func writeStorageError(w http.ResponseWriter, err *storageError) {
	w.Header().Set("Content-Type", "application/xml; charset=UTF-8")
	w.WriteHeader(err.Status)
	body := struct {
		XMLName xml.Name `xml:"Error"`
		Code    string   `xml:"Code"`
		Message string   `xml:"Message"`
		Details string   `xml:"Details,omitempty"`
	}{Code: err.Code, Message: err.Message, Details: err.Details}
	_, _ = io.WriteString(w, xml.Header)
	_ = xml.NewEncoder(w).Encode(body)
}

// storagePath names a file of the storage directory, made at first use: the configured one; beside the state
// file, so a restart finds the objects; else a temporary one removed at Close.
func (e *Emulator) storagePath(name string) string {
	e.storageOnce.Do(func() {
		switch {
		case e.cfg.StorageDir != "":
			e.storageDir = e.cfg.StorageDir
		case e.cfg.StateFile != "":
			e.storageDir = e.cfg.StateFile + ".storage"
		default:
			dir, err := os.MkdirTemp("", "aura-emulator-storage-")
			if err == nil {
				e.storageDir, e.tempStorage = dir, true
				return
			}
			e.storageDir = filepath.Join(os.TempDir(), "aura-emulator-storage-"+randomHex(8))
		}
		_ = os.MkdirAll(e.storageDir, 0o700)
	})
	return filepath.Join(e.storageDir, name)
}

func (e *Emulator) objectFile(u *upload) string { return e.storagePath(u.ID + ".gcs") }
func (e *Emulator) partFile(u *upload, n int) string {
	return e.storagePath(fmt.Sprintf("%s.part%d", u.ID, n))
}

// openObject reads the whole stored object: the GCS file, or the S3 parts in order.
func (e *Emulator) openObject(u *upload) (io.ReadCloser, error) {
	if u.Provider == "GCP" {
		return os.Open(e.objectFile(u))
	}
	var parts partsReader
	for n := 1; n <= u.TotalParts; n++ {
		f, err := os.Open(e.partFile(u, n))
		if err != nil {
			_ = parts.Close() // the open error is the one to report
			return nil, err
		}
		parts.files = append(parts.files, f)
	}
	readers := make([]io.Reader, len(parts.files))
	for i, f := range parts.files {
		readers[i] = f
	}
	parts.Reader = io.MultiReader(readers...)
	return &parts, nil
}

// partsReader reads S3 parts one after the other as one object.
type partsReader struct {
	io.Reader
	files []*os.File
}

func (p *partsReader) Close() error {
	for _, f := range p.files {
		f.Close()
	}
	return nil
}

// removeObjects deletes an upload's files in the background: freeing a 1 GiB file takes long enough to be felt
// by every request waiting for e.mu.
func (e *Emulator) removeObjects(u *upload) {
	files := []string{e.objectFile(u)}
	for n := 1; n <= u.TotalParts; n++ {
		files = append(files, e.partFile(u, n))
	}
	go func() {
		for _, f := range files {
			_ = os.Remove(f)
		}
	}()
}

// dropUploads forgets a database's uploads and their objects (a new initiate, or the instance is gone).
func (e *Emulator) dropUploads(dbid string) {
	for id, u := range e.st.Uploads {
		if u.DBID == dbid {
			e.removeObjects(u)
			delete(e.st.Uploads, id)
		}
	}
}

// objectLocks serialise the writes to one object (a GCS session, an S3 part) without holding e.mu.
type objectLocks struct {
	mu    sync.Mutex
	locks map[string]*sync.Mutex
}

func (l *objectLocks) lock(key string) func() {
	l.mu.Lock()
	if l.locks == nil {
		l.locks = map[string]*sync.Mutex{}
	}
	m := l.locks[key]
	if m == nil {
		m = &sync.Mutex{}
		l.locks[key] = m
	}
	l.mu.Unlock()
	m.Lock()
	return m.Unlock
}

// handleGCSStart opens a resumable session (x-goog-resumable: start): 201 with the session URI in Location.
func (e *Emulator) handleGCSStart(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.tick()
	if err := e.checkSignature(r); err != nil {
		writeStorageError(w, err)
		return
	}
	u := e.st.Uploads[r.PathValue("object")]
	if u == nil || u.Provider != "GCP" || u.Consumed {
		writeStorageError(w, &storageError{404, "NoSuchUpload", "The upload does not exist or was already loaded.", ""})
		return
	}
	if r.Header.Get("x-goog-resumable") != "start" {
		writeStorageError(w, &storageError{400, "InvalidArgument", "A resumable upload starts with the header x-goog-resumable: start.", ""})
		return
	}
	u.Session = randomHex(24)
	if !u.Complete {
		u.Received, u.CRC = 0, 0
	}
	e.persist()
	w.Header().Set("Location", requestBase(r)+gcsPath(u.ID)+"?upload_id="+u.Session)
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusCreated)
}

var contentRange = regexp.MustCompile(`^bytes (?:(\*)|(\d+)-(\d+))/(\*|\d+)$`)

// handleGCSPut writes to a session from the Content-Range's first byte on (the whole object without one), or
// answers the query `Content-Range: bytes */<len>` with 308 and Range. A request cut mid-body keeps the bytes
// received.
func (e *Emulator) handleGCSPut(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("object")
	defer e.objects.lock("gcs/" + id)()
	e.mu.Lock()
	e.tick()
	u := e.st.Uploads[id]
	session := r.URL.Query().Get("upload_id")
	if u == nil || u.Provider != "GCP" || u.Consumed || session == "" || (session != u.Session && session != u.FinalSession) {
		e.mu.Unlock()
		writeStorageError(w, &storageError{404, "NoSuchUpload", "No such upload session.", ""})
		return
	}
	start, total, query, serr := parseContentRange(r, u.DumpSize)
	if serr == nil && query && r.ContentLength > 0 {
		serr = &storageError{400, "InvalidArgument", "A status query has an empty body.", ""}
	}
	if serr == nil && !query && start > u.Received && !u.Complete {
		serr = &storageError{400, "InvalidArgument", fmt.Sprintf("The session holds %d bytes; resume from byte %d.", u.Received, u.Received), ""}
	}
	if serr != nil {
		e.mu.Unlock()
		writeStorageError(w, serr)
		return
	}
	if u.Complete {
		e.mu.Unlock()
		if !query && session != u.FinalSession {
			// The object exists and a signed URL may only create it: what GCS answers, and what the client takes
			// for "already uploaded".
			_, _ = io.Copy(io.Discard, r.Body)
			writeStorageError(w, &storageError{403, "AccessDenied", "Access denied.", "The signer does not have storage.objects.delete access to the Google Cloud Storage object."})
			return
		}
		_, _ = io.Copy(io.Discard, r.Body)
		writeGCSObject(w, u)
		return
	}
	if query {
		received := u.Received
		e.mu.Unlock()
		writeResumeIncomplete(w, received)
		return
	}
	prefixCRC, received := u.CRC, u.Received
	e.mu.Unlock()

	if start != received {
		var err error
		if prefixCRC, err = crcOfPrefix(e.objectFile(u), start); err != nil {
			writeStorageError(w, &storageError{500, "InternalError", "The stored object could not be read.", ""})
			return
		}
	}
	n, crc, complete, werr := e.writeAt(e.objectFile(u), start, total, r.Body, prefixCRC)

	e.mu.Lock()
	defer e.mu.Unlock()
	e.stats.storageBytes(n)
	if e.st.Uploads[id] != u || u.Session != session {
		// Superseded while the body streamed: nothing of it counts, as for a session that was never there.
		writeStorageError(w, &storageError{404, "NoSuchUpload", "No such upload session.", ""})
		return
	}
	u.Received, u.CRC = start+n, crc
	u.Complete = complete && werr == nil
	if u.Complete {
		u.FinalSession = session
	}
	e.persist()
	switch {
	case werr != nil:
		// Mostly the connection is gone and nobody reads this; a local write error must not pass for a stored
		// object. What was received stays, as GCS keeps it, and the client asks for the offset.
		writeStorageError(w, &storageError{503, "ServiceUnavailable", "The object could not be stored; resume the upload.", ""})
	case u.Complete:
		writeGCSObject(w, u)
	default:
		writeResumeIncomplete(w, u.Received)
	}
}

// parseContentRange gives the first byte and the object's length (-1 when not given yet); query is the
// `bytes */<len>` form. The length must be the DumpSize declared at initiate.
func parseContentRange(r *http.Request, dumpSize int64) (start, total int64, query bool, err *storageError) {
	h := r.Header.Get("Content-Range")
	if h == "" {
		if r.ContentLength >= 0 && r.ContentLength != dumpSize {
			return 0, 0, false, &storageError{400, "InvalidArgument", fmt.Sprintf("The object must be the %d bytes declared at initiate.", dumpSize), ""}
		}
		return 0, dumpSize, false, nil
	}
	m := contentRange.FindStringSubmatch(h)
	if m == nil {
		return 0, 0, false, &storageError{400, "InvalidArgument", "Content-Range must be bytes <first>-<last>/<length> or bytes */<length>.", ""}
	}
	total = -1
	if m[4] != "*" {
		total, _ = strconv.ParseInt(m[4], 10, 64)
		if total != dumpSize {
			return 0, 0, false, &storageError{400, "InvalidArgument", fmt.Sprintf("The object must be the %d bytes declared at initiate, not %d.", dumpSize, total), ""}
		}
	}
	if m[1] == "*" {
		return 0, total, true, nil
	}
	start, _ = strconv.ParseInt(m[2], 10, 64)
	last, _ := strconv.ParseInt(m[3], 10, 64)
	if last < start || last >= dumpSize || (r.ContentLength >= 0 && r.ContentLength != last-start+1) {
		return 0, 0, false, &storageError{400, "InvalidArgument", "Content-Range does not match the body.", ""}
	}
	return start, total, false, nil
}

func writeResumeIncomplete(w http.ResponseWriter, received int64) {
	if received > 0 {
		w.Header().Set("Range", fmt.Sprintf("bytes=0-%d", received-1))
	}
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusPermanentRedirect) // 308: GCS's "Resume Incomplete"
}

func writeGCSObject(w http.ResponseWriter, u *upload) {
	writeJSON(w, 200, map[string]string{"kind": "storage#object", "name": u.ID, "size": strconv.FormatInt(u.Received, 10)})
}

func crcOfPrefix(path string, n int64) (uint32, error) {
	if n == 0 {
		return 0, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	h := crc32.NewIEEE()
	if _, err := io.CopyN(h, f, n); err != nil {
		return 0, err
	}
	return h.Sum32(), nil
}

// writeAt writes the body into path from start on, dropping what was beyond start, and continues the CRC32 of
// the bytes before start. It reads no more than the object's remaining bytes. n is what was written; complete
// says the object reached total.
func (e *Emulator) writeAt(path string, start, total int64, body io.Reader, prefixCRC uint32) (n int64, crc uint32, complete bool, err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return 0, prefixCRC, false, err
	}
	defer f.Close()
	if err := f.Truncate(start); err != nil {
		return 0, prefixCRC, false, err
	}
	if _, err := f.Seek(start, io.SeekStart); err != nil {
		return 0, prefixCRC, false, err
	}
	limit := total - start
	if total < 0 {
		limit = 1<<63 - 1 - start
	}
	h := crc32.NewIEEE()
	n, err = copyBuffered(io.MultiWriter(f, h), io.LimitReader(body, limit))
	crc = crc32Combine(prefixCRC, h.Sum32(), n)
	if err != nil {
		return n, crc, false, err
	}
	return n, crc, total >= 0 && start+n == total, nil
}

// copyBuffered copies with 1 MiB reads: a 1 GiB upload in 1024 writes, not 32768.
func copyBuffered(dst io.Writer, src io.Reader) (int64, error) {
	buf := make([]byte, 1<<20)
	return io.CopyBuffer(dst, src, buf)
}

// handleS3Part stores one part of a multipart upload from its pre-signed URL. A part is stored only when its
// whole body arrived; the ETag answered is opaque (derived from the part's CRC32 and size, not an MD5).
func (e *Emulator) handleS3Part(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("object")
	part, _ := strconv.Atoi(r.PathValue("part"))
	defer e.objects.lock(fmt.Sprintf("s3/%s/%d", id, part))()
	e.mu.Lock()
	e.tick()
	if err := e.checkSignature(r); err != nil {
		e.mu.Unlock()
		writeStorageError(w, err)
		return
	}
	u := e.st.Uploads[id]
	if u == nil || u.Provider != "AWS" || u.Consumed || part < 1 || part > u.TotalParts {
		e.mu.Unlock()
		writeStorageError(w, &storageError{404, "NoSuchUpload", "The specified multipart upload does not exist.", ""})
		return
	}
	e.mu.Unlock()
	if r.ContentLength < 0 {
		writeStorageError(w, &storageError{411, "MissingContentLength", "You must provide the Content-Length HTTP header.", ""})
		return
	}
	final := e.partFile(u, part)
	tmp := final + ".incoming"
	n, crc, _, werr := e.writeAt(tmp, 0, r.ContentLength, r.Body, 0)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.stats.storageBytes(n)
	if werr != nil || n != r.ContentLength {
		_ = os.Remove(tmp)
		// Mostly the connection is gone and nobody reads this; a local write error must not pass for a stored part.
		writeStorageError(w, &storageError{503, "ServiceUnavailable", "The part could not be stored; send it again.", ""})
		return
	}
	if e.st.Uploads[id] != u || u.Consumed {
		_ = os.Remove(tmp)
		writeStorageError(w, &storageError{404, "NoSuchUpload", "The specified multipart upload does not exist.", ""})
		return
	}
	if err := os.Rename(tmp, final); err != nil {
		writeStorageError(w, &storageError{500, "InternalError", "The part could not be stored.", ""})
		return
	}
	p := &s3Part{Size: n, CRC: crc, ETag: fmt.Sprintf(`"%08x%024x"`, crc, n)}
	u.Parts[part] = p
	e.persist()
	w.Header().Set("ETag", p.ETag)
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(200)
}

// crc32Combine is the CRC32 (IEEE) of A followed by B from those of A and B and B's length (zlib's crc32_combine).
func crc32Combine(crcA, crcB uint32, lenB int64) uint32 {
	if lenB <= 0 {
		return crcA
	}
	var even, odd [32]uint32
	odd[0] = 0xedb88320 // the reversed polynomial: one zero bit
	row := uint32(1)
	for n := 1; n < 32; n++ {
		odd[n] = row
		row <<= 1
	}
	gf2Square(&even, &odd) // two zero bits
	gf2Square(&odd, &even) // four
	for {
		gf2Square(&even, &odd)
		if lenB&1 != 0 {
			crcA = gf2Times(&even, crcA)
		}
		lenB >>= 1
		if lenB == 0 {
			break
		}
		gf2Square(&odd, &even)
		if lenB&1 != 0 {
			crcA = gf2Times(&odd, crcA)
		}
		lenB >>= 1
		if lenB == 0 {
			break
		}
	}
	return crcA ^ crcB
}

func gf2Times(mat *[32]uint32, vec uint32) uint32 {
	var sum uint32
	for i := 0; vec != 0; i, vec = i+1, vec>>1 {
		if vec&1 != 0 {
			sum ^= mat[i]
		}
	}
	return sum
}

func gf2Square(square, mat *[32]uint32) {
	for n := range 32 {
		square[n] = gf2Times(mat, mat[n])
	}
}

// cutBody ends a request body with an error after a number of bytes: the fault `cut_after`.
type cutBody struct {
	io.ReadCloser
	left int64
}

var errCut = errors.New("emulator: request cut by an injected fault")

func (c *cutBody) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, errCut
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.ReadCloser.Read(p)
	c.left -= int64(n)
	return n, err
}
