//go:build unix

package main

import "syscall"

// ownerOnly makes every file sitrep creates from now on readable and
// writable by its owner alone: the database and its -wal and -shm files
// (SQLite gives them the database's mode), backups and exports. They hold
// accounts, password hashes, sessions and unpublished drafts.
func ownerOnly() { syscall.Umask(0o077) }
