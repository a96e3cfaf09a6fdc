// Gallery file format v1 and v2: byte layout, encode/decode and validation of header and
// records.
// The spec for humans is docs/gallery-format.md; this file is its executable twin. Pure
// functions over bytes (no I/O), so tests can build any corrupt file they like.
//
//   file   = header (128 B) | record 0 | record 1 | ...      (records never move until compact)
//   record = embedding [dim x elem] padded to 8 B | meta (96 B) | zero pad to a multiple of 64
//   meta   = u64 record_id | u64 person_id | i64 enrolled_unix_us | u32 flags | u32 crc32
//            | name[64] (UTF-8, NUL-padded)
// The record CRC covers every record byte except the flags word and itself, so "delete" is
// one aligned 4-byte write and the checksum never has to change in place.
// v2 (authenticated): meta grows by a 32-byte MAC (HMAC-SHA256 with the gallery key, see
// runtime/gallery/gallery_key.h) that the CRC leaves out too, and the header's reserved bytes carry
// the gallery's random id and the key's id, so a record's MAC binds it to one gallery.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "runtime/base/status.h"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "the gallery format is little-endian and read with plain loads");

namespace fg {

enum class GalleryDtype : uint32_t { kF32 = 0, kS8 = 1 };

constexpr char kGalleryMagic[8] = {'F', 'G', 'G', 'A', 'L', 'L', 'R', 'Y'};
constexpr uint32_t kGalleryVersionV1 = 1;  // CRC only (unauthenticated)
constexpr uint32_t kGalleryVersionV2 = 2;  // + a keyed MAC per record
constexpr uint32_t kGalleryVersion = kGalleryVersionV2;  // what a keyed create writes
constexpr size_t kGalleryHeaderSize = 128;
constexpr size_t kGalleryNameBytes = 64;
constexpr size_t kGalleryModelIdBytes = 32;
constexpr size_t kGalleryMetaBytes = 96;     // v1 meta
constexpr size_t kGalleryMacBytes = 32;
constexpr size_t kGalleryMetaBytesV2 = kGalleryMetaBytes + kGalleryMacBytes;
constexpr size_t kGalleryIdBytes = 16;       // random per gallery (v2 header)
constexpr size_t kGalleryKeyIdBytes = 8;     // names the key (v2 header)
constexpr uint32_t kGalleryMaxDim = 4096;  // far above any face encoder; bounds the arithmetic
// Readers hold the file in memory: 1 GiB is ~1.6 M f32 or ~4 M int8 128-D records.
constexpr uint64_t kGalleryMaxFileBytes = uint64_t(1) << 30;
constexpr uint32_t kGalleryFlagLive = 0;
constexpr uint32_t kGalleryFlagDeleted = 1;

// Byte offsets inside the meta block (relative to embedding_bytes_padded()).
constexpr size_t kMetaRecordId = 0, kMetaPersonId = 8, kMetaTime = 16, kMetaFlags = 24,
                 kMetaCrc = 28, kMetaName = 32, kMetaMac = 96 /* v2 */;
// v2 header: where the gallery id and key id live (v1: reserved, zero).
constexpr size_t kHeaderGalleryId = 96, kHeaderKeyId = 112;

struct GalleryHeader {
  uint32_t version = kGalleryVersion;
  uint32_t dim = 0;
  GalleryDtype dtype = GalleryDtype::kF32;
  float int8_scale = 0.f;       // value = q * int8_scale for kS8; 0 for kF32
  uint64_t next_record_id = 1;  // ids below this were used; record ids start at 1
  uint64_t next_person_id = 1;
  int64_t created_unix_us = 0;
  std::string model_id;         // 1..32 bytes, printable ASCII
  uint8_t gallery_id[kGalleryIdBytes] = {};  // v2 only
  uint8_t key_id[kGalleryKeyIdBytes] = {};   // v2 only
  // Derived from dim and dtype (also stored, and checked on decode).
  uint32_t meta_offset = 0;
  uint32_t record_size = 0;
};

struct GalleryRecordMeta {
  uint64_t record_id = 0;
  uint64_t person_id = 0;
  int64_t enrolled_unix_us = 0;
  uint32_t flags = kGalleryFlagLive;
  std::string name;
};

size_t gallery_element_bytes(GalleryDtype dtype);
size_t gallery_meta_bytes(uint32_t version);
// Fills meta_offset and record_size from version, dim and dtype.
void gallery_header_derive_sizes(GalleryHeader* h);
// Checks the fields a caller chose (dim, dtype, scale, model id) before anything is written.
Status gallery_header_check_fields(const GalleryHeader& h);

void gallery_header_encode(const GalleryHeader& h, uint8_t out[kGalleryHeaderSize]);
// `bytes` is the whole file length: the header is checked against it.
Status gallery_header_decode(const uint8_t* data, size_t bytes, GalleryHeader* out);

// Writes a full record (zero padding included, CRC computed; v2: MAC field zero, the caller
// fills it). `embedding` holds dim elements of the header's dtype.
void gallery_record_encode(const GalleryHeader& h, const GalleryRecordMeta& meta,
                           const void* embedding, uint8_t* out);
bool gallery_record_crc_ok(const GalleryHeader& h, const uint8_t* record);
// Everything but the CRC: flags value, name, zero padding. Assumes the CRC was checked.
Status gallery_record_validate(const GalleryHeader& h, const uint8_t* record);
GalleryRecordMeta gallery_record_meta(const GalleryHeader& h, const uint8_t* record);
uint32_t gallery_record_flags(const GalleryHeader& h, const uint8_t* record);

// A name: 1..64 bytes of valid UTF-8, no control characters (what a reader accepts).
Status gallery_check_name(const std::string& name);
// A name for a NEW record (enrol): `raw` trimmed of surrounding white space into *name, then
// gallery_check_name plus: printable only, no shell metacharacters (` $ \ ; & | < > ( ) { } [ ]
// * ? ! ~ # ' " = % ^), no C1 controls, no two spaces in a row. Keeps names safe to pass to an
// actuator command and stops "amy" / "amy " being two people. Readers still accept older names
// (gallery_name_is_safe says which to warn about).
Status gallery_validate_name(const std::string& raw, std::string* name);
bool gallery_name_is_safe(const std::string& name);

}  // namespace fg
