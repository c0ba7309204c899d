#!/bin/bash
# What the built packages contain: a multiboot2 hypervisor carrying the recorded version,
# both flavours with their Kconfig, libraries with the expected sonames, every file in
# exactly one package, and nothing taken from Debian's own packaging.
. "$(dirname "$0")/../lib.sh"
t_need_packages
ver=$T_XEN_VERSION
qemu_ver=$(sh "$T_TOP/src/build/recipe-value" "$T_TOP/src/qemu/recipe" UPSTREAM_VERSION)
t_eq "the packages were built from the version src/xen/recipe pins" "$ver" "$(cat "$T_DEBS/xen-version")"

for deb in "$T_DEBS"/*.deb; do
    p=$(dpkg-deb -f "$deb" Package)
    mkdir -p "x/$p" && dpkg-deb -x "$deb" "x/$p"
    dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { sub(/^\.\//, "", $6); print $6 }' | sed "s|^|$p |" >> files.txt
    # the device model's packages carry QEMU's version (src/qemu/recipe), the others Xen's
    case $p in xenhost-qemu*) up=$qemu_ver ;; *) up=$ver ;; esac
    t_grep "$p: version carries upstream $up plus our revision" "^$(t_re "$up")-[0-9]*xenhost[0-9]+$" <(dpkg-deb -f "$deb" Version)
done

t_hypervisor_images x "$ver"
t_nogrep "release build is not a debug build" '^CONFIG_DEBUG=y' "x/xenhost-hypervisor/boot/xen-$ver.config"
t_grep "debug build has CONFIG_DEBUG" '^CONFIG_DEBUG=y' "x/xenhost-hypervisor-debug/boot/xen-$ver-dbg.config"
t_check "release xen-syms keeps its symbol table" \
    sh -c "nm 'x/xenhost-hypervisor/usr/lib/debug/boot/xen-syms-$ver' | grep -q ' __start_xen\$'"

# sonames: the stable libraries and the versioned ones of this series
series=$(echo "$ver" | cut -d. -f1,2)
for so in libxencall.so.1 libxenevtchn.so.1 libxengnttab.so.1 libxenforeignmemory.so.1 libxendevicemodel.so.1 \
          libxentoolcore.so.1 libxentoollog.so.1 libxenhypfs.so.1 libxenstore.so.4 \
          libxenctrl.so.$series libxenguest.so.$series libxenlight.so.$series libxlutil.so.$series libxenstat.so.$series; do
    lib=$(ls x/xenhost-libs/usr/lib/x86_64-linux-gnu/"$so".* 2>/dev/null | head -n 1)
    if [ -n "$lib" ]; then
        t_eq "$so has soname $so" "$so" "$(objdump -p "$lib" | awk '$1 == "SONAME" { print $2 }')"
    else
        t_fail "xenhost-libs ships $so"
    fi
done
for b in usr/sbin/xl usr/sbin/xenstored usr/sbin/xenconsoled usr/lib/xen/bin/xen-init-dom0 etc/xen/scripts/vif-bridge; do
    t_check "xenhost-utils ships /$b" test -e "x/xenhost-utils/$b"
done
# 4.19+ speaks the sd_notify protocol itself (no libsystemd): look for the protocol
t_check "toolstack built with systemd support (xenstored notifies systemd)" \
    grep -qa NOTIFY_SOCKET x/xenhost-utils/usr/sbin/xenstored
for m in man1/xl.1 man5/xl.cfg.5 man5/xl.conf.5 man1/xentop.1; do
    t_check "xenhost-utils ships upstream's $m man page" test -s "x/xenhost-utils/usr/share/man/$m.gz"
done
t_check "xl.1 names the Xen version built" sh -c "zcat x/xenhost-utils/usr/share/man/man1/xl.1.gz | grep -qF '$ver'"
t_eq "xendomains reads domain state through libxenlight (linked against it)" "libxenlight.so.$series" \
    "$(objdump -p x/xenhost-utils/usr/sbin/xendomains | awk '$1 == "NEEDED" && $2 ~ /^libxenlight/ { print $2 }')"

# the device model: Xen's QEMU, at the one path libxl was built with, linked against our
# libraries, its firmware and qemu-system-xen's place taken as package relations
dm=usr/lib/xen/bin/qemu-system-i386
if [ -x "x/xenhost-qemu/$dm" ]; then
    t_ok "xenhost-qemu ships /$dm"
    t_check "libxl starts the device model at /$dm (compiled in)" \
        sh -c "strings x/xenhost-libs/usr/lib/x86_64-linux-gnu/libxenlight.so.$(echo "$ver" | cut -d. -f1,2).* | grep -qx '/$dm'"
    t_grep "the device model is linked against our Xen libraries" 'NEEDED +libxen(ctrl|devicemodel|foreignmemory)' \
        <(objdump -p "x/xenhost-qemu/$dm")
    t_check "the device model names the seabios/ipxe firmware path" sh -c "strings 'x/xenhost-qemu/$dm' | grep -q /usr/share/seabios"
else
    t_fail "xenhost-qemu ships /$dm"
fi
qdeb=$(ls "$T_DEBS"/xenhost-qemu_*.deb 2>/dev/null | head -n 1)
if [ -n "$qdeb" ]; then
    for f in Depends Provides Conflicts Replaces; do dpkg-deb -f "$qdeb" "$f" | sed "s/^/$f: /"; done > qemu-fields
    t_grep "xenhost-qemu depends on the firmware (seabios, ovmf)" '^Depends: .*seabios.*ovmf|^Depends: .*ovmf.*seabios' qemu-fields
    t_grep "xenhost-qemu depends on the libraries it was built against" '^Depends: .*xenhost-libs' qemu-fields
    for f in Provides Conflicts Replaces; do t_grep "xenhost-qemu $f qemu-system-xen" "^$f: .*qemu-system-xen" qemu-fields; done
fi
t_grep "xenhost recommends the device model" 'xenhost-qemu' <(dpkg-deb -f "$T_DEBS"/xenhost_*.deb Recommends)

# every shipped file in exactly one package
dups=$(awk '{ print $2 }' files.txt | sort | uniq -d)
t_eq "every shipped file belongs to exactly one package" "" "$dups"
t_eq "no Python program or module shipped" "" "$(grep -E '\.py$|/python3' files.txt | head -n 5)"
for deb in "$T_DEBS"/*.deb; do
    if dpkg-deb -I "$deb" | grep -q "#!/usr/bin/perl\|#!/usr/bin/python"; then t_fail "$(basename "$deb"): maintainer scripts are POSIX sh"; fi
done

# nothing from Debian's own packaging: the orig tarball has no debian/, ours is the
# only changelog, and our maintainer owns every package
tarball=$XENHOST_CACHE/src/$(sh "$T_TOP/src/build/recipe-value" "$T_TOP/src/xen/recipe" ORIG_FILE)
if [ -f "$tarball" ]; then
    t_eq "upstream tarball carries no debian/ directory" 0 "$(tar -tf "$tarball" | grep -c '^[^/]*/debian/')"
else
    t_fail "upstream tarball for $ver in the source cache"
fi
zcat "x/xenhost/usr/share/doc/xenhost/changelog.Debian.gz" > changelog
t_grep "package changelog is ours" '^xenhost \(' changelog
t_nogrep "package changelog has no Debian xen entry" '^xen \(' changelog
t_end
