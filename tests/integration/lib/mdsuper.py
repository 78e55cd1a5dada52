#!/usr/bin/env python3
"""mdsuper.py IMAGE START SECTORS NAME: writes an md metadata 1.0 superblock (RAID 1 of two
members, this one member 0, clean) at the end of the partition of IMAGE that starts at sector
START and is SECTORS long (512-byte sectors), laid out as mdadm 4.2's super1.c writes it
(struct mdp_superblock_1, 256 bytes plus the role table, at (SECTORS - 16) & ~7, with
calc_sb_1_csum's checksum, which libblkid verifies). For a test on a machine whose kernel has
no md driver, where mdadm --create cannot run: what an earlier mirror left on its members."""
import os, struct, sys, time, uuid

img, start, sectors, name = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
sb_sector = (sectors - 8 * 2) & ~(4 * 2 - 1)          # super1.c, minor version 0 (1.0)
data_size = sb_sector - 8                              # data from 0 up to the bitmap/sb reserve
max_dev = 2
now = int(time.time())
sb = bytearray(256 + 2 * max_dev)
struct.pack_into("<IIII", sb, 0, 0xA92B4EFC, 1, 0, 0)  # magic, major_version, feature_map, pad0
sb[16:32] = uuid.uuid4().bytes                         # set_uuid
sb[32:64] = name.encode()[:32].ljust(32, b"\0")        # set_name
struct.pack_into("<QiIQ", sb, 64, now, 1, 0, data_size)  # ctime, level 1, layout, size
struct.pack_into("<II", sb, 88, 0, 2)                  # chunksize, raid_disks
struct.pack_into("<QQQ", sb, 128, 0, data_size, sb_sector)  # data_offset, data_size, super_offset
struct.pack_into("<I", sb, 160, 0)                     # dev_number
sb[168:184] = uuid.uuid4().bytes                       # device_uuid
struct.pack_into("<QQQ", sb, 192, now, 10, 0xFFFFFFFFFFFFFFFF)  # utime, events, resync_offset (clean)
struct.pack_into("<I", sb, 220, max_dev)               # max_dev
struct.pack_into("<HH", sb, 256, 0, 1)                 # dev_roles: member 0 in slot 0, 1 in slot 1
csum = sum(struct.unpack_from("<%dI" % (len(sb) // 4), sb))   # sb_csum (216) is 0 here
csum = (csum & 0xFFFFFFFF) + (csum >> 32)
struct.pack_into("<I", sb, 216, csum & 0xFFFFFFFF)
with open(img, "r+b") as f:
    f.seek((start + sb_sector) * 512)
    f.write(bytes(sb).ljust(4096, b"\0"))
    f.flush(); os.fsync(f.fileno())
