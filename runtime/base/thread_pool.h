// The thread pool a Net owns when NetOptions::threads != 1: one libpthreadpool pool serves
// both our kernels (ThreadPool::parallel_ranges) and XNNPACK (ThreadPool::handle(), passed
// to every xnn_setup_* and xnn_run_operator of the net).
//
// Threads are created once, at net_prepare; a run only hands out work (no thread creation,
// no allocation). The calling thread works too, so `threads` counts it: 2 = the caller plus
// one worker. Without libpthreadpool at build time (FG_HAVE_PTHREADPOOL unset) every pool
// is single-threaded and the work runs inline on the caller: NetOptions::threads then has
// no effect (documented there).
#pragma once
#include <cstddef>
#include <memory>

struct pthreadpool;  // libpthreadpool's opaque pool (pthreadpool_t is pthreadpool*)

namespace fg {

class ThreadPool {
 public:
  // threads >= 1 (the caller resolves 0 = all cores with thread_pool_resolve_threads).
  // Returns nullptr when that means one thread (or no pool could be made): callers then
  // run everything inline, exactly as without a pool.
  static std::unique_ptr<ThreadPool> create(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int threads() const { return threads_; }
  pthreadpool* handle() const { return pool_; }

  // Calls fn(context, begin, end) on disjoint ranges covering [0, n), `grain` items at a
  // time (the last range may be shorter), spread over the threads; returns when all are
  // done. Each call runs on one thread, so per-call stack scratch is private.
  using RangeFn = void (*)(void* context, size_t begin, size_t end);
  void parallel_ranges(RangeFn fn, void* context, size_t n, size_t grain);

 private:
  ThreadPool(pthreadpool* pool, int threads) : pool_(pool), threads_(threads) {}
  pthreadpool* pool_;
  int threads_;
};

// A grain for parallel_ranges: about four ranges per thread, so a thread slowed by another
// process leaves work for the others to steal, without calls so small they cost more than
// they compute.
inline size_t parallel_grain(size_t n, int threads) {
  const size_t pieces = static_cast<size_t>(threads > 1 ? threads : 1) * 4;
  return n <= pieces ? 1 : (n + pieces - 1) / pieces;
}

// 0 -> the number of hardware threads (at least 1); anything else unchanged.
int thread_pool_resolve_threads(int threads);
// False when this build has no libpthreadpool (every pool is then single-threaded).
bool thread_pool_available();

// The same contract for a pool that may be null (single thread): fn runs inline on [0, n).
inline void parallel_ranges(ThreadPool* pool, ThreadPool::RangeFn fn, void* context, size_t n, size_t grain) {
  if (pool) {
    pool->parallel_ranges(fn, context, n, grain);
  } else if (n > 0) {
    fn(context, 0, n);
  }
}

}  // namespace fg
