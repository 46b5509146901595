# SPDX-License-Identifier: GPL-2.0
# Sourced by the scripts: resolve a kernel name (6.1, 6.12, debug, kcsan) to the
# image to boot (KIMAGE), the tree to build modules against (KDIR) and a
# label (KLABEL).
resolve_kernel() {
	local name=$1 ver here
	here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	case "$name" in
	6.1|6.12)
		ver=$(cd /lib/modules && ls -d "$name".*-amd64 "$name".*+deb*-amd64 2>/dev/null |
		      grep -E "^$name\.[0-9]" | sort -V | tail -n 1)
		[ -n "$ver" ] || { echo "no Debian $name kernel headers (run make deps)" >&2; return 1; }
		KIMAGE=/boot/vmlinuz-$ver
		KDIR=/lib/modules/$ver/build
		[ -f "$KIMAGE" ] || { echo "$KIMAGE missing (run make deps)" >&2; return 1; }
		;;
	debug|kcsan)
		local out frags=("$here/../config/debug-kernel.config")
		[ "$name" = kcsan ] && frags+=("$here/../config/debug-kcsan.config")
		out=$("$here/debug-kernel.sh" "${frags[@]}") || return 1
		KIMAGE=$out/bzImage
		KDIR=$out/build
		;;
	*)
		echo "unknown kernel '$name' (6.1, 6.12, debug or kcsan)" >&2
		return 1
		;;
	esac
	KLABEL=$name
}
