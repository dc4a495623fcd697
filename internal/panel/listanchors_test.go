package panel_test

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/artnet-panel/artnet-panel/internal/changefeed"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/store/sqlite"
)

// TestListAnchors: pages served through anchors equal pages served by
// offset, for random offsets, limits and filters, also after services are
// added through another node (the feed drops the anchors).
func TestListAnchors(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "anchors.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	other, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	c := store.Customer{Name: "Many", Language: "pl", Currency: "PLN", APIAccess: true}
	if err := st.CustomerCreate(ctx, &c); err != nil {
		t.Fatal(err)
	}
	types := []string{"dedicated", "vps"}
	add := func(s store.Store, id int64) {
		svc := store.Service{ID: id, CustomerID: c.ID, Type: types[id%2], Name: "s", Currency: "PLN", PaymentPeriod: 1}
		if err := s.ServiceCreate(ctx, &svc); err != nil {
			t.Fatal(err)
		}
	}
	for i := int64(0); i < 300; i++ {
		add(st, 1000+3*i)
	}
	plain := panel.New(st)
	anchored := panel.New(st)
	anchored.ListAnchors = &panel.ListAnchors{}
	feed := &changefeed.Feed{Store: st}
	feed.Subscribe(anchored.ListAnchors, store.ChangeServiceList)
	if err := feed.Start(ctx); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	check := func(round int) {
		for range 400 {
			f := panel.ServiceListParams{Limit: 1 + rng.IntN(40), Offset: rng.IntN(330)}
			if rng.IntN(3) == 0 {
				f.Type = types[rng.IntN(2)]
			}
			want, err := plain.ServicesList(ctx, c.ID, f)
			if err != nil {
				t.Fatal(err)
			}
			got, err := anchored.ServicesList(ctx, c.ID, f)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("round %d, %+v: anchored page differs: %d vs %d services", round, f, len(got), len(want))
			}
		}
	}
	check(1)
	// Services inserted through another node below the anchors shift every
	// position.
	for i := int64(0); i < 30; i++ {
		add(other, 1001+9*i)
	}
	if err := feed.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	check(2)
}
