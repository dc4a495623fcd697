package web

// navItem is one entry of the navigation: its key (View.Nav), path and
// text key.
type navItem struct{ Key, Path, Text string }

// nav lists the panel's sections, in menu order.
var nav = []navItem{
	{"dashboard", "/", "nav.dashboard"},
	{"services", "/services", "nav.services"},
	{"servers", "/servers", "nav.servers"},
	{"cloud", "/cloud", "nav.cloud"},
	{"firewall", "/firewall", "nav.firewall"},
	{"network", "/network", "nav.network"},
	{"dns", "/dns", "nav.dns"},
	{"revdns", "/revdns", "nav.revdns"},
	{"domains", "/domains", "nav.domains"},
	{"invoices", "/invoices", "nav.invoices"},
	{"emails", "/emails", "nav.emails"},
	{"offer", "/offer", "nav.offer"},
	{"account", "/account", "nav.account"},
}

func init() { registerFuncs(map[string]any{"navItems": func() []navItem { return nav }}) }
