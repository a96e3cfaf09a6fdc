// The door side of the shared gallery (door_gallery_mqtt.h).
#include "tools/door/door_gallery_mqtt.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <mutex>
#include <thread>
#include <vector>

#include "runtime/gallery/gallery.h"
#include "runtime/gallery/gallery_rebind.h"
#include "runtime/gallery/gallery_snapshot.h"
#include "tools/door/door_gallery_mqtt_file.h"
#include "tools/door/door_gallery_watch.h"
#include "tools/door/door_loop.h"

#if FG_HAVE_MQTT
#include <mosquitto.h>
#endif

namespace fg::door {

std::string mqtt_error_hint(const std::string& text) {
  if (text.find("certificate verify failed") != std::string::npos)
    return text + ": the broker's certificate is not signed by the CA in --mqtt-cafile (wrong CA file, or a broker "
                  "certificate without this host name / IP)";
  return text;
}

bool gallery_mqtt_topic_valid(const std::string& t) {
  if (t.empty() || t.size() > 200 || t[0] == '$' || t.front() == '/' || t.back() == '/') return false;
  if (t.find("//") != std::string::npos) return false;
  for (char c : t)
    if (c == '+' || c == '#' || c == '\0' || (unsigned char)c < 0x20) return false;
  return true;
}

#if FG_HAVE_MQTT
namespace {

// A manifest whose chunks have not all arrived this long after it is refused as truncated
// (a publisher that died mid-way leaves chunks without a manifest, never the reverse, so this
// is a lost or withheld chunk).
constexpr double kIncompleteS = 10.0;

double mono_s() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

}  // namespace

struct DoorGalleryMqtt {
  std::string topic, gallery_path;
  GalleryKey sign_key;
  GalleryOpenOptions access;  // the door's gallery key / --insecure-gallery, and its encoder id
  mosquitto* mosq = nullptr;
  bool loop_started = false;
  std::atomic<uint64_t> installed{0};
  // Snapshots renamed over GALLERY but not yet swapped in by the door thread (Door::gallery_install_busy).
  std::shared_ptr<std::atomic<int>> installing = std::make_shared<std::atomic<int>>(0);
  // Installs whose directory fsync + GALLERY.seq are still being written (close waits for them).
  std::atomic<int> recording{0};
  // Network thread: the assembler. The door thread only try_locks it (the incomplete check).
  std::mutex asm_mu;
  SnapshotAssembler assembler;
  double pending_since = 0;
  double first_message_s = 0;  // of the snapshot being assembled (stages_ms)
  // Both threads, briefly: what the door thread has to do.
  std::mutex out_mu;
  struct Ready {
    uint64_t sequence = 0, bytes = 0;
    int64_t published_unix_us = 0;
    size_t people = 0, records = 0;
    GalleryPtr gallery;  // verified, now reading from GALLERY; null: the door thread re-reads it
    SnapshotFileTimes file;
    // Monotonic: first message, assembled, on disk + verified, renamed over GALLERY.
    double first_s = 0, complete_s = 0, verified_s = 0, ready_s = 0;
  };
  std::vector<Ready> ready;
  std::vector<std::string> refusals;
  std::string last_log_error;
};

namespace {

void refuse(DoorGalleryMqtt& g, const std::string& reason) {
  std::lock_guard<std::mutex> lk(g.out_mu);
  if (g.refusals.size() < 64) g.refusals.push_back(reason);  // a flood is bounded; the log says enough
}

// Network thread, no lock held: the verified bytes become GALLERY.mqtt-<seq>.tmp (fsync),
// opened the way the door opens its gallery; only a file that passes is renamed over GALLERY,
// and the opened copy, rebound to GALLERY, goes to the door thread, which swaps it in between
// two frames without reading it again. The directory fsync and GALLERY.seq come after the
// hand-over: the file under either name is complete and on disk, so a crash before them
// leaves the old or the new gallery, and at worst the retained snapshot is installed again.
void prepare(DoorGalleryMqtt& g, std::string bytes, const SnapshotManifest& m, double first_s, double complete_s) {
  const uint64_t size = bytes.size();
  const std::string tmp = g.gallery_path + ".mqtt-" + std::to_string(m.sequence) + ".tmp";
  GalleryPtr gal;
  SnapshotFileTimes times;
  bool io_error = false;
  if (Status s = snapshot_file_write_open(tmp, &bytes, g.access, &gal, &times, &io_error); !s) {
    refuse(g, io_error ? "cannot write the snapshot: " + s.message()
                       : "sequence " + std::to_string(m.sequence) + " is not a gallery this door can use: " + s.message());
    return;
  }
  const double verified_s = mono_s();
  // From here until the door thread swaps it in, its watcher leaves the file alone.
  ++*g.installing;
  ++g.recording;
  if (::rename(tmp.c_str(), g.gallery_path.c_str()) != 0) {
    const int e = errno;
    --*g.installing;
    --g.recording;
    ::unlink(tmp.c_str());
    refuse(g, "cannot install sequence " + std::to_string(m.sequence) + ": rename: " + std::strerror(e));
    return;
  }
  g.installed = m.sequence;
  const GalleryInfo info = gallery_info(*gal);
  // Cannot fail unless someone replaced GALLERY in the last microseconds: then the door
  // thread reads whatever is there now, verified, like any changed file.
  if (Status rb = gallery_rebind(gal.get(), g.gallery_path); !rb) {
    std::fprintf(stderr, "facegate-door: gallery snapshot %llu: %s; re-reading the file\n",
                 (unsigned long long)m.sequence, rb.message().c_str());
    gal.reset();
  }
  DoorGalleryMqtt::Ready r;
  r.sequence = m.sequence;
  r.bytes = size;
  r.published_unix_us = m.published_unix_us;
  r.people = info.persons;
  r.records = info.live_records;
  r.gallery = std::move(gal);
  r.file = times;
  r.first_s = first_s;
  r.complete_s = complete_s;
  r.verified_s = verified_s;
  r.ready_s = mono_s();
  {
    std::lock_guard<std::mutex> lk(g.out_mu);
    g.ready.push_back(std::move(r));
  }
  snapshot_fsync_dir_of(g.gallery_path);
  // The sequence survives a restart, so an older snapshot stays a replay after a reboot too.
  if (!snapshot_sequence_write(g.gallery_path, m.sequence))
    std::fprintf(stderr, "facegate-door: warning: cannot record the gallery sequence in %s.seq\n", g.gallery_path.c_str());
  --g.recording;
}

bool chunk_index(const std::string& topic, const std::string& base, uint32_t* index) {
  if (topic.size() <= base.size() + 1 || topic.compare(0, base.size(), base) != 0 || topic[base.size()] != '/')
    return false;
  const std::string digits = topic.substr(base.size() + 1);
  if (digits.size() > 9) return false;
  uint32_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (uint32_t)(c - '0');
  }
  *index = v;
  return true;
}

void on_message(mosquitto*, void* p, const mosquitto_message* msg) {
  auto& g = *static_cast<DoorGalleryMqtt*>(p);
  if (msg->payloadlen <= 0) return;  // an empty retained message clears a topic: nothing to assemble
  const auto* data = static_cast<const uint8_t*>(msg->payload);
  const size_t n = (size_t)msg->payloadlen;
  const std::string topic = msg->topic;
  std::string reason, bytes;
  SnapshotManifest m;
  bool complete = false;
  double first_s = 0;
  {
    std::lock_guard<std::mutex> lk(g.asm_mu);
    SnapshotAssembler& a = g.assembler;
    a.installed = std::max(a.installed, g.installed.load());
    SnapshotStep step;
    uint32_t index = 0;
    if (topic == g.topic) {
      step = snapshot_assembler_manifest(&a, data, n, g.sign_key, &reason);
    } else if (chunk_index(topic, g.topic, &index)) {
      step = snapshot_assembler_chunk(&a, index, data, n, &reason);
    } else {
      return;
    }
    if (g.first_message_s == 0) g.first_message_s = mono_s();
    if (a.pending && g.pending_since == 0) g.pending_since = mono_s();
    if (step == SnapshotStep::kComplete) {
      Status s = snapshot_assembler_take(&a, &bytes, &m);
      if (s) {
        complete = true;
        first_s = g.first_message_s;
        g.first_message_s = 0;
        a.installed = m.sequence;  // the retained copy after a reconnect is not assembled again
      } else {
        reason = s.message();
        step = SnapshotStep::kRefused;
      }
    }
    if (!a.pending) g.pending_since = 0;
    if (step != SnapshotStep::kRefused) reason.clear();
    else g.first_message_s = 0;
  }
  if (!reason.empty()) refuse(g, reason);
  if (complete) prepare(g, std::move(bytes), m, first_s, mono_s());
}

void on_connect(mosquitto* m, void* p, int rc) {
  auto& g = *static_cast<DoorGalleryMqtt*>(p);
  if (rc != 0) {
    std::fprintf(stderr, "facegate-door: mqtt (gallery): broker refused the connection: %s\n", mosquitto_connack_string(rc));
    return;
  }
  // Chunks first: the retained manifest then usually completes the snapshot on arrival.
  mosquitto_subscribe(m, nullptr, (g.topic + "/+").c_str(), 1);
  mosquitto_subscribe(m, nullptr, g.topic.c_str(), 1);
}

// libmosquitto's own errors (TLS: "certificate verify failed") are the only place a wrong CA
// is named; each distinct one is printed once.
void on_log(mosquitto*, void* p, int level, const char* text) {
  if (level != MOSQ_LOG_ERR || !text) return;
  auto& g = *static_cast<DoorGalleryMqtt*>(p);
  std::lock_guard<std::mutex> lk(g.out_mu);
  if (g.last_log_error == text) return;
  g.last_log_error = text;
  std::fprintf(stderr, "facegate-door: mqtt (gallery): %s\n", mqtt_error_hint(text).c_str());
}

std::string iso_time_us(int64_t unix_us) {
  const std::time_t t = (std::time_t)(unix_us / 1000000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, (int)((unix_us / 1000) % 1000));
  return buf;
}

std::string head(const char* event) { return "{\"time\":\"" + utc_timestamp() + "\",\"event\":\"" + event + "\""; }

void log_refused(Door& d, const DoorGalleryMqtt& g, const std::string& reason) {
  GalleryInfo kept{};
  if (d.gallery) kept = gallery_info(*d.gallery);
  std::fprintf(stderr, "facegate-door: gallery snapshot on %s refused: %s (keeping the gallery in use: %zu people)\n",
               g.topic.c_str(), reason.c_str(), kept.persons);
  door_write_line(d, head("gallery_refused") + ",\"topic\":" + json_string(g.topic) + ",\"reason\":" +
                         json_string(reason) + ",\"kept_people\":" + std::to_string(kept.persons) +
                         ",\"kept_records\":" + std::to_string(kept.live_records) + "}");
}

// Door thread, between two frames: the file is already in place; the verified copy replaces
// the one in use (a pointer swap), so the next decision is made on the complete new gallery.
void install(Door& d, DoorGalleryMqtt& g, DoorGalleryMqtt::Ready& r) {
  const double t_wait_end = mono_s();
  if (r.gallery) door_gallery_swap(d, std::move(r.gallery));
  else door_gallery_poll(d);  // rebind failed: read and verify what GALLERY holds now
  const double t_done = mono_s();
  const bool in_use = d.gallery && gallery_loaded_stamp(*d.gallery) == gallery_file_stamp(g.gallery_path);
  const int64_t now_us = (int64_t)std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();
  // Where the time went: receiving the messages; on the network thread verifying (`verify`:
  // assembled to on disk and opened = `write`, then the slower of `fsync` and `open`, which
  // run at once) and the rename; waiting for the next frame boundary; the swap on this thread.
  char tail[700];
  std::snprintf(tail, sizeof tail,
                ",\"sequence\":%llu,\"published\":\"%s\",\"people\":%zu,\"records\":%zu,\"bytes\":%llu,"
                "\"since_publish_ms\":%.1f,\"stages_ms\":{\"receive\":%.1f,\"verify\":%.1f,\"write\":%.1f,"
                "\"fsync\":%.1f,\"open\":%.1f,\"rename\":%.1f,\"wait\":%.1f,\"swap\":%.1f},\"in_use\":%s}",
                (unsigned long long)r.sequence, iso_time_us(r.published_unix_us).c_str(), r.people, r.records,
                (unsigned long long)r.bytes, (now_us - r.published_unix_us) / 1000.0,
                (r.complete_s - r.first_s) * 1e3, (r.verified_s - r.complete_s) * 1e3, r.file.write_ms,
                r.file.fsync_ms, r.file.open_ms, (r.ready_s - r.verified_s) * 1e3, (t_wait_end - r.ready_s) * 1e3,
                (t_done - t_wait_end) * 1e3, in_use ? "true" : "false");
  std::fprintf(stderr, "facegate-door: gallery snapshot %llu installed from %s: %zu people\n",
               (unsigned long long)r.sequence, g.topic.c_str(), r.people);
  door_write_line(d, head("gallery_snapshot") + ",\"topic\":" + json_string(g.topic) + tail);
}

}  // namespace

Status door_gallery_mqtt_open(Door& d, const MqttUrl& url, const std::string& cafile,
                              std::shared_ptr<DoorGalleryMqtt>* out) {
  const DoorMqttOptions& o = d.cfg.mqtt;
  auto g = std::shared_ptr<DoorGalleryMqtt>(new DoorGalleryMqtt, [](DoorGalleryMqtt* p) {
    door_gallery_mqtt_close(*p);
    delete p;
  });
  g->topic = o.gallery_topic;
  g->gallery_path = d.cfg.gallery;
  FG_RETURN_IF_ERROR(gallery_key_load(o.gallery_sign_key, &g->sign_key).with_context("--gallery-sign-key"));
  g->access = d.gallery_access;
  g->access.writer = false;
  g->access.expected_model_id = d.model_id;
  g->installed = snapshot_sequence_read(d.cfg.gallery);
  // No gallery file (bootstrap): the sequence recorded last is not installed any more, so it is
  // taken again; anything older is still a replay.
  if (!d.gallery && g->installed > 0) g->installed = g->installed - 1;
  d.gallery_install_busy = g->installing;
  mosquitto_lib_init();
  g->mosq = mosquitto_new(("facegate-" + o.door_id + "-gallery").c_str(), true, g.get());
  if (!g->mosq) return Status::error("mqtt (gallery): cannot create a client");
  mosquitto_connect_callback_set(g->mosq, on_connect);
  mosquitto_message_callback_set(g->mosq, on_message);
  mosquitto_log_callback_set(g->mosq, on_log);
  if (!url.user.empty() &&
      mosquitto_username_pw_set(g->mosq, url.user.c_str(), url.password.empty() ? nullptr : url.password.c_str()) != 0)
    return Status::error("mqtt (gallery): bad user name or password");
  if (url.tls) {
    const int rc = mosquitto_tls_set(g->mosq, cafile.c_str(), nullptr, nullptr, nullptr, nullptr);
    if (rc != MOSQ_ERR_SUCCESS) return Status::error("mqtt: --mqtt-cafile " + cafile + ": " + mosquitto_strerror(rc));
  }
  mosquitto_reconnect_delay_set(g->mosq, 1, 30, true);
  const int rc = mosquitto_connect_async(g->mosq, url.host.c_str(), url.port, 10);
  if (rc != MOSQ_ERR_SUCCESS)
    std::fprintf(stderr, "facegate-door: mqtt (gallery): %s:%d not reachable yet (%s); using the local gallery file, "
                 "retrying in the background\n", url.host.c_str(), url.port,
                 rc == MOSQ_ERR_ERRNO ? std::strerror(errno) : mosquitto_strerror(rc));
  if (mosquitto_loop_start(g->mosq) != MOSQ_ERR_SUCCESS) return Status::error("mqtt (gallery): cannot start its thread");
  g->loop_started = true;
  std::printf("facegate-door: gallery snapshots from %s (installed sequence %llu)\n", g->topic.c_str(),
              (unsigned long long)g->installed.load());
  *out = std::move(g);
  return Status::ok();
}

void door_gallery_mqtt_poll(Door& d, DoorGalleryMqtt& g) {
  std::string stalled;
  if (g.asm_mu.try_lock()) {  // never wait for the network thread
    SnapshotAssembler& a = g.assembler;
    if (a.pending && g.pending_since > 0 && mono_s() - g.pending_since > kIncompleteS) {
      stalled = "truncated: sequence " + std::to_string(a.manifest.sequence) + " still misses " +
                std::to_string(snapshot_assembler_missing(a)) + " of " + std::to_string(a.manifest.chunk_count) +
                " chunks " + std::to_string((int)kIncompleteS) + " s after its manifest";
      snapshot_assembler_reset(&a);
      g.pending_since = 0;
    }
    g.asm_mu.unlock();
  }
  std::vector<std::string> refusals;
  std::vector<DoorGalleryMqtt::Ready> ready;
  {
    std::lock_guard<std::mutex> lk(g.out_mu);
    refusals.swap(g.refusals);
    ready.swap(g.ready);
  }
  if (!stalled.empty()) refusals.push_back(stalled);
  for (const std::string& r : refusals) log_refused(d, g, r);
  // Only the newest ready snapshot is swapped in: the file already holds it, older ones are
  // superseded. The watcher may look at the file again from here (install's fallback needs it).
  *g.installing -= (int)ready.size();
  if (!ready.empty()) install(d, g, ready.back());
}

void door_gallery_mqtt_close(DoorGalleryMqtt& g) {
  if (!g.mosq) return;
  // A forced loop stop cancels the network thread: let it finish recording an install first
  // (fsyncs of a few small writes; bounded, so a hung disk cannot hold the stop forever).
  for (int i = 0; i < 1000 && g.recording.load() > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  mosquitto_disconnect(g.mosq);
  if (g.loop_started) mosquitto_loop_stop(g.mosq, true);
  g.loop_started = false;
  mosquitto_destroy(g.mosq);
  g.mosq = nullptr;
  g.ready.clear();
}

#else  // built without libmosquitto: door_mqtt_open refuses --mqtt before this is reached

struct DoorGalleryMqtt {};
Status door_gallery_mqtt_open(Door&, const MqttUrl&, const std::string&, std::shared_ptr<DoorGalleryMqtt>*) {
  return Status::error("--gallery-mqtt: this facegate-door was built without libmosquitto");
}
void door_gallery_mqtt_poll(Door&, DoorGalleryMqtt&) {}
void door_gallery_mqtt_close(DoorGalleryMqtt&) {}

#endif

}  // namespace fg::door
