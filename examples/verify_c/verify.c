/* verify A.jpg B.jpg with the C API: cc verify.c $(pkg-config --cflags --libs facegate) */
#include <stdio.h>

#include <facegate/facegate.h>

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: verify A.jpg B.jpg\n");
    return 2;
  }
  fg_pipeline* p = NULL;
  float d = 0;
  int same = 0;
  fg_status s = fg_pipeline_open(NULL, &p);
  if (s == FG_OK) s = fg_pipeline_verify_files(p, argv[1], argv[2], FG_DEFAULT_TAU, &d, &same);
  fg_pipeline_close(p);
  if (s != FG_OK) {
    fprintf(stderr, "verify: %s: %s\n", fg_status_name(s), fg_last_error());
    return 3;
  }
  printf("distance_sq %.6f same %d (facegate %s)\n", d, same, fg_version());
  return same ? 0 : 1;
}
