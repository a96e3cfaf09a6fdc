// facegate: the command-line front end. One subcommand per file (cmd_*.cc).
#include <cstdio>
#include <cstring>

#include "tools/cli/cli.h"
#include "tools/door/door_version.h"

namespace {

struct Command {
  const char* name;
  int (*run)(int argc, char** argv);
  const char* summary;
};

const Command kCommands[] = {
    {"embed", fg::cli::cmd_embed, "photo(s) -> one 128-D descriptor per face (--crop: image is the face)"},
    {"compare", fg::cli::cmd_compare, "two face crops -> squared L2 distance and verdict"},
    {"detect", fg::cli::cmd_detect, "whole photo -> face boxes, scores, 68 landmarks"},
    {"verify", fg::cli::cmd_verify, "two photos -> 1:1 verdict on the largest face of each"},
    {"eval", fg::cli::cmd_eval, "eval lfw DIR: LFW pairs.txt 10-fold accuracy, ROC, TAR@FAR; eval pad DIR: liveness APCER/BPCER"},
    {"enroll", fg::cli::cmd_enroll, "add a person to a gallery file from one or more photos"},
    {"identify", fg::cli::cmd_identify, "photos -> nearest enrolled person each, or not recognized (1:K)"},
    {"gallery", fg::cli::cmd_gallery, "gallery list|info|remove|compact GALLERY; keygen KEYFILE; migrate OLD NEW"},
    {"train-head", fg::cli::cmd_train_head, "train-head binary|triplet LFW_DIR --out FILE: learned similarity head"},
    {"verify-head", fg::cli::cmd_verify_head, "verify-head HEAD PHOTO1 PHOTO2: 1:1 verdict through a trained head"},
    {"audit", fg::cli::cmd_audit, "audit verify FILE...: check the hash chain of facegate-door's audit log"},
};

int print_help(FILE* out) {
  std::fprintf(out, "usage: facegate COMMAND [options]   (facegate COMMAND --help for details)\n\ncommands:\n");
  for (const Command& c : kCommands) std::fprintf(out, "  %-10s %s\n", c.name, c.summary);
  std::fprintf(out,
               "\nexit codes: 0 ok / same person, 1 different / not recognized / audit chain broken,\n"
               "            2 usage error (flags, arguments, option values), 3 bad input (image,\n"
               "            model, gallery, file), 4 gallery busy (another writer, after --wait),\n"
               "            5 facegate-door only: audit log failure (nothing opened),\n"
               "            6 enroll --live: the name is already enrolled (--add)\n"
               "option values: finite numbers in the documented range (--tau 0..100).\n"
               "syntax: --name value or --name=value; -- ends the options (then names starting\n"
               "        with -- are files). facegate --version: version, git, the ISA picked.\n"
               "environment: FG_MODEL_DIR   model directory when --models is absent (else next to\n"
               "                            the binary: ../models, ../share/facegate/models)\n"
               "             FG_GALLERY_KEY gallery key file when --gallery-key is absent\n"
               "             FG_MAX_ISA     cap the kernels' ISA (scalar, sse41, avx2, avx512,\n"
               "                            avx512vnni, neon, neondot), for debugging\n"
               "             FG_PROGRESS_AFTER_S  seconds before a progress line shows on a\n"
               "                            terminal (default 1)\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    print_help(stderr);
    return fg::cli::kExitUsage;
  }
  if (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help"))
    return print_help(stdout);
  if (!std::strcmp(argv[1], "--version")) {
    std::printf("%s\n", fg::door::version_line("facegate").c_str());
    return 0;
  }
  // `eval identify` (cmd_eval_identify.cc): the 1:K protocol; other datasets go to cmd_eval.
  if (argc > 2 && !std::strcmp(argv[1], "eval") && !std::strcmp(argv[2], "identify"))
    return fg::cli::cmd_eval_identify(argc, argv);
  if (argc > 2 && !std::strcmp(argv[1], "eval") && !std::strcmp(argv[2], "pad")) return fg::cli::cmd_eval_pad(argc, argv);
  if (argc > 2 && !std::strcmp(argv[1], "eval") && !std::strcmp(argv[2], "tau")) return fg::cli::cmd_eval_tau(argc, argv);
  if (argc > 2 && !std::strcmp(argv[1], "eval") && !std::strcmp(argv[2], "door")) return fg::cli::cmd_eval_door(argc, argv);
  for (const Command& c : kCommands)
    if (!std::strcmp(argv[1], c.name)) return c.run(argc, argv);
  std::fprintf(stderr, "facegate: unknown command '%s'\n", argv[1]);
  print_help(stderr);
  return fg::cli::kExitUsage;
}
