# tests/grub/grublib.sh - run GRUB's own grub-mkconfig over a fixture root (bash;
# sourced after tests/lib.sh). In a private mount namespace the fixture's
# /etc/grub.d (GRUB's installed scripts plus our 09_xenhost), /etc/default
# (grub, grub.d/, xen) and /boot (kernels, configs, hypervisors, grubenv) are
# bind-mounted over the real ones, and grub-probe/grub-mkrelpath answer for a
# fixed disk, so the output depends on the fixture only.
#   g_new NAME          start a fixture (stock Debian: one dom0 kernel, one Xen)
#   g_run               grub-mkconfig -o $G/grub.cfg; stdout/stderr in $G/out $G/err
#   g_check_valid       grub-script-check + a native Linux entry (t_* checks)
#   g_default [VAR=VALUE...]  the entry id GRUB boots by default, simulating the
#                       grub.cfg's default logic with grubenv values given
#   g_token             the trial token of the xenhost-xen entry
t_need_root
t_need_cmd grub-mkconfig grub-script-check grub-editenv unshare cksum

G_UUID=3f1c6d2e-58a7-4c39-9d0e-2b6f0a1c9e11
G_XEN=$T_XEN_VERSION
G_KERNEL=6.1.0-13-amd64
G_TOOL=$T_TOP/src/tools/xenhost-boot/xenhost-boot
G_NATIVE="gnulinux-simple-$G_UUID"

if ! make -s -C "$T_TOP/src/tools/xenhost-boot" >"$T_TMP/make.log" 2>&1; then
    t_fail "xenhost-boot builds" "$(tail -n 20 "$T_TMP/make.log")"
    t_end
fi

# g_kernel VERSION [dom0|nodom0|noconfig]
g_kernel() {
    echo "fake kernel $1" > "$G/boot/vmlinuz-$1"
    echo "fake initrd $1" > "$G/boot/initrd.img-$1"
    case ${2:-dom0} in
        dom0) printf 'CONFIG_XEN=y\nCONFIG_XEN_DOM0=y\n' > "$G/boot/config-$1" ;;
        nodom0) printf 'CONFIG_XEN=y\n# CONFIG_XEN_DOM0 is not set\n' > "$G/boot/config-$1" ;;
        noconfig) rm -f "$G/boot/config-$1" ;;
    esac
}
# g_xen VERSION [dbg]: the files xenhost-hypervisor installs
g_xen() {
    local v=$1${2:+-dbg}
    echo "fake xen $v" > "$G/boot/xen-$v.gz"
    echo "fake xen efi $v" > "$G/boot/xen-$v.efi"
    echo "CONFIG_XEN=y" > "$G/boot/xen-$v.config"
}
g_set() { # g_set FILE KEY VALUE: replace or append KEY="VALUE"
    local f=$1 k=$2 v=$3
    grep -v "^$k=" "$f" > "$f.new" || true
    printf '%s="%s"\n' "$k" "$v" >> "$f.new"
    mv "$f.new" "$f"
}
g_grub() { g_set "$G/etc/default/grub" "$1" "$2"; }
g_xenconf() { g_set "$G/etc/default/xen" "$1" "$2"; }

# A fixture that cannot be set up fails the test (the checks would test nothing).
g_setup_failed() { t_fail "${G##*/}: fixture setup: $1 failed"; t_end; }
g_new() {
    G=$T_TMP/$1
    mkdir -p "$G/boot/grub" "$G/etc/grub.d" "$G/etc/default/grub.d" "$G/bin"
    local f
    for f in /etc/grub.d/*; do
        case $f in */20_linux_xen) continue ;; esac   # diverted by xenhost-hypervisor
        cp -p "$f" "$G/etc/grub.d/" || g_setup_failed "copy $f"
    done
    install -m 0755 "$T_TOP/scripts/grub.d/09_xenhost" "$G/etc/grub.d/09_xenhost" || g_setup_failed "install 09_xenhost"
    # Debian's stock /etc/default/grub (package grub2-common, in src/build/deps.test)
    cp /usr/share/grub/default/grub "$G/etc/default/grub" || g_setup_failed "copy the stock /etc/default/grub"
    cp "$T_TOP/etc/default/xen" "$G/etc/default/xen" || g_setup_failed "copy etc/default/xen"
    grub-editenv "$G/boot/grub/grubenv" create || g_setup_failed "grub-editenv create"
    printf 'MemTotal:        3951224 kB\nMemFree:         1000000 kB\n' > "$G/meminfo"
    cat > "$G/bin/grub-probe" <<EOF
#!/bin/sh
target=
while [ \$# -gt 0 ]; do
    case \$1 in --target=*) target=\${1#--target=} ;; -t) shift; target=\$1 ;; --device|-d) shift ;; esac
    shift
done
case \$target in
    device) echo /dev/sda1 ;;
    fs_uuid) echo $G_UUID ;;
    fs) echo "\${FAKE_FS:-ext2}" ;;
    partmap) echo msdos ;;
    abstraction) echo "\${FAKE_ABSTRACTION:-}" ;;
    compatibility_hint) echo hd0,msdos1 ;;
    hints_string) echo "--hint-bios=hd0,msdos1 --hint-efi=hd0,msdos1 --hint-baremetal=ahci0,msdos1" ;;
    partuuid) echo 5a1e0b2c-01 ;;
    fs_label) echo root ;;
    drive) echo "(hd0,msdos1)" ;;
    *) echo "fake grub-probe: unknown target \$target" >&2; exit 1 ;;
esac
EOF
    printf '#!/bin/sh\necho "$1"\n' > "$G/bin/grub-mkrelpath"
    printf '#!/bin/sh\nexec %s -m %s "$@"\n' "$G_TOOL" "$G/meminfo" > "$G/bin/xenhost-boot"
    chmod +x "$G/bin/"*
    g_kernel "$G_KERNEL" dom0
    g_xen "$G_XEN"
}

# g_run [ENV=VALUE...]: grub-mkconfig in the fixture; returns its exit status.
g_run() {
    local rc mo=
    [ -z "${G_MO:-}" ] || mo="mount --bind $G_MO /usr/share/locale/${G_MO_LANG}/LC_MESSAGES/grub.mo"
    env "$@" XENHOST_BOOT="$G/bin/xenhost-boot" unshare -m --propagation private sh -ec "
        mount --bind '$G/etc/grub.d' /etc/grub.d
        mount --bind '$G/etc/default' /etc/default
        mount --bind '$G/boot' /boot
        mount --bind '$G/bin/grub-probe' /usr/sbin/grub-probe
        mount --bind '$G/bin/grub-mkrelpath' /usr/bin/grub-mkrelpath
        $mo
        exec grub-mkconfig -o '$G/grub.cfg'" > "$G/out" 2> "$G/err"
    rc=$?
    return $rc
}

# The section our hook wrote.
g_ours() { sed -n '/^### BEGIN \/etc\/grub.d\/09_xenhost ###/,/^### END \/etc\/grub.d\/09_xenhost ###/p' "$G/grub.cfg"; }

g_check_valid() {
    local what=$1
    t_check "$what: grub-script-check accepts grub.cfg" grub-script-check "$G/grub.cfg"
    if grep -Eq "menuentry '[^']*' .*\\\$menuentry_id_option 'gnulinux-(simple|[^']*-advanced)-$G_UUID'" "$G/grub.cfg"; then
        t_ok "$what: native Linux entry kept"
    else
        t_fail "$what: native Linux entry kept" "$(grep -n menuentry "$G/grub.cfg" | head)"
    fi
}

g_token() { g_ours | sed -n "s/^[[:space:]]*set xenhost_tried='\(.*\)'$/\1/p" | head -n 1; }

# g_default [saved_entry=..] [xenhost_tried=..] [xenhost_good=..] [boot_once=..] [next=ID]:
# evaluate what grub.cfg makes the default: 00_header's "set default=" (or the
# one-time next entry), then our block's top-level default code (plain sh syntax:
# if/[ ]/set), then a numeric default resolved to the id of that top-level entry.
g_default() {
    local saved_entry= xenhost_tried= xenhost_good= boot_once= next= default code kv
    for kv; do local "${kv%%=*}=${kv#*=}"; done
    if [ -n "$next" ]; then
        default=$next boot_once=true
    else
        default=$(sed -n 's/^   set default="\(.*\)"$/\1/p' "$G/grub.cfg" | tail -n 1)
        default=${default//\$\{saved_entry\}/$saved_entry}
    fi
    code=$(g_ours | sed -n '/^if \[ -z "${boot_once}" \]; then$/,$p' | grep -v '^###' | sed 's/\bset default=/default=/')
    eval "$code"
    if [[ $default =~ ^[0-9]+$ ]]; then
        default=$(grep -E "^(menuentry|submenu) " "$G/grub.cfg" | sed -n "$((default + 1))p" |
                  sed -n "s/.*\\\$menuentry_id_option '\([^']*\)'.*/\1/p")
    fi
    echo "$default"
}
# g_has_id ID: grub.cfg defines an entry or submenu with this id
g_has_id() { grep -q "\\\$menuentry_id_option '$1' {" "$G/grub.cfg"; }
