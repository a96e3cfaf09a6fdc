// The running door's view of its gallery file: noticed changes, refused files, refused records.
//
// The gallery is held in memory (runtime/gallery/gallery.h), so whatever happens to the file - an
// `enroll` appending, a compaction, `cp backup.fgg live.fgg`, truncate, rm - the door keeps
// deciding with the copy it has. Once a second the file's stamp (device, inode, size, mtime,
// ctime) is compared with the last one seen; on a change the file is re-read whole and
// verified (checksums, MACs with the key) and only then swapped in. Audit events:
//   gallery_changed  the new file is in use: people/records now and before, rejected records
//   gallery_rejected records failed their MAC ("records": N, at start or after a change), or
//                    the whole new file was refused / is missing ("file": ..., "reason": ...),
//                    in which case the door keeps the last good gallery ("kept_people": N)
//   gallery_waiting  no gallery file at start (--gallery-mqtt only): nobody is granted until a
//                    verified gallery arrives (a snapshot, or a file that appears and verifies)
#pragma once
#include "tools/door/door_loop.h"

namespace fg::door {

// After the gallery is opened and the log is open: remembers the stamp, logs refused records.
void door_gallery_watch_start(Door& d);
// Checks the file and swaps in a changed one (call at most about once a second). Does nothing
// while a snapshot install is between its rename and its swap (Door::gallery_install_busy).
void door_gallery_poll(Door& d);
// Between two frames: `g`, already opened and verified as the door opens its gallery, replaces
// the one in use (an O(1) swap, no re-read); logs gallery_changed as a poll would.
void door_gallery_swap(Door& d, GalleryPtr g);

}  // namespace fg::door
