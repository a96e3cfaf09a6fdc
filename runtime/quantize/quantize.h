// Post-training int8 quantization: calibrate an f32 model's activation ranges on sample
// inputs, then write the int8 model (docs/quantization.md). Used by tools/quantize
// (fg_quantize), the accuracy tests and the int8 benchmark.
//
//   weights      int8 symmetric per output channel: s = max|w| / 127, q in [-127, 127]
//   bias         int32 in units of s_x * s_w[c]
//   activations  int8 asymmetric from a calibrated range [lo, hi] (widened to hold 0):
//                lo/hi = the (100 - p)th / pth percentile of the values seen, p = 99.999
//                (read off a 4096-bin histogram over [min, max] of activations computed
//                in one summation order on every architecture: the same bytes everywhere)
//   boundary     f32 input -> kQuantize -> int8 graph -> kDequantize -> f32 outputs;
//                a conv / fc writing an output stays f32 (after the kDequantize)
//   fusion       conv + same-shape add are written as one conv with a residual input
//                (runtime/core/residual_fusion.h), so the sum is rounded once
#pragma once
#include <string>
#include <vector>

#include "runtime/core/executor.h"
#include "runtime/core/model_writer.h"

namespace fg {

struct QuantizeOptions {
  float percentile = 99.999f;                 // of the activation values; 100 = min/max
  // Runs the f32 model. Portable bytes need an order of summation that is the same on every
  // architecture: the reference backend, or the native backend restricted to its scalar
  // kernels (FG_MAX_ISA=scalar, what fg_quantize does; 4-5x faster than the reference). Both
  // are built without FMA contraction. The native SIMD kernels sum in ISA-dependent orders.
  Backend calibration_backend = Backend::kReference;
  bool fuse_residuals = true;
  // A conv / fully connected layer that writes a graph output runs in f32 on a dequantized
  // input: the detector decodes its output through exp(), where one int8 step of the
  // output (~0.1) moves a box edge by several pixels; the layer is <2% of the work.
  bool f32_output_layers = true;
};

// Observed range of one tensor (activations only; lo = hi = 0 for the rest).
struct TensorRange {
  float lo = 0.f, hi = 0.f;
};

// One calibration input from an image file, preprocessed as the model's net expects:
// recognition = an RGB face chip (preprocess_face_for_recognition), landmark68 = a face
// crop (landmark_input_spec), detector = a whole photo (tiny_detector_input_spec).
[[nodiscard]] Status calibration_input_from_image(const Model& f32_model, const std::string& path,
                                                  std::vector<float>* out);

// Runs the f32 model on every input (each = the input tensor's elements) and returns, per
// tensor, the percentile range of its values over all inputs.
[[nodiscard]] Status calibrate_ranges(const Model& f32_model, const std::vector<std::vector<float>>& inputs,
                                      const QuantizeOptions& options, std::vector<TensorRange>* ranges);

// Writes the int8 twin of `f32_model` into `out` (validate by loading the serialized bytes).
[[nodiscard]] Status quantize_model(const Model& f32_model, const std::vector<TensorRange>& ranges,
                                    const QuantizeOptions& options, ModelBuilder* out);

// Convenience: calibrate on `inputs`, quantize, and load the result into `int8_model`.
[[nodiscard]] Status quantize_model_in_memory(const Model& f32_model,
                                              const std::vector<std::vector<float>>& inputs,
                                              const QuantizeOptions& options, Model* int8_model);

}  // namespace fg
