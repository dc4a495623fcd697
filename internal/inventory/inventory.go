// Package inventory reads and writes the operator's inventory: customers and
// everything they own, in JSON or YAML, with the field names of the API's
// own answers (a customer as /customer/details returns it, a service as
// /services/details returns it with the module's service_details object
// under "details", e-mails as /customer/email-details returns them, DNS
// zones as /dns/details-primary and /dns/details-secoundary return them
// (dns.go), plus the domains the operator allowed the customer to host, and
// the PTR records of its subnetworks as /rev-dns/details returns them
// (revdns.go)).
//
// Import validates the whole file first and reports the JSON path of the
// first offending value; it then writes everything in one transaction, so a
// failed import changes nothing. Export(Import(x)) reproduces x.
package inventory

import (
	"bytes"
	"cmp"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/panel"
	"github.com/artnet-panel/artnet-panel/internal/store"
	"github.com/artnet-panel/artnet-panel/internal/strictjson"
	"github.com/artnet-panel/artnet-panel/internal/validate"
)

// Inventory is the whole file.
type Inventory struct {
	Customers []Customer `json:"customers"`
	// FirewallRulesets are the external firewall's rulesets (firewall.go).
	FirewallRulesets []FirewallRuleset `json:"firewall_rulesets,omitempty"`
	// IPPools are the networks additional IP addresses are ordered from
	// (ip.go).
	IPPools []IPPool `json:"ip_pools,omitempty"`
	// InstallationImagesList, CloudPriceList and CloudResourcesRanges are
	// the cloud settings (cloud.go).
	InstallationImagesList []panel.CloudImage      `json:"installation_images_list,omitempty"`
	CloudPriceList         *panel.CloudPrices      `json:"cloud_price_list,omitempty"`
	CloudResourcesRanges   *artnet.ResourcesRanges `json:"cloud_resources_ranges,omitempty"`
	// CloudSecretKey, set by the caller (never read from the file), seals
	// the console passwords of imported cloud instances (cloud.go).
	CloudSecretKey []byte `json:"-"`
	// ExpressOffer, CustomOffer and InvoiceSeller are the offer (offer.go).
	ExpressOffer  []ExpressItem        `json:"express_offer,omitempty"`
	CustomOffer   []artnet.CustomOffer `json:"custom_offer,omitempty"`
	InvoiceSeller *artnet.InvoiceParty `json:"invoice_seller,omitempty"`
}

// Customer is one customer entry.
type Customer struct {
	Customer artnet.Customer `json:"customer"`
	// APIKey, when given, becomes the customer's key (stored hashed).
	APIKey string `json:"api_key,omitempty"`
	// APIKeySHA256 is the hex SHA-256 of the key; Export writes it (the key
	// itself is never stored) so that an export can be imported again.
	APIKeySHA256 string `json:"api_key_sha256,omitempty"`
	// APIAccess defaults to true when omitted.
	APIAccess *bool          `json:"api_access,omitempty"`
	Reseller  bool           `json:"reseller"`
	Services  []Service      `json:"services"`
	Emails    []artnet.Email `json:"emails"`
	// DNSZones are the customer's zones on the panel's name servers, as
	// /dns/details-primary and /dns/details-secoundary show them (dns.go).
	DNSZones []DNSZone `json:"dns_zones"`
	// DNSAllowedDomains are the domains the operator allowed the customer
	// to host zones for (with their subdomains) without a domain service.
	DNSAllowedDomains []string `json:"dns_allowed_domains"`
	// RevDNS are the customer's configured reverse DNS subclasses, as
	// /rev-dns/details shows them (revdns.go).
	RevDNS []RevDNSSubclass `json:"rev_dns"`
	// BlackholedIPs are the customer's blackholed addresses, as
	// /ip-blackholing/list shows them (ip.go).
	BlackholedIPs []artnet.BlackholedIP `json:"blackholed_ips,omitempty"`
	// CloudInstances are the customer's cloud instances (cloud.go).
	CloudInstances []CloudInstance `json:"cloud_instances,omitempty"`
}

// Service is one service entry: the /services/details object and the
// module's service_details object.
type Service struct {
	Service artnet.Service  `json:"service"`
	Details json.RawMessage `json:"details,omitempty"`
	// ILODetails is the iLO / IPMI interface of a dedicated server, as
	// /dedicated/ilo-details answers it (firewall.go).
	ILODetails *artnet.ILODetails `json:"ilo_details,omitempty"`
	// PowerManagement, PowerDetails, TransferPort and
	// TransferUsageDetails are power and transfer usage (power.go).
	PowerManagement      json.RawMessage              `json:"power_management,omitempty"`
	PowerDetails         *artnet.PowerDetails         `json:"power_details,omitempty"`
	TransferPort         json.RawMessage              `json:"transfer_port,omitempty"`
	TransferUsageDetails *artnet.TransferUsageDetails `json:"transfer_usage_details,omitempty"`
}

// Parse reads an inventory from JSON or YAML (detected by content).
// Unknown fields and type errors are reported with their JSON path.
func Parse(data []byte) (Inventory, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		j, err := yaml.YAMLToJSON(data)
		if err != nil {
			return Inventory{}, fmt.Errorf("parse YAML: %w", err)
		}
		data = j
	}
	var inv Inventory
	if err := strictjson.Decode(data, &inv); err != nil {
		return Inventory{}, err
	}
	return inv, nil
}

// MarshalJSON writes inv as indented JSON.
func MarshalJSON(inv Inventory) ([]byte, error) {
	b, err := json.MarshalIndent(inv, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// MarshalYAML writes inv as YAML with the same field names.
func MarshalYAML(inv Inventory) ([]byte, error) {
	b, err := json.Marshal(inv)
	if err != nil {
		return nil, err
	}
	return yaml.JSONToYAML(b)
}

// pathError is a semantic error at a JSON path.
func pathError(path, format string, args ...any) error {
	return &strictjson.PathError{Path: path, Msg: fmt.Sprintf(format, args...)}
}

// Import validates inv and writes it to s in one transaction. Ids and API
// keys given are kept. A customer, service or e-mail id that already exists
// is an error, and nothing is written.
func Import(ctx context.Context, s store.Store, inv Inventory) error {
	rows, err := prepare(inv)
	if err != nil {
		return err
	}
	now := time.Now()
	serviceTypes := map[int64]string{}
	for i, r := range rows {
		for j, svc := range r.services {
			if svc.ID != 0 {
				serviceTypes[svc.ID] = svc.Type
			}
			if d := inv.Customers[i].Services[j].ILODetails; d != nil {
				p := fmt.Sprintf("$.customers[%d].services[%d].ilo_details", i, j)
				a, err := iloRow(p, svc, d, now)
				if err != nil {
					return err
				}
				rows[i].ilos = append(rows[i].ilos, iloEntry{service: j, access: a, path: p})
			}
			pe, err := powerRows(fmt.Sprintf("$.customers[%d].services[%d]", i, j), j, svc, inv.Customers[i].Services[j])
			if err != nil {
				return err
			}
			if pe != nil {
				rows[i].powers = append(rows[i].powers, pe)
			}
		}
	}
	rulesets, err := rulesetRows(inv.FirewallRulesets, serviceTypes)
	if err != nil {
		return err
	}
	pools, err := poolRows(inv.IPPools)
	if err != nil {
		return err
	}
	return s.InTx(ctx, func(tx store.Store) error {
		for i, pool := range pools {
			if err := tx.IPPoolCreate(ctx, pool); err != nil {
				return storeError(fmt.Sprintf("$.ip_pools[%d].id", i), "IP pool", pool.ID, err)
			}
		}
		for i := range rows {
			r := &rows[i]
			p := fmt.Sprintf("$.customers[%d]", i)
			if err := tx.CustomerCreate(ctx, &r.customer); err != nil {
				return storeError(p+".customer.id", "customer", r.customer.ID, err)
			}
			for j := range r.services {
				r.services[j].CustomerID = r.customer.ID
				if err := tx.ServiceCreate(ctx, &r.services[j]); err != nil {
					return storeError(fmt.Sprintf("%s.services[%d].service.id", p, j), "service", r.services[j].ID, err)
				}
			}
			for _, e := range r.ilos {
				e.access.ServiceID = r.services[e.service].ID
				e.access.CustomerID = r.customer.ID
				if err := tx.ILOSet(ctx, e.access); err != nil {
					return fmt.Errorf("%s: %w", e.path, err)
				}
			}
			for _, pe := range r.powers {
				if err := importPower(ctx, tx, r.customer.ID, r.services[pe.service].ID, pe); err != nil {
					return err
				}
			}
			for j := range r.emails {
				r.emails[j].CustomerID = r.customer.ID
				if err := tx.EmailCreate(ctx, &r.emails[j]); err != nil {
					return storeError(fmt.Sprintf("%s.emails[%d].id", p, j), "e-mail", r.emails[j].ID, err)
				}
			}
			for j := range r.zones {
				if err := importZone(ctx, tx, fmt.Sprintf("%s.dns_zones[%d]", p, j), r.customer.ID, &r.zones[j]); err != nil {
					return err
				}
			}
			for _, d := range r.allowances {
				if err := tx.AllowanceAdd(ctx, r.customer.ID, d); err != nil {
					return fmt.Errorf("%s.dns_allowed_domains: %w", p, err)
				}
			}
			// The customer's services are written: its subnetworks are known.
			if err := importRevDNS(ctx, tx, p+".rev_dns", r.customer.ID, inv.Customers[i].RevDNS, now); err != nil {
				return err
			}
			if err := importBlackholes(ctx, tx, p+".blackholed_ips", r.customer.ID, inv.Customers[i].BlackholedIPs, now.Unix()); err != nil {
				return err
			}
		}
		for i, r := range rulesets {
			if err := tx.FirewallRulesetCreate(ctx, r); err != nil {
				p := fmt.Sprintf("$.firewall_rulesets[%d]", i)
				if errors.Is(err, store.ErrConflict) {
					return pathError(p+".id", "ruleset %s, or one of its services' ruleset, already exists", r.ID)
				}
				return fmt.Errorf("%s: %w", p, err)
			}
		}
		ids := make([]int64, len(rows))
		services := make([][]store.Service, len(rows))
		for i := range rows {
			ids[i], services[i] = rows[i].customer.ID, rows[i].services
		}
		if err := importCloud(ctx, tx, inv, ids, services); err != nil {
			return err
		}
		// Parents are checked once every service of the file exists.
		for i, r := range rows {
			for j, svc := range r.services {
				if svc.ParentServiceID == 0 {
					continue
				}
				_, err := tx.ServiceGet(ctx, r.customer.ID, svc.ParentServiceID)
				if errors.Is(err, store.ErrNotFound) {
					return pathError(fmt.Sprintf("$.customers[%d].services[%d].service.parent_service_id", i, j),
						"service %d is not a service of this customer", svc.ParentServiceID)
				}
				if err != nil {
					return err
				}
			}
		}
		return importOffer(ctx, tx, inv)
	})
}

func storeError(path, what string, id int64, err error) error {
	if errors.Is(err, store.ErrConflict) {
		return pathError(path, "%s %d already exists", what, id)
	}
	return fmt.Errorf("%s: %w", path, err)
}

// iloEntry is the iLO row of the customer's service number service.
type iloEntry struct {
	service int
	access  store.ILOAccess
	path    string
}

type customerRows struct {
	ilos       []iloEntry
	powers     []*powerEntry
	customer   store.Customer
	services   []store.Service
	emails     []store.Email
	zones      []zoneRows
	allowances []string
}

// prepare validates inv and converts it to store rows.
func prepare(inv Inventory) ([]customerRows, error) {
	rows := make([]customerRows, len(inv.Customers))
	seen := map[string]map[int64]string{"customer": {}, "service": {}, "e-mail": {}, "zone": {}}
	domains := map[string]string{} // zone domain -> path of its first zone
	now := time.Now()
	unique := func(kind string, id int64, path string) error {
		if id == 0 {
			return nil
		}
		if first, ok := seen[kind][id]; ok {
			return pathError(path, "%s id %d is also used at %s", kind, id, first)
		}
		seen[kind][id] = path
		return nil
	}
	for i, e := range inv.Customers {
		p := fmt.Sprintf("$.customers[%d]", i)
		c, err := customerRow(p, e)
		if err != nil {
			return nil, err
		}
		if err := unique("customer", c.ID, p+".customer.id"); err != nil {
			return nil, err
		}
		rows[i].customer = c
		for j, se := range e.Services {
			sp := fmt.Sprintf("%s.services[%d]", p, j)
			svc, err := serviceRow(sp, se)
			if err != nil {
				return nil, err
			}
			if err := unique("service", svc.ID, sp+".service.id"); err != nil {
				return nil, err
			}
			rows[i].services = append(rows[i].services, svc)
		}
		for j, m := range e.Emails {
			ep := fmt.Sprintf("%s.emails[%d]", p, j)
			if err := unique("e-mail", m.ID, ep+".id"); err != nil {
				return nil, err
			}
			if m.ID < 0 {
				return nil, pathError(ep+".id", "must not be negative")
			}
			rows[i].emails = append(rows[i].emails, store.Email{
				ID: m.ID, Time: m.Time.Seconds(), Address: m.Address, Subject: m.Subject, Body: m.Body,
			})
		}
		for j, ze := range e.DNSZones {
			zp := fmt.Sprintf("%s.dns_zones[%d]", p, j)
			z, err := zoneRow(zp, ze, now)
			if err != nil {
				return nil, err
			}
			if err := unique("zone", z.zone.ID, zp+".id"); err != nil {
				return nil, err
			}
			if first, ok := domains[z.zone.Domain]; ok {
				return nil, pathError(zp+".domain", "zone %s is also at %s", z.zone.Domain, first)
			}
			domains[z.zone.Domain] = zp
			rows[i].zones = append(rows[i].zones, z)
		}
		allowed, err := allowanceRows(p+".dns_allowed_domains", e.DNSAllowedDomains)
		if err != nil {
			return nil, err
		}
		rows[i].allowances = allowed
	}
	return rows, nil
}

func customerRow(p string, e Customer) (store.Customer, error) {
	w := e.Customer
	if w.ID < 0 {
		return store.Customer{}, pathError(p+".customer.id", "must not be negative")
	}
	if strings.TrimSpace(w.Name) == "" {
		return store.Customer{}, pathError(p+".customer.name", "must not be empty")
	}
	if w.Language == "" {
		w.Language = "pl"
	}
	if err := validate.Language(w.Language); err != nil {
		return store.Customer{}, pathError(p+".customer.language", "%v", err)
	}
	if w.Currency == "" {
		w.Currency = "PLN"
	}
	if err := validate.Currency(w.Currency); err != nil {
		return store.Customer{}, pathError(p+".customer.currency", "%v", err)
	}
	if w.CountryCode != "" {
		if err := validate.CountryCode(w.CountryCode); err != nil {
			return store.Customer{}, pathError(p+".customer.country_code", "%v", err)
		}
	}
	if w.Email != "" {
		if err := validate.Email(w.Email); err != nil {
			return store.Customer{}, pathError(p+".customer.email", "%v", err)
		}
	}
	c := store.Customer{
		ID: w.ID, Name: w.Name, NIP: w.NIP, REGON: w.REGON, Street: w.Street, Postcode: w.Postcode,
		City: w.City, CountryCode: w.CountryCode, Tel: w.Tel, Fax: w.Fax, Email: w.Email,
		EmailTech: w.EmailTech, EmailInvoice: w.EmailInvoice,
		CorrespondenceName: w.CorrespondenceName, CorrespondenceStreet: w.CorrespondenceStreet,
		CorrespondencePostcode: w.CorrespondencePostcode, CorrespondenceCity: w.CorrespondenceCity,
		Business: w.Business, Language: w.Language, Currency: w.Currency,
		APIAccess: e.APIAccess == nil || *e.APIAccess, Reseller: e.Reseller,
	}
	switch {
	case e.APIKey != "" && e.APIKeySHA256 != "":
		return store.Customer{}, pathError(p+".api_key_sha256", "give api_key or api_key_sha256, not both")
	case e.APIKey != "":
		if len(e.APIKey) < 32 || !alnum(e.APIKey) {
			return store.Customer{}, pathError(p+".api_key", "must be at least 32 letters and digits")
		}
		c.APIKeyHash = panel.HashAPIKey(e.APIKey)
	case e.APIKeySHA256 != "":
		h, err := hex.DecodeString(e.APIKeySHA256)
		if err != nil || len(h) != 32 {
			return store.Customer{}, pathError(p+".api_key_sha256", "must be 64 hex digits")
		}
		c.APIKeyHash = h
	}
	return c, nil
}

func alnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func serviceRow(p string, e Service) (store.Service, error) {
	w := e.Service
	if w.ID < 0 {
		return store.Service{}, pathError(p+".service.id", "must not be negative")
	}
	if !slices.Contains(artnet.ServiceTypes, w.Type) {
		return store.Service{}, pathError(p+".service.type", "unknown service type %q (want one of %s)", w.Type, strings.Join(artnet.ServiceTypes, ", "))
	}
	if strings.TrimSpace(w.Name) == "" {
		return store.Service{}, pathError(p+".service.name", "must not be empty")
	}
	if w.PaymentDetails.Currency == "" {
		return store.Service{}, pathError(p+".service.payment_details.currency", "must not be empty")
	}
	if err := validate.Currency(w.PaymentDetails.Currency); err != nil {
		return store.Service{}, pathError(p+".service.payment_details.currency", "%v", err)
	}
	if w.PaymentDetails.PaymentPeriod < 0 {
		return store.Service{}, pathError(p+".service.payment_details.payment_period", "must not be negative")
	}
	d, _ := artnet.NewServiceDetails(w.Type)
	if len(e.Details) > 0 && string(e.Details) != "null" {
		if err := strictjson.Decode(e.Details, d); err != nil {
			var pe *strictjson.PathError
			if errors.As(err, &pe) {
				return store.Service{}, pathError(p+".details"+strings.TrimPrefix(pe.Path, "$"), "%s", pe.Msg)
			}
			return store.Service{}, pathError(p+".details", "%v", err)
		}
	}
	if id := d.ServiceID(); id != 0 && id != w.ID {
		return store.Service{}, pathError(p+".details.id", "is %d but the service id is %d", id, w.ID)
	}
	d.SetServiceID(0)
	details, err := json.Marshal(d)
	if err != nil {
		return store.Service{}, fmt.Errorf("%s.details: %w", p, err)
	}
	return panel.ServiceFromWire(0, w, details), nil
}

// Export reads every customer with its services, e-mails, DNS zones,
// allowed domains and reverse DNS, in id order.
func Export(ctx context.Context, s store.Store) (Inventory, error) {
	customers, err := s.CustomerList(ctx)
	if err != nil {
		return Inventory{}, fmt.Errorf("list customers: %w", err)
	}
	zonesOf, err := exportZones(ctx, s)
	if err != nil {
		return Inventory{}, err
	}
	rulesets, ilos, err := exportFirewall(ctx, s)
	if err != nil {
		return Inventory{}, err
	}
	pools, err := exportPools(ctx, s)
	if err != nil {
		return Inventory{}, err
	}
	powers, err := s.PowerAll(ctx)
	if err != nil {
		return Inventory{}, fmt.Errorf("list power management: %w", err)
	}
	powerOf := map[int64]store.Power{}
	for _, p := range powers {
		powerOf[p.ServiceID] = p
	}
	inv := Inventory{Customers: make([]Customer, 0, len(customers)), FirewallRulesets: rulesets, IPPools: pools}
	if err := exportOffer(ctx, s, &inv, time.Now().Unix()); err != nil {
		return Inventory{}, err
	}
	for _, c := range customers {
		access := c.APIAccess
		e := Customer{Customer: panel.CustomerToWire(c), APIAccess: &access, Reseller: c.Reseller,
			Services: []Service{}, Emails: []artnet.Email{}}
		if len(c.APIKeyHash) > 0 {
			e.APIKeySHA256 = hex.EncodeToString(c.APIKeyHash)
		}
		services, err := s.ServiceList(ctx, store.ServiceFilter{CustomerID: c.ID})
		if err != nil {
			return Inventory{}, fmt.Errorf("list services of customer %d: %w", c.ID, err)
		}
		for _, svc := range services {
			d, err := panel.DecodeDetails(svc)
			if err != nil {
				return Inventory{}, err
			}
			raw, err := json.Marshal(d)
			if err != nil {
				return Inventory{}, fmt.Errorf("encode details of service %d: %w", svc.ID, err)
			}
			e.Services = append(e.Services, Service{Service: panel.ServiceToWire(svc), Details: raw, ILODetails: ilos[svc.ID]})
			if err := exportPower(ctx, s, powerOf, &e.Services[len(e.Services)-1], c.ID); err != nil {
				return Inventory{}, err
			}
		}
		emails, err := s.EmailList(ctx, c.ID, 0, 0)
		if err != nil {
			return Inventory{}, fmt.Errorf("list e-mails of customer %d: %w", c.ID, err)
		}
		slices.SortFunc(emails, func(a, b store.Email) int { return cmp.Compare(a.ID, b.ID) })
		for _, m := range emails {
			e.Emails = append(e.Emails, artnet.Email{ID: m.ID, Time: artnet.Unix(m.Time), Address: m.Address, Subject: m.Subject, Body: m.Body})
		}
		e.DNSZones = zonesOf[c.ID]
		if e.DNSZones == nil {
			e.DNSZones = []DNSZone{}
		}
		allowed, err := s.AllowanceList(ctx, c.ID)
		if err != nil {
			return Inventory{}, fmt.Errorf("list allowed domains of customer %d: %w", c.ID, err)
		}
		e.DNSAllowedDomains = append([]string{}, allowed...)
		if e.RevDNS, err = exportRevDNS(ctx, s, c.ID); err != nil {
			return Inventory{}, err
		}
		if e.BlackholedIPs, err = exportBlackholes(ctx, s, c.ID); err != nil {
			return Inventory{}, err
		}
		inv.Customers = append(inv.Customers, e)
	}
	if err := exportCloud(ctx, s, &inv); err != nil {
		return Inventory{}, err
	}
	return inv, nil
}
