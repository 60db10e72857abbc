package aura

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"github.com/gofrs/flock"
)

// sharedWindow is the count of one account kept in a file, so that the terraform processes on this machine
// (parallel CI jobs, several workspaces, a person beside a pipeline) spend one budget instead of one each. The
// file is read and written under an advisory lock (flock, LockFileEx) that the system drops when its holder
// exits, so a crashed process never leaves a lock behind; each request holds it for a read and a write.
// Requests in the file leave the window like any other, and the waits of a process that died drop out after
// waitsExpire: nothing in it outlives two windows.
type sharedWindow struct {
	lock    *flock.Flock
	path    string
	timeout time.Duration // lockTimeout
}

// lockTimeout bounds the wait for the lock: a holder keeps it for microseconds, so a longer wait means the holder
// hangs or the file system is in trouble, and the limiter goes on with this process's own count for a while.
const lockTimeout = time.Second

// DefaultBudgetDir is where processes share their accounts' counts: the user's cache directory, else the temp
// directory.
func DefaultBudgetDir() string {
	if dir, err := os.UserCacheDir(); err == nil {
		return filepath.Join(dir, "terraform-provider-aura")
	}
	return filepath.Join(os.TempDir(), "terraform-provider-aura-"+strconv.Itoa(os.Getuid()))
}

// stateName matches the count files openSharedWindow names, and nothing else in the directory. Lock files stay
// (empty, one an account): one removed while held would let a second holder lock a new one.
var stateName = regexp.MustCompile(`^[0-9a-f]{32}\.json$`)

// openSharedWindow opens the count of the account that baseURL and clientID reach. The file is named by a hash of
// the two, never by the secret; it holds request times and wait counts only. Files not written for two windows
// count nothing and are removed.
func openSharedWindow(dir, baseURL, clientID string) (*sharedWindow, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(baseURL + "\n" + clientID))
	w := &sharedWindow{
		lock:    flock.New(filepath.Join(dir, hex.EncodeToString(sum[:16])+".lock"), flock.SetPermissions(0o600)),
		path:    filepath.Join(dir, hex.EncodeToString(sum[:16])+".json"),
		timeout: lockTimeout,
	}
	_ = w.locked(func() error { return sweep(dir) }) // only tidies; a busy lock is the limiter's concern
	return w, nil
}

func sweep(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !stateName.MatchString(e.Name()) {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > 2*waitsExpire {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
	return nil
}

func (w *sharedWindow) locked(fn func() error) error {
	ctx, cancel := context.WithTimeout(context.Background(), w.timeout)
	defer cancel()
	ok, err := w.lock.TryLockContext(ctx, time.Millisecond)
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("the budget file stayed locked")
	}
	defer func() { _ = w.lock.Unlock() }()
	return fn()
}

// update runs fn on the count in the file and writes it back. ok is false when the file could not be used; a
// file that cannot be parsed (cut short by a crash) counts as empty.
func (w *sharedWindow) update(fn func(*windowState)) (s windowState, ok bool) {
	err := w.locked(func() error {
		raw, err := os.ReadFile(w.path)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		if json.Unmarshal(raw, &s) != nil {
			s = windowState{}
		}
		fn(&s)
		raw, err = json.Marshal(s)
		if err != nil {
			return err
		}
		return os.WriteFile(w.path, raw, 0o600)
	})
	return s, err == nil
}
