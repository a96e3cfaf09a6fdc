// gallery_mqtt_publish (door_gallery_mqtt.h): the publisher behind `facegate gallery publish`.
// Synchronous, unlike the door's client: it has nothing else to do, and it must know that
// every chunk is on the broker (PUBACK) before it publishes the manifest that vouches for them.
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <set>
#include <vector>

#include "runtime/gallery/gallery_snapshot.h"
#include "tools/door/door_gallery_mqtt.h"

#if FG_HAVE_MQTT
#include <mosquitto.h>
#endif

namespace fg::door {

#if FG_HAVE_MQTT
namespace {

struct Pub {
  std::mutex mu;
  std::condition_variable cv;
  int connack = -1;  // -1: none yet
  bool disconnected = false;
  std::set<int> acked;
  std::string log_error;
};

void on_connect(mosquitto*, void* p, int rc) {
  auto& s = *static_cast<Pub*>(p);
  std::lock_guard<std::mutex> lk(s.mu);
  s.connack = rc;
  s.cv.notify_all();
}
void on_disconnect(mosquitto*, void* p, int) {
  auto& s = *static_cast<Pub*>(p);
  std::lock_guard<std::mutex> lk(s.mu);
  s.disconnected = true;
  s.cv.notify_all();
}
void on_publish(mosquitto*, void* p, int mid) {
  auto& s = *static_cast<Pub*>(p);
  std::lock_guard<std::mutex> lk(s.mu);
  s.acked.insert(mid);
  s.cv.notify_all();
}
void on_log(mosquitto*, void* p, int level, const char* text) {
  if (level != MOSQ_LOG_ERR || !text) return;
  auto& s = *static_cast<Pub*>(p);
  std::lock_guard<std::mutex> lk(s.mu);
  if (s.log_error.empty()) s.log_error = mqtt_error_hint(text);
}

struct MosqDeleter {
  void operator()(mosquitto* m) const {
    mosquitto_loop_stop(m, true);
    mosquitto_destroy(m);
  }
};

}  // namespace

Status gallery_mqtt_publish(const GalleryPublishOptions& o, const std::string& gallery, GalleryPublishReport* report) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  const auto deadline = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.timeout_s));
  uint64_t seq = o.sequence;
  if (seq == 0)
    seq = (uint64_t)std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
              .count();
  const int64_t now_us = (int64_t)std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();
  SnapshotMessages msgs;
  FG_RETURN_IF_ERROR(snapshot_build(reinterpret_cast<const uint8_t*>(gallery.data()), gallery.size(), seq, now_us,
                                    o.chunk_bytes ? o.chunk_bytes : kSnapshotDefaultChunkBytes, o.sign_key, &msgs));
  mosquitto_lib_init();
  Pub st;
  std::unique_ptr<mosquitto, MosqDeleter> m(
      mosquitto_new(("facegate-publish-" + std::to_string(::getpid())).c_str(), true, &st));
  if (!m) return Status::error("mqtt: cannot create a client");
  mosquitto_connect_callback_set(m.get(), on_connect);
  mosquitto_disconnect_callback_set(m.get(), on_disconnect);
  mosquitto_publish_callback_set(m.get(), on_publish);
  mosquitto_log_callback_set(m.get(), on_log);
  const MqttUrl& u = o.url;
  if (!u.user.empty() && mosquitto_username_pw_set(m.get(), u.user.c_str(), u.password.empty() ? nullptr : u.password.c_str()) != 0)
    return Status::error("mqtt: bad user name or password");
  if (u.tls) {
    if (o.cafile.empty()) return Status::error("mqtts:// needs --mqtt-cafile FILE (the broker's CA)");
    const int rc = mosquitto_tls_set(m.get(), o.cafile.c_str(), nullptr, nullptr, nullptr, nullptr);
    if (rc != MOSQ_ERR_SUCCESS) return Status::error("mqtt: --mqtt-cafile " + o.cafile + ": " + mosquitto_strerror(rc));
  }
  const std::string where = u.host + ":" + std::to_string(u.port);
  const auto log_detail = [&] {
    std::lock_guard<std::mutex> lk(st.mu);
    return st.log_error.empty() ? std::string() : " (" + st.log_error + ")";
  };
  int rc = mosquitto_connect(m.get(), u.host.c_str(), u.port, 30);
  if (rc != MOSQ_ERR_SUCCESS)
    return Status::error("mqtt: cannot connect to " + where + ": " +
                         (rc == MOSQ_ERR_ERRNO ? std::strerror(errno) : mosquitto_strerror(rc)) + log_detail());
  if ((rc = mosquitto_loop_start(m.get())) != MOSQ_ERR_SUCCESS)
    return Status::error(std::string("mqtt: cannot start the network thread: ") + mosquitto_strerror(rc));
  {
    std::unique_lock<std::mutex> lk(st.mu);
    st.cv.wait_until(lk, deadline, [&] { return st.connack >= 0 || st.disconnected; });
    if (st.connack < 0)
      return Status::error("mqtt: " + where + " did not accept the connection" +
                           (st.log_error.empty() ? std::string() : " (" + st.log_error + ")"));
    if (st.connack != 0) return Status::error("mqtt: " + where + " refused the connection: " + mosquitto_connack_string(st.connack));
  }
  // Waits for the broker's PUBACK of every mid in `mids`.
  const auto wait_acks = [&](const std::vector<int>& mids, const char* what) -> Status {
    std::unique_lock<std::mutex> lk(st.mu);
    const bool ok = st.cv.wait_until(lk, deadline, [&] {
      for (int id : mids)
        if (!st.acked.count(id)) return false;
      return true;
    });
    if (!ok) return Status::error(std::string("mqtt: the broker did not acknowledge the ") + what + " within " +
                                  std::to_string((int)o.timeout_s) + " s" + (st.disconnected ? " (connection lost)" : ""));
    return Status::ok();
  };
  std::vector<int> mids;
  for (size_t i = 0; i < msgs.chunks.size(); ++i) {
    int mid = 0;
    const std::string t = o.topic + "/" + std::to_string(i);
    rc = mosquitto_publish(m.get(), &mid, t.c_str(), (int)msgs.chunks[i].size(), msgs.chunks[i].data(), 1, true);
    if (rc != MOSQ_ERR_SUCCESS) return Status::error("mqtt: publish " + t + ": " + mosquitto_strerror(rc));
    mids.push_back(mid);
  }
  FG_RETURN_IF_ERROR(wait_acks(mids, "chunks"));
  // Last: only now may a door assemble this sequence.
  int mid = 0;
  rc = mosquitto_publish(m.get(), &mid, o.topic.c_str(), (int)msgs.manifest.size(), msgs.manifest.data(), 1, true);
  if (rc != MOSQ_ERR_SUCCESS) return Status::error("mqtt: publish " + o.topic + ": " + mosquitto_strerror(rc));
  FG_RETURN_IF_ERROR(wait_acks({mid}, "manifest"));
  mosquitto_disconnect(m.get());
  report->sequence = seq;
  report->bytes = gallery.size();
  report->chunks = (uint32_t)msgs.chunks.size();
  report->seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return Status::ok();
}

#else

Status gallery_mqtt_publish(const GalleryPublishOptions&, const std::string&, GalleryPublishReport*) {
  return Status::error("gallery publish: this facegate was built without libmosquitto (apt-get install libmosquitto-dev, rebuild)");
}

#endif

}  // namespace fg::door
