"""The facegate Python package (python/facegate) over libfacegate.so: verify, embed, detect,
Gallery, errors. Run by CTest (test_python: FACEGATE_LIBRARY = the build tree's library)
and by tests/install/run.sh against an installed prefix. Needs FG_SOURCE_DIR (the samples)."""
import os
import sys
import tempfile
import unittest

import facegate

SAMPLES = os.path.join(os.environ.get("FG_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..")),
                       "samples", "frames")


def sample(name):
    return os.path.join(SAMPLES, name)


class FacegateTest(unittest.TestCase):
    def test_version(self):
        self.assertRegex(facegate.version(), r"^\d+\.\d+\.\d+$")

    def test_verify_two_bundled_photos(self):
        same, d = facegate.verify(sample("amy3.png"), sample("amy4.png"))
        self.assertTrue(same)
        self.assertGreater(d, 0.0)
        self.assertLessEqual(d, facegate.DEFAULT_TAU)
        same, d2 = facegate.verify(sample("amy3.png"), sample("sheldon3.png"))
        self.assertFalse(same)
        self.assertGreater(d2, facegate.DEFAULT_TAU)
        # verify's distance is the distance of the two embeddings.
        a, b = facegate.embed(sample("amy3.png")), facegate.embed(sample("amy4.png"))
        self.assertEqual(facegate.distance(a, b), d)
        expected = os.environ.get("FG_EXPECT_DISTANCE")  # the install test passes the CLI's
        if expected:
            self.assertAlmostEqual(d, float(expected), places=5)

    def test_embed_detect(self):
        e = facegate.embed(sample("amy3.png"))
        self.assertEqual(len(e), 128)
        if facegate._np is not None:
            self.assertEqual(str(e.dtype), "float32")
        else:
            self.assertIsInstance(e, list)
        boxes = facegate.detect(sample("bbt3.jpg"))
        self.assertGreaterEqual(len(boxes), 3)
        self.assertGreater(boxes[0]["score"], 0.5)
        self.assertEqual(facegate.detect(sample("wall.png")), [])

    def test_handles_close(self):
        with facegate.Pipeline() as p:
            self.assertEqual(len(p.embed(sample("amy3.png"))), 128)
        self.assertIsNone(p._h)
        p.close()  # a second close is a no-op
        with tempfile.TemporaryDirectory() as tmp:
            with facegate.Gallery(os.path.join(tmp, "g.fgg"), insecure=True) as g:
                self.assertEqual(len(g), 0)
            self.assertIsNone(g._h)

    def test_descriptor_and_flip_options(self):
        plain = facegate.embed(sample("amy3.png"))
        for kwargs in ({"descriptor": "crop"}, {"flip": True}):
            with facegate.Pipeline(**kwargs) as p:
                e = p.embed(sample("amy3.png"))
                self.assertEqual(len(e), 128)
                self.assertNotEqual(list(e), list(plain))  # the option reached the pipeline
                same, _ = p.verify(sample("amy3.png"), sample("amy4.png"))
                self.assertTrue(same)
        with self.assertRaises(ValueError):
            facegate.Pipeline(descriptor="sideways")

    def test_errors(self):
        with self.assertRaises(facegate.Error) as cm:
            facegate.embed("/nonexistent.jpg")
        self.assertEqual(cm.exception.status, 2)
        self.assertIn("/nonexistent.jpg", str(cm.exception))
        with self.assertRaises(facegate.Error) as cm:
            facegate.embed(sample("wall.png"))
        self.assertEqual(cm.exception.status, 3)  # no face
        with self.assertRaises(facegate.Error):
            facegate.Pipeline(model_dir="/nonexistent")
        with self.assertRaises(ValueError):
            facegate.distance([0.0] * 3, [0.0] * 3)

    def test_gallery(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "staff.fgg")
            key = os.path.join(tmp, "staff.key")  # what `facegate gallery keygen` makes
            fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            os.write(fd, os.urandom(32))
            os.close(fd)
            with self.assertRaises(facegate.Error) as cm:
                facegate.Gallery(path)  # no key, not insecure: refused
            self.assertEqual(cm.exception.status, 1)
            with facegate.Gallery(path, key_path=key) as g:
                g.enroll("amy", sample("amy3.png"))
                g.enroll("sheldon", facegate.embed(sample("sheldon3.png")))
                self.assertEqual(len(g), 2)
                best = g.identify(sample("amy4.png"), k=2)
                self.assertEqual(best[0]["name"], "amy")
                self.assertTrue(best[0]["accepted"])
                self.assertFalse(best[1]["accepted"])
                self.assertEqual(g.remove("amy"), 1)
                with self.assertRaises(facegate.Error) as cm:
                    g.remove("amy")
                self.assertEqual(cm.exception.status, 4)
            os.environ["FG_GALLERY_KEY"] = key  # the key from the environment, as the CLI takes it
            try:
                with facegate.Gallery.open(path, read_only=True) as r:
                    self.assertEqual(len(r), 1)
            finally:
                del os.environ["FG_GALLERY_KEY"]  # later tests must not inherit a removed key


if __name__ == "__main__":
    sys.exit(0 if unittest.main(exit=False, verbosity=2).result.wasSuccessful() else 1)
