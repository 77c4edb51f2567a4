/* Clock reads shared by clock_time_get and poll_oneoff. */
#ifndef WI_WASI_CLOCK_H
#define WI_WASI_CLOCK_H
#include <stdint.h>
#include "wasihost.h"
/* Current value of wasi clock id in ns: 0, or EINVAL for an unknown id.
 * w may be NULL (the host's clocks); a deterministic w's fake clocks move
 * on by a tick per read. */
int wasi_clock_now(wh_wasi *w, uint32_t id, uint64_t *ns);
/* A deterministic w's fake clock id after moving it on by advance ns. */
uint64_t wasi_clock_fake(wh_wasi *w, uint32_t id, uint64_t advance);
#endif
