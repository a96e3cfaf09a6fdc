// The one shape of every kernel family's variant list (conv, dwconv, pool, eltwise,
// quantize, distance, resize):
//
//   VariantList<FooVariant> foo_variants();   // every variant built for this architecture,
//                                             // best first, the scalar twin last
//   const FooVariant& foo_pick();             // the first one this CPU (and FG_MAX_ISA) allows
//
// Dispatch, tests and benchmarks all iterate the same list, so a variant added to it is
// tested against its scalar twin and benchmarked without touching either.
#pragma once
#include <cstddef>

#include "runtime/base/cpu_features.h"

namespace fg {

// A read-only view of a static array of variants (C++17 has no std::span).
template <typename V>
class VariantList {
 public:
  template <size_t N>
  constexpr VariantList(const V (&list)[N]) : first_(list), size_(N) {}  // NOLINT: implicit
  constexpr VariantList(const V* first, size_t size) : first_(first), size_(size) {}

  constexpr const V* begin() const { return first_; }
  constexpr const V* end() const { return first_ + size_; }
  constexpr size_t size() const { return size_; }
  constexpr const V& operator[](size_t i) const { return first_[i]; }

 private:
  const V* first_;
  size_t size_;
};

// The first variant (best first) this CPU may run; the last entry (scalar, always runnable)
// otherwise. V needs a member `Isa isa`.
template <typename V>
const V& pick_variant(VariantList<V> list) {
  for (const V& v : list)
    if (cpu_has_isa(v.isa)) return v;
  return list[list.size() - 1];
}
template <typename V, size_t N>
const V& pick_variant(const V (&list)[N]) {
  return pick_variant(VariantList<V>(list));
}

}  // namespace fg
