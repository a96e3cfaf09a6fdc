// facegate gallery keygen / migrate, and the --gallery-key / --insecure-gallery options that
// every gallery-reading command shares (docs/gallery-format.md, "Authentication").
#include <cstdio>
#include <string>

#include "runtime/gallery/gallery_key.h"
#include "runtime/gallery/gallery_migrate.h"
#include "tools/cli/cli.h"

namespace fg::cli {

int gallery_access_from_args(const std::string& command, const Args& args, GalleryOpenOptions* o) {
  if (args.values.count("gallery-key") && args.value("gallery-key").empty())
    return usage_error(command, "--gallery-key needs a file");
  if (Status s = gallery_key_from_flag_or_env(args.value("gallery-key"), &o->key); !s) return failure(s.message());
  o->insecure = args.has("insecure-gallery");
  return kExitOk;
}

void gallery_print_warnings(const std::string& command, const Gallery& g) {
  const GalleryInfo i = gallery_info(g);
  if (!i.authenticated)
    std::fprintf(stderr, "facegate %s: warning: %s is not authenticated (%s, --insecure-gallery): anyone who can "
                 "write it can add a person\n", command.c_str(), i.path.c_str(),
                 i.version == kGalleryVersionV1 ? "format v1" : "no key given");
  if (i.rejected_records)
    std::fprintf(stderr, "facegate %s: warning: %zu record%s of %s failed the MAC check (forged or damaged) and "
                 "%s not used\n", command.c_str(), i.rejected_records, i.rejected_records == 1 ? "" : "s",
                 i.path.c_str(), i.rejected_records == 1 ? "is" : "are");
  if (i.unsafe_names)
    std::fprintf(stderr, "facegate %s: warning: %zu record%s of %s %s a name that enroll would refuse today "
                 "(shell metacharacters or surrounding spaces)\n", command.c_str(), i.unsafe_names,
                 i.unsafe_names == 1 ? "" : "s", i.path.c_str(), i.unsafe_names == 1 ? "has" : "have");
}

int gallery_keygen_cmd(const Args& args) {
  if (args.positional.size() != 2) return usage_error("gallery", "give keygen KEYFILE");
  if (Status s = gallery_keygen(args.positional[1]); !s) return failure(s.message());
  std::printf("wrote a new gallery key to %s (32 random bytes, mode 0600): keep it secret, back it up; "
              "a gallery cannot be read securely without it\n", args.positional[1].c_str());
  return kExitOk;
}

int gallery_migrate_cmd(const Args& args) {
  if (args.positional.size() != 3) return usage_error("gallery", "give migrate OLD NEW --gallery-key KEYFILE");
  const std::string& from = args.positional[1];
  const std::string& to = args.positional[2];
  GalleryKey key;
  if (Status s = gallery_key_from_flag_or_env(args.value("gallery-key"), &key); !s) return failure(s.message());
  if (!key.loaded) return usage_error("gallery", "migrate needs --gallery-key KEYFILE (the new gallery's key)");
  // The old file: v1 opens as it is (it never had a MAC); a v2 file needs its own key.
  GalleryOpenOptions o;
  o.insecure = true;
  if (!args.value("old-key").empty()) {
    if (Status s = gallery_key_load(args.value("old-key"), &o.key); !s) return failure(s.message());
    o.insecure = false;
  }
  GalleryPtr src;
  if (Status s = gallery_open(from, o, &src); !s) return failure(s.message());
  GalleryMigrateReport r;
  if (Status s = gallery_migrate(*src, to, key, &r); !s) return failure(s.message());
  std::printf("migrated %s -> %s: %zu records signed (format v2), %zu deleted or rejected left out\n", from.c_str(),
              to.c_str(), r.copied, r.skipped);
  if (r.unsafe_names)
    std::fprintf(stderr, "facegate gallery: warning: %zu record%s kept a name that enroll would refuse today\n",
                 r.unsafe_names, r.unsafe_names == 1 ? "" : "s");
  return kExitOk;
}

}  // namespace fg::cli
