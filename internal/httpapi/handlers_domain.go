package httpapi

// addDomainRoutes adds the handlers of the module to h.
func (s *Server) addDomainRoutes(h map[string]handlerFunc) {}
