/* What runtime objects hold in native memory, for an embedder that tells
 * its garbage collector (Node: napi_adjust_external_memory).  Estimates
 * of the bytes a dropped object would give back, cheap enough to ask
 * after every run: linear memory counts its accessible size (the
 * reservation beyond it is address space, not memory). */
#include "engine/internal.h"

uint64_t wh_module_footprint(const wh_module *m) {
  uint64_t n = sizeof *m + m->len;
  uint32_t ndef = m->nfuncs - m->nfunc_imports;
  n += (uint64_t)m->nfuncs * (sizeof(void *) + sizeof(uint32_t));
  for (uint32_t i = 0; i < ndef; i++) {
    const wi_funcdef *f = &m->funcs[i];
    n += sizeof *f + f->nlocals;
    if (atomic_load_explicit(&((wi_funcdef *)f)->code, memory_order_relaxed))
      n += (uint64_t)f->ncode * sizeof(wi_cell);
  }
  return n;
}

uint64_t wh_instance_footprint(const wh_instance *inst) {
  const wh_module *m = inst->mod;
  uint64_t n = sizeof *inst + (uint64_t)m->nfuncs * (sizeof(void *) + sizeof(wh_func));
  for (uint32_t i = m->nmem_imports; i < m->nmems; i++)
    if (inst->mems && inst->mems[i]) n += inst->mems[i]->size;
  for (uint32_t i = m->ntable_imports; i < m->ntables; i++)
    if (inst->tables && inst->tables[i]) n += (uint64_t)inst->tables[i]->cap * sizeof(wh_val);
  return n;
}

/* The same before any code ran on the instance and before the host saw its
 * memories: a fresh memory is mapped without being touched (MAP_NORESERVE
 * zero pages), so it holds only what the data segments wrote.  Reporting
 * the whole size instead made a full collection start every ~500 idle
 * instances of a 2-page module, each marking every live instance. */
uint64_t wh_instance_footprint_unrun(const wh_instance *inst) {
  const wh_module *m = inst->mod;
  uint64_t n = wh_instance_footprint(inst), sizes = 0;
  for (uint32_t i = m->nmem_imports; i < m->nmems; i++)
    if (inst->mems && inst->mems[i]) sizes += inst->mems[i]->size;
  return n - sizes + (inst->init_touched < sizes ? inst->init_touched : sizes);
}

uint64_t wh_table_footprint(const wh_table *t) {
  return sizeof *t + (uint64_t)t->cap * sizeof(wh_val);
}
