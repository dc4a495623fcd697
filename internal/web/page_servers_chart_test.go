package web

import (
	"math"
	"testing"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// TestServersChartScale: the Y axis ends at a round value of a binary
// unit at or above the largest value, in chartTicks steps at most.
func TestServersChartScale(t *testing.T) {
	const gib = 1 << 30
	for _, c := range []struct {
		max             int64
		top, step, unit float64
		name            string
	}{
		{0, 1, 1, 1, "B"},
		{3, 3, 1, 1, "B"},
		{1000, 1000, 250, 1, "B"},
		{200 * gib, 200 * gib, 50 * gib, gib, "GiB"},
		{175 * gib, 200 * gib, 50 * gib, gib, "GiB"},
		{1536 * gib, 1536 * gib, 512 * gib, 1024 * gib, "TiB"},
		{9 * gib / 10, 1000 * (1 << 20), 250 * (1 << 20), 1 << 20, "MiB"},
	} {
		top, step, unit, name := niceScale(c.max)
		if math.Abs(top-c.top) > 1 || math.Abs(step-c.step) > 1 || unit != c.unit || name != c.name {
			t.Errorf("niceScale(%d) = %v %v %v %s, want %v %v %v %s", c.max, top, step, unit, name, c.top, c.step, c.unit, c.name)
		}
		if top < float64(c.max) || top/step > chartTicks+1e-9 {
			t.Errorf("niceScale(%d): top %v step %v", c.max, top, step)
		}
	}
	if got := tickLabel(1.5, "GiB", "pl"); got != "1,5 GiB" {
		t.Errorf("tickLabel pl: %q", got)
	}
}

// TestServersChartZero: periods without traffic give bars of height 0,
// not NaN.
func TestServersChartZero(t *testing.T) {
	c := transferChart([]artnet.TransferPeriod{{}, {}}, "en")
	if len(c.Pairs) != 2 || len(c.Ticks) == 0 {
		t.Fatalf("chart %+v", c)
	}
	for _, p := range c.Pairs {
		if p.UpH != 0 || p.DownH != 0 || p.UpY != c.Base {
			t.Errorf("pair %+v", p)
		}
	}
	if transferChart(nil, "en") != nil {
		t.Error("a chart without periods")
	}
}
