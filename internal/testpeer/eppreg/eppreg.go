// Package eppreg is a test domain registry: an EPP server (RFC 5730, 5731,
// 5732) over TLS with RFC 5734 framing that validates every frame it
// receives — and every frame it sends — against the RFCs' XML schemas
// with `xmllint --noout --schema` (Debian's libxml2-utils; xsd/ holds the
// schemas and where they come from). A frame that does not validate fails
// the test. It keeps its domains and host objects in memory and can be
// told to answer a command with any result code, to stall, and to drop
// the connection.
package eppreg

import (
	"bytes"
	"context"
	"crypto/tls"
	"embed"
	"encoding/xml"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/driver/registry"
	"github.com/artnet-panel/artnet-panel/internal/testpeer"
)

//go:embed xsd/*.xsd
var schemas embed.FS

// Action is what the registry does with a command Inject names.
type Action struct {
	// Code, when not 0, is answered instead of carrying the command out
	// (with Msg as the registry's message).
	Code int
	Msg  string
	// Stall: the command is read and never answered (the connection stays
	// open until the client gives up or the server closes).
	Stall bool
	// Drop: the connection is closed instead of answering. With Apply the
	// command is carried out first (the registry accepted it, the client
	// never hears so).
	Drop  bool
	Apply bool
}

// Server is a running test registry.
type Server struct {
	Addr     string
	ClientID string
	Password string
	// Files for artnetd's flags: the CA that signed the server's and the
	// client's certificates, and the client's certificate and key.
	CAFile, CertFile, KeyFile string
	// ClientTLS is a ready client configuration (CA, client certificate).
	ClientTLS *tls.Config

	t       testing.TB
	xmllint string
	dir     string
	ln      net.Listener
	hostObj bool
	secDNS  bool

	mu      sync.Mutex
	domains map[string][]string // domain → ns names
	ds      map[string][]string // domain → DS records ("tag alg digest-type DIGEST")
	hosts   map[string][]string // host objects → addresses
	inject  map[string][]Action // command → actions, one per command
	counts  map[string]int
	frames  int
	conns   map[net.Conn]bool
	stalled chan struct{}
	wg      sync.WaitGroup
	closed  bool
}

// Options configure Start.
type Options struct {
	// HostAttributes makes the greeting offer no host mapping: name
	// servers are host attributes (RFC 5731 section 1.1).
	HostAttributes bool
	// NoSecDNS makes the greeting offer no DNSSEC extension (RFC 5910).
	NoSecDNS bool
}

// Start starts a registry on 127.0.0.1 (port 0) with its own CA; it stops
// at the test's cleanup.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	s := &Server{
		t: t, ClientID: "artnet-test", Password: "secret-pw1",
		xmllint: testpeer.NeedTool(t, "xmllint", "libxml2-utils"),
		dir:     t.TempDir(), hostObj: !o.HostAttributes, secDNS: !o.NoSecDNS,
		domains: map[string][]string{}, hosts: map[string][]string{}, ds: map[string][]string{},
		inject: map[string][]Action{}, counts: map[string]int{}, conns: map[net.Conn]bool{},
		stalled: make(chan struct{}),
	}
	for _, n := range []string{"eppcom-1.0.xsd", "epp-1.0.xsd", "host-1.0.xsd", "domain-1.0.xsd", "secDNS-1.1.xsd", "all.xsd"} {
		b, err := schemas.ReadFile("xsd/" + n)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(s.dir, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	serverTLS := s.makeCerts()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", serverTLS)
	if err != nil {
		t.Fatal(err)
	}
	s.ln, s.Addr = ln, ln.Addr().String()
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(s.Close)
	return s
}

// Close stops the registry and closes every connection.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.stalled)
	s.ln.Close()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// AddDomain registers domain, sponsored by our client, with ns as its
// delegation (host objects are created for them).
func (s *Server) AddDomain(domain string, ns ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.domains[domain] = slices.Clone(ns)
	for _, n := range ns {
		if _, ok := s.hosts[n]; !ok {
			s.hosts[n] = nil
		}
	}
}

// Delegation returns the registry's delegation of domain.
func (s *Server) Delegation(domain string) ([]string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.domains[domain]
	return slices.Clone(d), ok
}

// DS returns the registry's DS set of domain, each "keytag alg
// digest-type DIGEST", in the order added.
func (s *Server) DS(domain string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.ds[domain])
}

// Host returns a host object's addresses and whether it exists.
func (s *Server) Host(name string) ([]string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.hosts[name]
	return slices.Clone(a), ok
}

// Inject makes the next command named cmd ("domain:update", "domain:info",
// "host:create", "login", "hello", ...) do a instead; several queue up.
func (s *Server) Inject(cmd string, a Action) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inject[cmd] = append(s.inject[cmd], a)
}

// Count returns how many commands named cmd were received.
func (s *Server) Count(cmd string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[cmd]
}

// Frames returns how many frames were received and validated.
func (s *Server) Frames() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.frames
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			c.Close()
			return
		}
		s.conns[c] = true
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			s.serve(c)
			c.Close()
			s.mu.Lock()
			delete(s.conns, c)
			s.mu.Unlock()
		}()
	}
}

// validate runs xmllint on a frame; an invalid frame fails the test.
func (s *Server) validate(dir string, frame []byte) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, s.xmllint, "--noout", "--nonet", "--schema", filepath.Join(s.dir, "all.xsd"), "-")
	cmd.Stdin = bytes.NewReader(frame)
	out, err := cmd.CombinedOutput()
	if err != nil {
		s.t.Errorf("eppreg: a frame %s does not validate against the EPP schemas: %v\n%s\nframe:\n%s", dir, err, out, frame)
		return false
	}
	return true
}

func (s *Server) send(c net.Conn, frame string) error {
	b := []byte(xml.Header + frame)
	s.validate("sent by the registry", b)
	return registry.WriteFrame(c, b)
}

// command is what the server reads of a received frame.
type command struct {
	XMLName xml.Name  `xml:"urn:ietf:params:xml:ns:epp-1.0 epp"`
	Hello   *struct{} `xml:"hello"`
	Command *cmdBody  `xml:"command"`
}

type cmdBody struct {
	Login *struct {
		ClID   string   `xml:"clID"`
		PW     string   `xml:"pw"`
		ObjURI []string `xml:"svcs>objURI"`
		ExtURI []string `xml:"svcs>svcExtension>extURI"`
	} `xml:"login"`
	Logout *struct{} `xml:"logout"`
	Info   *struct {
		Domain *struct {
			Name string `xml:"name"`
		} `xml:"urn:ietf:params:xml:ns:domain-1.0 info"`
	} `xml:"info"`
	Check *struct {
		Host *struct {
			Names []string `xml:"name"`
		} `xml:"urn:ietf:params:xml:ns:host-1.0 check"`
	} `xml:"check"`
	Create *struct {
		Host *struct {
			Name  string   `xml:"name"`
			Addrs []string `xml:"addr"`
		} `xml:"urn:ietf:params:xml:ns:host-1.0 create"`
	} `xml:"create"`
	Update *struct {
		Domain *struct {
			Name string  `xml:"name"`
			Add  *nsList `xml:"add"`
			Rem  *nsList `xml:"rem"`
		} `xml:"urn:ietf:params:xml:ns:domain-1.0 update"`
	} `xml:"update"`
	Extension *struct {
		SecDNSUpdate *struct {
			Rem *struct {
				All     string   `xml:"all"`
				DSData  []dsData `xml:"dsData"`
				KeyData []struct {
					Flags string `xml:"flags"`
				} `xml:"keyData"`
			} `xml:"rem"`
			Add *struct {
				DSData  []dsData `xml:"dsData"`
				KeyData []struct {
					Flags string `xml:"flags"`
				} `xml:"keyData"`
			} `xml:"add"`
		} `xml:"urn:ietf:params:xml:ns:secDNS-1.1 update"`
	} `xml:"extension"`
	ClTRID string `xml:"clTRID"`
}

// dsData is a secDNS:dsData (RFC 5910).
type dsData struct {
	KeyTag     int    `xml:"keyTag"`
	Alg        int    `xml:"alg"`
	DigestType int    `xml:"digestType"`
	Digest     string `xml:"digest"`
}

func (d dsData) String() string {
	return fmt.Sprintf("%d %d %d %s", d.KeyTag, d.Alg, d.DigestType, strings.ToUpper(strings.TrimSpace(d.Digest)))
}

type nsList struct {
	HostObj  []string `xml:"ns>hostObj"`
	HostAttr []struct {
		Name  string   `xml:"hostName"`
		Addrs []string `xml:"hostAddr"`
	} `xml:"ns>hostAttr"`
}

func (l *nsList) names() (out []string, glue map[string][]string) {
	if l == nil {
		return nil, nil
	}
	glue = map[string][]string{}
	out = append(out, l.HostObj...)
	for _, h := range l.HostAttr {
		out = append(out, h.Name)
		glue[h.Name] = h.Addrs
	}
	return out, glue
}

func (s *Server) serve(c net.Conn) {
	if err := s.send(c, s.greeting()); err != nil {
		return
	}
	loggedIn := false
	sess := &session{}
	sv := 0
	for {
		raw, err := registry.ReadFrame(c)
		if err != nil {
			return
		}
		s.mu.Lock()
		s.frames++
		s.mu.Unlock()
		valid := s.validate("received by the registry", raw)
		var f command
		if err := xml.Unmarshal(raw, &f); err != nil || !valid {
			s.send(c, response(2001, "Command syntax error", "", "", fmt.Sprintf("SV-%d", sv)))
			continue
		}
		if f.Hello != nil {
			s.mu.Lock()
			s.counts["hello"]++
			s.mu.Unlock()
			if s.act(c, "hello", func() {}) {
				return
			}
			s.send(c, s.greeting())
			continue
		}
		if f.Command == nil {
			s.send(c, response(2001, "Command syntax error", "", "", "SV-0000"))
			continue
		}
		cmd := f.Command
		sv++
		svTRID := fmt.Sprintf("SV-%06d", sv)
		name := commandName(cmd)
		s.mu.Lock()
		s.counts[name]++
		s.mu.Unlock()
		reply := func(code int, msg, resData string) bool {
			return s.send(c, response(code, msg, resData, cmd.ClTRID, svTRID)) == nil
		}
		var ext string
		if !loggedIn && name != "login" {
			reply(2002, "Command use error: log in first", "")
			continue
		}
		var code int
		var msg, resData string
		apply := func() { code, msg, resData, ext = s.carryOut(cmd, name, &loggedIn, sess) }
		if s.act(c, name, apply) {
			return
		}
		if inj := s.injected(name); inj != nil && inj.Code != 0 {
			if !reply(inj.Code, inj.Msg, "") || inj.Code >= 2500 {
				return
			}
			continue
		}
		if code == 0 {
			apply()
		}
		if ext != "" {
			resData += "\x00" + ext // response() puts it in <extension>
		}
		if !reply(code, msg, resData) || name == "logout" || code >= 2500 {
			return
		}
	}
}

// act carries out an injected stall or drop for the command; true: the
// connection is to be closed. An injected code is left for injected().
func (s *Server) act(c net.Conn, name string, apply func()) bool {
	s.mu.Lock()
	q := s.inject[name]
	if len(q) == 0 || q[0].Code != 0 {
		s.mu.Unlock()
		return false
	}
	a := q[0]
	s.inject[name] = q[1:]
	stalled := s.stalled
	s.mu.Unlock()
	if a.Apply {
		apply()
	}
	if a.Stall {
		<-stalled // until Close
		return true
	}
	return a.Drop
}

func (s *Server) injected(name string) *Action {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.inject[name]
	if len(q) == 0 {
		return nil
	}
	s.inject[name] = q[1:]
	return &q[0]
}

func commandName(cmd *cmdBody) string {
	switch {
	case cmd.Login != nil:
		return "login"
	case cmd.Logout != nil:
		return "logout"
	case cmd.Info != nil && cmd.Info.Domain != nil:
		return "domain:info"
	case cmd.Check != nil && cmd.Check.Host != nil:
		return "host:check"
	case cmd.Create != nil && cmd.Create.Host != nil:
		return "host:create"
	case cmd.Update != nil && cmd.Update.Domain != nil:
		return "domain:update"
	}
	return "other"
}
