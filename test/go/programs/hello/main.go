// The smallest wasip1 program: one line on stdout, exit 0.
package main

import "fmt"

func main() {
	fmt.Println("hello, world")
}
