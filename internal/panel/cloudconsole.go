package panel

import (
	"context"
	"errors"

	"github.com/artnet-panel/artnet-panel/internal/apperr"
)

// The web console of cloud instances (internal/vncproxy, the web panel's
// /cloud/{id}/console): the node that runs the machines proxies a
// browser's WebSocket to the instance's VNC server and authenticates
// there itself, so the console password never reaches the browser.

// ConsoleHost is implemented by hypervisor drivers whose machines' VNC
// consoles this node reaches (qemu.Driver): VNCDialAddr returns the
// address of the console on port.
type ConsoleHost interface {
	VNCDialAddr(port int) string
}

// ErrNoConsoleHere: this node does not run the instances' machines (its
// hypervisor is the simulator or none), so it has no console to offer.
var ErrNoConsoleHere = errors.New("the instances' consoles are not reachable from this node")

// CloudConsoleTarget is where an instance's VNC console is and its
// password (for the proxy only: never sent to a browser).
type CloudConsoleTarget struct {
	Machine  string
	Addr     string
	Password string
}

// CloudConsoleHere reports whether this node can proxy the instances'
// consoles (its hypervisor driver runs the machines).
func (p *Panel) CloudConsoleHere() bool {
	_, ok := p.cloud().Hypervisor.(ConsoleHost)
	return ok
}

// CloudConsole returns the console of the customer's instance id:
// authorization-failed for an instance that is not the customer's (as for
// a missing one), ErrNoConsoleHere on a node that does not run the
// machines, an internal error when the password cannot be unsealed or
// the instance has no console port.
func (p *Panel) CloudConsole(ctx context.Context, customerID, id int64) (CloudConsoleTarget, error) {
	i, err := p.instance(ctx, customerID, id)
	if err != nil {
		return CloudConsoleTarget{}, err
	}
	c := p.cloud()
	h, ok := c.Hypervisor.(ConsoleHost)
	if !ok {
		return CloudConsoleTarget{}, ErrNoConsoleHere
	}
	if i.VNCPort <= 0 {
		return CloudConsoleTarget{}, apperr.Internal(apperr.CodeInternal, errors.New("instance has no VNC port"))
	}
	pw, err := OpenVNCSecret(c.SecretKey, i.Name, i.VNCSecret)
	if err != nil {
		return CloudConsoleTarget{}, apperr.Internal(apperr.CodeInternal, err)
	}
	return CloudConsoleTarget{Machine: i.Name, Addr: h.VNCDialAddr(int(i.VNCPort)), Password: pw}, nil
}
