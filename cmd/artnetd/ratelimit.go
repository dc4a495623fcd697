package main

import (
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/internal/httpapi"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

// rateLimiter returns the API's limiter: --rate-limit and --rate-burst
// for every key and customer, the operators' overrides (artnetd admin
// customer rate-limit) for theirs. Without --rate-limit a request costs
// one lookup of the overrides (a map behind an atomic pointer).
func (m *Main) rateLimiter(overrides *httpapi.RateOverrides) *httpapi.RateLimiter {
	burst := m.RateBurst
	if burst <= 0 {
		burst = max(1, int(math.Ceil(m.RateLimit)))
	}
	return &httpapi.RateLimiter{RPS: m.RateLimit, Burst: burst, Overrides: overrides.Get}
}

// envFloat returns the environment variable name as a number, def when it
// is not set, or -1 (refused by the flag's check) when it is not a number.
func envFloat(name string, def float64) float64 {
	v, ok := os.LookupEnv(name)
	if !ok || v == "" {
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return -1
	}
	return f
}

func newAdminRateLimitCommand(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:   "rate-limit [--db DSN] (--id N (--rps R [--burst B] | --clear) | --list)",
		Short: "Set, clear or list customers' own API rate limits",
		Long: `Overrides serve's --rate-limit and --rate-burst for one customer (each of its
keys and the customer as a whole): --rps 0 lifts the limit. Every node applies the
change within the change feed's delay (NOTIFY on PostgreSQL, else --follow).`,
		Args: cobra.NoArgs,
	}
	db := dbFlag(c)
	id := c.Flags().Int64("id", 0, "customer id")
	rps := c.Flags().Float64("rps", 0, "requests a second (0: no limit)")
	burst := c.Flags().Int("burst", 0, "burst (0: the rate rounded up)")
	clear := c.Flags().Bool("clear", false, "remove the customer's override (serve's flags apply again)")
	list := c.Flags().Bool("list", false, "list the overrides")
	c.MarkFlagsOneRequired("rps", "clear", "list")
	c.MarkFlagsMutuallyExclusive("rps", "clear", "list")
	c.MarkFlagsMutuallyExclusive("burst", "clear")
	c.MarkFlagsMutuallyExclusive("burst", "list")
	return leafCommand(a, c, func(c *cobra.Command, _ []string) error {
		if !*list && *id <= 0 {
			return usageErrorf("--id %d: want a customer id", *id)
		}
		if *rps < 0 || *burst < 0 || math.IsNaN(*rps) || math.IsInf(*rps, 0) {
			return usageErrorf("--rps and --burst must not be negative")
		}
		st, err := openStore(c.Context(), *db)
		if err != nil {
			return err
		}
		defer st.Close()
		ctx := c.Context()
		switch {
		case *list:
			rows, err := st.RateLimits(ctx)
			if err != nil {
				return err
			}
			for _, r := range rows {
				fmt.Fprintf(a.stdout, "customer %d: %g requests a second, burst %d\n", r.CustomerID, r.RPS, r.Burst)
			}
			return nil
		case *clear:
			if err := st.RateLimitClear(ctx, *id); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "customer %d: the server's rate limit applies\n", *id)
			return nil
		}
		b := *burst
		if b == 0 {
			b = max(1, int(math.Ceil(*rps)))
		}
		if err := st.RateLimitSet(ctx, store.RateLimit{CustomerID: *id, RPS: *rps, Burst: b}); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("no customer %d", *id)
			}
			return err
		}
		if *rps == 0 {
			fmt.Fprintf(a.stdout, "customer %d: no rate limit\n", *id)
		} else {
			fmt.Fprintf(a.stdout, "customer %d: %g requests a second, burst %d\n", *id, *rps, b)
		}
		return nil
	})
}
