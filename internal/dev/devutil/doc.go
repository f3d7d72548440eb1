// Package devutil holds the small helpers the local tools and their tests
// share: a sleep that ends with its context, writers that collect a child
// process's output, free loopback ports, and the rule for a missing tool.
// Nothing in it ships in the function.
package devutil
