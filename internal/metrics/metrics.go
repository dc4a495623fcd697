// Package metrics holds artnetd's Prometheus metrics, in a registry of
// its own served by `artnetd serve --metrics ADDR` at /metrics (and, with
// --pprof, net/http/pprof under /debug/pprof/ on the same address only).
//
// Other code increments the exported metrics directly; for example a
// device driver that fails:
//
//	metrics.DriverErrors.WithLabelValues("firewall").Inc()
package metrics

import (
	"net/http"
	"net/http/pprof"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Registry holds every metric below, the Go runtime's and the process's.
var Registry = prometheus.NewRegistry()

var (
	// Requests counts API requests by command ("services/details",
	// "unknown" for paths outside the catalogue) and result ("ok" or the
	// error code answered).
	Requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "artnet_api_requests_total",
		Help: "API requests by command and result (ok or the error code).",
	}, []string{"command", "result"})
	// RequestDuration is the time from the request's routing to its
	// answer, by command.
	RequestDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "artnet_api_request_duration_seconds",
		Help:    "API request latency by command.",
		Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	}, []string{"command"})
	// FailedLogins counts failed authentications (authorization-failed).
	FailedLogins = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "artnet_failed_logins_total",
		Help: "Failed API logins.",
	})
	// LoginBlocks counts client addresses blocked by the failed-login
	// guard; BlockedRequests the requests answered too-many-failed-logins.
	LoginBlocks = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "artnet_login_blocks_total",
		Help: "Client addresses blocked after too many failed logins.",
	})
	BlockedRequests = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "artnet_blocked_requests_total",
		Help: "Requests answered too-many-failed-logins.",
	})
	// RateLimited counts the requests answered rate-limited (HTTP 429).
	RateLimited = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "artnet_rate_limited_requests_total",
		Help: "Requests answered rate-limited (a key or customer over --rate-limit).",
	})
	// ChangeFeedLag is the time from a change's commit (the writer's
	// clock) to this node handing it to its subscribers, by kind.
	ChangeFeedLag = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "artnet_changefeed_lag_seconds",
		Help:    "Time from a change's commit to this node applying it, by kind.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 60},
	}, []string{"kind"})
	// DriverErrors counts failures of device drivers, by driver kind
	// ("firewall", ...).
	DriverErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "artnet_driver_errors_total",
		Help: "Device driver errors by driver kind.",
	}, []string{"kind"})
	// DNSZonesFailed is the number of zones whose last load from the
	// database failed (internal/zonesync): each is served as last loaded,
	// or not at all, until a retry succeeds.
	DNSZonesFailed = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "artnet_dns_zones_failed",
		Help: "DNS zones whose last load failed, served stale until a retry succeeds.",
	})
	// DNSLoadFailures counts failed loads of DNS zones from the database:
	// of one zone ("zone") or of every zone at once ("all").
	DNSLoadFailures = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "artnet_dns_load_failures_total",
		Help: "Failed loads of DNS zones from the database: of one zone (scope zone) or of every zone (scope all).",
	}, []string{"scope"})
	// FirewallHandEdits counts the times the nftables driver found its
	// table changed by someone else (nft by hand...) and put it back.
	FirewallHandEdits = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "artnet_firewall_hand_edits_total",
		Help: "Hand edits of the firewall's nftables table undone by the driver.",
	})
	// MachineRestarts counts the machines the hypervisor's reconciler
	// started because they were meant to run and had no process (the
	// machine died, or the host rebooted).
	MachineRestarts = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "artnet_hypervisor_machine_restarts_total",
		Help: "Machines the hypervisor reconciler started because they were meant to run and had no process.",
	})
	// DeviceMode is 1 for the mode this node runs each device kind in
	// ("firewall", "bgp", "hypervisor", "power", "registry"), 0 for the
	// other modes: "real" (a real driver), "sim" (a simulator: --demo,
	// --simulate or asked for by name) or "none" (honest mode: changes
	// wait for a node with a real driver, else answer an internal error).
	// Set it with SetDeviceMode.
	DeviceMode = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "artnet_device_mode",
		Help: "1 for the mode this node runs each device kind in: real (a real driver), sim (a simulator) or none (honest mode: only nodes with a real driver apply changes).",
	}, []string{"kind", "mode"})
)

// DeviceModes are the values of DeviceMode's mode label.
var DeviceModes = []string{"real", "sim", "none"}

// SetDeviceMode sets DeviceMode for kind: 1 for mode, 0 for the others.
func SetDeviceMode(kind, mode string) {
	for _, m := range DeviceModes {
		v := 0.0
		if m == mode {
			v = 1
		}
		DeviceMode.WithLabelValues(kind, m).Set(v)
	}
}

func init() {
	Registry.MustRegister(Requests, RequestDuration, FailedLogins, LoginBlocks, BlockedRequests, RateLimited,
		ChangeFeedLag, DriverErrors, DNSZonesFailed, DNSLoadFailures, FirewallHandEdits, MachineRestarts, DeviceMode,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	DNSLoadFailures.WithLabelValues("zone")
	DNSLoadFailures.WithLabelValues("all")
}

// DNSSource is what the DNS metrics read at each scrape (dnsd.Server).
type DNSSource interface {
	AnswersByRcode() [16]uint64
	SnapshotTime() time.Time
}

// RegisterDNS makes src the source of the DNS server's metrics: answers by
// rcode (artnet_dns_answers_total{rcode}) and the age of the snapshot
// served (artnet_dns_snapshot_age_seconds). A later call replaces the
// source (tests run several servers in one process).
func RegisterDNS(src DNSSource) {
	dnsSrc.Store(&src)
	dnsOnce.Do(func() { Registry.MustRegister(&dnsCollector{}) })
}

var (
	dnsSrc  atomic.Pointer[DNSSource]
	dnsOnce sync.Once
)

var (
	dnsAnswersDesc = prometheus.NewDesc("artnet_dns_answers_total", "DNS answers sent, by rcode.", []string{"rcode"}, nil)
	dnsAgeDesc     = prometheus.NewDesc("artnet_dns_snapshot_age_seconds", "Seconds since the DNS snapshot served was installed.", nil, nil)
)

type dnsCollector struct{}

func (c *dnsCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- dnsAnswersDesc
	ch <- dnsAgeDesc
}

var rcodeNames = [16]string{"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN",
	"YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE", "11", "12", "13", "14", "15"}

func (c *dnsCollector) Collect(ch chan<- prometheus.Metric) {
	src := *dnsSrc.Load()
	counts := src.AnswersByRcode()
	for i, n := range counts {
		if n > 0 || i == 0 || i == 3 || i == 5 {
			ch <- prometheus.MustNewConstMetric(dnsAnswersDesc, prometheus.CounterValue, float64(n), rcodeNames[i])
		}
	}
	ch <- prometheus.MustNewConstMetric(dnsAgeDesc, prometheus.GaugeValue, time.Since(src.SnapshotTime()).Seconds())
}

// FeedSource is what the change-feed gauges read (changefeed.Feed).
type FeedSource interface {
	Position() int64
	LastRead() time.Time
}

// RegisterFeed makes src the source of the change feed's gauges: the last
// id applied (artnet_changefeed_position) and the seconds since the feed
// last read the whole log (artnet_changefeed_staleness_seconds). A later
// call replaces the source.
func RegisterFeed(src FeedSource) {
	feedSrc.Store(&src)
	feedOnce.Do(func() {
		Registry.MustRegister(
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "artnet_changefeed_position",
				Help: "Id of the last change-log entry this node applied."},
				func() float64 { return float64((*feedSrc.Load()).Position()) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "artnet_changefeed_staleness_seconds",
				Help: "Seconds since this node last read the whole change log."},
				func() float64 { return time.Since((*feedSrc.Load()).LastRead()).Seconds() }),
		)
	})
}

var (
	feedSrc  atomic.Pointer[FeedSource]
	feedOnce sync.Once
)

// Handler serves /metrics and, when withPprof, net/http/pprof under
// /debug/pprof/.
func Handler(withPprof bool) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(Registry, promhttp.HandlerOpts{}))
	if withPprof {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	return mux
}
