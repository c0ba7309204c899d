/* password.c - the guest's root password: generated (--genpass) from
 * getrandom(2), or given; hashed with crypt(3) in this process (never on a
 * command line, in an environment or a log) into the guest's /etc/shadow. */
#define _GNU_SOURCE
#include "build.h"
#include "../lib/log.h"
#include <crypt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

int xci_random_bytes(void *buf, size_t n)
{
    return getrandom(buf, n, 0) == (ssize_t)n ? 0 : -1;
}

int xci_genpass(char *out, size_t len)
{
    static const char set[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    unsigned char r[512];
    if (len >= sizeof r || xci_random_bytes(r, len) < 0) return -1;
    for (size_t i = 0; i < len; i++) {
        unsigned char b;
        do { b = r[i]; if (b >= 256 - 256 % (sizeof set - 1)) { if (xci_random_bytes(&b, 1) < 0) return -1; r[i] = b; } }
        while (b >= 256 - 256 % (sizeof set - 1));
        out[i] = set[b % (sizeof set - 1)];
    }
    out[len] = '\0';
    return 0;
}

int xci_set_root_password(const char *src, const char *dst, const char *password, const char *method)
{
    const char *prefix = !strcasecmp(method, "sha512") ? "$6$" : !strcasecmp(method, "sha256") ? "$5$" : "$y$";
    char *salt = NULL, *hash;
    void *data = NULL;
    int size = 0, rc = -1;
    char path[PATH_MAX];
    pf(path, sizeof path, "%s/etc/shadow", src);
    char *shadow = xci_slurp(path);
    if (!shadow) { xh_err("guest /etc/shadow: %s", strerror(errno)); return -1; }
    if (!(salt = crypt_gensalt_ra(prefix, 0, NULL, 0)) || !(hash = crypt_ra(password, salt, &data, &size)) || hash[0] == '*') {
        xh_err("password: crypt(3) cannot make a %s hash", method);
        goto out;
    }
    char *text = NULL;
    size_t tlen = 0;
    FILE *f = open_memstream(&text, &tlen);
    int done = 0;
    for (char *line = strtok(shadow, "\n"); line; line = strtok(NULL, "\n")) {
        if (!strncmp(line, "root:", 5)) {
            char *rest = strchr(line + 5, ':');
            fprintf(f, "root:%s%s\n", hash, rest ? rest : ":19000:0:99999:7:::");
            done = 1;
        } else {
            fprintf(f, "%s\n", line);
        }
    }
    if (!done) fprintf(f, "root:%s:19000:0:99999:7:::\n", hash);
    fclose(f);
    rc = xci_put(dst, "etc/shadow", text, 0640);
    struct stat sb;
    pf(path, sizeof path, "%s/etc/shadow", src);
    if (rc == 0 && stat(path, &sb) == 0) {   /* keep root:shadow */
        pf(path, sizeof path, "%s/etc/shadow", dst);
        if (chown(path, sb.st_uid, sb.st_gid) < 0) { xh_err("guest /etc/shadow: %s", strerror(errno)); rc = -1; }
    }
    explicit_bzero(text, tlen);
    free(text);
out:
    if (data) explicit_bzero(data, (size_t)size);
    free(data);
    free(salt);
    free(shadow);
    return rc;
}
