#include "runtime/base/thread_pool.h"

#include <thread>

#ifdef FG_HAVE_PTHREADPOOL
#include <pthreadpool.h>
#endif

namespace fg {

#ifdef FG_HAVE_PTHREADPOOL

namespace {

struct RangeTask {
  ThreadPool::RangeFn fn;
  void* context;
};

// pthreadpool hands out (start, count) tiles; we pass [begin, end).
void run_range(void* task, size_t start, size_t count) {
  const RangeTask& t = *static_cast<const RangeTask*>(task);
  t.fn(t.context, start, start + count);
}

}  // namespace

std::unique_ptr<ThreadPool> ThreadPool::create(int threads) {
  if (threads <= 1) return nullptr;
  pthreadpool_t pool = pthreadpool_create(static_cast<size_t>(threads));
  if (!pool) return nullptr;
  return std::unique_ptr<ThreadPool>(
      new ThreadPool(pool, static_cast<int>(pthreadpool_get_threads_count(pool))));
}

ThreadPool::~ThreadPool() { pthreadpool_destroy(pool_); }

void ThreadPool::parallel_ranges(RangeFn fn, void* context, size_t n, size_t grain) {
  if (n == 0) return;
  RangeTask task{fn, context};
  pthreadpool_parallelize_1d_tile_1d(pool_, run_range, &task, n, grain > 0 ? grain : 1, 0);
}

bool thread_pool_available() { return true; }

#else  // no libpthreadpool: one thread, work inline

std::unique_ptr<ThreadPool> ThreadPool::create(int) { return nullptr; }
ThreadPool::~ThreadPool() = default;
void ThreadPool::parallel_ranges(RangeFn fn, void* context, size_t n, size_t) {
  if (n > 0) fn(context, 0, n);
}
bool thread_pool_available() { return false; }

#endif

int thread_pool_resolve_threads(int threads) {
  if (threads != 0) return threads;
  const unsigned hw = std::thread::hardware_concurrency();
  return hw > 0 ? static_cast<int>(hw) : 1;
}

}  // namespace fg
