// Gallery snapshot parser and assembler (runtime/gallery/gallery_snapshot.h): what a door
// receives on its --gallery-mqtt topics from the network. The input is a sequence of
// messages, each [u8 kind][u16 length LE][length bytes]:
//   kind & 3 == 0  manifest on T        (bit 7: the harness re-signs it with the fixed key,
//                                        so mutants get past the HMAC to the fields behind it)
//   kind & 3 == 1  chunk on T/<(kind >> 2) & 31>
//   kind & 3 == 2  the door installed sequence <length> (no bytes follow)
//   kind & 3 == 3  raw parse of the bytes as a manifest and as a chunk
// Invariants checked: memory held stays under the cap, an assembled snapshot has exactly the
// size its manifest signed, and every take after kComplete either succeeds or names why.
#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "runtime/gallery/gallery_snapshot.h"

namespace {

fg::GalleryKey fixed_key() {
  fg::GalleryKey k;
  for (size_t i = 0; i < fg::kGalleryKeyBytes; ++i) k.bytes[i] = (uint8_t)i;
  k.loaded = true;
  return k;
}

// The manifest MAC (gallery_snapshot.h): HMAC-SHA256(key, domain | bytes before the MAC).
void resign(std::string* m, const fg::GalleryKey& k) {
  if (m->size() < fg::kSnapshotHashBytes + 8) return;
  static const char kDomain[] = "facegate-gallery-snapshot-v1";
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, k.bytes, fg::kGalleryKeyBytes);
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(kDomain), sizeof kDomain - 1);
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(m->data()), m->size() - fg::kSnapshotHashBytes);
  crypto_auth_hmacsha256_final(&st, reinterpret_cast<unsigned char*>(&(*m)[m->size() - fg::kSnapshotHashBytes]));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const fg::GalleryKey key = fixed_key();
  fg::SnapshotAssembler a;
  std::string why, gallery;
  fg::SnapshotManifest manifest;
  size_t pos = 0;
  while (pos + 3 <= size) {
    const uint8_t kind = data[pos];
    const size_t len = data[pos + 1] | (size_t)data[pos + 2] << 8;
    pos += 3;
    if ((kind & 3) == 2) {
      a.installed = len;
      continue;
    }
    const size_t n = len < size - pos ? len : size - pos;
    std::string msg(reinterpret_cast<const char*>(data + pos), n);
    pos += n;
    const uint8_t* p = reinterpret_cast<const uint8_t*>(msg.data());
    fg::SnapshotStep step = fg::SnapshotStep::kNothing;
    if ((kind & 3) == 0) {
      if (kind & 0x80) resign(&msg, key);
      step = fg::snapshot_assembler_manifest(&a, p, msg.size(), key, &why);
    } else if ((kind & 3) == 1) {
      step = fg::snapshot_assembler_chunk(&a, (kind >> 2) & 31, p, msg.size(), &why);
    } else {
      fg::SnapshotManifest m;
      fg::SnapshotChunk c;
      if (fg::snapshot_manifest_parse(p, msg.size(), key, &m).is_ok() && m.chunk_sha256.size() != m.chunk_count)
        __builtin_trap();
      if (fg::snapshot_chunk_parse(p, msg.size(), &c).is_ok() && c.size + fg::kSnapshotChunkHeaderBytes != msg.size())
        __builtin_trap();
    }
    if (a.chunk_data_bytes > fg::kSnapshotMaxBytes + fg::kSnapshotMaxChunkBytes) __builtin_trap();
    if (step == fg::SnapshotStep::kComplete) {
      const uint64_t want = a.manifest.total_bytes;
      fg::Status s = fg::snapshot_assembler_take(&a, &gallery, &manifest);
      if (s.is_ok() && gallery.size() != want) __builtin_trap();
      if (!s.is_ok() && s.message().empty()) __builtin_trap();
    } else if (step == fg::SnapshotStep::kRefused && why.empty()) {
      __builtin_trap();  // a refusal always says why
    }
  }
  return 0;
}
