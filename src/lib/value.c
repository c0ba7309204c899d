#include "value.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

int xh_parse_uint(const char *text, uint64_t min, uint64_t max, uint64_t *out, const char **why)
{
    uint64_t v = 0;
    const char *p = text;

    if (!text || !*text) { *why = "empty value"; return -1; }
    for (; *p; p++) {
        if (!isdigit((unsigned char)*p)) { *why = "not a non-negative integer"; return -1; }
        if (v > (UINT64_MAX - 9) / 10) { *why = "number too large"; return -1; }
        v = v * 10 + (uint64_t)(*p - '0');
    }
    if (v < min) { *why = "below the minimum"; return -1; }
    if (v > max) { *why = "above the maximum"; return -1; }
    *out = v;
    return 0;
}

int xh_parse_size(const char *text, uint64_t default_unit, uint64_t *bytes, const char **why)
{
    uint64_t whole = 0, frac = 0, frac_div = 1, unit;
    const char *p = text;
    int digits = 0;

    if (!text || !*text) { *why = "empty size"; return -1; }
    for (; isdigit((unsigned char)*p); p++, digits++) {
        if (whole > (UINT64_MAX - 9) / 10) { *why = "size too large"; return -1; }
        whole = whole * 10 + (uint64_t)(*p - '0');
    }
    if (*p == '.') {
        for (p++; isdigit((unsigned char)*p); p++, digits++) {
            if (frac_div >= 1000000000ULL) { *why = "too many decimals"; return -1; }
            frac = frac * 10 + (uint64_t)(*p - '0');
            frac_div *= 10;
        }
    }
    if (!digits) { *why = "does not start with a number"; return -1; }
    switch (toupper((unsigned char)*p)) {
    case '\0': unit = default_unit; break;
    case 'B': unit = 1; p++; break;
    case 'K': unit = 1ULL << 10; p++; break;
    case 'M': unit = 1ULL << 20; p++; break;
    case 'G': unit = 1ULL << 30; p++; break;
    case 'T': unit = 1ULL << 40; p++; break;
    default: *why = "unknown unit (use K, M, G or T)"; return -1;
    }
    if (unit != 1 && *p) {
        if (strcasecmp(p, "b") == 0 || strcasecmp(p, "ib") == 0)
            p += strlen(p);
    }
    if (*p) { *why = "trailing characters after the unit"; return -1; }
    if (whole > UINT64_MAX / unit) { *why = "size too large"; return -1; }
    /* frac * unit / frac_div: unit <= 2^40 and frac < 10^9 keep this in range */
    if (frac && unit < 2) { *why = "fraction of a byte"; return -1; }
    *bytes = whole * unit + (frac ? (frac * unit) / frac_div : 0);
    if (*bytes < whole) { *why = "size too large"; return -1; }
    return 0;
}

void xh_format_size(uint64_t bytes, char *buf, unsigned len)
{
    static const char units[] = "TGMK";
    for (int i = 0; i < 4; i++) {
        uint64_t u = 1ULL << (10 * (4 - i));
        if (bytes && bytes % u == 0) {
            snprintf(buf, len, "%llu%c", (unsigned long long)(bytes / u), units[i]);
            return;
        }
    }
    snprintf(buf, len, "%llu", (unsigned long long)bytes);
}

int xh_parse_bool(const char *text, int *out)
{
    static const char *const yes[] = { "yes", "true", "on", "1" }, *const no[] = { "no", "false", "off", "0" };
    for (size_t i = 0; text && i < sizeof yes / sizeof *yes; i++) {
        if (!strcasecmp(text, yes[i])) { *out = 1; return 0; }
        if (!strcasecmp(text, no[i])) { *out = 0; return 0; }
    }
    return -1;
}
