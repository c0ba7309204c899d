# tests/xen-tools/common-lvm.sh - a throw-away volume group for the --lvm tests,
# sourced after common-build.sh. Real lvm2 on a loop device over a sparse file
# in $T_TMP, with its own configuration (LVM_SYSTEM_DIR: no udev, no scan of
# the host's disks, no metadata backups in /etc/lvm), removed at exit whatever
# happens: VG, PV, loop devices, device links, file.
#
# Without device-mapper in the kernel (as on this project's build machines)
# lvm2 cannot activate a volume. Then the metadata is still real lvm2 (global
# activation = 0: lvcreate, lvs, lvrename and lvremove really run, with their
# own name rules, sizes, errors and exit codes) and only activation is stood
# in for: after each lvcreate/lvrename/lvremove, wrappers first on PATH map
# every LV to a loop device over exactly its extents in the PV file (what
# dm-linear would map) and keep /dev/VG/LV pointing to it. LVM_MODE says which.
t_need_cmd pvcreate vgcreate lvcreate lvs losetup dmsetup
export LVM_SUPPRESS_FD_WARNINGS=1
VG=xhtest$$
LVM_DIR=$T_TMP/lvm
LVM_REAL=$(dirname "$(command -v lvcreate)")
mkdir -p "$LVM_DIR/etc" "$LVM_DIR/map" "$LVM_DIR/bin"
trap 'exit 130' INT TERM HUP   # so that lib.sh's exit trap (the cleanup below) always runs
truncate -s 8G "$LVM_DIR/pv.img"
PV=$(losetup --show -f "$LVM_DIR/pv.img") || { t_fail "losetup a loop device for the PV"; t_end; }
if dmsetup version 2>/dev/null | grep -q '^Driver version'; then LVM_MODE=real; else LVM_MODE=emulated; fi
cat > "$LVM_DIR/etc/lvm.conf" <<EOF
global { activation = $([ $LVM_MODE = real ] && echo 1 || echo 0) }
activation { udev_sync = 0 udev_rules = 0 monitoring = 0 }
devices { obtain_device_list_from_udev = 0 use_devicesfile = 0 global_filter = [ "a|^$PV\$|", "r|.*|" ] }
backup { backup = 0 archive = 0 }
EOF
export LVM_SYSTEM_DIR=$LVM_DIR/etc
lvm_teardown() {
    local f
    "$LVM_REAL/vgremove" -q -f "$VG" >/dev/null 2>&1
    for f in "$LVM_DIR"/map/*; do [ -f "$f" ] && losetup -d "$(cut -d' ' -f1 "$f")" 2>/dev/null; done
    rm -rf "/dev/$VG"
    "$LVM_REAL/pvremove" -q -f "$PV" >/dev/null 2>&1
    losetup -d "$PV"
}
t_cleanup lvm_teardown

# lvm_sync: the stand-in activation (emulated mode), run by the wrappers.
cat > "$LVM_DIR/bin/lvm-sync" <<EOF
#!/bin/bash
# map each LV of $VG to a loop device over its extents; unmap removed ones
set -u
M=$LVM_DIR/map
pe0=\$($LVM_REAL/pvs --noheadings --units b --nosuffix -o pe_start $PV 2>/dev/null | tr -d ' ')
ext=\$($LVM_REAL/vgs --noheadings --units b --nosuffix -o vg_extent_size $VG 2>/dev/null | tr -d ' ')
live=" "
while read -r uuid name range size; do
    [ -n "\$uuid" ] || continue
    case \$range in $PV:*-*) ;; *) echo "lvm-sync: \$name: not one linear segment (\$range)" >&2; exit 1;; esac
    first=\${range#*:}; first=\${first%-*}
    live="\$live\$uuid "
    if [ -f "\$M/\$uuid" ]; then
        read -r loop old < "\$M/\$uuid"
        [ "\$old" = "\$name" ] && continue
        rm -f "/dev/$VG/\$old"
    else
        loop=\$(losetup --show -f --offset \$((pe0 + first * ext)) --sizelimit "\$size" "$LVM_DIR/pv.img") || exit 1
    fi
    mkdir -p /dev/$VG
    ln -sfn "\$loop" "/dev/$VG/\$name"
    echo "\$loop \$name" > "\$M/\$uuid"
done < <($LVM_REAL/lvs --noheadings --units b --nosuffix -o lv_uuid,lv_name,seg_pe_ranges,seg_size $VG 2>/dev/null)
for f in "\$M"/*; do
    [ -f "\$f" ] || continue
    case \$live in *" \${f##*/} "*) continue;; esac
    read -r loop old < "\$f"
    rm -f "/dev/$VG/\$old" "\$f"
    losetup -d "\$loop"
done
EOF
for c in lvcreate lvrename lvremove; do
    printf '#!/bin/sh\n%s/%s "$@"\nrc=$?\n%s/bin/lvm-sync || exit 1\nexit $rc\n' "$LVM_REAL" $c "$LVM_DIR" > "$LVM_DIR/bin/$c"
done
chmod +x "$LVM_DIR"/bin/*
[ $LVM_MODE = emulated ] && export PATH="$LVM_DIR/bin:$PATH"

pvcreate -q "$PV" >pv.log 2>&1 && vgcreate -q --alloc contiguous "$VG" "$PV" >>pv.log 2>&1 \
    || { t_fail "pvcreate/vgcreate on $PV" "$(cat pv.log)"; t_end; }
# lv_list: "NAME SIZE" of every LV in the VG, sorted
lv_list() { lvs --noheadings --units b --nosuffix -o lv_name,lv_size "$VG" 2>/dev/null | awk '{print $1, $2}' | sort; }
