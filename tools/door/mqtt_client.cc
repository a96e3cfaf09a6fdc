#include "tools/door/mqtt_client.h"

#include <mosquitto.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "tools/door/door_gallery_mqtt.h"  // mqtt_error_hint

namespace fg::door {
namespace {

// QoS-1 messages handed to libmosquitto and not yet acknowledged: bounds what a dead
// connection holds outside our own (counted) queue. libmosquitto's own in-flight limit is 20.
constexpr int kWindow = 20;
// Incoming commands waiting for the door thread; a flood beyond this is refused, not queued.
constexpr size_t kMaxCommands = 64;
constexpr int kMaxCommandBytes = 4096;

}  // namespace

struct MqttClient {
  MqttClientOptions o;
  mosquitto* mosq = nullptr;
  std::mutex mu;
  std::condition_variable cv;
  struct Msg {
    std::string topic, payload;
  };
  std::deque<Msg> queue;
  std::map<std::string, std::string> sticky;  // topic -> latest payload
  std::set<std::string> sticky_dirty;         // to (re)publish
  std::unordered_map<int, bool> inflight;     // mid -> is an event
  std::unordered_set<int> early_acks;         // PUBACK seen before mosquitto_publish returned
  bool connected = false, stop_sender = false;
  MqttStats stats;
  std::deque<MqttCommandMessage> commands;
  std::thread sender;
  bool loop_started = false;
  std::string last_log_error;
};

namespace {

void on_connect(mosquitto* m, void* p, int rc) {
  auto* c = static_cast<MqttClient*>(p);
  if (rc != 0) {
    std::fprintf(stderr, "facegate-door: mqtt: broker refused the connection: %s\n", mosquitto_connack_string(rc));
    return;
  }
  if (!c->o.subscribe.empty()) mosquitto_subscribe(m, nullptr, c->o.subscribe.c_str(), 1);
  std::lock_guard<std::mutex> lk(c->mu);
  c->connected = true;
  ++c->stats.connects;
  for (const auto& kv : c->sticky) c->sticky_dirty.insert(kv.first);
  c->cv.notify_all();
}

void on_disconnect(mosquitto*, void* p, int rc) {
  auto* c = static_cast<MqttClient*>(p);
  std::lock_guard<std::mutex> lk(c->mu);
  if (c->connected && rc != 0) std::fprintf(stderr, "facegate-door: mqtt: connection lost; reconnecting with backoff\n");
  c->connected = false;
}

void on_publish(mosquitto*, void* p, int mid) {
  auto* c = static_cast<MqttClient*>(p);
  std::lock_guard<std::mutex> lk(c->mu);
  auto it = c->inflight.find(mid);
  if (it == c->inflight.end()) {
    c->early_acks.insert(mid);
  } else {
    if (it->second) ++c->stats.delivered;
    c->inflight.erase(it);
  }
  c->cv.notify_all();
}

void on_message(mosquitto*, void* p, const mosquitto_message* msg) {
  auto* c = static_cast<MqttClient*>(p);
  std::lock_guard<std::mutex> lk(c->mu);
  if (msg->payloadlen > kMaxCommandBytes || c->commands.size() >= kMaxCommands) {
    ++c->stats.commands_dropped;
    return;
  }
  c->commands.push_back({msg->topic, std::string(static_cast<const char*>(msg->payload), (size_t)msg->payloadlen)});
}

// libmosquitto's own errors are the only place a TLS failure (wrong --mqtt-cafile) is named:
// each distinct one is printed once.
void on_log(mosquitto*, void* p, int level, const char* text) {
  if (level != MOSQ_LOG_ERR || !text) return;
  auto* c = static_cast<MqttClient*>(p);
  std::lock_guard<std::mutex> lk(c->mu);
  if (c->last_log_error == text) return;
  c->last_log_error = text;
  std::fprintf(stderr, "facegate-door: mqtt: %s\n", mqtt_error_hint(text).c_str());
}

// Moves messages into libmosquitto while connected and the window has room. NO_CONN from a
// QoS-1 publish still leaves the message queued inside libmosquitto (sent after reconnect),
// so it counts as handed over.
void sender_main(MqttClient* c) {
  std::unique_lock<std::mutex> lk(c->mu);
  for (;;) {
    c->cv.wait(lk, [&] {
      return c->stop_sender || (c->connected && (int)c->inflight.size() < kWindow &&
                                (!c->sticky_dirty.empty() || !c->queue.empty()));
    });
    if (c->stop_sender) return;
    std::string topic, payload;
    const bool event = c->sticky_dirty.empty();
    if (!event) {
      topic = *c->sticky_dirty.begin();
      c->sticky_dirty.erase(c->sticky_dirty.begin());
      payload = c->sticky[topic];
    } else {
      topic = std::move(c->queue.front().topic);
      payload = std::move(c->queue.front().payload);
      c->queue.pop_front();
    }
    lk.unlock();
    int mid = 0;
    const int rc = mosquitto_publish(c->mosq, &mid, topic.c_str(), (int)payload.size(), payload.data(), 1, !event);
    lk.lock();
    if (rc == MOSQ_ERR_SUCCESS || rc == MOSQ_ERR_NO_CONN) {
      if (c->early_acks.erase(mid)) {
        if (event) ++c->stats.delivered;
      } else {
        c->inflight[mid] = event;
      }
    } else if (event) {
      ++c->stats.dropped;
      std::fprintf(stderr, "facegate-door: mqtt: publish on %s failed: %s (event dropped)\n", topic.c_str(),
                   mosquitto_strerror(rc));
    } else {
      c->sticky_dirty.insert(topic);  // retried after the next connect at the latest
    }
  }
}

void lib_init_once() {
  static const int once = [] {
    mosquitto_lib_init();
    return 0;
  }();
  (void)once;
}

}  // namespace

void MqttClientDeleter::operator()(MqttClient* c) const {
  if (!c) return;
  if (c->sender.joinable()) {
    {
      std::lock_guard<std::mutex> lk(c->mu);
      c->stop_sender = true;
    }
    c->cv.notify_all();
    c->sender.join();
  }
  if (c->loop_started) mosquitto_loop_stop(c->mosq, true);
  if (c->mosq) mosquitto_destroy(c->mosq);
  delete c;
}

Status mqtt_client_start(const MqttClientOptions& options, MqttClientPtr* out) {
  lib_init_once();
  MqttClientPtr c(new MqttClient);
  c->o = options;
  c->mosq = mosquitto_new(options.client_id.c_str(), true, c.get());
  if (!c->mosq) return Status::error("mqtt: cannot create a client (out of memory or bad client id)");
  mosquitto_connect_callback_set(c->mosq, on_connect);
  mosquitto_disconnect_callback_set(c->mosq, on_disconnect);
  mosquitto_publish_callback_set(c->mosq, on_publish);
  mosquitto_message_callback_set(c->mosq, on_message);
  mosquitto_log_callback_set(c->mosq, on_log);
  const MqttUrl& u = options.url;
  if (!u.user.empty() &&
      mosquitto_username_pw_set(c->mosq, u.user.c_str(), u.password.empty() ? nullptr : u.password.c_str()) != 0)
    return Status::error("mqtt: bad user name or password");
  if (u.tls) {
    if (options.cafile.empty()) return Status::error("mqtts:// needs --mqtt-cafile FILE (the broker's CA)");
    const int rc = mosquitto_tls_set(c->mosq, options.cafile.c_str(), nullptr, nullptr, nullptr, nullptr);
    if (rc != MOSQ_ERR_SUCCESS)
      return Status::error("mqtt: --mqtt-cafile " + options.cafile + ": " + mosquitto_strerror(rc));
  }
  if (!options.will_topic.empty()) {
    const int rc = mosquitto_will_set(c->mosq, options.will_topic.c_str(), 7, "offline", 1, true);
    if (rc != MOSQ_ERR_SUCCESS) return Status::error(std::string("mqtt: cannot set the last will: ") + mosquitto_strerror(rc));
    c->sticky[options.will_topic] = "online";
  }
  // Exponential backoff 1, 2, 4 .. 30 s between reconnect attempts.
  mosquitto_reconnect_delay_set(c->mosq, 1, 30, true);
  // A refused or unreachable broker at start is not fatal: the network thread keeps retrying.
  const int rc = mosquitto_connect_async(c->mosq, u.host.c_str(), u.port, options.keepalive_s);
  if (rc != MOSQ_ERR_SUCCESS)
    std::fprintf(stderr, "facegate-door: mqtt: %s:%d not reachable yet (%s); retrying in the background\n",
                 u.host.c_str(), u.port, rc == MOSQ_ERR_ERRNO ? std::strerror(errno) : mosquitto_strerror(rc));
  const int lrc = mosquitto_loop_start(c->mosq);
  if (lrc != MOSQ_ERR_SUCCESS) return Status::error(std::string("mqtt: cannot start the network thread: ") + mosquitto_strerror(lrc));
  c->loop_started = true;
  c->sender = std::thread(sender_main, c.get());
  *out = std::move(c);
  return Status::ok();
}

bool mqtt_client_publish_event(MqttClient& c, const std::string& topic, const std::string& payload) {
  std::lock_guard<std::mutex> lk(c.mu);
  ++c.stats.offered;
  if (c.queue.size() >= c.o.queue_max) {
    ++c.stats.dropped;
    return false;
  }
  c.queue.push_back({topic, payload});
  ++c.stats.queued;
  c.cv.notify_all();
  return true;
}

void mqtt_client_set_sticky(MqttClient& c, const std::string& topic, const std::string& payload) {
  std::lock_guard<std::mutex> lk(c.mu);
  auto it = c.sticky.find(topic);
  if (it != c.sticky.end() && it->second == payload) return;
  c.sticky[topic] = payload;
  c.sticky_dirty.insert(topic);
  c.cv.notify_all();
}

void mqtt_client_take_commands(MqttClient& c, std::vector<MqttCommandMessage>* out) {
  out->clear();
  std::lock_guard<std::mutex> lk(c.mu);
  while (!c.commands.empty()) {
    out->push_back(std::move(c.commands.front()));
    c.commands.pop_front();
  }
}

MqttStats mqtt_client_stats(MqttClient& c) {
  std::lock_guard<std::mutex> lk(c.mu);
  MqttStats s = c.stats;
  s.connected = c.connected;
  return s;
}

MqttStats mqtt_client_stop(MqttClient& c, double drain_s) {
  using Clock = std::chrono::steady_clock;
  std::unique_lock<std::mutex> lk(c.mu);
  const auto events_left = [&] {
    size_t n = c.queue.size();
    for (const auto& kv : c.inflight) n += kv.second ? 1 : 0;
    return n;
  };
  c.cv.wait_until(lk, Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(drain_s)),
                  [&] { return events_left() == 0 && c.sticky_dirty.empty() && c.inflight.empty(); });
  c.stats.undelivered = (int64_t)events_left();
  c.stop_sender = true;
  c.cv.notify_all();
  const bool connected = c.connected;
  lk.unlock();
  if (c.sender.joinable()) c.sender.join();
  if (connected && !c.o.will_topic.empty()) {
    int mid = 0;
    if (mosquitto_publish(c.mosq, &mid, c.o.will_topic.c_str(), 7, "offline", 1, true) == MOSQ_ERR_SUCCESS) {
      lk.lock();
      c.inflight[mid] = false;
      c.cv.wait_for(lk, std::chrono::milliseconds(500), [&] { return c.early_acks.count(mid) || !c.inflight.count(mid); });
      lk.unlock();
    }
    mosquitto_disconnect(c.mosq);
  }
  mosquitto_loop_stop(c.mosq, !connected);
  c.loop_started = false;
  std::lock_guard<std::mutex> g(c.mu);
  MqttStats s = c.stats;
  s.connected = false;
  return s;
}

}  // namespace fg::door
