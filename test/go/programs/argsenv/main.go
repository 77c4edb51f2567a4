// Prints its arguments and environment in a stable form, then exits with
// the code named by $EXIT_CODE (default 0).  os.Args[0] is printed too so a
// test sees what the runner passed as the program name.
package main

import (
	"fmt"
	"os"
	"sort"
	"strconv"
)

func main() {
	fmt.Printf("argc=%d\n", len(os.Args))
	for i, a := range os.Args[1:] {
		fmt.Printf("arg[%d]=%q\n", i+1, a)
	}
	env := os.Environ()
	sort.Strings(env)
	fmt.Printf("envc=%d\n", len(env))
	for _, kv := range env {
		fmt.Printf("env %q\n", kv)
	}
	if v, ok := os.LookupEnv("EXIT_CODE"); ok {
		code, err := strconv.Atoi(v)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bad EXIT_CODE:", err)
			os.Exit(100)
		}
		fmt.Fprintf(os.Stderr, "exiting with %d\n", code)
		os.Exit(code)
	}
}
