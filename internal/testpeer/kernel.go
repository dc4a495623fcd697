package testpeer

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var kernelMu sync.Mutex

// NeedLinuxKernel returns a Debian kernel image (vmlinuz) and its modules
// directory (lib/modules/VERSION): the host's /boot kernel when its
// modules are installed, else Debian's linux-image-amd64 dependency
// fetched with apt-get download and unpacked (not installed) into a cache
// under the temporary directory, kept for later runs.
func NeedLinuxKernel(t testing.TB) (vmlinuz, modules string) {
	t.Helper()
	kernelMu.Lock()
	defer kernelMu.Unlock()
	if k, m := findKernel("/"); k != "" {
		return k, m
	}
	cache := filepath.Join(os.TempDir(), "artnet-test-linux-image")
	if k, m := findKernel(cache); k != "" {
		return k, m
	}
	if _, err := exec.LookPath("apt-get"); err != nil {
		SkipLoud(t, "no kernel in /boot and no apt-get to fetch Debian's linux-image-amd64")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "apt-cache", "depends", "linux-image-amd64").Output()
	pkg := ""
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "Depends:" && strings.HasPrefix(f[1], "linux-image-") {
			pkg = f[1]
		}
	}
	if err != nil || pkg == "" {
		SkipLoud(t, "apt-cache cannot name Debian's kernel package: %v", err)
	}
	dl := t.TempDir()
	cmd := exec.CommandContext(ctx, "apt-get", "download", pkg)
	cmd.Dir = dl
	if out, err := cmd.CombinedOutput(); err != nil {
		SkipLoud(t, "apt-get download %s: %v\n%s", pkg, err, tail(out, 2000))
	}
	debs, _ := filepath.Glob(filepath.Join(dl, "*.deb"))
	if len(debs) != 1 {
		SkipLoud(t, "apt-get download %s gave %v", pkg, debs)
	}
	tmp := cache + ".tmp"
	os.RemoveAll(tmp)
	if out, err := exec.CommandContext(ctx, "dpkg-deb", "-x", debs[0], tmp).CombinedOutput(); err != nil {
		SkipLoud(t, "dpkg-deb -x %s: %v\n%s", debs[0], err, tail(out, 2000))
	}
	os.RemoveAll(cache)
	if err := os.Rename(tmp, cache); err != nil {
		t.Fatal(err)
	}
	k, m := findKernel(cache)
	if k == "" {
		SkipLoud(t, "%s holds no kernel with its modules", pkg)
	}
	return k, m
}

// findKernel returns a vmlinuz under root/boot whose modules (with the
// ACPI button driver) are under root/lib/modules or root/usr/lib/modules.
func findKernel(root string) (string, string) {
	images, _ := filepath.Glob(filepath.Join(root, "boot", "vmlinuz-*"))
	for _, k := range images {
		version := strings.TrimPrefix(filepath.Base(k), "vmlinuz-")
		for _, lib := range []string{"lib", "usr/lib"} {
			m := filepath.Join(root, lib, "modules", version)
			if _, err := os.Stat(filepath.Join(m, "kernel/drivers/acpi/button.ko")); err == nil {
				return k, m
			}
		}
	}
	return "", ""
}
