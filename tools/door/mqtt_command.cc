#include "tools/door/mqtt_command.h"

#include <sodium.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

namespace fg::door {
namespace {

// Nonces remembered at once; a flood beyond this within the window is refused, not stored.
constexpr size_t kMaxNonces = 10000;

bool nonce_ok(const std::string& n) {
  if (n.size() < 8 || n.size() > 64) return false;
  for (char c : n)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
      return false;
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Status command_key_load(const std::string& path, CommandKey* key) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    return Status::error(path + ": cannot read the command key (not a regular file)");
  std::ifstream f(path, std::ios::binary);
  const std::string b((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (!f && !f.eof()) return Status::error(path + ": cannot read the command key");
  if (b.size() == 32) {
    std::copy(b.begin(), b.end(), key->bytes);
    key->loaded = true;
    return Status::ok();
  }
  std::string h = b;
  while (!h.empty() && (h.back() == '\n' || h.back() == '\r')) h.pop_back();
  if (h.size() == 64) {
    for (int i = 0; i < 32; ++i) {
      const int hi = hex_value(h[2 * i]), lo = hex_value(h[2 * i + 1]);
      if (hi < 0 || lo < 0) return Status::error(path + ": the command key must be 32 bytes or 64 hex digits");
      key->bytes[i] = (unsigned char)(hi * 16 + lo);
    }
    key->loaded = true;
    return Status::ok();
  }
  return Status::error(path + ": the command key must be 32 bytes or 64 hex digits (got " + std::to_string(b.size()) +
                       " bytes)");
}

std::string command_parse(const std::string& payload, DoorCommand* out) {
  const nlohmann::json j = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return "not a JSON object";
  DoorCommand c;
  const auto cmd = j.find("cmd");
  if (cmd == j.end() || !cmd->is_string()) return "no \"cmd\" string";
  c.cmd = cmd->get<std::string>();
  if (c.cmd != "unlock" && c.cmd != "lock" && c.cmd != "reload") return "unknown cmd";
  if (c.cmd == "unlock") {
    const auto s = j.find("seconds");
    if (s == j.end() || !s->is_number_integer()) return "unlock needs integer \"seconds\"";
    const int64_t v = s->get<int64_t>();
    if (v < 1 || v > kCommandMaxSeconds) return "\"seconds\" must be 1.." + std::to_string(kCommandMaxSeconds);
    c.seconds = (int)v;
  }
  const auto ts = j.find("ts"), nonce = j.find("nonce"), mac = j.find("mac");
  const int present = (ts != j.end()) + (nonce != j.end()) + (mac != j.end());
  if (present != 0 && present != 3) return "\"ts\", \"nonce\" and \"mac\" go together";
  if (present == 3) {
    if (!ts->is_number_integer()) return "\"ts\" must be an integer (UNIX seconds)";
    if (!nonce->is_string() || !nonce_ok(nonce->get<std::string>())) return "\"nonce\" must be [A-Za-z0-9_-]{8,64}";
    if (!mac->is_string() || mac->get<std::string>().size() != 64) return "\"mac\" must be 64 hex digits";
    c.ts = ts->get<int64_t>();
    c.nonce = nonce->get<std::string>();
    c.mac = mac->get<std::string>();
    c.signed_fields = true;
  }
  *out = c;
  return "";
}

std::string command_signed_text(const DoorCommand& c) {
  return c.cmd + "|" + std::to_string(c.seconds) + "|" + std::to_string(c.ts) + "|" + c.nonce;
}

std::string command_mac_hex(const CommandKey& key, const std::string& text) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, key.bytes, sizeof key.bytes);
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  crypto_auth_hmacsha256_final(&st, mac);
  char hex[2 * sizeof mac + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  return hex;
}

std::string command_authorize(const DoorCommand& c, const CommandKey& key, ReplayGuard& guard, int64_t now_unix) {
  if (!c.signed_fields) return c.cmd == "unlock" ? "unsigned unlock" : "";
  if (!key.loaded) return "no --mqtt-command-key: signed commands cannot be checked";
  // Constant time: the comparison must not tell a forger how many leading digits were right.
  const std::string want = command_mac_hex(key, command_signed_text(c));
  std::string got = c.mac;
  for (char& ch : got)
    if (ch >= 'A' && ch <= 'F') ch = (char)(ch - 'A' + 'a');
  if (sodium_memcmp(want.data(), got.data(), want.size()) != 0) return "bad mac";
  const int64_t skew = now_unix - c.ts;
  if (skew > kCommandWindowS || skew < -kCommandWindowS) return "ts outside the 30 s window (replay or clock skew)";
  for (auto it = guard.seen.begin(); it != guard.seen.end();)
    it = it->second < now_unix - 2 * kCommandWindowS ? guard.seen.erase(it) : std::next(it);
  if (guard.seen.count(c.nonce)) return "nonce already used (replay)";
  if (guard.seen.size() >= kMaxNonces) return "too many commands in the window";
  guard.seen[c.nonce] = c.ts;
  return "";
}

}  // namespace fg::door
