// Package ipmi switches power lines over IPMI v2.0 LAN (RMCP+, "lanplus")
// or IPMI v1.5 LAN ("lan") by running ipmitool (Debian ipmitool).
//
// Why ipmitool and not a pure-Go client: ipmitool is the reference
// client, packaged by Debian, that operators already use against the same
// BMCs; its cipher-suite negotiation and vendor quirks are well worn. A Go
// client (bougou/go-ipmi) is not in the module mirror this project uses.
// ipmitool is run with an argument vector (exec, never a shell), and the
// password is given in the environment (IPMI_PASSWORD with -E), so it does
// not show in the process list. Its output and errors are never logged
// with the arguments (they name the BMC user).
//
// The configuration is the inventory's power_management object:
//
//	{"driver": "ipmi", "address": "10.0.0.5", "port": 623,
//	 "interface": "lanplus", "username": "ADMIN", "password": "…"}
//
// port defaults to 623, interface to "lanplus" and the optional
// cipher_suite (lanplus) to 3.
package ipmi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os/exec"
	"strconv"
	"strings"

	"github.com/artnet-panel/artnet-panel/internal/power"
)

// Config is a power_management object of the ipmi driver.
type Config struct {
	Driver    string `json:"driver"`
	Address   string `json:"address"`
	Port      int    `json:"port,omitempty"`
	Interface string `json:"interface,omitempty"`
	Username  string `json:"username"`
	Password  string `json:"password"`
	// CipherSuite is the RMCP+ cipher suite of lanplus (0: 3, which
	// nearly every BMC offers; 17 for BMCs that only offer SHA-256).
	// Naming it saves ipmitool a round of negotiation per command.
	CipherSuite int `json:"cipher_suite,omitempty"`
}

// ParseConfig checks a power_management object of the ipmi driver and
// fills in its defaults.
func ParseConfig(raw json.RawMessage) (Config, error) {
	var c Config
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return c, fmt.Errorf("ipmi power_management: %w", err)
	}
	if c.Driver != "ipmi" {
		return c, fmt.Errorf("ipmi power_management: driver is %q", c.Driver)
	}
	if _, err := netip.ParseAddr(c.Address); err != nil {
		if c.Address == "" || strings.ContainsAny(c.Address, " \t/") || strings.HasPrefix(c.Address, "-") {
			return c, errors.New("ipmi power_management: address must be an IP address or host name")
		}
	}
	if c.Port == 0 {
		c.Port = 623
	}
	if c.Port < 1 || c.Port > 65535 {
		return c, errors.New("ipmi power_management: port must be 1 to 65535")
	}
	if c.Interface == "" {
		c.Interface = "lanplus"
	}
	if c.Interface != "lanplus" && c.Interface != "lan" {
		return c, errors.New(`ipmi power_management: interface must be "lanplus" or "lan"`)
	}
	if c.CipherSuite == 0 {
		c.CipherSuite = 3
	}
	if c.CipherSuite < 0 || c.CipherSuite > 17 {
		return c, errors.New("ipmi power_management: cipher_suite must be 0 to 17")
	}
	if strings.HasPrefix(c.Username, "-") {
		return c, errors.New("ipmi power_management: bad username")
	}
	return c, nil
}

// Driver runs ipmitool.
type Driver struct {
	// Path is the ipmitool binary ("": "ipmitool" from PATH).
	Path string
	// Retries is how many times ipmitool sends a request that got no
	// answer within 2 s (0: 1, so that a BMC that does not answer fails a
	// command in about 2 s and the caller's tries fit its budget).
	Retries int
}

// Open implements power.Driver.
func (d *Driver) Open(t power.Target) (power.Device, error) {
	c, err := ParseConfig(t.Config)
	if err != nil {
		return nil, err
	}
	path := d.Path
	if path == "" {
		path = "ipmitool"
	}
	retries := d.Retries
	if retries <= 0 {
		retries = 1
	}
	return &device{path: path, c: c, retries: retries}, nil
}

type device struct {
	path    string
	c       Config
	retries int
}

// run runs one ipmitool command: Driver.Retries sends (-R) with a 2 s
// timeout each (-N 2); callers retry and bound the whole.
func (v *device) run(ctx context.Context, args ...string) (string, error) {
	base := []string{"-I", v.c.Interface, "-H", v.c.Address, "-p", strconv.Itoa(v.c.Port), "-N", "2", "-R", strconv.Itoa(v.retries), "-E"}
	if v.c.Interface == "lanplus" {
		base = append(base, "-C", strconv.Itoa(v.c.CipherSuite))
	}
	if v.c.Username != "" {
		base = append(base, "-U", v.c.Username)
	}
	cmd := exec.CommandContext(ctx, v.path, append(base, args...)...)
	cmd.Env = []string{"IPMI_PASSWORD=" + v.c.Password, "PATH=/usr/bin:/bin:/usr/sbin:/sbin"}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("ipmitool %s: %w", strings.Join(args, " "), ctx.Err())
		}
		return "", fmt.Errorf("ipmitool %s: %w: %s", strings.Join(args, " "), err, lastLine(errOut.String()))
	}
	return out.String(), nil
}

// lastLine returns the last non-empty line of s (ipmitool's reason),
// cut to 200 bytes.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	l := strings.TrimSpace(lines[len(lines)-1])
	if len(l) > 200 {
		l = l[:200]
	}
	return l
}

// State implements power.Device ("Chassis Power is on|off").
func (v *device) State(ctx context.Context) (power.State, error) {
	out, err := v.run(ctx, "chassis", "power", "status")
	if err != nil {
		return power.Unknown, err
	}
	return ParseStatus(out)
}

// ParseStatus reads the output of "ipmitool chassis power status".
func ParseStatus(out string) (power.State, error) {
	s := strings.ToLower(strings.TrimSpace(out))
	switch {
	case strings.HasSuffix(s, "power is on"):
		return power.On, nil
	case strings.HasSuffix(s, "power is off"):
		return power.Off, nil
	}
	return power.Unknown, fmt.Errorf("ipmitool chassis power status: unexpected answer %q", lastLine(out))
}

func (v *device) control(ctx context.Context, op string) error {
	_, err := v.run(ctx, "chassis", "power", op)
	return err
}

// On implements power.Device.
func (v *device) On(ctx context.Context) error { return v.control(ctx, "on") }

// Off implements power.Device (hard off).
func (v *device) Off(ctx context.Context) error { return v.control(ctx, "off") }

// Cycle implements power.Device: off, then on, each confirmed by the
// BMC. IPMI's own "chassis power cycle" is not used: BMCs run it in the
// background (ipmi_sim and real ones report off for a while after
// answering), and it leaves a line that is off, off.
func (v *device) Cycle(ctx context.Context) error {
	if err := v.Off(ctx); err != nil {
		return err
	}
	return v.On(ctx)
}

var (
	_ power.Driver = (*Driver)(nil)
	_ power.Device = (*device)(nil)
)
