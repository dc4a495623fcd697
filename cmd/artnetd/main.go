// Command artnetd is the Artnet Customers Panel API server and its operator
// tool.
//
//	artnetd serve [--db DSN] [--http ADDR] [--dns ADDR] [--demo] [--dns-* ...]
//	artnetd admin import [--db DSN] FILE
//	artnetd admin export [--db DSN] [--format json|yaml]
//	artnetd admin customer create [--db DSN] --name NAME [--email EMAIL]
//	artnetd admin customer api-access [--db DSN] --id N --enable|--disable
//	artnetd admin zone import|export|allow [--db DSN] ...
//	artnetd admin blackhole add|remove|list [--db DSN] ...
//	artnetd admin audit [--db DSN] [--customer ID] [--since TIME] [-o json]
//
// Every flag has an ARTNETD_* environment equivalent (ARTNETD_DB,
// ARTNETD_HTTP, ARTNETD_DNS, ARTNETD_DEMO, ARTNETD_DNS_NAMESERVERS, ...). The default database is the
// embedded SQLite file ./artnet.db.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, errUsage) {
			fmt.Fprintln(os.Stderr, "artnetd:", err)
		}
		os.Exit(2)
	}
}

var errUsage = errors.New("usage")

const usage = `usage:
  artnetd serve [--db DSN] [--http ADDR] [--dns ADDR] [--demo] [--follow DURATION]
                [--dns-nameservers LIST] [--dns-soa-mbox MBOX] [--dns-axfr-allow PREFIXES]
                [--dns-notify HOST:PORT,...] [--dns-allow-private-masters]
                [--firewall sim|nft|none] [--bgp-asn ASN --bgp-router-id IP --bgp-peers ASN@ADDR[:PORT],...]
                [--bgp-listen HOST:PORT] [--bgp-blackhole-nexthop IP] [--bgp-blackhole-nexthop6 IP]
                [--audit-retention DURATION] [--trusted-proxies PREFIXES]
                [--smtp-host HOST [--smtp-port N] [--smtp-tls starttls|tls|none] [--smtp-user USER] --mail-from ADDR]
                [--queue] [--management-url URL]
  artnetd admin import [--db DSN] FILE
  artnetd admin export [--db DSN] [--format json|yaml]
  artnetd admin customer create [--db DSN] --name NAME [--email EMAIL] [--language pl|en] [--currency PLN]
  artnetd admin customer api-access [--db DSN] --id N (--enable | --disable)
  artnetd admin zone import [--db DSN] --customer ID --domain DOMAIN FILE|-
  artnetd admin zone export [--db DSN] --domain DOMAIN
  artnetd admin zone allow [--db DSN] --customer ID --domain DOMAIN
  artnetd admin blackhole add [--db DSN] --customer ID IP
  artnetd admin blackhole remove [--db DSN] IP
  artnetd admin blackhole list [--db DSN] [--customer ID]
  artnetd admin audit [--db DSN] [--customer ID] [--since TIME] [--until TIME] [--limit N] [-o text|json]
  artnetd admin mail list [--db DSN] [--status recorded|queued|sent|failed] [--limit N]
  artnetd admin mail retry [--db DSN] ID...

DSN: sqlite:PATH (default sqlite:./artnet.db) or postgres://USER@HOST:PORT/DB
`

// run dispatches the subcommands; it returns when the command is done (for
// serve: when ctx is cancelled and the server has shut down).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], stdout, stderr)
	case "admin":
		return runAdmin(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "unknown command %q\n%s", args[0], usage)
	return errUsage
}
