package registry

// DS records at the registry: the EPP DNSSEC extension, secDNS-1.1
// (RFC 5910), dsData interface. GetDS reads the domain's DS set from the
// secDNS:infData of domain:info; SetDS sends one domain:update whose
// secDNS:update extension removes and adds the difference (nothing is sent
// when the registry holds the set already). A registry whose greeting does
// not offer secDNS-1.1 is an error: the DS cannot be sent.

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/artnet-panel/artnet-panel/internal/panel"
)

var _ panel.DSRegistry = (*EPP)(nil)

// ErrNoSecDNS: the registry does not offer the DNSSEC extension.
var ErrNoSecDNS = errors.New("epp: the registry's greeting does not offer " + NSSecDNS + " (DNSSEC)")

func dsKey(d panel.DSRecord) string {
	return fmt.Sprintf("%d %d %d %s", d.KeyTag, d.Algorithm, d.DigestType, strings.ToUpper(d.Digest))
}

// infoDS reads the domain's DS set (domain:info).
func (e *EPP) infoDS(ctx context.Context, s *eppSession, domain string) ([]panel.DSRecord, error) {
	if !s.secDNS {
		return nil, ErrNoSecDNS
	}
	r, err := e.command(ctx, s, "domain:info", `<info><domain:info xmlns:domain="`+NSDomain+`"><domain:name hosts="none">`+
		esc(domain)+`</domain:name></domain:info></info>`)
	if err != nil {
		var ee *EPPError
		if errors.As(err, &ee) && ee.Code == 2303 {
			return nil, fmt.Errorf("%w: %w", panel.ErrDelegationUnknown, err)
		}
		return nil, err
	}
	var out []panel.DSRecord
	if x := r.Response.Extension; x != nil && x.SecDNSInfo != nil {
		for _, d := range x.SecDNSInfo.DSData {
			out = append(out, panel.DSRecord{KeyTag: d.KeyTag, Algorithm: d.Alg, DigestType: d.DigestType,
				Digest: strings.ToUpper(strings.TrimSpace(d.Digest))})
		}
	}
	return out, nil
}

// GetDS implements panel.DSRegistry.
func (e *EPP) GetDS(ctx context.Context, domain string) ([]panel.DSRecord, error) {
	s, err := e.take(ctx)
	if err != nil {
		return nil, err
	}
	defer e.give(s)
	return e.infoDS(ctx, s, domain)
}

func dsDataElems(list []panel.DSRecord) (string, error) {
	var b strings.Builder
	for _, d := range list {
		if _, err := hex.DecodeString(d.Digest); err != nil || d.Digest == "" {
			return "", fmt.Errorf("epp: DS digest %q is not hexadecimal", d.Digest)
		}
		fmt.Fprintf(&b, "<secDNS:dsData><secDNS:keyTag>%d</secDNS:keyTag><secDNS:alg>%d</secDNS:alg>"+
			"<secDNS:digestType>%d</secDNS:digestType><secDNS:digest>%s</secDNS:digest></secDNS:dsData>",
			d.KeyTag, d.Algorithm, d.DigestType, strings.ToUpper(d.Digest))
	}
	return b.String(), nil
}

// SetDS implements panel.DSRegistry: domain:info, then one domain:update
// with secDNS:update removing and adding the difference.
func (e *EPP) SetDS(ctx context.Context, domain string, ds []panel.DSRecord) error {
	s, err := e.take(ctx)
	if err != nil {
		return err
	}
	defer e.give(s)
	cur, err := e.infoDS(ctx, s, domain)
	if err != nil && !s.fresh && s.conn == nil && !errors.Is(err, ErrNoSecDNS) && ctx.Err() == nil {
		var ee *EPPError
		if !errors.As(err, &ee) { // a kept session failed at the transport: once more (info changes nothing)
			if cerr := e.connect(ctx, s); cerr != nil {
				return errors.Join(err, cerr)
			}
			cur, err = e.infoDS(ctx, s, domain)
		}
	}
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, d := range cur {
		have[dsKey(d)] = true
	}
	wantKeys := map[string]bool{}
	var add, rem []panel.DSRecord
	for _, d := range ds {
		wantKeys[dsKey(d)] = true
		if !have[dsKey(d)] {
			add = append(add, d)
		}
	}
	for _, d := range cur {
		if !wantKeys[dsKey(d)] {
			rem = append(rem, d)
		}
	}
	if len(add) == 0 && len(rem) == 0 {
		return nil
	}
	slices.SortFunc(add, func(a, b panel.DSRecord) int { return strings.Compare(dsKey(a), dsKey(b)) })
	ext := `<secDNS:update xmlns:secDNS="` + NSSecDNS + `">`
	if len(rem) > 0 {
		x, err := dsDataElems(rem)
		if err != nil {
			return err
		}
		ext += "<secDNS:rem>" + x + "</secDNS:rem>"
	}
	if len(add) > 0 {
		x, err := dsDataElems(add)
		if err != nil {
			return err
		}
		ext += "<secDNS:add>" + x + "</secDNS:add>"
	}
	ext += "</secDNS:update>"
	body := `<update><domain:update xmlns:domain="` + NSDomain + `"><domain:name>` + esc(domain) + `</domain:name></domain:update></update>`
	_, err = e.commandExt(ctx, s, "domain:update", body, ext)
	return err
}
