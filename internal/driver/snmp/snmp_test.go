package snmp_test

import (
	"context"
	"encoding/json"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"

	"github.com/artnet-panel/artnet-panel/internal/driver/snmp"
	"github.com/artnet-panel/artnet-panel/internal/testpeer"
	"github.com/artnet-panel/artnet-panel/internal/testpeer/netlab"
	"github.com/artnet-panel/artnet-panel/internal/transfer"
)

// TestSNMPDCountsTraffic runs snmpd in a lab's gateway namespace (the
// "switch"), sends known traffic from the server to the client and back
// across the gateway's port gs (facing the server), and reads the port's
// counters through the driver: up (the port's in octets) grows by what the
// server sent, down (out octets) by what it received, to within 2 %.
func TestSNMPDCountsTraffic(t *testing.T) {
	lab := netlab.New(t)
	agent := testpeer.StartSNMPD(t, lab.GatewayNS)
	out, err := lab.Exec(lab.GatewayNS, "cat", "/sys/class/net/gs/ifindex")
	if err != nil {
		t.Fatalf("ifindex of gs: %v %s", err, out)
	}
	ifIndex, err := strconv.Atoi(strings.TrimSpace(out))
	if err != nil {
		t.Fatal(err)
	}
	port := transfer.Port{Address: "127.0.0.1", Port: agent.Port, Community: agent.Community, IfIndex: ifIndex}
	r := &snmp.Reader{Timeout: time.Second, Retries: 3}
	read := func() transfer.Counters {
		t.Helper()
		var c transfer.Counters
		err := lab.Do(lab.GatewayNS, func() error {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			var err error
			c, err = r.Read(ctx, port)
			return err
		})
		if err != nil {
			t.Fatalf("Read: %v\nsnmpd: %s", err, agent.Daemon.Logs.String())
		}
		return c
	}
	clientSink, err := lab.Sink(lab.ClientNS, netlab.ClientAddr)
	if err != nil {
		t.Fatal(err)
	}
	serverSink, err := lab.Sink(lab.ServerNS, netlab.ServerAddr)
	if err != nil {
		t.Fatal(err)
	}
	send := func(ns string, to netip.AddrPort, n, size int) int64 {
		t.Helper()
		b, err := lab.Blast(ns, to, n, size)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	before := read()
	up := send(lab.ServerNS, clientSink, 4000, 1400)
	down := send(lab.ClientNS, serverSink, 2000, 1000)
	// snmpd caches interface statistics for a few seconds: read until
	// the counters show the traffic (or give up after 30 s).
	after := read()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); after = read() {
		if int64(after.In-before.In) >= up*98/100 && int64(after.Out-before.Out) >= down*98/100 {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	gotUp, gotDown := int64(after.In-before.In), int64(after.Out-before.Out)
	t.Logf("server sent %d bytes on the wire: port in octets grew %d; server received %d: port out octets grew %d", up, gotUp, down, gotDown)
	within := func(got, want int64) bool { return got >= want*98/100 && got <= want*102/100 }
	if !within(gotUp, up) {
		t.Errorf("up (ifHCInOctets of the server's port) grew %d, want %d ± 2%%", gotUp, up)
	}
	if !within(gotDown, down) {
		t.Errorf("down (ifHCOutOctets of the server's port) grew %d, want %d ± 2%%", gotDown, down)
	}

	// The same port over SNMP v3 (SHA, AES): the counters have not moved
	// back; a wrong password reads nothing.
	v3 := port
	v3.Community = ""
	v3.V3 = &transfer.USMUser{User: agent.V3User, AuthProtocol: "SHA", AuthPassword: agent.V3AuthPassword,
		PrivProtocol: "AES", PrivPassword: agent.V3PrivPassword}
	if _, err := transfer.ParsePort(mustJSON(t, v3)); err != nil {
		t.Fatal(err)
	}
	port = v3
	if c := read(); c.In < after.In || c.Out < after.Out {
		t.Errorf("SNMP v3 read %+v, below the v2c reading %+v", c, after)
	}
	bad := *v3.V3
	bad.PrivPassword = "wrong-password"
	v3.V3 = &bad
	err = lab.Do(lab.GatewayNS, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, err := (&snmp.Reader{Timeout: 300 * time.Millisecond, Retries: 1}).Read(ctx, v3)
		return err
	})
	if err == nil {
		t.Error("SNMP v3 with a wrong privacy password read counters")
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fakeAgent answers SNMP v2c GETs for the two IF-MIB counters of one
// ifIndex with values the test sets: counter wrap and reset on demand.
type fakeAgent struct {
	conn    *net.UDPConn
	in, out atomic.Uint64
	wg      sync.WaitGroup
}

func startFakeAgent(t *testing.T, community string, ifIndex int) *fakeAgent {
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	a := &fakeAgent{conn: c}
	dec := &gosnmp.GoSNMP{Version: gosnmp.Version2c, Logger: gosnmp.NewLogger(nil)}
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		buf := make([]byte, 65536)
		for {
			n, from, err := c.ReadFromUDP(buf)
			if err != nil {
				return
			}
			req, err := dec.SnmpDecodePacket(buf[:n])
			if err != nil || req.Community != community || req.PDUType != gosnmp.GetRequest {
				continue
			}
			resp := &gosnmp.SnmpPacket{Version: gosnmp.Version2c, Community: community, PDUType: gosnmp.GetResponse,
				RequestID: req.RequestID, Error: gosnmp.NoError}
			for _, v := range req.Variables {
				name := strings.TrimPrefix(v.Name, ".")
				pdu := gosnmp.SnmpPDU{Name: v.Name, Type: gosnmp.NoSuchInstance}
				switch name {
				case snmp.OIDIfHCInOctets + "." + strconv.Itoa(ifIndex):
					pdu.Type, pdu.Value = gosnmp.Counter64, a.in.Load()
				case snmp.OIDIfHCOutOctets + "." + strconv.Itoa(ifIndex):
					pdu.Type, pdu.Value = gosnmp.Counter64, a.out.Load()
				}
				resp.Variables = append(resp.Variables, pdu)
			}
			b, err := resp.MarshalMsg()
			if err != nil {
				continue
			}
			c.WriteToUDP(b, from)
		}
	}()
	t.Cleanup(func() { c.Close(); a.wg.Wait() })
	return a
}

func (a *fakeAgent) port() int { return a.conn.LocalAddr().(*net.UDPAddr).Port }

// TestWrapAndReset reads a fake agent's counters through the driver
// across a 64-bit wrap and a reset, and checks transfer.Delta counts them.
func TestWrapAndReset(t *testing.T) {
	a := startFakeAgent(t, "c0mm", 7)
	p := transfer.Port{Address: "127.0.0.1", Port: a.port(), Community: "c0mm", IfIndex: 7}
	r := &snmp.Reader{Timeout: time.Second}
	read := func() transfer.Counters {
		t.Helper()
		c, err := r.Read(t.Context(), p)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	a.in.Store(^uint64(0) - 999)
	a.out.Store(5_000_000_000)
	c0 := read()
	if c0.In != ^uint64(0)-999 || c0.Out != 5_000_000_000 {
		t.Fatalf("read %+v", c0)
	}
	a.in.Store(1000) // wrapped: 2000 octets later
	a.out.Store(700) // reset (device rebooted): 700 since
	c1 := read()
	if d := transfer.Delta(c0.In, c1.In, time.Minute); d != 2000 {
		t.Errorf("wrap: delta %d, want 2000", d)
	}
	if d := transfer.Delta(c0.Out, c1.Out, time.Minute); d != 700 {
		t.Errorf("reset: delta %d, want 700", d)
	}
	// A port the agent does not have is an error, not zero traffic.
	p.IfIndex = 8
	if _, err := r.Read(t.Context(), p); err == nil {
		t.Error("Read of a missing ifIndex succeeded")
	}
	// A wrong community gets no answer: an error within the timeout.
	p.IfIndex, p.Community = 7, "wrong"
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if _, err := (&snmp.Reader{Timeout: 300 * time.Millisecond, Retries: 1}).Read(ctx, p); err == nil {
		t.Error("Read with a wrong community succeeded")
	}
}
