// Package cputime reads the CPU time the process has used, for the cluster's
// load report and for benchmarks that report CPU per operation. It is the
// one reader of getrusage in the module.
package cputime
