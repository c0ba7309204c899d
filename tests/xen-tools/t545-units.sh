#!/bin/bash
# Unit tests of xen-create-image's guest-file writer and texts, and of --type=hvm's
# boot sectors (ASan + UBSan).
. "$(dirname "$0")/../lib.sh"
S=$T_TOP/src/xen-tools
make -s -C "$T_TOP/src/lib" >build.log 2>&1 || { t_fail "src/lib builds" "$(tail build.log)"; t_end; }
cc -std=gnu11 -Wall -Wextra -Werror -pthread -fsanitize=address,undefined -o put_test "$T_TOP/tests/xen-tools/unit/put_test.c" \
   "$S"/tree.c "$S"/run.c "$S"/signals.c "$S"/validate.c "$S"/dists.c "$T_TOP"/src/lib/*.c 2>cc.log ||
    { t_fail "put_test compiles" "$(cat cc.log)"; t_end; }
./put_test || T_FAILED=1
# --type=hvm's boot sectors (bootdisk.c): the MBR, boot.img's code, core.img's blocklist
cc -std=gnu11 -Wall -Wextra -Werror -pthread -fsanitize=address,undefined -o bootdisk_test "$T_TOP/tests/xen-tools/unit/bootdisk_test.c" \
   "$S"/bootdisk.c "$S"/undo.c "$S"/password.c "$S"/tree.c "$S"/run.c "$S"/signals.c "$S"/validate.c "$S"/dists.c \
   "$T_TOP"/src/lib/*.c -lcrypt 2>cc2.log || { t_fail "bootdisk_test compiles" "$(cat cc2.log)"; t_end; }
./bootdisk_test || T_FAILED=1
t_end
