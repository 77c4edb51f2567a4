package stack

import (
	"fmt"
	"testing"
)

func TestStack(t *testing.T) {
	var s Stack[string]
	for _, w := range []string{"a", "b", "c"} {
		s.Push(w)
	}
	got := ""
	for s.Len() > 0 {
		v, _ := s.Pop()
		got += v
	}
	if got != "cba" {
		t.Errorf("popped %q", got)
	}
	if _, ok := s.Pop(); ok {
		t.Error("Pop on empty stack reported ok")
	}
}

func TestRecoverPanic(t *testing.T) {
	defer func() {
		if r := recover(); fmt.Sprint(r) != "runtime error: index out of range [3] with length 3" {
			t.Errorf("recovered %v", r)
		}
	}()
	var s []int = make([]int, 3)
	i := 3
	_ = s[i]
}
