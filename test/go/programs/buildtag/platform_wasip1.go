//go:build wasip1

package main

func platform() string { return "wasip1 build" }
