#include "runtime/gallery/gallery_rebind.h"

#include "runtime/gallery/gallery_internal.h"

namespace fg {

Status gallery_rebind(Gallery* g, const std::string& path) {
  if (g->options.writer) return Status::error(g->path + ": rebind is for readers");
  const GalleryFileStamp now = gallery_file_stamp(path);
  const GalleryFileStamp& was = g->stamp;
  if (!now.exists) return Status::error(path + ": missing (rebind)");
  // mtime and size unchanged: nobody wrote the file between the read and the rename.
  if (now.dev != was.dev || now.ino != was.ino || now.size != was.size || now.mtime_ns != was.mtime_ns)
    return Status::error(path + " is not the file " + g->path + " was read from (replaced or modified)");
  g->path = path;
  g->stamp = now;
  return Status::ok();
}

}  // namespace fg
