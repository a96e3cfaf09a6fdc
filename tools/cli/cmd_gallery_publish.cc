// facegate gallery publish FILE --mqtt URL --topic T --sign-key KEYFILE: one gallery for many
// doors (docs/mqtt.md, "One gallery for many doors"). The file goes out as a signed snapshot
// (runtime/gallery/gallery_snapshot.h) that doors started with --gallery-mqtt T install.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include "runtime/gallery/gallery.h"
#include "runtime/gallery/gallery_snapshot.h"
#include "tools/cli/cli.h"
#include "tools/door/door_gallery_mqtt.h"

namespace fg::cli {
namespace {

const char kUsage[] =
    "usage: facegate gallery publish GALLERY --mqtt mqtt[s]://[USER[:PASS]@]HOST[:PORT] --topic TOPIC\n"
    "                                --sign-key KEYFILE [--mqtt-password-file FILE] [--mqtt-cafile FILE]\n"
    "                                [--sequence N] [--chunk-bytes N] [--timeout SEC] [--gallery-key KEYFILE]\n"
    "Publishes GALLERY as a signed snapshot: retained chunks TOPIC/0..n-1 (--chunk-bytes, 262144;\n"
    "1024..1048576), then the retained manifest TOPIC, signed with HMAC-SHA256 under KEYFILE (32\n"
    "bytes, mode 0600: `facegate gallery keygen` makes one; every door gets the same file as\n"
    "--gallery-sign-key). --sequence (default: now in microseconds) must grow from one publish to\n"
    "the next: doors refuse an older one as a replay. With --gallery-key (or $FG_GALLERY_KEY) the\n"
    "gallery is MAC-checked first. At most 64 MiB. Exit 0 published, 2 usage, 3 bad file or key,\n"
    "broker unreachable / refusing / not acknowledging within --timeout (30 s).\n";

bool to_u64(const std::string& s, uint64_t lo, uint64_t hi, uint64_t* out) {
  if (s.empty() || s[0] == '-') return false;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(s.c_str(), &end, 10);
  if (*end != '\0' || v < lo || v > hi) return false;
  *out = v;
  return true;
}

}  // namespace

int cmd_gallery_publish(int argc, char** argv) {
  Args args;
  std::string error;
  if (!parse_args(argc, argv, 3,
                  {"mqtt", "topic", "sign-key", "mqtt-password-file", "mqtt-cafile", "sequence", "chunk-bytes", "timeout",
                   "gallery-key"},
                  {"help"}, &args, &error))
    return usage_error("gallery publish", error);
  if (args.has("help")) {
    std::printf("%s", kUsage);
    return kExitOk;
  }
  if (args.positional.size() != 1) return usage_error("gallery publish", "give one GALLERY file");
  door::GalleryPublishOptions o;
  if (args.value("mqtt").empty()) return usage_error("gallery publish", "--mqtt URL is required");
  if (Status s = door::mqtt_url_parse(args.value("mqtt"), &o.url); !s) return usage_error("gallery publish", s.message());
  o.topic = args.value("topic");
  if (!door::gallery_mqtt_topic_valid(o.topic))
    return usage_error("gallery publish", "--topic TOPIC is required: no wildcards (+ #), no empty levels");
  if (args.value("sign-key").empty()) return usage_error("gallery publish", "--sign-key KEYFILE is required");
  o.cafile = args.value("mqtt-cafile");
  if (o.url.tls && o.cafile.empty()) return usage_error("gallery publish", "mqtts:// needs --mqtt-cafile FILE");
  const std::string pwfile = args.value("mqtt-password-file");
  if (!pwfile.empty() && o.url.user.empty())
    return usage_error("gallery publish", "--mqtt-password-file needs a user name in the URL");
  uint64_t v = 0;
  if (args.values.count("sequence")) {
    if (!to_u64(args.value("sequence"), 1, UINT64_MAX, &v)) return usage_error("gallery publish", "--sequence must be 1..2^64-1");
    o.sequence = v;
  }
  if (args.values.count("chunk-bytes")) {
    if (!to_u64(args.value("chunk-bytes"), kSnapshotMinChunkBytes, kSnapshotMaxChunkBytes, &v))
      return usage_error("gallery publish", "--chunk-bytes must be 1024..1048576");
    o.chunk_bytes = (uint32_t)v;
  }
  if (args.values.count("timeout")) {
    if (!to_u64(args.value("timeout"), 1, 3600, &v)) return usage_error("gallery publish", "--timeout must be 1..3600 s");
    o.timeout_s = (double)v;
  }
  if (!pwfile.empty()) {
    std::ifstream f(pwfile);
    if (!f || !std::getline(f, o.url.password) || o.url.password.empty())
      return failure(pwfile + ": cannot read the MQTT password (first line)");
    if (o.url.password.back() == '\r') o.url.password.pop_back();
  }
  if (Status s = gallery_key_load(args.value("sign-key"), &o.sign_key); !s) return failure("--sign-key: " + s.message());

  const std::string& path = args.positional[0];
  // The file as it is on disk: what the doors install is byte for byte what was checked here.
  std::ifstream f(path, std::ios::binary);
  if (!f) return failure(path + ": cannot read the gallery");
  const std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (bytes.size() > kSnapshotMaxBytes)
    return failure(path + ": " + std::to_string(bytes.size()) + " bytes; a snapshot holds at most " +
                   std::to_string(kSnapshotMaxBytes) + " (the doors' cap)");
  GalleryHeader h;
  if (Status s = gallery_header_decode(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &h); !s)
    return failure(path + ": not a gallery file: " + s.message());
  GalleryOpenOptions access;
  if (Status s = gallery_key_from_flag_or_env(args.value("gallery-key"), &access.key); !s) return failure(s.message());
  if (access.key.loaded) {  // doors refuse a snapshot with records failing their MAC: say it here first
    GalleryPtr g;
    if (Status s = gallery_open(path, access, &g); !s) return failure(s.message());
    if (gallery_info(*g).rejected_records)
      return failure(path + ": " + std::to_string(gallery_info(*g).rejected_records) +
                     " records fail the MAC check; doors would refuse this snapshot");
  }
  door::GalleryPublishReport r;
  if (Status s = door::gallery_mqtt_publish(o, bytes, &r); !s) return failure(s.message());
  std::printf("published %s to %s: sequence %llu, %llu bytes in %u chunks, %.3f s\n", path.c_str(), o.topic.c_str(),
              (unsigned long long)r.sequence, (unsigned long long)r.bytes, r.chunks, r.seconds);
  return kExitOk;
}

}  // namespace fg::cli
