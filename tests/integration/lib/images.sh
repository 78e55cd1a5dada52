# Sourced by integration scripts that attach image files to loop devices.
# release_images IMG...: for each image file given (globs that matched nothing are
# ignored), unmount what is mounted from the loop devices attached to it, then detach those
# loop devices, by name. Touches nothing but devices backed by the files named.
release_images() {
  local img dev m
  for img in "$@"; do
    [ -e "$img" ] || continue
    for dev in $(losetup -j "$img" -n -O NAME 2>/dev/null); do
      for m in $(awk -v d="$dev" '$1==d {print $2}' /proc/mounts); do umount "$m" 2>/dev/null || umount -l "$m"; rmdir "$m" 2>/dev/null; done
      losetup -d "$dev" || true
    done
  done
}
