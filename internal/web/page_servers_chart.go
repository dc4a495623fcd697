package web

import (
	"math"
	"strconv"
	"strings"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// The transfer chart of a dedicated server or colocation: one pair of
// bars (sent, received) per payment period of transfer-usage-details,
// scaled to a round maximum above the largest value, drawn as SVG by the
// template "srvchart" (templates/_servers.html) from the coordinates
// computed here: html/template escapes every text and attribute, and
// colours come from CSS classes (the Content-Security-Policy allows no
// style attribute). The numbers are in the table below the chart as well.

// Geometry of the chart, in SVG user units (the viewBox; the image
// scales to the page's width).
const (
	chartW, chartH         = 640, 300
	chartLeft, chartRight  = 84, 12 // room for the Y axis's labels
	chartTop, chartBottom  = 16, 60 // room for the periods' labels
	chartBarW, chartBarGap = 34, 4  // a bar and the gap in a pair
	chartTicks             = 4      // grid lines above zero
	chartLabel             = 16     // line height of the periods' labels
)

// srvChart is a transfer chart.
type srvChart struct {
	W, H                   int
	Left, Top, Right, Base float64 // the plot area: x from Left to Right, y from Top down to Base (zero)
	Ticks                  []srvTick
	Pairs                  []srvPair
	Max                    int64 // the largest value, bytes
}

// srvTick is a grid line of the Y axis.
type srvTick struct {
	Y     float64
	Label string
}

// srvPair is the pair of bars of one period.
type srvPair struct {
	From, To         artnet.Timestamp
	Up, Down         int64 // bytes
	UpX, DownX, W    float64
	UpY, UpH         float64
	DownY, DownH     float64
	LabelX           float64
	LabelY1, LabelY2 float64
	LabelY3          float64
	Current          bool // the current (last) period
}

// transferChart computes the chart of periods (nil when there are none).
func transferChart(periods []artnet.TransferPeriod, lang string) *srvChart {
	if len(periods) == 0 {
		return nil
	}
	c := &srvChart{W: chartW, H: chartH, Left: chartLeft, Top: chartTop, Right: chartW - chartRight,
		Base: chartH - chartBottom}
	for _, p := range periods {
		c.Max = max(c.Max, p.TransferUsage.Up, p.TransferUsage.Down)
	}
	top, step, unit, name := niceScale(c.Max)
	plotH := c.Base - c.Top
	for i := 0; step*float64(i) <= top+step/2; i++ {
		v := step * float64(i)
		c.Ticks = append(c.Ticks, srvTick{Y: round1(c.Base - plotH*v/top), Label: tickLabel(v/unit, name, lang)})
	}
	slot := (c.Right - c.Left) / float64(len(periods))
	for i, p := range periods {
		mid := c.Left + slot*(float64(i)+0.5)
		pr := srvPair{From: p.TimeRange.From, To: p.TimeRange.To, Up: p.TransferUsage.Up, Down: p.TransferUsage.Down,
			W: chartBarW, UpX: round1(mid - chartBarGap/2 - chartBarW), DownX: round1(mid + chartBarGap/2),
			LabelX: round1(mid), LabelY1: c.Base + chartLabel + 2, LabelY2: c.Base + 2*chartLabel + 2,
			LabelY3: c.Base + 3*chartLabel + 2,
			Current: i == len(periods)-1}
		pr.UpH = round1(plotH * float64(pr.Up) / top)
		pr.DownH = round1(plotH * float64(pr.Down) / top)
		pr.UpY, pr.DownY = round1(c.Base-pr.UpH), round1(c.Base-pr.DownH)
		c.Pairs = append(c.Pairs, pr)
	}
	return c
}

// niceScale returns the top of the Y axis (bytes), the step of its grid
// lines, and the binary unit (bytes) and its name the labels use: the
// step is 1, 2, 2.5 or 5 × 10^n of the unit, so that chartTicks steps
// reach max.
func niceScale(maxBytes int64) (top, step, unit float64, name string) {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB"}
	unit, i := 1, 0
	for float64(maxBytes)/unit >= 1024 && i < len(units)-1 {
		unit *= 1024
		i++
	}
	v := float64(maxBytes) / unit
	if v <= 0 {
		v = 1
	}
	raw := v / chartTicks
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	s := mag * 10
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			s = m * mag
			break
		}
	}
	if i == 0 && s < 1 {
		s = 1 // whole bytes
	}
	steps := math.Ceil(v/s - 1e-9)
	return steps * s * unit, s * unit, unit, units[i]
}

// tickLabel formats a grid line's value in its unit, the decimal
// separator of the language.
func tickLabel(v float64, unit, lang string) string {
	s := strconv.FormatFloat(math.Round(v*1000)/1000, 'f', -1, 64)
	if lang == "pl" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s + " " + unit
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }
