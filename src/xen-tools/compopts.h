/* compopts.h - the command line xen-delete-image and xen-list-images share:
 * --output, --extension, --hostname, --dry-run/--test, --verbose, --help;
 * --dir, --lvm and --no-xen-ok are accepted and ignored; other arguments are names. */
#ifndef XCI_COMPOPTS_H
#define XCI_COMPOPTS_H

struct comp_opts { const char *output, *extension; const char **names; int nnames, dry_run, verbose, help; };
/* Returns 0 (with --help: usage and exits printed, o->help set), or 2 after logging
 * the error. */
struct xh_exit;
int comp_parse(int argc, char **argv, struct comp_opts *o, const char *usage, const struct xh_exit *exits);
#endif
