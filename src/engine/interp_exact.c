/* The interpreter loop compiled a second time, counting every dispatch
 * for the running function: exact profiles (prof.c) run modules
 * translated for this copy (wh_module.exact), so the ordinary loop keeps
 * no counter and pays nothing.  Calls between modules of the two kinds
 * go through wi_interp_call as nested entries. */
#define WI_EXACT_RUN 1
#include "interp.c"
