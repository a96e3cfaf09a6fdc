// facegate-door --enroll-live NAME: the door binary's wiring of enroll_live.h.
#include <cstdio>
#include <memory>

#include "tools/door/door_config.h"
#include "tools/door/door_gallery.h"
#include "tools/door/enroll_live.h"

namespace fg::door {

int enroll_live_door(const DoorConfig& cfg, const volatile std::sig_atomic_t* stop) {
  auto fail = [](const Status& s, int code) {
    std::fprintf(stderr, "facegate-door: %s\n", s.message().c_str());
    return code;
  };
  EnrollLiveOptions o;
  o.gallery = cfg.gallery;
  o.name = cfg.enroll_live;
  o.frames = cfg.enroll_frames;
  o.add = cfg.enroll_add;
  o.tau = cfg.policy.tau;
  o.progress = true;  // stderr: --quiet keeps stdout quiet, the progress is what the person watches
  if (Status s = door_gallery_access(cfg, &o.access); !s) return fail(s, 3);
  auto pipe = std::make_unique<FacePipeline>();
  if (Status s = face_pipeline_open(door_model_dir(cfg), cfg.pipeline, pipe.get()); !s) return fail(s, 3);
  o.model_id = door_encoder_model_id(*pipe);
  std::unique_ptr<FrameSource> src;
  if (Status s = frame_source_open(cfg.source, stop, &src); !s) return fail(s, 3);
  EnrollLiveResult r;
  if (Status s = enroll_live_run(*pipe, *src, stop, o, &r); !s) return fail(s, r.exit_code ? r.exit_code : 3);
  if (r.created) std::printf("created gallery %s (encoder %s)\n", o.gallery.c_str(), o.model_id.c_str());
  std::printf("enrolled %s: %d records (%llu..%llu) from %lld frames of %s\n", o.name.c_str(), r.kept,
              (unsigned long long)r.record_ids.front(), (unsigned long long)r.record_ids.back(),
              (long long)r.frames_seen, src->describe().c_str());
  return 0;
}

}  // namespace fg::door
