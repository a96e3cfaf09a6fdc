"""facegate: face detection, 128-D embeddings, 1:1 verification and a 1:K gallery.

A ctypes binding of the C API (include/facegate/facegate.h); no build step. libfacegate.so.0
is found in this order: $FACEGATE_LIBRARY (a file path), the prefix this package is installed
in (<prefix>/lib/python3/dist-packages/facegate -> <prefix>/lib[/<triple>]), a build tree
next to the source (build/*/lib), then the system loader. Models are found by the library
itself ($FG_MODEL_DIR or <prefix>/share/facegate/models), or pass model_dir=.

    import facegate
    same, distance = facegate.verify("a.jpg", "b.jpg")

Embeddings are numpy float32 arrays when numpy is installed, else lists of floats.
Errors raise facegate.Error (.status: the fg_status code, str(): the library's message).
A Pipeline is for one thread at a time; a Gallery may be shared by threads.
"""
import ctypes
import glob
import os

__all__ = ["Error", "Pipeline", "Gallery", "verify", "embed", "detect", "version", "DEFAULT_TAU"]

EMBEDDING_DIM = 128
LANDMARK_COUNT = 68
MAX_NAME_BYTES = 64
DEFAULT_TAU = 0.38  # FG_DEFAULT_TAU: verify's squared-L2 threshold

try:
    import numpy as _np
except ImportError:  # numpy is optional: plain lists then
    _np = None


def _candidates():
    env = os.environ.get("FACEGATE_LIBRARY")
    if env:
        yield env
        return
    here = os.path.dirname(os.path.abspath(__file__))
    # Installed: <prefix>/lib/python3/dist-packages/facegate
    prefix = os.path.normpath(os.path.join(here, "..", "..", "..", ".."))
    yield os.path.join(prefix, "lib", "libfacegate.so.0")
    for path in sorted(glob.glob(os.path.join(prefix, "lib", "*", "libfacegate.so.0"))):
        yield path
    # Source tree: python/facegate -> build/<preset>/lib
    src = os.path.normpath(os.path.join(here, "..", ".."))
    for path in sorted(glob.glob(os.path.join(src, "build", "*", "lib", "libfacegate.so.0"))):
        yield path
    yield "libfacegate.so.0"


def _load():
    tried = []
    for path in _candidates():
        if os.path.sep in path and not os.path.exists(path):
            tried.append(path)
            continue
        try:
            return ctypes.CDLL(path)
        except OSError as e:
            tried.append("%s (%s)" % (path, e))
    raise ImportError("facegate: libfacegate.so.0 not found; set FACEGATE_LIBRARY. Tried: " + ", ".join(tried))


class _Box(ctypes.Structure):
    _fields_ = [("x", ctypes.c_float), ("y", ctypes.c_float), ("width", ctypes.c_float),
                ("height", ctypes.c_float), ("score", ctypes.c_float)]


class _Match(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char * (MAX_NAME_BYTES + 1)), ("distance", ctypes.c_float),
                ("records", ctypes.c_size_t), ("accepted", ctypes.c_int)]


class _PipelineOptions(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t), ("model_dir", ctypes.c_char_p), ("backend", ctypes.c_int),
                ("precision", ctypes.c_int), ("threads", ctypes.c_int), ("detector_input_size", ctypes.c_int),
                ("score_threshold", ctypes.c_float), ("descriptor", ctypes.c_int), ("chip_template", ctypes.c_int),
                ("chip_padding", ctypes.c_float), ("flip", ctypes.c_int), ("nets", ctypes.c_int)]


class _GalleryOptions(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t), ("create_if_missing", ctypes.c_int), ("read_only", ctypes.c_int),
                ("key_path", ctypes.c_char_p), ("insecure", ctypes.c_int)]


_lib = _load()
_P = ctypes.c_void_p
_F = ctypes.POINTER(ctypes.c_float)
_SZ = ctypes.c_size_t
_signatures = {
    "fg_version": ([], ctypes.c_char_p),
    "fg_last_error": ([], ctypes.c_char_p),
    "fg_pipeline_options_init": ([ctypes.POINTER(_PipelineOptions)], None),
    "fg_pipeline_open": ([ctypes.POINTER(_PipelineOptions), ctypes.POINTER(_P)], ctypes.c_int),
    "fg_pipeline_close": ([_P], None),
    "fg_pipeline_detect_file": ([_P, ctypes.c_char_p, ctypes.POINTER(_Box), _SZ, ctypes.POINTER(_SZ)], ctypes.c_int),
    "fg_pipeline_embed_file": ([_P, ctypes.c_char_p, _F, _SZ, ctypes.POINTER(_Box)], ctypes.c_int),
    "fg_pipeline_verify_files": ([_P, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_float, _F,
                                  ctypes.POINTER(ctypes.c_int)], ctypes.c_int),
    "fg_pipeline_model_id": ([_P, ctypes.c_char_p, _SZ], ctypes.c_int),
    "fg_distance": ([_F, _F, _SZ, _F], ctypes.c_int),
    "fg_gallery_options_init": ([ctypes.POINTER(_GalleryOptions)], None),
    "fg_gallery_open": ([ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(_GalleryOptions), ctypes.POINTER(_P)],
                        ctypes.c_int),
    "fg_gallery_close": ([_P], None),
    "fg_gallery_enroll": ([_P, ctypes.c_char_p, _F, _SZ, ctypes.POINTER(ctypes.c_uint64)], ctypes.c_int),
    "fg_gallery_remove": ([_P, ctypes.c_char_p, ctypes.POINTER(_SZ)], ctypes.c_int),
    "fg_gallery_identify": ([_P, _F, _SZ, ctypes.c_float, ctypes.POINTER(_Match), _SZ, ctypes.POINTER(_SZ)],
                            ctypes.c_int),
    "fg_gallery_count": ([_P, ctypes.POINTER(_SZ), ctypes.POINTER(_SZ)], ctypes.c_int),
}
for _name, (_args, _res) in _signatures.items():
    _fn = getattr(_lib, _name)
    _fn.argtypes = _args
    _fn.restype = _res


class Error(Exception):
    """A failed facegate call: .status is the fg_status code (2 bad input, 3 no face, ...)."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def _check(status):
    if status != 0:
        raise Error(status, _lib.fg_last_error().decode("utf-8", "replace"))


def _path(p):
    return os.fsencode(p)


def _as_embedding(values):
    if _np is not None:
        return _np.array(values, dtype=_np.float32)
    return list(values)


def _c_embedding(embedding):
    values = [float(v) for v in embedding]
    if len(values) != EMBEDDING_DIM:
        raise ValueError("an embedding has %d floats, got %d" % (EMBEDDING_DIM, len(values)))
    return (ctypes.c_float * EMBEDDING_DIM)(*values)


def version():
    """The library's version string ("0.1.0")."""
    return _lib.fg_version().decode()


class _Handle:
    """An owned C handle in self._h, released by close(), `with` or garbage collection."""

    _close_fn = None  # the C function that releases the handle, named by the subclass

    def close(self):
        if getattr(self, "_h", None):
            getattr(_lib, self._close_fn)(self._h)
            self._h = None

    __del__ = close

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Pipeline(_Handle):
    """Detector + landmarks + encoder. backend: "native" | "xnnpack" | "reference";
    precision: "f32" | "int8"; threads: threads inside each net (0 = all cores); descriptor:
    "align" (aligned chip) | "crop" (face-api's crop); flip: average with the mirror image."""

    _close_fn = "fg_pipeline_close"
    _backends = {"reference": 0, "native": 1, "xnnpack": 2}
    _precisions = {"f32": 0, "int8": 1}
    _descriptors = {"align": 0, "crop": 1}

    def __init__(self, model_dir=None, backend="native", precision="f32", threads=1, descriptor="align", flip=False):
        if backend not in self._backends:
            raise ValueError("backend must be one of " + ", ".join(self._backends))
        if precision not in self._precisions:
            raise ValueError("precision must be f32 or int8")
        if descriptor not in self._descriptors:
            raise ValueError("descriptor must be align or crop")
        opts = _PipelineOptions()
        _lib.fg_pipeline_options_init(ctypes.byref(opts))
        self._model_dir = _path(model_dir) if model_dir else None  # kept alive for the call
        opts.model_dir = self._model_dir
        opts.backend = self._backends[backend]
        opts.precision = self._precisions[precision]
        opts.threads = int(threads)
        opts.descriptor = self._descriptors[descriptor]
        opts.flip = 1 if flip else 0
        self._h = _P()
        _check(_lib.fg_pipeline_open(ctypes.byref(opts), ctypes.byref(self._h)))

    def detect(self, path):
        """Faces in an image file: a list of dicts {x, y, width, height, score}, best first."""
        count = _SZ(0)
        _check(_lib.fg_pipeline_detect_file(self._h, _path(path), None, 0, ctypes.byref(count)))
        boxes = (_Box * max(count.value, 1))()
        _check(_lib.fg_pipeline_detect_file(self._h, _path(path), boxes, count.value, ctypes.byref(count)))
        return [{f: getattr(b, f) for f, _ in _Box._fields_} for b in boxes[:count.value]]

    def embed(self, path):
        """The 128-D embedding of the largest face in an image file."""
        out = (ctypes.c_float * EMBEDDING_DIM)()
        _check(_lib.fg_pipeline_embed_file(self._h, _path(path), out, EMBEDDING_DIM, None))
        return _as_embedding(out)

    def verify(self, a_path, b_path, tau=DEFAULT_TAU):
        """(same, distance): distance = ||f(a) - f(b)||^2, same = distance <= tau."""
        d = ctypes.c_float()
        same = ctypes.c_int()
        _check(_lib.fg_pipeline_verify_files(self._h, _path(a_path), _path(b_path), tau, ctypes.byref(d),
                                             ctypes.byref(same)))
        return bool(same.value), d.value

    def model_id(self):
        buf = ctypes.create_string_buffer(128)
        _check(_lib.fg_pipeline_model_id(self._h, buf, len(buf)))
        return buf.value.decode()


def distance(a, b):
    """||a - b||^2 of two embeddings (the library's own function)."""
    d = ctypes.c_float()
    _check(_lib.fg_distance(_c_embedding(a), _c_embedding(b), EMBEDDING_DIM, ctypes.byref(d)))
    return d.value


_default = None


def _pipeline():
    global _default
    if _default is None:
        _default = Pipeline()
    return _default


def verify(a_path, b_path, tau=DEFAULT_TAU):
    """1:1 on two photos with a default pipeline: (same, distance)."""
    return _pipeline().verify(a_path, b_path, tau)


def embed(path):
    return _pipeline().embed(path)


def detect(path):
    return _pipeline().detect(path)


class Gallery(_Handle):
    """Enrolled people in one crash-safe file. model_id: Pipeline.model_id() (default: the
    default pipeline's). key_path: the gallery key file (default: $FG_GALLERY_KEY); without a
    key the gallery is refused unless insecure=True (records then unauthenticated)."""

    _close_fn = "fg_gallery_close"

    def __init__(self, path, model_id=None, create=True, read_only=False, key_path=None, insecure=False):
        if model_id is None:
            model_id = _pipeline().model_id()
        opts = _GalleryOptions()
        _lib.fg_gallery_options_init(ctypes.byref(opts))
        opts.create_if_missing = 1 if create else 0
        opts.read_only = 1 if read_only else 0
        opts.key_path = _path(key_path) if key_path is not None else None
        opts.insecure = 1 if insecure else 0
        self._h = _P()
        _check(_lib.fg_gallery_open(_path(path), model_id.encode(), ctypes.byref(opts), ctypes.byref(self._h)))

    @classmethod
    def open(cls, path, **kwargs):
        return cls(path, **kwargs)

    def enroll(self, name, embedding):
        """Adds one record (an embedding, or an image path to embed) to person `name`; its id."""
        if isinstance(embedding, (str, bytes, os.PathLike)):
            embedding = embed(embedding)
        rid = ctypes.c_uint64()
        _check(_lib.fg_gallery_enroll(self._h, name.encode(), _c_embedding(embedding), EMBEDDING_DIM,
                                      ctypes.byref(rid)))
        return rid.value

    def remove(self, name):
        removed = _SZ()
        _check(_lib.fg_gallery_remove(self._h, name.encode(), ctypes.byref(removed)))
        return removed.value

    def identify(self, embedding, tau=DEFAULT_TAU, k=1):
        """Nearest persons, nearest first: [{name, distance, records, accepted}]. An image path
        is embedded first."""
        if isinstance(embedding, (str, bytes, os.PathLike)):
            embedding = embed(embedding)
        out = (_Match * k)()
        n = _SZ()
        _check(_lib.fg_gallery_identify(self._h, _c_embedding(embedding), EMBEDDING_DIM, tau, out, k, ctypes.byref(n)))
        return [{"name": m.name.decode("utf-8", "replace"), "distance": m.distance, "records": m.records,
                 "accepted": bool(m.accepted)} for m in out[:n.value]]

    def __len__(self):
        persons = _SZ()
        _check(_lib.fg_gallery_count(self._h, ctypes.byref(persons), None))
        return persons.value
