package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// TestAdminAudit: the journal of the changes made through a node, read
// with artnetd admin audit; rows older than --audit-retention are pruned
// when the node starts.
func TestAdminAudit(t *testing.T) {
	dsn := sqliteDSN(t)
	st, err := openStore(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	old := store.AuditEntry{At: time.Now().Add(-48 * time.Hour).UnixMilli(), CustomerID: 1, Command: "dns/delete", Params: "{}", Result: "ok"}
	if err := st.AuditWrite(context.Background(), &old); err != nil {
		t.Fatal(err)
	}
	st.Close()

	var out bytes.Buffer
	n := startNode(t, &Main{DB: dsn, HTTPAddr: "127.0.0.1:0", Demo: true, Stdout: &out, AuditRetention: 24 * time.Hour})
	match := regexp.MustCompile(`id=(\d+) api_key=([A-Za-z0-9]{32,})`).FindStringSubmatch(out.String())
	if match == nil {
		t.Fatalf("no demo credentials: %q", out.String())
	}
	id, key := match[1], match[2]
	n.mustCall(id, key, "customer/change-language", "language", "en")
	n.call(id, key, "customer/change-language", "language", "klingon")
	newKey := n.mustCall(id, key, "customer/regenerate-api-key")["api_key"].(string)
	n.mustCall(id, newKey, "services/list") // a read: not journaled
	// A sub-key's refused call is journaled with the key's public id.
	sub := n.mustCall(id, newKey, "api-keys/create", "label", "bot", "scope[]", "dns/*")["api_key_details"].(map[string]any)
	if got := n.call(id, sub["api_key"].(string), "customer/change-language", "language", "pl"); got["success"] != false {
		t.Fatalf("a dns/* key changed the language: %v", got)
	}

	// The old row goes at the start's pruning (it runs in the background).
	start := time.Now()
	for {
		all := runOK(t, "admin", "audit", "--db", dsn, "--since", "2000-01-01", "-o", "json")
		if !strings.Contains(all, "dns/delete") {
			break
		}
		if time.Since(start) > 10*time.Second {
			t.Fatalf("the row older than --audit-retention was not pruned:\n%s", all)
		}
		time.Sleep(10 * time.Millisecond)
	}

	var rows []struct {
		ID         int64           `json:"id"`
		Time       time.Time       `json:"time"`
		CustomerID int64           `json:"customer_id"`
		Command    string          `json:"command"`
		Params     json.RawMessage `json:"params"`
		Result     string          `json:"result"`
		RequestID  string          `json:"request_id"`
		Client     string          `json:"client"`
		KeyID      int64           `json:"key_id"`
	}
	js := runOK(t, "admin", "audit", "--db", dsn, "--customer", id, "--since", "1h", "-o", "json")
	if err := json.Unmarshal([]byte(js), &rows); err != nil {
		t.Fatalf("%v: %s", err, js)
	}
	want := []string{
		`customer/change-language {"language":"en"} ok`,
		`customer/change-language {"language":"klingon"} incorrect-param-value`,
		`customer/regenerate-api-key {} ok`,
		`api-keys/create {"label":"bot","scope":{"0":"dns/*"}} ok`,
		`customer/change-language {"language":"pl"} api-key-out-of-scope`,
	}
	if len(rows) != len(want) {
		t.Fatalf("journal:\n%s", js)
	}
	for i, r := range rows {
		var params bytes.Buffer
		json.Compact(&params, r.Params)
		if got := r.Command + " " + params.String() + " " + r.Result; got != want[i] || r.Client != "127.0.0.1" ||
			len(r.RequestID) < 8 || time.Since(r.Time) > time.Hour {
			t.Errorf("row %d: %+v, want %s", i, r, want[i])
		}
		if wantKey := map[bool]int64{true: int64(sub["key_id"].(float64))}[i == 4]; r.KeyID != wantKey {
			t.Errorf("row %d: key id %d, want %d", i, r.KeyID, wantKey)
		}
	}
	if strings.Contains(js, key) || strings.Contains(js, newKey) {
		t.Fatalf("an API key in the journal:\n%s", js)
	}
	if text := runOK(t, "admin", "audit", "--db", dsn, "--customer", id); !regexp.MustCompile(`\n\S+ \S+ +` + id + ` +` + fmt.Sprint(sub["key_id"]) + ` +customer/change-language +api-key-out-of-scope`).MatchString(text) {
		t.Fatalf("text output without the key id:\n%s", text)
	}
	text := runOK(t, "admin", "audit", "--db", dsn, "--customer", id, "--limit", "1")
	if lines := strings.Split(strings.TrimSpace(text), "\n"); len(lines) != 2 || !strings.Contains(lines[1], "customer/change-language") {
		t.Fatalf("text output:\n%s", text)
	}
	if got := runOK(t, "admin", "audit", "--db", dsn, "--customer", "999999", "-o", "json"); strings.TrimSpace(got) != "[]" {
		t.Fatalf("another customer's journal: %s", got)
	}
	if got := runOK(t, "admin", "audit", "--db", dsn, "--since", "1h", "--until", "2000-01-01"); strings.Count(got, "\n") != 1 {
		t.Fatalf("--until before --since: %q", got)
	}
}
