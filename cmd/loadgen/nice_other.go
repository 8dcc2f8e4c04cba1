//go:build !linux

package main

import "errors"

// setNice is Linux only here: elsewhere the verifying clients' process runs
// at the load generator's own priority.
func setNice(n int) error { return errors.New("set nice: not on this system") }
