//go:build linux

package qemu

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The KVM ioctls the probe uses (linux/kvm.h, x86-64).
const (
	kvmGetAPIVersion       = 0xAE00
	kvmCreateVM            = 0xAE01
	kvmGetVCPUMmapSize     = 0xAE04
	kvmCreateVCPU          = 0xAE41
	kvmSetUserMemoryRegion = 0x4020AE46
	kvmRun                 = 0xAE80
	kvmGetRegs             = 0x8090AE81
	kvmSetRegs             = 0x4090AE82
	kvmGetSregs            = 0x8138AE83
	kvmSetSregs            = 0x4138AE84

	kvmExitIO = 2
)

// probeOut is the port and the byte the probe's guest writes.
const (
	probePort = 0x10
	probeByte = 0x42
)

// probeCode is the probe's guest, in 16-bit real mode at guest physical
// 0x1000: mov al, 0x42; out 0x10, al; hlt.
var probeCode = []byte{0xB0, probeByte, 0xE6, probePort, 0xF4}

// kvmProbe proves that /dev/kvm runs an ordinary guest: it creates a VM
// with one vCPU and 4 KiB of memory, runs three real-mode instructions and
// expects the guest's OUT to port 0x10 to come back as a KVM_EXIT_IO with
// the byte it wrote, within limit. A kernel whose KVM cannot run a plain
// (non-paravirtualised) guest — kvm_pvm without kvm_intel/kvm_amd — fails
// here: the ioctls error or KVM_RUN never comes back with the exit, and
// the vCPU's thread is then interrupted with a signal (KVM_RUN returns
// EINTR) so nothing is left running.
func kvmProbe(limit time.Duration) error {
	kvm, err := os.OpenFile("/dev/kvm", os.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer kvm.Close()
	kfd := int(kvm.Fd())
	if v, err := ioctl(kfd, kvmGetAPIVersion, 0); err != nil || v != 12 {
		return fmt.Errorf("KVM_GET_API_VERSION: %d, %v", v, err)
	}
	vmfd, err := ioctl(kfd, kvmCreateVM, 0)
	if err != nil {
		return fmt.Errorf("KVM_CREATE_VM: %w", err)
	}
	defer unix.Close(vmfd)

	mem, err := unix.Mmap(-1, 0, 0x1000, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_ANONYMOUS)
	if err != nil {
		return err
	}
	defer unix.Munmap(mem)
	copy(mem, probeCode)
	region := struct {
		slot, flags                         uint32
		guestPhys, memorySize, userspaceAdr uint64
	}{guestPhys: 0x1000, memorySize: 0x1000, userspaceAdr: uint64(uintptr(unsafe.Pointer(&mem[0])))}
	if _, err := ioctl(vmfd, kvmSetUserMemoryRegion, uintptr(unsafe.Pointer(&region))); err != nil {
		return fmt.Errorf("KVM_SET_USER_MEMORY_REGION: %w", err)
	}
	vcpu, err := ioctl(vmfd, kvmCreateVCPU, 0)
	if err != nil {
		return fmt.Errorf("KVM_CREATE_VCPU: %w", err)
	}
	defer unix.Close(vcpu)
	size, err := ioctl(kfd, kvmGetVCPUMmapSize, 0)
	if err != nil || size < 4096 {
		return fmt.Errorf("KVM_GET_VCPU_MMAP_SIZE: %d, %v", size, err)
	}
	run, err := unix.Mmap(vcpu, 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		return fmt.Errorf("mmap kvm_run: %w", err)
	}
	defer unix.Munmap(run)

	// Real mode, CS at 0, IP at the code.
	var sregs [312]byte
	if _, err := ioctl(vcpu, kvmGetSregs, uintptr(unsafe.Pointer(&sregs[0]))); err != nil {
		return fmt.Errorf("KVM_GET_SREGS: %w", err)
	}
	// struct kvm_segment cs is first: base u64, limit u32, selector u16.
	*(*uint64)(unsafe.Pointer(&sregs[0])) = 0
	*(*uint16)(unsafe.Pointer(&sregs[12])) = 0
	if _, err := ioctl(vcpu, kvmSetSregs, uintptr(unsafe.Pointer(&sregs[0]))); err != nil {
		return fmt.Errorf("KVM_SET_SREGS: %w", err)
	}
	var regs [18]uint64 // rax..r15, rip, rflags
	if _, err := ioctl(vcpu, kvmGetRegs, uintptr(unsafe.Pointer(&regs[0]))); err != nil {
		return fmt.Errorf("KVM_GET_REGS: %w", err)
	}
	regs[16], regs[17] = 0x1000, 0x2
	if _, err := ioctl(vcpu, kvmSetRegs, uintptr(unsafe.Pointer(&regs[0]))); err != nil {
		return fmt.Errorf("KVM_SET_REGS: %w", err)
	}

	type result struct {
		exit uint32
		err  error
	}
	done := make(chan result, 1)
	tidc := make(chan int, 1)
	stop := make(chan struct{})
	go func() {
		// The thread stays locked and so is destroyed when the
		// goroutine ends: it may have taken a signal mid-KVM_RUN.
		runtime.LockOSThread()
		tidc <- unix.Gettid()
		for {
			_, err := ioctl(vcpu, kvmRun, 0)
			if errors.Is(err, unix.EINTR) {
				// Go's runtime signals threads (preemption); run
				// again unless the probe has given up.
				select {
				case <-stop:
					done <- result{err: err}
					return
				default:
					continue
				}
			}
			done <- result{exit: *(*uint32)(unsafe.Pointer(&run[8])), err: err}
			return
		}
	}()
	tid := <-tidc
	timer := time.NewTimer(limit)
	defer timer.Stop()
	var r result
	select {
	case r = <-done:
	case <-timer.C:
		close(stop)
		// immediate_exit makes a KVM_RUN that is about to start return
		// at once; the signal ends one that is in the guest.
		run[1] = 1
		for {
			unix.Tgkill(os.Getpid(), tid, unix.SIGURG)
			select {
			case <-done:
				return fmt.Errorf("KVM_RUN did not exit to the host within %s", limit)
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
	if r.err != nil {
		return fmt.Errorf("KVM_RUN: %w", r.err)
	}
	// struct kvm_run: exit_reason at 8; io { direction u8, size u8,
	// port u16, count u32, data_offset u64 } at 32.
	port := *(*uint16)(unsafe.Pointer(&run[34]))
	off := *(*uint64)(unsafe.Pointer(&run[40]))
	if r.exit != kvmExitIO || port != probePort || off >= uint64(len(run)) || run[off] != probeByte {
		return fmt.Errorf("KVM_RUN: exit %d (port %#x), want an I/O exit on port %#x", r.exit, port, probePort)
	}
	return nil
}

func ioctl(fd int, req, arg uintptr) (int, error) {
	r, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), req, arg)
	if errno != 0 {
		return int(r), errno
	}
	return int(r), nil
}
