package storetest

// revDNSTests are the conformance tests of the store's revdns part.
var revDNSTests = []namedTest{}
