// Package stack is a generic LIFO (an internal package: tests must run for
// it too).
package stack

// Stack is a LIFO of T.
type Stack[T any] struct{ items []T }

// Push adds v on top.
func (s *Stack[T]) Push(v T) { s.items = append(s.items, v) }

// Pop removes and returns the top item; ok is false when empty.
func (s *Stack[T]) Pop() (v T, ok bool) {
	if len(s.items) == 0 {
		return v, false
	}
	v = s.items[len(s.items)-1]
	s.items = s.items[:len(s.items)-1]
	return v, true
}

// Len is the number of items.
func (s *Stack[T]) Len() int { return len(s.items) }
