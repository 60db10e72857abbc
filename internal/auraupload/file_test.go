package auraupload

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// zstdDump writes a dump in the documented layout: DZV1, then a zstd stream whose plain text is "zstd", the
// int32 version 1, the int64 file count, the int64 total bytes, then the tar (here random bytes, as much as
// tail says, so the stream spans many blocks).
func zstdDump(t *testing.T, total int64, tail int) string {
	t.Helper()
	var plain bytes.Buffer
	plain.WriteString("zstd")
	_ = binary.Write(&plain, binary.BigEndian, int32(1))
	_ = binary.Write(&plain, binary.BigEndian, int64(3))
	_ = binary.Write(&plain, binary.BigEndian, total)
	rest := make([]byte, tail)
	_, _ = rand.Read(rest)
	plain.Write(rest)
	var out bytes.Buffer
	out.WriteString("DZV1")
	enc, err := zstd.NewWriter(&out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := enc.Write(plain.Bytes()); err != nil {
		t.Fatal(err)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "neo4j.dump")
	if err := os.WriteFile(p, out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestInspect_readsTheFullSizeFromAZstdDumpHeader(t *testing.T) {
	const total = 7_654_321_987
	p := zstdDump(t, total, 6<<20) // larger than the header window and the read buffer
	f, err := Inspect(p)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(p)
	if f.FullSize != total {
		t.Errorf("FullSize = %d, want %d from the header", f.FullSize, total)
	}
	if f.Size != int64(len(raw)) {
		t.Errorf("Size = %d, want %d", f.Size, len(raw))
	}
	if want := crc32.ChecksumIEEE(raw); f.CRC32 != want {
		t.Errorf("CRC32 = %d, want hash/crc32's %d", f.CRC32, want)
	}
	if sum := sha256.Sum256(raw); f.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("SHA256 = %s, want %x", f.SHA256, sum)
	}
}

func TestInspect_gzipAndOtherFilesTakeTheFileSize(t *testing.T) {
	var gz bytes.Buffer
	gz.WriteString("DGV1")
	w := gzip.NewWriter(&gz)
	_, _ = w.Write(bytes.Repeat([]byte("graph"), 10000))
	_ = w.Close()
	dir := t.TempDir()
	for name, content := range map[string][]byte{
		"neo4j.dump":   gz.Bytes(),
		"neo4j.backup": append([]byte("BZV3"), bytes.Repeat([]byte{7}, 5000)...),
		"broken.dump":  append([]byte("DZV1"), bytes.Repeat([]byte{1}, 100)...), // the magic without a zstd stream
		"empty.dump":   nil,
	} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, content, 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := Inspect(p)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if f.FullSize != int64(len(content)) || f.Size != int64(len(content)) {
			t.Errorf("%s: FullSize %d, Size %d, want the file size %d", name, f.FullSize, f.Size, len(content))
		}
		if f.CRC32 != crc32.ChecksumIEEE(content) {
			t.Errorf("%s: CRC32 differs from hash/crc32", name)
		}
	}
}
