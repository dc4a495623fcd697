package main

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/bgp"
	"github.com/artnet-panel/artnet-panel/internal/driver/gobgp"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
)

func hashKey(k string) []byte { return panel.HashAPIKey(k) }

// TestBGPKill9 builds artnetd, runs it with the GoBGP driver against a
// second BGP speaker, kills it with SIGKILL (no BGP NOTIFICATION, no
// cleanup) and starts it again on the same database: the peer keeps the
// routes meanwhile (graceful restart) and ends with exactly the
// database's announcements.
func TestBGPKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the artnetd binary")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir := t.TempDir()
	bin := artnetdBinary(t)
	local := netip.MustParseAddr("127.0.0.1")
	col, err := gobgp.StartCollector(ctx, netip.MustParseAddr("127.0.0.4"), 64531, local, 64530)
	if err != nil {
		t.Fatal(err)
	}
	defer col.Close()
	dsn := "sqlite:" + filepath.Join(dir, "artnet.db")
	httpAddr := freeAddr(t)
	start := func(demo bool) *exec.Cmd {
		args := []string{"serve", "--db", dsn, "--http", httpAddr, "--bgp-asn", "64530", "--bgp-router-id", "127.0.0.1",
			"--bgp-local-address", "127.0.0.1", "--bgp-peers", fmt.Sprintf("64531@127.0.0.4:%d", col.Port)}
		if demo {
			args = append(args, "--demo")
		}
		return startArtnetd(t, bin, nil, httpAddr, args...)
	}
	proc := start(true)
	defer func() { proc.Process.Kill(); proc.Wait() }()
	// The demo customer's key is printed only once; give it a known one.
	key := strings.Repeat("K", 40)
	st, err := openStore(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CustomerSetAPIKey(ctx, 19052, hashKey(key)); err != nil {
		t.Fatal(err)
	}
	st.Close()
	enable := func(ip string) {
		resp, err := http.PostForm("http://"+httpAddr+"/api/ip-blackholing/enable", url.Values{"id": {"19052"}, "api_key": {key}, "ip": {ip}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	enable("123.123.124.1")
	enable("123.123.124.2")
	want := func() bgp.State { return storedState(t, ctx, mustStore(t, ctx, dsn), BGPConfig{}) }
	before := want()
	if rib, err := col.WaitRIB(ctx, func(r map[netip.Prefix]bgp.Announcement) bool { return gobgp.SameRIB(r, before) }); err != nil {
		t.Fatalf("%v: %v", err, rib)
	}

	proc.Process.Signal(syscall.SIGKILL)
	proc.Wait()
	for col.Established(ctx) {
		time.Sleep(5 * time.Millisecond)
	}
	if rib, err := col.RIB(ctx); err != nil || !gobgp.SameRIB(rib, before) {
		t.Fatalf("after kill -9 the peer holds %v (%v), want the routes kept (graceful restart)", rib, err)
	}
	// While it is down the operator removes one blackhole.
	runOK(t, "admin", "blackhole", "remove", "--db", dsn, "123.123.124.2")
	mark := len(col.Updates())
	proc = start(false)
	w := want()
	if rib, err := col.WaitRIB(ctx, func(r map[netip.Prefix]bgp.Announcement) bool { return gobgp.SameRIB(r, w) && col.Established(ctx) }); err != nil {
		t.Fatalf("%v: the peer holds %v, want %v", err, rib, w)
	}
	for _, u := range col.Updates()[mark:] {
		if u.Withdraw && u.Announcement.Prefix == netip.MustParsePrefix("123.123.124.1/32") {
			t.Fatal("a route kept across the restart was withdrawn")
		}
	}
	t.Logf("after kill -9 and restart the peer holds exactly %v", w.Announcements)
}

func mustStore(t *testing.T, ctx context.Context, dsn string) store.Store {
	t.Helper()
	st, err := openStore(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
