// Package transfer is the domain of transfer usage: the switch port that
// carries a server's traffic, the octet counters read from it, how two
// readings become traffic (counter wrap and device reset), and the payment
// periods the traffic is added to.
//
// Up is what the server sent: the switch port's IF-MIB ifHCInOctets (the
// port receives what the server sends). Down is what the server received:
// the port's ifHCOutOctets.
package transfer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"
)

// Port is the inventory's transfer_port object: the SNMP agent of the
// switch and the port's ifIndex, read with SNMP v2c (community) or v3
// (a USM user):
//
//	{"address": "192.0.2.1", "port": 161, "community": "public", "if_index": 12}
//	{"address": "192.0.2.1", "if_index": 12,
//	 "v3": {"user": "artnet", "auth_protocol": "SHA", "auth_password": "…",
//	        "priv_protocol": "AES", "priv_password": "…"}}
//
// port defaults to 161. The community and the v3 passwords are
// credentials: never shown by the API nor logged.
type Port struct {
	Address   string   `json:"address"`
	Port      int      `json:"port,omitempty"`
	Community string   `json:"community,omitempty"`
	V3        *USMUser `json:"v3,omitempty"`
	IfIndex   int      `json:"if_index"`
}

// USMUser is an SNMP v3 user. auth_protocol is MD5, SHA, SHA224, SHA256,
// SHA384 or SHA512 ("": no authentication); priv_protocol DES, AES,
// AES192 or AES256 ("": no privacy; needs authentication). Passwords have
// at least 8 characters (RFC 3414).
type USMUser struct {
	User         string `json:"user"`
	AuthProtocol string `json:"auth_protocol,omitempty"`
	AuthPassword string `json:"auth_password,omitempty"`
	PrivProtocol string `json:"priv_protocol,omitempty"`
	PrivPassword string `json:"priv_password,omitempty"`
}

// The protocols of USMUser.
var (
	AuthProtocols = []string{"MD5", "SHA", "SHA224", "SHA256", "SHA384", "SHA512"}
	PrivProtocols = []string{"DES", "AES", "AES192", "AES256"}
)

// ParsePort checks a transfer_port object and fills in its defaults.
func ParsePort(raw []byte) (Port, error) {
	var p Port
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return p, fmt.Errorf("transfer_port: %w", err)
	}
	if _, err := netip.ParseAddr(p.Address); err != nil && (p.Address == "" || strings.ContainsAny(p.Address, " /")) {
		return p, errors.New("transfer_port: address must be an IP address or host name")
	}
	if p.Port == 0 {
		p.Port = 161
	}
	if p.Port < 1 || p.Port > 65535 {
		return p, errors.New("transfer_port: port must be 1 to 65535")
	}
	switch {
	case (p.Community == "") == (p.V3 == nil):
		return p, errors.New("transfer_port: give community (SNMP v2c) or v3 (an SNMP v3 user), one of them")
	case p.V3 != nil:
		if err := p.V3.check(); err != nil {
			return p, fmt.Errorf("transfer_port.v3: %w", err)
		}
	}
	if p.IfIndex < 1 {
		return p, errors.New("transfer_port: if_index must be positive")
	}
	return p, nil
}

func (u *USMUser) check() error {
	if u.User == "" {
		return errors.New("user must not be empty")
	}
	if u.AuthProtocol == "" {
		if u.PrivProtocol != "" || u.AuthPassword != "" || u.PrivPassword != "" {
			return errors.New("privacy and passwords need auth_protocol")
		}
		return nil
	}
	if !slices.Contains(AuthProtocols, u.AuthProtocol) {
		return fmt.Errorf("auth_protocol must be one of %s", strings.Join(AuthProtocols, ", "))
	}
	if len(u.AuthPassword) < 8 {
		return errors.New("auth_password must have at least 8 characters")
	}
	if u.PrivProtocol == "" {
		if u.PrivPassword != "" {
			return errors.New("priv_password needs priv_protocol")
		}
		return nil
	}
	if !slices.Contains(PrivProtocols, u.PrivProtocol) {
		return fmt.Errorf("priv_protocol must be one of %s", strings.Join(PrivProtocols, ", "))
	}
	if len(u.PrivPassword) < 8 {
		return errors.New("priv_password must have at least 8 characters")
	}
	return nil
}

// Counters are a port's octet counters (64-bit, wrapping).
type Counters struct {
	In, Out uint64
}

// Reader reads a port's counters (the SNMP driver; a fake in tests).
type Reader interface {
	Read(ctx context.Context, p Port) (Counters, error)
}

// MaxRate bounds what one port can carry, in bytes per second (400
// Gbit/s): a counter that went down by less than a wrap's worth of this
// rate wrapped; otherwise the device was reset (rebooted, or the counter
// cleared) and counts from zero.
const MaxRate = 400e9 / 8

// Delta is the traffic between two readings of one counter elapsed apart.
func Delta(prev, cur uint64, elapsed time.Duration) uint64 {
	if cur >= prev {
		return cur - prev
	}
	wrapped := cur - prev // modulo 2^64: the wrap's worth
	secs := elapsed.Seconds()
	if secs < 1 {
		secs = 1
	}
	if float64(wrapped) <= MaxRate*secs {
		return wrapped
	}
	return cur // reset: counted from zero
}

// Period is one payment period [From, To).
type Period struct {
	From, To time.Time
}

// Periods returns the payment period containing now and the n before it,
// oldest first. Periods are months months long (0 counts as 1) and are
// anchored at anchor (the service's expiration_time: the end of a paid
// period), so boundaries are anchor ± k·months, in UTC; a day that a month
// does not have rolls over as time.AddDate does.
func Periods(anchor time.Time, months int, now time.Time, n int) []Period {
	if months <= 0 {
		months = 1
	}
	anchor, now = anchor.UTC(), now.UTC()
	at := func(k int) time.Time { return anchor.AddDate(0, k*months, 0) }
	// k: the boundary at or before now; estimate, then correct.
	k := (int(now.Year()-anchor.Year())*12 + int(now.Month()-anchor.Month())) / months
	for at(k).After(now) {
		k--
	}
	for !at(k + 1).After(now) {
		k++
	}
	out := make([]Period, 0, n+1)
	for i := k - n; i <= k; i++ {
		out = append(out, Period{From: at(i), To: at(i + 1)})
	}
	return out
}
