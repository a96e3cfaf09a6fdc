// One gallery for many doors over MQTT (docs/mqtt.md, "One gallery for many doors").
//
// Publisher (`facegate gallery publish`, door_gallery_mqtt_publish.cc): the gallery file as a
// signed snapshot (runtime/gallery/gallery_snapshot.h): retained chunks T/0..n-1, each
// acknowledged by the broker, then the retained manifest T, last.
//
// Door (--gallery-mqtt T --gallery-sign-key KEYFILE, with --mqtt): a second MQTT connection of
// its own (large retained payloads never share a queue with events or commands) subscribes to
// T and T/+. Its network thread assembles and verifies the snapshot (signature, every chunk
// hashed as it arrives), writes it to GALLERY.mqtt-<seq>.tmp and opens it as the door would
// (gallery key, encoder id, no record failing its MAC) while a helper thread fsyncs it
// (door_gallery_mqtt_file.h); then renames it over GALLERY and hands the opened copy to the door
// thread, which swaps it in between two frames without reading it again: no decision is ever
// made on a half-written gallery, and the door thread's cost is a pointer swap. Audit events:
//   gallery_snapshot  the snapshot is installed: sequence, people, records, bytes, stages_ms
//   gallery_refused   unsigned, wrongly signed, truncated, altered, replayed (sequence not
//                     newer than GALLERY.seq), oversize, or not a gallery this door can use;
//                     the door keeps its gallery ("kept_people") and keeps deciding
//   gallery_waiting   (door_gallery_watch.h) no GALLERY file at start: no grants until one is installed
// The broker unreachable at start: the door runs on its local file and keeps retrying.
// No local file at start: it takes the retained snapshot (sequence >= GALLERY.seq) when it connects.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "runtime/base/status.h"
#include "runtime/gallery/gallery_key.h"
#include "tools/door/mqtt_client.h"

namespace fg::door {

// libmosquitto's error log text, with what to do about a TLS verification failure.
std::string mqtt_error_hint(const std::string& log_text);
// A snapshot topic: 1..200 bytes, no wildcard ('+', '#'), no empty level, no leading '$'.
bool gallery_mqtt_topic_valid(const std::string& topic);

struct GalleryPublishOptions {
  MqttUrl url;
  std::string cafile;  // mqtts
  std::string topic;
  GalleryKey sign_key;
  uint64_t sequence = 0;  // 0: the current time in microseconds
  uint32_t chunk_bytes = 0;  // 0: kSnapshotDefaultChunkBytes
  double timeout_s = 30;  // connect + all acknowledgements
};
struct GalleryPublishReport {
  uint64_t sequence = 0, bytes = 0;
  uint32_t chunks = 0;
  double seconds = 0;  // connect .. manifest acknowledged
};
// Publishes `gallery` (a gallery file's bytes). Errors: broker unreachable or refusing, TLS,
// no acknowledgement within timeout_s.
Status gallery_mqtt_publish(const GalleryPublishOptions& o, const std::string& gallery, GalleryPublishReport* report);

struct Door;
struct DoorGalleryMqtt;  // door_gallery_mqtt.cc
// After the door's gallery and log are open (door_mqtt_open calls it with --gallery-mqtt).
Status door_gallery_mqtt_open(Door& d, const MqttUrl& url, const std::string& cafile,
                              std::shared_ptr<DoorGalleryMqtt>* out);
// Once per frame, on the door thread: installs a verified snapshot, reports refused ones.
void door_gallery_mqtt_poll(Door& d, DoorGalleryMqtt& g);
void door_gallery_mqtt_close(DoorGalleryMqtt& g);

}  // namespace fg::door
