# The layer rule, enforced by the build: a file may include headers of its own layer and of
# the layers below it, nothing else.
#
#   base -> kernels -> core (+ backends) -> vision -> {gallery, quantize, eval, api} -> door, tools
#   (gallery needs only base + kernels; eval and api (runtime/api, the public API of
#   include/facegate/) need vision + gallery; door never sees eval)
#
# Every layer is one library target. Its include root is a directory of the build tree,
# <build>/layers/<target>/, holding symlinks to exactly that layer's source folders
# (e.g. <build>/layers/fg_core/runtime/core -> <src>/runtime/core), never the source root.
# Include strings stay full paths from the source root ("runtime/core/model.h"), and a
# target sees a header only if it links, directly or through PUBLIC dependencies, the layer
# that owns it. So `#include "runtime/vision/image.h"` in runtime/core/ fails to compile
# ("No such file or directory") instead of quietly adding a back-edge.

# fg_layer_root(<target> <folder>...): expose <folder>s (relative to the source root) as the
# PUBLIC include root of <target>.
function(fg_layer_root target)
  set(root ${PROJECT_BINARY_DIR}/layers/${target})
  foreach(folder IN LISTS ARGN)
    get_filename_component(parent ${root}/${folder} DIRECTORY)
    file(MAKE_DIRECTORY ${parent})
    if(NOT EXISTS ${root}/${folder})
      file(CREATE_LINK ${PROJECT_SOURCE_DIR}/${folder} ${root}/${folder} SYMBOLIC)
    endif()
  endforeach()
  target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${root}>)
endfunction()

# fg_layer_sources(<var> <folder>...): the .cc files directly in <folder>s.
function(fg_layer_sources var)
  set(out)
  foreach(folder IN LISTS ARGN)
    file(GLOB found CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/${folder}/*.cc)
    list(APPEND out ${found})
  endforeach()
  set(${var} ${out} PARENT_SCOPE)
endfunction()
