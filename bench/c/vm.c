// A tiny bytecode interpreter (stack VM with locals, calls and a switch
// dispatch loop, the shape of Lua's or Python's core) running a program
// assembled at startup: Collatz step counts, primes by trial division and
// recursive fib.  Interpreting an interpreter: indirect branches, a hot
// loop over a byte-code array, small memory accesses.
#include <stdio.h>
#include <stdlib.h>

enum { PUSH, LOAD, STORE, ADD, SUB, MUL, DIV, MOD, LT, LE, EQ, NE, JZ, JNZ, JMP,
       CALL, RET, POP, DUP, HALT, INC };

static int code[512];
static int ncode;
static void emit(int op) { code[ncode++] = op; }
static void emit2(int op, int a) { code[ncode++] = op; code[ncode++] = a; }
static int here(void) { return ncode; }
static int jump(int op) { emit2(op, -1); return ncode - 1; }
static void patch(int at, int to) { code[at] = to; }

typedef struct { int ret, base; } Frame;

static long long run(int entry, int nlocals, const long long *args, int nargs) {
  static long long stack[1 << 16];
  static Frame frames[1 << 12];
  int sp = 0, fp = 0, base = 0, pc = entry;
  for (int i = 0; i < nlocals; i++) stack[sp++] = i < nargs ? args[i] : 0;
  for (;;) {
    int op = code[pc++];
    switch (op) {
    case PUSH: stack[sp++] = code[pc++]; break;
    case LOAD: stack[sp++] = stack[base + code[pc++]]; break;
    case STORE: stack[base + code[pc++]] = stack[--sp]; break;
    case INC: stack[base + code[pc]]++; pc++; break;
    case ADD: sp--; stack[sp - 1] += stack[sp]; break;
    case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
    case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
    case DIV: sp--; stack[sp - 1] /= stack[sp]; break;
    case MOD: sp--; stack[sp - 1] %= stack[sp]; break;
    case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
    case LE: sp--; stack[sp - 1] = stack[sp - 1] <= stack[sp]; break;
    case EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
    case NE: sp--; stack[sp - 1] = stack[sp - 1] != stack[sp]; break;
    case JZ: if (!stack[--sp]) pc = code[pc]; else pc++; break;
    case JNZ: if (stack[--sp]) pc = code[pc]; else pc++; break;
    case JMP: pc = code[pc]; break;
    case DUP: stack[sp] = stack[sp - 1]; sp++; break;
    case POP: sp--; break;
    case CALL: {  // CALL target nargs: args are on the stack, become locals 0..n-1
      int target = code[pc++], n = code[pc++];
      frames[fp].ret = pc; frames[fp].base = base; fp++;
      base = sp - n; pc = target;
      break;
    }
    case RET: {
      long long v = stack[--sp];
      sp = base; fp--; pc = frames[fp].ret; base = frames[fp].base;
      stack[sp++] = v;
      break;
    }
    case HALT: return stack[sp - 1];
    default: abort();
    }
  }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 100000;
  // collatz(N): locals 0=N 1=n 2=x 3=total
  int collatz = here();
  emit2(PUSH, 1); emit2(STORE, 1);
  int outer = here();
  emit2(LOAD, 1); emit2(LOAD, 0); emit(LT); int outer_exit = jump(JZ);
  emit2(LOAD, 1); emit2(STORE, 2);
  int inner = here();
  emit2(LOAD, 2); emit2(PUSH, 1); emit(NE); int inner_exit = jump(JZ);
  emit2(LOAD, 2); emit2(PUSH, 2); emit(MOD); int odd = jump(JNZ);
  emit2(LOAD, 2); emit2(PUSH, 2); emit(DIV); emit2(STORE, 2); int join = jump(JMP);
  patch(odd, here());
  emit2(LOAD, 2); emit2(PUSH, 3); emit(MUL); emit2(PUSH, 1); emit(ADD); emit2(STORE, 2);
  patch(join, here());
  emit2(INC, 3); emit2(JMP, inner);
  patch(inner_exit, here());
  emit2(INC, 1); emit2(JMP, outer);
  patch(outer_exit, here());
  emit2(LOAD, 3); emit(HALT);

  // primes(N): locals 0=N 1=i 2=j 3=count
  int primes = here();
  emit2(PUSH, 2); emit2(STORE, 1);
  int p_outer = here();
  emit2(LOAD, 1); emit2(LOAD, 0); emit(LT); int p_exit = jump(JZ);
  emit2(PUSH, 2); emit2(STORE, 2);
  int p_inner = here();
  emit2(LOAD, 2); emit(DUP); emit(MUL); emit2(LOAD, 1); emit(LE); int p_prime = jump(JZ);
  emit2(LOAD, 1); emit2(LOAD, 2); emit(MOD); int p_next = jump(JNZ);
  int p_skip = jump(JMP);  // composite
  patch(p_next, here());
  emit2(INC, 2); emit2(JMP, p_inner);
  patch(p_prime, here());
  emit2(INC, 3);
  patch(p_skip, here());
  emit2(INC, 1); emit2(JMP, p_outer);
  patch(p_exit, here());
  emit2(LOAD, 3); emit(HALT);

  // fib(n) as a called function, and a driver calling it.
  int fib = here();
  emit2(LOAD, 0); emit2(PUSH, 2); emit(LT); int f_rec = jump(JZ);
  emit2(LOAD, 0); emit(RET);
  patch(f_rec, here());
  emit2(LOAD, 0); emit2(PUSH, 1); emit(SUB); emit(CALL); emit(fib); emit(1);
  emit2(LOAD, 0); emit2(PUSH, 2); emit(SUB); emit(CALL); emit(fib); emit(1);
  emit(ADD); emit(RET);
  int fib_main = here();
  emit2(LOAD, 0); emit(CALL); emit(fib); emit(1); emit(HALT);

  long long a1[] = {n}, a2[] = {n}, a3[] = {20 + (n >= 100000 ? 5 : 0)};
  long long c = run(collatz, 4, a1, 1);
  long long p = run(primes, 4, a2, 1);
  long long f = run(fib_main, 1, a3, 1);
  printf("vm n=%d collatz_steps=%lld primes=%lld fib(%lld)=%lld\n", n, c, p, a3[0], f);
  return 0;
}
