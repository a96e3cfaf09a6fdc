#include "tools/door/door_gallery_watch.h"

#include <cstdio>
#include <string>

#include "tools/door/door_gallery.h"

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
  GalleryInfo kept{};
  if (d.gallery) kept = gallery_info(*d.gallery);
  std::fprintf(stderr, "facegate-door: gallery %s: %s (keeping the previous gallery: %zu people)\n", d.cfg.gallery.c_str(),
               reason.c_str(), kept.persons);
  log_line(d, event_head("gallery_rejected") + ",\"file\":" + json_string(d.cfg.gallery) +
                  ",\"reason\":" + json_string(reason) + ",\"kept_people\":" + std::to_string(kept.persons) +
                  ",\"kept_records\":" + std::to_string(kept.live_records) + "}");
}

void log_changed(Door& d, const GalleryInfo& before) {
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

}  // namespace

void door_gallery_watch_start(Door& d) {
  if (!d.gallery) {  // --gallery-mqtt without a local file (door_open): fail closed until one arrives
    d.gallery_seen = GalleryFileStamp{};
    std::fprintf(stderr, "facegate-door: no gallery file %s yet: waiting for a signed snapshot on %s; nobody is "
                 "granted until a verified gallery is installed\n", d.cfg.gallery.c_str(), d.cfg.mqtt.gallery_topic.c_str());
    log_line(d, event_head("gallery_waiting") + ",\"file\":" + json_string(d.cfg.gallery) +
                    ",\"topic\":" + json_string(d.cfg.mqtt.gallery_topic) +
                    ",\"detail\":" + json_string("no local gallery: no grants until a verified gallery arrives") + "}");
    return;
  }
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
  // A snapshot install renamed the file and is about to swap the verified copy in: reading
  // the file here would only verify the same bytes again, on this thread.
  if (d.gallery_install_busy && d.gallery_install_busy->load() > 0) return;
  const GalleryFileStamp now = gallery_file_stamp(d.cfg.gallery);
  if (now == d.gallery_seen) return;
  d.gallery_seen = now;
  if (!now.exists) {
    if (d.gallery) log_file_rejected(d, "file is missing");
    return;
  }
  GalleryInfo before{};
  if (d.gallery) {
    before = gallery_info(*d.gallery);
    Status s = gallery_refresh(d.gallery.get());
    if (!s) {
      log_file_rejected(d, s.message());
      return;
    }
  } else {  // waiting for a first gallery: one that appears is opened as at start
    GalleryPtr g;
    Status s = door_open_gallery(d.cfg.gallery, d.model_id, d.gallery_access, &g);
    if (!s) {
      log_file_rejected(d, s.message());
      return;
    }
    d.gallery = std::move(g);
  }
  // The stamp of what was actually read: if the file changed again while it was being read,
  // the next poll sees a difference and reads it again.
  d.gallery_seen = gallery_loaded_stamp(*d.gallery);
  log_changed(d, before);
}

void door_gallery_swap(Door& d, GalleryPtr g) {
  GalleryInfo before{};
  if (d.gallery) before = gallery_info(*d.gallery);
  d.gallery = std::move(g);  // the old copy is freed here, after the swap
  d.gallery_seen = gallery_loaded_stamp(*d.gallery);
  log_changed(d, before);
}

}  // namespace fg::door
