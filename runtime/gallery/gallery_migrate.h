// Migration to the authenticated format: copies the live records of an open gallery (v1, or
// v2 under another key) into a NEW v2 gallery signed with `key`, keeping record ids, person
// ids, names and enrolment times (docs/gallery-format.md, "Migrating from v1").
//
// The source's records are trusted as they are: v1 had no MAC, so migrate only a file you
// trust (check `facegate gallery list` first). Deleted and rejected records are not copied.
// The new file is written to NEW.migrate-tmp, fsync'd, then linked to NEW (which must not
// exist: never overwritten) and the temp name removed, so NEW appears whole or not at all.
#pragma once
#include <cstddef>
#include <string>

#include "runtime/gallery/gallery.h"
#include "runtime/gallery/gallery_key.h"
#include "runtime/base/status.h"

namespace fg {

struct GalleryMigrateReport {
  size_t copied = 0;        // live records now in NEW
  size_t skipped = 0;       // deleted or rejected records left out
  size_t unsafe_names = 0;  // copied records whose name enrol would refuse today
};

Status gallery_migrate(const Gallery& src, const std::string& dst_path, const GalleryKey& key,
                       GalleryMigrateReport* report);

}  // namespace fg
