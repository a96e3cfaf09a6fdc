// Drawing on an RGB8 Image: lines, rectangles, points and text in a built-in 5x7 bitmap font
// (our own glyphs: digits, A-Z with lower case drawn as upper case, and . , : ; - _ = + / \ ( )
// [ ] < > % ? ! ' " # * @ & |; anything else is drawn as a hollow box). For pictures a
// person looks at (facegate --annotate, and later the door's snapshots), not for measurement.
// Every primitive clips to the image: any coordinates, also negative or huge, are safe.
// Images with another channel count than 3 are left untouched.
#pragma once
#include <cstdint>
#include <string>

#include "runtime/vision/image.h"

namespace fg {

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
};

// One pixel (the others build on it).
void draw_pixel(Image* img, int x, int y, Rgb c);
// Bresenham line from (x0, y0) to (x1, y1), `thickness` pixels wide (square pen).
void draw_line(Image* img, int x0, int y0, int x1, int y1, Rgb c, int thickness = 1);
// Outline of [x, x+w) x [y, y+h), drawn inwards `thickness` pixels.
void draw_rect(Image* img, int x, int y, int w, int h, Rgb c, int thickness = 1);
void draw_fill_rect(Image* img, int x, int y, int w, int h, Rgb c);
// A filled disc of `radius` pixels (0: one pixel) centred on (x, y).
void draw_point(Image* img, int x, int y, Rgb c, int radius = 1);

// The font: each glyph is kGlyphW x kGlyphH cells plus one cell of spacing, each cell
// `scale` x `scale` pixels.
constexpr int kGlyphW = 5, kGlyphH = 7;
int draw_text_width(const std::string& text, int scale);
int draw_text_height(int scale);
// Text with its top-left corner at (x, y); returns the width drawn (draw_text_width).
int draw_text(Image* img, int x, int y, const std::string& text, Rgb c, int scale = 1);
// Text on a filled background box with a `pad`-pixel margin: legible on any photo.
void draw_label(Image* img, int x, int y, const std::string& text, Rgb fg, Rgb bg, int scale = 1, int pad = 2);

}  // namespace fg
