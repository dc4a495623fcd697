package storetest

// domainTests are the conformance tests of the store's domain part.
var domainTests = []namedTest{}
