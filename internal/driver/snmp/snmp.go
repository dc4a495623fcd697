// Package snmp reads switch ports' octet counters over SNMP v2c or v3
// (USM; gosnmp): IF-MIB ifHCInOctets (1.3.6.1.2.1.31.1.1.1.6.ifIndex) and
// ifHCOutOctets (1.3.6.1.2.1.31.1.1.1.10.ifIndex), both 64-bit, in one
// GET.
package snmp

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/gosnmp/gosnmp"

	"github.com/artnet-panel/artnet-panel/internal/transfer"
)

// The IF-MIB columns read.
const (
	OIDIfHCInOctets  = "1.3.6.1.2.1.31.1.1.1.6"
	OIDIfHCOutOctets = "1.3.6.1.2.1.31.1.1.1.10"
)

// Reader reads counters with one SNMP GET per port (a new UDP socket per
// read: ports are polled every few minutes).
type Reader struct {
	// Timeout of one request (0: 2 s) and Retries after it (0: 2); the
	// context bounds the whole.
	Timeout time.Duration
	Retries int
}

// Read implements transfer.Reader.
func (r *Reader) Read(ctx context.Context, p transfer.Port) (transfer.Counters, error) {
	timeout, retries := r.Timeout, r.Retries
	if timeout <= 0 {
		timeout = 2 * time.Second
	}
	if retries <= 0 {
		retries = 2
	}
	g := &gosnmp.GoSNMP{
		Target: p.Address, Port: uint16(p.Port), Transport: "udp", Community: p.Community,
		Version: gosnmp.Version2c, Timeout: timeout, Retries: retries, MaxOids: gosnmp.MaxOids, Context: ctx,
	}
	if p.V3 != nil {
		g.Version, g.Community = gosnmp.Version3, ""
		g.SecurityModel = gosnmp.UserSecurityModel
		usm := &gosnmp.UsmSecurityParameters{UserName: p.V3.User}
		g.MsgFlags = gosnmp.NoAuthNoPriv
		if p.V3.AuthProtocol != "" {
			g.MsgFlags = gosnmp.AuthNoPriv
			usm.AuthenticationProtocol = authProtocols[p.V3.AuthProtocol]
			usm.AuthenticationPassphrase = p.V3.AuthPassword
		}
		if p.V3.PrivProtocol != "" {
			g.MsgFlags = gosnmp.AuthPriv
			usm.PrivacyProtocol = privProtocols[p.V3.PrivProtocol]
			usm.PrivacyPassphrase = p.V3.PrivPassword
		}
		g.SecurityParameters = usm
	}
	if err := g.ConnectIPv4(); err != nil {
		if err := g.Connect(); err != nil {
			return transfer.Counters{}, fmt.Errorf("snmp connect: %w", err)
		}
	}
	defer g.Conn.Close()
	idx := strconv.Itoa(p.IfIndex)
	in, out := OIDIfHCInOctets+"."+idx, OIDIfHCOutOctets+"."+idx
	res, err := g.Get([]string{in, out})
	if err != nil {
		return transfer.Counters{}, fmt.Errorf("snmp get: %w", err)
	}
	if res.Error != gosnmp.NoError {
		return transfer.Counters{}, fmt.Errorf("snmp get: agent error %v", res.Error)
	}
	var c transfer.Counters
	var got int
	for _, v := range res.Variables {
		if v.Type != gosnmp.Counter64 {
			return transfer.Counters{}, fmt.Errorf("snmp get %s: %v, not a Counter64 (no such port?)", v.Name, v.Type)
		}
		n := gosnmp.ToBigInt(v.Value).Uint64()
		switch trimDot(v.Name) {
		case in:
			c.In = n
			got |= 1
		case out:
			c.Out = n
			got |= 2
		}
	}
	if got != 3 {
		return transfer.Counters{}, errors.New("snmp get: the agent did not answer both counters")
	}
	return c, nil
}

var authProtocols = map[string]gosnmp.SnmpV3AuthProtocol{
	"MD5": gosnmp.MD5, "SHA": gosnmp.SHA, "SHA224": gosnmp.SHA224, "SHA256": gosnmp.SHA256,
	"SHA384": gosnmp.SHA384, "SHA512": gosnmp.SHA512,
}

var privProtocols = map[string]gosnmp.SnmpV3PrivProtocol{
	"DES": gosnmp.DES, "AES": gosnmp.AES, "AES192": gosnmp.AES192, "AES256": gosnmp.AES256,
}

func trimDot(oid string) string {
	if len(oid) > 0 && oid[0] == '.' {
		return oid[1:]
	}
	return oid
}

var _ transfer.Reader = (*Reader)(nil)
