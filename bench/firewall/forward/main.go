// Command forward measures what the nftables driver's table costs the
// gateway: in a netlab (client, gateway, server network namespaces on this
// machine only), it applies, in the same run, no table, an empty State,
// and a ruleset of 10, 100 and 1,000 rules whose last rule is the one
// that accepts (the others match TCP and fail on the port), and measures
//
//   - new TCP connections per second from client to server through the
//     gateway (every SYN walks the whole ruleset; the rest of the
//     connection is matched by "ct state established" early), and
//   - with iperf3 when installed, the throughput of one established TCP
//     flow (which the rulesets should not change).
//
// Configurations are interleaved over several rounds and the median is
// kept; ratios are against the empty table. Needs root. Bounded: about
// rounds × 5 × duration seconds, plus 5 iperf3 runs of duration seconds.
//
//	go run ./bench/firewall/forward -duration 2s -rounds 3
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/driver/nft"
	"github.com/artnet-panel/artnet-panel/internal/firewall"
	"github.com/artnet-panel/artnet-panel/internal/testpeer/netlab"
)

type config struct {
	name  string
	rules int // -1: no table at all
	// servers is how many server addresses the ruleset covers (0: only
	// the lab's server); the others are addresses no probe uses.
	servers int
}

func main() {
	duration := flag.Duration("duration", 2*time.Second, "length of each connect loop and iperf3 run")
	rounds := flag.Int("rounds", 5, "rounds of connect loops (median kept)")
	workers := flag.Int("workers", 4, "concurrent connecting goroutines")
	useIperf := flag.Bool("iperf", true, "also measure one TCP flow with iperf3 when installed")
	flag.Parse()
	if os.Geteuid() != 0 {
		fmt.Fprintln(os.Stderr, "forward: needs root (network namespaces, nftables)")
		os.Exit(2)
	}
	lab, err := netlab.Create("anb")
	if err != nil {
		fmt.Fprintln(os.Stderr, "forward:", err)
		os.Exit(1)
	}
	code := 0
	defer func() { lab.Close(); os.Exit(code) }()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() { <-sig; lab.Close(); os.Exit(130) }()
	if err := run(lab, *duration, *rounds, *workers, *useIperf); err != nil {
		fmt.Fprintln(os.Stderr, "forward:", err)
		code = 1
	}
}

func state(rules, servers int) firewall.State {
	if rules <= 0 {
		return firewall.State{}
	}
	all := netip.MustParsePrefix("0.0.0.0/0")
	rs := firewall.Ruleset{ID: "bench", Enabled: true}
	// The lab's server last: dispatch must find it among the others.
	for i := range servers - 1 {
		rs.Servers = append(rs.Servers, netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 200, byte(i >> 8), byte(i)}), 32))
	}
	rs.Servers = append(rs.Servers, netip.PrefixFrom(netlab.ServerAddr, 32))
	// Rules that match TCP and fail on the destination port, the common
	// shape ("tcp dport X accept"), then one that accepts the benchmark's
	// ports (80 for the connect loop, 5201 for iperf3).
	for j := range rules - 1 {
		rs.In = append(rs.In, firewall.Rule{Accept: true, Protocol: 6, Src: all, Dst: all,
			DstPorts: firewall.PortRange{Lo: uint16(10000 + j), Hi: uint16(10000 + j)}})
	}
	rs.In = append(rs.In, firewall.Rule{Accept: true, Protocol: 6, Src: all, Dst: all,
		DstPorts: firewall.PortRange{Lo: 80, Hi: 5201}})
	return firewall.State{Rulesets: []firewall.Ruleset{rs}}
}

func apply(lab *netlab.Lab, d *nft.Driver, c config) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if c.rules < 0 {
		return d.Remove(ctx)
	}
	return d.Apply(ctx, state(c.rules, c.servers))
}

func run(lab *netlab.Lab, duration time.Duration, rounds, workers int, useIperf bool) error {
	target := netip.AddrPortFrom(netlab.ServerAddr, 80).String()
	if err := lab.Listen(lab.ServerNS, "0.0.0.0:80"); err != nil {
		return err
	}
	d := &nft.Driver{NetNS: lab.GatewayNS}
	configs := []config{{"no table", -1, 0}, {"empty table", 0, 0}, {"10 rules", 10, 0}, {"100 rules", 100, 0},
		{"1,000 rules", 1000, 0}, {"10 rules × 10,000 servers", 10, 10000}}
	rates := make([][]float64, len(configs))
	// Warm up (ARP, conntrack, code paths).
	if _, err := connectLoop(lab, target, 300*time.Millisecond, workers); err != nil {
		return err
	}
	for r := range rounds {
		for i, c := range configs {
			if err := apply(lab, d, c); err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			rate, err := connectLoop(lab, target, duration, workers)
			if err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			rates[i] = append(rates[i], rate)
			fmt.Fprintf(os.Stderr, "round %d/%d %-27s %8.0f conn/s\n", r+1, rounds, c.name, rate)
		}
	}
	var tput []float64
	if useIperf {
		if _, err := exec.LookPath("iperf3"); err != nil {
			fmt.Fprintln(os.Stderr, "iperf3 not installed: throughput column left out (apt-get install iperf3)")
			useIperf = false
		}
	}
	if useIperf {
		stop, err := iperfServer(lab)
		if err != nil {
			return err
		}
		defer stop()
		for _, c := range configs {
			if err := apply(lab, d, c); err != nil {
				return err
			}
			bps, err := iperfClient(lab, duration)
			if err != nil {
				return fmt.Errorf("iperf3 %s: %w", c.name, err)
			}
			tput = append(tput, bps)
			fmt.Fprintf(os.Stderr, "iperf3 %-27s %6.2f Gbit/s\n", c.name, bps/1e9)
		}
	}
	d.Remove(context.Background())

	med := make([]float64, len(configs))
	for i := range configs {
		med[i] = median(rates[i])
	}
	base := med[1]
	fmt.Printf("\nForwarding through the nftables driver's table (netlab, %d workers, %d rounds of %v, median)\n\n", workers, rounds, duration)
	fmt.Printf("%-27s %12s %8s %14s", "table", "new conn/s", "ratio", "µs/conn extra")
	if useIperf {
		fmt.Printf(" %14s %8s", "iperf3 Gbit/s", "ratio")
	}
	fmt.Println()
	for i, c := range configs {
		fmt.Printf("%-27s %12.0f %8.3f %14.2f", c.name, med[i], med[i]/base, (1/med[i]-1/base)*1e6)
		if useIperf {
			fmt.Printf(" %14.2f %8.3f", tput[i]/1e9, tput[i]/tput[1])
		}
		fmt.Println()
	}
	fmt.Println("\nratio: against the empty table; µs/conn extra: 1/rate − 1/rate(empty table), for the whole connection (SYN walks the rules).")
	return nil
}

// connectLoop connects from the client to target with workers goroutines
// for d and returns connections per second. Each connection is reset on
// close, so no TIME_WAIT piles up.
func connectLoop(lab *netlab.Lab, target string, d time.Duration, workers int) (float64, error) {
	var n atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	start := time.Now()
	end := start.Add(d)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- lab.Do(lab.ClientNS, func() error {
				for time.Now().Before(end) {
					c, err := net.DialTimeout("tcp4", target, time.Second)
					if err != nil {
						return err
					}
					c.(*net.TCPConn).SetLinger(0)
					c.Close()
					n.Add(1)
				}
				return nil
			})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return 0, err
		}
	}
	return float64(n.Load()) / time.Since(start).Seconds(), nil
}

func iperfServer(lab *netlab.Lab) (stop func(), err error) {
	cmd := exec.Command("ip", "netns", "exec", lab.ServerNS, "iperf3", "-s", "-B", netlab.ServerAddr.String(), "-p", "5201")
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	time.Sleep(300 * time.Millisecond)
	return func() { cmd.Process.Kill(); cmd.Wait() }, nil
}

func iperfClient(lab *netlab.Lab, d time.Duration) (float64, error) {
	secs := fmt.Sprint(max(1, int(d.Seconds())))
	out, err := lab.Exec(lab.ClientNS, "iperf3", "-c", netlab.ServerAddr.String(), "-p", "5201", "-t", secs, "-J")
	if err != nil {
		return 0, err
	}
	var res struct {
		End struct {
			SumReceived struct {
				BitsPerSecond float64 `json:"bits_per_second"`
			} `json:"sum_received"`
		} `json:"end"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		return 0, fmt.Errorf("iperf3 output: %w", err)
	}
	return res.End.SumReceived.BitsPerSecond, nil
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}
