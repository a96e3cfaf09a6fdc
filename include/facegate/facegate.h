/* facegate C API: the stable ABI of libfacegate.so.0 (docs/api.md).
 *
 * Conventions
 * - Every fallible function returns an fg_status; FG_OK is 0. On failure fg_last_error()
 *   returns a message naming the file or argument (thread-local: the last failure of the
 *   calling thread; valid until that thread's next facegate call). Out-parameters are left
 *   unchanged on failure unless said otherwise.
 * - No C++ exception crosses this API: the library catches everything at the boundary
 *   (FG_ERR_INTERNAL).
 * - Handles (fg_pipeline, fg_gallery) are opaque; *_open creates one, *_close frees it
 *   (NULL is accepted). All other memory is the caller's: results are written into buffers
 *   the caller passes with their capacity, nothing returned needs freeing.
 * - Extensible option structs start with struct_size: call the *_init function, which sets it
 *   and the defaults; a library of a later minor version reads only the fields a program was
 *   compiled with.
 * - Thread safety is stated per function: [any thread] may be called concurrently from any
 *   threads; [one thread per handle] the handle must not be used by two threads at once
 *   (different handles are independent).
 */
#ifndef FACEGATE_H
#define FACEGATE_H

#include <stddef.h>
#include <stdint.h>

#include "facegate/export.h"
#include "facegate/version.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum fg_status {
  FG_OK = 0,
  FG_ERR_INVALID_ARGUMENT = 1, /* NULL / empty argument, wrong size, option out of range */
  FG_ERR_BAD_INPUT = 2,        /* unreadable or invalid image, model or gallery file */
  FG_ERR_NO_FACE = 3,          /* no face found in the image */
  FG_ERR_NOT_FOUND = 4,        /* a gallery name with no live record */
  FG_ERR_BUFFER_TOO_SMALL = 5, /* the caller's buffer is too small; the needed size is reported */
  FG_ERR_INTERNAL = 6          /* out of memory or an unexpected failure */
} fg_status;

#define FG_EMBEDDING_DIM 128
#define FG_LANDMARK_COUNT 68
#define FG_MAX_NAME_BYTES 64 /* a gallery person's name, UTF-8, without the NUL */
#define FG_DEFAULT_TAU 0.38f /* verify's squared-L2 threshold (LFW); 1:K galleries want lower */

typedef enum fg_backend { FG_BACKEND_REFERENCE = 0, FG_BACKEND_NATIVE = 1, FG_BACKEND_XNNPACK = 2 } fg_backend;
typedef enum fg_precision { FG_PRECISION_F32 = 0, FG_PRECISION_INT8 = 1 } fg_precision;
/* What the encoder sees of a detected face: the aligned chip (dlib-style, default) or
   face-api's axis-aligned crop. */
/* Which nets fg_pipeline_open loads (a call needing another fails with FG_ERR_INVALID_ARGUMENT). */
typedef enum fg_nets {
  FG_NETS_ALL = 0,         /* detector + landmarks + encoder */
  FG_NETS_DETECTION = 1,   /* detector + landmarks: detect, landmarks */
  FG_NETS_RECOGNITION = 2  /* encoder only: fg_pipeline_embed_crop, fg_pipeline_model_id */
} fg_nets;
typedef enum fg_descriptor { FG_DESCRIPTOR_ALIGN = 0, FG_DESCRIPTOR_CROP = 1 } fg_descriptor;

typedef struct fg_pipeline fg_pipeline;
typedef struct fg_gallery fg_gallery;

typedef struct fg_box {
  float x, y, width, height; /* pixels, top-left origin */
  float score;               /* detector confidence */
} fg_box;

typedef struct fg_point {
  float x, y;
} fg_point;

/* An 8-bit RGB image the caller owns: interleaved R,G,B, rows `stride` bytes apart (0: width*3). */
typedef struct fg_image {
  const uint8_t* rgb;
  int width, height;
  size_t stride;
} fg_image;

typedef struct fg_match {
  char name[FG_MAX_NAME_BYTES + 1]; /* NUL-terminated */
  float distance;                   /* squared L2 to the person's mean embedding */
  size_t records;                   /* live records of the person */
  int accepted;                     /* distance <= tau */
} fg_match;

typedef struct fg_pipeline_options {
  size_t struct_size;    /* sizeof(fg_pipeline_options), set by fg_pipeline_options_init */
  const char* model_dir; /* NULL: $FG_MODEL_DIR, else <prefix>/share/facegate/models */
  int backend;           /* an fg_backend: FG_BACKEND_NATIVE (int, not the enum: any value a
                            caller stores is well defined, and refused if unknown) */
  int precision;         /* an fg_precision: FG_PRECISION_F32 */
  int threads;           /* 1; threads inside each net, 0 = all cores */
  int detector_input_size; /* 416 */
  float score_threshold;   /* 0.5 */
  /* Added in 0.2 (struct_size versioning: older callers' smaller struct gets the defaults). */
  int descriptor;          /* an fg_descriptor: FG_DESCRIPTOR_ALIGN */
  int chip_template;       /* 5; or 68: the aligned chip is fitted to 5 or 68 landmarks */
  float chip_padding;      /* 0.25: the aligned chip's margin, 0..2 */
  int flip;                /* 0; 1: embedding = mean of the face's and its mirror's */
  int nets;                /* an fg_nets: FG_NETS_ALL */
} fg_pipeline_options;

typedef struct fg_gallery_options {
  size_t struct_size;    /* sizeof(fg_gallery_options), set by fg_gallery_options_init */
  int create_if_missing; /* 1 */
  int read_only;         /* 0 */
  /* The gallery key file (format v2 record MACs); NULL: $FG_GALLERY_KEY, else none. Added in
     0.x with struct_size versioning: older callers' smaller struct leaves it NULL. */
  const char* key_path;  /* NULL */
  int insecure;          /* 0: refuse a gallery that cannot be authenticated */
} fg_gallery_options;

/* ---- library ---- */

/* "0.1.0": the library's version at run time. [any thread] */
FACEGATE_API const char* fg_version(void);
/* The calling thread's last error message ("" when none). [any thread] */
FACEGATE_API const char* fg_last_error(void);
/* "FG_ERR_BAD_INPUT" etc.; "FG_ERR_UNKNOWN" for any other number. [any thread] */
FACEGATE_API const char* fg_status_name(int status);

/* Decodes an image file to RGB into rgb[capacity]. *width / *height are always set when the
 * file is readable, so FG_ERR_BUFFER_TOO_SMALL tells the size to allocate (width*height*3).
 * [any thread] */
FACEGATE_API fg_status fg_image_load(const char* path, uint8_t* rgb, size_t capacity, int* width, int* height);

/* ||a - b||^2 over dim floats into *distance. [any thread] */
FACEGATE_API fg_status fg_distance(const float* a, const float* b, size_t dim, float* distance);

/* ---- pipeline: detector + landmarks + encoder ---- */

FACEGATE_API void fg_pipeline_options_init(fg_pipeline_options* options); /* [any thread] */
/* options NULL: the defaults. [any thread] */
FACEGATE_API fg_status fg_pipeline_open(const fg_pipeline_options* options, fg_pipeline** out);
FACEGATE_API void fg_pipeline_close(fg_pipeline* pipeline); /* [one thread per handle] */

/* Every function below: [one thread per handle]. */

/* Boxes, highest score first: min(found, capacity) are written, *count = found. */
FACEGATE_API fg_status fg_pipeline_detect(fg_pipeline* p, const fg_image* image, fg_box* boxes, size_t capacity,
                                          size_t* count);
FACEGATE_API fg_status fg_pipeline_detect_file(fg_pipeline* p, const char* path, fg_box* boxes, size_t capacity,
                                               size_t* count);
/* The 68 points of the face in *box; capacity >= FG_LANDMARK_COUNT. */
FACEGATE_API fg_status fg_pipeline_landmarks(fg_pipeline* p, const fg_image* image, const fg_box* box,
                                             fg_point* points, size_t capacity);
/* The embedding of the face in *box; dim == FG_EMBEDDING_DIM. */
FACEGATE_API fg_status fg_pipeline_embed_box(fg_pipeline* p, const fg_image* image, const fg_box* box,
                                             float* embedding, size_t dim);
/* The largest face's embedding (FG_ERR_NO_FACE when none); face (may be NULL) gets its box. */
FACEGATE_API fg_status fg_pipeline_embed(fg_pipeline* p, const fg_image* image, float* embedding, size_t dim,
                                         fg_box* face);
FACEGATE_API fg_status fg_pipeline_embed_file(fg_pipeline* p, const char* path, float* embedding, size_t dim,
                                              fg_box* face);
/* The embedding of an image that already is the face crop (no detection). Added in 0.2. */
FACEGATE_API fg_status fg_pipeline_embed_crop(fg_pipeline* p, const fg_image* image, float* embedding, size_t dim);
/* 1:1 on the largest face of each file: *distance = ||f(a) - f(b)||^2, *same = distance <= tau. */
FACEGATE_API fg_status fg_pipeline_verify_files(fg_pipeline* p, const char* path_a, const char* path_b, float tau,
                                                float* distance, int* same);
/* The recognition model's id (what a gallery stores) into buf[capacity], NUL-terminated. */
FACEGATE_API fg_status fg_pipeline_model_id(const fg_pipeline* p, char* buf, size_t capacity);

/* ---- gallery: enrolled people, one crash-safe file ---- */

FACEGATE_API void fg_gallery_options_init(fg_gallery_options* options); /* [any thread] */
/* model_id: fg_pipeline_model_id() of the encoder (NULL or "": no check, no creation).
 * options NULL: the defaults. [any thread] */
FACEGATE_API fg_status fg_gallery_open(const char* path, const char* model_id, const fg_gallery_options* options,
                                       fg_gallery** out);
/* Every function below: [any thread] (the handle locks; closing must come last). */
FACEGATE_API void fg_gallery_close(fg_gallery* g);
/* Adds one record to person `name`; durable when it returns. record_id may be NULL. */
FACEGATE_API fg_status fg_gallery_enroll(fg_gallery* g, const char* name, const float* embedding, size_t dim,
                                         uint64_t* record_id);
/* Marks every record of `name` deleted (FG_ERR_NOT_FOUND if none). removed may be NULL. */
FACEGATE_API fg_status fg_gallery_remove(fg_gallery* g, const char* name, size_t* removed);
/* The nearest persons, nearest first: min(k, persons) written to matches[k], *count of them. */
FACEGATE_API fg_status fg_gallery_identify(const fg_gallery* g, const float* query, size_t dim, float tau,
                                           fg_match* matches, size_t k, size_t* count);
/* Persons and live records (either may be NULL). */
FACEGATE_API fg_status fg_gallery_count(const fg_gallery* g, size_t* persons, size_t* records);

#ifdef __cplusplus
}
#endif

#endif
