#!/bin/bash
# While it works, xendomains asks systemd for more time (EXTEND_TIMEOUT_USEC on
# $NOTIFY_SOCKET); without NOTIFY_SOCKET it sends nothing and still works.
. "$(dirname "$0")/../lib.sh"
. "$T_TOP/tests/xendomains/xdlib.sh"
cat > recv.c <<'C'
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/time.h>
#include <unistd.h>
int main(int argc, char **argv)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    struct timeval tv = { 2, 0 };
    char buf[256];
    int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    (void)argc;
    strncpy(sa.sun_path, argv[1], sizeof sa.sun_path - 1);
    if (argv[1][0] == '@') sa.sun_path[0] = '\0';
    if (bind(fd, (struct sockaddr *)&sa, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(argv[1]))) < 0) { perror("bind"); return 1; }
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    puts("ready"); fflush(stdout);
    for (ssize_t n; (n = recv(fd, buf, sizeof buf - 1, 0)) > 0;) { buf[n] = 0; puts(buf); fflush(stdout); }
    return 0;
}
C
cc -std=gnu11 -Wall -Wextra -Werror -o recv recv.c 2>cc.log || { t_fail "receiver compiles" "$(cat cc.log)"; t_end; }
guest a 64; guest b 64
xd start
./recv "$T_TMP/notify.sock" > got &
rpid=$!
for i in $(seq 50); do grep -q ready got 2>/dev/null && break; sleep 0.1; done
NOTIFY_SOCKET=$T_TMP/notify.sock FAKEXL_LAT_save=0.3 xd stop
t_eq "stop with NOTIFY_SOCKET succeeds" 0 "$XD_RC"
wait $rpid
t_grep "asks systemd for more time while stopping" '^EXTEND_TIMEOUT_USEC=30000000$' got
./recv "@xenhost-test-$$" > got2 &
rpid=$!
for i in $(seq 50); do grep -q ready got2 2>/dev/null && break; sleep 0.1; done
NOTIFY_SOCKET=@xenhost-test-$$ xd start
wait $rpid
t_grep "abstract socket: asks for more time while starting" '^EXTEND_TIMEOUT_USEC=' got2
t_eq "start with an abstract NOTIFY_SOCKET succeeds" 0 "$XD_RC"
t_end
