/* xlcfg.h - read back the xl configs xen-create-image writes (for
 * xen-delete-image and xen-list-images), and their shared options. */
#ifndef XCI_XLCFG_H
#define XCI_XLCFG_H
#include <stddef.h>

struct xlcfg {
    char name[256], type[16], memory[32], vcpus[16], kernel[512];
    char targets[4][1024];  /* disk targets */
    size_t ntargets;
    char mac[32], ip[64];
    char meta[512];         /* our "#xci ..." line, "" if not ours */
};

/* Parse an xl config text. Returns 0, or -1 if it has no name. */
int xlcfg_parse(const char *text, struct xlcfg *c);
/* Read and parse a file; -1 with errno on failure. */
int xlcfg_load(const char *path, struct xlcfg *c);

/* Options shared by the companions: --output, --extension, --hostname,
 * --dry-run/--test, --verbose, --help; other arguments are names.
 * Returns 0, or 2 after printing the error. */
struct comp_opts { const char *output, *extension; const char **names; int nnames, dry_run, verbose, help; };
int comp_parse(int argc, char **argv, struct comp_opts *o, const char *usage);
#endif
