/* compcfg.h - what xen-delete-image and xen-list-images read back from an xl
 * config xen-create-image wrote (through the shared reader, src/lib/xlcfg.h). */
#ifndef XCI_COMPCFG_H
#define XCI_COMPCFG_H
#include <stddef.h>

struct compcfg {
    char name[256], type[16], memory[32], vcpus[16], kernel[512];
    char **targets;         /* disk targets, in order */
    size_t ntargets;
    char mac[32], ip[64];   /* of the first vif that has them */
    char meta[512];         /* our "#xci ..." line, "" if the config is not ours */
};

/* Read path into c. Returns 0, or -1 with why set (unreadable, syntax, no name).
 * compcfg_free() after either. */
int compcfg_read(const char *path, struct compcfg *c, char *why, size_t whylen);
/* The same for a text (why without a file name). */
int compcfg_parse(const char *text, size_t len, struct compcfg *c, char *why, size_t whylen);
void compcfg_free(struct compcfg *c);
#endif
