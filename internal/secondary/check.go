package secondary

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/artnet-panel/artnet-panel/internal/dnsd"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// check checks zone id (unless it is not due and force is false) and
// records the outcome in the store. err is the check's failure;
// storeFailed is set when the outcome could not be recorded.
func (w *Worker) check(pctx context.Context, id int64, force bool) (storeFailed bool, err error) {
	if err := w.acquire(pctx); err != nil {
		return false, err
	}
	defer w.release()
	st, err := w.Store.SecondaryZoneState(pctx, id)
	if errors.Is(err, store.ErrNotFound) {
		w.forget(id)
		return false, nil
	}
	if err != nil {
		w.log().Error("secondary: read the zone's state", "zone_id", id, "err", err)
		return true, err
	}
	now := w.now()
	if !force && st.NextCheck > now.Unix() {
		return false, nil // checked meanwhile (Refresh, another process)
	}
	// The network work is bounded; the store is written with pctx, so that
	// a check that timed out is still recorded.
	ctx, cancel := context.WithTimeout(pctx, w.checkTimeout())
	defer cancel()
	origin := dns.Fqdn(st.Domain)
	soa, from, err := w.masterSOA(ctx, origin, st.MasterNameserver)
	if err != nil {
		return w.failed(pctx, st, now, 0, err)
	}
	if st.Transferred && !serialNewer(soa.Serial, uint32(st.Serial)) {
		if soa.Serial != uint32(st.Serial) {
			w.log().Warn("secondary: the master's serial is not newer than ours; keeping ours",
				"zone", st.Domain, "master", from, "master_serial", soa.Serial, "serial", st.Serial)
		}
		return w.checkedOK(pctx, st, now, soa)
	}
	start := time.Now()
	rrs, err := w.axfr(ctx, origin, from)
	if err != nil {
		return w.failed(pctx, st, now, soa.Retry, fmt.Errorf("AXFR from %s: %w", from, err))
	}
	zsoa, lines, err := w.validate(origin, rrs)
	if err != nil {
		return w.failed(pctx, st, now, soa.Retry, fmt.Errorf("zone transferred from %s refused: %w", from, err))
	}
	if st.Transferred && !serialNewer(zsoa.Serial, uint32(st.Serial)) {
		// The master went back between the SOA query and the transfer.
		return w.checkedOK(pctx, st, now, zsoa)
	}
	refresh, retry, expire := w.timers(zsoa)
	t := store.SecondaryTransfer{
		ZoneID: st.ID, ExpectSerial: st.Serial, ExpectRefreshedAt: st.RefreshedAt,
		Serial: int64(zsoa.Serial), Records: lines,
		Refresh: secs(refresh), Retry: secs(retry), Expire: secs(expire),
		At: now.Unix(), Next: now.Add(refresh).Unix(),
	}
	switch err := w.Store.SecondaryTransferStore(pctx, t); {
	case errors.Is(err, store.ErrStale):
		// Another process stored a transfer meanwhile; serve what it stored.
		w.log().Info("secondary: zone transferred by another process meanwhile", "zone", st.Domain)
		if cur, err := w.Store.SecondaryZoneState(pctx, id); err == nil {
			w.publish(pctx, cur)
		}
		return false, nil
	case errors.Is(err, store.ErrNotFound):
		w.forget(id)
		return false, nil
	case err != nil:
		w.log().Error("secondary: store the transferred zone", "zone", st.Domain, "err", err)
		return true, err
	}
	w.log().Info("secondary: zone transferred", "zone", st.Domain, "master", from,
		"serial", zsoa.Serial, "previous_serial", st.Serial, "records", len(lines),
		"duration", time.Since(start).Round(time.Millisecond))
	st.Serial, st.RefreshedAt, st.Transferred, st.Expired = t.Serial, t.At, true, false
	w.publish(pctx, st)
	return false, nil
}

// checkedOK records a check that found the stored content current.
func (w *Worker) checkedOK(ctx context.Context, st store.SecondaryState, now time.Time, soa *dns.SOA) (bool, error) {
	refresh, _, _ := w.timers(soa)
	err := w.Store.SecondaryCheckOK(ctx, st.ID, now.Unix(), now.Add(refresh).Unix())
	if errors.Is(err, store.ErrNotFound) {
		w.forget(st.ID)
		return false, nil
	}
	if err != nil {
		w.log().Error("secondary: record a check", "zone", st.Domain, "err", err)
		return true, err
	}
	if st.Expired {
		w.log().Info("secondary: master reached again; the zone is served again", "zone", st.Domain)
	}
	st.Expired = false
	w.publish(ctx, st)
	return false, nil
}

// failed records a failed check. retry is the master's SOA RETRY when its
// SOA was seen in this check, else 0.
func (w *Worker) failed(ctx context.Context, st store.SecondaryState, now time.Time, retry uint32, cause error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err() // shutting down: not the master's failure
	}
	r := time.Duration(retry) * time.Second
	switch {
	case retry > 0:
	case st.Retry > 0:
		r = time.Duration(st.Retry) * time.Second
	default:
		r = orDefault(w.InitialRetry, DefaultInitialRetry)
	}
	next := now.Add(w.clamp(r)).Unix()
	if st.Transferred && !st.Expired {
		// Be there when the zone expires.
		if exp := st.CheckedAt + st.Expire; exp > now.Unix() && exp < next {
			next = exp
		}
	}
	expired, err := w.Store.SecondaryCheckFailed(ctx, st.ID, now.Unix(), next, cause.Error())
	if errors.Is(err, store.ErrNotFound) {
		w.forget(st.ID)
		return false, cause
	}
	if err != nil {
		w.log().Error("secondary: record a failed check", "zone", st.Domain, "check_err", cause, "err", err)
		return true, cause
	}
	w.log().Warn("secondary: check failed", "zone", st.Domain, "master", st.MasterNameserver,
		"err", cause, "failures", st.Failures+1, "next_check", time.Unix(next, 0).UTC(), "expired", expired)
	if expired && !st.Expired {
		w.log().Error("secondary: zone expired: master not reached for the SOA's EXPIRE; no longer served",
			"zone", st.Domain, "master", st.MasterNameserver, "last_contact", time.Unix(st.CheckedAt, 0).UTC())
	}
	st.Expired = expired
	w.publish(ctx, st)
	return false, cause
}

// publish calls Publish when what is served of the zone differs from what
// this worker published last (nothing, after a start).
func (w *Worker) publish(ctx context.Context, st store.SecondaryState) {
	s := stateOf(st)
	w.mu.Lock()
	prev, seen := w.published[st.ID]
	changed := prev != s && (seen || s.transferred)
	if changed {
		w.published[st.ID] = s
	}
	w.mu.Unlock()
	if changed && w.Publish != nil {
		w.Publish(ctx, st.Domain)
	}
}

// forget drops what is remembered of a deleted zone.
func (w *Worker) forget(id int64) {
	w.mu.Lock()
	delete(w.published, id)
	delete(w.holdOff, id)
	delete(w.lastNow, id)
	w.mu.Unlock()
}

// timers returns the SOA's timers as used: REFRESH and RETRY clamped to
// [MinInterval, MaxInterval], EXPIRE at least REFRESH+RETRY (as BIND
// does, so that one failed retry cannot expire a zone).
func (w *Worker) timers(soa *dns.SOA) (refresh, retry, expire time.Duration) {
	refresh = w.clamp(time.Duration(soa.Refresh) * time.Second)
	retry = w.clamp(time.Duration(soa.Retry) * time.Second)
	expire = max(time.Duration(soa.Expire)*time.Second, refresh+retry)
	return refresh, retry, expire
}

func (w *Worker) clamp(d time.Duration) time.Duration {
	return min(max(d, orDefault(w.MinInterval, DefaultMinInterval)), orDefault(w.MaxInterval, DefaultMaxInterval))
}

func secs(d time.Duration) int64 { return int64(d / time.Second) }

// serialNewer reports whether SOA serial a is newer than b in RFC 1982
// serial number arithmetic (SERIAL_BITS 32): a ≠ b and a is less than 2³¹
// ahead of b, wrapping around. Serials exactly 2³¹ apart are undefined in
// RFC 1982; they are not newer here.
func serialNewer(a, b uint32) bool {
	return a != b && int32(a-b) > 0
}

// masterAddrs returns the addresses of the master that AllowMaster allows,
// at most maxAddresses of them.
func (w *Worker) masterAddrs(ctx context.Context, master string) ([]netip.Addr, error) {
	var list []netip.Addr
	if a, err := netip.ParseAddr(master); err == nil {
		list = []netip.Addr{a}
	} else {
		rctx, cancel := context.WithTimeout(ctx, orDefault(w.QueryTimeout, DefaultQueryTimeout))
		defer cancel()
		resolve := w.Resolve
		if resolve == nil {
			resolve = func(ctx context.Context, host string) ([]netip.Addr, error) {
				return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
			}
		}
		if list, err = resolve(rctx, master); err != nil {
			return nil, fmt.Errorf("resolve master %s: %w", master, err)
		}
	}
	allow := w.AllowMaster
	if allow == nil {
		allow = DefaultAllowMaster
	}
	var out []netip.Addr
	for _, a := range list {
		a = a.Unmap()
		if allow(a) && !containsAddr(out, a) && len(out) < maxAddresses {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("master %s has no address the worker may contact (addresses: %v)", master, list)
	}
	return out, nil
}

// masterSOA asks the master's addresses for the zone's SOA, one after the
// other, and returns the first authoritative answer and the address that
// gave it.
func (w *Worker) masterSOA(ctx context.Context, origin, master string) (*dns.SOA, netip.AddrPort, error) {
	addrs, err := w.masterAddrs(ctx, master)
	if err != nil {
		return nil, netip.AddrPort{}, err
	}
	port := w.Port
	if port == 0 {
		port = 53
	}
	var errs []error
	for _, a := range addrs {
		ap := netip.AddrPortFrom(a, port)
		soa, err := w.querySOA(ctx, origin, ap)
		if err == nil {
			return soa, ap, nil
		}
		errs = append(errs, fmt.Errorf("SOA query to %s: %w", ap, err))
		if ctx.Err() != nil {
			break
		}
	}
	return nil, netip.AddrPort{}, errors.Join(errs...)
}

func (w *Worker) querySOA(ctx context.Context, origin string, ap netip.AddrPort) (*dns.SOA, error) {
	m := new(dns.Msg)
	m.SetQuestion(origin, dns.TypeSOA)
	m.RecursionDesired = false
	c := &dns.Client{Net: "udp", Timeout: orDefault(w.QueryTimeout, DefaultQueryTimeout)}
	r, err := dnsd.Exchange(ctx, c, m, ap.String())
	if err == nil && r.Truncated {
		c.Net = "tcp"
		r, err = dnsd.Exchange(ctx, c, m, ap.String())
	}
	if err != nil {
		return nil, err
	}
	if len(r.Question) != 1 || !strings.EqualFold(r.Question[0].Name, origin) || r.Question[0].Qtype != dns.TypeSOA {
		return nil, errors.New("the answer is not for the question asked")
	}
	if r.Rcode != dns.RcodeSuccess {
		return nil, fmt.Errorf("answered %s", dns.RcodeToString[r.Rcode])
	}
	if !r.Authoritative {
		return nil, errors.New("not authoritative for the zone")
	}
	for _, rr := range r.Answer {
		if soa, ok := rr.(*dns.SOA); ok && strings.EqualFold(soa.Hdr.Name, origin) {
			return soa, nil
		}
	}
	return nil, errors.New("no SOA of the zone in the answer")
}

// axfr transfers the zone from ap: every record, the closing SOA included.
// The transfer is bounded by TransferTimeout as a whole and by
// QueryTimeout per message, and stops after MaxRecords+1 records or
// MaxBytes bytes.
func (w *Worker) axfr(ctx context.Context, origin string, ap netip.AddrPort) ([]dns.RR, error) {
	ctx, cancel := context.WithTimeout(ctx, orDefault(w.TransferTimeout, DefaultTransferTimeout))
	defer cancel()
	qt := orDefault(w.QueryTimeout, DefaultQueryTimeout)
	var d net.Dialer
	dctx, dcancel := context.WithTimeout(ctx, qt)
	conn, err := d.DialContext(dctx, "tcp", ap.String())
	dcancel()
	if err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	t := &dns.Transfer{Conn: &dns.Conn{Conn: conn}, DialTimeout: qt, ReadTimeout: qt, WriteTimeout: qt}
	m := new(dns.Msg)
	m.SetAxfr(origin)
	conn.SetWriteDeadline(time.Now().Add(qt))
	env, err := t.In(m, ap.String())
	if err != nil {
		conn.Close()
		return nil, err
	}
	defer func() {
		// Stop the reading goroutine and let it finish.
		conn.Close()
		for range env {
		}
	}()
	limit := orDefault(w.MaxRecords, DefaultMaxRecords) + 1 // the closing SOA
	maxBytes := orDefault(w.MaxBytes, DefaultMaxBytes)
	var rrs []dns.RR
	size := 0
	for e := range env {
		if e.Error != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("transfer not finished in %v: %w", orDefault(w.TransferTimeout, DefaultTransferTimeout), ctx.Err())
			}
			return nil, e.Error
		}
		for _, rr := range e.RR {
			size += dns.Len(rr)
		}
		rrs = append(rrs, e.RR...)
		if len(rrs) > limit {
			return nil, fmt.Errorf("zone has more than %d records", limit-1)
		}
		if size > maxBytes {
			return nil, fmt.Errorf("zone is larger than %d bytes", maxBytes)
		}
	}
	return rrs, nil
}

// validate checks a transferred zone (origin: lower case FQDN; rrs: the
// records as received, the closing SOA included) and returns its SOA and
// its records (without the closing SOA) in presentation format.
func (w *Worker) validate(origin string, rrs []dns.RR) (*dns.SOA, []string, error) {
	if len(rrs) < 2 {
		return nil, nil, errors.New("incomplete transfer: fewer than two records")
	}
	soa, ok := rrs[0].(*dns.SOA)
	if !ok || !strings.EqualFold(soa.Hdr.Name, origin) {
		return nil, nil, fmt.Errorf("the transfer does not start with the zone's SOA: %s", short(rrs[0]))
	}
	last, ok := rrs[len(rrs)-1].(*dns.SOA)
	if !ok || !strings.EqualFold(last.Hdr.Name, origin) || last.Serial != soa.Serial {
		return nil, nil, fmt.Errorf("the transfer does not end with the zone's SOA of serial %d: %s", soa.Serial, short(rrs[len(rrs)-1]))
	}
	body := rrs[:len(rrs)-1]
	if max := orDefault(w.MaxRecords, DefaultMaxRecords); len(body) > max {
		return nil, nil, fmt.Errorf("zone has more than %d records", max)
	}
	lines := make([]string, len(body))
	for i, rr := range body {
		h := rr.Header()
		if h.Class != dns.ClassINET {
			return nil, nil, fmt.Errorf("record of class %s: %s", dns.Class(h.Class), short(rr))
		}
		if i > 0 && h.Rrtype == dns.TypeSOA {
			return nil, nil, fmt.Errorf("SOA inside the zone: %s", short(rr))
		}
		if !dns.IsFqdn(h.Name) || !dns.IsSubDomain(origin, dns.CanonicalName(h.Name)) {
			return nil, nil, fmt.Errorf("record outside the zone %s: %s", origin, short(rr))
		}
		lines[i] = rr.String()
	}
	// What is stored must read back as what was received, and make a zone
	// the DNS server accepts.
	parsed, err := ParseRecords(lines)
	if err != nil {
		return nil, nil, err
	}
	for i, rr := range parsed {
		if !dns.IsDuplicate(rr, body[i]) || rr.Header().Ttl != body[i].Header().Ttl {
			return nil, nil, fmt.Errorf("record does not survive its presentation format: %s", short(body[i]))
		}
	}
	if _, err := dnsd.NewSnapshot([]dnsd.Zone{{Origin: origin, Records: parsed}}); err != nil {
		return nil, nil, err
	}
	return soa, lines, nil
}

// short renders rr for an error message.
func short(rr dns.RR) string {
	s := strings.ReplaceAll(rr.String(), "\t", " ")
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}

// ParseRecords parses stored records (store.SecondaryContent.Records), one
// record a line in presentation format with fully qualified names.
func ParseRecords(lines []string) ([]dns.RR, error) {
	out := make([]dns.RR, len(lines))
	for i, l := range lines {
		rr, err := dns.NewRR(l)
		if err != nil {
			return nil, fmt.Errorf("record %d: %w", i, err)
		}
		if rr == nil {
			return nil, fmt.Errorf("record %d: %q is not a record", i, l)
		}
		out[i] = rr
	}
	return out, nil
}

// ServedZone converts a secondary zone's stored content to the zone the
// DNS server answers from. ok is false when the zone is not to be served:
// it was never transferred, or it expired.
func ServedZone(c store.SecondaryContent) (z dnsd.Zone, ok bool, err error) {
	if !c.Transferred || c.Expired {
		return dnsd.Zone{}, false, nil
	}
	rrs, err := ParseRecords(c.Records)
	if err != nil {
		return dnsd.Zone{}, false, fmt.Errorf("secondary zone %s: %w", c.Domain, err)
	}
	return dnsd.Zone{Origin: dns.Fqdn(c.Domain), Records: rrs}, true, nil
}
