package httpapi

// addRevDNSRoutes adds the handlers of the module to h.
func (s *Server) addRevDNSRoutes(h map[string]handlerFunc) {}
