package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/demo"
	"github.com/artnet-panel/artnet-panel/internal/panel"
)

// DNSSECConfig configures the DNSSEC key manager (panel.DNSSECConfig, its
// lifecycle loop) of serve.
type DNSSECConfig struct {
	// SecretKey seals the private keys (nil: --cloud-secret-key's key; with
	// --demo the public demo key).
	SecretKey   []byte
	Propagation time.Duration
	DSTTL       time.Duration
	ZSKLifetime time.Duration
	KSKLifetime time.Duration
	Retry       time.Duration
	// Tick is the period of the lifecycle loop (every node runs it; a zone
	// is acted on by one node at a time).
	Tick time.Duration

	kick chan struct{}
}

// dnssecFlags declares the DNSSEC flags on fs; the returned function
// checks and stores their values once fs is parsed.
func dnssecFlags(fs *flag.FlagSet, c *DNSSECConfig) func() error {
	key := fs.String("dnssec-secret-key", env("ARTNETD_DNSSEC_SECRET_KEY", ""), "64 hex digits: AES-256 key sealing the zones' DNSSEC private keys (prefer the environment variable; empty: --cloud-secret-key)")
	d := panel.DefaultDNSSECConfig()
	prop := fs.String("dnssec-propagation", env("ARTNETD_DNSSEC_PROPAGATION", d.Propagation.String()), "how long a zone change takes to reach every name server, with a margin (DNSSEC rollover timing)")
	dsTTL := fs.String("dnssec-ds-ttl", env("ARTNETD_DNSSEC_DS_TTL", d.DSTTL.String()), "TTL of the DS records at the parent zones (DNSSEC rollover and disable timing)")
	zsk := fs.String("dnssec-zsk-lifetime", env("ARTNETD_DNSSEC_ZSK_LIFETIME", d.ZSKLifetime.String()), "how long a zone-signing key signs before it rolls over by itself")
	ksk := fs.String("dnssec-ksk-lifetime", env("ARTNETD_DNSSEC_KSK_LIFETIME", "0s"), "how long a key-signing key signs before it rolls over by itself (0: never)")
	retry := fs.String("dnssec-retry", env("ARTNETD_DNSSEC_RETRY", d.Retry.String()), "wait after a failed DS upload to the registry")
	tick := fs.String("dnssec-tick", env("ARTNETD_DNSSEC_TICK", "1m"), "period of the DNSSEC lifecycle loop (rollovers, DS uploads, unsigning)")
	return func() error {
		var err error
		if *key != "" {
			if c.SecretKey, err = parseCloudKey(*key); err != nil {
				return fmt.Errorf("--dnssec-secret-key: want %d hex digits", 2*panel.CloudSecretKeySize)
			}
		}
		for _, f := range []struct {
			name string
			v    string
			to   *time.Duration
			zero bool
		}{
			{"dnssec-propagation", *prop, &c.Propagation, false}, {"dnssec-ds-ttl", *dsTTL, &c.DSTTL, false},
			{"dnssec-zsk-lifetime", *zsk, &c.ZSKLifetime, false}, {"dnssec-ksk-lifetime", *ksk, &c.KSKLifetime, true},
			{"dnssec-retry", *retry, &c.Retry, false}, {"dnssec-tick", *tick, &c.Tick, false},
		} {
			v, err := time.ParseDuration(f.v)
			if err != nil || v < 0 || (v == 0 && !f.zero) {
				return fmt.Errorf("--%s %q: want a positive duration such as 1h", f.name, f.v)
			}
			*f.to = v
		}
		return nil
	}
}

// configureDNSSEC gives the panel its DNSSEC configuration (the DNSKEY
// TTL is the SOA's TTL: the signer's).
func (m *Main) configureDNSSEC(p *panel.Panel) {
	c := &m.DNSSEC
	key := c.SecretKey
	if key == nil {
		key = m.Cloud.SecretKey
	}
	if key == nil && m.Demo {
		key = demo.CloudSecretKey
	}
	ttl := time.Duration(m.DNS.SOA.TTL) * time.Second
	p.DNSSEC = &panel.DNSSECConfig{SecretKey: key, DNSKEYTTL: ttl, Propagation: c.Propagation, DSTTL: c.DSTTL,
		ZSKLifetime: c.ZSKLifetime, KSKLifetime: c.KSKLifetime, Retry: c.Retry}
	c.kick = make(chan struct{}, 1)
	p.DNSSECKick = func() {
		select {
		case c.kick <- struct{}{}:
		default:
		}
	}
	if key == nil {
		m.Logger.Warn("dnssec: no --dnssec-secret-key (nor --cloud-secret-key): dns/dnssec-enable answers internal-dns-error and signed zones cannot be built")
	}
}

// runDNSSEC runs the lifecycle loop until ctx ends: every Tick and when
// a command kicks it.
func (m *Main) runDNSSEC(ctx context.Context, p *panel.Panel) {
	tick := m.DNSSEC.Tick
	if tick <= 0 {
		tick = time.Minute
	}
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		if err := p.DNSSECAdvance(ctx); err != nil && ctx.Err() == nil {
			m.Logger.Warn("dnssec: lifecycle", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-m.DNSSEC.kick:
		}
	}
}
