package emulator

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"
)

// The console's import routes: the protocol of `neo4j-admin database upload` (api/README.md C.3). They live under
// consolePrefix on the API's listener, answer PascalCase JSON, and take the database's own user and password, not
// the API's client credentials.

const consolePrefix = "/console"

// ConsoleURL is the base URL of the console's import routes, the `console_url` a client is configured with.
func (e *Emulator) ConsoleURL() string { return e.baseURL + consolePrefix }

// consoleToken is a bearer token of the import routes: for one database, until Expires (real time, as the API's
// tokens, so a clock advance does not end an upload).
type consoleToken struct {
	DBID    string    `json:"dbid"`
	Expires time.Time `json:"expires"`
}

// dbUser is a database user: the admin user `neo4j` with the password create returned, or one set through the
// control API. Only a salted hash is kept, so the state file holds no database password.
type dbUser struct {
	Salt  string `json:"salt"`
	Hash  string `json:"sha256"`
	Admin bool   `json:"admin"`
}

func newDBUser(password string, admin bool) *dbUser {
	salt := randomHex(16)
	return &dbUser{Salt: salt, Hash: hashPassword(salt, password), Admin: admin}
}

func hashPassword(salt, password string) string {
	sum := sha256.Sum256([]byte(salt + "\x00" + password))
	return hex.EncodeToString(sum[:])
}

func (u *dbUser) matches(password string) bool {
	return subtle.ConstantTimeCompare([]byte(u.Hash), []byte(hashPassword(u.Salt, password))) == 1
}

// loadError is the import status's Error after a failed load.
type loadError struct {
	Message string `json:"Message"`
	Reason  string `json:"Reason"`
	URL     string `json:"Url,omitempty"`
}

// consoleError is the console's error body (Message, Reason) with its status.
type consoleError struct {
	Status  int
	Message string
	Reason  string
}

func consoleErrorf(status int, reason, format string, args ...any) *consoleError {
	return &consoleError{Status: status, Reason: reason, Message: fmt.Sprintf(format, args...)}
}

func writeConsoleError(w http.ResponseWriter, err *consoleError) {
	writeConsoleJSON(w, err.Status, map[string]string{"Message": err.Message, "Reason": err.Reason})
}

// writeConsoleJSON leaves & in signed URLs as it is, instead of \u0026.
func writeConsoleJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(body)
}

// importStates are the statuses from which an upload may start: running, and loading failed (whose way out is
// another upload, besides delete).
func importable(in *instance) bool { return in.Status == "running" || in.Status == "loading failed" }

// maxImportBytes is the instance's storage in bytes (GB counted as GiB); free-db, which has no storage size, takes
// 1 GiB.
func maxImportBytes(in *instance) int64 {
	gb := gigabytes(in.Storage)
	if gb == 0 {
		gb = 1
	}
	return int64(gb) << 30
}

func (e *Emulator) consoleInstance(r *http.Request) (*instance, *consoleError) {
	id := r.PathValue("dbid")
	in, ok := e.st.Instances[id]
	if !ok {
		return nil, consoleErrorf(404, "DatabaseNotFound", "Database %s not found.", id)
	}
	return in, nil
}

// consoleBearer checks the bearer token of an import route: issued by auth for this database and not expired.
func (e *Emulator) consoleBearer(r *http.Request) (*instance, *consoleError) {
	in, err := e.consoleInstance(r)
	if err != nil {
		return nil, err
	}
	scheme, token, found := strings.Cut(r.Header.Get("Authorization"), " ")
	t, ok := e.st.ConsoleTokens[token]
	if !found || !strings.EqualFold(scheme, "Bearer") || !ok || t.DBID != in.ID {
		return nil, consoleErrorf(401, "InvalidToken", "The bearer token is not valid for database %s.", in.ID)
	}
	if !time.Now().Before(t.Expires) {
		return nil, consoleErrorf(401, "TokenExpired", "The bearer token has expired; authenticate again.")
	}
	return in, nil
}

// reachable is what auth checks: Aura checks the credentials on the instance itself, so it must be up (a load in
// progress is fine: a client authenticates again to watch it).
func (e *Emulator) reachable(in *instance) *consoleError {
	if n := e.publicTrafficBlocked(in); n != nil {
		return consoleErrorf(403, "PublicTrafficDisabled", "Public traffic is disabled for %s %s by network access configuration %s: upload needs it enabled while it runs.", in.CloudProvider, in.Region, n.ID)
	}
	switch in.Status {
	case "creating", "pausing", "paused", "resuming", "suspending", "suspended", "destroying":
		return consoleErrorf(400, "DatabaseNotRunning", "Database %s is %s; it must be running to take an upload.", in.ID, in.Status)
	}
	return nil
}

// readiness is what initiate and upload-complete check: public traffic, the one documented exception, and a
// status from which a load may start.
func (e *Emulator) readiness(in *instance) *consoleError {
	if n := e.publicTrafficBlocked(in); n != nil {
		return consoleErrorf(403, "PublicTrafficDisabled", "Public traffic is disabled for %s %s by network access configuration %s: upload needs it enabled while it runs.", in.CloudProvider, in.Region, n.ID)
	}
	if uploadUnsupported(in) {
		return consoleErrorf(400, "UploadNotSupported", "Upload is not supported for Neo4j 4 instances on Azure encrypted with a customer managed key; use the Import service")
	}
	if !importable(in) {
		return consoleErrorf(400, "DatabaseNotRunning", "Database %s is %s; it must be running to take an upload.", in.ID, in.Status)
	}
	return nil
}

func (e *Emulator) handleImportAuth(w http.ResponseWriter, r *http.Request) {
	in, err := e.consoleInstance(r)
	if err != nil {
		writeConsoleError(w, err)
		return
	}
	// Reachability first: without it Aura's control plane cannot check the credentials on the instance.
	if err := e.reachable(in); err != nil {
		writeConsoleError(w, err)
		return
	}
	name, password, ok := r.BasicAuth()
	u := in.Users[name]
	if !ok || u == nil || !u.matches(password) {
		writeConsoleError(w, consoleErrorf(401, "InvalidCredentials", "Invalid database username or password."))
		return
	}
	if !u.Admin {
		writeConsoleError(w, consoleErrorf(403, "NotAdmin", "User %s does not have administrative access to database %s.", name, in.ID))
		return
	}
	if !strings.EqualFold(r.Header.Get("Confirmed"), "true") {
		writeConsoleError(w, consoleErrorf(409, "NoConsent", "No consent to overwrite database %s: send the header Confirmed: true.", in.ID))
		return
	}
	if uploadUnsupported(in) {
		writeConsoleError(w, e.readiness(in))
		return
	}
	token := e.record(randomHex(32))
	now := time.Now()
	for t, x := range e.st.ConsoleTokens { // forget tokens long expired
		if now.Sub(x.Expires) > time.Hour {
			delete(e.st.ConsoleTokens, t)
		}
	}
	e.st.ConsoleTokens[token] = &consoleToken{DBID: in.ID, Expires: now.Add(e.cfg.TokenTTL)}
	writeConsoleJSON(w, 200, map[string]string{"Token": token})
}

// decodeConsole reads a JSON body leniently, as the console ignores members it does not know.
func decodeConsole(r *http.Request, v any) *consoleError {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxJSONBody+1))
	if err != nil || len(raw) > maxJSONBody || json.Unmarshal(raw, v) != nil {
		return consoleErrorf(400, "InvalidRequest", "The request body must be a JSON object as the import protocol defines it.")
	}
	return nil
}

func tooBig(in *instance, fullSize int64) *consoleError {
	if fullSize <= maxImportBytes(in) {
		return nil
	}
	return consoleErrorf(422, "ImportExceedsMaxSize", "Store is too big for this neo4j aura instance: %d bytes, the instance's storage is %d bytes.", fullSize, maxImportBytes(in))
}

func (e *Emulator) handleImportSize(w http.ResponseWriter, r *http.Request) {
	in, err := e.consoleBearer(r)
	if err != nil {
		writeConsoleError(w, err)
		return
	}
	var req struct {
		FullSize *int64 `json:"FullSize"`
	}
	if err := decodeConsole(r, &req); err != nil {
		writeConsoleError(w, err)
		return
	}
	if req.FullSize == nil || *req.FullSize < 0 {
		writeConsoleError(w, consoleErrorf(400, "InvalidRequest", "FullSize must be the store's size in bytes."))
		return
	}
	if err := tooBig(in, *req.FullSize); err != nil {
		writeConsoleError(w, err)
		return
	}
	writeConsoleJSON(w, 200, map[string]any{})
}

type initiateResponse struct {
	SignedURI      string   `json:"SignedURI,omitempty"`
	SignedLinks    []string `json:"SignedLinks,omitempty"`
	UploadID       string   `json:"UploadID"`
	TotalParts     int      `json:"TotalParts,omitempty"`
	Provider       string   `json:"Provider"`
	ExpirationDate string   `json:"expiration_date"`
}

// storageProvider: Azure answers as GCP (api/README.md C.3), since the public client has no Azure uploader.
func storageProvider(in *instance) string {
	if in.CloudProvider == "aws" {
		return "AWS"
	}
	return "GCP"
}

func (e *Emulator) handleInitiate(w http.ResponseWriter, r *http.Request) {
	in, err := e.consoleBearer(r)
	if err != nil {
		writeConsoleError(w, err)
		return
	}
	var req struct {
		Crc32    *uint32 `json:"Crc32"`
		DumpSize *int64  `json:"DumpSize"`
		FullSize *int64  `json:"FullSize"`
	}
	if err := decodeConsole(r, &req); err != nil {
		writeConsoleError(w, err)
		return
	}
	if req.Crc32 == nil || req.DumpSize == nil || *req.DumpSize <= 0 || req.FullSize == nil || *req.FullSize < 0 {
		writeConsoleError(w, consoleErrorf(400, "InvalidRequest", "Crc32, DumpSize (more than 0) and FullSize are required."))
		return
	}
	if err := tooBig(in, *req.FullSize); err != nil {
		writeConsoleError(w, err)
		return
	}
	if err := e.readiness(in); err != nil {
		writeConsoleError(w, err)
		return
	}
	u := e.resumable(in, *req.Crc32, *req.DumpSize)
	if u == nil {
		e.dropUploads(in.ID)
		u = &upload{ID: randomHex(24), DBID: in.ID, Provider: storageProvider(in), Crc32: *req.Crc32, DumpSize: *req.DumpSize, FullSize: *req.FullSize}
		if u.Provider == "AWS" {
			u.TotalParts = totalParts(u.DumpSize, e.cfg.UploadPartSize)
			u.Parts = map[int]*s3Part{}
		}
		e.st.Uploads[u.ID] = u
	}
	u.FullSize = *req.FullSize
	u.Expires = e.now().Add(signedURLLifetime)
	base := requestBase(r)
	out := initiateResponse{UploadID: u.ID, Provider: u.Provider, ExpirationDate: u.Expires.Format(http.TimeFormat)}
	if u.Provider == "GCP" {
		out.SignedURI = e.signedURL(base, gcsPath(u.ID), u.Expires)
	} else {
		out.TotalParts = u.TotalParts
		out.SignedLinks = []string{}
		for p := u.storedPrefix() + 1; p <= u.TotalParts; p++ {
			out.SignedLinks = append(out.SignedLinks, e.signedURL(base, s3Path(u.ID, p), u.Expires))
		}
	}
	writeConsoleJSON(w, 202, out)
}

// resumable is the database's upload of the same file (same CRC32 and size) not yet loaded: initiating it again
// keeps what storage holds, as Aura's signed URL for one file names one object.
func (e *Emulator) resumable(in *instance, crc uint32, size int64) *upload {
	for _, u := range e.st.Uploads {
		if u.DBID == in.ID && !u.Consumed && u.Crc32 == crc && u.DumpSize == size && u.Provider == storageProvider(in) {
			return u
		}
	}
	return nil
}

type partRef struct {
	PartNumber int    `json:"PartNumber"`
	ETag       string `json:"ETag"`
}

func (e *Emulator) handleMultipartStatus(w http.ResponseWriter, r *http.Request) {
	in, err := e.consoleBearer(r)
	if err != nil {
		writeConsoleError(w, err)
		return
	}
	var req struct {
		Crc32    *uint32 `json:"Crc32"`
		UploadID string  `json:"UploadID"`
	}
	if err := decodeConsole(r, &req); err != nil {
		writeConsoleError(w, err)
		return
	}
	u, cerr := e.findUpload(in, req.UploadID, req.Crc32)
	if cerr != nil {
		writeConsoleError(w, cerr)
		return
	}
	if u.Provider != "AWS" {
		writeConsoleError(w, consoleErrorf(400, "UploadMismatch", "Upload %s is not a multipart upload.", u.ID))
		return
	}
	writeConsoleJSON(w, 200, map[string]any{"Parts": u.partRefs(), "UploadID": u.ID, "Provider": "AWS"})
}

// findUpload is the database's upload in progress (there is one at most: initiate drops the others), checked
// against the UploadID when one is given; the CRC32 must be the one declared at initiate.
func (e *Emulator) findUpload(in *instance, id string, crc *uint32) (*upload, *consoleError) {
	var found *upload
	for _, u := range e.st.Uploads {
		if u.DBID == in.ID && !u.Consumed && (id == "" || u.ID == id) {
			found = u
		}
	}
	if found == nil {
		return nil, consoleErrorf(400, "UploadNotFound", "Database %s has no upload in progress%s; initiate one first.", in.ID, map[bool]string{true: "", false: " with UploadID " + id}[id == ""])
	}
	if crc == nil || *crc != found.Crc32 {
		return nil, consoleErrorf(422, "ChecksumMismatch", "Crc32 must be %d, the value declared when the upload was initiated.", found.Crc32)
	}
	return found, nil
}

func (u *upload) partRefs() []partRef {
	out := []partRef{}
	for n, p := range u.Parts {
		out = append(out, partRef{n, p.ETag})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].PartNumber < out[j].PartNumber })
	return out
}

func (e *Emulator) handleUploadComplete(w http.ResponseWriter, r *http.Request) {
	in, err := e.consoleBearer(r)
	if err != nil {
		writeConsoleError(w, err)
		return
	}
	var req struct {
		Crc32    *uint32   `json:"Crc32"`
		Parts    []partRef `json:"Parts"`
		UploadID string    `json:"UploadID"`
		Provider string    `json:"Provider"`
	}
	if err := decodeConsole(r, &req); err != nil {
		writeConsoleError(w, err)
		return
	}
	u, cerr := e.findUpload(in, req.UploadID, req.Crc32)
	if cerr != nil {
		writeConsoleError(w, cerr)
		return
	}
	if err := e.readiness(in); err != nil {
		writeConsoleError(w, err)
		return
	}
	stored, size, cerr := e.storedObject(u, req.Parts)
	if cerr != nil {
		writeConsoleError(w, cerr)
		return
	}
	if stored != u.Crc32 {
		writeConsoleError(w, consoleErrorf(422, "ChecksumMismatch", "The stored file's CRC32 is %d, not %d as declared: upload the file again.", stored, u.Crc32))
		return
	}
	data, lerr := e.readExport(u, in, size)
	u.Consumed = true
	e.removeObjects(u)
	in.LoadError, in.LoadUnseen = lerr, true
	if lerr == nil {
		e.begin(in, "loading", "running", data)
	} else {
		e.begin(in, "loading", "loading failed", nil)
	}
	writeConsoleJSON(w, 200, map[string]any{})
}

// storedObject checks the object is whole and returns its CRC32 and size: the GCS session's, or the S3 parts'
// named in the request, which must be every part with the ETags storage answered.
func (e *Emulator) storedObject(u *upload, parts []partRef) (uint32, int64, *consoleError) {
	if u.Provider == "GCP" {
		if !u.Complete {
			return 0, 0, consoleErrorf(400, "UploadIncomplete", "Storage holds %d of the file's %d bytes: finish the upload first.", u.Received, u.DumpSize)
		}
		return u.CRC, u.Received, nil
	}
	if len(parts) != u.TotalParts {
		return 0, 0, consoleErrorf(400, "InvalidPart", "The upload has %d parts; the request names %d.", u.TotalParts, len(parts))
	}
	sorted := append([]partRef(nil), parts...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].PartNumber < sorted[j].PartNumber })
	var crc uint32
	var size int64
	for i, ref := range sorted {
		p := u.Parts[ref.PartNumber]
		if ref.PartNumber != i+1 || p == nil || p.ETag != ref.ETag {
			return 0, 0, consoleErrorf(400, "InvalidPart", "Part %d is not stored with ETag %s.", ref.PartNumber, ref.ETag)
		}
		crc = crc32Combine(crc, p.CRC, p.Size)
		size += p.Size
	}
	if size != u.DumpSize {
		return 0, 0, consoleErrorf(400, "UploadIncomplete", "The parts hold %d bytes, not the DumpSize %d declared.", size, u.DumpSize)
	}
	return crc, size, nil
}

// exportDocs is where a failed load's Error points.
const exportDocs = "https://neo4j.com/docs/aura/managing-instances/backup-restore-export/"

// maxExportRead bounds how much of a stored object readExport decodes: an emulated export's JSON value is small,
// and the padding after it (a benchmark's large file) need not be read.
const maxExportRead = 64 << 20

// readExport reads the emulated export at the start of the stored object (any bytes after its JSON value are
// padding) and tells whether this instance can load it.
func (e *Emulator) readExport(u *upload, in *instance, size int64) (json.RawMessage, *loadError) {
	rc, err := e.openObject(u)
	if err != nil {
		return nil, &loadError{"The uploaded file could not be read back from storage.", "UnknownError", ""}
	}
	defer rc.Close()
	var f exportFile
	if err := json.NewDecoder(io.LimitReader(rc, maxExportRead)).Decode(&f); err != nil || f.Magic != 1 {
		return nil, &loadError{fmt.Sprintf("The uploaded file (%d bytes) is not a valid database dump or backup.", size), "InvalidDumpFile", exportDocs}
	}
	if lerr := exportFits(f, in); lerr != nil {
		return nil, lerr
	}
	var compact bytes.Buffer
	if json.Compact(&compact, f.Data) != nil {
		return nil, &loadError{"The uploaded file's data is damaged.", "InvalidDumpFile", exportDocs}
	}
	return compact.Bytes(), nil
}

// exportFits: same product (AuraDB or AuraDS), and no version 5 data into version 4.
func exportFits(f exportFile, in *instance) *loadError {
	if strings.HasSuffix(f.Type, "-ds") != strings.HasSuffix(in.Type, "-ds") {
		return &loadError{fmt.Sprintf("The file is an export of %s; AuraDS and AuraDB data are not interchangeable (this instance is %s).", f.Type, in.Type), "IncompatibleType", exportDocs}
	}
	if f.Version == "5" && in.Version == "4" {
		return &loadError{"The file holds Neo4j 5 data, which a Neo4j 4 instance can not load.", "IncompatibleVersion", exportDocs}
	}
	return nil
}

func (e *Emulator) handleImportStatus(w http.ResponseWriter, r *http.Request) {
	in, err := e.consoleBearer(r)
	if err != nil {
		writeConsoleError(w, err)
		return
	}
	out := map[string]any{"Status": in.Status}
	switch {
	case in.LoadUnseen:
		in.LoadUnseen = false
		e.persist()
		out["Status"] = "loading"
	case in.Status == "loading failed" && in.LoadError != nil:
		out["Error"] = in.LoadError
	}
	writeConsoleJSON(w, 200, out)
}

// SetDatabaseUser creates or changes a database user of an instance, as PUT /_emulator/instances/{id}/users/{username}
// does.
func (e *Emulator) SetDatabaseUser(instanceID, username, password string, admin bool) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	in, err := e.findInstance(instanceID)
	if err != nil {
		return err
	}
	if in.Users == nil {
		in.Users = map[string]*dbUser{}
	}
	in.Users[username] = newDBUser(password, admin)
	e.persist()
	return nil
}

// handlePutUser creates or changes a database user of an instance (api/emulator.md): a user other than an admin
// is how a non-admin user, refused by auth with 403, exists in the emulator.
func (e *Emulator) handlePutUser(w http.ResponseWriter, r *http.Request) {
	in, err := e.findInstance(r.PathValue("id"))
	if err != nil {
		writeError(w, err)
		return
	}
	var req struct {
		Password *string `json:"password"`
		Admin    bool    `json:"admin"`
	}
	if err := decodeStrict(r, &req); err != nil {
		writeError(w, err)
		return
	}
	if req.Password == nil || *req.Password == "" {
		writeError(w, errorf(400, "missing-field", "password", "Field password is required."))
		return
	}
	if in.Users == nil {
		in.Users = map[string]*dbUser{}
	}
	name := r.PathValue("username")
	in.Users[name] = newDBUser(*req.Password, req.Admin)
	writeJSON(w, 200, map[string]any{"username": name, "admin": req.Admin})
}
