package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/internal/httpapi"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// DefaultAuditRetention is how long audit journal rows are kept.
const DefaultAuditRetention = 365 * 24 * time.Hour

// maintenanceEvery is the period of the audit journal's and the login
// guard's pruning.
const maintenanceEvery = time.Hour

// newLoginGuard returns the failed-login guard counting in the database
// and following the blocks of the other nodes. Call it before the feed's
// Start, and Load the guard after.
func (m *Main) newLoginGuard() *httpapi.LoginGuard {
	g := httpapi.NewLoginGuard()
	g.Store = m.store
	g.Logger = m.Logger
	m.feed.Subscribe(g, store.ChangeLoginBlock)
	return g
}

// startMaintenance prunes the audit journal (rows older than
// AuditRetention), idempotency keys older than 24 h and the login guard's table, at start and every
// maintenanceEvery, until the background work stops.
func (m *Main) startMaintenance() {
	retention := m.AuditRetention
	if retention == 0 {
		retention = DefaultAuditRetention
	}
	m.wg.Go(func() {
		t := time.NewTicker(maintenanceEvery)
		defer t.Stop()
		for {
			now := time.Now()
			if n, err := m.store.AuditPrune(m.bg, now.Add(-retention).UnixMilli()); err != nil {
				m.Logger.Warn("audit journal: prune", "err", err)
			} else if n > 0 {
				m.Logger.Info("audit journal: pruned", "rows", n)
			}
			if n, err := m.store.IdempotencyPrune(m.bg, now.Add(-24*time.Hour).UnixMilli()); err != nil {
				m.Logger.Warn("idempotency keys: prune", "err", err)
			} else if n > 0 {
				m.Logger.Info("idempotency keys: pruned", "rows", n)
			}
			if err := m.store.LoginPrune(m.bg, now.UnixMilli(), now.Add(-m.guard.Window).UnixMilli()); err != nil {
				m.Logger.Warn("login guard: prune", "err", err)
			}
			select {
			case <-m.bg.Done():
				return
			case <-t.C:
			}
		}
	})
}

// envDuration returns the environment variable name as a duration, def
// when it is not set, or -1 (refused by the flag's check) when it does not
// parse.
func envDuration(name string, def time.Duration) time.Duration {
	v, ok := os.LookupEnv(name)
	if !ok {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return -1
	}
	return d
}

// parseAuditFlags checks --audit-retention and parses --trusted-proxies.
func (m *Main) parseAuditFlags(trusted string) error {
	if m.AuditRetention <= 0 {
		return fmt.Errorf("--audit-retention: want a positive duration such as %s", DefaultAuditRetention)
	}
	var err error
	m.TrustedProxies, err = parseTrustedProxies(trusted)
	return err
}

// parseTrustedProxies parses --trusted-proxies: prefixes or addresses,
// comma separated.
func parseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range splitList(s) {
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("--trusted-proxies: %q is neither an address nor a prefix", f)
		}
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// newAuditCommand returns artnetd admin audit: the audit journal of a
// customer (or of everybody) since a time, oldest first.
func newAuditCommand(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:   "audit [--db DSN] [--customer ID] [--since TIME] [--until TIME] [--limit N] [-o text|json]",
		Short: "Show the audit journal of the changes customers made, oldest first",
		Long: `Shows the audit journal: every call of a command that changes something,
with its time, customer, command, parameters (secrets redacted), result
(ok or the error code), request id and client address; oldest first.

TIME: RFC 3339 (2026-01-02T15:04:05Z), a date (2026-01-02, UTC) or a
duration back from now (24h, 7d).`,
		Example: `  artnetd admin audit --customer 19052 --since 7d
  artnetd admin audit --since 2026-01-02 --until 2026-01-03 -o json`,
		Args: cobra.NoArgs,
	}
	db := dbFlag(c)
	customer := c.Flags().Int64("customer", 0, "customer id (0: every customer)")
	since := c.Flags().String("since", "24h", "the oldest time shown")
	until := c.Flags().String("until", "", "the time up to which rows are shown (exclusive; empty: now)")
	limit := c.Flags().Int("limit", 0, "at most this many rows (0: all)")
	output := c.Flags().StringP("o", "o", "text", "output: text or json")
	completeFixed(c, "o", "text", "json")
	return leafCommand(a, c, func(c *cobra.Command, _ []string) error {
		if *output != "text" && *output != "json" {
			return usageErrorf("-o %q: want text or json", *output)
		}
		if *limit < 0 {
			return usageErrorf("--limit %d: want 0 (all) or more", *limit)
		}
		return audit(c.Context(), *db, *customer, *since, *until, *limit, *output, a.stdout)
	})
}

// audit prints the journal's rows of customer (0: all) from since to
// until, at most limit (0: all).
func audit(ctx context.Context, db string, customer int64, since, until string, limit int, output string, stdout io.Writer) error {
	now := time.Now()
	f := store.AuditFilter{CustomerID: customer, Limit: limit}
	t, err := parseAuditTime(since, now)
	if err != nil {
		return fmt.Errorf("--since: %w", err)
	}
	f.Since = t.UnixMilli()
	if until != "" {
		if t, err = parseAuditTime(until, now); err != nil {
			return fmt.Errorf("--until: %w", err)
		}
		f.Until = t.UnixMilli()
	}
	st, err := openStore(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	rows, err := st.AuditList(ctx, f)
	if err != nil {
		return err
	}
	if output == "json" {
		type row struct {
			ID         int64           `json:"id"`
			Time       string          `json:"time"`
			CustomerID int64           `json:"customer_id"`
			Command    string          `json:"command"`
			Params     json.RawMessage `json:"params"`
			Result     string          `json:"result"`
			RequestID  string          `json:"request_id"`
			Client     string          `json:"client"`
			KeyID      int64           `json:"key_id"` // the sub-key's public id; 0: the main key
		}
		out := make([]row, 0, len(rows))
		for _, r := range rows {
			p := json.RawMessage(r.Params)
			if !json.Valid(p) {
				p, _ = json.Marshal(r.Params)
			}
			out = append(out, row{r.ID, time.UnixMilli(r.At).UTC().Format(time.RFC3339Nano), r.CustomerID,
				r.Command, p, r.Result, r.RequestID, r.Client, r.KeyID})
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tCUSTOMER\tKEY\tCOMMAND\tRESULT\tCLIENT\tREQUEST\tPARAMETERS")
	for _, r := range rows {
		key := "main"
		if r.KeyID != 0 {
			key = strconv.FormatInt(r.KeyID, 10)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\n", time.UnixMilli(r.At).UTC().Format("2006-01-02 15:04:05.000"),
			r.CustomerID, key, r.Command, r.Result, r.Client, r.RequestID, r.Params)
	}
	return tw.Flush()
}

// parseAuditTime parses an RFC 3339 time, a date (UTC) or a duration back
// from now ("24h", "7d").
func parseAuditTime(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if d, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(d); err == nil && n >= 0 {
			return now.Add(-time.Duration(n) * 24 * time.Hour), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("%q: want RFC 3339, YYYY-MM-DD or a duration such as 24h or 7d", s)
}
