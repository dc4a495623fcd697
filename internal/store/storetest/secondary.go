package storetest

// secondaryTests are the conformance tests of the store's secondary part.
var secondaryTests = []namedTest{}
