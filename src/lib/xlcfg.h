/* xlcfg.h - read xl guest config files (xl.cfg(5)) as data, never run. A file is
 * settings "KEY = VALUE", separated by newlines or ';'. VALUE is a "string" (with
 * backslash escapes) or 'string', a number or bare word, or a [ list, of, them ]
 * (a trailing comma and newlines inside are fine). '#' starts a comment. Every
 * xenhost program that reads guest configs (xendomains, xen-delete-image,
 * xen-list-images) reads them here. */
#ifndef XH_XLCFG_H
#define XH_XLCFG_H
#include <stddef.h>

/* One setting: its values (one for a scalar; is_list for [ ... ], maybe none).
 * Return 0 to go on, or a positive value to stop: xh_xlcfg_parse returns it. */
typedef int (*xh_xlcfg_fn)(const char *key, char *const *values, size_t nvalues, int is_list,
                           int line, void *ctx);

/* Parse len bytes of text. Returns 0, the callback's value, or -1 with why set
 * ("line N: reason") on a syntax error or when out of memory. */
int xh_xlcfg_parse(const char *text, size_t len, xh_xlcfg_fn fn, void *ctx, char *why, size_t whylen);
/* Read path (at most XH_XLCFG_MAX bytes) and parse it; why then starts with path. */
#define XH_XLCFG_MAX (1u << 20)
int xh_xlcfg_read(const char *path, xh_xlcfg_fn fn, void *ctx, char *why, size_t whylen);

/* The value of key in a spec such as 'format=raw, vdev=xvda, target=/x' (up to
 * the next ','; blanks around items skipped) into out; 0, or -1 if absent. */
int xh_xlcfg_spec_value(const char *spec, const char *key, char *out, size_t outlen);
#endif
