/* insnclass: a small QEMU TCG plugin (API v1, QEMU 7.2 linux-user) that counts executed
 * AArch64 guest instructions by class, decoded from the 32-bit instruction word.
 * One inline 64-bit add per executed translation block (TB); per-class totals are
 * (static per-TB class counts) x (TB executions), summed at exit.
 * Region: the guest marks a measured region with getpid() (aarch64 syscall 172) whose
 * first argument is 0xFACE0001 (start) / 0xFACE0002 (stop); getpid ignores arguments.
 * Args: out=<file> writes per-TB region counts (vaddr, insns, execs, class counts).
 * Written for facegate's ARM cost estimate; not derived from QEMU's contrib plugins. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "qemu_plugin_api.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

enum { C_DOT, C_MLAL, C_FMLA, C_WIDEN, C_VEC, C_FPSC, C_LDV, C_LDG, C_INT, C_BR, C_N };
static const char *kName[C_N] = {"sdot/udot/mmla", "smlal/smull(long)", "fmla/fmls", "widen(sadalp/saddw/sxtl)",
                                  "simd_vec_other", "fp/simd_scalar", "ldst_simd", "ldst_gpr", "int_alu",
                                  "branch/sys"};
typedef struct Block {
  uint64_t exec, base, region; /* exec: inline counter */
  uint64_t vaddr;
  uint32_t n, cls[C_N];
  uint32_t mac_i, mac_f; /* multiply lanes per execution (int, float) */
} Block;
static Block **blocks;
static size_t nblocks, capb;
static int nregions;
static const char *out_path;

/* lanes of a vector multiply(-accumulate): q = bit 30, size = bits 23:22 */
static int classify(uint32_t w, uint32_t *mi, uint32_t *mf) {
  uint32_t op0 = (w >> 25) & 0xF, q = (w >> 30) & 1, size = (w >> 22) & 3;
  *mi = *mf = 0;
  if ((op0 & 0x5) == 0x4) return ((w >> 26) & 1) ? C_LDV : C_LDG; /* x1x0 loads/stores, bit 26 = V */
  if ((op0 & 0xE) == 0x8) return C_INT;                             /* 100x data-processing immediate */
  if ((op0 & 0xE) == 0xA) return C_BR;                              /* 101x branches, exceptions, system */
  if ((op0 & 0x7) == 0x5) return C_INT;                             /* x101 data-processing register */
  if ((op0 & 0x7) == 0x7) {                                         /* x111 SIMD & FP */
    if ((w >> 28) & 1) return C_FPSC;                               /* scalar FP, AdvSIMD scalar, FP<->int */
    /* dot products: SDOT/UDOT/USDOT vector, by element; SMMLA/UMMLA/USMMLA */
    if ((w & 0x9FE0FC00) == 0x0E809400 || (w & 0xBFE0FC00) == 0x0E809C00 ||
        (w & 0x9FC0F400) == 0x0F80E000 || (w & 0xBF40F400) == 0x0F00F000) {
      *mi = q ? 16 : 8;
      return C_DOT;
    }
    if ((w & 0xDFE0F400) == 0x4E80A400) { *mi = 32; return C_DOT; }
    /* long multiply(-accumulate): SMLAL/UMLAL, SMLSL, SMULL/UMULL (vector and by element) */
    if ((w & 0x9F20FC00) == 0x0E208000 || (w & 0x9F20FC00) == 0x0E20A000 || (w & 0x9F20FC00) == 0x0E20C000 ||
        (w & 0x9F00F400) == 0x0F002000 || (w & 0x9F00F400) == 0x0F006000 || (w & 0x9F00F400) == 0x0F00A000) {
      *mi = size == 0 ? 8 : size == 1 ? 4 : 2;
      return C_MLAL;
    }
    /* FMLA/FMLS vector and by element */
    if ((w & 0xBF20FC00) == 0x0E20CC00 || (w & 0xBF80B400) == 0x0F801000) {
      int dbl = (w >> 22) & 1;
      *mf = dbl ? 2 : (q ? 4 : 2);
      return C_FMLA;
    }
    /* widening helpers: SADALP/UADALP, SADDW/UADDW, SADDL/UADDL, SSHLL/USHLL (SXTL/UXTL) */
    if ((w & 0x9F3FFC00) == 0x0E206800 || (w & 0x9F20FC00) == 0x0E201000 || (w & 0x9F20FC00) == 0x0E200000 ||
        ((w & 0x9F80FC00) == 0x0F00A400 && ((w >> 19) & 0xF) != 0))
      return C_WIDEN;
    return C_VEC;
  }
  return C_INT; /* reserved / SVE: none expected */
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
  (void)id;
  Block *b = calloc(1, sizeof(Block));
  b->vaddr = qemu_plugin_tb_vaddr(tb);
  b->n = (uint32_t)qemu_plugin_tb_n_insns(tb);
  for (size_t i = 0; i < b->n; ++i) {
    const struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
    uint32_t w = 0, mi, mf;
    if (qemu_plugin_insn_size(insn) == 4) memcpy(&w, qemu_plugin_insn_data(insn), 4);
    b->cls[classify(w, &mi, &mf)]++;
    b->mac_i += mi;
    b->mac_f += mf;
  }
  if (nblocks == capb) {
    capb = capb ? 2 * capb : 65536;
    blocks = realloc(blocks, capb * sizeof(*blocks));
  }
  blocks[nblocks++] = b;
  qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &b->exec, 1);
}

static void on_syscall(qemu_plugin_id_t id, unsigned int vcpu, int64_t num, uint64_t a1, uint64_t a2,
                       uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6, uint64_t a7, uint64_t a8) {
  (void)id; (void)vcpu; (void)a2; (void)a3; (void)a4; (void)a5; (void)a6; (void)a7; (void)a8;
  if (num != 172) return;
  if (a1 == 0xFACE0001u) {
    for (size_t i = 0; i < nblocks; ++i) blocks[i]->base = blocks[i]->exec;
  } else if (a1 == 0xFACE0002u) {
    for (size_t i = 0; i < nblocks; ++i) blocks[i]->region += blocks[i]->exec - blocks[i]->base;
    nregions++;
  }
}

static int cmp_vaddr(const void *a, const void *b) {
  const Block *x = *(Block *const *)a, *y = *(Block *const *)b;
  return x->vaddr < y->vaddr ? -1 : x->vaddr > y->vaddr;
}

static void at_exit(qemu_plugin_id_t id, void *u) {
  (void)id; (void)u;
  uint64_t all[C_N] = {0}, reg[C_N] = {0}, all_t = 0, reg_t = 0, rmi = 0, rmf = 0;
  for (size_t i = 0; i < nblocks; ++i) {
    Block *b = blocks[i];
    for (int c = 0; c < C_N; ++c) {
      all[c] += b->exec * b->cls[c];
      reg[c] += b->region * b->cls[c];
    }
    all_t += b->exec * b->n;
    reg_t += b->region * b->n;
    rmi += b->region * b->mac_i;
    rmf += b->region * b->mac_f;
  }
  char line[256];
  snprintf(line, sizeof line, "insnclass: regions %d  total_insns %llu  region_insns %llu\n", nregions,
           (unsigned long long)all_t, (unsigned long long)reg_t);
  qemu_plugin_outs(line);
  for (int c = 0; c < C_N; ++c) {
    snprintf(line, sizeof line, "insnclass: %-26s total %14llu  region %14llu\n", kName[c],
             (unsigned long long)all[c], (unsigned long long)reg[c]);
    qemu_plugin_outs(line);
  }
  snprintf(line, sizeof line, "insnclass: region_mul_lanes int %llu f32 %llu\n", (unsigned long long)rmi,
           (unsigned long long)rmf);
  qemu_plugin_outs(line);
  if (out_path) {
    FILE *f = fopen(out_path, "w");
    if (f) {
      qsort(blocks, nblocks, sizeof(*blocks), cmp_vaddr);
      fprintf(f, "# vaddr n region_execs total_execs mac_i mac_f");
      for (int c = 0; c < C_N; ++c) fprintf(f, " c%d", c);
      fprintf(f, "\n");
      for (size_t i = 0; i < nblocks; ++i) {
        Block *b = blocks[i];
        if (!b->region && !b->exec) continue;
        fprintf(f, "%llx %u %llu %llu %u %u", (unsigned long long)b->vaddr, b->n, (unsigned long long)b->region,
                (unsigned long long)b->exec, b->mac_i, b->mac_f);
        for (int c = 0; c < C_N; ++c) fprintf(f, " %u", b->cls[c]);
        fprintf(f, "\n");
      }
      fclose(f);
    }
  }
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv) {
  if (strcmp(info->target_name, "aarch64") != 0) return 1;
  for (int i = 0; i < argc; ++i)
    if (strncmp(argv[i], "out=", 4) == 0) out_path = argv[i] + 4;
  qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
  qemu_plugin_register_vcpu_syscall_cb(id, on_syscall);
  qemu_plugin_register_atexit_cb(id, at_exit, NULL);
  return 0;
}
