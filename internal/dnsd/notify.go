package dnsd

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/miekg/dns"
)

// Notify timing: each target gets up to notifyAttempts tries, the n-th one
// waiting notifyTimeout·n for the answer (RFC 1996 §3.6 asks to retry a
// NOTIFY that is not acknowledged). Variables so that tests can shorten them.
var (
	notifyAttempts = 5
	notifyTimeout  = time.Second
)

// Notify tells each target ("host:port", or "host" for port 53) that zone
// changed to serial, with a NOTIFY message (RFC 1996) over UDP carrying the
// new SOA serial in its answer section. The targets are notified in
// parallel; each is retried until it acknowledges (NOERROR), answers with an
// error rcode (not retried), the tries run out, or ctx ends. The error joins
// the failures of every target; nil means every target acknowledged.
func Notify(ctx context.Context, zone string, serial uint32, targets []string) error {
	zone = dns.CanonicalName(zone)
	errs := make([]error, len(targets))
	var wg sync.WaitGroup
	for i, t := range targets {
		addr := t
		if _, _, err := net.SplitHostPort(t); err != nil {
			addr = net.JoinHostPort(t, "53")
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := notifyOne(ctx, zone, serial, addr); err != nil {
				errs[i] = fmt.Errorf("notify %s of %s serial %d: %w", t, zone, serial, err)
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func notifyOne(ctx context.Context, zone string, serial uint32, addr string) error {
	var last error
	for attempt := 1; attempt <= notifyAttempts; attempt++ {
		if err := ctx.Err(); err != nil {
			if last != nil {
				return fmt.Errorf("%w (last try: %v)", err, last)
			}
			return err
		}
		m := new(dns.Msg)
		m.SetNotify(zone)
		m.Answer = []dns.RR{&dns.SOA{
			Hdr:    dns.RR_Header{Name: zone, Rrtype: dns.TypeSOA, Class: dns.ClassINET},
			Ns:     ".",
			Mbox:   ".",
			Serial: serial,
		}}
		c := &dns.Client{Net: "udp", Timeout: notifyTimeout * time.Duration(attempt)}
		r, err := Exchange(ctx, c, m, addr)
		if err != nil {
			last = err
			continue
		}
		if r.Opcode != dns.OpcodeNotify || !r.Response {
			last = fmt.Errorf("unexpected answer (opcode %s)", dns.OpcodeToString[r.Opcode])
			continue
		}
		if r.Rcode != dns.RcodeSuccess {
			return fmt.Errorf("answered %s", dns.RcodeToString[r.Rcode])
		}
		return nil
	}
	return fmt.Errorf("no acknowledgement after %d tries: %w", notifyAttempts, last)
}

// Exchange is c.ExchangeContext, cut short when ctx ends: miekg/dns only
// takes the context's deadline, so a stopping node would otherwise wait
// for a silent peer's timeout.
func Exchange(ctx context.Context, c *dns.Client, m *dns.Msg, addr string) (*dns.Msg, error) {
	conn, err := c.DialContext(ctx, addr)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) })
	defer stop()
	r, _, err := c.ExchangeWithConnContext(ctx, m, conn)
	if err != nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	return r, err
}
