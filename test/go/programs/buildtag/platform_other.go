//go:build !wasip1

package main

func platform() string { return "other build" }
