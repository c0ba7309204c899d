/* value.h - the values of settings as admins write them: sizes ("8Gb", "4G", "512M",
 * "1.5G", "256"), numbers and booleans. Every xenhost program parses them here. */
#ifndef XH_VALUE_H
#define XH_VALUE_H
#include <stdint.h>

/* Parse text into bytes. A bare number is in units of default_unit bytes
 * (e.g. 1<<20 for MiB). Suffixes K, M, G, T (optionally followed by "b"/"B" or
 * "iB"), case-insensitive, are binary multiples. Returns 0 on success, -1 with
 * *why set to a static reason on failure (empty, junk, overflow, zero allowed). */
int xh_parse_size(const char *text, uint64_t default_unit, uint64_t *bytes, const char **why);

/* Parse a non-negative decimal integer within [min,max]. */
int xh_parse_uint(const char *text, uint64_t min, uint64_t max, uint64_t *out, const char **why);

/* The one boolean of every xenhost setting and option: yes, true, on, 1 and
 * no, false, off, 0, in any case. Returns 0 with *out 1 or 0, or -1 for
 * anything else (the empty string included: callers give "" its meaning). */
int xh_parse_bool(const char *text, int *out);

/* Format bytes as the shortest exact "NG"/"NM"/"NK"/"N" form. */
void xh_format_size(uint64_t bytes, char *buf, unsigned len);
#endif
