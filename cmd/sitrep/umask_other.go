//go:build !unix

package main

// ownerOnly does nothing where there is no umask; there the files' access
// follows the folder they are written in.
func ownerOnly() {}
