#include "tools/door/door_gallery_watch.h"

#include <cstdio>
#include <string>

namespace fg::door {
namespace {

void log_line(Door& d, const std::string& json) {
  Status s = audit_log_write(d.log, json);
  if (!s) {
    ++d.counters.errors;
    std::fprintf(stderr, "facegate-door: %s\n", s.message().c_str());
  }
}

std::string event_head(const char* event) {
  return "{\"time\":\"" + utc_timestamp() + "\",\"event\":\"" + event + "\"";
}

void log_rejected_records(Door& d, const GalleryInfo& info) {
  if (info.rejected_records == 0) return;
  std::fprintf(stderr, "facegate-door: %s: %zu record(s) failed the MAC check (forged or damaged); not used\n",
               info.path.c_str(), info.rejected_records);
  log_line(d, event_head("gallery_rejected") + ",\"records\":" + std::to_string(info.rejected_records) +
                  ",\"detail\":" + json_string("records failed the MAC check (forged or damaged) and are not used") + "}");
}

// The whole new file was refused (or is gone): say so once per distinct file state.
void log_file_rejected(Door& d, const std::string& reason) {
  const GalleryInfo kept = gallery_info(*d.gallery);
  std::fprintf(stderr, "facegate-door: gallery %s: %s (keeping the previous gallery: %zu people)\n", d.cfg.gallery.c_str(),
               reason.c_str(), kept.persons);
  log_line(d, event_head("gallery_rejected") + ",\"file\":" + json_string(d.cfg.gallery) +
                  ",\"reason\":" + json_string(reason) + ",\"kept_people\":" + std::to_string(kept.persons) +
                  ",\"kept_records\":" + std::to_string(kept.live_records) + "}");
}

}  // namespace

void door_gallery_watch_start(Door& d) {
  d.gallery_seen = gallery_loaded_stamp(*d.gallery);
  const GalleryInfo info = gallery_info(*d.gallery);
  if (!info.authenticated) {
    std::fprintf(stderr, "facegate-door: warning: gallery %s is not authenticated (--insecure-gallery)\n",
                 info.path.c_str());
    log_line(d, event_head("gallery_insecure") + ",\"version\":" + std::to_string(info.version) + "}");
  }
  if (info.unsafe_names)
    std::fprintf(stderr, "facegate-door: warning: %zu record(s) have names enrol would refuse today (shell "
                 "metacharacters or surrounding spaces)\n", info.unsafe_names);
  log_rejected_records(d, info);
}

void door_gallery_poll(Door& d) {
  const GalleryFileStamp now = gallery_file_stamp(d.cfg.gallery);
  if (now == d.gallery_seen) return;
  d.gallery_seen = now;
  if (!now.exists) {
    log_file_rejected(d, "file is missing");
    return;
  }
  const GalleryInfo before = gallery_info(*d.gallery);
  Status s = gallery_refresh(d.gallery.get());
  if (!s) {
    log_file_rejected(d, s.message());
    return;
  }
  // The stamp of what was actually read: if the file changed again while it was being read,
  // the next poll sees a difference and reads it again.
  d.gallery_seen = gallery_loaded_stamp(*d.gallery);
  const GalleryInfo after = gallery_info(*d.gallery);
  std::fprintf(stderr, "facegate-door: gallery changed: %zu people / %zu records (was %zu / %zu)\n", after.persons,
               after.live_records, before.persons, before.live_records);
  log_line(d, event_head("gallery_changed") + ",\"people\":" + std::to_string(after.persons) +
                  ",\"records\":" + std::to_string(after.live_records) +
                  ",\"rejected\":" + std::to_string(after.rejected_records) +
                  ",\"before_people\":" + std::to_string(before.persons) +
                  ",\"before_records\":" + std::to_string(before.live_records) + "}");
  log_rejected_records(d, after);
}

}  // namespace fg::door
