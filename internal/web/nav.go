package web

// navItem is one entry of the navigation: its key (View.Nav), path and
// text key.
type navItem struct{ Key, Path, Text string }

// nav lists every part-1 page, in menu order. Pages not built yet answer
// not-found.
var nav = []navItem{
	{"dashboard", "/", "nav.dashboard"},
	{"services", "/services", "nav.services"},
	{"dns", "/dns", "nav.dns"},
	{"revdns", "/revdns", "nav.revdns"},
	{"domains", "/domains", "nav.domains"},
	{"invoices", "/invoices", "nav.invoices"},
	{"emails", "/emails", "nav.emails"},
	{"offer", "/offer", "nav.offer"},
	{"account", "/account", "nav.account"},
}

func init() { registerFuncs(map[string]any{"navItems": func() []navItem { return nav }}) }
