package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/driver/snmp"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/testpeer"
	"github.com/artnet-panel/artnet-panel/internal/testpeer/netlab"
	"github.com/artnet-panel/artnet-panel/internal/transfer"
)

// nsReader reads through the SNMP driver from inside a network namespace
// (where the test's snmpd, the "switch", listens).
type nsReader struct {
	lab *netlab.Lab
	ns  string
	r   transfer.Reader
}

func (n nsReader) Read(ctx context.Context, p transfer.Port) (transfer.Counters, error) {
	var c transfer.Counters
	err := n.lab.Do(n.ns, func() error {
		var err error
		c, err = n.r.Read(ctx, p)
		return err
	})
	return c, err
}

// TestTransferUsageSNMPD: the demo dedicated server's switch port is the
// lab gateway's port facing the server, read by snmpd; traffic the server
// sends and receives across it shows up in transfer-usage-details after a
// poll, to within 2 %.
func TestTransferUsageSNMPD(t *testing.T) {
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
	e := newEnv(t)
	ctx := context.Background()
	cfg := fmt.Sprintf(`{"address":"127.0.0.1","port":%d,"community":%q,"if_index":%d}`, agent.Port, agent.Community, ifIndex)
	if err := e.store.TransferPortSet(ctx, store.TransferPort{ServiceID: 12345, CustomerID: idA, Config: []byte(cfg)}); err != nil {
		t.Fatal(err)
	}
	reader := nsReader{lab: lab, ns: lab.GatewayNS, r: &snmp.Reader{Timeout: time.Second, Retries: 3}}
	poll := func() {
		t.Helper()
		if n, err := e.api.Panel.TransferPoll(ctx, panel.TransferPollParams{Node: "n1", Reader: reader, Lease: time.Minute}); err != nil || n != 1 {
			t.Fatalf("TransferPoll = %d, %v\nsnmpd: %s", n, err, agent.Daemon.Logs.String())
		}
	}
	usage := func() (up, down int64) {
		t.Helper()
		a := e.asA("dedicated/transfer-usage-details", "service_id", dedA)
		if !a.success() {
			t.Fatal(string(a.raw))
		}
		var got struct {
			D struct {
				P []struct {
					U struct{ Up, Down int64 } `json:"transfer_usage"`
				} `json:"periods_list"`
			} `json:"transfer_usage_details"`
		}
		if err := json.Unmarshal(a.raw, &got); err != nil || len(got.D.P) != 4 {
			t.Fatalf("%s: %v", a.raw, err)
		}
		return got.D.P[3].U.Up, got.D.P[3].U.Down
	}
	poll() // the baseline
	if up, down := usage(); up != 0 || down != 0 {
		t.Fatalf("after the first reading: up %d, down %d; want 0, 0", up, down)
	}
	clientSink, err := lab.Sink(lab.ClientNS, netlab.ClientAddr)
	if err != nil {
		t.Fatal(err)
	}
	serverSink, err := lab.Sink(lab.ServerNS, netlab.ServerAddr)
	if err != nil {
		t.Fatal(err)
	}
	sent, err := lab.Blast(lab.ServerNS, clientSink, 3000, 1400)
	if err != nil {
		t.Fatal(err)
	}
	received, err := lab.Blast(lab.ClientNS, serverSink, 1500, 1200)
	if err != nil {
		t.Fatal(err)
	}
	// snmpd caches interface statistics for a few seconds: poll until the
	// traffic shows (at most 30 s).
	var up, down int64
	for deadline := time.Now().Add(30 * time.Second); ; {
		time.Sleep(time.Second)
		poll()
		if up, down = usage(); (up >= sent*98/100 && down >= received*98/100) || time.Now().After(deadline) {
			break
		}
	}
	t.Logf("the server sent %d bytes on the wire, received %d; transfer-usage-details says up %d, down %d", sent, received, up, down)
	if up < sent*98/100 || up > sent*102/100 {
		t.Errorf("up %d, want %d ± 2%%", up, sent)
	}
	if down < received*98/100 || down > received*102/100 {
		t.Errorf("down %d, want %d ± 2%%", down, received)
	}
}
