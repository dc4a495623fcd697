package store

// RevDNSStore is the part of Store for reverse DNS (PTR records per subnetwork subclass).
type RevDNSStore interface{}
