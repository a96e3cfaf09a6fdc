// facegate: the command-line front end. One subcommand per file (cmd_*.cc).
#include <cstdio>
#include <cstring>

#include "tools/cli/cli.h"

namespace {

struct Command {
  const char* name;
  int (*run)(int argc, char** argv);
  const char* summary;
};

const Command kCommands[] = {
    {"embed", fg::cli::cmd_embed, "face crop(s) -> 128-D descriptor(s)"},
    {"compare", fg::cli::cmd_compare, "two face crops -> squared L2 distance and verdict"},
};

int print_help(FILE* out) {
  std::fprintf(out, "usage: facegate COMMAND [options]   (facegate COMMAND --help for details)\n\ncommands:\n");
  for (const Command& c : kCommands) std::fprintf(out, "  %-10s %s\n", c.name, c.summary);
  std::fprintf(out,
               "\nexit codes: 0 ok / same person, 1 different / not recognized, 2 usage error,\n"
               "            3 bad input (image, model, gallery)\n");
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
  for (const Command& c : kCommands)
    if (!std::strcmp(argv[1], c.name)) return c.run(argc, argv);
  std::fprintf(stderr, "facegate: unknown command '%s'\n", argv[1]);
  print_help(stderr);
  return fg::cli::kExitUsage;
}
