package auraupload

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"io"
	"os"

	"github.com/klauspost/compress/zstd"
)

// File is what the protocol says about the file to upload, all taken in one read of it.
type File struct {
	Path string
	// Size is the file's size in bytes (DumpSize).
	Size int64
	// FullSize is the store's uncompressed size as the archive header gives it (zstd dumps), else Size.
	FullSize int64
	// CRC32 is the IEEE CRC-32 of every byte of the file, as Aura checks it.
	CRC32 uint32
	// SHA256 is the hex SHA-256 of the file, the name the plan gives it.
	SHA256 string
}

// readBuffer is the reference client's read size for the CRC (1.7).
const readBuffer = 4 << 20

// headerWindow is how much of the file's start is kept to read the archive header: a zstd block is at most
// 128 KiB, so the metadata at the start of the first block is within it.
const headerWindow = 1 << 20

// Inspect reads the file once for its SHA-256, its CRC32 and the start that holds the archive header.
func Inspect(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sum, crc := sha256.New(), crc32.NewIEEE()
	head := &prefix{limit: headerWindow}
	n, err := io.CopyBuffer(io.MultiWriter(sum, crc, head), f, make([]byte, readBuffer))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	full := n
	if size, ok := zstdDumpFullSize(head.buf.Bytes()); ok {
		full = size
	}
	return &File{Path: path, Size: n, FullSize: full, CRC32: crc.Sum32(), SHA256: hex.EncodeToString(sum.Sum(nil))}, nil
}

// prefix keeps the first limit bytes written to it.
type prefix struct {
	buf   bytes.Buffer
	limit int
}

func (p *prefix) Write(b []byte) (int, error) {
	if room := p.limit - p.buf.Len(); room > 0 {
		p.buf.Write(b[:min(room, len(b))])
	}
	return len(b), nil
}

// zstdDumpFullSize reads the total store size from a zstd dump's header (the reference's 1.7): the magic DZV1,
// then a zstd stream whose plain text starts with "zstd", a big-endian int32 version 1, an int64 file count and
// the int64 total bytes. A legacy dump (a bare zstd stream) carries the same metadata. Anything else (gzip dumps,
// .backup and .tar files) has no size the reference reads without unpacking, so ok is false and the caller
// uses the file's size, as the reference does.
func zstdDumpFullSize(start []byte) (int64, bool) {
	stream := start
	switch {
	case bytes.HasPrefix(start, []byte("DZV1")):
		stream = start[4:]
	case bytes.HasPrefix(start, []byte{0x28, 0xb5, 0x2f, 0xfd}): // a zstd frame: a legacy dump
	default:
		return 0, false
	}
	dec, err := zstd.NewReader(bytes.NewReader(stream), zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true))
	if err != nil {
		return 0, false
	}
	defer dec.Close()
	var meta [4 + 4 + 8 + 8]byte
	// The start may be cut off mid-stream: what counts is that the first bytes come out.
	if _, err := io.ReadFull(dec, meta[:]); err != nil {
		return 0, false
	}
	if string(meta[:4]) != "zstd" || binary.BigEndian.Uint32(meta[4:8]) != 1 {
		return 0, false
	}
	total := int64(binary.BigEndian.Uint64(meta[16:24]))
	if total <= 0 {
		return 0, false
	}
	return total, true
}
