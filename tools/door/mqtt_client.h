// The door's MQTT client (libmosquitto, docs/mqtt.md): publishes without ever blocking the
// caller, and hands received commands back through a queue.
//
// Threads: libmosquitto's network thread (mosquitto_loop_start: connect, reconnect with
// exponential backoff 1..30 s, PUBACKs, incoming messages) and one sender thread of ours that
// moves messages from our bounded queue into libmosquitto while connected, at most kWindow
// QoS-1 messages un-acknowledged at a time. The door thread only takes a mutex and appends
// to a deque: a down or slow broker costs it nothing.
//
// Accounting (mqtt_client_stats): every event given to mqtt_client_publish_event is exactly
// one of: delivered (the broker's PUBACK arrived), dropped (the queue was full when it came),
// or undelivered (still queued or in flight when the client stopped). Messages libmosquitto
// holds when the connection drops are resent after the reconnect (QoS 1: at least once, so a
// subscriber can see a duplicate around a broker restart, never a gap it is not told about).
//
// Retained "sticky" messages (availability "online", the state, discovery configs) are
// re-published after every (re)connect: a restarted broker without persistence has lost them.
// The Last Will publishes "offline" (retained) when the connection dies uncleanly; a clean
// stop publishes "offline" itself.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/base/status.h"

namespace fg::door {

// mqtt[s]://[user[:pass]@]host[:port]  (port: 1883, mqtts 8883). mqtt_url.cc: always built,
// so option checking does not depend on libmosquitto.
struct MqttUrl {
  bool tls = false;
  std::string user, password, host;
  int port = 0;
};
Status mqtt_url_parse(const std::string& url, MqttUrl* out);
// [A-Za-z0-9_-]{1,64}: it becomes part of topic names, so no '/', '+', '#'.
bool mqtt_door_id_valid(const std::string& id);

struct MqttClientOptions {
  MqttUrl url;
  std::string cafile;        // mqtts: the CA certificate(s) to verify the broker with
  std::string client_id;
  std::string will_topic;    // Last Will: "offline", retained
  std::string subscribe;     // "" = none (the command topic)
  size_t queue_max = 1000;   // events waiting to be sent; beyond that they are dropped
  int keepalive_s = 10;      // a dead broker is noticed within ~1.5x this
};

struct MqttCommandMessage {
  std::string topic, payload;
};

struct MqttStats {
  int64_t offered = 0;      // events given to mqtt_client_publish_event
  int64_t queued = 0;       // of those, accepted into the queue
  int64_t delivered = 0;    // acknowledged by the broker
  int64_t dropped = 0;      // queue full, or libmosquitto refused the message
  int64_t undelivered = 0;  // at stop: still queued or in flight
  int64_t connects = 0;     // successful CONNACKs (1 + reconnects)
  int64_t commands_dropped = 0;  // incoming commands refused: command queue full / too large
  bool connected = false;
};

struct MqttClient;
struct MqttClientDeleter {
  void operator()(MqttClient* c) const;
};
using MqttClientPtr = std::unique_ptr<MqttClient, MqttClientDeleter>;

// Starts the threads. The broker may be unreachable: that is not an error (the client keeps
// retrying and the door runs). Errors: bad options, no TLS CA file, libmosquitto failures.
Status mqtt_client_start(const MqttClientOptions& options, MqttClientPtr* out);
// QoS 1, not retained. Never blocks; false (and counted) when the queue is full.
bool mqtt_client_publish_event(MqttClient& c, const std::string& topic, const std::string& payload);
// QoS 1, retained, kept and re-published on every reconnect; a newer payload for the same
// topic replaces an unsent older one (the state is a value, not a history).
void mqtt_client_set_sticky(MqttClient& c, const std::string& topic, const std::string& payload);
// Commands received since the last call (at most a bounded number are kept).
void mqtt_client_take_commands(MqttClient& c, std::vector<MqttCommandMessage>* out);
MqttStats mqtt_client_stats(MqttClient& c);
// Waits up to `drain_s` for the queue to empty and the broker to acknowledge, publishes
// "offline" and disconnects. Returns the final stats.
MqttStats mqtt_client_stop(MqttClient& c, double drain_s);

}  // namespace fg::door
