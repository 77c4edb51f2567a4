;; Command form of the fd_write loop, for runtimes driven through their own
;; CLI: @N@ iterations, @CALL@ is the fd_write call or nothing (baseline).
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\10\00\00\00\01\00\00\00")
  (data (i32.const 16) "x")
  (func (export "_start") (local $n i32) (local $err i32)
    (local.set $n (i32.const @N@))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        @CALL@
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (call $proc_exit (local.get $err))))
