//go:build unix

package main

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// SQLite's POSIX advisory locks (os_unix.c): every connection to a WAL
// database holds a read lock on the "dead man switch" byte of its -shm
// file for as long as it is open; a rollback-journal connection holds
// one on the SHARED range of the database file while it reads.
const (
	shmDMSByte   = 128        // UNIX_SHM_DMS: (22+8)*4 + 8
	pendingByte  = 0x40000000 // PENDING_BYTE
	sharedFirst  = pendingByte + 2
	sharedLength = 510
)

// sqliteInUse reports whether another process has the SQLite database
// path open. Locks held by this process are not seen, and are lost when
// the probe closes its descriptor (POSIX locks): call it only on a
// database this process does not have open.
func sqliteInUse(path string) (bool, error) {
	if locked, err := fileLocked(path+"-shm", shmDMSByte, 1); err != nil || locked {
		return locked, err
	}
	return fileLocked(path, pendingByte, sharedFirst+sharedLength-pendingByte)
}

// fileLocked reports whether some other process holds a lock on
// [start, start+length) of the file name (false when there is no file).
func fileLocked(name string, start, length int64) (bool, error) {
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: 0, Start: start, Len: length}
	if err := syscall.FcntlFlock(f.Fd(), syscall.F_GETLK, &lk); err != nil {
		return false, fmt.Errorf("%s: lock test: %w", name, err)
	}
	return lk.Type != syscall.F_UNLCK, nil
}

// sameOwnerAndMode gives the file dst the owner, group and permissions of
// the file src.
func sameOwnerAndMode(src, dst string) error {
	fi, err := os.Stat(src)
	if err != nil {
		return err
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		if err := os.Chown(dst, int(st.Uid), int(st.Gid)); err != nil {
			return err
		}
	}
	return os.Chmod(dst, fi.Mode().Perm())
}
