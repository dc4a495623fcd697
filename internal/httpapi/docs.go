package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/openapi"
	"github.com/artnet-panel/artnet-panel/internal/spec"
)

// docsBuild is the OpenAPI document and the HTML reference of the catalogue
// for one set of implemented commands, built once.
type docsBuild struct {
	once                 sync.Once
	openapi, html        []byte
	openapiETag, htmlTag string
	err                  error
}

// docsBuilds caches the builds by implemented set (see docsKey). Every
// Server of a binary has the same handlers, so in practice it holds one
// entry; keying by the set rather than by Server keeps the answer right
// for any Server and needs no field in it.
var docsBuilds sync.Map // string → *docsBuild

// docsKey returns the implemented set of s as one byte per catalogued
// command ('1' implemented, '0' not), in catalogue order, followed by the
// simulated device kinds.
func (s *Server) docsKey(cmds []spec.Command) string {
	key := make([]byte, len(cmds))
	for i, c := range cmds {
		key[i] = '0'
		if s.Implemented(c.Path()) {
			key[i] = '1'
		}
	}
	for _, c := range cmds {
		if n := s.Notes[c.Path()]; n != "" {
			key = append(key, "\x00"+c.Path()+"\x00"+n...)
		}
	}
	return string(key) + "|" + strings.Join(s.simulatedKinds(), ",")
}

// ModuleDevices are the device kinds each module's commands change: a
// module whose kind runs a simulator on this node is noted so in
// GET /api/docs.
var ModuleDevices = map[string][]string{
	"firewall":       {"firewall"},
	"dedicated":      {"power", "firewall"}, // power lines; iLO access on the firewall
	"colocation":     {"power"},
	"ip-blackholing": {"bgp"},
	"fail-over-ip":   {"bgp"},
	"cloud-instance": {"hypervisor"},
	"vps":            {"hypervisor", "power"}, // qemu machines; simulated switches
	"domain":         {"registry"},
}

// simulatedKinds returns the device kinds whose mode is "sim", sorted.
func (s *Server) simulatedKinds() []string {
	var kinds []string
	for k, m := range s.DeviceModes {
		if m == "sim" {
			kinds = append(kinds, k)
		}
	}
	sort.Strings(kinds)
	return kinds
}

// docsNotes returns what GET /api/docs says about this node: the
// commands' Notes (by "module/command") and, by module name, which of the
// module's devices are simulated.
func (s *Server) docsNotes() map[string]string {
	sim := s.simulatedKinds()
	notes := make(map[string]string, len(s.Notes)+len(ModuleDevices))
	for k, v := range s.Notes {
		notes[k] = v
	}
	for module, kinds := range ModuleDevices {
		var simulated []string
		for _, k := range kinds {
			if slices.Contains(sim, k) {
				simulated = append(simulated, k)
			}
		}
		if len(simulated) > 0 {
			notes[module] = "This node runs simulated devices for this module (" + strings.Join(simulated, ", ") +
				"): changes succeed and are shown as applied, but no real device is changed."
		}
	}
	return notes
}

// docs returns the documents for the commands s implements, building them
// on first use.
func (s *Server) docs() *docsBuild {
	cmds := spec.All()
	v, _ := docsBuilds.LoadOrStore(s.docsKey(cmds), &docsBuild{})
	b := v.(*docsBuild)
	b.once.Do(func() {
		doc, err := openapi.DocumentNotes(cmds, s.Implemented, s.Notes)
		if err != nil {
			b.err = err
			return
		}
		page, err := openapi.DocsHTMLNotes(cmds, s.Implemented, s.docsNotes())
		if err != nil {
			b.err = err
			return
		}
		b.openapi, b.openapiETag = doc, etag(doc)
		b.html, b.htmlTag = page, etag(page)
	})
	return b
}

func etag(b []byte) string {
	sum := sha256.Sum256(b)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}

// serveOpenAPI answers GET /api/openapi.json: the OpenAPI 3.1 document of
// the catalogue, with x-implemented telling which commands this server
// answers.
func (s *Server) serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	b := s.docs()
	if b.err != nil {
		s.docsFailed(w, r, b.err)
		return
	}
	serveDocument(w, r, "application/json", b.openapi, b.openapiETag)
}

// serveDocs answers GET /api/docs: the HTML reference of the catalogue.
func (s *Server) serveDocs(w http.ResponseWriter, r *http.Request) {
	b := s.docs()
	if b.err != nil {
		s.docsFailed(w, r, b.err)
		return
	}
	// The page has no scripts and no external assets: forbid everything
	// but its inline style.
	w.Header().Set("Content-Security-Policy",
		"default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	serveDocument(w, r, "text/html; charset=utf-8", b.html, b.htmlTag)
}

// serveDocument writes body with validators: the content only changes with
// the binary, so caches may keep it a few minutes and then revalidate with
// If-None-Match (answered 304 by http.ServeContent, which also handles
// HEAD and Range).
func serveDocument(w http.ResponseWriter, r *http.Request, contentType string, body []byte, tag string) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("ETag", tag)
	h.Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// docsFailed answers a catalogue the generator rejects (a bug the openapi
// tests catch first) with the internal-error envelope, logged.
func (s *Server) docsFailed(w http.ResponseWriter, r *http.Request, err error) {
	x := &exchange{requestID: responseID(w, r), status: http.StatusInternalServerError}
	s.writeError(w, x, apperr.Internal(apperr.CodeInternal, errors.Join(errors.New("build API documentation"), err)))
}
