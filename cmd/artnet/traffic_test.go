package main

import (
	"context"
	"strconv"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/transfer"
)

type panelKey struct{}

// fixedCounters is a switch port whose counters the script sets.
type fixedCounters transfer.Counters

func (c fixedCounters) Read(context.Context, transfer.Port) (transfer.Counters, error) {
	return transfer.Counters(c), nil
}

// cmdTraffic gives a service of the demo customer a switch port (once)
// and polls it as the SNMP poller does, the port's counters at IN and OUT
// octets:
//
//	traffic SERVICE_ID IN OUT
func cmdTraffic(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: traffic SERVICE_ID IN OUT")
	}
	id, err1 := strconv.ParseInt(args[0], 10, 64)
	in, err2 := strconv.ParseUint(args[1], 10, 64)
	out, err3 := strconv.ParseUint(args[2], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		ts.Fatalf("traffic: bad numbers %v", args)
	}
	p := ts.Value(panelKey{}).(*panel.Panel)
	ctx := context.Background()
	if _, err := p.Store.TransferPortGet(ctx, demoID, id); err != nil {
		ts.Check(p.Store.TransferPortSet(ctx, store.TransferPort{ServiceID: id, CustomerID: demoID,
			Config: []byte(`{"address":"192.0.2.1","community":"script","if_index":1}`)}))
	}
	n, err := p.TransferPoll(ctx, panel.TransferPollParams{Node: "script", Reader: fixedCounters{In: in, Out: out}, Lease: time.Minute})
	ts.Check(err)
	if n < 1 {
		ts.Fatalf("traffic: the port was not polled")
	}
}
