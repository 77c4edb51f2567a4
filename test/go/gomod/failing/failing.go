// Package failing has a test that fails when built with -tags failing, to
// check that a failing test's exit status travels back through the wrapper.
package failing

// Answer is wrong on purpose under the "failing" tag.
func Answer() int { return answer }
