// Moving an open gallery's file: after rename(2) of the file a Gallery was read from, the
// Gallery follows it, so a verified copy opened under a temporary name can become the live
// gallery without being read and verified a second time (the door's MQTT snapshot install,
// tools/door/door_gallery_mqtt.cc).
#pragma once
#include <string>

#include "runtime/base/status.h"
#include "runtime/gallery/gallery.h"

namespace fg {

// `path` must name the very file *g was read from (same device + inode, same size and mtime:
// rename(2) changes neither, only ctime): then *g refreshes from `path` from now on and its
// loaded stamp is path's current one, so a watcher comparing stamps sees no change. Anything
// else (another file there, the file modified since it was read) is an error and *g is
// unchanged. Readers only (a writer's lock is on the old name's file, which is the same inode,
// but writers never need this).
Status gallery_rebind(Gallery* g, const std::string& path);

}  // namespace fg
