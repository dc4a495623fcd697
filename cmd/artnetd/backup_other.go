//go:build !unix

package main

import "os"

// sqliteInUse cannot tell on this system: restore trusts the operator to
// have stopped artnetd.
func sqliteInUse(string) (bool, error) { return false, nil }

// sameOwnerAndMode gives the file dst the permissions of the file src.
func sameOwnerAndMode(src, dst string) error {
	fi, err := os.Stat(src)
	if err != nil {
		return err
	}
	return os.Chmod(dst, fi.Mode().Perm())
}
