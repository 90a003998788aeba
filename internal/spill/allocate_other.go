//go:build unix && !linux

package spill

import "os"

// allocate sizes f to size bytes. Without fallocate the file is sparse,
// and a full disk shows when a page is first written.
func allocate(f *os.File, size int) error {
	return f.Truncate(int64(size))
}
