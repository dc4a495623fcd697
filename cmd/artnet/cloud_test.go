package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/artnet-panel/artnet-panel/internal/demo"
	"github.com/artnet-panel/artnet-panel/internal/driver/hvsim"
	"github.com/artnet-panel/artnet-panel/internal/driver/qemu"
	"github.com/artnet-panel/artnet-panel/internal/hypervisor"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/testpeer"
)

// scriptCloud returns the scripts' hypervisor: QEMU (the real driver, its
// machines in the script's work directory, deleted when the script ends)
// when qemu-system-x86_64 is installed (scripts/test.sh installs it), else
// the simulator, loudly.
func scriptCloud(env *testscript.Env) *panel.Cloud {
	var h hypervisor.Hypervisor
	if system, img := testpeer.LookTool("qemu-system-x86_64"), testpeer.LookTool("qemu-img"); system != "" && img != "" {
		d := &qemu.Driver{StateDir: filepath.Join(env.WorkDir, ".qemu"), System: system, Img: img, Timeout: 30 * time.Second}
		env.Defer(func() { d.Delete(context.Background(), "ci-acme-web") })
		h = d
	} else {
		fmt.Fprintln(os.Stderr, "\n*** cloud-instance scripts run on the hypervisor simulator: qemu-system-x86_64 is missing ***")
		h = &hvsim.Simulator{}
	}
	return &panel.Cloud{Hypervisor: h, SecretKey: demo.CloudSecretKey, ShutdownWait: 2 * time.Second}
}
