// Graph validation: after every record of a model file has been range-checked on its own,
// this checks the records against each other — op order (each activation written once,
// before it is read), tensor roles, dtypes, and that every op's output shape is exactly
// what its inputs, kernel, stride and padding produce. After it passes, the executor can
// run the graph without a single check of its own.
#pragma once
#include "runtime/core/model.h"

namespace fg {

[[nodiscard]] Status model_validate_graph(const Model& m);

// Output extent of a conv/pool window along one axis; 0 when the window does not fit.
inline int window_output_size(int in, int kernel, int stride, int pad_before, int pad_after) {
  const int span = in + pad_before + pad_after - kernel;
  return span < 0 ? 0 : span / stride + 1;
}

}  // namespace fg
