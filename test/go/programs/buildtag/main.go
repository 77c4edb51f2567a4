// Build constraints: exactly one of platform_wasip1.go / platform_other.go is
// compiled in.
package main

import (
	"fmt"
	"runtime"
)

func main() {
	fmt.Println("platform:", platform())
	fmt.Println("GOOS/GOARCH:", runtime.GOOS+"/"+runtime.GOARCH)
}
