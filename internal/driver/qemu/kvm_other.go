//go:build !linux

package qemu

import (
	"errors"
	"time"
)

func kvmProbe(time.Duration) error { return errors.New("KVM needs Linux") }
