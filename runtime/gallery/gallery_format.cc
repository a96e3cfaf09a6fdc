#include "runtime/gallery/gallery_format.h"

#include <cmath>
#include <cstring>

#include "runtime/base/crc32.h"

namespace fg {
namespace {

// Header byte offsets (docs/gallery-format.md, "Header").
constexpr size_t kHMagic = 0, kHVersion = 8, kHHeaderSize = 12, kHDim = 16, kHDtype = 20,
                 kHRecordSize = 24, kHMetaOffset = 28, kHScale = 32, kHReserved0 = 36,
                 kHNextRecord = 40, kHNextPerson = 48, kHCreated = 56, kHModelId = 64,
                 kHReserved1 = 96, kHCrc = 124;

template <typename T>
void put(uint8_t* p, size_t off, T v) { std::memcpy(p + off, &v, sizeof(T)); }
template <typename T>
T get(const uint8_t* p, size_t off) {
  T v;
  std::memcpy(&v, p + off, sizeof(T));
  return v;
}
size_t round_up(size_t v, size_t m) { return (v + m - 1) / m * m; }

bool all_zero(const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (p[i]) return false;
  return true;
}

// A NUL-padded fixed field: bytes up to the first NUL, and everything after it must be NUL.
bool fixed_string(const uint8_t* p, size_t n, std::string* out) {
  size_t len = 0;
  while (len < n && p[len]) ++len;
  if (!all_zero(p + len, n - len)) return false;
  out->assign(reinterpret_cast<const char*>(p), len);
  return true;
}

// v1: all but flags + crc. v2: also not the MAC (a delete zeroes it in place, see gallery.cc).
uint32_t record_crc(const GalleryHeader& h, const uint8_t* r) {
  const size_t flags_at = h.meta_offset + kMetaFlags, after_crc = h.meta_offset + kMetaCrc + 4;
  uint32_t crc = crc32(r, flags_at);
  if (h.version == kGalleryVersionV1) return crc32(r + after_crc, h.record_size - after_crc, crc);
  const size_t mac_at = h.meta_offset + kMetaMac, after_mac = mac_at + kGalleryMacBytes;
  crc = crc32(r + after_crc, mac_at - after_crc, crc);
  return crc32(r + after_mac, h.record_size - after_mac, crc);
}

// Printable ASCII that a shell (or a careless `sh -c "... $FG_PERSON"`) gives meaning to.
bool is_shell_meta(char c) {
  static const char kMeta[] = "`$\\;&|<>(){}[]*?!~#'\"=%^";
  return std::strchr(kMeta, c) != nullptr;
}

}  // namespace

size_t gallery_element_bytes(GalleryDtype dtype) { return dtype == GalleryDtype::kS8 ? 1 : 4; }

size_t gallery_meta_bytes(uint32_t version) {
  return version == kGalleryVersionV1 ? kGalleryMetaBytes : kGalleryMetaBytesV2;
}

void gallery_header_derive_sizes(GalleryHeader* h) {
  h->meta_offset = static_cast<uint32_t>(round_up(h->dim * gallery_element_bytes(h->dtype), 8));
  h->record_size = static_cast<uint32_t>(round_up(h->meta_offset + gallery_meta_bytes(h->version), 64));
}

Status gallery_header_check_fields(const GalleryHeader& h) {
  if (h.dim == 0 || h.dim > kGalleryMaxDim)
    return Status::error("embedding dim " + std::to_string(h.dim) + " out of range 1.." +
                         std::to_string(kGalleryMaxDim));
  if (h.dtype != GalleryDtype::kF32 && h.dtype != GalleryDtype::kS8)
    return Status::error("unknown embedding dtype " + std::to_string(uint32_t(h.dtype)) +
                         " (0 = f32, 1 = int8)");
  if (h.dtype == GalleryDtype::kS8 && !(std::isfinite(h.int8_scale) && h.int8_scale > 0.f))
    return Status::error("int8 gallery needs a finite int8_scale > 0");
  if (h.dtype == GalleryDtype::kF32 && h.int8_scale != 0.f)
    return Status::error("f32 gallery must have int8_scale 0");
  if (h.model_id.empty() || h.model_id.size() > kGalleryModelIdBytes)
    return Status::error("model id must be 1..32 bytes, got " + std::to_string(h.model_id.size()));
  for (char c : h.model_id)
    if (c < 0x21 || c > 0x7e) return Status::error("model id must be printable ASCII without spaces");
  return Status::ok();
}

void gallery_header_encode(const GalleryHeader& h, uint8_t out[kGalleryHeaderSize]) {
  std::memset(out, 0, kGalleryHeaderSize);
  std::memcpy(out + kHMagic, kGalleryMagic, 8);
  put<uint32_t>(out, kHVersion, h.version);
  put<uint32_t>(out, kHHeaderSize, kGalleryHeaderSize);
  put<uint32_t>(out, kHDim, h.dim);
  put<uint32_t>(out, kHDtype, uint32_t(h.dtype));
  put<uint32_t>(out, kHRecordSize, h.record_size);
  put<uint32_t>(out, kHMetaOffset, h.meta_offset);
  put<float>(out, kHScale, h.int8_scale);
  put<uint64_t>(out, kHNextRecord, h.next_record_id);
  put<uint64_t>(out, kHNextPerson, h.next_person_id);
  put<int64_t>(out, kHCreated, h.created_unix_us);
  std::memcpy(out + kHModelId, h.model_id.data(), h.model_id.size());
  if (h.version != kGalleryVersionV1) {
    std::memcpy(out + kHeaderGalleryId, h.gallery_id, kGalleryIdBytes);
    std::memcpy(out + kHeaderKeyId, h.key_id, kGalleryKeyIdBytes);
  }
  put<uint32_t>(out, kHCrc, crc32(out, kHCrc));
}

Status gallery_header_decode(const uint8_t* p, size_t bytes, GalleryHeader* out) {
  if (bytes < kGalleryHeaderSize)
    return Status::error("truncated: " + std::to_string(bytes) + " bytes, the header alone is " +
                         std::to_string(kGalleryHeaderSize));
  if (std::memcmp(p + kHMagic, kGalleryMagic, 8) != 0)
    return Status::error("not a facegate gallery (bad magic)");
  GalleryHeader h;
  h.version = get<uint32_t>(p, kHVersion);
  if (h.version != kGalleryVersionV1 && h.version != kGalleryVersionV2)
    return Status::error("gallery format version " + std::to_string(h.version) +
                         " is not supported (this build reads versions 1 and 2)");
  if (get<uint32_t>(p, kHCrc) != crc32(p, kHCrc))
    return Status::error("header checksum mismatch (the header is damaged)");
  // v2 gives bytes 96..119 meaning (gallery id, key id); 120..123 stay reserved.
  const size_t reserved_from = h.version == kGalleryVersionV1 ? kHReserved1 : kHeaderKeyId + kGalleryKeyIdBytes;
  if (get<uint32_t>(p, kHHeaderSize) != kGalleryHeaderSize || get<uint32_t>(p, kHReserved0) != 0 ||
      !all_zero(p + reserved_from, kHCrc - reserved_from))
    return Status::error("header has a bad size or non-zero reserved bytes");
  if (h.version != kGalleryVersionV1) {
    std::memcpy(h.gallery_id, p + kHeaderGalleryId, kGalleryIdBytes);
    std::memcpy(h.key_id, p + kHeaderKeyId, kGalleryKeyIdBytes);
  }
  h.dim = get<uint32_t>(p, kHDim);
  h.dtype = static_cast<GalleryDtype>(get<uint32_t>(p, kHDtype));
  h.int8_scale = get<float>(p, kHScale);
  h.next_record_id = get<uint64_t>(p, kHNextRecord);
  h.next_person_id = get<uint64_t>(p, kHNextPerson);
  h.created_unix_us = get<int64_t>(p, kHCreated);
  if (!fixed_string(p + kHModelId, kGalleryModelIdBytes, &h.model_id))
    return Status::error("header model id is not NUL-padded");
  FG_RETURN_IF_ERROR(gallery_header_check_fields(h));
  gallery_header_derive_sizes(&h);
  if (get<uint32_t>(p, kHRecordSize) != h.record_size ||
      get<uint32_t>(p, kHMetaOffset) != h.meta_offset)
    return Status::error("header record size " + std::to_string(get<uint32_t>(p, kHRecordSize)) +
                         " does not match dim " + std::to_string(h.dim) + " (expected " +
                         std::to_string(h.record_size) + ")");
  *out = h;
  return Status::ok();
}

void gallery_record_encode(const GalleryHeader& h, const GalleryRecordMeta& meta,
                           const void* embedding, uint8_t* out) {
  std::memset(out, 0, h.record_size);
  std::memcpy(out, embedding, h.dim * gallery_element_bytes(h.dtype));
  uint8_t* m = out + h.meta_offset;
  put<uint64_t>(m, kMetaRecordId, meta.record_id);
  put<uint64_t>(m, kMetaPersonId, meta.person_id);
  put<int64_t>(m, kMetaTime, meta.enrolled_unix_us);
  put<uint32_t>(m, kMetaFlags, meta.flags);
  std::memcpy(m + kMetaName, meta.name.data(), meta.name.size());
  put<uint32_t>(m, kMetaCrc, record_crc(h, out));
}

bool gallery_record_crc_ok(const GalleryHeader& h, const uint8_t* r) {
  return get<uint32_t>(r + h.meta_offset, kMetaCrc) == record_crc(h, r);
}

uint32_t gallery_record_flags(const GalleryHeader& h, const uint8_t* r) {
  return get<uint32_t>(r + h.meta_offset, kMetaFlags);
}

Status gallery_record_validate(const GalleryHeader& h, const uint8_t* r) {
  const uint8_t* m = r + h.meta_offset;
  const uint32_t flags = get<uint32_t>(m, kMetaFlags);
  if (flags != kGalleryFlagLive && flags != kGalleryFlagDeleted)
    return Status::error("unknown flags value " + std::to_string(flags));
  const size_t emb = h.dim * gallery_element_bytes(h.dtype);
  if (!all_zero(r + emb, h.meta_offset - emb) ||
      !all_zero(m + gallery_meta_bytes(h.version), h.record_size - h.meta_offset - gallery_meta_bytes(h.version)))
    return Status::error("non-zero padding");
  if (get<uint64_t>(m, kMetaRecordId) == 0 || get<uint64_t>(m, kMetaPersonId) == 0)
    return Status::error("record or person id 0");
  std::string name;
  if (!fixed_string(m + kMetaName, kGalleryNameBytes, &name))
    return Status::error("name field is not NUL-padded");
  return gallery_check_name(name);
}

GalleryRecordMeta gallery_record_meta(const GalleryHeader& h, const uint8_t* r) {
  const uint8_t* m = r + h.meta_offset;
  GalleryRecordMeta meta;
  meta.record_id = get<uint64_t>(m, kMetaRecordId);
  meta.person_id = get<uint64_t>(m, kMetaPersonId);
  meta.enrolled_unix_us = get<int64_t>(m, kMetaTime);
  meta.flags = get<uint32_t>(m, kMetaFlags);
  fixed_string(m + kMetaName, kGalleryNameBytes, &meta.name);
  return meta;
}

Status gallery_check_name(const std::string& name) {
  if (name.empty() || name.size() > kGalleryNameBytes)
    return Status::error("name must be 1..64 bytes of UTF-8, got " + std::to_string(name.size()) +
                         " bytes");
  const auto* s = reinterpret_cast<const uint8_t*>(name.data());
  for (size_t i = 0; i < name.size();) {
    const uint8_t c = s[i];
    size_t len;
    uint32_t cp;
    if (c < 0x80) len = 1, cp = c;
    else if ((c & 0xE0) == 0xC0) len = 2, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0) len = 3, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0) len = 4, cp = c & 0x07;
    else return Status::error("name is not valid UTF-8");
    if (i + len > name.size()) return Status::error("name is not valid UTF-8 (cut sequence)");
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return Status::error("name is not valid UTF-8");
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    static const uint32_t kMinForLen[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLen[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return Status::error("name is not valid UTF-8 (overlong or out of range)");
    if (cp < 0x20 || cp == 0x7F) return Status::error("name contains a control character");
    i += len;
  }
  return Status::ok();
}

Status gallery_validate_name(const std::string& raw, std::string* name) {
  const size_t first = raw.find_first_not_of(" \t\r\n\v\f");
  const size_t last = raw.find_last_not_of(" \t\r\n\v\f");
  const std::string t = first == std::string::npos ? "" : raw.substr(first, last - first + 1);
  if (t.empty()) return Status::error("name is empty (or only white space)");
  FG_RETURN_IF_ERROR(gallery_check_name(t));
  if (!gallery_name_is_safe(t))
    return Status::error("name '" + t + "' has a character that is not allowed: use letters, digits, single "
                         "spaces and - _ . , @ + : (no shell metacharacters such as $ ; ' \" ( ) * \\)");
  *name = t;
  return Status::ok();
}

bool gallery_name_is_safe(const std::string& name) {
  if (name.empty() || name.front() == ' ' || name.back() == ' ') return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c < 0x20 || c == 0x7F) return false;
    if (c < 0x80 && is_shell_meta(char(c))) return false;
    if (c == ' ' && i + 1 < name.size() && name[i + 1] == ' ') return false;
    // C1 controls U+0080..U+009F are encoded as C2 80..C2 9F.
    if (c == 0xC2 && i + 1 < name.size() && static_cast<unsigned char>(name[i + 1]) < 0xA0) return false;
  }
  return true;
}

}  // namespace fg
