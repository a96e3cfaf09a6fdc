// Door commands received on facegate/<door_id>/command (docs/mqtt.md "Commands"):
//
//   {"cmd":"unlock","seconds":N,"ts":UNIX,"nonce":"...","mac":"<64 hex>"}
//   {"cmd":"lock"}      {"cmd":"reload"}      (may carry ts/nonce/mac too; then they are checked)
//
// The broker's ACL decides who may publish there at all; an unlock must in addition be signed:
// mac = HMAC-SHA256(key, "<cmd>|<seconds>|<ts>|<nonce>") in lowercase hex, key = 32 bytes from
// --mqtt-command-key FILE (raw, or 64 hex digits). Replay window: |now - ts| <= 30 s and the
// nonce not seen in the last 2 x 30 s (nonces older than the window can be forgotten: their ts
// is refused anyway). A bad MAC never records its nonce, so a forger cannot burn real ones.
// Everything here is pure (no clock, no I/O besides loading the key), so it is unit-testable.
#pragma once
#include <cstdint>
#include <map>
#include <string>

#include "runtime/base/status.h"

namespace fg::door {

constexpr int64_t kCommandWindowS = 30;
constexpr int kCommandMaxSeconds = 3600;  // an unlock longer than an hour is a units mistake

struct CommandKey {
  bool loaded = false;
  unsigned char bytes[32] = {};
};
// 32 raw bytes, or 64 hex digits (+ optional newline). Anything else is refused.
Status command_key_load(const std::string& path, CommandKey* key);

struct DoorCommand {
  std::string cmd;  // unlock | lock | reload
  int seconds = 0;  // unlock only: 1..kCommandMaxSeconds
  int64_t ts = 0;
  std::string nonce, mac;
  bool signed_fields = false;  // ts, nonce and mac present
};

// "" when `payload` is a well-formed command; otherwise why not (for the audit line).
std::string command_parse(const std::string& payload, DoorCommand* out);

// The signed message and its MAC (lowercase hex).
std::string command_signed_text(const DoorCommand& c);
std::string command_mac_hex(const CommandKey& key, const std::string& text);

struct ReplayGuard {
  std::map<std::string, int64_t> seen;  // nonce -> ts
};
// "" when the command may run (and then its nonce is recorded); else the refusal reason.
std::string command_authorize(const DoorCommand& c, const CommandKey& key, ReplayGuard& guard, int64_t now_unix);

}  // namespace fg::door
