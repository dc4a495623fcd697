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
	"strings"
	"time"
)

// Port is the inventory's transfer_port object: the SNMP agent of the
// switch and the port's ifIndex.
//
//	{"address": "192.0.2.1", "port": 161, "community": "public", "if_index": 12}
//
// port defaults to 161. SNMP v2c only. The community is a credential:
// never shown by the API nor logged.
type Port struct {
	Address   string `json:"address"`
	Port      int    `json:"port,omitempty"`
	Community string `json:"community"`
	IfIndex   int    `json:"if_index"`
}

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
	if p.Community == "" {
		return p, errors.New("transfer_port: community must not be empty")
	}
	if p.IfIndex < 1 {
		return p, errors.New("transfer_port: if_index must be positive")
	}
	return p, nil
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
