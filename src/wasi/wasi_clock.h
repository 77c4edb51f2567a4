/* Clock reads shared by clock_time_get and poll_oneoff. */
#ifndef WH_WASI_CLOCK_H
#define WH_WASI_CLOCK_H
#include <stdint.h>
/* Current value of wasi clock id in ns: 0, or EINVAL for an unknown id. */
int wasi_clock_now(uint32_t id, uint64_t *ns);
#endif
