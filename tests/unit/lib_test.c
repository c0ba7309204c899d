/* Unit tests for src/lib. */
#define _GNU_SOURCE
#include "test.h"
#include "../../src/lib/atomicfile.h"
#include "../../src/lib/buf.h"
#include "../../src/lib/files.h"
#include "../../src/lib/kvconf.h"
#include "../../src/lib/value.h"
#include "../../src/lib/xlcfg.h"
#include "../../src/lib/spawn.h"
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void sizes(void)
{
    struct { const char *in; unsigned long long unit, want; } ok[] = {
        { "8Gb", 1, 8ULL << 30 }, { "4G", 1, 4ULL << 30 }, { "512M", 1, 512ULL << 20 },
        { "256", 1ULL << 20, 256ULL << 20 }, { "1.5G", 1, 3ULL << 29 }, { "2gib", 1, 2ULL << 30 },
        { "100k", 1, 102400 }, { "0", 1, 0 }, { "16384B", 1, 16384 },
    };
    const char *bad[] = { "", "G", "4X", "4GG", "-1", "4 G", "1e9", "99999999999999999999", "17179869184T" };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        uint64_t b = 0; const char *why = NULL;
        int rc = xh_parse_size(ok[i].in, ok[i].unit, &b, &why);
        CHECK(rc == 0 && b == ok[i].want, "size '%s' = %llu", ok[i].in, ok[i].want);
    }
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        uint64_t b; const char *why = NULL;
        CHECK(xh_parse_size(bad[i], 1, &b, &why) < 0 && why, "size '%s' rejected (%s)", bad[i], why ? why : "-");
    }
    char buf[32];
    xh_format_size(3ULL << 30, buf, sizeof buf); CHECK_STR(buf, "3G", "format 3G");
    xh_format_size(1536ULL << 20, buf, sizeof buf); CHECK_STR(buf, "1536M", "format 1536M");
}

struct kv { char keys[8][32]; char vals[8][64]; int n; };
static int collect(const char *k, const char *v, const char *f, int l, void *ctx)
{
    struct kv *kv = ctx; (void)f; (void)l;
    if (kv->n < 8) { snprintf(kv->keys[kv->n], 32, "%s", k); snprintf(kv->vals[kv->n], 64, "%s", v); kv->n++; }
    return 0;
}

struct both { struct kv kv; char text[512]; };   /* kv first: collect() takes it too */
static void bad_line(const char *msg, void *ctx)
{
    struct both *b = ctx;
    size_t n = strlen(b->text);
    snprintf(b->text + n, sizeof b->text - n, "%s\n", msg);
}

static void kvconf(void)
{
    const char *shell = "# comment\nA=1\nexport B=\"two words\"\nC='x$y'\n  D=plain # trailing\nE=\n";
    struct kv kv = { .n = 0 };
    char err[256];
    int rc = xh_kv_parse_buf(shell, strlen(shell), "t", XH_KV_SHELL, collect, &kv, err, sizeof err);
    CHECK(rc == 0 && kv.n == 5, "shell dialect parses 5 assignments (%s)", err);
    CHECK_STR(kv.vals[1], "two words", "double quotes");
    CHECK_STR(kv.vals[2], "x$y", "single quotes keep $ literally");
    CHECK_STR(kv.vals[3], "plain", "trailing comment dropped");
    CHECK_STR(kv.vals[4], "", "empty value");
    const char *bad[] = { "A=$(reboot)\n", "A=`x`\n", "A=\"$HOME\"\n", "A = 1\n", "A=a b\n", "1A=x\n", "A=\"open\n", "just words\n" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        kv.n = 0; err[0] = 0;
        rc = xh_kv_parse_buf(bad[i], strlen(bad[i]), "f.conf", XH_KV_SHELL, collect, &kv, err, sizeof err);
        CHECK(rc < 0 && strncmp(err, "f.conf:1: ", 10) == 0 && kv.n == 0, "shell dialect rejects %.*s with '%s'", (int)strlen(bad[i]) - 1, bad[i], err);
    }
    const char *spaced = "dist   = bookworm # the default\nnameserver = 1.1.1.1 9.9.9.9\n\n# x\nsize=4G\n";
    kv.n = 0;
    rc = xh_kv_parse_buf(spaced, strlen(spaced), "xt", XH_KV_SPACED, collect, &kv, err, sizeof err);
    CHECK(rc == 0 && kv.n == 3, "spaced dialect parses 3 keys");
    CHECK_STR(kv.vals[0], "bookworm", "spaced value trimmed, comment dropped");
    CHECK_STR(kv.vals[1], "1.1.1.1 9.9.9.9", "spaced value keeps inner blanks");
    CHECK(xh_kv_parse_file("/nonexistent/x", XH_KV_SHELL, collect, &kv, err, sizeof err) == -2, "missing file is -2");

    /* each line on its own: a bad line is reported with its number, the rest is read */
    char dir[] = "/tmp/xh-kv.XXXXXX", path[300];
    REQUIRE(mkdtemp(dir), "mkdtemp %s", dir);
    snprintf(path, sizeof path, "%s/f.conf", dir);
    FILE *f = fopen(path, "w");
    REQUIRE(f && fputs("A=1\nbogus\nB=$(x)\nC=3\n", f) >= 0 && fclose(f) == 0, "write %s", path);
    struct both bd = { .kv.n = 0, .text = "" };
    rc = xh_kv_parse_file_each(path, XH_KV_SHELL, collect, bad_line, &bd, err, sizeof err);
    CHECK(rc == 0 && bd.kv.n == 2 && !strcmp(bd.kv.keys[1], "C"), "a bad line costs only itself (rc %d, %d keys)", rc, bd.kv.n);
    CHECK(strstr(bd.text, "f.conf:2: expected KEY=VALUE") && strstr(bd.text, "f.conf:3: B: shell syntax"),
          "each bad line reported with its own number (%s)", bd.text);
    CHECK(xh_kv_parse_file_each(dir, XH_KV_SHELL, collect, bad_line, &bd, err, sizeof err) == -1 && strstr(err, "Is a directory"),
          "a directory is an unreadable file (%s)", err);
    snprintf(path, sizeof path, "rm -rf %s", dir);
    (void)!system(path);
}

/* This program's poll(): fails on demand, to see what xh_run reports then. */
static int poll_fails;
int poll(struct pollfd *fds, nfds_t n, int tmo)
{
    if (poll_fails) { errno = ENOMEM; return -1; }
    struct timespec ts = { tmo / 1000, (tmo % 1000) * 1000000L };
    return ppoll(fds, n, tmo < 0 ? NULL : &ts, NULL);
}

static void bufs(void)
{
    char s[16];
    struct xh_buf b;
    xh_buf_init(&b, s, sizeof s);
    CHECK(xh_buf_add(&b, "%s", "") == 0 && b.len == 0 && !strcmp(s, ""), "buf: empty append");
    CHECK(xh_buf_add(&b, "%d-%s", 12, "ab") == 0 && xh_buf_add(&b, ",%s", "cd") == 0 && !strcmp(s, "12-ab,cd") && b.len == 8,
          "buf: appends (%s)", s);
    CHECK(xh_buf_add(&b, "%s", "0123456") == 0 && b.len == 15, "buf: exactly full (15 + NUL)");
    CHECK(xh_buf_add(&b, "x") < 0 && !strcmp(s, "12-ab,cd0123456") && xh_buf_status(&b) < 0,
          "buf: one byte too many fails, the text kept as it was");
    xh_buf_init(&b, s, sizeof s);
    int all = 0;
    for (int i = 0; i < 1000; i++) all += xh_buf_add(&b, "nameserver %d\n", i) < 0;
    CHECK(all == 999, "buf: the first fits, every append after the overflow fails (%d)", all);
    CHECK(b.len < sizeof s && s[b.len] == '\0' && xh_buf_status(&b) < 0, "buf: never past its storage (len %zu)", b.len);
    xh_buf_init(&b, s, sizeof s);
    CHECK(xh_buf_add(&b, "%s", "much too long for it") < 0 && !strcmp(s, "") && xh_buf_add(&b, "ok") < 0,
          "buf: a first append too long leaves an empty text; the buffer stays failed");
}

static void values(void)
{
    const char *yes[] = { "yes", "YES", "true", "True", "on", "1" }, *no[] = { "no", "No", "false", "FALSE", "off", "0" };
    const char *junk[] = { "", "y", "n", "2", "yes ", "enabled", "perhaps" };
    int b, all = 1;
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) all &= xh_parse_bool(yes[i], &b) == 0 && b == 1;
    CHECK(all, "booleans: yes true on 1 (any case) are 1");
    all = 1;
    for (size_t i = 0; i < sizeof no / sizeof *no; i++) all &= xh_parse_bool(no[i], &b) == 0 && b == 0;
    CHECK(all, "booleans: no false off 0 (any case) are 0");
    for (size_t i = 0; i < sizeof junk / sizeof *junk; i++)
        CHECK(xh_parse_bool(junk[i], &b) < 0, "booleans: '%s' is not one", junk[i]);
    char msg[128];
    snprintf(msg, sizeof msg, XH_KV_UNKNOWN, "/etc/x.conf", 7, "FROB");
    CHECK_STR(msg, "/etc/x.conf:7: FROB: unknown setting, ignoring", "the one unknown-key message");
}

struct made { char dirs[8][256]; int n; };
static void on_made(const char *dir, void *ctx)
{
    struct made *m = ctx;
    if (m->n < 8) snprintf(m->dirs[m->n++], 256, "%s", dir);
}

static void files(void)
{
    char dir[] = "/tmp/xh-files.XXXXXX", path[300], *buf = NULL;
    size_t len = 0;
    struct stat st;
    REQUIRE(mkdtemp(dir), "mkdtemp %s", dir);
    snprintf(path, sizeof path, "%s/f", dir);
    FILE *f = fopen(path, "w");
    REQUIRE(f && fwrite("a\0b\n", 1, 4, f) == 4 && fclose(f) == 0, "write %s", path);
    CHECK(xh_read_file(path, 100, &buf, &len) == 0 && len == 4 && !memcmp(buf, "a\0b\n", 5),
          "read a whole file, NULs kept, NUL-terminated");
    free(buf);
    CHECK(xh_read_file(path, 3, &buf, &len) < 0 && errno == EFBIG && !buf, "a file above the limit: EFBIG, no buffer");
    snprintf(path, sizeof path, "%s/missing", dir);
    CHECK(xh_read_file(path, 100, &buf, &len) < 0 && errno == ENOENT, "a missing file: ENOENT");

    struct made m = { .n = 0 };
    snprintf(path, sizeof path, "%s/a/b/c/", dir);
    CHECK(xh_mkdir_p(path, 0700, on_made, &m) == 0, "mkdir -p of three levels");
    CHECK(m.n == 3 && strstr(m.dirs[0], "/a") && strstr(m.dirs[2], "/a/b/c"), "each directory made is reported, outermost first (%d)", m.n);
    snprintf(path, sizeof path, "%s/a/b/c", dir);
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0700, "the last gets the mode");
    snprintf(path, sizeof path, "%s/a/b", dir);
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0755, "parents get 0755");
    m.n = 0;
    snprintf(path, sizeof path, "%s/a/b/c", dir);
    CHECK(xh_mkdir_p(path, 0700, on_made, &m) == 0 && m.n == 0, "existing directories: fine, none reported");
    snprintf(path, sizeof path, "%s/f/sub", dir);
    CHECK(xh_mkdir_p(path, 0755, NULL, NULL) < 0 && errno == ENOTDIR, "a file in the way: ENOTDIR");
    snprintf(path, sizeof path, "%s/f", dir);
    CHECK(xh_mkdir_p(path, 0755, NULL, NULL) < 0 && errno == ENOTDIR, "a file at the path: ENOTDIR, not success");
    char cmd[300]; snprintf(cmd, sizeof cmd, "rm -rf %s", dir); (void)!system(cmd);
}

struct settings { char text[1024]; };
static int record(const char *key, char *const *v, size_t n, int is_list, int line, void *ctx)
{
    struct settings *s = ctx;
    size_t l = strlen(s->text);
    l += (size_t)snprintf(s->text + l, sizeof s->text - l, "%d:%s%s", line, key, is_list ? "[]" : "");
    for (size_t i = 0; i < n; i++) l += (size_t)snprintf(s->text + l, sizeof s->text - l, "|%s", v[i]);
    snprintf(s->text + l, sizeof s->text - l, "\n");
    return strcmp(key, "stop") ? 0 : 7;
}

static void xlcfg(void)
{
    const char *text = "# guest\nname = \"a \\\"b\\\"\"  # comment\nmemory = 512; vcpus=2\n"
                       "disk = [ 'x,y', \"z\",\n  # inside\n ]\nvif = []\n";
    struct settings s = { "" };
    char why[128] = "";
    CHECK(xh_xlcfg_parse(text, strlen(text), record, &s, why, sizeof why) == 0, "xl config parses (%s)", why);
    CHECK_STR(s.text, "2:name|a \"b\"\n3:memory|512\n3:vcpus|2\n4:disk[]|x,y|z\n7:vif[]\n",
              "settings, escapes, ';', lists over lines, empty list");
    s.text[0] = '\0';
    CHECK(xh_xlcfg_parse("a = 1\nstop = 2\nb = 3\n", 18, record, &s, why, sizeof why) == 7 && !strstr(s.text, ":b"),
          "a callback's value stops the walk");
    s.text[0] = '\0';
    CHECK(xh_xlcfg_parse("vif.default.bridge=\"xenbr0\"\n", 28, record, &s, why, sizeof why) == 0 &&
          !strcmp(s.text, "1:vif.default.bridge|xenbr0\n"), "xl.conf's dotted keys (%s)", s.text);
    const char *bad[] = { "name \"x\"\n", "name = \"x\n", "disk = [ 'a' 'b' ]\n", "disk = [ 'a',\n", "a = 1 b = 2\n", "= 1\n", ".a = 1\n" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        why[0] = '\0';
        CHECK(xh_xlcfg_parse(bad[i], strlen(bad[i]), record, &s, why, sizeof why) == -1 && !strncmp(why, "line ", 5),
              "bad xl config %zu rejected (%s)", i, why);
    }
    char out[64];
    CHECK(xh_xlcfg_spec_value("format=raw, vdev=xvda , target=/srv/x.img", "vdev", out, sizeof out) == 0 && !strcmp(out, "xvda"),
          "spec value, blanks trimmed");
    CHECK(xh_xlcfg_spec_value("format=raw, target=/srv/x.img", "target", out, sizeof out) == 0 && !strcmp(out, "/srv/x.img"),
          "spec value at the end");
    CHECK(xh_xlcfg_spec_value("mytarget=/x", "target", out, sizeof out) < 0, "spec value: whole keys only");
}

static void spawn(void)
{
    struct xh_run_result r;
    char *echo[] = { "sh", "-c", "echo out; echo err >&2; exit 3", NULL };
    struct xh_run_opts o = { .capture = XH_CAP_OUT | XH_CAP_ERR };
    xh_run(echo, &o, &r);
    CHECK(r.status == 3 && r.out && strcmp(r.out, "out\n") == 0 && r.err && strcmp(r.err, "err\n") == 0,
          "exit code and separate stdout/stderr captured");
    xh_run_result_free(&r);

    char *cat[] = { "cat", NULL };
    struct xh_run_opts oi = { .input = "secret\n", .input_len = 7, .capture = XH_CAP_OUT };
    xh_run(cat, &oi, &r);
    CHECK(r.status == 0 && r.out && strcmp(r.out, "secret\n") == 0, "stdin data delivered");
    xh_run_result_free(&r);

    char *slow[] = { "sh", "-c", "sleep 30 & sleep 30", NULL };
    struct xh_run_opts ot = { .timeout_ms = 200, .grace_ms = 200, .capture = XH_CAP_OUT };
    int64_t t0 = xh_now_ms();
    xh_run(slow, &ot, &r);
    CHECK(r.timed_out && r.status == 128 + 15 && xh_now_ms() - t0 < 5000, "deadline kills the process group");
    xh_run_result_free(&r);

    char *sleeper[] = { "sh", "-c", "sleep 5; exit 0", NULL };
    struct xh_run_opts os = { .capture = XH_CAP_OUT | XH_CAP_ERR };
    poll_fails = 1;
    t0 = xh_now_ms();
    xh_run(sleeper, &os, &r);
    poll_fails = 0;
    CHECK(r.status == -1 && strstr(r.why, "poll") && xh_now_ms() - t0 < 4000,
          "poll() failing: no exit status made up, the child is stopped (%d, %s)", r.status, r.why);
    xh_run_result_free(&r);

    char *missing[] = { "/nonexistent/prog", NULL };
    xh_run(missing, NULL, &r);
    CHECK(r.status == -1 && strstr(r.why, "/nonexistent/prog"), "unstartable program reported: %s", r.why);
    xh_run_result_free(&r);
}

static void atomic(void)
{
    char dir[] = "/tmp/xh-atomic.XXXXXX", path[256], buf[64];
    struct stat st;
    REQUIRE(mkdtemp(dir), "mkdtemp %s", dir);
    snprintf(path, sizeof path, "%s/f", dir);
    CHECK(xh_atomic_write(path, "one", 3, 0600, 0) == 0, "atomic write creates");
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "mode 0600 applied");
    CHECK(xh_atomic_write(path, "two", 3, 0644, XH_ATOMIC_NOREPLACE) < 0 && errno == EEXIST, "NOREPLACE refuses existing");
    FILE *f = fopen(path, "r"); size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0; if (f) fclose(f); buf[n] = 0;
    CHECK_STR(buf, "one", "content kept after refusal");
    CHECK(xh_atomic_write(path, "three", 5, 0644, 0) == 0, "atomic replace");
    char cmd[300]; snprintf(cmd, sizeof cmd, "test $(ls -A %s | wc -l) = 1", dir);
    CHECK(system(cmd) == 0, "no temporary file left behind");
    /* through a caller-named temporary: used, then gone; refused when it exists */
    char tmp[300]; snprintf(tmp, sizeof tmp, "%s/.f.mine", dir);
    CHECK(xh_atomic_write_via(path, tmp, "four", 4, 0640, 0) == 0, "write via a named temporary");
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0640 && access(tmp, F_OK) < 0, "named temporary renamed into place");
    FILE *t = fopen(tmp, "w"); REQUIRE(t && fclose(t) == 0, "create %s", tmp);
    CHECK(xh_atomic_write_via(path, tmp, "five", 4, 0644, 0) < 0 && errno == EEXIST, "an existing temporary name is refused");
    f = fopen(path, "r"); n = f ? fread(buf, 1, sizeof buf - 1, f) : 0; if (f) fclose(f); buf[n] = 0;
    CHECK_STR(buf, "four", "target kept when the temporary name is taken");
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir); (void)!system(cmd);
}

int main(void)
{
    sizes();
    bufs();
    values();
    files();
    kvconf();
    xlcfg();
    spawn();
    atomic();
    return TEST_END();
}
