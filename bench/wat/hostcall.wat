;; Host-call cost: loops that call WASI fd_write (1 byte to fd 1) or a
;; trivial JS import env.noop, and the same loop without a call (baseline
;; subtracted by the harness).  A reactor: the harness calls the exports.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "env" "noop" (func $noop))
  (memory (export "memory") 1)
  ;; iovec {buf = 16, len = 1} at 0; nwritten at 8; the byte at 16.
  (data (i32.const 0) "\10\00\00\00\01\00\00\00")
  (data (i32.const 16) "x")
  (func (export "_initialize"))
  ;; Returns the OR of all errnos, so a failing write is noticed.
  (func (export "write") (param $n i32) (result i32) (local $err i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $err (i32.or (local.get $err)
          (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $err))
  (func (export "noop") (param $n i32) (result i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (call $noop)
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (i32.const 0))
  (func (export "empty") (param $n i32) (result i32) (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $acc)))
