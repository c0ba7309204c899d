/* libFuzzer target for xen-create-image's parsers and writers: the input is
 * split at the first 0xff byte into a command line (NUL-separated arguments)
 * and a xen-tools.conf text; both go through parsing, validation, planning, the
 * xl config writer (whose output must read back) and the writers of every
 * per-guest file (guestfiles.c, into buffers of the size the build uses); the
 * input also goes through the xl config reader and the apt sources reader.
 * Crashes, leaks and undefined behaviour are findings (built with
 * -fsanitize=fuzzer,address,undefined). */
#include "../../../src/xen-tools/opts.h"
#include "../../../src/xen-tools/build.h"
#include "../../../src/xen-tools/plan.h"
#include "../../../src/xen-tools/compcfg.h"
#include "../../../src/lib/aptsrc.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void quiet(const char *msg) { (void)msg; }
static int count(const struct xh_apt_entry *e, void *ctx)
{
    if (!e->uri[0] || !e->suite[0]) abort();
    ++*(int *)ctx;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *sep = memchr(data, 0xff, size);
    size_t alen = sep ? (size_t)(sep - data) : size;
    const char *conf = sep ? (const char *)sep + 1 : "";
    size_t clen = sep ? size - alen - 1 : 0;
    char *args = malloc(alen + 1), err[512];
    char *argv[64];
    int argc = 0;
    struct xci o;
    struct xci_plan p;

    memcpy(args, data, alen);
    args[alen] = '\0';
    argv[argc++] = "xen-create-image";
    for (char *a = args; a < args + alen && argc < 63; a += strlen(a) + 1)
        argv[argc++] = a;
    argv[argc] = NULL;

    xci_defaults(&o);
    if (xci_parse_config(&o, conf, clen, "fuzz.conf", quiet, err, sizeof err) == 0 &&
        xci_parse_args(&o, argc, argv, err, sizeof err) == 0 &&
        xci_validate(&o, err, sizeof err) == 0 &&
        xci_plan(&o, &p, "/nonexistent", err, sizeof err) == 0) {
        char *xl = xci_xl_config(&o, &p);
        struct compcfg c;
        if (xl) {   /* what we write, we must read back */
            if (compcfg_parse(xl, strlen(xl), &c, err, sizeof err) < 0 || strcmp(c.name, o.hostname) || !c.meta[0]) abort();
            compcfg_free(&c);
        }
        free(xl);
        /* the guest's files, each into a buffer of the build's size: a text
         * that does not fit fails whole, never writes past the buffer */
        char buf[8192];
        struct xh_buf b;
        unsigned char id[16] = { 0 };
        if (xci_is_hvm(&o)) snprintf(p.root_uuid, sizeof p.root_uuid, "%s", "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0");  /* build.c makes one */
#define TEXT(call) do { xh_buf_init(&b, buf, sizeof buf); if ((call) == 0 && strlen(buf) != b.len) abort(); } while (0)
        TEXT(xci_text_hostname(&o, &b));
        TEXT(xci_text_hosts(&o, &p, &b));
        TEXT(xci_text_fstab(&o, &p, &b));
        TEXT(xci_text_interfaces(&o, &p, &b));
        if (o.nameserver) TEXT(xci_text_resolv(&o, &b));
        TEXT(xci_text_sources(&o, &p, &b));
        TEXT(xci_text_grub(&o, &p, &b));
        TEXT(xci_text_machine_id(id, &b));
#undef TEXT
    }
    xci_free(&o);
    free(args);

    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    struct compcfg c;
    compcfg_parse(text, size, &c, err, sizeof err);
    compcfg_free(&c);
    int n = 0;
    xh_apt_parse_buf(text, size, "fuzz.list", 0, count, &n);
    xh_apt_parse_buf(text, size, "fuzz.sources", 1, count, &n);
    free(text);
    return 0;
}
