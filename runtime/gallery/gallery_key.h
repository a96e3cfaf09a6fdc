// The gallery key: 32 random bytes in a file of its own (mode 0600), and the record MAC of
// gallery format v2 made with it (docs/gallery-format.md, "Authentication").
//
//   mac(record) = HMAC-SHA256(key, "facegate-gallery-v2-record" | header identity (128 B)
//                                  | record bytes with flags word and MAC field zeroed)
//   header identity = the 128 header bytes with next record id, next person id and the CRC
//                     zeroed (the only fields a compaction rewrites)
//   key id          = HMAC-SHA256(key, "facegate-gallery-key-id")[0..8), stored in the header
//                     so a wrong key is named as such instead of failing every record.
// libsodium (Debian libsodium-dev) does the hashing and the random bytes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "runtime/gallery/gallery_format.h"
#include "runtime/base/status.h"

namespace fg {

constexpr size_t kGalleryKeyBytes = 32;

struct GalleryKey {
  bool loaded = false;
  uint8_t bytes[kGalleryKeyBytes] = {};
  uint8_t id[kGalleryKeyIdBytes] = {};
  std::string path;  // where it was read from (for messages)
};

// Writes 32 random bytes to a NEW file created with mode 0600 (refuses to overwrite).
Status gallery_keygen(const std::string& path);
// Reads a key file: exactly 32 bytes, a regular file, not readable or writable by group or
// others (a clear error saying `chmod 600` otherwise).
Status gallery_key_load(const std::string& path, GalleryKey* out);
// The key file named by `flag_value`, else by $FG_GALLERY_KEY, else none (*out not loaded).
Status gallery_key_from_flag_or_env(const std::string& flag_value, GalleryKey* out);

// Fills key->id from key->bytes.
void gallery_key_derive_id(GalleryKey* key);
// A fresh random gallery id (v2 header).
void gallery_random_id(uint8_t out[kGalleryIdBytes]);
// MAC of one record (`header_bytes`: the gallery's 128 raw header bytes).
void gallery_record_mac(const GalleryKey& key, const uint8_t* header_bytes, const GalleryHeader& h,
                        const uint8_t* record, uint8_t out[kGalleryMacBytes]);

// The same MAC for many records of one gallery: the key and header identity are absorbed
// once (what open and refresh use: 10,000 records cost one HMAC state copy each).
struct GalleryMacer {
  alignas(16) unsigned char state[512];  // crypto_auth_hmacsha256_state (static_assert'd)
  GalleryHeader header;
};
void gallery_macer_init(GalleryMacer* m, const GalleryKey& key, const uint8_t* header_bytes,
                        const GalleryHeader& h);
void gallery_macer_record(const GalleryMacer& m, const uint8_t* record, uint8_t out[kGalleryMacBytes]);
// Constant-time comparison of the stored MAC with the expected one.
bool gallery_macer_check(const GalleryMacer& m, const uint8_t* record);

}  // namespace fg
