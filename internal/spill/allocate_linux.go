package spill

import (
	"os"
	"syscall"
)

// allocate gives f size bytes of disk. A page of a mapped file with no
// disk behind it (a sparse file on a full disk) would stop the process
// with SIGBUS when written; allocated first, a full disk is an error here
// instead, and the store keeps no more.
func allocate(f *os.File, size int) error {
	return syscall.Fallocate(int(f.Fd()), 0, 0, int64(size))
}
