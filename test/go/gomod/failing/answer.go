//go:build !failing

package failing

const answer = 42
