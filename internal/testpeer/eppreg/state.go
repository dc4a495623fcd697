package eppreg

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

const (
	nsEPP    = "urn:ietf:params:xml:ns:epp-1.0"
	nsDomain = "urn:ietf:params:xml:ns:domain-1.0"
	nsHost   = "urn:ietf:params:xml:ns:host-1.0"
	nsSecDNS = "urn:ietf:params:xml:ns:secDNS-1.1"
)

// session is what the registry knows of one connection.
type session struct {
	secDNS bool // logged in with the DNSSEC extension
}

func (s *Server) greeting() string {
	objs := "<objURI>" + nsDomain + "</objURI>"
	if s.hostObj {
		objs += "<objURI>" + nsHost + "</objURI>"
	}
	if s.secDNS {
		objs += "<svcExtension><extURI>" + nsSecDNS + "</extURI></svcExtension>"
	}
	return `<epp xmlns="` + nsEPP + `"><greeting><svID>artnet test registry</svID><svDate>` +
		time.Now().UTC().Format("2006-01-02T15:04:05.0Z") + `</svDate><svcMenu><version>1.0</version><lang>en</lang><lang>pl</lang>` +
		objs + `</svcMenu><dcp><access><all/></access><statement><purpose><admin/><prov/></purpose>` +
		`<recipient><ours/><public/></recipient><retention><stated/></retention></statement></dcp></greeting></epp>`
}

// response makes a response frame; resData may carry, after a NUL, the
// response's extension elements.
func response(code int, msg, resData, clTRID, svTRID string) string {
	r := `<epp xmlns="` + nsEPP + `"><response><result code="` + fmt.Sprint(code) + `"><msg>` + esc(msg) + `</msg></result>`
	resData, ext, _ := strings.Cut(resData, "\x00")
	if resData != "" {
		r += "<resData>" + resData + "</resData>"
	}
	if ext != "" {
		r += "<extension>" + ext + "</extension>"
	}
	r += "<trID>"
	if clTRID != "" {
		r += "<clTRID>" + esc(clTRID) + "</clTRID>"
	}
	return r + "<svTRID>" + svTRID + "</svTRID></trID></response></epp>"
}

func esc(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
	return r.Replace(s)
}

// subordinate reports whether host is inside one of the registry's
// domains (and so needs addresses).
func (s *Server) subordinate(host string) bool {
	for d := range s.domains {
		if strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

func validAddrs(addrs []string) bool {
	for _, a := range addrs {
		if _, err := netip.ParseAddr(strings.TrimSpace(a)); err != nil {
			return false
		}
	}
	return true
}

// carryOut runs a valid command on the registry's state.
func (s *Server) carryOut(cmd *cmdBody, name string, loggedIn *bool, sess *session) (code int, msg, resData, ext string) {
	code, msg, resData, ext = s.carryOutLocked(cmd, name, loggedIn, sess)
	return
}

func (s *Server) carryOutLocked(cmd *cmdBody, name string, loggedIn *bool, sess *session) (int, string, string, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cmd.Extension != nil && cmd.Extension.SecDNSUpdate != nil && !sess.secDNS {
		return 2103, "Unimplemented extension: " + nsSecDNS + " was not announced at login", "", ""
	}
	if name == "domain:info" && sess.secDNS {
		code, msg, resData := s.carryOutCmd(cmd, name, loggedIn, sess)
		if code == 1000 {
			if ds := s.ds[strings.ToLower(cmd.Info.Domain.Name)]; len(ds) > 0 {
				return code, msg, resData, s.dsInfData(ds)
			}
		}
		return code, msg, resData, ""
	}
	code, msg, resData := s.carryOutCmd(cmd, name, loggedIn, sess)
	return code, msg, resData, ""
}

// dsInfData is the secDNS:infData of a DS set.
func (s *Server) dsInfData(ds []string) string {
	var b strings.Builder
	b.WriteString(`<secDNS:infData xmlns:secDNS="` + nsSecDNS + `">`)
	for _, d := range ds {
		var tag, alg, dt int
		var digest string
		fmt.Sscanf(d, "%d %d %d %s", &tag, &alg, &dt, &digest)
		fmt.Fprintf(&b, "<secDNS:dsData><secDNS:keyTag>%d</secDNS:keyTag><secDNS:alg>%d</secDNS:alg><secDNS:digestType>%d</secDNS:digestType><secDNS:digest>%s</secDNS:digest></secDNS:dsData>",
			tag, alg, dt, digest)
	}
	b.WriteString("</secDNS:infData>")
	return b.String()
}

// updateDS carries out a secDNS:update (RFC 5910 section 5.2.5, dsData
// interface) on d; the caller holds s.mu.
func (s *Server) updateDS(d string, u *cmdBody) (int, string) {
	x := u.Extension.SecDNSUpdate
	next := slices.Clone(s.ds[d])
	if x.Rem != nil {
		if len(x.Rem.KeyData) > 0 {
			return 2306, "Parameter value policy error: the keyData interface is not supported"
		}
		if a := strings.TrimSpace(x.Rem.All); a == "true" || a == "1" {
			next = nil
		}
		for _, r := range x.Rem.DSData {
			i := slices.Index(next, r.String())
			if i < 0 {
				return 2306, "Parameter value policy error: DS " + r.String() + " is not a DS of " + d
			}
			next = slices.Delete(next, i, i+1)
		}
	}
	if x.Add != nil {
		if len(x.Add.KeyData) > 0 {
			return 2306, "Parameter value policy error: the keyData interface is not supported"
		}
		for _, a := range x.Add.DSData {
			if a.DigestType == 2 && len(strings.TrimSpace(a.Digest)) != 64 {
				return 2005, "Parameter value syntax error: a SHA-256 digest has 64 hexadecimal digits"
			}
			if slices.Contains(next, a.String()) {
				return 2306, "Parameter value policy error: DS " + a.String() + " is already a DS of " + d
			}
			next = append(next, a.String())
		}
	}
	if len(next) > 8 {
		return 2306, "Parameter value policy error: at most 8 DS records"
	}
	s.ds[d] = next
	return 1000, ""
}

// carryOutCmd runs a valid command on the registry's state; the caller
// holds s.mu.
func (s *Server) carryOutCmd(cmd *cmdBody, name string, loggedIn *bool, sess *session) (code int, msg, resData string) {
	switch name {
	case "login":
		l := cmd.Login
		if l.ClID != s.ClientID || l.PW != s.Password {
			return 2200, "Authentication error", ""
		}
		for _, u := range l.ObjURI {
			if u != nsDomain && !(u == nsHost && s.hostObj) {
				return 2307, "Unimplemented object service " + u, ""
			}
		}
		for _, u := range l.ExtURI {
			if u != nsSecDNS || !s.secDNS {
				return 2103, "Unimplemented extension " + u, ""
			}
			sess.secDNS = true
		}
		*loggedIn = true
		return 1000, "Command completed successfully", ""
	case "logout":
		return 1500, "Command completed successfully; ending session", ""
	case "domain:info":
		d := strings.ToLower(cmd.Info.Domain.Name)
		ns, ok := s.domains[d]
		if !ok {
			return 2303, "Object does not exist", ""
		}
		var b strings.Builder
		b.WriteString(`<domain:infData xmlns:domain="` + nsDomain + `"><domain:name>` + esc(d) + `</domain:name><domain:roid>D` +
			fmt.Sprint(len(d)) + `-TEST</domain:roid><domain:status s="ok"/>`)
		if len(ns) > 0 {
			b.WriteString("<domain:ns>")
			for _, n := range ns {
				if s.hostObj {
					b.WriteString("<domain:hostObj>" + esc(n) + "</domain:hostObj>")
				} else {
					b.WriteString("<domain:hostAttr><domain:hostName>" + esc(n) + "</domain:hostName></domain:hostAttr>")
				}
			}
			b.WriteString("</domain:ns>")
		}
		b.WriteString("<domain:clID>" + esc(s.ClientID) + "</domain:clID></domain:infData>")
		return 1000, "Command completed successfully", b.String()
	case "host:check":
		var b strings.Builder
		b.WriteString(`<host:chkData xmlns:host="` + nsHost + `">`)
		for _, n := range cmd.Check.Host.Names {
			_, exists := s.hosts[strings.ToLower(n)]
			avail := "1"
			if exists {
				avail = "0"
			}
			b.WriteString(`<host:cd><host:name avail="` + avail + `">` + esc(n) + `</host:name></host:cd>`)
		}
		b.WriteString("</host:chkData>")
		return 1000, "Command completed successfully", b.String()
	case "host:create":
		h := strings.ToLower(cmd.Create.Host.Name)
		if _, ok := s.hosts[h]; ok {
			return 2302, "Object exists", ""
		}
		addrs := cmd.Create.Host.Addrs
		if s.subordinate(h) && len(addrs) == 0 {
			return 2003, "Required parameter missing: addresses of a subordinate host", ""
		}
		if !s.subordinate(h) && len(addrs) > 0 {
			return 2306, "Parameter value policy error: addresses of an external host", ""
		}
		if !validAddrs(addrs) {
			return 2005, "Parameter value syntax error: address", ""
		}
		s.hosts[h] = addrs
		return 1000, "Command completed successfully", `<host:creData xmlns:host="` + nsHost + `"><host:name>` + esc(h) +
			`</host:name><host:crDate>` + time.Now().UTC().Format(time.RFC3339) + `</host:crDate></host:creData>`
	case "domain:update":
		u := cmd.Update.Domain
		d := strings.ToLower(u.Name)
		ns, ok := s.domains[d]
		if !ok {
			return 2303, "Object does not exist", ""
		}
		add, glue := u.Add.names()
		rem, _ := u.Rem.names()
		if s.hostObj && (u.Add != nil && len(u.Add.HostAttr) > 0 || u.Rem != nil && len(u.Rem.HostAttr) > 0) {
			return 2102, "Unimplemented option: host attributes", ""
		}
		if !s.hostObj && (u.Add != nil && len(u.Add.HostObj) > 0 || u.Rem != nil && len(u.Rem.HostObj) > 0) {
			return 2102, "Unimplemented option: host objects", ""
		}
		next := slices.Clone(ns)
		for _, n := range rem {
			i := slices.Index(next, strings.ToLower(n))
			if i < 0 {
				return 2306, "Parameter value policy error: " + n + " is not a name server of " + d, ""
			}
			next = slices.Delete(next, i, i+1)
		}
		for _, n := range add {
			n = strings.ToLower(n)
			if slices.Contains(next, n) {
				return 2306, "Parameter value policy error: " + n + " is already a name server of " + d, ""
			}
			if s.hostObj {
				if _, ok := s.hosts[n]; !ok {
					return 2303, "Object does not exist: host " + n, ""
				}
			} else if strings.HasSuffix(n, "."+d) && len(glue[n]) == 0 {
				return 2003, "Required parameter missing: glue of " + n, ""
			} else if !validAddrs(glue[n]) {
				return 2005, "Parameter value syntax error: address", ""
			}
			next = append(next, n)
		}
		if len(next) > 13 {
			return 2306, "Parameter value policy error: at most 13 name servers", ""
		}
		if cmd.Extension != nil && cmd.Extension.SecDNSUpdate != nil {
			if code, msg := s.updateDS(d, cmd); code != 1000 {
				return code, msg, ""
			}
		}
		s.domains[d] = next
		return 1000, "Command completed successfully", ""
	}
	return 2101, "Unimplemented command", ""
}

// makeCerts makes a CA, a server certificate for 127.0.0.1 and a client
// certificate, writes the CA and the client's pair to files, and returns
// the server's TLS configuration (client certificates required).
func (s *Server) makeCerts() *tls.Config {
	t := s.t
	newKey := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	caKey := newKey()
	now := time.Now()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "artnet test registry CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	leaf := func(serial int64, cn string, usage x509.ExtKeyUsage, ips []net.IP) (tls.Certificate, []byte, []byte) {
		k := newKey()
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
			ExtKeyUsage: []x509.ExtKeyUsage{usage}, IPAddresses: ips}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &k.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		kb, err := x509.MarshalECPrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
		keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb})
		pair, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			t.Fatal(err)
		}
		return pair, certPEM, keyPEM
	}
	serverPair, _, _ := leaf(2, "127.0.0.1", x509.ExtKeyUsageServerAuth, []net.IP{net.IPv4(127, 0, 0, 1)})
	clientPair, clientCert, clientKey := leaf(3, s.ClientID, x509.ExtKeyUsageClientAuth, nil)
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	s.CAFile = filepath.Join(s.dir, "ca.pem")
	s.CertFile = filepath.Join(s.dir, "client.pem")
	s.KeyFile = filepath.Join(s.dir, "client.key")
	for f, b := range map[string][]byte{s.CAFile: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		s.CertFile: clientCert, s.KeyFile: clientKey} {
		if err := os.WriteFile(f, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s.ClientTLS = &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{clientPair}, MinVersion: tls.VersionTLS12}
	return &tls.Config{Certificates: []tls.Certificate{serverPair}, ClientAuth: tls.RequireAndVerifyClientCert,
		ClientCAs: pool, MinVersion: tls.VersionTLS12}
}
