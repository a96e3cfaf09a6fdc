// facegate enroll --live SOURCE GALLERY NAME: enrolment from a camera or a Y4M stream, the
// same code as facegate-door --enroll-live (tools/door/enroll_live.h; the CLI links fg_door).
// The CLI's pipeline defaults apply (f32 models unless --precision int8), as for
// `facegate enroll`: a gallery is tied to the encoder that made it, so enrol with the
// precision the door will run.
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "tools/cli/cli.h"
#include "tools/door/enroll_live.h"
#include "tools/door/frame_source.h"

namespace fg::cli {

int cmd_enroll_live(int argc, char** argv) {
  Args args;
  std::string error;
  std::set<std::string> values = kPipelineValueOptions;
  values.insert({"live", "frames", "gallery-key", "tau"});
  if (!parse_args(argc, argv, 2, values, {"help", "add", "quiet", "insecure-gallery"}, &args, &error))
    return usage_error("enroll", error);
  if (args.has("help")) {
    std::printf(
        "usage: facegate enroll --live SOURCE [--frames N] [--add] [--tau T] [--quiet] [--backend B]\n"
        "                       [--precision f32|int8] [--models DIR] --gallery-key KEYFILE GALLERY NAME\n"
        "Enrols NAME from N good frames (5; 1..100) of SOURCE (facegate-door's --source: /dev/videoN,\n"
        "FILE.y4m, - for Y4M on stdin, image files): exactly one face, not clipped by the border,\n"
        ">= 80 px, yaw/pitch <= 25 deg, sharp, and the same person in every frame (squared L2 <= --tau,\n"
        "0.30, to the first). Progress on stderr (--quiet: none). The N records are written at once\n"
        "(all or none). The same as facegate-door --enroll-live (docs/door.md).\n"
        "Exit 0 ok, 2 usage, 3 error or the source ended before N good frames (nothing enrolled),\n"
        "4 gallery busy, 6 NAME is already enrolled (--add: add the frames to that person).\n");
    return kExitOk;
  }
  if (args.positional.size() != 2) return usage_error("enroll", "--live SOURCE needs GALLERY NAME");
  door::EnrollLiveOptions o;
  o.gallery = args.positional[0];
  if (Status v = gallery_validate_name(args.positional[1], &o.name); !v) return usage_error("enroll", v.message());
  if (o.name == "unknown") return usage_error("enroll", "'unknown' is reserved (the door's word for strangers)");
  const std::string frames = args.value("frames", "5");
  char* end = nullptr;
  const long n = std::strtol(frames.c_str(), &end, 10);
  if (frames.empty() || *end != '\0' || n < 1 || n > 100) return usage_error("enroll", "--frames must be 1..100");
  o.frames = (int)n;
  o.add = args.has("add");
  o.progress = !args.has("quiet");
  float tau = o.tau;
  if (!parse_tau(args, &tau) || tau > 4) return usage_error("enroll", "--tau must be a number in 0..4");
  o.tau = tau;
  if (int rc = gallery_access_from_args("enroll", args, &o.access)) return rc;
  if (!o.access.key.loaded && !o.access.insecure)
    return usage_error("enroll", "give --gallery-key KEYFILE (facegate gallery keygen KEYFILE makes one), or "
                                 "--insecure-gallery for an unauthenticated format-v1 gallery");
  FacePipelineOptions opt;
  std::string model_dir;
  if (int rc = pipeline_options_from_args("enroll", args, &opt, &model_dir)) return rc;
  auto pipe = std::make_unique<FacePipeline>();
  if (Status s = face_pipeline_open(model_dir, opt, pipe.get()); !s) return failure(s.message());
  o.model_id = encoder_model_id(pipe->encoder.model);
  std::unique_ptr<door::FrameSource> src;
  if (Status s = door::frame_source_open(args.value("live"), nullptr, &src); !s) return failure(s.message());
  door::EnrollLiveResult r;
  if (Status s = door::enroll_live_run(*pipe, *src, nullptr, o, &r); !s) {
    std::fprintf(stderr, "facegate enroll: %s\n", s.message().c_str());
    return r.exit_code ? r.exit_code : kExitFailure;
  }
  if (r.created) std::printf("created gallery %s (model %s)\n", o.gallery.c_str(), o.model_id.c_str());
  std::printf("enrolled %s: %d records (%llu..%llu) from %lld frames of %s\n", o.name.c_str(), r.kept,
              (unsigned long long)r.record_ids.front(), (unsigned long long)r.record_ids.back(),
              (long long)r.frames_seen, src->describe().c_str());
  return kExitOk;
}

}  // namespace fg::cli
