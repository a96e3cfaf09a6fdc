// Drawing primitives and the 5x7 font (runtime/vision/draw.h).
#include "runtime/vision/draw.h"

#include <algorithm>
#include <cstdlib>

namespace fg {
namespace {

struct Glyph {
  char c;
  uint8_t rows[kGlyphH];  // bit 4 = leftmost column
};

// Our own glyphs, drawn cell by cell (no font data from elsewhere).
constexpr Glyph kGlyphs[] = {
    {'0', {0b01110, 0b10001, 0b10011, 0b10101, 0b11001, 0b10001, 0b01110}},
    {'1', {0b00100, 0b01100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110}},
    {'2', {0b01110, 0b10001, 0b00001, 0b00010, 0b00100, 0b01000, 0b11111}},
    {'3', {0b11111, 0b00010, 0b00100, 0b00010, 0b00001, 0b10001, 0b01110}},
    {'4', {0b00010, 0b00110, 0b01010, 0b10010, 0b11111, 0b00010, 0b00010}},
    {'5', {0b11111, 0b10000, 0b11110, 0b00001, 0b00001, 0b10001, 0b01110}},
    {'6', {0b00110, 0b01000, 0b10000, 0b11110, 0b10001, 0b10001, 0b01110}},
    {'7', {0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b01000, 0b01000}},
    {'8', {0b01110, 0b10001, 0b10001, 0b01110, 0b10001, 0b10001, 0b01110}},
    {'9', {0b01110, 0b10001, 0b10001, 0b01111, 0b00001, 0b00010, 0b01100}},
    {'A', {0b01110, 0b10001, 0b10001, 0b11111, 0b10001, 0b10001, 0b10001}},
    {'B', {0b11110, 0b10001, 0b10001, 0b11110, 0b10001, 0b10001, 0b11110}},
    {'C', {0b01110, 0b10001, 0b10000, 0b10000, 0b10000, 0b10001, 0b01110}},
    {'D', {0b11100, 0b10010, 0b10001, 0b10001, 0b10001, 0b10010, 0b11100}},
    {'E', {0b11111, 0b10000, 0b10000, 0b11110, 0b10000, 0b10000, 0b11111}},
    {'F', {0b11111, 0b10000, 0b10000, 0b11110, 0b10000, 0b10000, 0b10000}},
    {'G', {0b01110, 0b10001, 0b10000, 0b10111, 0b10001, 0b10001, 0b01111}},
    {'H', {0b10001, 0b10001, 0b10001, 0b11111, 0b10001, 0b10001, 0b10001}},
    {'I', {0b01110, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110}},
    {'J', {0b00111, 0b00010, 0b00010, 0b00010, 0b00010, 0b10010, 0b01100}},
    {'K', {0b10001, 0b10010, 0b10100, 0b11000, 0b10100, 0b10010, 0b10001}},
    {'L', {0b10000, 0b10000, 0b10000, 0b10000, 0b10000, 0b10000, 0b11111}},
    {'M', {0b10001, 0b11011, 0b10101, 0b10101, 0b10001, 0b10001, 0b10001}},
    {'N', {0b10001, 0b10001, 0b11001, 0b10101, 0b10011, 0b10001, 0b10001}},
    {'O', {0b01110, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01110}},
    {'P', {0b11110, 0b10001, 0b10001, 0b11110, 0b10000, 0b10000, 0b10000}},
    {'Q', {0b01110, 0b10001, 0b10001, 0b10001, 0b10101, 0b10010, 0b01101}},
    {'R', {0b11110, 0b10001, 0b10001, 0b11110, 0b10100, 0b10010, 0b10001}},
    {'S', {0b01111, 0b10000, 0b10000, 0b01110, 0b00001, 0b00001, 0b11110}},
    {'T', {0b11111, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100}},
    {'U', {0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01110}},
    {'V', {0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01010, 0b00100}},
    {'W', {0b10001, 0b10001, 0b10001, 0b10101, 0b10101, 0b10101, 0b01010}},
    {'X', {0b10001, 0b10001, 0b01010, 0b00100, 0b01010, 0b10001, 0b10001}},
    {'Y', {0b10001, 0b10001, 0b10001, 0b01010, 0b00100, 0b00100, 0b00100}},
    {'Z', {0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b10000, 0b11111}},
    {'.', {0b00000, 0b00000, 0b00000, 0b00000, 0b00000, 0b01100, 0b01100}},
    {',', {0b00000, 0b00000, 0b00000, 0b00000, 0b01100, 0b00100, 0b01000}},
    {':', {0b00000, 0b01100, 0b01100, 0b00000, 0b01100, 0b01100, 0b00000}},
    {';', {0b00000, 0b01100, 0b01100, 0b00000, 0b01100, 0b00100, 0b01000}},
    {'-', {0b00000, 0b00000, 0b00000, 0b11111, 0b00000, 0b00000, 0b00000}},
    {'_', {0b00000, 0b00000, 0b00000, 0b00000, 0b00000, 0b00000, 0b11111}},
    {'=', {0b00000, 0b00000, 0b11111, 0b00000, 0b11111, 0b00000, 0b00000}},
    {'+', {0b00000, 0b00100, 0b00100, 0b11111, 0b00100, 0b00100, 0b00000}},
    {'/', {0b00000, 0b00001, 0b00010, 0b00100, 0b01000, 0b10000, 0b00000}},
    {'\\', {0b00000, 0b10000, 0b01000, 0b00100, 0b00010, 0b00001, 0b00000}},
    {'(', {0b00010, 0b00100, 0b01000, 0b01000, 0b01000, 0b00100, 0b00010}},
    {')', {0b01000, 0b00100, 0b00010, 0b00010, 0b00010, 0b00100, 0b01000}},
    {'[', {0b01110, 0b01000, 0b01000, 0b01000, 0b01000, 0b01000, 0b01110}},
    {']', {0b01110, 0b00010, 0b00010, 0b00010, 0b00010, 0b00010, 0b01110}},
    {'<', {0b00010, 0b00100, 0b01000, 0b10000, 0b01000, 0b00100, 0b00010}},
    {'>', {0b01000, 0b00100, 0b00010, 0b00001, 0b00010, 0b00100, 0b01000}},
    {'%', {0b11000, 0b11001, 0b00010, 0b00100, 0b01000, 0b10011, 0b00011}},
    {'?', {0b01110, 0b10001, 0b00001, 0b00010, 0b00100, 0b00000, 0b00100}},
    {'!', {0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b00000, 0b00100}},
    {'\'', {0b01100, 0b00100, 0b01000, 0b00000, 0b00000, 0b00000, 0b00000}},
    {'"', {0b01010, 0b01010, 0b01010, 0b00000, 0b00000, 0b00000, 0b00000}},
    {'#', {0b01010, 0b01010, 0b11111, 0b01010, 0b11111, 0b01010, 0b01010}},
    {'*', {0b00000, 0b00100, 0b10101, 0b01110, 0b10101, 0b00100, 0b00000}},
    {'@', {0b01110, 0b10001, 0b00001, 0b01101, 0b10101, 0b10101, 0b01110}},
    {'&', {0b01100, 0b10010, 0b10100, 0b01000, 0b10101, 0b10010, 0b01101}},
    {'|', {0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100}},
};

// Unknown characters: a hollow box, so that a missing glyph is visible, not silently dropped.
constexpr Glyph kUnknown = {'?', {0b11111, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b11111}};

const Glyph* glyph_for(char ch) {
  if (ch == ' ') return nullptr;
  if (ch >= 'a' && ch <= 'z') ch = char(ch - 'a' + 'A');
  for (const Glyph& g : kGlyphs)
    if (g.c == ch) return &g;
  return &kUnknown;
}

bool drawable(const Image* img) { return img && img->channels == 3 && !img->empty(); }

}  // namespace

void draw_pixel(Image* img, int x, int y, Rgb c) {
  if (!drawable(img) || x < 0 || y < 0 || x >= img->width || y >= img->height) return;
  uint8_t* p = img->row(y) + 3 * size_t(x);
  p[0] = c.r, p[1] = c.g, p[2] = c.b;
}

void draw_fill_rect(Image* img, int x, int y, int w, int h, Rgb c) {
  if (!drawable(img) || w <= 0 || h <= 0) return;
  // Clip in 64-bit: x + w may overflow int for huge inputs.
  const int x0 = int(std::max<int64_t>(x, 0)), y0 = int(std::max<int64_t>(y, 0));
  const int x1 = int(std::min<int64_t>(int64_t(x) + w, img->width)), y1 = int(std::min<int64_t>(int64_t(y) + h, img->height));
  for (int yy = y0; yy < y1; ++yy)
    for (int xx = x0; xx < x1; ++xx) draw_pixel(img, xx, yy, c);
}

void draw_rect(Image* img, int x, int y, int w, int h, Rgb c, int thickness) {
  if (w <= 0 || h <= 0) return;
  const int t = std::max(1, std::min({thickness, (w + 1) / 2, (h + 1) / 2}));
  draw_fill_rect(img, x, y, w, t, c);
  draw_fill_rect(img, x, y + h - t, w, t, c);
  draw_fill_rect(img, x, y, t, h, c);
  draw_fill_rect(img, x + w - t, y, t, h, c);
}

void draw_point(Image* img, int x, int y, Rgb c, int radius) {
  const int r = std::max(0, radius);
  for (int dy = -r; dy <= r; ++dy)
    for (int dx = -r; dx <= r; ++dx)
      if (dx * dx + dy * dy <= r * r + r) draw_pixel(img, x + dx, y + dy, c);  // + r: rounder small discs
}

void draw_line(Image* img, int x0, int y0, int x1, int y1, Rgb c, int thickness) {
  if (!drawable(img)) return;
  // Clamp the ends far outside the image first: a line from -1e9 would loop for ever.
  const int lim = 4 * std::max(img->width, img->height) + 16;
  auto clamp = [&](int v) { return std::max(-lim, std::min(v, lim)); };
  x0 = clamp(x0), y0 = clamp(y0), x1 = clamp(x1), y1 = clamp(y1);
  const int t = std::max(1, thickness), lo = -(t - 1) / 2;
  const int dx = std::abs(x1 - x0), dy = -std::abs(y1 - y0);
  const int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
  int err = dx + dy;
  for (;;) {
    draw_fill_rect(img, x0 + lo, y0 + lo, t, t, c);
    if (x0 == x1 && y0 == y1) break;
    const int e2 = 2 * err;
    if (e2 >= dy) err += dy, x0 += sx;
    if (e2 <= dx) err += dx, y0 += sy;
  }
}

int draw_text_width(const std::string& text, int scale) {
  const int s = std::max(1, scale);
  return text.empty() ? 0 : int(text.size()) * (kGlyphW + 1) * s - s;
}

int draw_text_height(int scale) { return kGlyphH * std::max(1, scale); }

int draw_text(Image* img, int x, int y, const std::string& text, Rgb c, int scale) {
  const int s = std::max(1, scale);
  int pen = x;
  for (char ch : text) {
    if (const Glyph* g = glyph_for(ch))
      for (int row = 0; row < kGlyphH; ++row)
        for (int col = 0; col < kGlyphW; ++col)
          if (g->rows[row] & (0x10 >> col)) draw_fill_rect(img, pen + col * s, y + row * s, s, s, c);
    pen += (kGlyphW + 1) * s;
  }
  return draw_text_width(text, s);
}

void draw_label(Image* img, int x, int y, const std::string& text, Rgb fg, Rgb bg, int scale, int pad) {
  draw_fill_rect(img, x, y, draw_text_width(text, scale) + 2 * pad, draw_text_height(scale) + 2 * pad, bg);
  draw_text(img, x + pad, y + pad, text, fg, scale);
}

}  // namespace fg
