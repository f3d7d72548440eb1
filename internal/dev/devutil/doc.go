// Package devutil holds the small helpers the local tools share: a sleep
// that ends with its context, writers that collect a child process's output,
// and free loopback ports. Nothing in it ships in the function.
package devutil
