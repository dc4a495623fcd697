package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/store/postgres/pgtest"
)

// TestIdempotentOrderCrash: artnetd dies (SIGKILL, ARTNETD_FAILPOINT)
// after an additional-ip/order sent with an Idempotency-Key committed and
// before its answer is kept or sent; the client retries with the key on
// the restarted node: still one order, and the retry is answered
// idempotent-request-done (found committed in the audit journal once the
// dead attempt's lease ended), as is every later repeat. SQLite and
// PostgreSQL.
func TestIdempotentOrderCrash(t *testing.T) {
	bin := artnetdBinary(t)
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			dsn := "sqlite:" + filepath.Join(t.TempDir(), "artnet.db")
			if db == "postgres" {
				dsn = pgtest.NewSchema(t)
			}
			addr := freeAddr(t)
			args := []string{"serve", "--db", dsn, "--http", addr, "--demo",
				"--access-log", filepath.Join(t.TempDir(), "access.log"), "--follow", "200ms"}
			cmd := startArtnetd(t, bin, append(os.Environ(), "ARTNETD_FAILPOINT=idempotency-answer"), addr, args...)
			id, key := demoKey(t, dsn)
			st := mustStore(t, context.Background(), dsn)
			orders := func() int {
				list, err := st.ServiceList(context.Background(), store.ServiceFilter{CustomerID: 19052, Type: "additional-ip"})
				if err != nil {
					t.Fatal(err)
				}
				return len(list)
			}
			before := orders()
			order := func() (int, map[string]any, error) {
				v := url.Values{"id": {id}, "api_key": {key}, "parent_service_id": {"12345"}, "ips_number": {"1"}}
				req, _ := http.NewRequest("POST", "http://"+addr+"/api/additional-ip/order", strings.NewReader(v.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Idempotency-Key", `"crash-1"`)
				resp, err := (&http.Client{Timeout: 60 * time.Second}).Do(req)
				if err != nil {
					return 0, nil, err
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				var body map[string]any
				if err := json.Unmarshal(b, &body); err != nil {
					return resp.StatusCode, nil, err
				}
				return resp.StatusCode, body, nil
			}
			if _, body, err := order(); err == nil {
				t.Fatalf("the first attempt was answered: %v", body)
			}
			err := cmd.Wait()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("artnetd did not die of SIGKILL: %v", err)
			}
			if got := orders(); got != before+1 {
				t.Fatalf("%d orders committed before the crash, want 1", got-before)
			}
			cmd = startArtnetd(t, bin, nil, addr, args...)
			t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
			start := time.Now()
			for i := range 2 {
				status, body, err := order()
				if err != nil {
					t.Fatal(err)
				}
				code, _ := body["error"].(map[string]any)["code"].(string)
				if status != 200 || code != "idempotent-request-done" {
					t.Fatalf("retry %d: HTTP %d %v", i, status, body)
				}
				if i == 0 {
					t.Logf("the retry was answered after %s (the dead attempt's lease)", time.Since(start).Round(time.Millisecond))
				}
			}
			if got := orders(); got != before+1 {
				t.Fatalf("%d orders after the retries, want 1", got-before)
			}
		})
	}
}
