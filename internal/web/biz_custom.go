package web

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/panel"
)

// The custom offer form: /offer-dedicated/custom-offer gives the parts a
// dedicated server can be made of and their prices ("allows the
// preparation and calculation of an order"); the API has no command that
// orders such a server, so the form calculates the price of a
// configuration (GET, nothing is stored) for the customer to send to sales.
//
// Query parameters (all optional): set (which item of resources, default
// 0), platform (index), hdd<I>, ram<I>, cpu<I>, ctrl<I> (counts of each
// disk, memory module, additional CPU and controller option), transfer and
// bandwidth (index, or -1 for none), other<I> (checkbox), ip (index or -1).

// customChoice is one line of a calculated configuration.
type customChoice struct {
	Kind  string // text key of the part's kind: "platform", "hdd", ...
	Name  string
	Count int
	Unit  artnet.Money // net price of one
	Total artnet.Money // Unit × Count
}

// customQuote is the form's state and the calculated price.
type customQuote struct {
	Set       int
	Platform  int
	Counts    map[string]int // "hdd0" → 2, ...
	Transfer  int
	Bandwidth int
	IP        int
	Others    map[int]bool

	Currency string
	Period   string
	Lines    []customChoice
	Net      artnet.Money
	VAT      artnet.Money
	Gross    artnet.Money
	// Problems are text keys with a value: a count over a limit, a part
	// without a price in the platform's currency.
	Problems []customProblem
	// Calculated is set when the form was sent (a platform chosen).
	Calculated bool
}

type customProblem struct {
	Key  string // text key
	Part string // the part's name
	Max  int
}

// priceIn returns the price of a part in currency (and its period), or
// false when the part has none in that currency.
func priceIn(prices artnet.ObjectList[artnet.OfferPrice], currency string) (artnet.OfferPrice, bool) {
	for _, p := range prices {
		if currency == "" || p.Currency == currency {
			return p, true
		}
	}
	return artnet.OfferPrice{}, false
}

// leadingInt reads the number a text starts with ("1024 GB" → 1024).
func leadingInt(s string) int {
	s = strings.TrimSpace(s)
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	n, _ := strconv.Atoi(s[:i])
	return n
}

func queryInt(q url.Values, name string, def int) int {
	v := q.Get(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return def
	}
	return n
}

// quoteCustom reads the form q against the offer and calculates the price.
func quoteCustom(offer []artnet.CustomOffer, q url.Values) customQuote {
	cq := customQuote{Counts: map[string]int{}, Others: map[int]bool{}, Transfer: -1, Bandwidth: -1, IP: -1, Platform: -1}
	cq.Set = queryInt(q, "set", 0)
	if cq.Set < 0 || cq.Set >= len(offer) {
		cq.Set = 0
	}
	if len(offer) == 0 {
		return cq
	}
	o := offer[cq.Set]
	cq.Platform = queryInt(q, "platform", -1)
	cq.Transfer = queryInt(q, "transfer", -1)
	cq.Bandwidth = queryInt(q, "bandwidth", -1)
	cq.IP = queryInt(q, "ip", -1)
	for _, pre := range []string{"hdd", "ram", "cpu", "ctrl"} {
		var n int
		switch pre {
		case "hdd":
			n = len(o.HDDDisks)
		case "ram":
			n = len(o.RAMs)
		case "cpu":
			n = len(o.AdditionalCPUs)
		case "ctrl":
			n = len(o.HDDControllers)
		}
		for i := range n {
			name := pre + strconv.Itoa(i)
			if c := queryInt(q, name, 0); c > 0 {
				cq.Counts[name] = c
			}
		}
	}
	for i := range o.Others {
		if q.Get("other"+strconv.Itoa(i)) != "" {
			cq.Others[i] = true
		}
	}
	if cq.Platform < 0 || cq.Platform >= len(o.Platforms) {
		cq.Platform = -1
		return cq
	}
	cq.Calculated = true
	pl := o.Platforms[cq.Platform]
	base, ok := priceIn(pl.Price, "")
	if !ok {
		cq.Problems = append(cq.Problems, customProblem{Key: "offer.custom.err.price", Part: pl.ModelName})
		return cq
	}
	cq.Currency, cq.Period = base.Currency, base.PaymentPeriod
	add := func(kind, name string, count int, prices artnet.ObjectList[artnet.OfferPrice]) {
		if count <= 0 {
			return
		}
		p, ok := priceIn(prices, cq.Currency)
		if !ok {
			cq.Problems = append(cq.Problems, customProblem{Key: "offer.custom.err.price", Part: name})
			return
		}
		total := p.Price * artnet.Money(count)
		cq.Lines = append(cq.Lines, customChoice{Kind: kind, Name: name, Count: count, Unit: p.Price, Total: total})
		cq.Net += total
	}
	add("platform", pl.ModelName, 1, pl.Price)
	var limits artnet.PlatformLimits
	if len(pl.ResourcesLimits) > 0 {
		limits = pl.ResourcesLimits[0]
	}
	disks := 0
	for i, d := range o.HDDDisks {
		c := cq.Counts["hdd"+strconv.Itoa(i)]
		disks += c
		add("hdd", strings.TrimSpace(d.Capacity+" "+d.Type+" "+d.Speed), c, d.Price)
	}
	if slots := leadingInt(limits.HDDSlots); slots > 0 && disks > slots {
		cq.Problems = append(cq.Problems, customProblem{Key: "offer.custom.err.disks", Part: pl.ModelName, Max: slots})
	}
	ramGB := 0
	for i, r := range o.RAMs {
		c := cq.Counts["ram"+strconv.Itoa(i)]
		ramGB += c * leadingInt(r.Capacity)
		add("ram", r.Capacity, c, r.Price)
	}
	if maxGB := leadingInt(limits.RAMMax); maxGB > 0 && ramGB > maxGB {
		cq.Problems = append(cq.Problems, customProblem{Key: "offer.custom.err.ram", Part: pl.ModelName, Max: maxGB})
	}
	cpus := 0
	for i, c := range o.AdditionalCPUs {
		n := cq.Counts["cpu"+strconv.Itoa(i)]
		cpus += n
		add("cpu", c.Name, n, c.Price)
	}
	if limits.CPUSlots > 0 && cpus > int(limits.CPUSlots)-1 {
		cq.Problems = append(cq.Problems, customProblem{Key: "offer.custom.err.cpus", Part: pl.ModelName, Max: int(limits.CPUSlots) - 1})
	}
	for i, c := range o.HDDControllers {
		add("ctrl", c.Name, cq.Counts["ctrl"+strconv.Itoa(i)], c.Price)
	}
	if cq.Transfer >= 0 && cq.Transfer < len(o.TransferPackage) {
		t := o.TransferPackage[cq.Transfer]
		add("transfer", t.Transfer, 1, t.Price)
	}
	if cq.Bandwidth >= 0 && cq.Bandwidth < len(o.BandwidthPackage) {
		b := o.BandwidthPackage[cq.Bandwidth]
		add("bandwidth", b.Bandwidth, 1, b.Price)
	}
	for i, x := range o.Others {
		if cq.Others[i] {
			add("other", x.Name, 1, x.Price)
		}
	}
	if cq.IP >= 0 && cq.IP < len(o.IP) {
		x := o.IP[cq.IP]
		add("ip", x.Amount, 1, x.Price)
	}
	cq.VAT = artnet.Money((int64(cq.Net)*panel.VATRate + 50) / 100)
	cq.Gross = cq.Net + cq.VAT
	return cq
}
