package artnet_test

import (
	"context"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// TestAPIKeys: a sub-key made with the SDK works in a client made as for
// the main key (NewClient(id, subKey)), within its scope only; the list
// never shows the key; deleting it ends it.
func TestAPIKeys(t *testing.T) {
	s := newServer(t)
	c := s.client()
	ctx := context.Background()
	exp := time.Now().Add(time.Hour).Truncate(time.Second)
	k, err := c.APIKeys.Create(ctx, artnet.APIKeyCreateOpts{Label: "reader", Scope: []string{artnet.ScopeReadOnly}, ExpiresAt: exp})
	if err != nil {
		t.Fatal(err)
	}
	if k.APIKey == "" || k.KeyID <= 0 || !k.ExpiresAt.Equal(exp) || k.Label != "reader" {
		t.Fatalf("created %+v", k)
	}
	sub := s.clientAs(demoID, k.APIKey)
	if _, err := sub.Customer.Details(ctx); err != nil {
		t.Fatalf("read with the sub-key: %v", err)
	}
	wantCode(t, sub.Customer.ChangeLanguage(ctx, "en"), artnet.ErrCodeAPIKeyOutOfScope)
	list, err := c.APIKeys.List(ctx)
	if err != nil || len(list) != 1 || list[0].KeyID != k.KeyID || list[0].APIKey != "" || list[0].LastUsedAt.IsZero() {
		t.Fatalf("list = %+v, %v", list, err)
	}
	_, err = sub.APIKeys.List(ctx)
	wantCode(t, err, artnet.ErrCodeAPIKeyOutOfScope)
	if err := c.APIKeys.Delete(ctx, k.KeyID); err != nil {
		t.Fatal(err)
	}
	_, err = sub.Customer.Details(ctx)
	wantCode(t, err, artnet.ErrCodeAuthorizationFailed)
	wantCode(t, c.APIKeys.Delete(ctx, k.KeyID), artnet.ErrCodeInvalidKeyID)
	if _, err := c.APIKeys.Create(ctx, artnet.APIKeyCreateOpts{Label: "x"}); err == nil || artnet.IsError(err) {
		t.Fatalf("no scope: want a client-side error, got %v", err)
	}
}
