#!/bin/bash
# QEMU TCG boots the packaged hypervisor (QEMU's multiboot loader, Debian's dom0 kernel)
# on a Debian 12 disk where apt installed xenhost; inside dom0 the packaged toolstack
# reports the packaged Xen version and lists Domain-0.
. "$(dirname "$0")/../lib.sh"
. "$T_TOP/tests/qemu/hostlib.sh"
t_need_root
t_need_cmd qemu-system-x86_64 debootstrap
t_need_packages
ver=$T_XEN_VERSION
img=$(qh_host_image) || { t_fail "host disk image with xenhost installed"; t_end; }
t_ok "host disk image with xenhost installed by apt"
qh_boot "$img" out "$T_TOP/tests/qemu/dom0-smoke.sh" --direct --timeout 600
t_eq "QEMU ran to power-off within the time limit" 0 "$?"
t_diag "boot and test took $(cat out/seconds) s"
t_grep "Xen banner on the serial console" "Xen version $(t_re "$ver")" out/console.log
t_grep "dom0 user space ran the test script" '^QH-TEST-START' out/test.log
t_grep "dom0 sees the Xen hypervisor" '^QH-HYPERVISOR xen' out/test.log
t_grep "the packaged xencommons unit started the Xen daemons" '^QH-UNITS xencommons active$' out/test.log
t_grep "xl info reports the packaged Xen version" "^xen_version +: $(t_re "$ver")\$" out/test.log
t_grep "/boot names the packaged hypervisor by the pinned version" "^QH-BOOT xen-$(t_re "$ver")\.gz\$" out/test.log
# Reproducible build stamps: Xen's "compiled by/on" come from the changelog, not the builder.
stamp=$(LC_ALL=C date -u -d "@$(dpkg-parsechangelog -l "$T_TOP/debian/changelog" -STimestamp)")
t_grep "xl info: compile date is the changelog's date ($stamp)" "^cc_compile_date +: $(t_re "$stamp")\$" out/test.log
t_grep "xl info: compiled by the fixed build identity" '^cc_compile_by +: xenhost$' out/test.log
t_grep "xl list shows Domain-0" '^Domain-0 +0 ' out/test.log
t_grep "test script finished" '^QH-TEST-END rc=0' out/test.log
sed -n '/^---- xl info/,/^QH-TEST-END/p' out/test.log | head -n 40 | sed 's/^/# /'
t_end
