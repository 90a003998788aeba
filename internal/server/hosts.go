package server

import (
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
)

// Which requests are believed about where they came from and which name
// they were sent to. A client writes its own Host, X-Forwarded-For and
// X-Forwarded-Proto headers, so none is taken at its word:
//
//   - X-Forwarded-For and X-Forwarded-Proto count only from a peer in
//     Config.TrustedProxies; otherwise the peer is the client, and the
//     request is HTTPS only when it came over TLS.
//   - Absolute URLs, which public responses carry and caches keep
//     (canonical links, embed snippets, oEmbed answers, API links), are
//     made against Config.BaseURL; without it, against the request's Host
//     only when that is one of Config.AllowedHosts, or, with no list, a
//     loopback name for development. Otherwise pages carry addresses
//     relative to the site, which name no host.
//   - With a list of allowed hosts, a request for any other host is
//     answered 421 Misdirected Request.

// hosts is the request-origin policy built from Config.
type hosts struct {
	base    string
	allowed map[string]bool
	trusted []*net.IPNet
	// warnXFF logs once that a proxy seems to be in front of a sitrep
	// that believes none.
	warnXFF sync.Once
}

func newHosts(cfg Config) *hosts {
	h := &hosts{base: strings.TrimRight(cfg.BaseURL, "/"), trusted: cfg.TrustedProxies}
	if len(cfg.AllowedHosts) > 0 {
		h.allowed = map[string]bool{}
		for _, a := range cfg.AllowedHosts {
			if a = strings.ToLower(strings.TrimSpace(a)); a != "" {
				h.allowed[a] = true
			}
		}
		if u, err := url.Parse(h.base); err == nil && u.Host != "" {
			h.allowed[strings.ToLower(u.Host)] = true
		}
	}
	return h
}

// baseURL is Config.BaseURL without its trailing slash, "" when unset.
func (h *hosts) baseURL() string {
	if h == nil {
		return ""
	}
	return h.base
}

// ipExtractor finds the client's address: the peer's, or, from a trusted
// proxy, the nearest untrusted address in X-Forwarded-For.
func (h *hosts) ipExtractor() echo.IPExtractor {
	if len(h.trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range h.trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// peerTrusted reports whether the request's peer is a trusted proxy.
func (h *hosts) peerTrusted(req *http.Request) bool {
	if len(h.trusted) == 0 {
		return false
	}
	host, _, err := net.SplitHostPort(req.RemoteAddr)
	if err != nil {
		host = req.RemoteAddr
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return false
	}
	for _, n := range h.trusted {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// secure reports whether the client's request reached us over HTTPS: over
// TLS, or through a trusted proxy that says so in X-Forwarded-Proto. Of a
// list, the last value is the one the nearest proxy set.
func (h *hosts) secure(req *http.Request) bool {
	if req.TLS != nil {
		return true
	}
	if !h.peerTrusted(req) {
		return false
	}
	proto := req.Header.Get(echo.HeaderXForwardedProto)
	if i := strings.LastIndexByte(proto, ','); i >= 0 {
		proto = proto[i+1:]
	}
	return strings.EqualFold(strings.TrimSpace(proto), "https")
}

// known reports whether host (a Host header) may appear in absolute URLs.
func (h *hosts) known(host string) bool {
	host = strings.ToLower(host)
	name := host
	if n, _, err := net.SplitHostPort(host); err == nil {
		name = n
	}
	if h.allowed != nil {
		return h.allowed[host] || h.allowed[name]
	}
	if name == "localhost" {
		return true
	}
	ip := net.ParseIP(strings.Trim(name, "[]"))
	return ip != nil && ip.IsLoopback()
}

// origin is the origin absolute URLs are made against, "" when the
// request's Host is not known to be ours: then they stay relative.
func (s *Server) origin(c echo.Context) string {
	h := s.hosts
	if h == nil {
		// A Server made without New, in a test: nothing configured.
		h = &hosts{}
	}
	if h.base != "" {
		return h.base
	}
	req := c.Request()
	if !h.known(req.Host) {
		return ""
	}
	scheme := "http"
	if h.secure(req) {
		scheme = "https"
	}
	return scheme + "://" + req.Host
}

// checkHost answers 421 to a request for a host not in the allowed list,
// when there is one. The health check answers whatever the name, for
// probes that address the machine directly; so do the static files, which
// name no host, so that the 421 page itself is readable, styled.
func (s *Server) checkHost(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if s.hosts.allowed == nil || req.URL.Path == "/healthz" || strings.HasPrefix(req.URL.Path, "/static/") || s.hosts.known(req.Host) || warming(req.Context()) {
			return next(c)
		}
		return echo.NewHTTPError(http.StatusMisdirectedRequest, "host not allowed")
	}
}

// warnUntrustedProxy logs once when a request from loopback or a private
// network carries X-Forwarded-For and no proxy is trusted: sitrep is
// probably behind a proxy, and every client looks like it to the sign-in
// throttle.
func (s *Server) warnUntrustedProxy(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if len(s.hosts.trusted) == 0 && req.Header.Get(echo.HeaderXForwardedFor) != "" {
			host, _, _ := net.SplitHostPort(req.RemoteAddr)
			if ip := net.ParseIP(host); ip != nil && (ip.IsLoopback() || ip.IsPrivate()) {
				s.hosts.warnXFF.Do(func() {
					s.log.Warn("a proxy at " + host + " sends X-Forwarded-For but --trusted-proxies is not set: " +
						"every client looks like the proxy to the sign-in throttle, and X-Forwarded-Proto is not believed")
				})
			}
		}
		return next(c)
	}
}
