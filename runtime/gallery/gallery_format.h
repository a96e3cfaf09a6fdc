// Gallery file format v1: byte layout, encode/decode and validation of header and records.
// The spec for humans is docs/gallery-format.md; this file is its executable twin. Pure
// functions over bytes (no I/O), so tests can build any corrupt file they like.
//
//   file   = header (128 B) | record 0 | record 1 | ...      (records never move until compact)
//   record = embedding [dim x elem] padded to 8 B | meta (96 B) | zero pad to a multiple of 64
//   meta   = u64 record_id | u64 person_id | i64 enrolled_unix_us | u32 flags | u32 crc32
//            | name[64] (UTF-8, NUL-padded)
// The record CRC covers every record byte except the flags word and itself, so "delete" is
// one aligned 4-byte write and the checksum never has to change in place.
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
constexpr uint32_t kGalleryVersion = 1;
constexpr size_t kGalleryHeaderSize = 128;
constexpr size_t kGalleryNameBytes = 64;
constexpr size_t kGalleryModelIdBytes = 32;
constexpr size_t kGalleryMetaBytes = 96;
constexpr uint32_t kGalleryMaxDim = 4096;  // far above any face encoder; bounds the arithmetic
constexpr uint32_t kGalleryFlagLive = 0;
constexpr uint32_t kGalleryFlagDeleted = 1;

// Byte offsets inside the meta block (relative to embedding_bytes_padded()).
constexpr size_t kMetaRecordId = 0, kMetaPersonId = 8, kMetaTime = 16, kMetaFlags = 24,
                 kMetaCrc = 28, kMetaName = 32;

struct GalleryHeader {
  uint32_t version = kGalleryVersion;
  uint32_t dim = 0;
  GalleryDtype dtype = GalleryDtype::kF32;
  float int8_scale = 0.f;       // value = q * int8_scale for kS8; 0 for kF32
  uint64_t next_record_id = 1;  // ids below this were used; record ids start at 1
  uint64_t next_person_id = 1;
  int64_t created_unix_us = 0;
  std::string model_id;         // 1..32 bytes, printable ASCII
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
// Fills meta_offset and record_size from dim and dtype.
void gallery_header_derive_sizes(GalleryHeader* h);
// Checks the fields a caller chose (dim, dtype, scale, model id) before anything is written.
Status gallery_header_check_fields(const GalleryHeader& h);

void gallery_header_encode(const GalleryHeader& h, uint8_t out[kGalleryHeaderSize]);
// `bytes` is the whole file length: the header is checked against it.
Status gallery_header_decode(const uint8_t* data, size_t bytes, GalleryHeader* out);

// Writes a full record (zero padding included, CRC computed). `embedding` holds dim
// elements of the header's dtype.
void gallery_record_encode(const GalleryHeader& h, const GalleryRecordMeta& meta,
                           const void* embedding, uint8_t* out);
bool gallery_record_crc_ok(const GalleryHeader& h, const uint8_t* record);
// Everything but the CRC: flags value, name, zero padding. Assumes the CRC was checked.
Status gallery_record_validate(const GalleryHeader& h, const uint8_t* record);
GalleryRecordMeta gallery_record_meta(const GalleryHeader& h, const uint8_t* record);
uint32_t gallery_record_flags(const GalleryHeader& h, const uint8_t* record);

// A name: 1..64 bytes of valid UTF-8, no control characters.
Status gallery_check_name(const std::string& name);

}  // namespace fg
