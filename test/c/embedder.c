/* What a C embedder gets from include/wasihost.h alone (no Node, no
 * libuv): import matching and its messages (wh_extern_type,
 * wh_externtype_matches, wh_externtype_format, wh_instance_new's link
 * errors).  argv[1] is a module written by test/engine/embedder.test.js:
 *   (import "m" "f" (func (param i32) (result i64)))
 *   (import "m" "mem" (memory 1 2))
 *   (import "m" "g" (global (mut i32)))
 *   (import "m" "t" (table 1 funcref))
 * Prints "CHECK name got want" lines for the JS driver. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasihost.h"

#define CHECK(name, got, want) printf("CHECK %s %lld %lld\n", name, (long long)(got), (long long)(want))
#define CHECK_STR(name, got, want) CHECK(name, strcmp(got, want) == 0, 1); \
  if (strcmp(got, want)) printf("# %s: got \"%s\", want \"%s\"\n", name, got, want)

static uint8_t *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  *len = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *b = malloc(*len);
  if (b && fread(b, 1, *len, f) != *len) { free(b); b = NULL; }
  fclose(f);
  return b;
}

static int host_f(wh_call *call, void *data, const wh_val *args, wh_val *results) {
  (void)call; (void)data;
  results[0].i64 = args[0].i32;
  return 0;
}

static void externtypes(const char *path) {
  size_t len;
  uint8_t *bytes = slurp(path, &len);
  wh_error err;
  wh_module *m = bytes ? wh_module_new(bytes, len, &err) : NULL;
  free(bytes);
  CHECK("module_compiles", m != NULL, 1);
  if (!m) return;
  wh_externtype want[4];
  for (uint32_t i = 0; i < 4; i++) wh_module_import(m, i, NULL, NULL, NULL, NULL, &want[i]);

  char buf[128];
  wh_externtype_format(&want[0], buf, sizeof buf);
  CHECK_STR("format_func", buf, "func [i32] -> [i64]");
  wh_externtype_format(&want[1], buf, sizeof buf);
  CHECK_STR("format_memory", buf, "memory {min 1, max 2}");
  wh_externtype_format(&want[2], buf, sizeof buf);
  CHECK_STR("format_global", buf, "global mut i32");
  wh_externtype_format(&want[3], buf, sizeof buf);
  CHECK_STR("format_table", buf, "table {min 1} funcref");
  /* snprintf's contract: truncated, terminated, full length returned */
  size_t need = wh_externtype_format(&want[0], buf, 6);
  CHECK("format_truncated_len", need, strlen("func [i32] -> [i64]"));
  CHECK_STR("format_truncated_text", buf, "func ");

  uint8_t i32 = WH_I32, i64 = WH_I64;
  wh_functype ft = {1, 1, &i32, &i64}, ft_bad = {1, 1, &i32, &i32};
  wh_func *f = wh_func_new_host(&ft, host_f, NULL, NULL);
  wh_func *f_bad = wh_func_new_host(&ft_bad, host_f, NULL, NULL);
  wh_memory *mem = wh_memory_new(1, 2, 1, &err);
  wh_memory *mem_nomax = wh_memory_new(1, 0, 0, &err);
  wh_memory *mem_big = wh_memory_new(3, 4, 1, &err);
  wh_val zero = {0};
  wh_global *g = wh_global_new(WH_I32, 1, zero);
  wh_global *g_const = wh_global_new(WH_I32, 0, zero);
  wh_table *t = wh_table_new(WH_FUNCREF, 2, 0, 0, zero, &err);
  wh_table *t_ext = wh_table_new(WH_EXTERNREF, 2, 0, 0, zero, &err);

  wh_extern ok[4] = {{WH_EXTERN_FUNC, {.func = f}}, {WH_EXTERN_MEMORY, {.memory = mem}},
                     {WH_EXTERN_GLOBAL, {.global = g}}, {WH_EXTERN_TABLE, {.table = t}}};
  wh_externtype have;
  int all = 1;
  for (int i = 0; i < 4; i++) {
    if (wh_extern_type(&ok[i], &have) != 0 || !wh_externtype_matches(&have, &want[i])) all = 0;
  }
  CHECK("matching_imports_match", all, 1);
  /* a table's type is its current size: 2 >= 1 */
  wh_extern_type(&ok[3], &have);
  CHECK("table_type_is_current_size", have.u.table.limits.min, 2);
  /* a memory that grew still matches a smaller min; its max must stay within 2 */
  wh_memory_grow(mem, 1);
  wh_extern_type(&ok[1], &have);
  CHECK("memory_type_is_current_size", have.u.memory.min, 2);
  CHECK("grown_memory_matches", wh_externtype_matches(&have, &want[1]), 1);

  struct { const char *name; wh_extern e; int idx; } bad[] = {
    {"func_wrong_result", {WH_EXTERN_FUNC, {.func = f_bad}}, 0},
    {"memory_no_max", {WH_EXTERN_MEMORY, {.memory = mem_nomax}}, 1},
    {"memory_max_too_big", {WH_EXTERN_MEMORY, {.memory = mem_big}}, 1},
    {"global_const_for_mut", {WH_EXTERN_GLOBAL, {.global = g_const}}, 2},
    {"table_externref_for_funcref", {WH_EXTERN_TABLE, {.table = t_ext}}, 3},
    {"kind_mismatch", {WH_EXTERN_MEMORY, {.memory = mem}}, 0},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    wh_extern_type(&bad[i].e, &have);
    CHECK(bad[i].name, wh_externtype_matches(&have, &want[bad[i].idx]), 0);
  }
  wh_extern null_func = {WH_EXTERN_FUNC, {.func = NULL}};
  CHECK("null_extern_type", wh_extern_type(&null_func, &have), WH_ERR_ARG);

  /* wh_instance_new applies the same test and says why in the same words */
  wh_instance *inst = wh_instance_new(m, ok, 4, NULL, &err);
  CHECK("instance_links", inst != NULL, 1);
  if (inst) wh_instance_unref(inst);
  wh_extern wrong[4] = {ok[0], {WH_EXTERN_MEMORY, {.memory = mem_big}}, ok[2], ok[3]};
  inst = wh_instance_new(m, wrong, 4, NULL, &err);
  CHECK("instance_refuses", inst == NULL && err.status == WH_ERR_LINK, 1);
  CHECK_STR("instance_message", err.message,
            "incompatible import type for m::mem: expected memory {min 1, max 2}, got memory {min 3, max 4}");
  wh_extern wrong_kind[4] = {ok[1], ok[1], ok[2], ok[3]};
  inst = wh_instance_new(m, wrong_kind, 4, NULL, &err);
  CHECK_STR("instance_kind_message", err.message,
            "incompatible import type for m::f: expected function, got memory");

  wh_func_unref(f); wh_func_unref(f_bad);
  wh_memory_unref(mem); wh_memory_unref(mem_nomax); wh_memory_unref(mem_big);
  wh_global_unref(g); wh_global_unref(g_const);
  wh_table_unref(t); wh_table_unref(t_ext);
  wh_module_unref(m);
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  externtypes(argv[1]);
  return 0;
}
