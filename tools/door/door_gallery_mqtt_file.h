// The files of a snapshot install (door_gallery_mqtt.h): the temporary copy written and
// verified, GALLERY.seq. Network thread only; no MQTT here.
#pragma once
#include <cstdint>
#include <string>

#include "runtime/base/status.h"
#include "runtime/gallery/gallery.h"

namespace fg::door {

struct SnapshotFileTimes {
  double write_ms = 0, fsync_ms = 0, open_ms = 0;  // fsync and open run at the same time
};
// Writes *bytes to `tmp` (0600), then frees *bytes (the page cache holds them now: one copy
// less in memory while switching), and opens it with `access` as the door opens its gallery
// (header, encoder id, checksums, every record's MAC: one failing is an error here). The fsync
// runs on a helper thread while the file is opened and verified from the page cache: the
// caller gets *out only once the bytes are on disk AND verified, in the time of the slower
// of the two instead of both. On error `tmp` is removed and *io_error says whether the file
// could not be written (disk full, permissions) rather than not opened as a gallery.
Status snapshot_file_write_open(const std::string& tmp, std::string* bytes, const GalleryOpenOptions& access,
                                GalleryPtr* out, SnapshotFileTimes* times, bool* io_error);
// fsync of the directory holding `path` (makes a rename in it durable); best effort.
void snapshot_fsync_dir_of(const std::string& path);
// GALLERY.seq: the installed sequence (0: none / unreadable), written tmp + fsync + rename.
uint64_t snapshot_sequence_read(const std::string& gallery_path);
bool snapshot_sequence_write(const std::string& gallery_path, uint64_t sequence);

}  // namespace fg::door
