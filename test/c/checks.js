'use strict';
// The C test programs in this directory print "CHECK name got want" lines
// (and "#" comments); a JS test runs one and turns its output into tap
// assertions: a clean exit, no sanitizer report, at least `min` checks.
function assertChecks(t, r, min) {
  const comments = r.stdout.split('\n').filter((l) => l.startsWith('#'));
  if (comments.length) t.comment(comments.join('\n'));
  t.equal(r.status, 0, 'exit code 0');
  t.equal(r.stderr, '', 'no sanitizer report');
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('CHECK '));
  t.ok(lines.length >= min, `checks ran (${lines.length})`);
  for (const l of lines) {
    const [, name, got, want] = l.split(' ');
    t.equal(got, want, name);
  }
}

module.exports = { assertChecks };
