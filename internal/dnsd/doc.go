// Package dnsd is the authoritative DNS server core of artnetd: it answers
// for the hosted zones over UDP and TCP, transfers them to secondaries
// (AXFR, IXFR answered as AXFR), receives and sends NOTIFY.
//
// # Use
//
//	snap, err := dnsd.NewSnapshot(zones) // validate and index every zone
//	srv := dnsd.NewServer(dnsd.Config{AXFRAllowed: prefixes, Logger: log})
//	srv.SetSnapshot(snap)
//	err = srv.ListenAndServe(ctx, "192.0.2.53:53") // or Start + Addrs
//	...
//	srv.SetSnapshot(next)                                 // a change: answered by the next query
//	err = dnsd.Notify(ctx, "example.com.", serial, secondaries) // tell the secondaries
//
// A Snapshot is immutable and read without locks; SetSnapshot swaps it
// atomically, so an update is visible to the very next query (no cache to
// wait for: the answer caches belong to the snapshot they were filled from).
//
// # Answers
//
// The answer logic is the pure function (*Snapshot).answer, following RFC
// 1034 §4.3.2 with RFC 2181, 2308, 4592, 6604, 8482:
//
//   - AA on authoritative data; NXDOMAIN and NODATA carry the zone's SOA in
//     the authority section with TTL min(SOA TTL, SOA MINIMUM);
//   - CNAME chains are followed inside the zone (at most 8, loops stop); a
//     chain ending on a missing name answers NXDOMAIN (RFC 6604);
//   - wildcards synthesise records owned by the query name, only for names
//     that do not exist: any existing name, empty non-terminals included,
//     blocks them (RFC 4592);
//   - at or below a delegation point: a referral, without AA, the NS set in
//     the authority section and the in-zone addresses of the name servers
//     (glue, occluded or not) in the additional section; DS at the
//     delegation point is answered by the parent;
//   - MX, NS and SRV answers get the in-zone A/AAAA of their targets;
//   - ANY gets one RRset (RFC 8482), over UDP and TCP;
//   - names in no hosted zone, and classes other than IN: REFUSED without
//     AA; malformed queries: FORMERR; opcodes other than QUERY and NOTIFY:
//     NOTIMP; EDNS versions other than 0: BADVERS; AXFR over UDP: NOTIMP;
//     IXFR over UDP: the SOA alone (RFC 1995 §2);
//   - the question and the records owned by the query name keep its case
//     (0x20 case randomisation);
//   - EDNS: a query with OPT gets an OPT (payload size 1232, DO copied); UDP
//     answers are limited to the client's payload size within [512, 1232] —
//     1232 is the DNS Flag Day 2020 value, which avoids IP fragmentation —
//     and to 512 bytes without EDNS. An answer that does not fit loses its
//     additional section first (TC only for a referral's glue, RFC 9471),
//     then its answer and authority sections, with TC set (RFC 2181 §9:
//     no partial RRsets).
//
// # DNSSEC
//
// A zone handed over with RRSIG records at its apex (signed by package
// dnssec: RRSIGs, an NSEC chain, DNSKEY, CDS, CDNSKEY) is signed: its
// RRSIGs are attached to the RRsets they cover and its NSEC owners sorted
// in canonical order. A query with DO then gets, following RFC 4035 §3.1,
// the RRSIGs of every RRset in the answer and authority sections (not of
// the additional data); NXDOMAIN the NSEC covering the name and the one
// covering the wildcard of its closest encloser; NODATA the name's NSEC
// (for an empty non-terminal, the NSEC covering it); a wildcard answer the
// NSEC covering the query name; a referral the child's signed DS, or the
// delegation point's NSEC proving there is none. Nothing is signed per
// query: signed answers go through the same answer caches (the DO bit is
// part of the key). Without DO the answers are those of an unsigned zone,
// the DNSSEC types being answerable as any other type. A signed answer that
// does not fit the client's UDP size is truncated as above (TC).
//
// # Transfers and NOTIFY
//
// AXFR goes over TCP only, to clients in Config.AXFRAllowed (empty: nobody)
// and, when Config.TSIG has keys, signed by one of them (every message of
// the answer is signed). The zone goes SOA first and last, in messages of
// about 16 KiB. IXFR gets the same answer (RFC 1995 §4), or the SOA alone
// when the client's serial is current. A NOTIFY received is acknowledged
// (NOERROR, AA) and reported to Config.OnNotify. Notify sends NOTIFY to the
// secondaries, with retries.
//
// # Speed
//
// UDP does not go through miekg's server. Each worker keeps a cache of
// packed answers keyed by the lower-cased query name, type, class, EDNS
// presence, DO bit and UDP size class; a hit copies the bytes and patches
// the ID, the RD/CD flags and the question name (records owned by the query
// name are compression pointers to it, so they take its case too), with no
// allocation. The cache belongs to the snapshot: a worker drops it when it
// sees a new one. On Linux, for a specific listening address, each worker
// has its own SO_REUSEPORT socket and OS thread blocked in recvmmsg and
// answers in batches with sendmmsg (udp_linux.go); elsewhere, and for
// 0.0.0.0/::, a netpoller loop serves (with IP_PKTINFO so that answers leave
// from the address queried). TCP uses miekg's dns.Server with the Server as
// handler (ServeDNS). bench/dns/run.sh compares the CPU cost per query with
// Knot DNS.
package dnsd
