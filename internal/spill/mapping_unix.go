//go:build unix

package spill

import (
	"os"
	"syscall"
)

// fileMapping is a segment as a file mapped shared: written and read
// through the mapping. The file has no name and no descriptor once
// mapped, so a process with many stores holds no files open; the mapping
// keeps its pages until it is undone.
type fileMapping struct {
	data []byte
}

func newMapping(dir string, size int) (mapping, error) {
	f, err := os.CreateTemp(dir, ".sitrep-spill-*")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if err := os.Remove(f.Name()); err != nil {
		return nil, err
	}
	if err := allocate(f, size); err != nil {
		return nil, err
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
	if err != nil {
		return nil, err
	}
	return &fileMapping{data: data}, nil
}

func (m *fileMapping) write(off int, b []byte) error {
	copy(m.data[off:], b)
	return nil
}

func (m *fileMapping) bytes() []byte { return m.data }

func (m *fileMapping) closed() bool { return m.data == nil }

func (m *fileMapping) close() {
	syscall.Munmap(m.data)
	m.data = nil
}
